//! `compare`: Lessons side by side with SQLite FTS5 on the same corpus, in one run.
//!
//! 1. Imports the corpus through our real pipeline (durable store and index), builds a
//!    bare tantivy index of the same text, and loads SQLite FTS5: time, reviews/s, MB/s
//!    of JSON and size on disk for each.
//! 2. Runs the fixed query set (`lessons_bench::queries`) on our index and on FTS5,
//!    each doing the top 20 with snippets, the total and facet counts: p50/p99 per class
//!    (ours once the recurring lessons' regrouping that follows an import has finished,
//!    so that it does not run on the same cores while queries are timed).
//! 3. Starts the real `lessons serve` binary on the imported data (start-up timed, no
//!    reindexing), drives `GET /api/v1/search` with wrk on loopback with the query mix
//!    (`lessons_bench::query_mix`: 2,400 distinct requests, drawn by popularity) at
//!    concurrency 1, 8 and 64 (each run bounded by a duration and a request count),
//!    first with the result cache off (`--search-cache 0`), then on, printing the cache
//!    hit rate (from `/metrics`) beside each throughput, and reads the server's resident
//!    anonymous memory (RssAnon) at rest and at the peak of each run.
//!
//! ```text
//! cargo run --release -p lessons-bench --bin synth -- --reviews 10000 --seed 1 --output /tmp/synth-10k
//! cargo run --release -p lessons-bench --features fts5 --bin compare -- --corpus /tmp/synth-10k
//! ```
//!
//! Needs wrk (`apt-get install wrk`). Built only with the `fts5` feature, so that
//! rusqlite stays out of the default build and of CI.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Parser;
use lessons_bench::bare_tantivy;
use lessons_bench::corpus::{self, disk_bytes};
use lessons_bench::fts5::Fts5;
use lessons_bench::http_load::{
    self, build_server_binary, LoadPlan, LoadRun, PeakSampler, ServerProcess,
};
use lessons_bench::queries::{ComparedQuery, CLASSES, QUERIES};
use lessons_bench::query_mix::QueryMix;
use lessons_index::SearchRequest;
use lessons_web::service::Repository;

#[derive(Parser)]
#[command(about = "Lessons side by side with SQLite FTS5: import, queries, HTTP load, memory")]
struct Args {
    /// Folder with boards.jsonl and reviews.jsonl (default: the bundled demo corpus).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Working directory for the three stores; emptied first (default: a temporary one).
    #[arg(long)]
    work: Option<PathBuf>,
    /// Timed runs of each query on each engine (after one untimed run).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    rounds: u64,
    /// Longest time of each HTTP load run, in seconds.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=600))]
    load_seconds: u64,
    /// Most requests of each HTTP load run.
    #[arg(long, default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
    load_requests: u64,
}

/// One wrk run over HTTP: with the result cache on or off, and the share of searches
/// it answered.
struct ServedRun {
    cache: &'static str,
    run: LoadRun,
    peak_kb: u64,
    hit_rate: f64,
}

/// The seed of the query mix and of the day drawn from it.
const MIX_SEED: u64 = 2026;
/// Requests drawn from the mix (wrk cycles through them).
const MIX_DAY: usize = 30_000;

/// One engine's import.
struct ImportRow {
    engine: &'static str,
    reviews: u64,
    json_bytes: u64,
    seconds: f64,
    disk_bytes: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    http_load::check_wrk()?;
    let server_binary = build_server_binary()?;
    let corpus_dir = args.corpus.clone().unwrap_or_else(corpus::demo_dir);
    let temporary = tempfile::tempdir().context("cannot make a temporary directory")?;
    let work = args.work.clone().unwrap_or_else(|| temporary.path().into());
    prepare_work_dir(&work)?;
    let today = lessons_model::dates::today();
    let today_text = today.to_string();
    println!("Corpus: {}", corpus_dir.display());

    eprintln!("importing into Lessons (store and index)...");
    let data = work.join("lessons-data");
    let (ours_import, repository) = import_ours(&corpus_dir, &data)?;
    // The import ends by starting the recurring lessons' regrouping in a background
    // thread; let it finish so that it does not share the cores with the timed queries.
    let regrouping = Instant::now();
    repository.wait_for_recurring()?;
    println!(
        "Recurring lessons regrouped in the background after the import: finished {:.1} s after it",
        regrouping.elapsed().as_secs_f64()
    );
    // Every round searches again: the result cache would answer rounds 2.. itself.
    repository.set_search_cache_entries(0);
    let (reviews, findings) = repository.document_counts()?;
    println!(
        "{reviews} reviews, {findings} findings; {} timed runs per query",
        args.rounds
    );
    eprintln!("querying Lessons...");
    let boards = repository.board_slugs();
    let ours = time_queries(args.rounds, |query| {
        let request = SearchRequest::from_pairs(
            pairs(query.api)
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
            &boards,
        )
        .map_err(|e| anyhow::anyhow!("{}: {e:?}", query.api))?;
        let results = repository.search(&request)?;
        Ok(results.total)
    })?;
    drop(repository);

