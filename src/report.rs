//! Reports: findings as rows for review in a spreadsheet (CSV) or for programs (JSON Lines).
//!
//! The CSV columns are a contract with reviewers and with `despin apply`:
//! `path,line,column,byte_start,byte_end,spun,suggestion,alternatives,confidence,dictionary,context,decision`
//! (batch reports add `status`, `doc_score` and `reason`). `alternatives` are joined with
//! `|`; `decision` is left empty for the reviewer. A batch report also has one row for each
//! file it did not scan, with `status` `skipped` or `failed` and the `reason` (binary, not
//! UTF-8, too large, hidden, ignored or excluded, symlink..., or the error), so nothing is
//! missing from it silently; `despin apply` passes those rows over.
//!
//! Scraped text is untrusted, and spreadsheets run cells that start with `=`, `+`, `-`, `@`,
//! tab or carriage return as formulas. Every text cell that starts with one of those, or with
//! an apostrophe, is written with one extra leading apostrophe ([`neutralise`]); reading a
//! report strips exactly one leading apostrophe ([`restore`]), so the round trip is lossless.
//!
//! File names are bytes on Unix and need not be UTF-8. The `path` cell holds the name with
//! each byte that is not part of valid UTF-8 written as `%XX` (two upper-case hex digits),
//! and a `%` that is followed by two hex digits written as `%25`, so every other name reads
//! as itself ([`path_label`]); [`label_path`] undoes it exactly.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::scan::Finding;

/// The columns of a scan report, in order.
pub const COLUMNS: [&str; 12] = [
    "path",
    "line",
    "column",
    "byte_start",
    "byte_end",
    "spun",
    "suggestion",
    "alternatives",
    "confidence",
    "dictionary",
    "context",
    "decision",
];

/// Bytes of context kept on each side of a finding.
pub const CONTEXT_BYTES: usize = 40;

/// One finding as a report row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// File the finding is in (`-` for stdin).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// Byte offset of the start of `spun` in the file.
    pub byte_start: usize,
    /// Byte offset one past its end.
    pub byte_end: usize,
    /// The matched text as written.
    pub spun: String,
    /// The suggested replacement (reviewers may edit it).
    pub suggestion: String,
    /// Other suggestions, `|`-separated.
    pub alternatives: String,
    /// Confidence in \[0,1\].
    pub confidence: f32,
    /// Dictionary name and the entry's line in its source (`news:12`).
    pub dictionary: String,
    /// A short window of the surrounding text.
    pub context: String,
    /// The reviewer's decision: `accept`, `reject` or empty.
    pub decision: String,
    /// `applied` or `suggested`, or for a file that was not scanned `skipped` or `failed`
    /// (batch reports only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<Status>,
    /// The spin score of the finding's document: the file, or in JSON Lines the record
    /// (batch reports and JSON).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub doc_score: Option<f32>,
    /// Why a file was skipped or failed (batch reports only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

/// The `status` column of a batch report row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The finding was applied to the output.
    Applied,
    /// The finding was reported, not applied (below the threshold, or a scan).
    Suggested,
    /// The file was not scanned (not text, too large, left out by the walk...).
    Skipped,
    /// The file could not be read or written.
    Failed,
}

impl Status {
    /// The word written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Suggested => "suggested",
            Status::Skipped => "skipped",
            Status::Failed => "failed",
        }
    }

    /// Read the word written in reports (surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Applied,
            Status::Suggested,
            Status::Skipped,
            Status::Failed,
        ]
        .into_iter()
        .find(|st| st.as_str() == s.trim())
    }

    /// Whether the row stands for a file that was not scanned.
    pub fn is_unscanned(self) -> bool {
        matches!(self, Status::Skipped | Status::Failed)
    }
}

/// The batch columns after [`COLUMNS`].
pub const BATCH_COLUMNS: [&str; 3] = ["status", "doc_score", "reason"];

impl Row {
    /// Build a row for `finding` found in `text` (the whole file) at `path`.
    pub fn new(path: &str, text: &str, finding: &Finding) -> Row {
        Row::in_window(path, text, 0, finding)
    }

    /// [`Row::new`] when only part of the file is at hand: `window`, which starts at file
    /// offset `base` and holds the finding with [`CONTEXT_BYTES`] (plus one character) on
    /// each side, or up to the file's start or end.
    pub fn in_window(path: &str, window: &str, base: usize, finding: &Finding) -> Row {
        Row {
            path: path.to_string(),
            line: finding.line,
            column: finding.column,
            byte_start: finding.start,
            byte_end: finding.end,
            spun: finding.spun.clone(),
            suggestion: finding.suggestions.first().cloned().unwrap_or_default(),
            alternatives: finding
                .suggestions
                .iter()
                .skip(1)
                .cloned()
                .collect::<Vec<_>>()
                .join("|"),
            confidence: finding.confidence,
            dictionary: format!("{}:{}", finding.dictionary, finding.entry_line),
            context: context_window(window, finding.start - base, finding.end - base),
            decision: String::new(),
            status: None,
            doc_score: None,
            reason: None,
        }
    }

