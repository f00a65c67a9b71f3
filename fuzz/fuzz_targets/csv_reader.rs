//! The .csv reader on arbitrary bytes: every input gives documents and
//! rejects, never a panic. The first byte picks gzip and the size limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    // Bit 3 of the first byte reads it as TSV instead.
    let name = if data.first().is_some_and(|f| f & 8 != 0) {
        "input.tsv"
    } else {
        "input.csv"
    };
    common::read_all(data, name);
});
