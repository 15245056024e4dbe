//! The `lessons` command line (clap): `serve`, `import`, `reindex`, `check`, `export`,
//! `dump`, `backup`, `restore`, `board add`, `user add` and `token add`, each with
//! `--data DIR`. Each calls the service (or `app::serve`); errors are printed with their
//! causes and exit non-zero; progress goes to stderr. The operator commands of
//! [`operations`] (`user add`, `token add`, `board add`, `export`, `dump`, `import`,
//! `check`, `backup`) also run while a server holds the data directory: they are sent through
//! its control socket ([`control`]) and run there by the same code, with the same
//! output (`check` too, holding writes back while it reads); `reindex`, `check --repair`
//! and `restore` need the server stopped and say so.

pub mod control;
pub mod operations;
pub mod terminal;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use lessons_model::dates::today;
use lessons_model::Role;
use lessons_store::StoreError;

use crate::http::config::{is_plain_host, SiteConfig};
use crate::service::demo::{holds_demo, load_demo, DemoLoad};
use crate::service::snapshot::{read_dump, SnapshotError};
use crate::service::{
    backup_closed, default_search_concurrency, Repository, RepositoryError, DEFAULT_SEARCH_CACHE,
};
use operations::{backup_message, line_errors, Operation};
use terminal::{progress_bar, Destination, Terminal};

#[derive(Debug, Parser)]
#[command(
    name = "lessons",
    version,
    about = "A national repository of serious case review lessons"
)]
struct Cli {
    /// The data directory (store and search index).
    #[arg(long, global = true, env = "LESSONS_DATA", default_value = "./data")]
    data: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web site and JSON API.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Load the bundled fictional demo corpus into an empty data directory first.
        #[arg(long)]
        demo: bool,
        /// The site is reached over HTTPS (behind a proxy): mark cookies Secure.
        #[arg(long, env = "LESSONS_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Largest upload accepted, in megabytes (all files of one deposit together).
        #[arg(long, default_value_t = 50)]
        max_upload_mb: usize,
        /// Scheme and host of the public site (e.g. https://lessons.example.org), used
        /// in permalinks, citations and exports instead of the request's Host header.
        #[arg(long = "site-url", env = "LESSONS_SITE_URL")]
        public_url: Option<String>,
        /// Serve /metrics (Prometheus) to anyone, not only to admins' tokens and sessions.
        #[arg(long, env = "LESSONS_PUBLIC_METRICS")]
        public_metrics: bool,
        /// How many search answers to keep for repeated requests (0: no cache). An
        /// answer is never served after the index changes or the day turns.
        #[arg(long, env = "LESSONS_SEARCH_CACHE", default_value_t = DEFAULT_SEARCH_CACHE)]
        search_cache: usize,
        /// How many searches are computed at once; the rest wait their turn, first come
        /// first served, so writes and pages are not slowed by every search at once
        /// (default: the number of cores, at least 2).
        #[arg(long, env = "LESSONS_SEARCH_CONCURRENCY", default_value_t = default_search_concurrency().min(1024) as u16, value_parser = clap::value_parser!(u16).range(1..=1024))]
        search_concurrency: u16,
        /// Records per page of an OAI-PMH list, before a resumption token.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(1..=1000))]
        oai_page_size: u16,
        /// The contact address harvesters see in OAI-PMH Identify (default: admin@ the
        /// site's host).
        #[arg(long, env = "LESSONS_ADMIN_EMAIL")]
        admin_email: Option<String>,
    },
    /// Import reviews from a JSON Lines file (one review per line, as the API returns it).
    Import {
        /// The .jsonl file.
        file: PathBuf,
    },
    /// Rebuild the search index from the store.
    Reindex,
    /// Verify the store (every record, revision and original file) and that the index
    /// holds exactly the public reviews and findings. Exit status 0: all well; 1: problems.
    Check {
        /// Rebuild what is derived from the store (the index), then check again.
        #[arg(long)]
        repair: bool,
    },
    /// Export every public match of a search to a file, as `GET /api/v1/export` does.
    Export {
        /// Search parameters as the API names them, each NAME=VALUE
        /// (e.g. q=bruising theme=neglect view=lessons year_from=2008).
        #[arg(value_name = "NAME=VALUE")]
        parameters: Vec<String>,
        /// csv, json, ndjson, ris or bibtex.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Start a CSV file with a UTF-8 byte-order mark (for Excel).
        #[arg(long)]
        bom: bool,
        /// The file to write (replaced only once the export is complete).
        #[arg(long)]
        output: PathBuf,
        /// Scheme and host that permalinks in the file start with.
        #[arg(
            long,
            env = "LESSONS_SITE_URL",
            default_value = "http://localhost:8080"
        )]
        site_url: String,
    },
    /// Write every public review with its findings to a versioned NDJSON snapshot
    /// (see docs/dump-format.md).
    Dump {
        /// The file to write (replaced only once the dump is complete), or - for
        /// standard output.
        #[arg(long)]
        output: PathBuf,
    },
    /// Write a consistent backup of the store (reviews, revisions, files, users, tokens,
    /// audit log) to a new folder, while the server runs or not. The folder is a data
    /// directory: run the service on a copy of it to restore (see README).
    Backup {
        /// The folder to create (it must not exist, or be empty).
        #[arg(long)]
        output: PathBuf,
    },
    /// Load a snapshot written by `lessons dump` into an empty data directory.
    Restore {
        /// The dump file.
        file: PathBuf,
    },
    /// Manage Local Safeguarding Children Boards.
    #[command(subcommand)]
    Board(BoardCommand),
    /// Manage accounts (the password is read from standard input).
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add (or replace) a user; the password is the first line of standard input.
    Add {
        email: String,
        /// The board a depositor works for.
        #[arg(long)]
        board: Option<String>,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Depositor,
    Admin,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token; it is printed alone on standard output, once.
    Add {
        email: String,
        /// A note to recognise the token by.
        #[arg(long, default_value = "command line")]
        label: String,
    },
}

