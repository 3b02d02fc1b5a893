//! Stable-toolchain fuzzing: the entry points of the `cargo fuzz` targets in `fuzz/` (HTML,
//! JSON Lines, Markdown, compiled dictionary bytes, reviewed report rows), fed random and
//! mutated inputs by proptest, checking the same invariants (shared code:
//! `fuzz/fuzz_targets/common.rs`). CI runs the default 256 cases per target, a few
//! seconds in all; a longer run: `PROPTEST_CASES=100000 cargo test --release --test
//! fuzz_inputs`.

#[path = "../fuzz/fuzz_targets/common.rs"]
mod fuzz;

use despin::dict::compiled;
use despin::dict::Dictionary;
use despin::scan::Scanner;
use proptest::prelude::*;
use std::path::Path;

thread_local!(static SCANNER: Scanner = fuzz::scanner());

/// Text made of `pieces` (markup and dictionary keys, so inputs hit both) and random
/// strings.
fn text(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(pieces).prop_map(str::to_string),
        1 => any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

const PROSE: &[&str] = &[
    "final yr", "ab", "cd ef", "cd\nef", "gh", "z", "Final Yr", "é", " ", "  ", "\n", "\r\n",
    "\n\n", ".", ",", "a ", "an ",
];

const HTML: &[&str] = &[
    "final yr",
    "ab",
    "cd ef",
    "gh",
    "z",
    " ",
    "\n",
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<title>",
    "</title>",
    "<pre>",
    "</pre>",
    "<!--",
    "-->",
    "<a href=\"ab\">",
    "</a>",
    "&amp;",
    "&lt;",
    "&#39;",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "<br/>",
    "<![CDATA[",
    "]]>",
    "<textarea>",
    "</textarea>",
    "<div class=\"final yr\">",
];

const MARKDOWN: &[&str] = &[
    "final yr",
    "ab",
    "cd ef",
    "gh",
    "z",
    " ",
    "\n",
    "\n\n",
    "# ",
    "## ",
    "> ",
    "- ",
    "1. ",
    "```",
    "```\n",
    "~~~\n",
    "`",
    "    ",
    "\t",
    "[ab](cd ef)",
    "[",
    "](",
    ")",
    "<b>",
    "</b>",
    "<http://ab.z>",
    "http://ab.z",
    "**",
    "*",
    "_",
    "\\",
    "&amp;",
    "![z](gh)",
    "| ab | z |\n",
    "---\n",
    "[ab]: http://gh\n",
];

const JSONL: &[&str] = &[
    "{\"text\":\"",
    "\"}",
    "\"}\n",
    "\n",
    "final yr",
    "ab",
    "cd ef",
    "gh",
    "z",
    " ",
    "\\n",
    "\\\"",
    "\\\\",
    "\\u00e9",
    "\\ud800",
    "\\uD83D\\uDE00",
    "é",
    ",\"x\":",
    "1e2",
    "123456789012345678901234567890",
    "[",
    "]",
    "{",
    "}",
    "\"",
    ":",
    "null",
    "true",
    ",\"text\":[\"ab\"]",
    "\u{FEFF}",
];

const CSV: &[&str] = &[
    "path,line,column,byte_start,byte_end,spun,suggestion,alternatives,confidence,dictionary,context,decision\n",
    "path,byte_start,byte_end,spun,suggestion,decision\n",
    "decision,suggestion,spun,byte_end,byte_start,path,status\r\n",
    "a.txt", ",", "\"", "\"\"", "\n", "\r\n", "0", "12", "12.0", "-1", "1e3",
    "99999999999999999999", "accept", "reject", "y", "maybe", "final yr", "last year", "'=1+1",
    "'", "=", "@", "skipped", "failed", "\u{FEFF}", "é", " ",
];

proptest! {
    #[test]
    fn plain_text(t in text(PROSE)) {
        SCANNER.with(|s| fuzz::check(s, despin::format::FileType::Text, &t));
    }

    #[test]
    fn html(t in text(HTML)) {
        SCANNER.with(|s| fuzz::html(s, &t));
    }

    #[test]
    fn markdown(t in text(MARKDOWN)) {
        SCANNER.with(|s| fuzz::markdown(s, &t));
    }

    #[test]
    fn jsonl(t in text(JSONL)) {
        SCANNER.with(|s| fuzz::jsonl(s, &t));
    }

    #[test]
    fn report_rows(t in text(CSV), raw in prop::collection::vec(any::<u8>(), 0..64)) {
        fuzz::report_rows(t.as_bytes());
        let mut bytes = t.into_bytes();
        bytes.extend_from_slice(&raw);
        fuzz::report_rows(&bytes);
    }

    /// Random damage (flipped, changed, cut or added bytes) to a compiled dictionary.
    #[test]
    fn damaged_dictionary_bytes(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..4u8), 1..6),
    ) {
        let mut bytes = compiled_fuzz_dict();
        for (at, byte, how) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match how {
                0 => bytes[i] ^= byte.max(1),
                1 => bytes[i] = byte,
                2 => bytes.truncate(i),
                _ => bytes.insert(i, byte),
            }
        }
        fuzz::dict_bytes(&bytes);
    }

    /// Damage to the entry table behind a valid checksum (as a crafted file would have):
    /// decoding is bounds-checked, so lookups and scans still never panic.
    #[test]
    fn damaged_entry_table_behind_a_valid_checksum(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = compiled_fuzz_dict();
        let table = compiled::layout(&bytes).unwrap().table;
        for (at, byte) in edits {
            let i = table.start + at.index(table.len());
            bytes[i] = byte;
        }
        let sum = crc32fast::hash(&bytes[12..]);
        bytes[8..12].copy_from_slice(&sum.to_le_bytes());
        fuzz::dict_bytes(&bytes);
    }
}

/// The fuzz dictionary, compiled.
fn compiled_fuzz_dict() -> Vec<u8> {
    SCANNER.with(|s| s.dicts().layers()[0].to_bytes())
}

#[test]
fn the_fuzz_dictionary_loads_when_intact() {
    let d = Dictionary::from_compiled_bytes(Path::new("x.fst"), compiled_fuzz_dict()).unwrap();
    assert_eq!(d.lookup("final yr").len(), 1);
    assert!(compiled::verify(&compiled_fuzz_dict()).is_ok());
}
