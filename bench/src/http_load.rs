//! Load over HTTP for the side-by-side benchmark: the real `lessons serve` binary started
//! as a child process on a loopback port (start-up timed until `/healthz` answers), its
//! resident anonymous memory read from `/proc` (RssAnon: the mapped index files do not
//! count), and wrk (Debian's package) driving it at a fixed concurrency, each run
//! bounded by a duration and by a request count. Also the small pieces the benches that
//! drive the server with their own clients share: running a `lessons` subcommand, reading
//! an answer to its end, and percentiles of latencies.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// A `lessons serve` process, stopped when dropped.
pub struct ServerProcess {
    child: Child,
    pub base_url: String,
    /// From spawning the process to the first healthy answer.
    pub startup: Duration,
}

impl ServerProcess {
    /// Starts `binary` on `data` and waits (at most 120 s) until it is healthy.
    pub fn start(binary: &Path, data: &Path) -> Result<ServerProcess> {
        ServerProcess::start_with(binary, data, &[])
    }

    /// [`ServerProcess::start`] with more `serve` options (e.g. `--search-cache 0`).
    pub fn start_with(binary: &Path, data: &Path, options: &[&str]) -> Result<ServerProcess> {
        let port = free_port()?;
        let base_url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let child = Command::new(binary)
            .arg("--data")
            .arg(data)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(options)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let mut server = ServerProcess {
            child,
            base_url,
            startup: Duration::ZERO,
        };
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(2))
            .build();
        let health = format!("{}/healthz", server.base_url);
        while started.elapsed() < Duration::from_secs(120) {
            if agent.get(&health).call().is_ok() {
                server.startup = started.elapsed();
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                bail!("the server stopped before it was healthy ({status})");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        bail!("the server was not healthy within 120 s")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks the server to stop (SIGTERM) and says how it ended.
    pub fn stop(mut self) -> Stopped {
        self.stop_within(STOP_GRACE)
    }

    fn stop_within(&mut self, grace: Duration) -> Stopped {
        if let Ok(Some(status)) = self.child.try_wait() {
            return Stopped::AlreadyGone(status);
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let asked = Instant::now();
        while asked.elapsed() < grace {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Stopped::Exited(asked.elapsed(), status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        Stopped::Killed
    }
}

/// How a server asked to stop ended.
#[derive(Debug)]
pub enum Stopped {
    /// It exited this long after SIGTERM, with this status.
    Exited(Duration, std::process::ExitStatus),
    /// It had exited before it was asked (it crashed).
    AlreadyGone(std::process::ExitStatus),
    /// It had not exited [`STOP_GRACE`] after SIGTERM and was killed.
    Killed,
}

/// How long a server may take to stop after SIGTERM before it is killed (a service
/// manager's stop timeout is typically 90 s; the server flushes and exits in well under
/// a second, and does not wait for a regrouping of the recurring lessons).
pub const STOP_GRACE: Duration = Duration::from_secs(10);

impl Drop for ServerProcess {
    /// Asks the server to stop (SIGTERM: it finishes and flushes the store), and kills it
    /// if it has not stopped within [`STOP_GRACE`] (nothing to do when
    /// [`ServerProcess::stop`] already did).
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.stop_within(STOP_GRACE);
        }
    }
}

/// Builds the release `lessons` binary beside this one (when run through cargo) and
/// returns its path.
pub fn build_server_binary() -> Result<PathBuf> {
    if let Ok(cargo) = std::env::var("CARGO") {
        let status = Command::new(cargo)
            .args([
                "build",
                "--release",
                "-p",
                "lessons-web",
                "--bin",
                "lessons",
            ])
            .status()
            .context("cannot run cargo build")?;
        if !status.success() {
            bail!("cargo build of the lessons binary failed");
        }
    }
    let binary = std::env::current_exe()?
        .parent()
        .context("this program has no folder")?
        .join("lessons");
    if !binary.exists() {
        bail!(
            "{} is missing: cargo build --release --bin lessons",
            binary.display()
        );
    }
    Ok(binary)
}

/// An empty data directory `lessons-data` inside `work` (or inside `temp` without one),
/// emptied when an earlier run left it behind.
pub fn fresh_data_dir(work: Option<&Path>, temp: &Path) -> Result<PathBuf> {
    let work = work.unwrap_or(temp);
    let data = work.join("lessons-data");
    if data.exists() {
        std::fs::remove_dir_all(&data)
            .with_context(|| format!("cannot empty {}", data.display()))?;
    }
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    Ok(data)
}

/// Runs `lessons --data DATA ARGS...` with `stdin` as its standard input (e.g. a
/// password line) and returns its standard output; fails when it exits non-zero.
pub fn run_cli(binary: &Path, data: &Path, args: &[&str], stdin: &str) -> Result<String> {
    let mut child = Command::new(binary)
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot run lessons {}", args.join(" ")))?;
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.as_bytes())
            .with_context(|| format!("cannot write to lessons {}", args.join(" ")))?;
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!("lessons {} failed ({})", args.join(" "), output.status);
    }
    String::from_utf8(output.stdout)
        .with_context(|| format!("lessons {} printed something not UTF-8", args.join(" ")))
}

/// What a request came to: a status, or a transport error.
pub enum Outcome {
    Status(u16),
    Transport(String),
}

/// Reads the whole body of an answer (so that its time includes the body and the
/// connection is reused), whatever its status.
pub fn read_all(result: Result<ureq::Response, ureq::Error>) -> Outcome {
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => return Outcome::Transport(error.to_string()),
    };
    let status = response.status();
    match std::io::copy(&mut response.into_reader(), &mut std::io::sink()) {
        Ok(_) => Outcome::Status(status),
        Err(error) => Outcome::Transport(format!("{status}, body cut: {error}")),
    }
}

