//! Dictionary sources: the CSV format people write, parsed and validated row by row.
//!
//! The format is documented in `dictionaries/README.md`. Parsing never stops at the first
//! bad row: [`parse_source`] returns every valid entry and every refused row (file and line
//! with the reason), so `despin dict check` can report them all at once while loaders refuse
//! the whole file if any row is bad.
//!
//! `despin-dicts`'s build script parses the default dictionaries with it.

use std::path::Path;

use crate::dict::condition::parse_context;
use crate::error::RowError;
use crate::located_csv::{is_blank, LocatedCsv};
use crate::normalize::normalize_phrase;

/// Default prior when the `prior` column is absent or empty.
pub const DEFAULT_PRIOR: f32 = 0.9;

/// What kind of evidence an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// Almost never occurs in normal English: fires anywhere.
    Fingerprint,
    /// A common-word substitution: fires in proportion to the document's spin evidence.
    Swap,
    /// Never flag this phrase: suppresses any other entry on the same span.
    Allow,
    /// A key of a spinner's table (`despin dict import`): a wording the spinner replaces
    /// wherever it occurs. Never flagged; its absence from a document is evidence of that
    /// spinner ("keys vanish"). Its `prior` is the share of the key's occurrences in clean
    /// text expected to remain in the spinner's output (0 when no other group writes it).
    Key,
}

impl EntryKind {
    /// The name used in the CSV `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Fingerprint => "fingerprint",
            EntryKind::Swap => "swap",
            EntryKind::Allow => "allow",
            EntryKind::Key => "key",
        }
    }

    /// True for the kinds that repair text (fingerprints and swaps): they have originals.
    pub fn repairs(self) -> bool {
        matches!(self, EntryKind::Fingerprint | EntryKind::Swap)
    }

    /// Parse the CSV `kind` column (empty means fingerprint).
    pub fn parse(s: &str) -> Option<EntryKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "fingerprint" => Some(EntryKind::Fingerprint),
            "swap" => Some(EntryKind::Swap),
            "allow" => Some(EntryKind::Allow),
            "key" => Some(EntryKind::Key),
            _ => None,
        }
    }

    /// Compact code used in compiled dictionaries.
    pub fn code(self) -> u8 {
        match self {
            EntryKind::Fingerprint => 0,
            EntryKind::Swap => 1,
            EntryKind::Allow => 2,
            EntryKind::Key => 3,
        }
    }

    /// Inverse of [`EntryKind::code`].
    pub fn from_code(c: u8) -> Option<EntryKind> {
        [
            EntryKind::Fingerprint,
            EntryKind::Swap,
            EntryKind::Allow,
            EntryKind::Key,
        ]
        .get(c as usize)
        .copied()
    }
}

impl std::fmt::Display for EntryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no [`EntryKind`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind {0:?} (expected fingerprint, swap, allow or key)")]
pub struct UnknownEntryKind(pub String);

impl std::str::FromStr for EntryKind {
    type Err = UnknownEntryKind;

    /// [`EntryKind::parse`], with an error that names the word.
    fn from_str(s: &str) -> Result<EntryKind, UnknownEntryKind> {
        EntryKind::parse(s).ok_or_else(|| UnknownEntryKind(s.to_string()))
    }
}

/// One validated dictionary entry, as written in a source file.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceEntry {
    /// The spun phrase as written.
    pub spun: String,
    /// Its normalised form: the FST key.
    pub key: String,
    /// Original wordings, best first (empty only for `allow` and `key` entries).
    pub originals: Vec<String>,
    /// Confidence prior in \[0,1\].
    pub prior: f32,
    /// Fingerprint, swap or allow.
    pub kind: EntryKind,
    /// Context condition, as written (validated).
    pub context: String,
    /// Document condition: alternatives, one of which must occur in the document.
    pub requires: Vec<String>,
    /// Tags (`spinner:a`, `news`...).
    pub tags: Vec<String>,
    /// Free note.
    pub note: String,
    /// 1-based line in the source file.
    pub line: u64,
}

/// The result of parsing one source: good entries and refused rows.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Valid entries, in file order.
    pub entries: Vec<SourceEntry>,
    /// Refused rows, in file order.
    pub errors: Vec<RowError>,
}

/// The header columns, in the order `despin` writes them.
pub const COLUMNS: [&str; 8] = [
    "spun", "original", "prior", "kind", "context", "requires", "tags", "note",
];

/// Parse a dictionary source held in memory. `path` only labels errors.
pub fn parse_source(path: &Path, data: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    let err = |line: u64, message: String| RowError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut rdr = LocatedCsv::new(data, true, Some(b'#'));
    let (headers, header_line) = match rdr.headers() {
        Ok(h) => h,
        Err(e) => {
            parsed
                .errors
                .push(err(1, format!("cannot read header row: {e}")));
            return parsed;
        }
    };
    let mut index = [None; 8];
    for (i, h) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(h).trim().to_ascii_lowercase();
        if let Some(c) = COLUMNS.iter().position(|c| *c == name) {
            index[c] = Some(i);
        }
    }
    if index[0].is_none() || index[1].is_none() {
        parsed.errors.push(err(
            header_line,
            format!(
                "header must name at least `spun` and `original` columns (known: {})",
                COLUMNS.join(",")
            ),
        ));
        return parsed;
    }
    for r in rdr {
        let Ok((line, record)) = r.map_err(|e| parsed.errors.push(err(e.line, e.to_string())))
        else {
            continue;
        };
        if is_blank(&record) {
            continue;
        }
        match parse_row(&record, &index) {
            Ok(mut e) => {
                e.line = line;
                parsed.entries.push(e);
            }
            Err(m) => parsed.errors.push(err(line, m)),
        }
    }
    parsed
}

