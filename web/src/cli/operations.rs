//! The operator commands that run the same way whoever holds the data directory:
//! `user add`, `token add`, `board add`, `export`, `dump`, `import`, `check` (without
//! `--repair`) and (on a running server) `backup`. Each is one function over `&Repository` that speaks only through a
//! [`Console`]: lines for standard output and standard error, progress, and the bytes of
//! an output file. The command line runs them on a store it opened itself with its
//! [`super::terminal::Terminal`], or sends the [`Operation`] through the control socket
//! ([`super::control`]) to the server that holds the store, which runs the same function
//! and sends everything the console received back to the same `Terminal`: the output,
//! the messages and the exit status are the same either way.

use std::cell::Cell;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context};
use lessons_model::dates::{now_rfc3339, today};
use lessons_model::{Board, Role};
use lessons_store::{BackupReport, StoreError};
use serde::{Deserialize, Serialize};

use crate::formats::export::{batch_rows, Encoder};
use crate::service::check::{self, CheckReport};
use crate::service::import::{field_messages, import_lines, ImportReport, LineError};
use crate::service::{Repository, RepositoryError, ServiceError};

/// The process exit status of a command that ran to its end.
pub type Status = u8;
pub const SUCCESS: Status = 0;
pub const FAILURE: Status = 1;

/// One operator command and its arguments; also the control socket's request (so no
/// `Debug`: a `user add` carries a password, which must never reach a log).
#[derive(Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Operation {
    UserAdd {
        email: String,
        board: Option<String>,
        role: Role,
        password: String,
    },
    TokenAdd {
        email: String,
        label: String,
    },
    BoardAdd {
        slug: String,
        name: String,
        region: String,
    },
    /// `output` only names the file in messages: the bytes go to the console.
    Export {
        parameters: Vec<(String, String)>,
        site_url: String,
        output: String,
    },
    /// `output` names the file (`-`: standard output) in messages.
    Dump {
        output: String,
    },
    /// The file's bytes follow the request on the socket (`size` of them).
    Import {
        file: String,
        size: u64,
    },
    /// Into the folder `output` (absolute); `shown` is how the operator named it.
    Backup {
        output: PathBuf,
        shown: String,
    },
    /// `check` without `--repair`, with writes held back while it reads.
    Check,
}

impl Operation {
    /// The command's name, for logs (never its arguments).
    pub fn name(&self) -> &'static str {
        match self {
            Operation::UserAdd { .. } => "user add",
            Operation::TokenAdd { .. } => "token add",
            Operation::BoardAdd { .. } => "board add",
            Operation::Export { .. } => "export",
            Operation::Dump { .. } => "dump",
            Operation::Import { .. } => "import",
            Operation::Backup { .. } => "backup",
            Operation::Check => "check",
        }
    }
}

/// What a progress bar counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Bytes,
    Rows,
    Reviews,
}

/// The progress of a long command (shown on standard error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    Start { length: u64, unit: Unit },
    At(u64),
    Done,
}

/// Where a command's output goes: the operator's terminal, here or across the socket.
pub trait Console {
    /// A line for standard output.
    fn out(&mut self, line: &str) -> anyhow::Result<()>;
    /// A line for standard error.
    fn err(&mut self, line: &str) -> anyhow::Result<()>;
    /// Progress (best effort: a console that cannot show it drops it).
    fn progress(&mut self, progress: Progress);
    /// The output file starts (it is created now, beside where it will be).
    fn begin_output(&mut self) -> anyhow::Result<()>;
    /// Bytes of the output file.
    fn output(&mut self, bytes: &[u8]) -> anyhow::Result<()>;
    /// The output file is complete: it is put in place.
    fn end_output(&mut self) -> anyhow::Result<()>;
}

/// Runs `operation` on `repository`; `input` is the file an `import` reads (empty
/// otherwise). `Ok` is the exit status of a command that ran to its end (refusals
/// included, their messages already on the console); `Err` is printed as `error: ...`
/// with exit status 1.
pub fn run(
    repository: &Repository,
    operation: Operation,
    input: &mut dyn BufRead,
    console: &mut dyn Console,
) -> anyhow::Result<Status> {
    match operation {
        Operation::UserAdd {
            email,
            board,
            role,
            password,
        } => add_user(repository, email, board, role, &password, console),
        Operation::TokenAdd { email, label } => add_token(repository, &email, &label, console),
        Operation::BoardAdd { slug, name, region } => {
            add_board(repository, Board { slug, name, region }, console)
        }
        Operation::Export {
            parameters,
            site_url,
            output,
        } => export(repository, parameters, &site_url, &output, console),
        Operation::Dump { output } => dump(repository, &output, console),
        Operation::Import { file, size } => import(repository, &file, size, input, console),
        Operation::Backup { output, shown } => {
            let report = repository
                .backup(&output)
                .context("cannot back up the store")?;
            console.err(&backup_message(&report, &shown))?;
            Ok(SUCCESS)
        }
        Operation::Check => {
            let report = repository
                .at_rest(check::check)
                .and_then(|report| report)
                .context("cannot check the data directory")?;
            check_outcome(&report, console)
        }
    }
}

