//! The review page: one self-contained HTML file (inline CSS and JavaScript, no network) in
//! which a reviewer reads each document with its findings highlighted, accepts, rejects or
//! edits them, and exports the decisions as a scan report for `despin apply`.
//!
//! This module only turns findings and texts into HTML; it does no I/O. The export keeps the
//! one report contract of [`crate::report`]: the page holds every row as the cells
//! [`ReportWriter`] writes for it, with the column names of [`COLUMNS`]; the page's exporter
//! replaces only the `decision` and `suggestion` cells (neutralised with the same trigger
//! characters, [`FORMULA_STARTS`]) and quotes as the CSV writer does. A page exported with no
//! decisions is byte-identical to `despin scan --format csv` for the same rows.
//!
//! Everything from the documents is untrusted. It travels as JSON inside a
//! `<script type="application/json">` element with `<`, `>`, `&`, U+2028 and U+2029 escaped,
//! so it can neither close the element nor be parsed as markup, and the page builds its DOM
//! with `textContent` only.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result, RowError};
use crate::report::{restore, Format, ReportWriter, Row, Status, COLUMNS, FORMULA_STARTS};
use crate::review::{read_reviewed, report_column, Decision};
use despin_core::dict::DictSet;
use despin_core::located_csv::LocatedCsv;
use despin_core::scan::FindingKind;

const PAGE_HTML: &str = include_str!("review_page/page.html");
const PAGE_CSS: &str = include_str!("review_page/page.css");
const PAGE_JS: &str = include_str!("review_page/page.js");

/// How the page's title starts: how `despin` recognises a page it wrote (an existing one may
/// be replaced, see [`crate::output::check_not_in_tree`]).
pub const TITLE_PREFIX: &str = "despin review: ";

/// One document shown on the page.
#[derive(Clone, Debug)]
pub struct ReviewDoc {
    /// The path as written in the report rows (`Row::path`).
    pub path: String,
    /// The file's text now, or `None` when it could not be read (its findings are then
    /// listed without the text).
    pub text: Option<String>,
    /// The document's spin score, when known.
    pub spin_score: Option<f32>,
}

/// One finding to review: its report row and the kind of its dictionary entry.
#[derive(Clone, Debug)]
pub struct ReviewItem {
    /// The row as `despin scan --format csv` writes it.
    pub row: Row,
    /// The kind of the finding's entry ([`FindingKind::Discovered`] for a thesaurus
    /// suggestion), or `None` when the entry is not in the loaded dictionaries (shown as
    /// `unknown`).
    pub kind: Option<FindingKind>,
}

/// The kind of the dictionary entry a row names (`news:12`), looked up in `dicts`;
/// [`FindingKind::Discovered`] for a row of discovery (`discovered:LINE`); `None` when no
/// loaded entry matches (a report made with other dictionaries).
pub fn entry_kind(dicts: &DictSet, row: &Row) -> Option<FindingKind> {
    let (name, line) = row.dictionary.rsplit_once(':')?;
    if name == crate::scan::discover::DICTIONARY {
        return Some(FindingKind::Discovered);
    }
    let line = line.parse::<u32>().ok()?;
    dicts
        .layers()
        .iter()
        .filter(|d| d.name() == name)
        .flat_map(|d| d.lookup(&row.spun))
        .find_map(|e| FindingKind::of_entry(e.kind).filter(|_| e.line == line))
}