    eprintln!("building a bare tantivy index of the same text...");
    let bare = bare_tantivy::build(&corpus_dir, &work.join("bare-tantivy"))?;
    eprintln!("loading SQLite FTS5...");
    let (fts5, fts5_load) = Fts5::load(&corpus_dir, &work.join("fts5.sqlite"))?;
    eprintln!("querying SQLite FTS5...");
    let peer = time_queries(args.rounds, |query| {
        Ok(fts5.search(query, &today_text)?.total)
    })?;
    drop(fts5);

    print_imports(&[
        ours_import,
        ImportRow {
            engine: "bare tantivy, same text",
            reviews: bare.reviews,
            json_bytes: bare.json_bytes,
            seconds: bare.seconds,
            disk_bytes: bare.disk_bytes,
        },
        ImportRow {
            engine: "SQLite FTS5",
            reviews: fts5_load.reviews,
            json_bytes: fts5_load.json_bytes,
            seconds: fts5_load.seconds,
            disk_bytes: fts5_load.disk_bytes,
        },
    ]);
    print_queries(&ours, &peer);

    eprintln!("serving over HTTP...");
    let serving = serve_and_load(&server_binary, &data, &work, &args)?;
    print_serving(&serving);
    Ok(())
}

fn prepare_work_dir(work: &Path) -> Result<()> {
    for part in ["lessons-data", "bare-tantivy", "fts5.sqlite", "load.lua"] {
        let path = work.join(part);
        if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else if path.exists() {
            std::fs::remove_file(&path)
        } else {
            Ok(())
        }
        .with_context(|| format!("cannot clear {}", path.display()))?;
    }
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))
}

fn import_ours(corpus_dir: &Path, data: &Path) -> Result<(ImportRow, Repository)> {
    let started = Instant::now();
    let mut json_bytes = 0;
    let repository = corpus::load(corpus_dir, data, |bytes| json_bytes = bytes)?;
    let seconds = started.elapsed().as_secs_f64();
    let row = ImportRow {
        engine: "Lessons (durable store + index)",
        reviews: repository.review_count() as u64,
        json_bytes,
        seconds,
        disk_bytes: disk_bytes(data),
    };
    Ok((row, repository))
}

fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// Per query: its total and its timed runs.
struct Timed {
    total: u64,
    times: Vec<Duration>,
}

/// Runs every query once untimed, then `rounds` timed runs each.
fn time_queries(
    rounds: u64,
    mut run: impl FnMut(&ComparedQuery) -> Result<u64>,
) -> Result<Vec<Timed>> {
    QUERIES
        .iter()
        .map(|query| {
            let total = run(query)?;
            let mut times = Vec::with_capacity(rounds as usize);
            for _ in 0..rounds {
                let started = Instant::now();
                run(query)?;
                times.push(started.elapsed());
            }
            times.sort_unstable();
            Ok(Timed { total, times })
        })
        .collect()
}

/// The `q`-quantile of sorted durations, in milliseconds.
fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

fn print_imports(rows: &[ImportRow]) {
    println!("\n### Import\n");
    println!("| engine | reviews | seconds | reviews/s | MB/s of JSON | on disk MB |");
    println!("|---|---:|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {} | {:.1} | {:.0} | {:.1} | {:.0} |",
            row.engine,
            row.reviews,
            row.seconds,
            row.reviews as f64 / row.seconds,
            row.json_bytes as f64 / 1e6 / row.seconds,
            row.disk_bytes as f64 / 1e6
        );
    }
}