/// Shows what a check found and says what to do: exit status 0 when all is well.
pub fn check_outcome(report: &CheckReport, console: &mut dyn Console) -> anyhow::Result<Status> {
    check_report(report, console)?;
    if report.is_clean() {
        console.out("ok")?;
        return Ok(SUCCESS);
    }
    if report.derived_problems() {
        console.err(
            "the index and the recurring lessons can be rebuilt from the store: lessons check --repair",
        )?;
    }
    if !report.store.problems.is_empty() {
        console.err("the store has problems that no rebuild can fix: restore from a backup")?;
    }
    Ok(FAILURE)
}

/// Each part of a check with its problems (standard output).
pub fn check_report(report: &CheckReport, console: &mut dyn Console) -> anyhow::Result<()> {
    let store = &report.store;
    console.out(&format!(
        "store: {} reviews, {} revisions, {} original files read; {} problem{}",
        store.reviews,
        store.revisions,
        store.files,
        store.problems.len(),
        plural(store.problems.len())
    ))?;
    for problem in &store.problems {
        console.out(&format!("  {}: {}", problem.record, problem.message))?;
    }
    console.out(&format!(
        "index: {} reviews, {} findings; {} problem{}",
        report.indexed_reviews,
        report.indexed_findings,
        report.index_problems.len(),
        plural(report.index_problems.len())
    ))?;
    for problem in &report.index_problems {
        console.out(&format!("  {}: {}", problem.record, problem.message))?;
    }
    console.out(&format!(
        "recurring lessons: {} groups, {} findings; {} problem{}",
        report.recurring_groups,
        report.recurring_findings,
        report.recurring_problems.len(),
        plural(report.recurring_problems.len())
    ))?;
    for problem in &report.recurring_problems {
        console.out(&format!("  {}: {}", problem.record, problem.message))?;
    }
    Ok(())
}

fn add_user(
    repository: &Repository,
    email: String,
    board: Option<String>,
    role: Role,
    password: &str,
    console: &mut dyn Console,
) -> anyhow::Result<Status> {
    match repository.put_user(email, board, role, password, "cli") {
        Ok(email) => {
            console.err(&format!("user {email} saved"))?;
            Ok(SUCCESS)
        }
        Err(ServiceError::Invalid(errors)) if errors.0.iter().any(|e| e.field == "password") => {
            bail!(
                "the password (first line of standard input) must have at least {} characters",
                crate::service::accounts::MIN_PASSWORD_CHARS
            )
        }
        Err(ServiceError::Invalid(errors)) => {
            for message in field_messages(&errors) {
                console.err(&format!("error: {message}"))?;
            }
            Ok(FAILURE)
        }
        Err(other) => Err(anyhow!("{other}")),
    }
}

fn add_token(
    repository: &Repository,
    email: &str,
    label: &str,
    console: &mut dyn Console,
) -> anyhow::Result<Status> {
    let (secret, record) = repository
        .create_token(email, label, "cli")
        .map_err(|e| anyhow!("{e}"))?;
    console.out(&secret)?;
    console.err(&format!(
        "token {} created for {}; it is shown only this once",
        record.id, record.email
    ))?;
    Ok(SUCCESS)
}

fn add_board(
    repository: &Repository,
    board: Board,
    console: &mut dyn Console,
) -> anyhow::Result<Status> {
    match repository.put_board(&board, "cli") {
        Ok(()) => {
            console.err(&format!("board {} saved", board.slug))?;
            Ok(SUCCESS)
        }
        Err(RepositoryError::Store(StoreError::Invalid(errors))) => {
            for message in field_messages(&errors) {
                console.err(&format!("error: {message}"))?;
            }
            Ok(FAILURE)
        }
        Err(other) => Err(other.into()),
    }
}

