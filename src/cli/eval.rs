//! `despin eval`: measure repairs against originals, and changes to clean text.

use std::path::PathBuf;

use anyhow::{bail, Result};
use despin::eval::{clean_changes, pair_files, score, Counts, Pairs};
use despin::{input, repair};
use serde::Serialize;

use super::common::{parse_confidence, DictArgs, Threshold};
use super::EXIT_CLEAN;

/// Score despin's repairs of spun files against their originals (precision, recall and
/// F0.5 over token edits, error reduction), and count changes made to clean text.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Spun file, or directory of spun `*.txt` files.
    #[arg(long, value_name = "PATH")]
    pub spun: PathBuf,

    /// The original of the spun file, or a directory of originals with the same names (or the
    /// same directory, holding `NAME.reference.txt` beside each `NAME.txt`).
    #[arg(long, value_name = "PATH")]
    pub original: PathBuf,

    /// Clean text (files or directories of `*.txt`, symbolic links not followed): report
    /// changes per 1,000 words.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub clean: Vec<PathBuf>,

    /// Apply findings with at least this confidence, as `despin fix` would (default 0.5, or
    /// `min_confidence` in despin.toml).
    #[arg(long, value_parser = parse_confidence, value_name = "X")]
    pub min_confidence: Option<f32>,

    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub dict: DictArgs,
}

#[derive(Serialize)]
struct FileScore {
    file: String,
    precision: f64,
    recall: f64,
    f05: f64,
    error_reduction: f64,
    #[serde(flatten)]
    counts: Counts,
}

#[derive(Serialize)]
struct Report {
    files: Vec<FileScore>,
    overall: FileScore,
    clean_words: usize,
    clean_changes: usize,
    clean_changes_per_1000_words: f64,
}

fn file_score(file: String, counts: Counts) -> FileScore {
    FileScore {
        file,
        precision: counts.precision(),
        recall: counts.recall(),
        f05: counts.f05(),
        error_reduction: counts.error_reduction(),
        counts,
    }
}

/// Name the spun files that have no original (a typo in a name must not shrink the set
/// silently).
pub fn warn_unpaired(p: &Pairs) {
    for u in &p.unpaired {
        eprintln!(
            "despin: warning: {}: no original found, left out",
            u.display()
        );
    }
}

pub fn run(args: Args) -> Result<i32> {
    let scanner = args.dict.scanner()?;
    let min_confidence = args
        .dict
        .min_confidence(args.min_confidence, Threshold::Fix)?;
    let fix = |text: &str| repair::repair(text, &scanner.scan(text).findings, min_confidence).text;
    let found = pair_files(&args.spun, &args.original)?;
    warn_unpaired(&found);
    let pairs = found.pairs;
    if pairs.is_empty() {
        bail!(
            "no spun/original pairs found under {} and {}",
            args.spun.display(),
            args.original.display()
        );
    }
    let mut files = Vec::new();
    let mut total = Counts::default();
    for (s, o) in &pairs {
        let spun = input::read_file(s)?;
        let original = input::read_file(o)?;
        let counts = score(&spun, &original, &fix(&spun));
        total += counts;
        files.push(file_score(
            s.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            counts,
        ));
    }
    let mut clean_files = Vec::new();
    for c in &args.clean {
        clean_files.extend(despin::walk::corpus_files(c, Some("txt"))?);
    }
    let (mut words, mut changes) = (0, 0);
    for c in &clean_files {
        let text = input::read_file(c)?;
        let (w, ch) = clean_changes(&text, &fix(&text));
        words += w;
        changes += ch;
    }
    let report = Report {
        files,
        overall: file_score("overall".into(), total),
        clean_words: words,
        clean_changes: changes,
        clean_changes_per_1000_words: if words == 0 {
            0.0
        } else {
            1000.0 * changes as f64 / words as f64
        },
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{:<40} {:>6} {:>6} {:>6} {:>6} {:>7} {:>6}",
            "file", "P", "R", "F0.5", "ER", "changes", "gold"
        );
        for f in report.files.iter().chain(std::iter::once(&report.overall)) {
            println!(
                "{:<40} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>7} {:>6}",
                f.file,
                f.precision,
                f.recall,
                f.f05,
                f.error_reduction,
                f.counts.sys_changes,
                f.counts.gold_changes
            );
        }
        if !clean_files.is_empty() {
            println!(
                "clean text: {} files, {} words, {} changed tokens = {:.3} per 1,000 words",
                clean_files.len(),
                words,
                changes,
                report.clean_changes_per_1000_words
            );
        }
    }
    Ok(EXIT_CLEAN)
}
