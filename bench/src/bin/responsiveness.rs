//! `responsiveness`: whether the server's async executor stays responsive while signed-in
//! pages that read much of the store are requested (issue 14, item 3: handlers must never
//! block the executor).
//!
//! 1. Builds the release `lessons` binary (when run through cargo) and a fresh data
//!    directory: a depositor's board added with `lessons board add`, the synthetic boards,
//!    and `--reviews` synthetic reviews (seed 1) imported through the path of `lessons
//!    import`. Every tenth review belongs to the depositor's board and every other one of
//!    those is a draft (imported with status `draft`), so `/my` has drafts to list.
//! 2. Adds a depositor of that board and an admin with `lessons user add`, starts the real
//!    `lessons serve` on a free 127.0.0.1 port, and signs both in through the form
//!    (`GET /login` for the double-submit cookie and field, then `POST /login`).
//! 3. Probes `GET /healthz` alone for 2 s (at rest), then runs `--clients` threads for
//!    `--seconds`, each with its own keep-alive connection requesting in turn `/my` (every
//!    fourth client as the admin, whose `/my` lists every board; the others as the
//!    depositor) and the public page `/reviews/{id}` of a random published review. A
//!    prober thread on its own connection requests `GET /healthz` every 10 ms throughout
//!    and records each latency.
//! 4. Prints the corpus, the requests of each kind with their statuses and p50/p99/max,
//!    and `/healthz` p50, p99 and max with the line `healthz p99 = X ms (target < 50 ms):
//!    PASS|FAIL`. The figures are reported, not asserted: the exit status is 0 either way,
//!    and non-zero only when the setup fails.
//!
//! ```text
//! cargo run --release -p lessons-bench --bin responsiveness
//! cargo run --release -p lessons-bench --bin responsiveness -- --reviews 10000 --seconds 10 --clients 8
//! ```
//!
//! Traffic goes only to 127.0.0.1, and the run stops by itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use lessons_bench::corpus::import_reviews;
use lessons_bench::http_load::{
    build_server_binary, fresh_data_dir, percentile_ms, read_all, run_cli, Outcome, ServerProcess,
};
use lessons_bench::synth::{self, SynthConfig};
use lessons_model::Status;
use lessons_web::http::session::SESSION_COOKIE;
use lessons_web::service::Repository;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Parser)]
#[command(
    about = "Whether /healthz stays fast while clients request /my and review pages, on loopback"
)]
struct Args {
    /// Synthetic reviews in the data directory.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(20..=1_000_000))]
    reviews: u64,
    /// Duration of the run, in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    seconds: u64,
    /// Client threads requesting /my and review pages (one keep-alive connection each).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=256))]
    clients: u64,
    /// Working directory (its `lessons-data` is replaced; default: a temporary one).
    #[arg(long)]
    work: Option<PathBuf>,
}

/// The depositor's board, added with `lessons board add`.
const BOARD: &str = "bench-responsiveness";
/// Every `BOARD_EVERY`-th review (from the first) belongs to [`BOARD`]...
const BOARD_EVERY: usize = 10;
/// ...and every `DRAFT_EVERY`-th one is a draft (half of that board's reviews).
const DRAFT_EVERY: usize = 20;
const DEPOSITOR: &str = "depositor@bench.example";
const ADMIN: &str = "admin@bench.example";
const PASSWORD: &str = "a long enough password";
/// Every `ADMIN_EVERY`-th client (the 4th, 8th, ...) is signed in as the admin.
const ADMIN_EVERY: u64 = 4;
const PROBE_INTERVAL: Duration = Duration::from_millis(10);
const AT_REST: Duration = Duration::from_secs(2);
const TARGET_P99_MS: f64 = 50.0;
/// Longest wait for one answer; a request cut by it counts as a transport error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// What a request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    MyDepositor,
    MyAdmin,
    Review,
    Healthz,
}

