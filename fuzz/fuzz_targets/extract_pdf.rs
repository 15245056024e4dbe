//! `lessons_ingest::extract` on PDF input (seeds in `fuzz/seeds/extract_pdf`). A first
//! byte with the low bit clear means "the rest is a whole file"; set means "the rest is
//! the content stream of a well-formed one-page PDF", which reaches pdf-extract's
//! operator reader. Never a panic outside the reader thread (pdf-extract's own panics
//! are caught there by design), a hang or unbounded memory.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        common::check_extract(rest);
    } else {
        common::check_extract(&common::pdf_with_content(rest));
    }
});
