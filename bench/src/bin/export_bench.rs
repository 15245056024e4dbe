//! `export_bench`: throughput of `GET /api/v1/export` over real HTTP on loopback (the
//! actix server in this process, a client thread reading the stream with the csv
//! crate): rows per second, time to the first byte, and the process's resident
//! anonymous memory (RssAnon) before and at its peak during each export, so that a
//! large export can be seen to keep memory flat.
//!
//! ```text
//! cargo run --release -p lessons-bench --bin synth -- --reviews 4000 --seed 1 --output /tmp/synth-4k
//! cargo run --release -p lessons-bench --bin export_bench -- --corpus /tmp/synth-4k --data /tmp/synth-4k-data
//! ```

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpServer};
use anyhow::{bail, Context, Result};
use clap::Parser;
use lessons_bench::corpus;
use lessons_web::app::configure;
use lessons_web::http::config::SiteConfig;

/// The exports timed: (name, query string).
const EXPORTS: &[(&str, &str)] = &[
    ("every lesson, CSV", "view=lessons&format=csv"),
    ("every lesson, NDJSON", "view=lessons&format=ndjson"),
    (
        "lessons on one theme, CSV",
        "view=lessons&theme=neglect&format=csv",
    ),
    (
        "lessons matching words, CSV",
        "view=lessons&q=information+sharing&format=csv",
    ),
    ("every review with its summary, CSV", "format=csv"),
];

#[derive(Parser)]
#[command(about = "Throughput, first byte and memory of streamed exports over HTTP")]
struct Args {
    /// Folder with boards.jsonl and reviews.jsonl (default: the bundled demo corpus).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Data directory to import into, or to reuse when it already holds reviews.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Timed runs of each export; the median run is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    rounds: u64,
}

/// What one export run measured.
struct Run {
    rows: u64,
    bytes: u64,
    first_byte: Duration,
    elapsed: Duration,
    rss_before_kb: u64,
    rss_peak_kb: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let corpus_dir = args.corpus.unwrap_or_else(corpus::demo_dir);
    let temporary = tempfile::tempdir().context("cannot make a temporary directory")?;
    let data = args.data.unwrap_or_else(|| temporary.path().join("data"));
    let repository = corpus::open_or_import(&corpus_dir, &data)?;
    let (reviews, findings) = repository.document_counts()?;
    println!(
        "Corpus: {} ({reviews} reviews, {findings} findings indexed); {} rounds per export",
        corpus_dir.display(),
        args.rounds
    );
    let address = start_server(repository)?;
    let peak = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = spawn_rss_sampler(peak.clone(), sampling.clone());

    println!(
        "\n| export | rows | MB | first byte ms | seconds | rows/s | RssAnon before MB | peak MB |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (name, query) in EXPORTS {
        let url = format!("http://{address}/api/v1/export?{query}");
        fetch(&url, &peak)?; // warm-up, untimed
        let mut runs = Vec::new();
        for _ in 0..args.rounds {
            runs.push(fetch(&url, &peak)?);
        }
        runs.sort_by_key(|run| run.elapsed);
        let run = &runs[runs.len() / 2];
        println!(
            "| {name} | {} | {:.1} | {:.1} | {:.2} | {:.0} | {:.0} | {:.0} |",
            run.rows,
            run.bytes as f64 / 1e6,
            run.first_byte.as_secs_f64() * 1000.0,
            run.elapsed.as_secs_f64(),
            run.rows as f64 / run.elapsed.as_secs_f64(),
            run.rss_before_kb as f64 / 1024.0,
            run.rss_peak_kb as f64 / 1024.0,
        );
    }
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.join();
    Ok(())
}

/// Serves the repository on a free loopback port from a background thread.
fn start_server(repository: lessons_web::service::Repository) -> Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot bind a loopback port")?;
    let address = listener.local_addr()?.to_string();
    let data = web::Data::new(repository);
    std::thread::spawn(move || {
        let system = actix_web::rt::System::new();
        let result = system.block_on(async move {
            HttpServer::new(move || {
                App::new()
                    .app_data(data.clone())
                    .app_data(web::Data::new(SiteConfig::default()))
                    .configure(configure)
            })
            .workers(2)
            .listen(listener)?
            .run()
            .await
        });
        if let Err(error) = result {
            eprintln!("the server stopped: {error}");
        }
    });
    Ok(address)
}

/// Runs one export, counting CSV records (or lines, for NDJSON) as they arrive.
fn fetch(url: &str, peak: &AtomicU64) -> Result<Run> {
    let rss_before_kb = rss_anon_kb();
    peak.store(rss_before_kb, Ordering::Relaxed);
    let started = Instant::now();
    let response = ureq::get(url)
        .call()
        .with_context(|| format!("GET {url}"))?;
    let mut reader = response.into_reader();
    let mut first = [0u8; 1];
    if reader.read(&mut first)? == 0 {
        bail!("{url} sent nothing");
    }
    let first_byte = started.elapsed();
    let counted = CountingReader {
        inner: std::io::Cursor::new(first).chain(reader),
        bytes: 0,
    };
    let (rows, bytes) = if url.contains("format=csv") {
        let mut csv = csv::ReaderBuilder::new().from_reader(counted);
        let mut record = csv::ByteRecord::new();
        let mut rows = 0;
        while csv.read_byte_record(&mut record)? {
            rows += 1;
        }
        (rows, csv.into_inner().bytes)
    } else {
        let mut counted = counted;
        let mut buffer = vec![0u8; 1 << 16];
        let mut lines = 0;
        loop {
            let n = counted.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            lines += buffer[..n].iter().filter(|b| **b == b'\n').count() as u64;
        }
        (lines, counted.bytes)
    };
    Ok(Run {
        rows,
        bytes,
        first_byte,
        elapsed: started.elapsed(),
        rss_before_kb,
        rss_peak_kb: peak.load(Ordering::Relaxed),
    })
}

struct CountingReader<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Samples this process's RssAnon every 5 ms, keeping the highest in `peak`.
fn spawn_rss_sampler(
    peak: Arc<AtomicU64>,
    running: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while running.load(Ordering::Relaxed) {
            peak.fetch_max(rss_anon_kb(), Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(5));
        }
    })
}

/// Resident anonymous memory of this process in kB (0 where /proc is missing).
fn rss_anon_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("RssAnon:"))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}