const KINDS: [Kind; 4] = [
    Kind::MyDepositor,
    Kind::MyAdmin,
    Kind::Review,
    Kind::Healthz,
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::MyDepositor => "/my (depositor)",
            Kind::MyAdmin => "/my (admin)",
            Kind::Review => "/reviews/{id}",
            Kind::Healthz => "/healthz",
        }
    }
}

/// What one thread saw of one kind of request.
#[derive(Default)]
struct Tally {
    /// Latencies in microseconds.
    latencies: Vec<u32>,
    statuses: BTreeMap<u16, u64>,
    transport_errors: u64,
    /// A few examples of answers other than 200, for the report.
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, started: Instant, outcome: Outcome, what: &str) {
        let micros = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
        self.latencies.push(micros);
        let problem = match outcome {
            Outcome::Status(status) => {
                *self.statuses.entry(status).or_insert(0) += 1;
                (status != 200).then(|| status.to_string())
            }
            Outcome::Transport(error) => {
                self.transport_errors += 1;
                Some(error)
            }
        };
        if let Some(problem) = problem {
            if self.failures.len() < 3 {
                self.failures.push(format!("{what}: {problem}"));
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_insert(0) += count;
        }
        self.transport_errors += other.transport_errors;
        for failure in other.failures {
            if self.failures.len() < 3 {
                self.failures.push(failure);
            }
        }
    }

    /// Statuses as `200: 1234, 404: 2`, and transport errors.
    fn statuses_line(&self) -> String {
        let mut parts: Vec<String> = self
            .statuses
            .iter()
            .map(|(status, count)| format!("{status}: {count}"))
            .collect();
        if self.transport_errors > 0 {
            parts.push(format!("errors: {}", self.transport_errors));
        }
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        }
    }

    /// p50, p99 and max in milliseconds.
    fn figures(&mut self) -> (f64, f64, f64) {
        self.latencies.sort_unstable();
        (
            percentile_ms(&self.latencies, 0.50),
            percentile_ms(&self.latencies, 0.99),
            percentile_ms(&self.latencies, 1.0),
        )
    }
}

