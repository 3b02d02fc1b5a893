#![no_main]
//! JSON Lines: never panics; lines keep their count and order; a line that is not a JSON
//! object is unchanged; one that is stays valid, with every field other than `text` equal.

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
        // JSON syntax, as the format reads it (lone surrogate escapes are valid syntax).
        let valid = |s: &str| serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok();
        for (b, a) in before.iter().zip(&after) {
            if !valid(b) || !b.trim_start().starts_with('{') {
                assert_eq!(b, a, "a line that is not a JSON object changed");
                continue;
            }
            assert!(valid(a), "repair broke a JSON line: {b:?} -> {a:?}");
            if let (Ok(serde_json::Value::Object(mut vb)), Ok(serde_json::Value::Object(mut va))) =
                (serde_json::from_str(b), serde_json::from_str(a))
            {
                vb.remove("text");
                va.remove("text");
                assert_eq!(vb, va);
            }
        }
    });
});