/// Read a scan report (CSV, as `despin scan --format csv` or a batch `--report` writes it,
/// possibly reviewed) back into rows. The columns `despin apply` needs are read and checked
/// by [`read_reviewed`], so every problem names its CSV line; the other columns are optional
/// (a missing `confidence` reads as 0, a missing `line`/`column` as 0). `context` is kept
/// exactly as written.
pub fn read_report(path: &Path, data: &[u8]) -> Result<Vec<Row>> {
    let reviewed = read_reviewed(path, data)?;
    let mut rdr = LocatedCsv::new(data, true, None);
    let bad = |message: String| Error::ReportRows {
        rows: vec![RowError {
            path: path.to_path_buf(),
            line: 1,
            message,
        }],
    };
    let (headers, _) = rdr
        .headers()
        .map_err(|e| bad(format!("cannot read header row: {e}")))?;
    let col = |name: &str| report_column(&headers, name);
    let optional = [
        "line",
        "column",
        "alternatives",
        "confidence",
        "dictionary",
        "status",
        "doc_score",
        "context",
    ]
    .map(col);
    // The records by report line, to pair with the rows `read_reviewed` returned (it skips
    // blank rows and the rows of unscanned files).
    let mut records: HashMap<u64, csv::ByteRecord> = HashMap::new();
    records.extend(rdr.map_while(Result::ok));
    let empty = csv::ByteRecord::new();
    let mut rows = Vec::with_capacity(reviewed.len());
    for r in reviewed {
        let record = records.get(&r.line).unwrap_or(&empty);
        let cell = |i: Option<usize>| -> String {
            i.and_then(|i| record.get(i))
                .map(|b| restore(String::from_utf8_lossy(b).trim()).to_string())
                .unwrap_or_default()
        };
        let number = |i: Option<usize>| -> std::result::Result<Option<f64>, String> {
            let s = cell(i);
            if s.is_empty() {
                return Ok(None);
            }
            s.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(Some)
                .ok_or(s)
        };
        let mut problems = Vec::new();
        let mut num = |i: usize, name: &str| match number(optional[i]) {
            Ok(v) => v,
            Err(s) => {
                problems.push(format!("`{name}` {s:?} is not a number"));
                None
            }
        };
        let line = num(0, "line").unwrap_or(0.0) as usize;
        let column = num(1, "column").unwrap_or(0.0) as usize;
        let confidence = num(3, "confidence").unwrap_or(0.0) as f32;
        let doc_score = num(6, "doc_score").map(|f| f as f32);
        if let Some(p) = problems.into_iter().next() {
            return Err(Error::ReportRows {
                rows: vec![RowError {
                    path: path.to_path_buf(),
                    line: r.line,
                    message: p,
                }],
            });
        }
        let decision = match r.decision {
            Decision::Accept => "accept",
            Decision::Reject => "reject",
            Decision::Undecided => "",
        };
        let status = Status::parse(&cell(optional[5]));
        rows.push(Row {
            path: r.path,
            line,
            column,
            byte_start: r.byte_start,
            byte_end: r.byte_end,
            spun: r.spun,
            suggestion: r.suggestion,
            alternatives: cell(optional[2]),
            confidence,
            dictionary: cell(optional[4]),
            // Untrimmed, unlike `read_reviewed`: the context window may start or end with a
            // space, and an export must give the cell back as it was.
            context: optional[7]
                .and_then(|i| record.get(i))
                .map(|b| restore(&String::from_utf8_lossy(b)).to_string())
                .or(r.context)
                .unwrap_or_default(),
            decision: decision.to_string(),
            status,
            doc_score,
            reason: None,
        });
    }
    Ok(rows)
}

#[derive(Serialize)]
struct PageData<'a> {
    /// Names the page's saved decisions in local storage: pages of different reports do
    /// not share them, a page regenerated from the same findings does.
    key: String,
    columns: &'a [&'a str],
    formula_starts: String,
    docs: Vec<DocData<'a>>,
    findings: Vec<FindingData<'a>>,
}

#[derive(Serialize)]
struct DocData<'a> {
    path: &'a str,
    score: Option<f32>,
    text: Option<&'a str>,
    /// Indexes into `findings`, in file order.
    findings: Vec<usize>,
}

