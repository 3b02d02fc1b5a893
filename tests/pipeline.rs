//! Library-level tests of the file pipeline: a streamed plain-text file gives, byte for byte,
//! the output, findings and report rows of processing it whole; lines and columns stay right
//! on long lines full of findings.

use std::path::Path;

use despin::dict::{DictSet, Dictionary};
use despin::format::{self, FileType, FormatOptions};
use despin::pipeline::{self, Found};
use despin::report::Row;
use despin::scan::{ScanOptions, Scanner};
use proptest::prelude::*;

const DICT: &str = "spun,original,prior,kind,context,requires,tags
final yr,last year,0.97,fingerprint,,,spinner:a
center east,Middle East,0.95,fingerprint,,,spinner:a
direct ceasefire,immediate ceasefire,0.9,fingerprint,,,spinner:a
direct,immediate,0.8,swap,,,spinner:a
settlement,agreement,0.8,swap,,,spinner:a
café crème,white coffee,0.9,fingerprint,,,spinner:a
";

fn scanner(limit: usize) -> Scanner {
    let d = Dictionary::from_csv_bytes("t", Path::new("t.csv"), DICT.as_bytes()).unwrap();
    Scanner::new(DictSet::from_iter([d]), ScanOptions { assume_spun: true }).with_chunk_limit(limit)
}

/// An output and its report rows.
type Outcome = (Vec<u8>, Vec<Row>);

/// A pool of three threads, for streams that scan several pieces at once.
fn pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
    })
}

/// Output and report rows of `text` streamed (one piece at a time, and three at once on a
/// pool: both must agree), and processed whole.
fn both(s: &Scanner, text: &str, repair: Option<f32>) -> (Outcome, Outcome) {
    let stream = |parallel: Option<&rayon::ThreadPool>| {
        let mut out = Vec::new();
        let mut rows = Vec::new();
        let done = pipeline::stream_text(
            s,
            &mut text.as_bytes(),
            repair,
            Some(&mut out),
            parallel,
            |x: Found<'_>| -> Result<(), ()> {
                rows.push((x.row("f"), x.applied));
                Ok(())
            },
        )
        .unwrap();
        (out, rows, done)
    };
    let (out, rows, done) = stream(None);
    let (p_out, p_rows, p_done) = stream(Some(pool()));
    assert_eq!(
        p_out, out,
        "pieces scanned side by side give the same output"
    );
    assert_eq!(p_rows, rows);
    assert_eq!(
        (p_done.findings, p_done.fixes, p_done.changed, p_done.bytes),
        (done.findings, done.fixes, done.changed, done.bytes)
    );
    assert_eq!(p_done.evidence, done.evidence);
    assert_eq!(done.bytes as usize, text.len());
    assert_eq!(done.findings, rows.len());
    assert_eq!(done.fixes, rows.iter().filter(|r| r.1).count());

    let p = format::scan_and_repair(s, FileType::Text, text, &FormatOptions::default(), repair);
    let whole_out = p
        .output
        .clone()
        .unwrap_or_else(|| text.to_string())
        .into_bytes();
    assert_eq!(done.changed, p.output.is_some());
    assert_eq!(done.evidence, p.evidence);
    let whole_rows: Vec<Row> = p.findings.iter().map(|f| Row::new("f", text, f)).collect();
    assert_eq!(
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        p.applied,
        "the same findings applied"
    );
    (
        (out, rows.into_iter().map(|r| r.0).collect()),
        (whole_out, whole_rows),
    )
}

fn assert_same(s: &Scanner, text: &str) {
    for repair in [None, Some(0.5)] {
        let (streamed, whole) = both(s, text, repair);
        assert_eq!(
            String::from_utf8_lossy(&streamed.0),
            String::from_utf8_lossy(&whole.0)
        );
        assert_eq!(streamed.0, whole.0, "outputs differ");
        assert_eq!(streamed.1, whole.1, "rows differ");
        if repair.is_none() {
            assert_eq!(
                streamed.0,
                text.as_bytes(),
                "scanning alone writes the input back"
            );
        }
    }
}