    /// The row of a file that was not scanned: `status` is [`Status::Skipped`] or
    /// [`Status::Failed`], and the finding columns are empty.
    pub fn unscanned(path: &str, status: Status, reason: &str) -> Row {
        Row {
            path: path.to_string(),
            line: 0,
            column: 0,
            byte_start: 0,
            byte_end: 0,
            spun: String::new(),
            suggestion: String::new(),
            alternatives: String::new(),
            confidence: 0.0,
            dictionary: String::new(),
            context: String::new(),
            decision: String::new(),
            status: Some(status),
            doc_score: None,
            reason: Some(reason.to_string()),
        }
    }

    /// Whether this row stands for a file that was not scanned (no finding).
    pub fn is_unscanned(&self) -> bool {
        self.status.is_some_and(Status::is_unscanned)
    }
}

/// A one-line window of text around `start..end`.
pub fn context_window(text: &str, start: usize, end: usize) -> String {
    let mut lo = start.saturating_sub(CONTEXT_BYTES);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (end + CONTEXT_BYTES).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    let window = &text[lo..hi];
    // Control characters are C0 bytes, DEL, or C1 (U+0080..U+009F, lead byte 0xC2): without
    // those bytes the window is copied as it is, not character by character.
    if !window.bytes().any(|b| b < 0x20 || b == 0x7F || b == 0xC2) {
        return window.to_string();
    }
    // In ASCII the control characters are exactly those bytes: replaced byte by byte.
    if window.is_ascii() {
        let bytes = window
            .bytes()
            .map(|b| if b < 0x20 || b == 0x7F { b' ' } else { b })
            .collect();
        return String::from_utf8(bytes).expect("ASCII stays ASCII");
    }
    window
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// First characters that make a spreadsheet run a cell as a formula (plus the apostrophe that
/// marks a neutralised cell): [`neutralise`] prefixes cells starting with one of them.
pub const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

/// Make a cell safe for spreadsheets: prefix one apostrophe when it starts with a formula
/// trigger (`= + - @`, tab, CR) or an apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    // A lone "-" (stdin) is not a formula.
    if cell.starts_with(FORMULA_STARTS) && cell != "-" {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Undo [`neutralise`].
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// Write bytes as text losslessly: valid UTF-8 stays as it is, except that a `%` followed
/// by two hex digits becomes `%25`; every byte of an invalid sequence becomes `%XX`.
/// [`unescape_bytes`] is its exact inverse.
pub fn escape_bytes(bytes: &[u8]) -> Cow<'_, str> {
    let needs_escape = |s: &str| {
        s.as_bytes()
            .windows(3)
            .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
    };
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !needs_escape(s) {
            return s.into();
        }
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        let b = valid.as_bytes();
        for (i, c) in valid.char_indices() {
            // Whether this `%` would read as an escape depends on the bytes after it in the
            // input, which are copied or escaped as `%`, never as hex digits.
            let hex = |k: usize| b.get(i + k).is_some_and(u8::is_ascii_hexdigit);
            if c == '%' && hex(1) && hex(2) {
                out.push_str("%25");
            } else {
                out.push(c);
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out.into()
}

/// Undo [`escape_bytes`]: every `%` followed by two hex digits is that byte; anything else is
/// itself.
pub fn unescape_bytes(text: &str) -> Cow<'_, [u8]> {
    let b = text.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let escape_at = |i: usize| -> Option<u8> {
        if b[i] != b'%' {
            return None;
        }
        let hi = hex(*b.get(i + 1)?)?;
        let lo = hex(*b.get(i + 2)?)?;
        Some((hi * 16 + lo) as u8)
    };
    if !(0..b.len()).any(|i| escape_at(i).is_some()) {
        return b.into();
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if let Some(byte) = escape_at(i) {
            out.push(byte);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out.into()
}

/// How a file's path is written in the `path` cell of a report (see the module doc).
pub fn path_label(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        escape_bytes(path.as_os_str().as_bytes()).into_owned()
    }
    #[cfg(not(unix))]
    {
        // Other systems' file names are Unicode; `%` is still escaped so the label reads back.
        escape_bytes(path.to_string_lossy().as_bytes()).into_owned()
    }
}

/// The file a report's `path` cell names: the inverse of [`path_label`].
pub fn label_path(label: &str) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(&unescape_bytes(label)))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(&unescape_bytes(label)).into_owned())
    }
}

