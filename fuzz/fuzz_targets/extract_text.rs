//! `lessons_ingest::extract` on arbitrary bytes as uploaded (seeds in
//! `fuzz/seeds/extract_text`): sniffing, UTF-8 / Windows-1252 decoding and
//! normalisation. Never a panic, hang or unbounded memory.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::check_extract(data));
