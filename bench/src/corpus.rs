//! Loading a corpus folder (`boards.jsonl` and `reviews.jsonl`, the shape of
//! `web/demo/` and of the `synth` command's output) into a fresh data directory
//! through the real import path, so ids are assigned exactly as `lessons import` does;
//! or generated reviews through the same path without writing a file.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use lessons_model::{Board, Review};
use lessons_web::service::import::import_lines;
use lessons_web::service::Repository;

/// The bundled demo corpus, relative to the workspace root.
pub fn demo_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/demo")
}

/// Opens a new repository in `data` and imports the corpus in `corpus_dir` into it.
/// `progress` receives the bytes of `reviews.jsonl` read so far.
pub fn load(corpus_dir: &Path, data: &Path, progress: impl FnMut(u64)) -> Result<Repository> {
    let repository = Repository::open(data)
        .with_context(|| format!("cannot open a data directory in {}", data.display()))?;
    if repository.review_count() > 0 {
        bail!(
            "{} already holds reviews: give an empty directory",
            data.display()
        );
    }
    for board in read_boards(&corpus_dir.join("boards.jsonl"))? {
        repository.put_board(&board, "cli")?;
    }
    let reviews_path = corpus_dir.join("reviews.jsonl");
    let reviews = File::open(&reviews_path)
        .with_context(|| format!("cannot open {}", reviews_path.display()))?;
    let report = import_lines(&repository, BufReader::new(reviews), "bench", progress)?;
    if let Some(refused) = report.refused.first() {
        bail!(
            "{} line {} was refused: {}",
            reviews_path.display(),
            refused.line,
            refused.messages.join("; ")
        );
    }
    Ok(repository)
}

/// The reviews of `repository` that the public sees today (what the judged sets cover).
pub fn public_reviews(repository: &Repository) -> Result<Vec<Review>> {
    Ok(repository
        .reviews()
        .collect::<Result<Vec<_>, _>>()
        .context("cannot read the imported reviews")?
        .into_iter()
        .filter(|review| review.is_public_now())
        .collect())
}

/// Opens `data` when it already holds reviews (taken to be this corpus), else imports
/// `corpus_dir` into it, printing the import rate.
pub fn open_or_import(corpus_dir: &Path, data: &Path) -> Result<Repository> {
    if data.join("store").exists() {
        let repository = Repository::open(data).context("cannot open the data directory")?;
        let count = repository.review_count();
        if count > 0 {
            println!("Reusing {} ({count} reviews)", data.display());
            return Ok(repository);
        }
    }
    let started = Instant::now();
    let mut last_report = Instant::now();
    let repository = load(corpus_dir, data, |bytes| {
        if last_report.elapsed() > Duration::from_secs(10) {
            eprintln!("  imported {:.0} MB", bytes as f64 / 1e6);
            last_report = Instant::now();
        }
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let count = repository.review_count();
    println!(
        "Imported {count} reviews in {seconds:.1} s ({:.0} reviews/s) into {}",
        count as f64 / seconds,
        data.display()
    );
    Ok(repository)
}

/// Reviews passed to `import_lines` per call by [`import_reviews`]: its own batch size,
/// so that batches (one store flush and one index commit each) fall as in a file import.
const IMPORT_CHUNK: usize = 500;

/// Imports `reviews` into `repository` through the path of `lessons import`: each review
/// is written as one JSON line (its `status` included, which the import honours, so
/// drafts stay drafts) and read back by `import_lines`, without a file in between.
/// Returns the new ids in the order of `reviews`; fails on the first refused review.
/// `progress` receives the number of reviews imported so far.
pub fn import_reviews(
    repository: &Repository,
    reviews: impl Iterator<Item = Review>,
    by: &str,
    mut progress: impl FnMut(usize),
) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut reviews = reviews.peekable();
    while reviews.peek().is_some() {
        let mut lines = Vec::new();
        for review in reviews.by_ref().take(IMPORT_CHUNK) {
            serde_json::to_writer(&mut lines, &review).context("cannot write a review as JSON")?;
            lines.push(b'\n');
        }
        let report = import_lines(repository, lines.as_slice(), by, |_| {})?;
        if let Some(refused) = report.refused.first() {
            bail!(
                "review {} was refused: {}",
                ids.len() + refused.line,
                refused.messages.join("; ")
            );
        }
        ids.extend(report.imported);
        progress(ids.len());
    }
    Ok(ids)
}

/// The boards of a corpus folder (`boards.jsonl`).
pub fn read_boards(path: &Path) -> Result<Vec<Board>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut boards = Vec::new();
    for (number, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let board: Board = serde_json::from_str(&line)
            .with_context(|| format!("{} line {}: not a board", path.display(), number + 1))?;
        boards.push(board);
    }
    Ok(boards)
}

/// Calls `each` with every review of `reviews.jsonl` in a corpus folder, as deposited
/// (no id), and the bytes of its line; returns the bytes read. For the peers of the
/// side-by-side benchmark, which read the same text as our import.
pub fn for_each_review(
    corpus_dir: &Path,
    mut each: impl FnMut(Review, u64) -> Result<()>,
) -> Result<u64> {
    let path = corpus_dir.join("reviews.jsonl");
    let file = File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut bytes = 0;
    for (number, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        bytes += line.len() as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let review: Review = serde_json::from_str(&line)
            .with_context(|| format!("{} line {}: not a review", path.display(), number + 1))?;
        each(review, line.len() as u64 + 1)?;
    }
    Ok(bytes)
}

/// The bytes under `path`, counting every file below it.
pub fn disk_bytes(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => disk_bytes(&entry.path()),
            _ => entry.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}
