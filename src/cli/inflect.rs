//! `despin dict inflect`: the word forms despin's engine makes of a phrase or of substitution
//! pairs ([`despin::dict::inflect`]), for people and for the dictionary tools
//! (`dictionaries/tools/gen_inferred.py`), so no script carries a copy of the rules.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use despin::dict::inflect::{pair_forms, phrase_forms, Form};
use despin::error::RowError;
use despin_core::located_csv::{is_blank, LocatedCsv};

use super::EXIT_CLEAN;

/// The columns written, in order.
pub const COLUMNS: [&str; 5] = ["spun", "original", "form", "spun_form", "original_form"];

#[derive(clap::Args, Debug)]
pub struct InflectArgs {
    /// The phrase to inflect (a spun phrase when --original is given).
    #[arg(
        value_name = "PHRASE",
        required_unless_present = "csv",
        conflicts_with = "csv"
    )]
    phrase: Option<String>,

    /// Inflect PHRASE and this original wording the same way: the forms both have.
    #[arg(long, value_name = "ORIGINAL", requires = "phrase")]
    original: Option<String>,

    /// Inflect every row of a CSV with `spun` and `original` columns (a dictionary source
    /// will do; `-` reads stdin): each `|` alternative of `original` as a pair with `spun`,
    /// `spun` alone where `original` is empty. `#` lines are comments.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

/// Print the forms as CSV: `spun,original,form,spun_form,original_form` (`original` and
/// `original_form` empty for a phrase alone), in input order and [`Form::ALL`] order.
pub fn run(a: InflectArgs) -> Result<i32> {
    let pairs: Vec<(String, String)> = match (&a.csv, a.phrase) {
        (Some(path), _) => read_pairs(path)?,
        (None, Some(phrase)) => vec![(phrase, a.original.unwrap_or_default())],
        (None, None) => Vec::new(),
    };
    // Written to memory first, so a closed stdout is an I/O error like elsewhere.
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for (spun, original) in &pairs {
        for (form, s, o) in inflections(spun, original) {
            w.write_record([spun, original, form.as_str(), &s, &o])?;
        }
    }
    let out = w.into_inner().map_err(|e| e.into_error())?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&out)
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")?;
    Ok(EXIT_CLEAN)
}

/// The forms of `spun` alone (when `original` is empty) or of the pair.
fn inflections(spun: &str, original: &str) -> Vec<(Form, String, String)> {
    if original.trim().is_empty() {
        phrase_forms(spun)
            .into_iter()
            .map(|(f, s)| (f, s, String::new()))
            .collect()
    } else {
        pair_forms(spun, original)
    }
}

/// The (spun, original) pairs of a CSV file; every bad row is refused with its line.
fn read_pairs(path: &PathBuf) -> Result<Vec<(String, String)>> {
    let mut data = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut data)
            .context("cannot read stdin")?;
    } else {
        data = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    }
    let err = |line: u64, message: String| RowError {
        path: path.clone(),
        line,
        message,
    };
    let mut rdr = LocatedCsv::new(&data, true, Some(b'#'));
    let (header, header_line) = rdr.headers().map_err(|e| despin::Error::DictRows {
        rows: vec![err(1, format!("cannot read header row: {e}"))],
    })?;
    let col = |name: &str| {
        header
            .iter()
            .position(|h| String::from_utf8_lossy(h).trim().eq_ignore_ascii_case(name))
    };
    let (Some(spun_col), original_col) = (col("spun"), col("original")) else {
        return Err(despin::Error::DictRows {
            rows: vec![err(header_line, "header must name a `spun` column".into())],
        }
        .into());
    };
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    for r in rdr {
        let Ok((line, record)) = r.map_err(|e| errors.push(err(e.line, e.to_string()))) else {
            continue;
        };
        if is_blank(&record) {
            continue;
        }
        let cell = |i: Option<usize>| -> Result<&str, String> {
            let b = i.and_then(|i| record.get(i)).unwrap_or_default();
            std::str::from_utf8(b)
                .map(str::trim)
                .map_err(|_| "not valid UTF-8".to_string())
        };
        match (cell(Some(spun_col)), cell(original_col)) {
            (Ok(""), _) => errors.push(err(line, "empty `spun` phrase".into())),
            (Ok(spun), Ok(original)) => {
                let alternatives = original.split('|').map(str::trim);
                let before = pairs.len();
                pairs.extend(
                    alternatives
                        .filter(|o| !o.is_empty())
                        .map(|o| (spun.to_string(), o.to_string())),
                );
                if pairs.len() == before {
                    pairs.push((spun.to_string(), String::new()));
                }
            }
            (Err(m), _) | (_, Err(m)) => errors.push(err(line, m)),
        }
    }
    if !errors.is_empty() {
        return Err(despin::Error::DictRows { rows: errors }.into());
    }
    Ok(pairs)
}
