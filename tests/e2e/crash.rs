//! Crash safety: the real server takes a seeded random mix of deposits (JSON and file
//! uploads), updates, publications (some under embargo) and withdrawals from several
//! client threads, and is killed with SIGKILL at a random moment; then, on the same data
//! directory, cycle after cycle:
//!
//! - `lessons check` must pass (store records, contiguous revisions, original files, and
//!   an index holding exactly the public reviews and findings);
//! - after a restart, every acknowledged write is there at its latest acknowledged
//!   revision, with the acknowledged content: a review may be one revision further only
//!   when a request for it was in flight at the kill, and then it holds that request's
//!   content; a create in flight may have landed (it is then found and adopted) or not;
//! - every revision 1..n is listed and readable with the content it was acknowledged
//!   with (no partial revision, none missing, none extra);
//! - the public sees exactly the reviews whose latest state is published and not
//!   embargoed: single reads, search hits (reviews view) and findings (lessons view).
//!
//! Each thread owns its reviews, so at most one request per review is in flight and the
//! expected state is exact. Everything but the moment of the kill follows from the seed.
//! `LESSONS_CRASH_CYCLES` (default 3) and `LESSONS_CRASH_SEED` (default: from the
//! clock, printed) steer it; the long run is documented in `docs/crash-safety.md`.
//! A failure prints the seed, the cycle and every discrepancy found in that cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{
    add_barsetshire, all_hits, ids, run_cli, temp_data, user_with_token, Server, BIN,
};

/// Client threads writing at once.
const THREADS: usize = 4;
/// Generous: a loaded two-core machine must never turn slowness into a failure.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
const BOUNDARY: &str = "crash-harness-boundary";
/// The id of every review: the draft's `completed_on` year and the board.
const ID_PREFIX: &str = "scr-2011-barsetshire-";

/// SplitMix64: small, seedable, good enough to choose operations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// What a revision of a review holds, as far as this harness tells revisions apart.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    title: String,
    summary: String,
    findings: Vec<String>,
    status: String,
    embargo_until: Option<String>,
    files: usize,
}

