//! Reviewed reports: reading back the CSV of `despin scan --format csv` after a person has
//! filled in its `decision` column, usually in a spreadsheet.
//!
//! Reviewers' tools do things to a CSV, and none of them may change what gets applied:
//!
//! * columns are found by header name, in any order; extra columns (a reviewer's notes,
//!   the batch `status`) are ignored, and so are batch rows for files that were not scanned
//!   (`status` `skipped` or `failed`); only `path`, `byte_start`, `byte_end`, `spun`,
//!   `suggestion` and `decision` are required;
//! * rows may come in any order; CRLF line ends and a UTF-8 byte order mark are fine;
//! * cells neutralised against formula injection are restored ([`crate::report::restore`]);
//! * numbers a spreadsheet re-formatted (`12.0`) are read back as integers.
//!
//! A report cut short (a copy or download that stopped midway) must not apply a cut cell, so
//! a row lacking a required column, or a last row with no line break after it, is refused
//! as possibly truncated.
//!
//! Every problem is collected with its CSV line before anything is returned, so a user fixes
//! a report in one go.

use std::path::Path;

use crate::error::{Error, Result, RowError};
use crate::report::{restore, Status};
use despin_core::located_csv::{is_blank, LocatedCsv};

/// What the reviewer decided for one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Apply the row's `suggestion` (possibly edited by the reviewer).
    Accept,
    /// Leave the text as it is.
    Reject,
    /// No decision written: left alone unless `--accept-empty`.
    Undecided,
}

impl Decision {
    /// Parse a `decision` cell: `accept`/`accepted`/`yes`/`y`, `reject`/`rejected`/`no`/`n`,
    /// or empty; case-insensitive.
    pub fn parse(cell: &str) -> Option<Decision> {
        match cell.trim().to_lowercase().as_str() {
            "" => Some(Decision::Undecided),
            "accept" | "accepted" | "yes" | "y" => Some(Decision::Accept),
            "reject" | "rejected" | "no" | "n" => Some(Decision::Reject),
            _ => None,
        }
    }
}

/// One row of a reviewed report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewedRow {
    /// 1-based line of the row in the report (for messages).
    pub line: u64,
    /// The file the finding is in, as written in the report.
    pub path: String,
    /// Byte offset of `spun` when the report was made.
    pub byte_start: usize,
    /// Byte offset one past its end.
    pub byte_end: usize,
    /// The text that was found.
    pub spun: String,
    /// The replacement to write if accepted (the reviewer may have edited it).
    pub suggestion: String,
    /// The `context` window, when the report has that column.
    pub context: Option<String>,
    /// The `dictionary` cell (`NAME:LINE` of the entry that produced the finding), when the
    /// report has that column: learning keeps that entry's kind and conditions.
    pub dictionary: Option<String>,
    /// The reviewer's decision.
    pub decision: Decision,
}

/// Columns a reviewed report must have.
pub const REQUIRED_COLUMNS: [&str; 6] = [
    "path",
    "byte_start",
    "byte_end",
    "spun",
    "suggestion",
    "decision",
];

/// The index of column `name` in a report's header (case-insensitive, spaces and a
/// neutralising apostrophe ignored).
pub fn report_column(headers: &csv::ByteRecord, name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| restore(String::from_utf8_lossy(h).trim()).eq_ignore_ascii_case(name))
}