/// The data directory as prepared.
struct Corpus {
    reviews: usize,
    boards: usize,
    board_reviews: usize,
    drafts: usize,
    /// Ids of the published reviews (public: the synthetic corpus has no embargoes).
    public_ids: Vec<String>,
    draft_id: String,
    import_seconds: f64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("responsiveness: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<()> {
    let binary = build_server_binary().context("setup: the lessons binary")?;
    let temp = tempfile::tempdir().context("setup: cannot create a temporary directory")?;
    let data = fresh_data_dir(args.work.as_deref(), temp.path()).context("setup")?;

    let reviews = usize::try_from(args.reviews).context("setup: --reviews is too large")?;
    let corpus = prepare_data(&binary, &data, reviews).context("setup: the data directory")?;
    println!(
        "corpus: {} reviews over {} boards, imported in {:.1} s; the depositor's board {BOARD} \
         holds {} of them, {} drafts (imported with status draft through the import path) \
         and {} published; {} public reviews in all",
        corpus.reviews,
        corpus.boards,
        corpus.import_seconds,
        corpus.board_reviews,
        corpus.drafts,
        corpus.board_reviews - corpus.drafts,
        corpus.public_ids.len(),
    );

    let server = ServerProcess::start(&binary, &data).context("setup: starting the server")?;
    println!(
        "server pid {} on {} healthy in {:.2} s",
        server.pid(),
        server.base_url,
        server.startup.as_secs_f64()
    );
    let base = server.base_url.clone();
    let depositor = sign_in(&base, DEPOSITOR).context("setup: signing in the depositor")?;
    let admin = sign_in(&base, ADMIN).context("setup: signing in the admin")?;
    for (who, session) in [("depositor", &depositor), ("admin", &admin)] {
        let (millis, bytes) = get_once(&base, "/my", Some(session))
            .with_context(|| format!("setup: the {who}'s /my"))?;
        println!(
            "one /my alone as the {who}: {millis:.0} ms, {} kB",
            bytes / 1024
        );
    }
    let (millis, _) = get_once(&base, &format!("/reviews/{}", corpus.public_ids[0]), None)
        .context("setup: a public review page")?;
    println!("one review page alone: {millis:.1} ms");
    if get_once(&base, &format!("/reviews/{}", corpus.draft_id), None).is_ok() {
        bail!(
            "setup: the draft {} has a public page: the import did not keep it a draft",
            corpus.draft_id
        );
    }

    let mut at_rest = probe(&base, Instant::now() + AT_REST, &AtomicBool::new(false));
    let (rest_p50, rest_p99, rest_max) = at_rest.figures();
    println!(
        "healthz at rest ({} probes over {} s): p50 {rest_p50:.2} ms, p99 {rest_p99:.2} ms, max {rest_max:.2} ms",
        at_rest.latencies.len(),
        AT_REST.as_secs()
    );

    let (mut tallies, elapsed) = load_run(args, &base, &corpus.public_ids, &depositor, &admin)?;
    drop(server);

    let admins = args.clients / ADMIN_EVERY;
    println!(
        "\n{} clients ({} as the depositor, {admins} as the admin) for {} s ({elapsed:.1} s with \
         the last answers), /healthz every {} ms on its own connection",
        args.clients,
        args.clients - admins,
        args.seconds,
        PROBE_INTERVAL.as_millis()
    );
    println!(
        "{:<16} {:>8} {:>9} {:>9} {:>9}  statuses",
        "kind", "requests", "p50 ms", "p99 ms", "max ms"
    );
    for kind in KINDS {
        let tally = &mut tallies[kind as usize];
        let (p50, p99, max) = tally.figures();
        println!(
            "{:<16} {:>8} {:>9.1} {:>9.1} {:>9.1}  {}",
            kind.name(),
            tally.latencies.len(),
            p50,
            p99,
            max,
            tally.statuses_line()
        );
    }
    for tally in &tallies {
        for failure in &tally.failures {
            println!("example: {failure}");
        }
    }
    let healthz = &mut tallies[Kind::Healthz as usize];
    let (p50, p99, max) = healthz.figures();
    // The prober waits for each answer, so a stalled executor shows as a few long probes
    // in place of many short ones: the count against the slots of the run says how many.
    let slots = (elapsed * 1000.0 / PROBE_INTERVAL.as_millis() as f64).round();
    println!(
        "healthz over the run: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms \
         ({} probes in {slots:.0} slots of {} ms)",
        healthz.latencies.len(),
        PROBE_INTERVAL.as_millis()
    );
    let slow: Vec<u32> = healthz
        .latencies
        .iter()
        .copied()
        .filter(|&micros| f64::from(micros) >= TARGET_P99_MS * 1000.0)
        .collect();
    println!(
        "healthz probes of {TARGET_P99_MS:.0} ms or more: {}, together {:.1} s of the run's {elapsed:.1} s",
        slow.len(),
        slow.iter().map(|&micros| f64::from(micros)).sum::<f64>() / 1e6
    );
    let verdict = if p99 < TARGET_P99_MS && !healthz.latencies.is_empty() {
        "PASS"
    } else {
        "FAIL"
    };
    println!("healthz p99 = {p99:.1} ms (target < {TARGET_P99_MS:.0} ms): {verdict}");
    Ok(())
}

/// Fills `data`: the depositor's board through the command line, then the synthetic
/// boards and reviews through the import path, then the two accounts through the
/// command line.
fn prepare_data(binary: &Path, data: &Path, reviews: usize) -> Result<Corpus> {
    run_cli(
        binary,
        data,
        &[
            "board",
            "add",
            BOARD,
            "--name",
            "Responsiveness Bench LSCB",
            "--region",
            "north_east",
        ],
        "",
    )?;
    let boards = synth::boards();
    let started = Instant::now();
    let ids = {
        let repository = Repository::open(data)
            .with_context(|| format!("cannot open the data directory {}", data.display()))?;
        for board in &boards {
            repository.put_board(board, "cli")?;
        }
        let generated = synth::reviews(SynthConfig { seed: 1, reviews })
            .enumerate()
            .map(|(index, mut review)| {
                if index % BOARD_EVERY == 0 {
                    review.board = BOARD.to_string();
                }
                if index % DRAFT_EVERY == 0 {
                    review.status = Status::Draft;
                }
                review
            });
        let mut last_report = Instant::now();
        let ids = import_reviews(&repository, generated, "bench", |done| {
            if last_report.elapsed() > Duration::from_secs(10) {
                eprintln!("  imported {done} of {reviews} reviews");
                last_report = Instant::now();
            }
        })?;
        repository.flush()?;
        ids
    };
    let import_seconds = started.elapsed().as_secs_f64();
    if ids.len() != reviews {
        bail!("{} reviews imported, {reviews} expected", ids.len());
    }
    for (email, role) in [(DEPOSITOR, "depositor"), (ADMIN, "admin")] {
        let mut command = vec!["user", "add", email, "--role", role];
        if role == "depositor" {
            command.extend(["--board", BOARD]);
        }
        run_cli(binary, data, &command, &format!("{PASSWORD}\n"))?;
    }
    let public_ids: Vec<String> = ids
        .iter()
        .enumerate()
        .filter(|(index, _)| index % DRAFT_EVERY != 0)
        .map(|(_, id)| id.clone())
        .collect();
    Ok(Corpus {
        reviews,
        boards: boards.len() + 1,
        board_reviews: reviews.div_ceil(BOARD_EVERY),
        drafts: reviews.div_ceil(DRAFT_EVERY),
        public_ids,
        draft_id: ids[0].clone(),
        import_seconds,
    })
}

/// An agent that follows no redirect (a `/my` that sends to `/login` is then seen as
/// 303) and keeps one connection.
fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(REQUEST_TIMEOUT)
        .max_idle_connections_per_host(1)
        .build()
}

