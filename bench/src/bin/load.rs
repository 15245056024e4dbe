//! `load`: mixed traffic against the real `lessons serve` binary on loopback, bounded in
//! time and in requests, checking that nothing answers 5xx and that memory is stable.
//!
//! 1. Builds the release `lessons` binary (when run through cargo), generates a
//!    synthetic corpus (`lessons_bench::synth`, default 5,000 reviews) into a fresh data
//!    directory through the repository, and adds a depositor of one board with an API
//!    token through the command line (`lessons user add`, `lessons token add`).
//! 2. Starts the server on 127.0.0.1 and runs `--concurrency` workers (default 64) for
//!    `--seconds` (default 60) or `--max-requests` requests, whichever ends first. Each
//!    request is, by weight, a search (drawn from `lessons_bench::query_mix`: popular
//!    searches often, a long tail rarely), a
//!    small export (one board and theme, CSV or NDJSON, read to the end) or a deposit
//!    (`POST /api/v1/reviews`, every fourth one then published).
//! 3. Prints, per kind, the count, 2xx/4xx/5xx and transport errors, p50 and p99; the
//!    server's RssAnon after the warm-up (`--warmup-seconds`, default 10) and at the end,
//!    and their ratio. Exits non-zero on any 5xx or transport error, or when RssAnon at
//!    the end is more than `--max-rss-growth` (default 20%) above the warm-up's, or when
//!    the server did not exit cleanly within 10 s of SIGTERM at the end.
//!
//! ```text
//! cargo run --release -p lessons-bench --bin load
//! cargo run --release -p lessons-bench --bin load -- --reviews 10000 --seconds 60 --concurrency 64
//! ```
//!
//! Traffic goes only to 127.0.0.1, and the run stops by itself.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use lessons_bench::http_load::{
    admin_token, build_server_binary, fresh_data_dir, percentile_ms, read_all, rss_anon_kb,
    run_cli, search_cache_counts, Outcome, PeakSampler, ServerProcess, Stopped, STOP_GRACE,
};
use lessons_bench::query_mix::QueryMix;
use lessons_bench::synth::{self, SynthConfig};
use lessons_web::service::Repository;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

#[derive(Parser)]
#[command(about = "Mixed searches, exports and deposits at a fixed concurrency, on loopback")]
struct Args {
    /// Synthetic reviews in the data directory before the run.
    #[arg(long, default_value_t = 5_000)]
    reviews: usize,
    /// Concurrent workers (one keep-alive connection each).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=512))]
    concurrency: u64,
    /// Longest duration of the run, in seconds.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=600))]
    seconds: u64,
    /// Most requests of the run.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..))]
    max_requests: u64,
    /// Seconds after which RssAnon is read as the reference.
    #[arg(long, default_value_t = 10)]
    warmup_seconds: u64,
    /// Largest allowed growth of RssAnon from the warm-up to the end, in percent.
    #[arg(long, default_value_t = 20.0)]
    max_rss_growth: f64,
    /// Share of searches among new requests, in percent.
    #[arg(long, default_value_t = 70, value_parser = clap::value_parser!(u32).range(0..=100))]
    search_share: u32,
    /// Share of exports among new requests, in percent (deposits take the rest; every
    /// fourth deposit is then published).
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(0..=100))]
    export_share: u32,
    /// Working directory (its `lessons-data` is replaced; default: a temporary one).
    #[arg(long)]
    work: Option<PathBuf>,
    /// The server's search result cache, in answers (0: off; see `lessons serve`).
    #[arg(long, default_value_t = lessons_web::service::DEFAULT_SEARCH_CACHE)]
    search_cache: usize,
}

/// The seed of the query mix searches are drawn from.
const MIX_SEED: u64 = 2026;
/// Searches drawn from the mix (the workers go round them, each from its own place).
const MIX_DAY: usize = 50_000;

/// What a request does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Search,
    Export,
    Deposit,
    Publish,
}

const KINDS: [Kind; 4] = [Kind::Search, Kind::Export, Kind::Deposit, Kind::Publish];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Search => "search",
            Kind::Export => "export",
            Kind::Deposit => "deposit",
            Kind::Publish => "publish",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

const WORDS: [&str; 16] = [
    "neglect",
    "domestic abuse",
    "information sharing",
    "school nurse",
    "\"health visitor\"",
    "police referral",
    "mental health",
    "housing",
    "voice of the child",
    "missed appointments",
    "substance misuse",
    "GP",
    "disguised compliance",
    "escalation",
    "bruising",
    "strategy meeting",
];
const THEMES: [&str; 6] = [
    "neglect",
    "domestic_abuse",
    "information_sharing",
    "voice_of_the_child",
    "parental_mental_health",
    "parental_substance_misuse",
];

