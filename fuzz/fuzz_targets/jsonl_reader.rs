//! The .jsonl reader on arbitrary bytes: every input gives documents and
//! rejects, never a panic. The first byte picks gzip and the size limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read_all(data, "input.jsonl");
});
