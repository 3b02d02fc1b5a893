#![no_main]
//! Reviewed report rows (CSV reader): rows or errors naming report and line, never a panic.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::report_rows(data);
});