/// The `q`-th quantile of sorted microsecond latencies, in milliseconds (0 when empty).
pub fn percentile_ms(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    f64::from(sorted[rank - 1]) / 1000.0
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot find a free port")?;
    Ok(listener.local_addr()?.port())
}

/// The resident anonymous memory of process `pid`, in kB.
pub fn rss_anon_kb(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("cannot read /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("RssAnon:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .context("no RssAnon in /proc/PID/status")
}

/// Samples a process's RssAnon every 10 ms until stopped, keeping the peak.
pub struct PeakSampler {
    running: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl PeakSampler {
    pub fn start(pid: u32) -> PeakSampler {
        let running = Arc::new(AtomicBool::new(true));
        let peak = Arc::new(AtomicU64::new(0));
        let thread = {
            let (running, peak) = (running.clone(), peak.clone());
            std::thread::spawn(move || {
                while running.load(Ordering::Relaxed) {
                    if let Ok(kb) = rss_anon_kb(pid) {
                        peak.fetch_max(kb, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
        };
        PeakSampler {
            running,
            peak,
            thread: Some(thread),
        }
    }

    /// Stops sampling and returns the peak in kB.
    pub fn stop(mut self) -> u64 {
        self.running.store(false, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            // A sampler that panicked has still recorded what it saw.
            let _ = thread.join();
        }
        self.peak.load(Ordering::Relaxed)
    }
}

/// What one wrk run measured.
#[derive(Debug, Clone)]
pub struct LoadRun {
    pub concurrency: u32,
    pub requests: u64,
    pub seconds: f64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Socket errors and answers other than 2xx or 3xx.
    pub errors: u64,
    /// The run stopped at its request count before its duration (wrk then still counts
    /// the whole duration, so `per_second` is a lower bound).
    pub capped: bool,
}

/// A wrk run: `paths` requested in turn, `concurrency` connections, for at most
/// `duration` and at most `max_requests` requests.
pub struct LoadPlan<'a> {
    pub base_url: &'a str,
    pub paths: &'a [String],
    pub concurrency: u32,
    pub duration: Duration,
    pub max_requests: u64,
}

/// The search result cache's hits and misses so far, read from `/metrics` with an
/// admin's `token`.
pub fn search_cache_counts(base_url: &str, token: &str) -> Result<(u64, u64)> {
    let text = ureq::get(&format!("{base_url}/metrics"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .context("cannot read /metrics")?
        .into_string()?;
    let count = |result: &str| {
        let prefix = format!("lessons_search_cache_requests_total{{result=\"{result}\"}} ");
        text.lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .and_then(|value| value.trim().parse::<f64>().ok())
            .map_or(0, |value| value as u64)
    };
    Ok((count("hit"), count("miss")))
}

/// Adds an admin with the command line (before the server starts) and returns a new
/// API token, to read `/metrics`.
pub fn admin_token(binary: &Path, data: &Path) -> Result<String> {
    let email = "bench-admin@bench.example";
    run_cli(
        binary,
        data,
        &["user", "add", email, "--role", "admin"],
        "a long enough password\n",
    )?;
    Ok(run_cli(binary, data, &["token", "add", email], "")?
        .trim()
        .to_string())
}

/// Checks that wrk is installed.
pub fn check_wrk() -> Result<()> {
    match Command::new("wrk").arg("--version").output() {
        Ok(_) => Ok(()),
        Err(_) => bail!("wrk is not installed: apt-get install wrk (Debian's package)"),
    }
}

/// Runs wrk for one plan and reads its report.
pub fn run_wrk(plan: &LoadPlan, scratch: &Path) -> Result<LoadRun> {
    let threads = plan.concurrency.min(2);
    let per_thread = plan.max_requests.div_ceil(u64::from(threads));
    let script = write_script(scratch, plan.paths, per_thread)?;
    let output = Command::new("wrk")
        .args([
            "--latency",
            "--timeout",
            "10s",
            "-t",
            &threads.to_string(),
            "-c",
            &plan.concurrency.to_string(),
            "-d",
            &format!("{}s", plan.duration.as_secs().max(1)),
            "-s",
        ])
        .arg(&script)
        .arg(plan.base_url)
        .output()
        .context("cannot run wrk")?;
    let report = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed: {}{}",
            report,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse_report(&report, plan.concurrency, per_thread * u64::from(threads))
}

/// A wrk script that requests `paths` in turn and stops each thread after `limit`
/// answers. Each thread starts at its own place in the list (threads that asked the
/// same sequence in step would flatter a cache).
fn write_script(scratch: &Path, paths: &[String], limit: u64) -> Result<PathBuf> {
    let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    let script = format!(
        "local paths = {{ {} }}\nlocal sent, answered = 0, 0\nlocal threads = 0\n\
         setup = function(thread)\n  thread:set(\"offset\", threads * 7919)\n  threads = threads + 1\nend\n\
         request = function()\n  sent = sent + 1\n  return wrk.format(\"GET\", paths[((sent + (offset or 0)) % #paths) + 1])\nend\n\
         response = function(status, headers, body)\n  answered = answered + 1\n  if answered >= {limit} then wrk.thread:stop() end\nend\n",
        list.join(", ")
    );
    let path = scratch.join("load.lua");
    std::fs::write(&path, script).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// Reads wrk's text report.
fn parse_report(report: &str, concurrency: u32, max_requests: u64) -> Result<LoadRun> {
    let percentile = |label: &str| {
        report
            .lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(label))
            .and_then(|rest| duration_ms(rest.trim()))
            .with_context(|| format!("no {label} latency in wrk's report:\n{report}"))
    };
    let (requests, seconds) = report
        .lines()
        .find_map(|line| {
            let (count, rest) = line.trim().split_once(" requests in ")?;
            let seconds = duration_ms(rest.split(',').next()?.trim())? / 1000.0;
            Some((count.parse::<u64>().ok()?, seconds))
        })
        .with_context(|| format!("no request count in wrk's report:\n{report}"))?;
    let non_2xx = number_after(report, "Non-2xx or 3xx responses:");
    let socket_errors: u64 = report
        .lines()
        .find_map(|line| line.trim().strip_prefix("Socket errors:"))
        .map(|rest| {
            rest.split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Ok(LoadRun {
        concurrency,
        requests,
        seconds,
        per_second: requests as f64 / seconds.max(f64::EPSILON),
        p50_ms: percentile("50%")?,
        p99_ms: percentile("99%")?,
        errors: non_2xx + socket_errors,
        capped: requests >= max_requests,
    })
}

fn number_after(report: &str, label: &str) -> u64 {
    report
        .lines()
        .find_map(|line| line.trim().strip_prefix(label))
        .and_then(|rest| rest.trim().parse().ok())
        .unwrap_or(0)
}

/// A wrk duration (`812.00us`, `1.50ms`, `2.00s`, `1.00m`) in milliseconds.
fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return None,
    };
    Some(value * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 10s test @ http://127.0.0.1:8080
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.81ms    2.10ms  31.20ms   80.00%
    Req/Sec   830.12     50.00     1.00k    70.00%
  Latency Distribution
     50%    4.50ms
     75%    5.80ms
     90%    7.10ms
     99%   12.40ms
  16602 requests in 10.01s, 150.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   1658.57
Transfer/sec:     14.99MB
";

    #[test]
    fn wrk_reports_are_read() {
        let run = parse_report(REPORT, 8, 20_000).unwrap();
        assert_eq!(run.requests, 16602);
        assert!((run.seconds - 10.01).abs() < 1e-9);
        assert!((run.p50_ms - 4.5).abs() < 1e-9 && (run.p99_ms - 12.4).abs() < 1e-9);
        assert_eq!(run.errors, 7);
        assert!(!run.capped);
        assert_eq!(duration_ms("812.00us"), Some(0.812));
        assert_eq!(duration_ms("2.00s"), Some(2000.0));
        assert!(parse_report("nothing", 1, 1).is_err());
    }

    #[test]
    fn percentiles_take_the_rank_above() {
        let sorted = [1_000, 2_000, 3_000, 4_000];
        assert_eq!(percentile_ms(&sorted, 0.50), 2.0);
        assert_eq!(percentile_ms(&sorted, 0.99), 4.0);
        assert_eq!(percentile_ms(&sorted[..1], 0.99), 1.0);
        assert_eq!(percentile_ms(&[], 0.5), 0.0);
    }
}