impl Fingerprint {
    fn of(review: &Value) -> Fingerprint {
        Fingerprint {
            title: review["title"].as_str().unwrap_or_default().to_string(),
            summary: review["summary"].as_str().unwrap_or_default().to_string(),
            findings: review["lessons"]
                .as_array()
                .map(|lessons| {
                    lessons
                        .iter()
                        .map(|l| l["text"].as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default(),
            status: review["status"].as_str().unwrap_or_default().to_string(),
            embargo_until: review["embargo_until"].as_str().map(str::to_string),
            files: review["files"].as_array().map_or(0, Vec::len),
        }
    }

    fn is_public(&self) -> bool {
        self.status == "published" && self.embargo_until.is_none()
    }
}

/// A review this harness knows: every revision it was told about (acknowledged, or
/// found after a crash), and the request in flight when the server was killed, if any.
#[derive(Debug, Clone)]
struct Tracked {
    id: String,
    revisions: BTreeMap<u32, Fingerprint>,
    /// Revisions up to this one were read back through the API after a restart.
    verified_upto: u32,
    in_flight: Option<Fingerprint>,
}

impl Tracked {
    fn latest(&self) -> (u32, &Fingerprint) {
        let (n, f) = self.revisions.iter().next_back().expect("revision 1");
        (*n, f)
    }
}

/// What one client thread did in one cycle.
#[derive(Default)]
struct ThreadLog {
    reviews: Vec<Tracked>,
    /// A create in flight at the kill: it may or may not have landed.
    create_in_flight: Option<Fingerprint>,
    acknowledged: usize,
}

/// A request whose answer is what the harness expects to be stored.
enum Op {
    Create {
        body: Value,
        marker: String,
        upload: bool,
    },
    Update {
        review: usize,
        body: Value,
    },
    Publish {
        review: usize,
        embargo: bool,
    },
    Withdraw {
        review: usize,
    },
}

fn review_body(marker: &str, findings: u64) -> Value {
    let lessons: Vec<Value> = (1..=findings)
        .map(|i| {
            json!({ "kind": "lesson", "level": "inter_agency", "themes": ["voice_of_the_child"],
                    "text": format!("Finding {i} of {marker}: the drawings were the child's voice.") })
        })
        .collect();
    json!({
        "title": format!("Serious Case Review: Child {marker}"), "board": "barsetshire",
        "incident": "serious_harm", "child": { "age_band": "1_to_5", "sex": "female" },
        "themes": ["neglect"], "agencies": ["school"],
        "commissioned_on": "2011-01-10", "completed_on": "2011-09-30",
        "summary": format!("Teachers noticed the drawings ({marker}) and told the school nurse."),
        "lessons": lessons
    })
}

/// The content a body will be stored with, given the status it will have.
fn expected(body: &Value, status: &str, embargo: Option<String>, files: usize) -> Fingerprint {
    let mut fingerprint = Fingerprint::of(body);
    fingerprint.status = status.to_string();
    fingerprint.embargo_until = embargo;
    fingerprint.files = files;
    fingerprint
}

fn multipart(metadata: &Value, marker: &str) -> Vec<u8> {
    let text = format!(
        "Executive summary\n\nThe review of {marker} found that the drawings were shared late.\n"
    );
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{metadata}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{marker}.txt\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n\
         --{BOUNDARY}--\r\n"
    )
    .into_bytes()
}

/// How a request ended.
enum Outcome {
    /// 2xx with the stored review.
    Acknowledged(Value),
    /// No complete answer: the server was killed while it was in flight.
    Unknown,
}

/// One client thread: sends operations on its own reviews until `killed` is set.
struct Client {
    thread: usize,
    cycle: usize,
    base: String,
    token: String,
    agent: ureq::Agent,
    rng: Rng,
    killed: Arc<AtomicBool>,
}

impl Client {
    fn run(mut self, mut log: ThreadLog) -> Result<ThreadLog, String> {
        let mut n = 0;
        while !self.killed.load(Ordering::SeqCst) {
            n += 1;
            let marker = format!("t{}c{}n{n}", self.thread, self.cycle);
            let op = self.choose(&log.reviews, &marker);
            let (path, target, fingerprint) = match &op {
                Op::Create { body, upload, .. } => (
                    "/api/v1/reviews".to_string(),
                    None,
                    expected(body, "draft", None, usize::from(*upload)),
                ),
                Op::Update { review, body } => {
                    let (_, current) = log.reviews[*review].latest();
                    (
                        format!("/api/v1/reviews/{}", log.reviews[*review].id),
                        Some(*review),
                        expected(
                            body,
                            &current.status,
                            current.embargo_until.clone(),
                            current.files,
                        ),
                    )
                }
                Op::Publish { review, embargo } => {
                    let (_, current) = log.reviews[*review].latest();
                    let mut next = current.clone();
                    next.status = "published".into();
                    next.embargo_until = embargo.then(|| "2099-01-01".to_string());
                    (
                        format!("/api/v1/reviews/{}/publish", log.reviews[*review].id),
                        Some(*review),
                        next,
                    )
                }
                Op::Withdraw { review } => {
                    let (_, current) = log.reviews[*review].latest();
                    let mut next = current.clone();
                    next.status = "withdrawn".into();
                    (
                        format!("/api/v1/reviews/{}/withdraw", log.reviews[*review].id),
                        Some(*review),
                        next,
                    )
                }
            };
            let outcome = self.send(&op, &path)?;
            let Outcome::Acknowledged(stored) = outcome else {
                match target {
                    Some(i) => log.reviews[i].in_flight = Some(fingerprint),
                    None => log.create_in_flight = Some(fingerprint),
                }
                break;
            };
            log.acknowledged += 1;
            let got = Fingerprint::of(&stored);
            if got != fingerprint {
                return Err(format!(
                    "{path} answered other content than sent: {got:?}, expected {fingerprint:?}"
                ));
            }
            let revision = stored["revision"].as_u64().unwrap_or(0) as u32;
            match target {
                Some(i) => {
                    let (latest, _) = log.reviews[i].latest();
                    if revision != latest + 1 {
                        return Err(format!(
                            "{path} answered revision {revision}; the last acknowledged was {latest}"
                        ));
                    }
                    log.reviews[i].revisions.insert(revision, got);
                }
                None => {
                    let id = stored["id"].as_str().unwrap_or_default().to_string();
                    if revision != 1 || !id.starts_with(ID_PREFIX) {
                        return Err(format!("a create answered {id} revision {revision}"));
                    }
                    log.reviews.push(Tracked {
                        id,
                        revisions: BTreeMap::from([(1, got)]),
                        verified_upto: 0,
                        in_flight: None,
                    });
                }
            }
        }
        Ok(log)
    }

    /// A valid next operation on this thread's reviews.
    fn choose(&mut self, reviews: &[Tracked], marker: &str) -> Op {
        let findings = 1 + self.rng.below(3);
        if reviews.is_empty() || self.rng.chance(20) {
            return Op::Create {
                body: review_body(marker, findings),
                marker: marker.to_string(),
                upload: self.rng.chance(25),
            };
        }
        let review = self.rng.below(reviews.len() as u64) as usize;
        let (_, current) = reviews[review].latest();
        let roll = self.rng.below(100);
        match current.status.as_str() {
            "draft" if roll < 50 => Op::Publish {
                review,
                embargo: self.rng.chance(20),
            },
            "published" if roll < 35 => Op::Withdraw { review },
            _ => Op::Update {
                review,
                body: review_body(marker, findings),
            },
        }
    }

    fn send(&self, op: &Op, path: &str) -> Result<Outcome, String> {
        let url = format!("{}{path}", self.base);
        let auth = format!("Bearer {}", self.token);
        let result = match op {
            Op::Create {
                body,
                upload: false,
                ..
            } => self
                .agent
                .post(&url)
                .set("Authorization", &auth)
                .send_json(body.clone()),
            Op::Create {
                body,
                marker,
                upload: true,
            } => self
                .agent
                .post(&url)
                .set("Authorization", &auth)
                .set(
                    "Content-Type",
                    &format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .send_bytes(&multipart(body, marker)),
            Op::Update { body, .. } => self
                .agent
                .put(&url)
                .set("Authorization", &auth)
                .send_json(body.clone()),
            Op::Publish { embargo, .. } => {
                let mut body = json!({ "anonymisation_checked": true });
                if *embargo {
                    body["embargo_until"] = json!("2099-01-01");
                }
                self.agent
                    .post(&url)
                    .set("Authorization", &auth)
                    .send_json(body)
            }
            Op::Withdraw { .. } => self
                .agent
                .post(&url)
                .set("Authorization", &auth)
                .send_json(json!({ "reason": "Withdrawn by the crash harness" })),
        };
        let response = match result {
            Ok(response) => response,
            Err(ureq::Error::Status(code, response)) => {
                let text = response.into_string().unwrap_or_default();
                return Err(format!("{path} answered {code}: {text}"));
            }
            Err(error) => {
                return if self.killed.load(Ordering::SeqCst) {
                    Ok(Outcome::Unknown)
                } else {
                    Err(format!("{path} failed while the server was up: {error}"))
                };
            }
        };
        // A status line without its whole body is not an acknowledgement we can read.
        match response.into_string() {
            Ok(text) => match serde_json::from_str(&text) {
                Ok(value) => Ok(Outcome::Acknowledged(value)),
                Err(_) if self.killed.load(Ordering::SeqCst) => Ok(Outcome::Unknown),
                Err(error) => Err(format!("{path}: not JSON ({error}): {text}")),
            },
            Err(_) if self.killed.load(Ordering::SeqCst) => Ok(Outcome::Unknown),
            Err(error) => Err(format!("{path}: the body could not be read: {error}")),
        }
    }
}

/// A GET with the depositor's token (or none): status and JSON (Null when not JSON).
fn get(agent: &ureq::Agent, base: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = agent.get(&format!("{base}{path}"));
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    let (status, text) = match request.call() {
        Ok(response) => (
            response.status(),
            response.into_string().unwrap_or_default(),
        ),
        Err(ureq::Error::Status(code, response)) => {
            (code, response.into_string().unwrap_or_default())
        }
        Err(error) => panic!("GET {path} failed: {error}"),
    };
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn agent() -> ureq::Agent {
    // No pooled connections: a request is never resent on a stale connection.
    ureq::AgentBuilder::new()
        .timeout(REQUEST_TIMEOUT)
        .max_idle_connections(0)
        .build()
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    Some(
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {text:?}")),
    )
}

/// Totals over a run.
#[derive(Default)]
struct Totals {
    acknowledged: usize,
    checked: usize,
    lost: usize,
    in_flight: usize,
    in_flight_landed: usize,
}

#[test]
fn acknowledged_writes_survive_sigkill_cycles() {
    let cycles = env_number("LESSONS_CRASH_CYCLES").unwrap_or(3) as usize;
    let seed = env_number("LESSONS_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id())
    });
    eprintln!("crash: seed {seed}, {cycles} cycles, {THREADS} client threads (LESSONS_CRASH_SEED={seed} repeats the choices)");

    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let token = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let mut rng = Rng::new(seed);
    let mut owned: Vec<Vec<Tracked>> = vec![Vec::new(); THREADS];
    let mut totals = Totals::default();
    let started = Instant::now();

    for cycle in 1..=cycles {
        let cycle_started = Instant::now();
        // Sometimes a crash during start-up, while the store recovers and the index
        // catches up, before the server that takes the writes.
        let interrupted = (cycle > 1 && rng.chance(20)).then(|| rng.below(400));
        if let Some(ms) = interrupted {
            interrupted_start(&data, Duration::from_millis(ms));
        }
        let server = Server::start_with(&data, &[]);
        // Mostly a second or two of writes, sometimes a kill soon after start-up.
        let kill_after = if rng.chance(15) {
            Duration::from_millis(rng.below(150))
        } else {
            Duration::from_millis(200 + rng.below(2_300))
        };
        let killed = Arc::new(AtomicBool::new(false));
        let handles: Vec<_> = owned
            .drain(..)
            .enumerate()
            .map(|(thread, reviews)| {
                let client = Client {
                    thread,
                    cycle,
                    base: server.base.clone(),
                    token: token.clone(),
                    agent: agent(),
                    rng: Rng::new(rng.next()),
                    killed: killed.clone(),
                };
                let log = ThreadLog {
                    reviews,
                    ..ThreadLog::default()
                };
                std::thread::spawn(move || client.run(log))
            })
            .collect();
        std::thread::sleep(kill_after);
        killed.store(true, Ordering::SeqCst);
        server.kill();
        let logs: Vec<ThreadLog> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .expect("a client thread panicked")
                    .unwrap_or_else(|e| panic!("seed {seed}, cycle {cycle}: {e}"))
            })
            .collect();

        let checked = run_cli(&data, &["check"]);
        assert!(
            checked.status.success(),
            "seed {seed}, cycle {cycle}: lessons check failed after the kill:\n{}{}",
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );

        let server = Server::start_with(&data, &[]);
        let full = cycle == cycles;
        let report = verify(&server, &token, logs, full);
        totals.acknowledged += report.acknowledged;
        totals.checked += report.checked;
        totals.lost += report.lost;
        totals.in_flight += report.in_flight;
        totals.in_flight_landed += report.in_flight_landed;
        eprintln!(
            "crash: cycle {cycle}/{cycles}: {}killed after {} ms; {} writes acknowledged, {} in flight ({} landed); {} reviews ({} public), {} revisions checked; lost {}; {:.1} s",
            interrupted.map_or(String::new(), |ms| format!(
                "start-up killed after {ms} ms, "
            )),
            kill_after.as_millis(),
            report.acknowledged,
            report.in_flight,
            report.in_flight_landed,
            report.reviews,
            report.public,
            report.checked,
            report.lost,
            cycle_started.elapsed().as_secs_f64()
        );
        assert!(
            report.problems.is_empty(),
            "seed {seed}, cycle {cycle}: {} problems after the kill:\n{}",
            report.problems.len(),
            report.problems.join("\n")
        );
        owned = report.owned;
        server.kill();
    }
    eprintln!(
        "crash: done: seed {seed}, {cycles} cycles, {} writes acknowledged, {} revisions checked, {} requests in flight at kills ({} landed), {} acknowledged writes lost, data dir {:.1} MB, {:.1} s",
        totals.acknowledged,
        totals.checked,
        totals.in_flight,
        totals.in_flight_landed,
        totals.lost,
        data_dir_size(&data) as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(totals.lost, 0);
}

/// Starts `lessons serve` on `data` and kills it after `after`, healthy or not.
fn interrupted_start(data: &Path, after: Duration) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut child = std::process::Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the lessons binary starts");
    std::thread::sleep(after);
    let _ = child.kill();
    let _ = child.wait();
}

/// What checking one cycle found.
struct Report {
    owned: Vec<Vec<Tracked>>,
    acknowledged: usize,
    checked: usize,
    lost: usize,
    in_flight: usize,
    in_flight_landed: usize,
    reviews: usize,
    public: usize,
    problems: Vec<String>,
}

/// Checks the restarted server against what the clients were told. With `full`, every
/// revision is read back, not only those new since the last check.
fn verify(server: &Server, token: &str, logs: Vec<ThreadLog>, full: bool) -> Report {
    let agent = agent();
    let base = server.base.as_str();
    let mut report = Report {
        owned: Vec::new(),
        acknowledged: logs.iter().map(|l| l.acknowledged).sum(),
        checked: 0,
        lost: 0,
        in_flight: 0,
        in_flight_landed: 0,
        reviews: 0,
        public: 0,
        problems: Vec::new(),
    };
    let problems = &mut report.problems;

    // Creates in flight that landed: numbers are issued without gaps, so any number the
    // harness does not know, up to the highest known plus one per thread, is looked up.
    let known: BTreeSet<u64> = logs
        .iter()
        .flat_map(|l| l.reviews.iter())
        .filter_map(|t| t.id.strip_prefix(ID_PREFIX)?.parse().ok())
        .collect();
    let highest = known.iter().next_back().copied().unwrap_or(0);
    let mut landed: Vec<(String, Fingerprint)> = Vec::new();
    for number in 1..=highest + THREADS as u64 {
        if known.contains(&number) {
            continue;
        }
        let id = format!("{ID_PREFIX}{number:04}");
        match get(&agent, base, &format!("/api/v1/reviews/{id}"), Some(token)) {
            (404, _) if number > highest => {}
            (404, _) => problems.push(format!(
                "{id}: missing, though a later number was issued (ids are issued without gaps)"
            )),
            (200, review) => landed.push((id, Fingerprint::of(&review))),
            (status, body) => problems.push(format!("GET {id}: {status} {body}")),
        }
    }

    let mut logs = logs;
    for (id, fingerprint) in landed {
        let owner = logs
            .iter()
            .position(|l| l.create_in_flight.as_ref() == Some(&fingerprint));
        match owner {
            Some(thread) => {
                logs[thread].create_in_flight = None;
                report.in_flight += 1;
                report.in_flight_landed += 1;
                logs[thread].reviews.push(Tracked {
                    id,
                    revisions: BTreeMap::from([(1, fingerprint)]),
                    verified_upto: 0,
                    in_flight: None,
                });
            }
            None => problems.push(format!(
                "{id}: a review no client created (or with other content): {fingerprint:?}"
            )),
        }
    }
    report.in_flight += logs.iter().filter(|l| l.create_in_flight.is_some()).count();

    let mut public_reviews = BTreeSet::new();
    let mut public_findings = BTreeSet::new();
    for log in logs {
        let mut reviews = Vec::new();
        for mut tracked in log.reviews {
            let id = tracked.id.clone();
            let (acknowledged, _) = tracked.latest();
            let in_flight = tracked.in_flight.take();
            if in_flight.is_some() {
                report.in_flight += 1;
            }
            let (status, current) =
                get(&agent, base, &format!("/api/v1/reviews/{id}"), Some(token));
            if status != 200 {
                problems.push(format!(
                    "{id}: acknowledged at revision {acknowledged}, now {status} {current}"
                ));
                report.lost += tracked.revisions.len();
                continue;
            }
            let revision = current["revision"].as_u64().unwrap_or(0) as u32;
            let found = Fingerprint::of(&current);
            match in_flight {
                Some(next) if revision == acknowledged + 1 => {
                    report.in_flight_landed += 1;
                    if found != next {
                        problems.push(format!("{id}: revision {revision} (in flight at the kill) holds {found:?}, sent {next:?}"));
                    }
                    tracked.revisions.insert(revision, next);
                }
                _ if revision < acknowledged => {
                    report.lost += (acknowledged - revision) as usize;
                    problems.push(format!(
                        "{id}: LOST: acknowledged at revision {acknowledged}, found at revision {revision}"
                    ));
                }
                _ if revision != acknowledged => problems.push(format!(
                    "{id}: at revision {revision}, but the last acknowledged is {acknowledged} and nothing else was in flight"
                )),
                _ => {
                    let expected = &tracked.revisions[&acknowledged];
                    if &found != expected {
                        problems.push(format!(
                            "{id}: revision {revision} holds {found:?}, acknowledged {expected:?}"
                        ));
                    }
                }
            }
            let (latest, fingerprint) = tracked.latest();
            let fingerprint = fingerprint.clone();

            // The history: exactly 1..=latest, each readable with its content.
            let (status, history) = get(
                &agent,
                base,
                &format!("/api/v1/reviews/{id}/revisions"),
                Some(token),
            );
            let listed: Vec<u64> = history
                .as_array()
                .map(|h| h.iter().filter_map(|r| r["revision"].as_u64()).collect())
                .unwrap_or_default();
            let want: Vec<u64> = (1..=u64::from(latest)).collect();
            if status != 200 || listed != want {
                problems.push(format!(
                    "{id}: revisions listed {listed:?} ({status}), expected {want:?}"
                ));
            }
            let from = if full { 1 } else { tracked.verified_upto + 1 };
            for n in from..=latest {
                let (status, old) = get(
                    &agent,
                    base,
                    &format!("/api/v1/reviews/{id}/revisions/{n}"),
                    Some(token),
                );
                let found = Fingerprint::of(&old);
                match tracked.revisions.get(&n) {
                    _ if status != 200 => {
                        problems.push(format!("{id}: revision {n} answers {status} {old}"))
                    }
                    Some(expected) if &found == expected => report.checked += 1,
                    Some(expected) => problems.push(format!(
                        "{id}: revision {n} holds {found:?}, acknowledged {expected:?}"
                    )),
                    None => problems.push(format!("{id}: revision {n} was never written")),
                }
            }
            tracked.verified_upto = latest;

            // What the public sees of it.
            let (status, _) = get(&agent, base, &format!("/api/v1/reviews/{id}"), None);
            if (status == 200) != fingerprint.is_public() {
                problems.push(format!(
                    "{id}: {} {:?} answers {status} to the public",
                    fingerprint.status, fingerprint.embargo_until
                ));
            }
            if fingerprint.is_public() {
                public_reviews.insert(id.clone());
                public_findings
                    .extend((1..=fingerprint.findings.len()).map(|i| format!("{id}#L{i}")));
            }
            reviews.push(tracked);
        }
        report.reviews += reviews.len();
        report.owned.push(reviews);
    }
    report.public = public_reviews.len();

    // Search agrees: the same public reviews and the same public findings.
    let hits = ids(&all_hits(server, &[("q", "")]));
    if hits != public_reviews {
        problems.push(format!(
            "search (reviews) differs from the public reviews: only in search {:?}, missing from search {:?}",
            hits.difference(&public_reviews).collect::<Vec<_>>(),
            public_reviews.difference(&hits).collect::<Vec<_>>()
        ));
    }
    let findings = ids(&all_hits(server, &[("q", ""), ("view", "lessons")]));
    if findings != public_findings {
        problems.push(format!(
            "search (findings) differs from the public findings: only in search {:?}, missing from search {:?}",
            findings.difference(&public_findings).collect::<Vec<_>>(),
            public_findings.difference(&findings).collect::<Vec<_>>()
        ));
    }
    report
}

fn data_dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => data_dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}
