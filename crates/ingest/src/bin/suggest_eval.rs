//! Prints the precision and recall of the lesson suggestions' item split (and the
//! accuracy of the guessed kind, level and agency), for the dev and held-out parts and
//! overall, on the labelled set in `crates/ingest/eval/` (see its README).
//!
//! `cargo run -p lessons-ingest --bin suggest_eval [-- [--verbose] [DIR]]`

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut verbose = false;
    let mut dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/eval"));
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-v" | "--verbose" => verbose = true,
            "-h" | "--help" => {
                println!("usage: suggest_eval [--verbose] [DIR]");
                return ExitCode::SUCCESS;
            }
            other => dir = PathBuf::from(other),
        }
    }
    match lessons_ingest::evaluate_suggestions(&dir) {
        Ok(report) => {
            print!("{}", report.render(verbose));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("suggest_eval: {error}");
            ExitCode::FAILURE
        }
    }
}