fn print_queries(ours: &[Timed], peer: &[Timed]) {
    println!("\n### Queries (top 20 with snippets, total, facet counts over every match)\n");
    println!("| class | Lessons p50 ms | p99 ms | FTS5 p50 ms | p99 ms | FTS5 / Lessons (p50) |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut all_ours = Vec::new();
    let mut all_peer = Vec::new();
    for class in CLASSES {
        let pick = |timed: &[Timed]| -> Vec<Duration> {
            let mut times: Vec<Duration> = QUERIES
                .iter()
                .zip(timed)
                .filter(|(query, _)| query.class == class)
                .flat_map(|(_, t)| t.times.iter().copied())
                .collect();
            times.sort_unstable();
            times
        };
        let (a, b) = (pick(ours), pick(peer));
        print_query_row(class, &a, &b);
        all_ours.extend(a);
        all_peer.extend(b);
    }
    all_ours.sort_unstable();
    all_peer.sort_unstable();
    print_query_row("**all**", &all_ours, &all_peer);

    println!("\n| query | Lessons matches | FTS5 matches |\n|---|---:|---:|");
    for ((query, a), b) in QUERIES.iter().zip(ours).zip(peer) {
        println!("| `{}` | {} | {} |", query.api, a.total, b.total);
    }
}

fn print_query_row(class: &str, ours: &[Duration], peer: &[Duration]) {
    let (a50, b50) = (quantile_ms(ours, 0.5), quantile_ms(peer, 0.5));
    println!(
        "| {class} | {a50:.2} | {:.2} | {b50:.2} | {:.2} | {:.1}x |",
        quantile_ms(ours, 0.99),
        quantile_ms(peer, 0.99),
        b50 / a50.max(1e-6)
    );
}

/// What serving measured.
struct Serving {
    /// The first start after the import, and a restart.
    first_startup: Duration,
    startup: Duration,
    rss_at_rest_kb: u64,
    runs: Vec<ServedRun>,
    rss_after_kb: u64,
}

fn serve_and_load(binary: &Path, data: &Path, work: &Path, args: &Args) -> Result<Serving> {
    let token = http_load::admin_token(binary, data)?;
    // The first start after an import replays sled's log; a restart is the usual case.
    let first_startup = ServerProcess::start(binary, data)?.startup;
    let mix = QueryMix::new(MIX_SEED);
    let day = mix.day(MIX_DAY, MIX_SEED);
    let paths: Vec<String> = day
        .iter()
        .map(|&i| format!("/api/v1/search?{}", mix.requests[i].query))
        .collect();
    eprintln!(
        "query mix: {} distinct requests, {} drawn ({} distinct among them)",
        mix.requests.len(),
        paths.len(),
        QueryMix::distinct_in(&day)
    );
    let mut runs = Vec::new();
    let mut at_rest = (Duration::ZERO, 0, 0);
    for (cache, options) in [("off", &["--search-cache", "0"][..]), ("on", &[][..])] {
        let server = ServerProcess::start_with(binary, data, options)?;
        let rss_at_rest_kb = http_load::rss_anon_kb(server.pid())?;
        let plan = |concurrency, duration, max_requests| LoadPlan {
            base_url: &server.base_url,
            paths: &paths,
            concurrency,
            duration,
            max_requests,
        };
        // Warm-up: the popular requests answered once (the cache starts the day filled
        // with what the morning asked).
        http_load::run_wrk(&plan(2, Duration::from_secs(3), 500), work)?;
        for concurrency in [1, 8, 64] {
            let before = http_load::search_cache_counts(&server.base_url, &token)?;
            let sampler = PeakSampler::start(server.pid());
            let run = http_load::run_wrk(
                &plan(
                    concurrency,
                    Duration::from_secs(args.load_seconds),
                    args.load_requests,
                ),
                work,
            )?;
            let peak = sampler.stop();
            let after = http_load::search_cache_counts(&server.base_url, &token)?;
            let hits = after.0 - before.0;
            let asked = hits + (after.1 - before.1);
            let hit_rate = if asked == 0 {
                0.0
            } else {
                hits as f64 / asked as f64
            };
            runs.push(ServedRun {
                cache,
                run,
                peak_kb: peak,
                hit_rate,
            });
        }
        if cache == "on" {
            at_rest = (
                server.startup,
                rss_at_rest_kb,
                http_load::rss_anon_kb(server.pid())?,
            );
        }
    }
    Ok(Serving {
        first_startup,
        startup: at_rest.0,
        rss_at_rest_kb: at_rest.1,
        rss_after_kb: at_rest.2,
        runs,
    })
}

fn print_serving(serving: &Serving) {
    println!("\n### Serving `GET /api/v1/search` over HTTP (wrk on loopback, the query mix)\n");
    println!("| result cache | concurrency | requests | seconds | requests/s | cache hit rate | p50 ms | p99 ms | errors | peak RssAnon MB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for ServedRun {
        cache,
        run,
        peak_kb,
        hit_rate,
    } in &serving.runs
    {
        println!(
            "| {} | {} | {}{} | {:.1} | {:.0} | {:.1}% | {:.2} | {:.2} | {} | {:.0} |",
            cache,
            run.concurrency,
            run.requests,
            if run.capped { " (cap)" } else { "" },
            run.seconds,
            run.per_second,
            hit_rate * 100.0,
            run.p50_ms,
            run.p99_ms,
            run.errors,
            *peak_kb as f64 / 1024.0
        );
    }
    println!(
        "\nStart-up (spawn to first healthy answer, no reindexing): {} ms the first time after the import, {} ms on a restart. RssAnon at rest {:.0} MB, after the load {:.0} MB.",
        serving.first_startup.as_millis(),
        serving.startup.as_millis(),
        serving.rss_at_rest_kb as f64 / 1024.0,
        serving.rss_after_kb as f64 / 1024.0
    );
}