/// What one worker saw.
#[derive(Default)]
struct Tally {
    /// Per kind: latencies in microseconds.
    latencies: [Vec<u32>; 4],
    /// Per kind: [2xx/3xx, 4xx, 5xx, transport errors].
    outcomes: [[u64; 4]; 4],
    /// A few examples of failures, for the report.
    failures: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for i in 0..4 {
            self.latencies[i].extend(other.latencies[i].iter());
            for j in 0..4 {
                self.outcomes[i][j] += other.outcomes[i][j];
            }
        }
        for failure in other.failures {
            if self.failures.len() < 10 {
                self.failures.push(failure);
            }
        }
    }
}

/// Shared by the workers.
struct Plan {
    base_url: String,
    token: String,
    board: String,
    boards: Vec<String>,
    deadline: Instant,
    search_share: u32,
    export_share: u32,
    max_requests: u64,
    sent: AtomicU64,
    /// Query strings of searches, drawn from the query mix by popularity.
    searches: Vec<String>,
}

fn main() -> Result<ExitCode> {
    let args = Args::parse();
    let server_binary = build_server_binary()?;
    let temp = tempfile::tempdir()?;
    let data = fresh_data_dir(args.work.as_deref(), temp.path())?;

    let started = Instant::now();
    let boards = prepare_data(&data, args.reviews)?;
    println!(
        "prepared {} synthetic reviews in {:.1} s",
        args.reviews,
        started.elapsed().as_secs_f64()
    );
    let board = boards[0].clone();
    let token = depositor_token(&server_binary, &data, &board)?;
    let admin = admin_token(&server_binary, &data)?;
    let mix = QueryMix::new(MIX_SEED);
    let searches: Vec<String> = mix
        .day(MIX_DAY, MIX_SEED)
        .into_iter()
        .map(|i| mix.requests[i].query.clone())
        .collect();

    let cache = args.search_cache.to_string();
    let server = ServerProcess::start_with(&server_binary, &data, &["--search-cache", &cache])?;
    let pid = server.pid();
    println!(
        "server pid {pid} healthy in {:.2} s; RssAnon at rest {} kB",
        server.startup.as_secs_f64(),
        rss_anon_kb(pid)?
    );
    let run_started = Instant::now();
    let plan = Arc::new(Plan {
        base_url: server.base_url.clone(),
        token,
        board,
        boards,
        deadline: run_started + Duration::from_secs(args.seconds),
        search_share: args.search_share,
        export_share: args.export_share,
        max_requests: args.max_requests,
        sent: AtomicU64::new(0),
        searches,
    });
    let cache_before = search_cache_counts(&server.base_url, &admin)?;
    let peak = PeakSampler::start(pid);
    let workers: Vec<_> = (0..args.concurrency)
        .map(|n| {
            let plan = plan.clone();
            std::thread::spawn(move || worker(&plan, n))
        })
        .collect();
    let warmup = Duration::from_secs(args.warmup_seconds.min(args.seconds));
    std::thread::sleep(warmup.saturating_sub(run_started.elapsed()));
    let rss_warm = rss_anon_kb(pid)?;
    let sent_at_warmup = plan.sent.load(Ordering::Relaxed);
    // RssAnon every 5 s until the workers are done, to tell a plateau from a climb.
    let mut timeline = vec![(run_started.elapsed().as_secs(), sent_at_warmup, rss_warm)];
    while !workers.iter().all(|w| w.is_finished()) {
        std::thread::sleep(Duration::from_millis(200));
        let seconds = run_started.elapsed().as_secs();
        if seconds >= timeline.last().map_or(0, |t| t.0) + 5 {
            let sent = plan.sent.load(Ordering::Relaxed).min(plan.max_requests);
            timeline.push((seconds, sent, rss_anon_kb(pid)?));
        }
    }
    let mut tally = Tally::default();
    for worker in workers {
        match worker.join() {
            Ok(part) => tally.merge(part),
            Err(_) => bail!("a worker panicked"),
        }
    }
    let elapsed = run_started.elapsed().as_secs_f64();
    let rss_end = rss_anon_kb(pid)?;
    let rss_peak = peak.stop();
    let cache_after = search_cache_counts(&server.base_url, &admin)?;
    let stopped = server.stop();
    let hits = cache_after.0 - cache_before.0;
    let asked = hits + (cache_after.1 - cache_before.1);

    let total: u64 = tally.latencies.iter().map(|l| l.len() as u64).sum();
    println!(
        "\n{} requests in {elapsed:.1} s ({:.0}/s) at concurrency {}, {} in the warm-up; \
         searches from the query mix ({} distinct), result cache {} answers, hit rate {:.1}%",
        total,
        total as f64 / elapsed,
        args.concurrency,
        sent_at_warmup,
        mix.requests.len(),
        args.search_cache,
        if asked == 0 {
            0.0
        } else {
            hits as f64 * 100.0 / asked as f64
        }
    );
    println!(
        "{:<8} {:>8} {:>8} {:>6} {:>6} {:>6} {:>10} {:>10}",
        "kind", "count", "2xx/3xx", "4xx", "5xx", "errors", "p50 ms", "p99 ms"
    );
    let mut server_errors = 0;
    let mut transport_errors = 0;
    for kind in KINDS {
        let latencies = &mut tally.latencies[kind.index()];
        latencies.sort_unstable();
        let [ok, client, server, transport] = tally.outcomes[kind.index()];
        server_errors += server;
        transport_errors += transport;
        println!(
            "{:<8} {:>8} {:>8} {:>6} {:>6} {:>6} {:>10.1} {:>10.1}",
            kind.name(),
            latencies.len(),
            ok,
            client,
            server,
            transport,
            percentile_ms(latencies, 0.50),
            percentile_ms(latencies, 0.99)
        );
    }
    let mut all: Vec<u32> = tally.latencies.concat();
    all.sort_unstable();
    println!(
        "{:<8} {:>8} {:>39} {:>10.1} {:>10.1}",
        "all",
        all.len(),
        "",
        percentile_ms(&all, 0.50),
        percentile_ms(&all, 0.99)
    );
    let growth = (rss_end as f64 / rss_warm.max(1) as f64 - 1.0) * 100.0;
    println!(
        "RssAnon: {rss_warm} kB after {} s warm-up, {rss_end} kB at the end ({growth:+.1}%), peak {rss_peak} kB",
        warmup.as_secs()
    );
    let points: Vec<String> = timeline
        .iter()
        .map(|(seconds, _, kb)| format!("{seconds}s {} MB", kb / 1024))
        .collect();
    println!("RssAnon over the run: {}", points.join(", "));
    for failure in &tally.failures {
        println!("failure: {failure}");
    }
    let mut ok = true;
    match stopped {
        Stopped::Exited(took, status) if status.success() => {
            println!(
                "the server stopped {:.2} s after SIGTERM",
                took.as_secs_f64()
            )
        }
        Stopped::Exited(took, status) => {
            println!(
                "FAIL: the server exited {:.2} s after SIGTERM with {status}",
                took.as_secs_f64()
            );
            ok = false;
        }
        Stopped::AlreadyGone(status) => {
            println!("FAIL: the server had already exited ({status})");
            ok = false;
        }
        Stopped::Killed => {
            println!(
                "FAIL: the server had not stopped {} s after SIGTERM and was killed",
                STOP_GRACE.as_secs()
            );
            ok = false;
        }
    }
    if server_errors > 0 || transport_errors > 0 {
        println!("FAIL: {server_errors} answers 5xx, {transport_errors} transport errors");
        ok = false;
    }
    if growth > args.max_rss_growth {
        println!(
            "FAIL: RssAnon grew {growth:.1}% (limit {}%)",
            args.max_rss_growth
        );
        ok = false;
    }
    if ok {
        println!("PASS: no 5xx, RssAnon within {}%", args.max_rss_growth);
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::FAILURE)
    }
}

