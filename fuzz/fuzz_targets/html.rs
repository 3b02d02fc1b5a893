#![no_main]
//! HTML: never panics; only text-node bytes change, and markup stays byte-identical.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    thread_local!(static SCANNER: despin::scan::Scanner = common::scanner());
    SCANNER.with(|s| common::html(s, text));
});
