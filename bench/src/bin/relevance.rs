//! `relevance`: scores the search on the judged query sets and prints nDCG@10 and
//! recall@20 per view, per query class and overall, beside a plain BM25 baseline.
//! By default it runs both sets in turn: the first (`bench/relevance/judgements.jsonl`,
//! tuned on) and the second, written apart (`bench/relevance/judgements-apart.jsonl`,
//! never tuned on); `--judgements` runs one file instead.
//!
//! ```text
//! cargo run --release -p lessons-bench --bin relevance [-- --per-query]
//! cargo run --release -p lessons-bench --bin relevance -- --judgements FILE
//! ```

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;
use lessons_bench::corpus;
use lessons_bench::relevance::{self, baseline::Baseline, JudgedSet};

#[derive(Parser)]
#[command(about = "Score the search on the judged query sets against a plain BM25 baseline")]
struct Args {
    /// Folder with boards.jsonl and reviews.jsonl (default: the bundled demo corpus).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// One JSON Lines judgement file to run alone (default: both bundled sets,
    /// bench/relevance/judgements.jsonl then bench/relevance/judgements-apart.jsonl).
    #[arg(long)]
    judgements: Option<PathBuf>,
    /// Also print every query's scores.
    #[arg(long)]
    per_query: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let corpus_dir = args.corpus.unwrap_or_else(corpus::demo_dir);
    let sets = match args.judgements {
        Some(path) => vec![JudgedSet {
            name: "Judged set",
            path,
        }],
        None => relevance::default_sets(),
    };
    let data = tempfile::tempdir().context("cannot make a temporary data directory")?;
    let repository = corpus::load(&corpus_dir, data.path(), |_| {})?;
    let reviews = corpus::public_reviews(&repository)?;
    let findings: usize = reviews.iter().map(|r| r.lessons.len()).sum();
    let review_count = reviews.len();
    let baseline = Baseline::build(reviews)?;
    let known_ids = relevance::corpus_ids(&repository)?;
    // Every set is checked before any runs, so a bad grade fails fast.
    let mut loaded = Vec::new();
    for set in &sets {
        loaded.push(relevance::load_judgements(&set.path, &known_ids)?);
    }

    for (index, (set, judgements)) in sets.iter().zip(&loaded).enumerate() {
        if index > 0 {
            println!();
        }
        let results = relevance::evaluate(&repository, &baseline, judgements)?;
        println!(
            "{}: {} queries ({}), corpus: {} reviews and {} findings ({})\n",
            set.name,
            judgements.len(),
            set.path.display(),
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
    }
    Ok(())
}
