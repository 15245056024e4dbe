//! The `lessons` command line (clap): `serve`, `import`, `reindex`, `check`, `export`,
//! `dump`, `backup`, `restore`, `board add`, `user add` and `token add`, each with
//! `--data DIR`. Each calls the service (or `app::serve`); errors are printed with their
//! causes and exit non-zero; progress goes to stderr. [`control`] is the operator's
//! socket through which `lessons backup` reaches a running server.

pub mod control;

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use lessons_model::dates::{now_rfc3339, today};
use lessons_model::{Board, Role};
use lessons_store::StoreError;

use crate::formats::export::{batch_rows, Encoder};
use crate::http::config::{is_plain_host, SiteConfig};
use crate::service::check::CheckReport;
use crate::service::demo::{holds_demo, load_demo, DemoLoad};
use crate::service::import::{field_messages, import_lines, ImportReport, LineError};
use crate::service::snapshot::{read_dump, SnapshotError};
use crate::service::{backup_closed, Repository, RepositoryError, ServiceError};

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
        } => {
            let config = SiteConfig {
                demo,
                secure_cookies,
                max_upload_bytes: max_upload_mb.saturating_mul(1_000_000),
                site_url: public_url.map(|url| checked_site_url(&url)).transpose()?,
                public_metrics,
            };
            serve(&cli.data, &addr, config)
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
            export(&cli.data, pairs, &output, &site_url)
        }
        Command::Dump { output } => dump(&cli.data, &output),
        Command::Backup { output } => backup(&cli.data, &output),
        Command::Restore { file } => restore(&cli.data, &file),
        Command::User(UserCommand::Add { email, board, role }) => {
            add_user(&cli.data, email, board, role)
        }
        Command::Token(TokenCommand::Add { email, label }) => {
            let repository = open(&cli.data)?;
            let (secret, record) = repository
                .create_token(&email, &label, "cli")
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{secret}");
            eprintln!(
                "token {} created for {}; it is shown only this once",
                record.id, record.email
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Board(BoardCommand::Add { slug, name, region }) => {
            let repository = open(&cli.data)?;
            let board = Board { slug, name, region };
            match repository.put_board(&board, "cli") {
                Ok(()) => {
                    eprintln!("board {} saved", board.slug);
                    Ok(ExitCode::SUCCESS)
                }
                Err(RepositoryError::Store(lessons_store::StoreError::Invalid(errors))) => {
                    for message in field_messages(&errors) {
                        eprintln!("error: {message}");
                    }
                    Ok(ExitCode::FAILURE)
                }
                Err(other) => Err(other.into()),
            }
        }
    }
}

fn add_user(
    data: &Path,
    email: String,
    board: Option<String>,
    role: RoleArg,
) -> anyhow::Result<ExitCode> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    let role = match role {
        RoleArg::Depositor => Role::Depositor,
        RoleArg::Admin => Role::Admin,
    };
    let repository = open(data)?;
    match repository.put_user(email, board, role, password, "cli") {
        Ok(email) => {
            eprintln!("user {email} saved");
            Ok(ExitCode::SUCCESS)
        }
        Err(ServiceError::Invalid(errors)) if errors.0.iter().any(|e| e.field == "password") => {
            bail!(
                "the password (first line of standard input) must have at least {} characters",
                crate::service::accounts::MIN_PASSWORD_CHARS
            )
        }
        Err(ServiceError::Invalid(errors)) => {
            for message in field_messages(&errors) {
                eprintln!("error: {message}");
            }
            Ok(ExitCode::FAILURE)
        }
        Err(other) => Err(anyhow::anyhow!("{other}")),
    }
}

fn open(data: &Path) -> anyhow::Result<Repository> {
    Repository::open(data)
        .with_context(|| format!("cannot open the data directory {}", data.display()))
}

fn serve(data: &Path, addr: &str, mut config: SiteConfig) -> anyhow::Result<ExitCode> {
    let repository = open(data)?;
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
    let _control = control::ControlSocket::start(data, repository.backup_fn())?;
    actix_web::rt::System::new().block_on(crate::app::serve(repository, addr, config))?;
    Ok(ExitCode::SUCCESS)
}