/// The `name=value` pairs an answer sets with `Set-Cookie`.
fn set_cookies(response: &ureq::Response) -> Vec<(String, String)> {
    response
        .all("set-cookie")
        .into_iter()
        .filter_map(|header| {
            let pair = header.split(';').next()?;
            let (name, value) = pair.split_once('=')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}

/// Signs `email` in as a browser does: `GET /login` gives the double-submit cookie and
/// the form's hidden `csrf` field, `POST /login` sends both back with the password.
/// Returns the session cookie's value.
fn sign_in(base: &str, email: &str) -> Result<String> {
    let agent = agent();
    let form = agent
        .get(&format!("{base}/login"))
        .call()
        .context("GET /login failed")?;
    let cookies = set_cookies(&form);
    let page = form.into_string().context("cannot read the sign-in page")?;
    let csrf = page
        .split_once(r#"name="csrf" value=""#)
        .and_then(|(_, rest)| rest.split('"').next())
        .context("the sign-in page has no csrf field")?
        .to_string();
    let cookie_header: Vec<String> = cookies
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    let answer = agent
        .post(&format!("{base}/login"))
        .set("Cookie", &cookie_header.join("; "))
        .send_form(&[
            ("csrf", &csrf),
            ("next", "/my"),
            ("email", email),
            ("password", PASSWORD),
        ]);
    let response = match answer {
        Ok(response) => response,
        Err(ureq::Error::Status(status, _)) => bail!("POST /login answered {status}"),
        Err(error) => bail!("POST /login failed: {error}"),
    };
    if response.status() != 303 {
        bail!("POST /login answered {}, not 303", response.status());
    }
    set_cookies(&response)
        .into_iter()
        .find(|(name, _)| name == SESSION_COOKIE)
        .map(|(_, value)| value)
        .context("POST /login set no session cookie")
}

/// One GET on a new connection that must answer 200: its time in ms and its size.
fn get_once(base: &str, path: &str, session: Option<&str>) -> Result<(f64, usize)> {
    let mut request = agent().get(&format!("{base}{path}"));
    if let Some(session) = session {
        request = request.set("Cookie", &format!("{SESSION_COOKIE}={session}"));
    }
    let started = Instant::now();
    let response = match request.call() {
        Ok(response) => response,
        Err(ureq::Error::Status(status, _)) => bail!("GET {path} answered {status}"),
        Err(error) => bail!("GET {path} failed: {error}"),
    };
    if response.status() != 200 {
        bail!("GET {path} answered {}", response.status());
    }
    let body = response
        .into_string()
        .with_context(|| format!("cannot read GET {path}"))?;
    Ok((started.elapsed().as_secs_f64() * 1000.0, body.len()))
}

/// `GET /healthz` every [`PROBE_INTERVAL`] on one connection until `until` or `stop`;
/// a probe that takes longer than the interval is followed at once by the next.
fn probe(base: &str, until: Instant, stop: &AtomicBool) -> Tally {
    let agent = agent();
    let url = format!("{base}/healthz");
    let mut tally = Tally::default();
    let mut next = Instant::now();
    while Instant::now() < until && !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let outcome = read_all(agent.get(&url).call());
        tally.record(started, outcome, "/healthz");
        next += PROBE_INTERVAL;
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        } else {
            next = now;
        }
    }
    tally
}

/// The clients and the prober for `--seconds`; returns a tally per kind and the
/// seconds until the last client finished.
fn load_run(
    args: &Args,
    base: &str,
    public_ids: &[String],
    depositor: &str,
    admin: &str,
) -> Result<([Tally; 4], f64)> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let stop = Arc::new(AtomicBool::new(false));
    let prober = {
        let (base, stop) = (base.to_string(), stop.clone());
        // Bounded even if a client hangs: the clients' deadline plus one request timeout.
        let until = deadline + REQUEST_TIMEOUT + Duration::from_secs(5);
        std::thread::spawn(move || probe(&base, until, &stop))
    };
    let ids = Arc::new(public_ids.to_vec());
    let clients: Vec<_> = (0..args.clients)
        .map(|n| {
            let is_admin = (n + 1) % ADMIN_EVERY == 0;
            let (kind, session) = if is_admin {
                (Kind::MyAdmin, admin.to_string())
            } else {
                (Kind::MyDepositor, depositor.to_string())
            };
            let (base, ids) = (base.to_string(), ids.clone());
            std::thread::spawn(move || client(&base, kind, &session, &ids, deadline, n))
        })
        .collect();
    let mut tallies: [Tally; 4] = Default::default();
    let mut panicked = false;
    for client in clients {
        match client.join() {
            Ok((kind, my, reviews)) => {
                tallies[kind as usize].merge(my);
                tallies[Kind::Review as usize].merge(reviews);
            }
            Err(_) => panicked = true,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    match prober.join() {
        Ok(healthz) => tallies[Kind::Healthz as usize] = healthz,
        Err(_) => bail!("the /healthz prober panicked"),
    }
    if panicked {
        bail!("a client thread panicked");
    }
    Ok((tallies, elapsed))
}

/// One client until `deadline`: `/my` with `session`, then a random public review page,
/// in turn. Returns its kind of `/my`, the `/my` tally and the review-page tally.
fn client(
    base: &str,
    kind: Kind,
    session: &str,
    ids: &[String],
    deadline: Instant,
    n: u64,
) -> (Kind, Tally, Tally) {
    let agent = agent();
    let mut rng = ChaCha8Rng::seed_from_u64(1000 + n);
    let cookie = format!("{SESSION_COOKIE}={session}");
    let my_url = format!("{base}/my");
    let (mut my, mut reviews) = (Tally::default(), Tally::default());
    while Instant::now() < deadline {
        let started = Instant::now();
        let outcome = read_all(agent.get(&my_url).set("Cookie", &cookie).call());
        my.record(started, outcome, kind.name());
        if Instant::now() >= deadline {
            break;
        }
        let path = format!("/reviews/{}", ids[rng.random_range(0..ids.len())]);
        let started = Instant::now();
        let outcome = read_all(agent.get(&format!("{base}{path}")).call());
        reviews.record(started, outcome, &path);
    }
    (kind, my, reviews)
}