/// Output formats for findings: `scan --format` and `report.format` in despin.toml, written
/// and read as `brief`, `csv` and `json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `path:line:column: spun -> suggestion (confidence)`.
    Brief,
    /// CSV with a header, formula-neutralised.
    Csv,
    /// JSON Lines: one object per finding.
    Json,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Brief, Format::Csv, Format::Json];

    /// The name of the format (`--format`, `report.format`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Brief => "brief",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is no [`Format`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}` (expected brief, csv or json)")]
pub struct UnknownFormat(pub String);

impl std::str::FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// Writes rows in one format. Call [`ReportWriter::finish`] at the end.
pub struct ReportWriter<W: Write> {
    format: Format,
    csv: Option<csv::Writer<W>>,
    raw: Option<W>,
    extended: bool,
    wrote_header: bool,
}

impl<W: Write> ReportWriter<W> {
    /// A writer of `format` into `out`. `extended` adds the batch columns (status, doc_score).
    pub fn new(out: W, format: Format, extended: bool) -> ReportWriter<W> {
        match format {
            Format::Csv => ReportWriter {
                format,
                csv: Some(
                    csv::WriterBuilder::new()
                        .has_headers(false)
                        .from_writer(out),
                ),
                raw: None,
                extended,
                wrote_header: false,
            },
            _ => ReportWriter {
                format,
                csv: None,
                raw: Some(out),
                extended,
                wrote_header: false,
            },
        }
    }

    /// Write one row.
    pub fn write(&mut self, row: &Row) -> std::io::Result<()> {
        match self.format {
            Format::Brief => {
                let w = self.raw.as_mut().unwrap();
                if row.is_unscanned() {
                    let status = row.status.map_or("", Status::as_str);
                    let reason = row.reason.as_deref().unwrap_or_default();
                    return writeln!(w, "{}: {status} ({reason})", row.path);
                }
                let alts = if row.alternatives.is_empty() {
                    String::new()
                } else {
                    format!(" (or {})", row.alternatives.replace('|', ", "))
                };
                writeln!(
                    w,
                    "{}:{}:{}: {} -> {}{} [{:.2} {}]",
                    row.path,
                    row.line,
                    row.column,
                    row.spun,
                    row.suggestion,
                    alts,
                    row.confidence,
                    row.dictionary
                )
            }
            Format::Json => {
                let w = self.raw.as_mut().unwrap();
                serde_json::to_writer(&mut *w, row)?;
                w.write_all(b"\n")
            }
            Format::Csv => {
                let w = self.csv.as_mut().unwrap();
                if !self.wrote_header {
                    let mut header: Vec<&str> = COLUMNS.to_vec();
                    if self.extended {
                        header.extend(BATCH_COLUMNS);
                    }
                    w.write_record(&header)?;
                    self.wrote_header = true;
                }
                let num = |n: usize| n.to_string();
                let mut rec = vec![
                    neutralise(&row.path).into_owned(),
                    num(row.line),
                    num(row.column),
                    num(row.byte_start),
                    num(row.byte_end),
                    neutralise(&row.spun).into_owned(),
                    neutralise(&row.suggestion).into_owned(),
                    neutralise(&row.alternatives).into_owned(),
                    format!("{:.3}", row.confidence),
                    neutralise(&row.dictionary).into_owned(),
                    neutralise(&row.context).into_owned(),
                    neutralise(&row.decision).into_owned(),
                ];
                if self.extended {
                    rec.push(row.status.map_or("", Status::as_str).to_string());
                    rec.push(row.doc_score.map(|s| format!("{s:.3}")).unwrap_or_default());
                    rec.push(neutralise(row.reason.as_deref().unwrap_or_default()).into_owned());
                }
                w.write_record(&rec)?;
                Ok(())
            }
        }
    }

    /// Write the CSV header even if no row was written, and flush.
    pub fn finish(mut self) -> std::io::Result<W> {
        if let Some(mut w) = self.csv.take() {
            if !self.wrote_header {
                let mut header: Vec<&str> = COLUMNS.to_vec();
                if self.extended {
                    header.extend(BATCH_COLUMNS);
                }
                w.write_record(&header)?;
            }
            w.flush()?;
            return w.into_inner().map_err(|e| e.into_error());
        }
        let mut w = self.raw.take().unwrap();
        w.flush()?;
        Ok(w)
    }
}

