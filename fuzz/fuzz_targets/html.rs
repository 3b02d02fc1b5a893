#![no_main]
//! HTML: never panics; only text-node bytes change, and markup stays byte-identical.

use despin::format::{html, FileType};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    thread_local!(static SCANNER: despin::scan::Scanner = common::scanner());
    SCANNER.with(|s| {
        let p = common::check(s, FileType::Html, text);
        // Every edit lies inside a prose text segment of the file.
        let segs = html::segments(text);
        for e in &p.edits {
            assert!(
                segs.iter().any(|g| {
                    let a = g.anchors[0].1;
                    a <= e.start && e.end <= a + g.text.len()
                }),
                "edit {e:?} outside text nodes"
            );
        }
    });
});