/// Write entries as a dictionary source: an optional `#` comment, the header, one row each.
/// Parsing the result gives the same entries back (but for their line numbers).
pub fn to_csv(comment: &str, entries: &[SourceEntry]) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_source(&mut out, comment, entries, None);
    String::from_utf8(out).unwrap_or_default()
}

/// The one writer of the source format ([`COLUMNS`]; [`parse_source`] reads it back): an
/// optional `#` comment (one `# ` line per line), the header, one row per entry. `prior_digits`
/// rounds the prior to that many decimals (`Some(2)`: `0.90`); `None` writes it exactly.
pub fn write_source<W: std::io::Write>(
    mut out: W,
    comment: &str,
    entries: &[SourceEntry],
    prior_digits: Option<usize>,
) -> std::io::Result<()> {
    for l in comment.lines() {
        writeln!(out, "# {l}")?;
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for e in entries {
        let prior = match prior_digits {
            Some(d) => format!("{:.*}", d, e.prior),
            None => e.prior.to_string(),
        };
        w.write_record([
            e.spun.as_str(),
            &e.originals.join("|"),
            &prior,
            e.kind.as_str(),
            &e.context,
            &e.requires.join("|"),
            &e.tags.join(";"),
            &e.note,
        ])?;
    }
    w.flush()
}

fn parse_row(record: &csv::ByteRecord, index: &[Option<usize>; 8]) -> Result<SourceEntry, String> {
    let field = |c: usize| -> Result<&str, String> {
        match index[c].and_then(|i| record.get(i)) {
            None => Ok(""),
            Some(b) => std::str::from_utf8(b)
                .map(str::trim)
                .map_err(|_| format!("column `{}` is not valid UTF-8", COLUMNS[c])),
        }
    };
    let spun = field(0)?;
    if spun.is_empty() {
        return Err("empty `spun` phrase".into());
    }
    let key = normalize_phrase(spun);
    if key.is_empty() {
        return Err(format!("`spun` phrase {spun:?} normalises to nothing"));
    }
    let kind_s = field(3)?;
    let kind: EntryKind = kind_s
        .parse()
        .map_err(|e: UnknownEntryKind| e.to_string())?;
    let originals: Vec<String> = field(1)?
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if originals.is_empty() && kind.repairs() {
        return Err(format!("no `original` wording for {spun:?}"));
    }
    let prior_s = field(2)?;
    let prior = if prior_s.is_empty() {
        DEFAULT_PRIOR
    } else {
        match prior_s.parse::<f32>() {
            Ok(p) if (0.0..=1.0).contains(&p) => p,
            _ => return Err(format!("prior {prior_s:?} is not a number in [0,1]")),
        }
    };
    let context = field(4)?;
    parse_context(context)?;
    let mut requires = Vec::new();
    for r in field(5)?
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if normalize_phrase(r).is_empty() {
            return Err(format!("`requires` phrase {r:?} normalises to nothing"));
        }
        requires.push(r.to_string());
    }
    let tags = field(6)?
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    Ok(SourceEntry {
        spun: spun.to_string(),
        key,
        originals,
        prior,
        kind,
        context: context.split_whitespace().collect::<Vec<_>>().join(" "),
        requires,
        tags,
        note: field(7)?.to_string(),
        line: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_right_with_crlf_comments_and_blank_lines() {
        let data = "# head\r\nspun,original\r\na,b\r\n# c\r\n\r\nc,\r\n\"e\r\nf\",g\nh,i\n";
        let parsed = parse_source(Path::new("d.csv"), data.as_bytes());
        let lines: Vec<u64> = parsed.entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 7, 9]);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].line, 6);
    }

    #[test]
    fn a_bad_header_is_refused_on_its_own_line() {
        for (data, line) in [
            ("foo,bar\nx,y\n", 1),
            ("# c\nfoo,bar\nx,y\n", 2),
            ("# c\r\nfoo,bar\r\nx,y\r\n", 2),
        ] {
            let parsed = parse_source(Path::new("d.csv"), data.as_bytes());
            assert_eq!(parsed.errors.len(), 1, "{data:?}");
            assert_eq!(parsed.errors[0].line, line, "{data:?}");
            assert!(parsed.errors[0].message.starts_with("header must name"));
        }
    }

    #[test]
    fn written_sources_parse_back_to_the_same_entries() {
        let data = "spun,original,prior,kind,context,requires,tags,note\n\
                    final yr,last year|past year,0.97,swap,prev=@cap,talks|envoy,news;spinner:a,\"a, b\"\n\
                    Center East,Middle East,0.9,,,,,\n\
                    middle east,,,allow,,,,\n";
        let parsed = parse_source(Path::new("d.csv"), data.as_bytes());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let strip = |mut es: Vec<SourceEntry>| {
            es.iter_mut().for_each(|e| e.line = 0);
            es
        };
        let text = to_csv("made by a test\nsecond line", &parsed.entries);
        assert!(text.starts_with("# made by a test\n# second line\nspun,original,prior,"));
        let again = parse_source(Path::new("again.csv"), text.as_bytes());
        assert_eq!(strip(again.entries), strip(parsed.entries.clone()));
        let mut rounded = Vec::new();
        write_source(&mut rounded, "", &parsed.entries, Some(2)).unwrap();
        let rounded = String::from_utf8(rounded).unwrap();
        assert!(rounded.contains(",0.90,fingerprint,"), "{rounded}");
        let again = parse_source(Path::new("r.csv"), rounded.as_bytes());
        assert_eq!(strip(again.entries), strip(parsed.entries));
    }
}
