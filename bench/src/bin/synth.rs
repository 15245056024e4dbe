//! `synth`: writes a deterministic synthetic corpus as `boards.jsonl` and
//! `reviews.jsonl` (one JSON object per line, the shape of `web/demo/` that
//! `lessons import` reads), streaming one review at a time.
//!
//! `cargo run --release -p lessons-bench --bin synth -- --reviews 10000 --seed 1 --output DIR`

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use lessons_bench::synth::{boards, reviews, SynthConfig};
use serde::Serialize;

/// Size of the write buffer of each output file.
const BUFFER_BYTES: usize = 1 << 20;

#[derive(Parser)]
#[command(about = "Write a deterministic synthetic corpus (boards.jsonl, reviews.jsonl)")]
struct Args {
    /// How many reviews to generate.
    #[arg(long, default_value_t = 10_000)]
    reviews: usize,
    /// The seed: the same seed and count always give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The folder to write into (created if missing).
    #[arg(long)]
    output: PathBuf,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let board_list = boards();
    let board_bytes = write_lines(&args.output.join("boards.jsonl"), board_list.iter())?;
    let config = SynthConfig {
        seed: args.seed,
        reviews: args.reviews,
    };
    let review_bytes = write_lines(&args.output.join("reviews.jsonl"), reviews(config))?;
    let seconds = started.elapsed().as_secs_f64();
    let megabytes = (board_bytes + review_bytes) as f64 / 1e6;
    println!(
        "wrote {} boards and {} reviews (seed {}) to {}: {megabytes:.1} MB in {seconds:.2} s",
        board_list.len(),
        args.reviews,
        args.seed,
        args.output.display(),
    );
    Ok(())
}

/// Writes one JSON object per line to `path`; returns the size of the file.
fn write_lines<T: Serialize>(path: &Path, items: impl Iterator<Item = T>) -> Result<u64> {
    let write_error = || format!("cannot write to {}", path.display());
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::with_capacity(BUFFER_BYTES, file);
    for item in items {
        serde_json::to_writer(&mut out, &item).with_context(write_error)?;
        out.write_all(b"\n").with_context(write_error)?;
    }
    out.flush().with_context(write_error)?;
    let size = fs::metadata(path).with_context(write_error)?.len();
    Ok(size)
}