#[derive(Serialize)]
struct FindingData<'a> {
    doc: usize,
    /// UTF-16 offsets of `spun` in the document text (what JavaScript strings index), or
    /// null when the text does not hold `spun` at the row's byte offsets any more.
    start: Option<usize>,
    end: Option<usize>,
    line: usize,
    column: usize,
    spun: &'a str,
    suggestion: &'a str,
    alternatives: Vec<&'a str>,
    confidence: f32,
    dictionary: &'a str,
    kind: &'a str,
    context: &'a str,
    /// `accept`, `reject` or empty: a decision already in the report.
    decision: &'static str,
    /// The row's cells exactly as the report writer writes them (neutralised).
    cells: Vec<String>,
}

/// The cells of each row exactly as [`ReportWriter`] writes them, by writing the rows and
/// reading the CSV back, so the page never formats a cell itself.
fn written_cells(rows: &[&Row]) -> Result<Vec<Vec<String>>> {
    let invalid = |e: &dyn std::fmt::Display| Error::Invalid(format!("report row: {e}"));
    let mut w = ReportWriter::new(Vec::new(), Format::Csv, false);
    for r in rows {
        w.write(r).map_err(|e| invalid(&e))?;
    }
    let bytes = w.finish().map_err(|e| invalid(&e))?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes.as_slice());
    rdr.records()
        .map(|rec| {
            rec.map(|r| r.iter().map(str::to_string).collect())
                .map_err(|e| invalid(&e))
        })
        .collect()
}

/// Map sorted byte offsets of `text` to UTF-16 offsets in one pass.
fn utf16_offsets(text: &str, mut bytes: Vec<usize>) -> HashMap<usize, usize> {
    bytes.sort_unstable();
    bytes.dedup();
    let mut map = HashMap::with_capacity(bytes.len());
    let mut wanted = bytes.into_iter().peekable();
    let mut units = 0;
    for (at, c) in text.char_indices() {
        while wanted.peek() == Some(&at) {
            map.insert(at, units);
            wanted.next();
        }
        units += c.len_utf16();
    }
    for b in wanted.filter(|&b| b == text.len()) {
        map.insert(b, units);
    }
    map
}

/// Serialise `value` for a `<script type="application/json">` element: no `<`, `>` or `&`
/// (so neither `</script>` nor `<!--` can appear) and no U+2028/U+2029 line separators.
fn script_json<T: Serialize>(value: &T) -> Result<String> {
    let json = serde_json::to_string(value)
        .map_err(|e| Error::Invalid(format!("cannot encode the page data: {e}")))?;
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// FNV-1a, for the local-storage key (not security: it only keeps pages apart).
fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// Fill the template's `{{NAME}}` markers in one pass, so inserted text is never scanned
/// for markers itself.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        let name = &rest[open + 2..open + close];
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => {
                out.push_str(&rest[..open]);
                out.push_str(v);
            }
            None => out.push_str(&rest[..open + close + 2]),
        }
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    out
}

