//! `lessons_ingest::extract` on HTML (seeds in `fuzz/seeds/extract_html`): the input is
//! read after an `<!DOCTYPE html>` line so that it always takes the HTML path (sniffing
//! itself is covered by `extract_text`). Never a panic, hang or unbounded memory; the
//! text stays within a few times the input.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut page = b"<!DOCTYPE html>\n".to_vec();
    page.extend_from_slice(data);
    common::check_extract(&page);
});