#[derive(Debug, Subcommand)]
enum BoardCommand {
    /// Add (or rename) a board.
    Add {
        /// Lowercase letters, digits and hyphens, e.g. stockton-on-tees.
        slug: String,
        #[arg(long)]
        name: String,
        /// One of the regions of /api/v1/vocabularies.
        #[arg(long)]
        region: String,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve {
            addr,
            demo,
            secure_cookies,
            max_upload_mb,
            public_url,
            public_metrics,
            search_cache,
            search_concurrency,
            oai_page_size,
            admin_email,
        } => {
            let config = SiteConfig {
                demo,
                secure_cookies,
                max_upload_bytes: max_upload_mb.saturating_mul(1_000_000),
                site_url: public_url.map(|url| checked_site_url(&url)).transpose()?,
                public_metrics,
                oai_page_size: usize::from(oai_page_size),
                admin_email: admin_email.map(|e| checked_admin_email(&e)).transpose()?,
            };
            let searches = Searches {
                cached: search_cache,
                at_once: usize::from(search_concurrency),
            };
            serve(&cli.data, &addr, config, searches)
        }
        Command::Import { file } => import(&cli.data, &file),
        Command::Reindex => reindex(&cli.data),
        Command::Check { repair } => check(&cli.data, repair),
        Command::Export {
            parameters,
            format,
            bom,
            output,
            site_url,
        } => {
            let mut pairs = parse_parameters(&parameters)?;
            pairs.push(("format".into(), format));
            if bom {
                pairs.push(("bom".into(), "1".into()));
            }
            let operation = Operation::Export {
                parameters: pairs,
                site_url,
                output: output.display().to_string(),
            };
            let terminal = Terminal::with_output(Destination::File(output));
            operate(&cli.data, operation, terminal, None)
        }
        Command::Dump { output } => dump(&cli.data, output),
        Command::Backup { output } => backup(&cli.data, &output),
        Command::Restore { file } => restore(&cli.data, &file),
        Command::User(UserCommand::Add { email, board, role }) => {
            let password = read_password()?;
            let role = match role {
                RoleArg::Depositor => Role::Depositor,
                RoleArg::Admin => Role::Admin,
            };
            let operation = Operation::UserAdd {
                email,
                board,
                role,
                password,
            };
            operate(&cli.data, operation, Terminal::new(), None)
        }
        Command::Token(TokenCommand::Add { email, label }) => operate(
            &cli.data,
            Operation::TokenAdd { email, label },
            Terminal::new(),
            None,
        ),
        Command::Board(BoardCommand::Add { slug, name, region }) => operate(
            &cli.data,
            Operation::BoardAdd { slug, name, region },
            Terminal::new(),
            None,
        ),
    }
}

/// The first line of standard input, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let length = password.trim_end_matches(['\r', '\n']).len();
    password.truncate(length);
    Ok(password)
}

