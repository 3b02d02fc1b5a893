#![no_main]
//! Markdown: never panics; only prose changes, code, links and raw HTML stay byte-identical.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    thread_local!(static SCANNER: despin::scan::Scanner = common::scanner());
    SCANNER.with(|s| common::markdown(s, text));
});
