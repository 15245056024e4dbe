//! `lessons_ingest::extract` on DOCX input (seeds in `fuzz/seeds/extract_docx`). A first
//! byte with the low bit clear means "the rest is a whole file" (zip structure); set means
//! "the rest is `word/document.xml`" (then `\0` and `word/numbering.xml`), stored in a
//! fresh zip so mutations reach the XML reader. Never a panic, hang or unbounded memory.

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
        common::check_extract(&common::docx_with_document(rest));
    }
});