/// Runs `operation` on the data directory `data`: on the store this process opens or,
/// when a running server holds it, on the server's through its control socket. `input`
/// is the file an import reads, with its size.
fn operate(
    data: &Path,
    operation: Operation,
    mut terminal: Terminal,
    input: Option<(File, u64)>,
) -> anyhow::Result<ExitCode> {
    let status = match Repository::open(data) {
        Ok(repository) => match input {
            Some((file, _)) => {
                let mut reader = BufReader::new(file);
                operations::run(&repository, operation, &mut reader, &mut terminal)?
            }
            None => operations::run(&repository, operation, &mut std::io::empty(), &mut terminal)?,
        },
        Err(RepositoryError::Store(StoreError::Locked { .. })) => {
            control::request(data, &operation, input, &mut terminal)?
        }
        Err(error) => return Err(cannot_open(data, error)),
    };
    Ok(ExitCode::from(status))
}

fn cannot_open(data: &Path, error: RepositoryError) -> anyhow::Error {
    anyhow::Error::new(error).context(format!("cannot open the data directory {}", data.display()))
}

/// Opens `data` for `command`, which cannot run while a server holds it (`why`).
fn open_stopped(data: &Path, command: &str, why: &str) -> anyhow::Result<Repository> {
    match Repository::open(data) {
        Ok(repository) => Ok(repository),
        Err(RepositoryError::Store(StoreError::Locked { .. })) => bail!(
            "`lessons {command}` needs the server stopped ({why}): the data directory {} is in use by another lessons process",
            data.display()
        ),
        Err(error) => Err(cannot_open(data, error)),
    }
}

fn open(data: &Path) -> anyhow::Result<Repository> {
    Repository::open(data)
        .with_context(|| format!("cannot open the data directory {}", data.display()))
}

/// How `serve` runs searches: answers cached, and searches computed at once.
struct Searches {
    cached: usize,
    at_once: usize,
}

fn serve(
    data: &Path,
    addr: &str,
    mut config: SiteConfig,
    searches: Searches,
) -> anyhow::Result<ExitCode> {
    let repository = open(data)?;
    repository.set_search_cache_entries(searches.cached);
    repository.set_search_concurrency(searches.at_once);
    if config.demo {
        match load_demo(&repository).context("cannot load the demo corpus")? {
            DemoLoad::AlreadyFilled(count) => {
                eprintln!(
                    "{} already holds {count} reviews; the demo corpus was not loaded",
                    data.display()
                )
            }
            DemoLoad::Loaded(report) => {
                eprintln!(
                    "loaded the demo corpus: {} fictional reviews",
                    report.imported.len()
                );
                if !report.refused.is_empty() {
                    bail!(
                        "{} demo reviews were refused: {:?}",
                        report.refused.len(),
                        report.refused
                    );
                }
            }
        }
    }
    config.demo = holds_demo(&repository)?;
    let repository = Arc::new(repository);
    let _control = control::ControlSocket::start(data, &repository)?;
    actix_web::rt::System::new().block_on(crate::app::serve(repository, addr, config))?;
    Ok(ExitCode::SUCCESS)
}

fn import(data: &Path, file: &Path) -> anyhow::Result<ExitCode> {
    let handle = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
    let operation = Operation::Import {
        file: file.display().to_string(),
        size,
    };
    operate(data, operation, Terminal::new(), Some((handle, size)))
}

fn print_line_errors(file: &Path, errors: &[crate::service::import::LineError]) {
    for line in line_errors(&file.display().to_string(), errors) {
        eprintln!("{line}");
    }
}

fn reindex(data: &Path) -> anyhow::Result<ExitCode> {
    let repository = open_stopped(data, "reindex", "it rebuilds the index the server searches")?;
    let bar = progress_bar(
        repository.review_count() as u64,
        "{wide_bar} {pos}/{len} reviews",
    );
    let count = repository.reindex(|| bar.inc(1))?;
    bar.finish_and_clear();
    eprintln!("reindexed {count} reviews");
    Ok(ExitCode::SUCCESS)
}