fn import(data: &Path, file: &Path) -> anyhow::Result<ExitCode> {
    let handle = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
    let repository = open(data)?;
    let bar = progress_bar(size, "{wide_bar} {bytes}/{total_bytes} {msg}");
    let report = import_lines(&repository, BufReader::new(handle), "import", |bytes| {
        bar.set_position(bytes)
    })?;
    bar.finish_and_clear();
    print_report(file, &report);
    Ok(if report.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_report(file: &Path, report: &ImportReport) {
    print_line_errors(file, &report.refused);
    eprintln!(
        "imported {} review{}; refused {} line{}",
        report.imported.len(),
        if report.imported.len() == 1 { "" } else { "s" },
        report.refused.len(),
        if report.refused.len() == 1 { "" } else { "s" },
    );
}

fn print_line_errors(file: &Path, errors: &[LineError]) {
    for refused in errors {
        for message in &refused.messages {
            eprintln!("{}: line {}: {message}", file.display(), refused.line);
        }
    }
}

fn reindex(data: &Path) -> anyhow::Result<ExitCode> {
    let repository = open(data)?;
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
    let repository = open(data)?;
    let mut report =
        crate::service::check::check(&repository).context("cannot check the data directory")?;
    if repair && !report.index_problems.is_empty() {
        print_check(&report);
        eprintln!("repairing: rebuilding the index from the store");
        let bar = progress_bar(
            repository.review_count() as u64,
            "{wide_bar} {pos}/{len} reviews",
        );
        report = crate::service::check::repair(&repository, || bar.inc(1))
            .context("cannot rebuild the index")?;
        bar.finish_and_clear();
    }
    print_check(&report);
    if report.is_clean() {
        println!("ok");
        Ok(ExitCode::SUCCESS)
    } else {
        if !report.index_problems.is_empty() {
            eprintln!("the index can be rebuilt from the store: lessons check --repair");
        }
        if !report.store.problems.is_empty() {
            eprintln!("the store has problems that no rebuild can fix: restore from a backup");
        }
        Ok(ExitCode::FAILURE)
    }
}

fn print_check(report: &CheckReport) {
    let store = &report.store;
    println!(
        "store: {} reviews, {} revisions, {} original files read; {} problem{}",
        store.reviews,
        store.revisions,
        store.files,
        store.problems.len(),
        plural(store.problems.len())
    );
    for problem in &store.problems {
        println!("  {}: {}", problem.record, problem.message);
    }
    println!(
        "index: {} reviews, {} findings; {} problem{}",
        report.indexed_reviews,
        report.indexed_findings,
        report.index_problems.len(),
        plural(report.index_problems.len())
    );
    for problem in &report.index_problems {
        println!("  {}: {}", problem.record, problem.message);
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
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

fn export(
    data: &Path,
    pairs: Vec<(String, String)>,
    output: &Path,
    site_url: &str,
) -> anyhow::Result<ExitCode> {
    let repository = open(data)?;
    let request = match repository.export_request(pairs) {
        Ok(request) => request,
        Err(ServiceError::Invalid(errors)) => {
            for detail in &errors.0 {
                eprintln!("error: {}: {}", detail.field, detail.message);
            }
            return Ok(ExitCode::FAILURE);
        }
        Err(other) => return Err(anyhow::anyhow!("{other}")),
    };
    let mut cursor = repository
        .export(&request.search)
        .map_err(|e| anyhow::anyhow!("cannot run the search: {e}"))?;
    let mut encoder = Encoder::new(request.format, request.search.view, site_url);
    let bar = progress_bar(cursor.total(), "{wide_bar} {pos}/{len} rows");
    write_atomically(output, |out| {
        out.write_all(&encoder.head(&request.parameters, cursor.total()))?;
        loop {
            let mut rows = cursor
                .next_batch(batch_rows(request.search.view))
                .context("cannot read the index")?;
            if rows.is_empty() {
                break;
            }
            out.write_all(&encoder.rows(&mut rows))?;
            bar.set_position(cursor.position());
        }
        out.write_all(&encoder.tail())?;
        Ok(())
    })?;
    bar.finish_and_clear();
    eprintln!(
        "exported {} row{} to {}",
        cursor.total(),
        if cursor.total() == 1 { "" } else { "s" },
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `write` on a temporary file beside `output`, then syncs the file and moves it
/// into place, so that a failed run never leaves half a file behind.
fn write_atomically(
    output: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let directory = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file = temporary_file(directory)
        .with_context(|| format!("cannot write in {}", directory.display()))?;
    let mut out = BufWriter::new(file);
    let cannot = || format!("cannot write {}", output.display());
    write(&mut out).with_context(cannot)?;
    let file = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(cannot)?;
    file.as_file().sync_all().with_context(cannot)?;
    file.persist(output).with_context(cannot)?;
    Ok(())
}

/// A temporary file in `directory`, created like any new file: readable by whom the
/// umask allows (tempfile's default is the owner only).
fn temporary_file(directory: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(directory)
}

/// A site URL without its trailing slash; refused unless it is `http(s)://host[:port]`.
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
    let report = match backup_closed(data, output) {
        Ok(report) => report,
        Err(StoreError::Locked { .. }) => control::request_backup(data, output)?,
        Err(error) => return Err(error).context("cannot back up the store"),
    };
    eprintln!(
        "backed up {} reviews ({} revisions), {} files ({:.1} MB) and {} audit entries, up to write {}, to {}",
        report.reviews,
        report.revisions,
        report.files,
        report.file_bytes as f64 / 1e6,
        report.audit_entries,
        report.last_seq,
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn dump(data: &Path, output: &Path) -> anyhow::Result<ExitCode> {
    if !data.is_dir() {
        bail!(
            "{} is not a data directory: there is nothing to dump",
            data.display()
        );
    }
    let repository = open(data)?;
    let plan = repository
        .plan_dump(today())
        .context("cannot read the store")?;
    let bar = progress_bar(plan.review_count() as u64, "{wide_bar} {pos}/{len} reviews");
    let generated_at = now_rfc3339();
    let write = |out: &mut dyn Write| -> anyhow::Result<()> {
        repository.write_dump(&plan, out, &generated_at, || bar.inc(1))?;
        Ok(())
    };
    let destination = if output == Path::new("-") {
        let mut out = BufWriter::new(std::io::stdout().lock());
        write(&mut out).context("cannot write to standard output")?;
        out.flush().context("cannot write to standard output")?;
        "standard output".to_string()
    } else {
        write_atomically(output, write)?;
        output.display().to_string()
    };
    bar.finish_and_clear();
    eprintln!(
        "dumped {} public review{} of {} board{} to {destination}",
        plan.review_count(),
        if plan.review_count() == 1 { "" } else { "s" },
        plan.board_count(),
        if plan.board_count() == 1 { "" } else { "s" },
    );
    Ok(ExitCode::SUCCESS)
}

fn restore(data: &Path, file: &Path) -> anyhow::Result<ExitCode> {
    let handle = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
    let repository = open(data)?;
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

fn progress_bar(length: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(length);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