/// One document in a triage summary: how strongly it looks spun.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocSummary {
    /// The file.
    pub path: String,
    /// Word tokens scanned.
    pub words: usize,
    /// Findings reported.
    pub findings: usize,
    /// The document's spin score in \[0,1\].
    pub spin_score: f32,
    /// The spinner profile with the most evidence (empty if none).
    pub profile: String,
}

impl DocSummary {
    /// Summarise a scanned document.
    pub fn new(path: &str, evidence: &crate::scan::DocEvidence, findings: usize) -> DocSummary {
        let best = evidence
            .profiles
            .iter()
            .max_by(|a, b| a.evidence.total_cmp(&b.evidence));
        DocSummary {
            path: path.to_string(),
            words: evidence.words,
            findings,
            spin_score: evidence.score,
            profile: best.map(|p| p.profile.clone()).unwrap_or_default(),
        }
    }
}

/// Write documents ranked by spin score (highest first, then by path) as an aligned table.
pub fn write_summary<W: Write>(mut out: W, docs: &mut [DocSummary]) -> std::io::Result<()> {
    docs.sort_by(|a, b| {
        b.spin_score
            .total_cmp(&a.spin_score)
            .then_with(|| a.path.cmp(&b.path))
    });
    writeln!(
        out,
        "{:>5}  {:>8}  {:>8}  {:<7}  path",
        "spin", "words", "findings", "profile"
    )?;
    for d in docs.iter() {
        let profile = if d.profile.is_empty() {
            "-"
        } else {
            &d.profile
        };
        writeln!(
            out,
            "{:>5.2}  {:>8}  {:>8}  {:<7}  {}",
            d.spin_score, d.words, d.findings, profile, d.path
        )?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_windows_blank_control_characters_one_for_one() {
        let reference = |w: &str| -> String {
            w.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect()
        };
        for text in [
            "plain words only here",
            "a line\nthen\ttabs\r\nand DEL\u{7f} end",
            "caf\u{e9}\nna\u{ef}ve \u{85} next-line",
            "\u{1}\u{1f} \u{9f}",
        ] {
            let got = context_window(text, 2, 4);
            assert_eq!(got, reference(text), "{text:?}");
        }
    }

    #[test]
    fn status_words_read_back_and_serialise_as_written() {
        for st in [
            Status::Applied,
            Status::Suggested,
            Status::Skipped,
            Status::Failed,
        ] {
            assert_eq!(Status::parse(&format!(" {} ", st.as_str())), Some(st));
            assert_eq!(
                serde_json::to_string(&st).unwrap(),
                format!("{:?}", st.as_str())
            );
        }
        assert_eq!(Status::parse("done"), None);
        let row = Row::unscanned("a.bin", Status::Skipped, "not text");
        assert!(row.is_unscanned());
    }

    #[test]
    fn format_names_read_back() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
            assert_eq!(f.to_string(), f.as_str());
        }
        let e = "xml".parse::<Format>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown format `xml` (expected brief, csv or json)"
        );
    }

    #[test]
    fn neutralise_round_trips() {
        for s in [
            "=SUM(A1)", "+1", "-x", "@a", "\tt", "\rr", "'q", "''=", "plain", "", "a=b",
        ] {
            assert_eq!(restore(&neutralise(s)), s, "{s:?}");
        }
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("ok"), "ok");
        // Every character the README lists gets exactly one leading apostrophe.
        for c in ['=', '+', '-', '@', '\t', '\r', '\''] {
            assert_eq!(neutralise(&format!("{c}x")), format!("'{c}x"), "{c:?}");
        }
        assert_eq!(neutralise("a=b"), "a=b");
    }

    #[test]
    fn byte_escape_round_trips_and_keeps_plain_names() {
        for (raw, label) in [
            (&b"docs/a.txt"[..], "docs/a.txt"),
            (b"50%.txt", "50%.txt"),
            (b"caf\xc3\xa9 100%", "caf\u{e9} 100%"),
            (b"a\xffb", "a%FFb"),
            (b"%41", "%2541"),
            (b"%\xff", "%%FF"),
            (b"%4\xff", "%4%FF"),
            (b"%%41\xc3", "%%2541%C3"),
        ] {
            assert_eq!(escape_bytes(raw), label, "{raw:?}");
            assert_eq!(&*unescape_bytes(label), raw, "{label:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn byte_escape_is_lossless(raw in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(b"%0aF%g9z/.".to_vec()),
                proptest::num::u8::ANY,
            ],
            0..24,
        )) {
            let label = escape_bytes(&raw);
            proptest::prop_assert_eq!(&*unescape_bytes(&label), &raw[..]);
            if let Ok(s) = std::str::from_utf8(&raw) {
                if !s.contains('%') {
                    proptest::prop_assert_eq!(&*label, s);
                }
            }
        }
    }
}
