#![no_main]
//! JSON Lines: never panics; lines keep their count and order; a line that parsed before
//! still parses, with every field other than `text` equal.

use despin::format::FileType;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    thread_local!(static SCANNER: despin::scan::Scanner = common::scanner());
    SCANNER.with(|s| {
        let p = common::check(s, FileType::Jsonl, text);
        let out = p.output.as_deref().unwrap_or(text);
        let before: Vec<&str> = text.split_inclusive('\n').collect();
        let after: Vec<&str> = out.split_inclusive('\n').collect();
        assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            let Ok(serde_json::Value::Object(mut vb)) = serde_json::from_str(b) else {
                assert_eq!(b, a, "a line that is not a JSON object changed");
                continue;
            };
            let Ok(serde_json::Value::Object(mut va)) = serde_json::from_str(a) else {
                panic!("repair broke a JSON line: {b:?} -> {a:?}");
            };
            vb.remove("text");
            va.remove("text");
            assert_eq!(vb, va);
        }
    });
});