#[test]
fn streamed_text_equals_text_processed_whole() {
    let para =
        "\u{FEFF}Talks in the Center East stalled final yr;\r\nthey want a direct ceasefire \
and a café crème settlement.\r\n\r\n";
    let mut text = para.repeat(30);
    // Lines without paragraph breaks, runs of spaces before an article's noun, a line with
    // no break at all, and a "word" longer than a piece.
    text.push_str(&"an settlement, a   direct ceasefire final yr\n".repeat(20));
    text.push_str(&"final yr a direct café crème ".repeat(40));
    text.push_str(&"é".repeat(300));
    text.push_str(" a      direct");
    for limit in [1, 7, 33, 64, 100, 257, 1000, 1 << 20] {
        assert_same(&scanner(limit), &text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn streamed_equals_whole_on_random_text(
        words in proptest::collection::vec(
            prop_oneof![
                Just("final"), Just("yr"), Just("a"), Just("an"), Just("direct"),
                Just("ceasefire"), Just("settlement"), Just("café"), Just("crème"),
                Just("Center"), Just("East"), Just(" "), Just("  "), Just("\n"), Just("\r\n"),
                Just("\n\n"), Just("\t"), Just("\u{A0}"), Just("é"), Just(",")
            ],
            0..200,
        ),
        seps in proptest::collection::vec(prop_oneof![Just(" "), Just(""), Just("\n")], 200),
        limit in 1usize..120,
    ) {
        let mut text = String::new();
        for (w, s) in words.iter().zip(&seps) {
            text.push_str(w);
            text.push_str(s);
        }
        assert_same(&scanner(limit), &text);
    }
}

#[test]
fn lines_and_columns_on_a_long_line_with_many_findings() {
    let s = scanner(1 << 20);
    let unit = "ééé final yr — café crème, a direct ceasefire; ";
    let mut text = String::from("first line\n");
    text.push_str(&unit.repeat(5_000));
    text.push_str("\nlast: final yr\n");
    let r = s.scan(&text);
    assert_eq!(r.findings.len(), 3 * 5_000 + 1);
    for f in &r.findings {
        let before = &text[..f.start];
        let line = 1 + before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = 1 + text[line_start..f.start].chars().count();
        assert_eq!((f.line, f.column), (line, column), "{}", f.spun);
    }
    // The same, streamed in pieces.
    let s = scanner(500);
    let ((_, rows), (_, whole)) = both(&s, &text, None);
    assert_eq!(rows, whole);
    assert_eq!(rows.last().unwrap().line, 3);
    assert_eq!(rows.last().unwrap().column, 7);
}

#[test]
fn streamed_findings_carry_their_piece_score() {
    let d = Dictionary::from_csv_bytes("t", Path::new("t.csv"), DICT.as_bytes()).unwrap();
    let plain = Scanner::new(DictSet::from_iter([d]), ScanOptions::default());
    let a = "final yr in the Center East, a direct ceasefire, café crème.\n\n";
    let b = "It ended final yr.\n\n";
    let text = format!("{a}{b}");
    let s = plain.clone().with_chunk_limit(a.len());
    let mut scores = Vec::new();
    pipeline::stream_text(
        &s,
        &mut text.as_bytes(),
        None,
        None,
        Some(pool()),
        |x: Found<'_>| -> Result<(), ()> {
            scores.push(x.score);
            Ok(())
        },
    )
    .unwrap();
    let (sa, sb) = (plain.scan(a).evidence.score, plain.scan(b).evidence.score);
    assert!(sa > sb, "{sa} {sb}");
    assert_eq!(scores.first(), Some(&sa));
    assert_eq!(scores.last(), Some(&sb));
}
