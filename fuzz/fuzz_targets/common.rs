//! Shared by the fuzz targets: a small dictionary whose keys are short enough that random
//! input hits them, and the invariant every format must keep.

use despin::dict::{DictSet, Dictionary};
use despin::format::{process, FileType, FormatOptions, Processed};
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
    let p = process(scanner, ty, text, &FormatOptions::default(), Some(0.0));
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