/// Fills `data` with the synthetic boards and `reviews` reviews (seed 1); returns the
/// board slugs.
fn prepare_data(data: &Path, reviews: usize) -> Result<Vec<String>> {
    let repository = Repository::open(data)
        .with_context(|| format!("cannot open a data directory in {}", data.display()))?;
    let boards = synth::boards();
    for board in &boards {
        repository.put_board(board, "cli")?;
    }
    let mut generated = synth::reviews(SynthConfig { seed: 1, reviews });
    loop {
        let batch: Vec<_> = generated.by_ref().take(500).collect();
        if batch.is_empty() {
            break;
        }
        for result in repository.create_reviews(batch, "bench", "import")? {
            result.context("a synthetic review was refused")?;
        }
    }
    repository.flush()?;
    Ok(boards.into_iter().map(|b| b.slug).collect())
}

/// Adds a depositor of `board` with the command line and returns a new API token.
fn depositor_token(binary: &Path, data: &Path, board: &str) -> Result<String> {
    let email = "load@bench.example";
    run_cli(
        binary,
        data,
        &[
            "user",
            "add",
            email,
            "--board",
            board,
            "--role",
            "depositor",
        ],
        "a long enough password\n",
    )?;
    Ok(run_cli(binary, data, &["token", "add", email], "")?
        .trim()
        .to_string())
}

