//! `recurring_speed`: times a full regrouping of the synthetic corpus and the
//! incremental assignment of one new review's findings, with peak memory (VmHWM).
//!
//! ```text
//! cargo run --release -p lessons-bench --bin recurring_speed -- --reviews 10000
//! ```

use std::time::Instant;

use anyhow::Result;
use clap::Parser;
use lessons_bench::recurring::peak_rss_mib;
use lessons_bench::synth::{self, SynthConfig};
use lessons_model::Review;
use lessons_recurring::{assign, regroup_corpus, Analysis, Corpus, FindingInput, Grouping, Params};

#[derive(Parser)]
#[command(about = "Time recurring-lesson grouping on the synthetic corpus")]
struct Args {
    /// Number of synthetic reviews.
    #[arg(long, default_value_t = 10_000)]
    reviews: usize,
    /// Seed of the synthetic corpus.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Group by words only, without the known-point groups (for comparison).
    #[arg(long)]
    no_point_groups: bool,
    /// Also time the free function `assign`, which analyses every finding first.
    #[arg(long)]
    free_assign: bool,
}

/// The findings of synthetic review `index`, with ids in the server's shape.
fn findings_of(index: usize, review: &Review) -> Vec<FindingInput> {
    let mut review = review.clone();
    review.id = format!("syn-{index}");
    for (n, lesson) in review.lessons.iter_mut().enumerate() {
        lesson.id = format!("syn-{index}#L{}", n + 1);
    }
    FindingInput::from_review(&review)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let findings: Vec<FindingInput> = synth::reviews(SynthConfig {
        seed: args.seed,
        reviews: args.reviews,
    })
    .enumerate()
    .flat_map(|(i, review)| findings_of(i, &review))
    .collect();
    println!(
        "{} reviews, {} findings generated in {:.1} s",
        args.reviews,
        findings.len(),
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let mut corpus = Corpus::with_analysis(
        &findings,
        Analysis {
            point_groups: !args.no_point_groups,
            ..Analysis::default()
        },
    );
    let analysed = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let grouping = regroup_corpus(&corpus, &Grouping::default(), &Params::default());
    let grouped = started.elapsed().as_secs_f64();
    let members: usize = grouping.groups.iter().map(|g| g.members.len()).sum();
    let largest = grouping
        .groups
        .iter()
        .map(|g| g.members.len())
        .max()
        .unwrap_or(0);
    println!(
        "full regroup: {:.1} s (analysis {analysed:.1} s + grouping {grouped:.1} s); {} groups, {members} findings grouped, largest {largest}",
        analysed + grouped,
        grouping.groups.len()
    );
    println!(
        "peak RSS after regroup: {:.0} MiB",
        peak_rss_mib().unwrap_or(0.0)
    );

    let new_review = synth::review(args.seed, args.reviews);
    let new = findings_of(args.reviews, &new_review);
    let started = Instant::now();
    let after = corpus.assign(&new, &grouping, &Params::default());
    let placed = after.groups.iter().map(|g| g.members.len()).sum::<usize>() - members;
    println!(
        "assign one new review ({} findings) with the kept corpus: {:.3} s ({placed} placed, {} groups)",
        new.len(),
        started.elapsed().as_secs_f64(),
        after.groups.len()
    );
    if args.free_assign {
        let started = Instant::now();
        let again = assign(&new, &findings, &grouping);
        println!(
            "assign through the free function (analyses every finding first): {:.1} s ({} groups)",
            started.elapsed().as_secs_f64(),
            again.groups.len()
        );
    }
    println!("peak RSS: {:.0} MiB", peak_rss_mib().unwrap_or(0.0));
    Ok(())
}