fn check(data: &Path, repair: bool) -> anyhow::Result<ExitCode> {
    if !repair {
        return operate(data, Operation::Check, Terminal::new(), None);
    }
    let repository = open_stopped(
        data,
        "check --repair",
        "it rebuilds the index the server searches",
    )?;
    let mut terminal = Terminal::new();
    let mut report =
        crate::service::check::check(&repository).context("cannot check the data directory")?;
    if report.derived_problems() {
        operations::check_report(&report, &mut terminal)?;
        eprintln!("repairing: rebuilding the index and the recurring lessons from the store");
        let bar = progress_bar(
            repository.review_count() as u64,
            "{wide_bar} {pos}/{len} reviews",
        );
        report = crate::service::check::repair(&repository, || bar.inc(1))
            .context("cannot rebuild the index")?;
        bar.finish_and_clear();
    }
    let status = operations::check_outcome(&report, &mut terminal)?;
    Ok(ExitCode::from(status))
}

/// `NAME=VALUE` arguments as query-string pairs.
fn parse_parameters(arguments: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    arguments
        .iter()
        .map(|argument| match argument.split_once('=') {
            Some((name, value)) => Ok((name.to_string(), value.to_string())),
            None => bail!("search parameters are NAME=VALUE (e.g. q=bruising), not {argument:?}"),
        })
        .collect()
}

/// A site URL without its trailing slash; refused unless it is `http(s)://host[:port]`.
/// An address OAI-PMH's schema accepts (`local@domain.tld`, no spaces).
fn checked_admin_email(email: &str) -> anyhow::Result<String> {
    let email = email.trim();
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !email.chars().any(char::is_whitespace);
    if !valid {
        bail!("--admin-email {email:?} is not an email address such as lessons@board.example.org");
    }
    Ok(email.to_string())
}

fn checked_site_url(url: &str) -> anyhow::Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match host {
        Some(host) if is_plain_host(host) => Ok(trimmed.to_string()),
        _ => bail!("--site-url must be http(s)://host[:port], without a path (got {url:?})"),
    }
}

fn backup(data: &Path, output: &Path) -> anyhow::Result<ExitCode> {
    let store_dir = data.join("store");
    if !store_dir.is_dir() {
        bail!(
            "{} is not a data directory: there is nothing to back up",
            data.display()
        );
    }
    let shown = output.display().to_string();
    match backup_closed(data, output) {
        Ok(report) => {
            eprintln!("{}", backup_message(&report, &shown));
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Locked { .. }) => {
            let output = std::path::absolute(output)
                .with_context(|| format!("cannot resolve {}", output.display()))?;
            let operation = Operation::Backup { output, shown };
            let status = control::request(data, &operation, None, &mut Terminal::new())?;
            Ok(ExitCode::from(status))
        }
        Err(error) => Err(error).context("cannot back up the store"),
    }
}

fn dump(data: &Path, output: PathBuf) -> anyhow::Result<ExitCode> {
    if !data.is_dir() {
        bail!(
            "{} is not a data directory: there is nothing to dump",
            data.display()
        );
    }
    let operation = Operation::Dump {
        output: output.display().to_string(),
    };
    let destination = if output == Path::new("-") {
        Destination::Stdout
    } else {
        Destination::File(output)
    };
    operate(data, operation, Terminal::with_output(destination), None)
}

fn restore(data: &Path, file: &Path) -> anyhow::Result<ExitCode> {
    let handle = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
    let repository = open_stopped(
        data,
        "restore",
        "it loads a dump into an empty data directory",
    )?;
    let refused = || format!("cannot restore {} into {}", file.display(), data.display());
    repository.check_empty().with_context(refused)?;
    let bar = progress_bar(size, "{wide_bar} {bytes}/{total_bytes} checked");
    let checked = read_dump(BufReader::new(handle), today(), |bytes| {
        bar.set_position(bytes)
    });
    bar.finish_and_clear();
    let snapshot = match checked {
        Ok(snapshot) => snapshot,
        Err(SnapshotError::Refused(lines)) => {
            print_line_errors(file, &lines);
            eprintln!("error: {}; nothing was restored", refused());
            return Ok(ExitCode::FAILURE);
        }
        Err(other) => return Err(other).with_context(refused),
    };
    let bar = progress_bar(
        snapshot.reviews.len() as u64,
        "{wide_bar} {pos}/{len} reviews",
    );
    repository
        .restore(&snapshot.boards, &snapshot.reviews, || bar.inc(1))
        .with_context(|| {
            format!(
                "restore into {} stopped part way: delete the data directory and restore again",
                data.display()
            )
        })?;
    bar.finish_and_clear();
    eprintln!(
        "restored {} review{} and {} board{} from {}",
        snapshot.reviews.len(),
        if snapshot.reviews.len() == 1 { "" } else { "s" },
        snapshot.boards.len(),
        if snapshot.boards.len() == 1 { "" } else { "s" },
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}
