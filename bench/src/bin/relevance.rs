//! `relevance`: scores the search on the judged query set and prints nDCG@10 and
//! recall@20 per query class and overall, beside a plain BM25 baseline.
//!
//! ```text
//! cargo run --release -p lessons-bench --bin relevance [-- --per-query]
//! ```

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;
use lessons_bench::corpus;
use lessons_bench::relevance::{self, baseline::Baseline};

#[derive(Parser)]
#[command(about = "Score the search on a judged query set against a plain BM25 baseline")]
struct Args {
    /// Folder with boards.jsonl and reviews.jsonl (default: the bundled demo corpus).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// JSON Lines judgements (default: bench/relevance/judgements.jsonl).
    #[arg(long)]
    judgements: Option<PathBuf>,
    /// Also print every query's scores.
    #[arg(long)]
    per_query: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let corpus_dir = args.corpus.unwrap_or_else(corpus::demo_dir);
    let judgements_path = args.judgements.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("relevance/judgements.jsonl")
    });
    let data = tempfile::tempdir().context("cannot make a temporary data directory")?;
    let repository = corpus::load(&corpus_dir, data.path(), |_| {})?;
    let reviews = corpus::public_reviews(&repository)?;
    let findings: usize = reviews.iter().map(|r| r.lessons.len()).sum();
    let review_count = reviews.len();
    let baseline = Baseline::build(reviews)?;
    let judgements =
        relevance::load_judgements(&judgements_path, &relevance::corpus_ids(&repository)?)?;
    let results = relevance::evaluate(&repository, &baseline, &judgements)?;

    println!(
        "Judged set: {} queries ({}), corpus: {} reviews and {} findings ({})\n",
        judgements.len(),
        judgements_path.display(),
        review_count,
        findings,
        corpus_dir.display()
    );
    if args.per_query {
        println!("| query | view | nDCG@10 | baseline | recall@20 | baseline | text |\n|---|---|---:|---:|---:|---:|---|");
        for r in &results {
            println!(
                "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
                r.id,
                r.view.key(),
                r.ours.ndcg,
                r.baseline.ndcg,
                r.ours.recall,
                r.baseline.recall,
                r.query
            );
        }
        println!();
    }
    print!("{}", relevance::table(&relevance::summarise(&results)));
    Ok(())
}