/// Parse a reviewed report held in memory; `path` labels errors.
///
/// Returns every row, or [`Error::ReportRows`] listing every bad row.
pub fn read_reviewed(path: &Path, data: &[u8]) -> Result<Vec<ReviewedRow>> {
    let mut errors = Vec::new();
    let err = |line: u64, message: String| RowError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut rdr = LocatedCsv::new(data, true, None);
    let headers = match rdr.headers() {
        Ok((h, _)) => h,
        Err(e) => {
            return Err(Error::ReportRows {
                rows: vec![err(1, format!("cannot read header row: {e}"))],
            })
        }
    };
    let find = |name: &str| report_column(&headers, name);
    let mut index = [0usize; 6];
    let mut missing = Vec::new();
    for (slot, name) in index.iter_mut().zip(REQUIRED_COLUMNS) {
        match find(name) {
            Some(i) => *slot = i,
            None => missing.push(name),
        }
    }
    if !missing.is_empty() {
        let body = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
        let message = if body.trim_ascii_start().starts_with(b"{") {
            // The other format despin writes reports in.
            "a JSON Lines report: reviews are CSV (`despin scan --format csv`, or a `--report` \
             ending in `.csv`)"
                .to_string()
        } else {
            format!(
                "report lacks the column(s) {} (is this a `despin scan --format csv` report?)",
                missing.join(", ")
            )
        };
        return Err(Error::ReportRows {
            rows: vec![err(1, message)],
        });
    }
    let context_col = find("context");
    let dictionary_col = find("dictionary");
    // Batch reports name the files they did not scan in rows without a finding.
    let status_col = find("status");

    let mut rows = Vec::new();
    // The line of the last row read, if it held anything.
    let mut last_row = None;
    let data = rdr.data();
    for r in rdr {
        let Ok((line, record)) = r.map_err(|e| errors.push(err(e.line, e.to_string()))) else {
            continue;
        };
        if is_blank(&record) {
            last_row = None;
            continue;
        }
        last_row = Some(line);
        if let Some(&i) = index.iter().find(|&&i| i >= record.len()) {
            errors.push(err(
                line,
                format!(
                    "row has {} fields, the header {} (no `{}`): the report looks truncated \
                     or damaged",
                    record.len(),
                    headers.len(),
                    String::from_utf8_lossy(&headers[i])
                ),
            ));
            continue;
        }
        let status = status_col.and_then(|i| record.get(i)).unwrap_or_default();
        if Status::parse(&String::from_utf8_lossy(status)).is_some_and(Status::is_unscanned) {
            continue;
        }
        match parse_row(&record, &index, context_col, dictionary_col) {
            Ok(mut row) => {
                row.line = line;
                rows.push(row);
            }
            Err(m) => errors.push(err(line, m)),
        }
    }
    let terminated = data.ends_with(b"\n") || data.ends_with(b"\r");
    if let Some(line) = last_row.filter(|_| !terminated) {
        let why = "the report ends inside this row (no line break after it), so it may be \
                   truncated; if the row is complete, end the file with a line break";
        match errors.last_mut() {
            Some(e) if e.line == line && !e.message.contains("truncated") => {
                e.message = format!("{why} ({})", e.message);
            }
            Some(e) if e.line == line => {}
            _ => errors.push(err(line, why.into())),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(Error::ReportRows { rows: errors })
    }
}

fn parse_row(
    record: &csv::ByteRecord,
    index: &[usize; 6],
    context_col: Option<usize>,
    dictionary_col: Option<usize>,
) -> std::result::Result<ReviewedRow, String> {
    let cell = |i: usize, name: &str| -> std::result::Result<String, String> {
        let raw = record.get(i).unwrap_or_default();
        let s = std::str::from_utf8(raw).map_err(|_| format!("column `{name}` is not UTF-8"))?;
        Ok(restore(s.trim()).to_string())
    };
    let number = |i: usize, name: &str| -> std::result::Result<usize, String> {
        let s = cell(i, name)?;
        parse_offset(&s).ok_or_else(|| format!("`{name}` {s:?} is not a byte offset"))
    };
    let path = cell(index[0], "path")?;
    if path.is_empty() {
        return Err("empty `path`".into());
    }
    let byte_start = number(index[1], "byte_start")?;
    let byte_end = number(index[2], "byte_end")?;
    if byte_end < byte_start {
        return Err(format!(
            "byte_end {byte_end} is before byte_start {byte_start}"
        ));
    }
    let decision_s = cell(index[5], "decision")?;
    let decision = Decision::parse(&decision_s).ok_or_else(|| {
        format!("unknown decision {decision_s:?} (expected accept, reject or empty)")
    })?;
    Ok(ReviewedRow {
        line: 0,
        path,
        byte_start,
        byte_end,
        spun: cell(index[3], "spun")?,
        suggestion: cell(index[4], "suggestion")?,
        context: context_col.map(|i| cell(i, "context")).transpose()?,
        dictionary: dictionary_col
            .map(|i| cell(i, "dictionary"))
            .transpose()?
            .filter(|d| !d.is_empty()),
        decision,
    })
}

/// Read an offset written as an integer, or as a spreadsheet's `12.0`.
fn parse_offset(s: &str) -> Option<usize> {
    if let Ok(n) = s.parse::<usize>() {
        return Some(n);
    }
    let f = s.parse::<f64>().ok()?;
    (f >= 0.0 && f.fract() == 0.0 && f < 1e15).then_some(f as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_by_header_name_with_bom_crlf_and_extra_columns() {
        let csv = "\u{FEFF}note,decision,suggestion,spun,byte_end,byte_start,path\r\n\
                   mine,ACCEPT,'=last year,final yr,12.0,4,a.txt\r\n\
                   ,,,,,,\r\n\
                   x,,b,c,3,2,b.txt\r\n";
        let rows = read_reviewed(Path::new("r.csv"), csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].decision, Decision::Accept);
        assert_eq!(rows[0].suggestion, "=last year");
        assert_eq!((rows[0].byte_start, rows[0].byte_end), (4, 12));
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].decision, Decision::Undecided);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].context, None);
        assert_eq!(rows[1].dictionary, None);
    }

    #[test]
    fn names_every_bad_row() {
        let csv = "path,byte_start,byte_end,spun,suggestion,decision\n\
                   a,1,2,x,y,maybe\n\
                   a,x,2,x,y,accept\n\
                   a,5,2,x,y,accept\n";
        let Err(Error::ReportRows { rows }) = read_reviewed(Path::new("r.csv"), csv.as_bytes())
        else {
            panic!("expected row errors")
        };
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(rows[0].message.contains("unknown decision"));
        let e = read_reviewed(Path::new("r.csv"), b"path,spun\na,b\n").unwrap_err();
        assert!(e.to_string().contains("byte_start"), "{e}");
    }

    #[test]
    fn truncated_reports_are_refused_naming_the_line() {
        let whole = "path,byte_start,byte_end,spun,suggestion,decision,note\n\
                     a.txt,4,12,final yr,last year,reject,\n\
                     a.txt,20,28,Center East,Middle East,accept,ok\n";
        assert_eq!(
            read_reviewed(Path::new("r.csv"), whole.as_bytes())
                .unwrap()
                .len(),
            2
        );
        // Every cut inside the last row is refused (at line 3), never read as a shorter row.
        let last = whole[..whole.len() - 1].rfind('\n').unwrap() + 1;
        for cut in last + 1..whole.len() {
            let Err(Error::ReportRows { rows }) =
                read_reviewed(Path::new("r.csv"), &whole.as_bytes()[..cut])
            else {
                panic!("cut at {cut} was accepted")
            };
            assert_eq!(rows.len(), 1, "{rows:?}");
            assert_eq!(rows[0].line, 3, "{rows:?}");
            assert!(
                rows[0].message.contains("truncated"),
                "{cut}: {}",
                rows[0].message
            );
        }
        // A row missing only a column that is not required is fine; a missing decision is not.
        let short = "path,byte_start,byte_end,spun,suggestion,decision,note\n\
                     a.txt,4,12,final yr,last year,accept\n\
                     a.txt,20,28,Center East,Middle East\n";
        let Err(Error::ReportRows { rows }) = read_reviewed(Path::new("r.csv"), short.as_bytes())
        else {
            panic!("expected row errors")
        };
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 3);
        assert!(
            rows[0].message.contains("no `decision`"),
            "{}",
            rows[0].message
        );
    }
}
