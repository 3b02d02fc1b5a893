//! Shared by the fuzz targets (`cargo fuzz`, nightly) and the stable fuzz tests
//! (`tests/fuzz_inputs.rs`, proptest): a small dictionary whose keys are short enough that
//! random input hits them, and the invariants each entry point must keep.

use despin::dict::{DictSet, Dictionary};
use despin::format::{scan_and_repair, FileType, FormatOptions, Processed};
use despin::scan::{ScanOptions, Scanner};
use std::path::Path;

/// Replacements hold characters that need escaping in HTML and in JSON.
const DICT: &str = "spun,original,prior\n\
ab,x<&>y,0.9\n\
cd ef,\"q\"\"u\\o\",0.9\n\
final yr,last year,0.97\n\
gh,an hour,0.9\n\
z,é\u{1F600},0.9\n";

pub fn scanner() -> Scanner {
    let mut set = DictSet::new();
    set.push(Dictionary::from_csv_bytes("fuzz", Path::new("fuzz.csv"), DICT.as_bytes()).unwrap());
    Scanner::new(set, ScanOptions { assume_spun: true })
}

/// Process `text` as `ty` and check: edits are sorted, non-overlapping, on character
/// boundaries, and every byte outside them is unchanged; findings lie inside the file.
pub fn check(scanner: &Scanner, ty: FileType, text: &str) -> Processed {
    let p = scan_and_repair(scanner, ty, text, &FormatOptions::default(), Some(0.0));
    let mut pos = 0;
    let mut rebuilt = String::new();
    for e in &p.edits {
        assert!(e.start >= pos && e.end >= e.start && e.end <= text.len());
        assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        rebuilt.push_str(&text[pos..e.start]);
        rebuilt.push_str(&e.replacement);
        pos = e.end;
    }
    rebuilt.push_str(&text[pos..]);
    let out = p.output.as_deref().unwrap_or(text);
    assert_eq!(out, rebuilt);
    for f in &p.findings {
        assert!(f.start <= f.end && f.end <= text.len());
    }
    p
}

/// Every edit lies inside one of `segs`, the prose segments of the file.
fn edits_inside(p: &Processed, segs: &[despin::format::Segment<'_>]) {
    for e in &p.edits {
        assert!(
            segs.iter().any(|g| {
                let a = g.anchors[0].1;
                a <= e.start && e.end <= a + g.text.len()
            }),
            "edit {e:?} outside prose"
        );
    }
}

/// HTML: only text-node bytes change; markup stays byte-identical.
pub fn html(scanner: &Scanner, text: &str) {
    let p = check(scanner, FileType::Html, text);
    edits_inside(&p, &despin::format::html::segments(text));
}

/// Markdown: only prose changes; code, links, raw HTML stay byte-identical.
pub fn markdown(scanner: &Scanner, text: &str) {
    let p = check(scanner, FileType::Markdown, text);
    edits_inside(&p, &despin::format::markdown::segments(text));
}

/// JSON Lines: lines keep their count and order; a line that is not a JSON object is
/// unchanged; one that is stays valid, with every field other than `text` equal.
pub fn jsonl(scanner: &Scanner, text: &str) {
    let p = check(scanner, FileType::Jsonl, text);
    let out = p.output.as_deref().unwrap_or(text);
    let before: Vec<&str> = text.split_inclusive('\n').collect();
    let after: Vec<&str> = out.split_inclusive('\n').collect();
    assert_eq!(before.len(), after.len());
    // JSON syntax, as the format reads it (lone surrogate escapes are valid syntax).
    let valid = |s: &str| serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok();
    for (b, a) in before.iter().zip(&after) {
        if !valid(b) || !b.trim_start().starts_with('{') {
            assert_eq!(b, a, "a line that is not a JSON object changed");
            continue;
        }
        assert!(valid(a), "repair broke a JSON line: {b:?} -> {a:?}");
        if let (Ok(serde_json::Value::Object(mut vb)), Ok(serde_json::Value::Object(mut va))) =
            (serde_json::from_str(b), serde_json::from_str(a))
        {
            vb.remove("text");
            va.remove("text");
            assert_eq!(vb, va);
        }
    }
}

/// A compiled dictionary whose bytes may be damaged: loading it is an error naming the
/// origin, or a dictionary that looks up, lists and scans without panicking.
pub fn dict_bytes(bytes: &[u8]) {
    let origin = Path::new("fuzz.fst");
    match Dictionary::from_compiled_bytes(origin, bytes.to_vec()) {
        Err(e) => assert!(e.to_string().starts_with("fuzz.fst: "), "{e}"),
        Ok(d) => {
            let _ = d.entries().count();
            let _ = d.lookup("final yr");
            let mut set = DictSet::new();
            set.push(d);
            let s = Scanner::new(set, ScanOptions { assume_spun: true });
            let _ = s.scan("final yr ab cd ef gh z the Center East");
        }
    }
}

/// A reviewed report (CSV) as a spreadsheet may leave it: reading it returns rows or
/// errors that name the report and a line, never a panic.
pub fn report_rows(bytes: &[u8]) {
    let path = Path::new("fuzz-report.csv");
    match despin::review::read_reviewed(path, bytes) {
        Ok(rows) => {
            for r in rows {
                assert!(r.line >= 2, "{r:?}");
            }
        }
        Err(despin::error::Error::ReportRows { rows }) => {
            assert!(!rows.is_empty());
            for r in rows {
                assert_eq!(r.path, path);
                assert!(r.line >= 1);
            }
        }
        Err(e) => panic!("unexpected error kind: {e}"),
    }
}