/// Render the review page for `items` (in report order: the exported CSV keeps it) found in
/// `docs`. Documents are listed by spin score, highest first; a row whose path has no
/// document is shown without text.
pub fn render(docs: &[ReviewDoc], items: &[ReviewItem]) -> Result<String> {
    let mut doc_index: HashMap<&str, usize> = HashMap::new();
    let mut doc_data: Vec<DocData<'_>> = Vec::new();
    for d in docs {
        doc_index.entry(&d.path).or_insert_with(|| {
            doc_data.push(DocData {
                path: &d.path,
                score: d.spin_score,
                text: d.text.as_deref(),
                findings: Vec::new(),
            });
            doc_data.len() - 1
        });
    }
    for it in items {
        let path = it.row.path.as_str();
        if !doc_index.contains_key(path) {
            doc_data.push(DocData {
                path,
                score: it.row.doc_score,
                text: None,
                findings: Vec::new(),
            });
            doc_index.insert(path, doc_data.len() - 1);
        }
    }
    let rows: Vec<&Row> = items.iter().map(|i| &i.row).collect();
    let cells = written_cells(&rows)?;

    // UTF-16 offsets per document, for the rows whose text is where the row says.
    let mut at_offsets = vec![false; items.len()];
    let mut wanted: Vec<Vec<usize>> = vec![Vec::new(); doc_data.len()];
    for (i, it) in items.iter().enumerate() {
        let d = doc_index[it.row.path.as_str()];
        let r = &it.row;
        if let Some(text) = doc_data[d].text {
            if !r.spun.is_empty() && text.get(r.byte_start..r.byte_end) == Some(r.spun.as_str()) {
                at_offsets[i] = true;
                wanted[d].extend([r.byte_start, r.byte_end]);
            }
        }
    }
    let maps: Vec<HashMap<usize, usize>> = doc_data
        .iter()
        .zip(wanted)
        .map(|(d, w)| d.text.map(|t| utf16_offsets(t, w)).unwrap_or_default())
        .collect();

    let mut findings = Vec::with_capacity(items.len());
    for (i, (it, cells)) in items.iter().zip(cells).enumerate() {
        let r = &it.row;
        let d = doc_index[r.path.as_str()];
        let (start, end) = if at_offsets[i] {
            (
                maps[d].get(&r.byte_start).copied(),
                maps[d].get(&r.byte_end).copied(),
            )
        } else {
            (None, None)
        };
        doc_data[d].findings.push(i);
        findings.push(FindingData {
            doc: d,
            start,
            end,
            line: r.line,
            column: r.column,
            spun: &r.spun,
            suggestion: &r.suggestion,
            alternatives: r
                .alternatives
                .split('|')
                .filter(|s| !s.is_empty())
                .collect(),
            confidence: r.confidence,
            dictionary: &r.dictionary,
            kind: it.kind.map_or("unknown", FindingKind::as_str),
            context: &r.context,
            decision: match Decision::parse(&r.decision) {
                Some(Decision::Accept) => "accept",
                Some(Decision::Reject) => "reject",
                _ => "",
            },
            cells,
        });
    }
    for d in &mut doc_data {
        d.findings
            .sort_by_key(|&i| (items[i].row.byte_start, items[i].row.byte_end, i));
    }
    // The key covers what a decision refers to: every row's cells.
    let mut h = Vec::new();
    for f in &findings {
        for c in &f.cells {
            h.extend_from_slice(c.as_bytes());
            h.push(0);
        }
    }
    let data = PageData {
        key: format!("{:016x}", fnv64(&h)),
        columns: &COLUMNS,
        formula_starts: FORMULA_STARTS.iter().collect(),
        docs: doc_data,
        findings,
    };
    let json = script_json(&data)?;
    let title = format!(
        "{TITLE_PREFIX}{} findings in {} files",
        items.len(),
        data.docs.len()
    );
    Ok(fill(
        PAGE_HTML,
        &[
            ("TITLE", &title),
            ("CSS", PAGE_CSS),
            ("JS", PAGE_JS),
            ("DATA", &json),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, start: usize, spun: &str, suggestion: &str) -> Row {
        Row {
            path: path.into(),
            line: 1,
            column: start + 1,
            byte_start: start,
            byte_end: start + spun.len(),
            spun: spun.into(),
            suggestion: suggestion.into(),
            alternatives: String::new(),
            confidence: 0.9,
            dictionary: "news:3".into(),
            context: String::new(),
            decision: String::new(),
            status: None,
            doc_score: None,
            reason: None,
        }
    }

    #[test]
    fn data_cannot_close_the_script_element() {
        let text = "é</script><script>alert(1)</script>\u{2028}<!-- final yr & more";
        let start = text.find("final yr").unwrap();
        let docs = [ReviewDoc {
            path: "a</script>.txt".into(),
            text: Some(text.into()),
            spin_score: Some(0.5),
        }];
        let items = [ReviewItem {
            row: row(
                "a</script>.txt",
                start,
                "final yr",
                "<img src=x onerror=alert(1)>",
            ),
            kind: Some(FindingKind::Fingerprint),
        }];
        let html = render(&docs, &items).unwrap();
        let open = html
            .find(r#"<script type="application/json" id="despin-data">"#)
            .unwrap();
        let body = &html[open..];
        let close = body.find("</script>").unwrap();
        let json = &body[body.find('>').unwrap() + 1..close];
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!json.contains(bad), "{bad:?} in the embedded data");
        }
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["docs"][0]["text"], text);
        assert_eq!(
            v["findings"][0]["suggestion"],
            "<img src=x onerror=alert(1)>"
        );
        // UTF-16 offsets: "é" is one unit in two bytes, U+2028 one unit in three.
        assert_eq!(v["findings"][0]["start"], start - 3);
        assert_eq!(v["findings"][0]["end"], start - 3 + "final yr".len());
    }

    #[test]
    fn cells_are_the_report_writer_cells_and_stale_rows_have_no_offsets() {
        let docs = [ReviewDoc {
            path: "a.txt".into(),
            text: Some("the final yr".into()),
            spin_score: None,
        }];
        let mut stale = row("a.txt", 0, "Center East", "=Middle East");
        stale.alternatives = "x|y".into();
        let items = [
            ReviewItem {
                row: row("a.txt", 4, "final yr", "last year"),
                kind: Some(FindingKind::Fingerprint),
            },
            ReviewItem {
                row: stale,
                kind: None,
            },
        ];
        let html = render(&docs, &items).unwrap();
        let json = html
            .split(r#"id="despin-data">"#)
            .nth(1)
            .unwrap()
            .split("</script>")
            .next()
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["columns"].as_array().unwrap().len(), COLUMNS.len());
        assert_eq!(v["findings"][0]["start"], 4);
        assert!(v["findings"][1]["start"].is_null());
        let cells = v["findings"][1]["cells"].as_array().unwrap();
        assert_eq!(cells[6], "'=Middle East");
        assert_eq!(cells[8], "0.900");
        assert_eq!(
            v["findings"][1]["alternatives"],
            serde_json::json!(["x", "y"])
        );
        assert_eq!(
            v["formula_starts"],
            FORMULA_STARTS.iter().collect::<String>()
        );
    }

    #[test]
    fn saved_decisions_are_keyed_by_the_findings() {
        let key = |suggestion: &str| {
            let items = [ReviewItem {
                row: row("a.txt", 0, "final yr", suggestion),
                kind: Some(FindingKind::Fingerprint),
            }];
            let html = render(&[], &items).unwrap();
            let json = html.split(r#"id="despin-data">"#).nth(1).unwrap();
            let v: serde_json::Value =
                serde_json::from_str(json.split("</script>").next().unwrap()).unwrap();
            v["key"].as_str().unwrap().to_string()
        };
        assert_eq!(key("last year"), key("last year"));
        assert_ne!(key("last year"), key("past year"));
    }

    #[test]
    fn fill_does_not_rescan_inserted_text() {
        assert_eq!(
            fill("a{{X}}b{{Y}}c{{Z}}", &[("X", "{{Y}}"), ("Y", "2")]),
            "a{{Y}}b2c{{Z}}"
        );
    }

    #[test]
    fn reads_reports_back_with_optional_columns() {
        let csv = "path,byte_start,byte_end,spun,suggestion,decision,confidence,alternatives\n\
                   a.txt,4,12,final yr,'=last year,Y,0.75,b|c\n\n\
                   b.txt,0,1,x,y,,,\n";
        let rows = read_report(Path::new("r.csv"), csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].suggestion, "=last year");
        assert_eq!(rows[0].decision, "accept");
        assert_eq!(rows[0].confidence, 0.75);
        assert_eq!(rows[0].alternatives, "b|c");
        assert_eq!(rows[1].path, "b.txt");
        let bad = "path,byte_start,byte_end,spun,suggestion,decision,confidence\n\
                   a.txt,4,12,final yr,x,,high\n";
        let e = read_report(Path::new("r.csv"), bad.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("r.csv:2"), "{e}");
    }
}