fn export(
    repository: &Repository,
    parameters: Vec<(String, String)>,
    site_url: &str,
    output: &str,
    console: &mut dyn Console,
) -> anyhow::Result<Status> {
    let request = match repository.export_request(parameters) {
        Ok(request) => request,
        Err(ServiceError::Invalid(errors)) => {
            for detail in &errors.0 {
                console.err(&format!("error: {}: {}", detail.field, detail.message))?;
            }
            return Ok(FAILURE);
        }
        Err(other) => return Err(anyhow!("{other}")),
    };
    let mut cursor = repository
        .export_as(&request.search, request.view)
        .map_err(|e| anyhow!("cannot run the search: {e}"))?;
    let recurring = match request.view {
        lessons_index::export::ExportView::Lessons => repository
            .recurring_ids()
            .map_err(|e| anyhow!("cannot read the recurring lessons: {e}"))?,
        _ => Default::default(),
    };
    let mut encoder =
        Encoder::new(request.format, request.view, site_url).with_recurring(recurring);
    console.progress(Progress::Start {
        length: cursor.total(),
        unit: Unit::Rows,
    });
    console.begin_output()?;
    console.output(&encoder.head(&request.parameters, cursor.total()))?;
    loop {
        let mut rows = cursor
            .next_batch(batch_rows(request.view))
            .context("cannot read the index")
            .with_context(|| format!("cannot write {output}"))?;
        if rows.is_empty() {
            break;
        }
        console.output(&encoder.rows(&mut rows))?;
        console.progress(Progress::At(cursor.position()));
    }
    console.output(&encoder.tail())?;
    console.end_output()?;
    console.progress(Progress::Done);
    console.err(&format!(
        "exported {} row{} to {output}",
        cursor.total(),
        plural(cursor.total() as usize),
    ))?;
    Ok(SUCCESS)
}

fn dump(
    repository: &Repository,
    output: &str,
    console: &mut dyn Console,
) -> anyhow::Result<Status> {
    let plan = repository
        .plan_dump(today())
        .context("cannot read the store")?;
    console.progress(Progress::Start {
        length: plan.review_count() as u64,
        unit: Unit::Reviews,
    });
    let generated_at = now_rfc3339();
    let (destination, cannot) = if output == "-" {
        (
            "standard output".to_string(),
            "cannot write to standard output".to_string(),
        )
    } else {
        (output.to_string(), format!("cannot write {output}"))
    };
    console.begin_output()?;
    let done = Cell::new(0u64);
    let mut out = ConsoleWriter {
        console: &mut *console,
        done: &done,
        shown: 0,
    };
    repository
        .write_dump(&plan, &mut out, &generated_at, || done.set(done.get() + 1))
        .context(cannot)?;
    console.progress(Progress::At(done.get()));
    console.end_output()?;
    console.progress(Progress::Done);
    console.err(&format!(
        "dumped {} public review{} of {} board{} to {destination}",
        plan.review_count(),
        plural(plan.review_count()),
        plan.board_count(),
        plural(plan.board_count()),
    ))?;
    Ok(SUCCESS)
}

/// The output file as a `Write`, reporting the reviews written so far as progress.
struct ConsoleWriter<'a> {
    console: &'a mut dyn Console,
    done: &'a Cell<u64>,
    shown: u64,
}

impl Write for ConsoleWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.done.get() != self.shown {
            self.shown = self.done.get();
            self.console.progress(Progress::At(self.shown));
        }
        self.console
            .output(bytes)
            .map_err(|e| std::io::Error::other(format!("{e:#}")))?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn import(
    repository: &Repository,
    file: &str,
    size: u64,
    input: &mut dyn BufRead,
    console: &mut dyn Console,
) -> anyhow::Result<Status> {
    console.progress(Progress::Start {
        length: size,
        unit: Unit::Bytes,
    });
    let report = import_lines(repository, input, "import", |bytes| {
        console.progress(Progress::At(bytes))
    })?;
    console.progress(Progress::Done);
    import_report(file, &report, console)?;
    Ok(if report.refused.is_empty() {
        SUCCESS
    } else {
        FAILURE
    })
}

fn import_report(
    file: &str,
    report: &ImportReport,
    console: &mut dyn Console,
) -> anyhow::Result<()> {
    for line in line_errors(file, &report.refused) {
        console.err(&line)?;
    }
    console.err(&format!(
        "imported {} review{}; refused {} line{}",
        report.imported.len(),
        plural(report.imported.len()),
        report.refused.len(),
        plural(report.refused.len()),
    ))
}

/// Each problem of each refused line, as `FILE: line N: message`.
pub fn line_errors(file: &str, errors: &[LineError]) -> Vec<String> {
    errors
        .iter()
        .flat_map(|refused| {
            refused
                .messages
                .iter()
                .map(move |message| format!("{file}: line {}: {message}", refused.line))
        })
        .collect()
}

/// What `lessons backup` says once the backup is written.
pub fn backup_message(report: &BackupReport, shown: &str) -> String {
    format!(
        "backed up {} reviews ({} revisions), {} files ({:.1} MB) and {} audit entries, up to write {}, to {shown}",
        report.reviews,
        report.revisions,
        report.files,
        report.file_bytes as f64 / 1e6,
        report.audit_entries,
        report.last_seq,
    )
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
