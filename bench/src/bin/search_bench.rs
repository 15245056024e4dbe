//! `search_bench`: latency of `GET /api/v1/search` (facets and snippets included) for a
//! fixed query set, through the real actix service in process (routing, handler,
//! blocking pool, JSON), on the demo corpus or any corpus folder (e.g. one written by
//! `synth`). Prints p50/p99 per query class and overall.
//!
//! With `--mix N` it times instead `N` requests drawn from the query mix
//! (`lessons_bench::query_mix`, the realistic day of searches `compare` and `load` use),
//! each request timed once in the order drawn, after one untimed pass over the
//! distinct requests drawn: p50/p99 per base-query class and view.
//!
//! ```text
//! cargo run --release -p lessons-bench --bin search_bench
//! cargo run --release -p lessons-bench --bin synth -- --reviews 10000 --seed 1 --output /tmp/synth-10k
//! cargo run --release -p lessons-bench --bin search_bench -- --corpus /tmp/synth-10k --data /tmp/synth-10k-data
//! cargo run --release -p lessons-bench --bin search_bench -- --corpus /tmp/synth-10k --data /tmp/synth-10k-data --mix 5000
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use actix_http::Request;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App};
use anyhow::{bail, Context, Result};
use clap::Parser;
use lessons_bench::corpus;
use lessons_bench::query_mix::QueryMix;
use lessons_web::app::configure;
use lessons_web::http::config::SiteConfig;

/// The fixed query set: (class, query string).
const QUERIES: &[(&str, &str)] = &[
    ("single term", "q=neglect"),
    ("single term", "q=bruising"),
    ("single term", "q=GP"),
    ("two terms", "q=domestic+abuse"),
    ("two terms", "q=missed+appointments"),
    ("phrase", "q=%22disguised+compliance%22"),
    ("phrase", "q=%22was+not+brought%22"),
    ("practitioner", "q=baby+bruising+not+mobile"),
    (
        "practitioner",
        "q=what+should+a+GP+do+when+children+miss+appointments",
    ),
    ("misspelt", "q=chronic+neglekt"),
    ("filtered", "q=neglect&theme=neglect&year_from=2010"),
    ("filtered", "q=assessment&agency=police&region=london"),
    ("filtered", "theme=domestic_abuse&sort=newest"),
    ("lessons view", "view=lessons&q=escalation"),
    (
        "lessons view",
        "view=lessons&q=information+sharing&level=inter_agency",
    ),
    (
        "lessons view",
        "view=lessons&q=supervision&agency=general_practice",
    ),
];

#[derive(Parser)]
#[command(about = "Latency of API search with facets and snippets on a fixed query set")]
struct Args {
    /// Folder with boards.jsonl and reviews.jsonl (default: the bundled demo corpus).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Data directory to import into, or to reuse when it already holds reviews (it is
    /// then taken to hold this corpus; default: a temporary one).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Timed runs of each query (after one untimed warm-up run).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..))]
    rounds: u64,
    /// Run the 12 queries of `compare` (lessons_bench::queries) instead of the 16 here.
    #[arg(long)]
    compare_set: bool,
    /// Time this many requests drawn from the query mix instead of a fixed set.
    #[arg(long, conflicts_with = "compare_set", value_parser = clap::value_parser!(u64).range(1..))]
    mix: Option<u64>,
}

