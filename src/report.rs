//! Reports: findings as rows for review in a spreadsheet (CSV) or for programs (JSON Lines).
//!
//! The CSV columns are a contract with reviewers and with `despin apply`:
//! `path,line,column,byte_start,byte_end,spun,suggestion,alternatives,confidence,dictionary,context,decision`
//! (batch reports add `status` and `doc_score`). `alternatives` are joined with `|`;
//! `decision` is left empty for the reviewer.
//!
//! Scraped text is untrusted, and spreadsheets run cells that start with `=`, `+`, `-`, `@`,
//! tab or carriage return as formulas. Every text cell that starts with one of those, or with
//! an apostrophe, is written with one extra leading apostrophe ([`neutralise`]); reading a
//! report strips exactly one leading apostrophe ([`restore`]), so the round trip is lossless.

use std::io::Write;

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
    /// `applied` or `suggested` (batch reports only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<String>,
    /// The document's spin score (batch reports and JSON).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub doc_score: Option<f32>,
}

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
        }
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
    text[lo..hi]
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

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

/// Output formats for findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `path:line:column: spun -> suggestion (confidence)`.
    Brief,
    /// CSV with a header, formula-neutralised.
    Csv,
    /// JSON Lines: one object per finding.
    Json,
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
                        header.extend(["status", "doc_score"]);
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
                    rec.push(row.status.clone().unwrap_or_default());
                    rec.push(row.doc_score.map(|s| format!("{s:.3}")).unwrap_or_default());
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
                    header.extend(["status", "doc_score"]);
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
    fn neutralise_round_trips() {
        for s in [
            "=SUM(A1)", "+1", "-x", "@a", "\tt", "\rr", "'q", "''=", "plain", "", "a=b",
        ] {
            assert_eq!(restore(&neutralise(s)), s, "{s:?}");
        }
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("ok"), "ok");
    }
}
