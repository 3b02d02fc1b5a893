//! Write a synthetic compiled dictionary of N entries, for the startup benchmark in
//! `benches/compare.sh`: `cargo run --release --example synth_dict -- N OUT.fst PHRASES.txt`.
//!
//! Keys are two made-up words ("tavobe kiruna"), distinct for every entry and generated
//! deterministically, so runs compare. PHRASES.txt gets the same phrases, one a line, for
//! ripgrep's `-f`. Entry 0's phrase is printed, to build a text with a finding in it.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use despin::dict::{Dictionary, EntryKind, SourceEntry};
use despin::normalize::normalize_phrase;

const SYLLABLES: [&str; 24] = [
    "ta", "vo", "be", "ki", "ru", "na", "lo", "mi", "se", "du", "pa", "ge", "fo", "ri", "za", "ne",
    "bu", "ko", "li", "ma", "te", "so", "vi", "da",
];
/// Distinct three-syllable words.
const WORDS: usize = 24 * 24 * 24;

fn word(k: usize) -> String {
    let s = |d: usize| SYLLABLES[(k / d) % 24];
    format!("{}{}{}", s(1), s(24), s(24 * 24))
}

/// Phrase `i`: words `a` and `b` with `(a, b)` different for every `i < WORDS²`.
fn phrase(i: usize) -> String {
    let a = i % WORDS;
    let b = (i / WORDS + a) % WORDS;
    format!("{} {}", word(a), word(b))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [n, out, phrases] = args.as_slice() else {
        bail!("usage: synth_dict N OUT.fst PHRASES.txt");
    };
    let n: usize = n.parse().context("N must be a number")?;
    if n > WORDS * WORDS {
        bail!("at most {} entries", WORDS * WORDS);
    }
    let mut list = std::io::BufWriter::new(std::fs::File::create(phrases)?);
    let entries: Vec<SourceEntry> = (0..n)
        .map(|i| {
            let spun = phrase(i);
            writeln!(list, "{spun}")?;
            Ok(SourceEntry {
                key: normalize_phrase(&spun),
                originals: vec![format!("original {i}")],
                spun,
                prior: 0.9,
                kind: EntryKind::Fingerprint,
                context: String::new(),
                requires: Vec::new(),
                tags: vec!["synthetic".into()],
                note: String::new(),
                line: i as u64 + 2,
            })
        })
        .collect::<Result<_>>()?;
    list.flush()?;
    let dict = Dictionary::from_entries("synthetic", Path::new(out), &entries)?;
    std::fs::write(out, dict.to_bytes()).with_context(|| format!("cannot write {out}"))?;
    println!("{}", phrase(0));
    Ok(())
}