#[actix_web::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let corpus_dir = args.corpus.unwrap_or_else(corpus::demo_dir);
    let temporary = tempfile::tempdir().context("cannot make a temporary directory")?;
    let data = args.data.unwrap_or_else(|| temporary.path().join("data"));
    let repository = corpus::open_or_import(&corpus_dir, &data)?;
    // Every round searches again: the result cache would answer rounds 2.. itself.
    repository.set_search_cache_entries(0);
    let (reviews, findings) = repository.document_counts()?;
    println!(
        "Corpus: {} ({} reviews, {} findings indexed)",
        corpus_dir.display(),
        reviews,
        findings
    );

    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(repository))
            .app_data(web::Data::new(SiteConfig::default()))
            .configure(configure),
    )
    .await;
    let timed = match args.mix {
        Some(n) => time_mix(&app, n as usize).await?,
        None => time_fixed_set(&app, args.compare_set, args.rounds).await?,
    };
    let mut by_class: Vec<(String, Vec<Duration>)> = Vec::new();
    let mut all = Vec::new();
    for (class, elapsed) in timed {
        all.push(elapsed);
        match by_class.iter_mut().find(|(c, _)| *c == class) {
            Some((_, list)) => list.push(elapsed),
            None => by_class.push((class, vec![elapsed])),
        }
    }
    println!("\n| class | requests | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|");
    for (class, times) in by_class.iter_mut() {
        print_row(class, times);
    }
    print_row("**all**", &mut all);
    Ok(())
}

/// Times `rounds` runs of each query of the fixed set (or compare's), after one warm-up.
async fn time_fixed_set(
    app: &impl Service<Request, Response = ServiceResponse, Error = actix_web::Error>,
    compare_set: bool,
    rounds: u64,
) -> Result<Vec<(String, Duration)>> {
    let queries: Vec<(&str, &str)> = if compare_set {
        lessons_bench::queries::QUERIES
            .iter()
            .map(|q| (q.class, q.api))
            .collect()
    } else {
        QUERIES.to_vec()
    };
    println!("{rounds} rounds per query");
    let mut timed = Vec::new();
    for (class, query) in queries {
        let uri = format!("/api/v1/search?{query}");
        // Round 0 warms caches and is not timed.
        get(app, &uri).await?;
        for _ in 0..rounds {
            timed.push((class.to_string(), get(app, &uri).await?));
        }
    }
    Ok(timed)
}

/// Times `n` requests drawn from the query mix, in the order drawn, after one untimed
/// pass over the distinct requests among them. The class is the base query's class,
/// with ", lessons" for the findings view.
async fn time_mix(
    app: &impl Service<Request, Response = ServiceResponse, Error = actix_web::Error>,
    n: usize,
) -> Result<Vec<(String, Duration)>> {
    let mix = QueryMix::new(1);
    let day = mix.day(n, 1);
    println!(
        "Query mix: {n} requests, {} distinct",
        QueryMix::distinct_in(&day)
    );
    let mut warmed = std::collections::HashSet::new();
    for &i in &day {
        if warmed.insert(i) {
            get(app, &format!("/api/v1/search?{}", mix.requests[i].query)).await?;
        }
    }
    let mut timed = Vec::with_capacity(n);
    for &i in &day {
        let request = &mix.requests[i];
        let class = if request.query.contains("view=lessons") {
            format!("{}, lessons", request.class)
        } else {
            request.class.to_string()
        };
        let elapsed = get(app, &format!("/api/v1/search?{}", request.query)).await?;
        timed.push((class, elapsed));
    }
    Ok(timed)
}

/// One timed GET through the service; an error unless it answers 2xx with a body.
async fn get(
    app: &impl Service<Request, Response = ServiceResponse, Error = actix_web::Error>,
    uri: &str,
) -> Result<Duration> {
    let started = Instant::now();
    let response = test::call_service(app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = response.status();
    let body = test::read_body(response).await;
    let elapsed = started.elapsed();
    if !status.is_success() || body.is_empty() {
        bail!("{uri} answered {status}");
    }
    Ok(elapsed)
}

fn print_row(class: &str, times: &mut [Duration]) {
    times.sort_unstable();
    let at = |q: f64| {
        let index = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
        times[index].as_secs_f64() * 1000.0
    };
    println!(
        "| {class} | {} | {:.2} | {:.2} | {:.2} |",
        times.len(),
        at(0.50),
        at(0.99),
        at(1.0)
    );
}
