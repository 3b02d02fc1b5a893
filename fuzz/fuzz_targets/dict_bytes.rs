#![no_main]
//! Compiled dictionary bytes: loading damaged bytes is an error naming the file, never a panic.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::dict_bytes(data);
});
