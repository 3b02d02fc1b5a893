#![no_main]
//! JSON Lines: never panics; lines keep their count and order; a line that is not a JSON
//! object is unchanged; one that is stays valid, with every field other than `text` equal.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    thread_local!(static SCANNER: despin::scan::Scanner = common::scanner());
    SCANNER.with(|s| common::jsonl(s, text));
});
