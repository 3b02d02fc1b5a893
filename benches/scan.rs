//! Scan throughput (MB/s) with the embedded dictionaries, on a text the bench generates
//! itself: news-like prose from a fixed word list with spun phrases mixed in, deterministic
//! so runs compare; the same throughput on one 1 MiB and one 4 MiB line (time linear in
//! line length); and the context model's cost per candidate. `cargo bench --bench scan`.
//! For whole-corpus numbers against other tools see `benches/compare.sh`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use despin::format::{self, FileType, FormatOptions};
use despin::lm::ContextModel;
use despin::normalize::Tokens;
use despin::scan::{ScanOptions, Scanner};

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "was",
    "said",
    "for",
    "on",
    "government",
    "minister",
    "report",
    "officials",
    "week",
    "market",
    "prices",
    "rose",
    "fell",
    "talks",
    "agreement",
    "security",
    "council",
    "researchers",
    "study",
    "data",
    "model",
    "results",
    "patients",
    "treatment",
    "Tuesday",
    "London",
    "percent",
    "million",
    "2024",
    "first",
    "last",
    "year",
    "national",
    "new",
    "people",
    "children",
    "schools",
    "workers",
    "energy",
    "climate",
];
/// Spun phrases of the embedded dictionaries, and near misses that must not match.
const SPUN: &[&str] = &[
    "counterfeit consciousness",
    "profound learning",
    "bosom peril",
    "counterfeit",
    "profound",
];

/// About `bytes` of text: sentences of 8 to 23 words, one spun phrase per ~50 words.
fn corpus(bytes: usize) -> String {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut text = String::with_capacity(bytes + 256);
    while text.len() < bytes {
        let n = 8 + next(16);
        for i in 0..n {
            let w = if next(50) == 0 {
                SPUN[next(SPUN.len())]
            } else {
                WORDS[next(WORDS.len())]
            };
            if i == 0 {
                let mut c = w.chars();
                let first = c.next().unwrap().to_uppercase();
                text.extend(first);
                text.push_str(c.as_str());
            } else {
                text.push(' ');
                text.push_str(w);
            }
        }
        text.push_str(if next(6) == 0 { ".\n\n" } else { ". " });
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = corpus(1 << 20);
    let scanner = Scanner::new(despin::dict::defaults().unwrap(), ScanOptions::default());
    assert!(!scanner.scan(&text).findings.is_empty());
    let mut g = c.benchmark_group("scan");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    g.bench_function("embedded dictionaries, 1 MiB", |b| {
        b.iter(|| scanner.scan(&text))
    });
    g.bench_function("tokenize, 1 MiB", |b| b.iter(|| Tokens::new(&text).count()));
    g.finish();

    // The context model: opening it (once per process) and judging one candidate (two
    // windows), the cost the scanner pays per candidate match.
    let mut g = c.benchmark_group("context model");
    g.bench_function("open", |b| {
        b.iter(|| fst::Map::new(despin::lm::embedded_table()).unwrap().len())
    });
    let lm = ContextModel::embedded();
    g.bench_function("judge one candidate", |b| {
        b.iter(|| {
            lm.score_window(&["stalled"], &["last", "year"], &[","])
                - lm.score_window(&["stalled"], &["final", "yr"], &[","])
        })
    });
    // Discovery's inner loop in spun-heavy text: every candidate original of a word no
    // dictionary covers is fitted to the same two words each side (trigram model).
    let originals = [
        "patients",
        "victims",
        "people",
        "cases",
        "sufferers",
        "subjects",
        "clients",
        "individuals",
    ];
    let (left, right) = (["said", "the"], ["were", "treated"]);
    g.bench_function("discovery: fit 8 candidates in one window", |b| {
        b.iter(|| {
            let mut best = f32::MIN;
            lm.fit_each(&left, &right, originals, |_, fit| best = best.max(fit));
            best
        })
    });
    g.finish();
}

/// Time must be linear in the length of a line carrying findings: the same throughput for
/// 1 and 4 MiB on one line (text repaired through the format path, and a minified HTML
/// page). Lines and columns were once counted from the line start for every finding.
fn long_lines(c: &mut Criterion) {
    let scanner = Scanner::new(despin::dict::defaults().unwrap(), ScanOptions::default());
    let options = FormatOptions::default();
    let mut g = c.benchmark_group("one long line");
    g.sample_size(10);
    for mib in [1usize, 4] {
        let line = corpus(mib << 20).replace('\n', " ");
        let html = format!(
            "<html><body><p>{}</p></body></html>",
            line.replace(". ", ".</p><p>")
        );
        assert!(!scanner.scan(&line).findings.is_empty());
        g.throughput(Throughput::Bytes(line.len() as u64));
        g.bench_function(format!("fix text, {mib} MiB on one line"), |b| {
            b.iter(|| format::scan_and_repair(&scanner, FileType::Text, &line, &options, Some(0.5)))
        });
        g.throughput(Throughput::Bytes(html.len() as u64));
        g.bench_function(format!("fix html, {mib} MiB minified"), |b| {
            b.iter(|| format::scan_and_repair(&scanner, FileType::Html, &html, &options, Some(0.5)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench, long_lines);
criterion_main!(benches);