/// One worker: requests until the deadline or the shared request budget is reached.
fn worker(plan: &Plan, n: u64) -> Tally {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .max_idle_connections_per_host(1)
        .build();
    let mut rng = ChaCha8Rng::seed_from_u64(1000 + n);
    let mut tally = Tally::default();
    let mut deposits = 0u64;
    let mut next_search = (n as usize).wrapping_mul(7919);
    while Instant::now() < plan.deadline
        && plan.sent.fetch_add(1, Ordering::Relaxed) < plan.max_requests
    {
        let roll = rng.random_range(0..100);
        if roll < plan.search_share {
            next_search = (next_search + 1) % plan.searches.len().max(1);
            let query = plan.searches.get(next_search).map_or("", String::as_str);
            let url = format!("{}/api/v1/search?{query}", plan.base_url);
            let started = Instant::now();
            let outcome = read_all(agent.get(&url).call());
            record(&mut tally, Kind::Search, started, outcome, &url);
        } else if roll < plan.search_share + plan.export_share {
            let url = format!(
                "{}/api/v1/export?{}",
                plan.base_url,
                export_query(&mut rng, &plan.boards)
            );
            let started = Instant::now();
            let outcome = read_all(agent.get(&url).call());
            record(&mut tally, Kind::Export, started, outcome, &url);
        } else {
            deposits += 1;
            let body = deposit_body(&mut rng, &plan.board, n, deposits);
            let url = format!("{}/api/v1/reviews", plan.base_url);
            let started = Instant::now();
            let response = agent
                .post(&url)
                .set("Authorization", &format!("Bearer {}", plan.token))
                .send_json(body);
            let location = match &response {
                Ok(r) => r.header("location").map(str::to_string),
                Err(_) => None,
            };
            let outcome = read_all(response);
            record(&mut tally, Kind::Deposit, started, outcome, &url);
            if deposits.is_multiple_of(4) {
                if let Some(location) = location {
                    let url = format!("{}{location}/publish", plan.base_url);
                    let started = Instant::now();
                    let outcome = read_all(
                        agent
                            .post(&url)
                            .set("Authorization", &format!("Bearer {}", plan.token))
                            .send_json(json!({ "anonymisation_checked": true })),
                    );
                    record(&mut tally, Kind::Publish, started, outcome, &url);
                }
            }
        }
    }
    tally
}

fn record(tally: &mut Tally, kind: Kind, started: Instant, outcome: Outcome, url: &str) {
    let micros = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
    tally.latencies[kind.index()].push(micros);
    let slot = match &outcome {
        Outcome::Status(status) if *status < 400 => 0,
        Outcome::Status(status) if *status < 500 => 1,
        Outcome::Status(_) => 2,
        Outcome::Transport(_) => 3,
    };
    tally.outcomes[kind.index()][slot] += 1;
    if slot > 0 && tally.failures.len() < 3 {
        let what = match outcome {
            Outcome::Status(status) => status.to_string(),
            Outcome::Transport(error) => error,
        };
        tally
            .failures
            .push(format!("{} {url}: {what}", kind.name()));
    }
}

fn pick<'a>(rng: &mut impl Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// A small export: one board's reviews with a theme, as CSV or NDJSON.
fn export_query(rng: &mut impl Rng, boards: &[String]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("board", &boards[rng.random_range(0..boards.len())]);
    query.append_pair("theme", pick(rng, &THEMES));
    query.append_pair(
        "format",
        if rng.random_bool(0.5) {
            "csv"
        } else {
            "ndjson"
        },
    );
    query.finish()
}

/// A valid new review of `board`, different for every worker and deposit.
fn deposit_body(rng: &mut impl Rng, board: &str, worker: u64, n: u64) -> serde_json::Value {
    let word = pick(rng, &WORDS).trim_matches('"');
    json!({
        "title": format!("Serious Case Review: Child L{worker}-{n}"),
        "board": board,
        "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" },
        "themes": [pick(rng, &THEMES)],
        "agencies": ["school"],
        "commissioned_on": "2011-01-10",
        "completed_on": "2011-09-30",
        "summary": format!("Practitioners discussed {word} at several meetings, but nobody acted on it (worker {worker}, deposit {n})."),
        "lessons": [{
            "kind": "lesson", "level": "inter_agency", "themes": ["voice_of_the_child"],
            "text": format!("When {word} is raised, the agencies should agree who acts and when."),
        }],
    })
}
