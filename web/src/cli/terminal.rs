//! [`Terminal`]: the operator's end of a command, the [`Console`] of the `lessons`
//! process. Lines go to standard output and standard error, progress to a bar on
//! standard error, and an output file is written beside its place and moved there only
//! once complete. A command run through the control socket reaches the same `Terminal`
//! (the server sends what its console received), so it shows the same.

use std::io::{BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::operations::{Console, Progress, Unit};

/// Where a command's output file goes.
pub enum Destination {
    /// Replaced only once the output is complete.
    File(PathBuf),
    Stdout,
}

/// The console of this process.
#[derive(Default)]
pub struct Terminal {
    destination: Option<Destination>,
    open: Option<Open>,
    bar: Option<ProgressBar>,
}

/// An output file being written.
enum Open {
    File {
        path: PathBuf,
        out: BufWriter<tempfile::NamedTempFile>,
    },
    Stdout(BufWriter<Stdout>),
}

impl Terminal {
    /// A terminal for a command that writes no output file.
    pub fn new() -> Terminal {
        Terminal::default()
    }

    /// A terminal for a command whose output goes to `destination`.
    pub fn with_output(destination: Destination) -> Terminal {
        Terminal {
            destination: Some(destination),
            ..Terminal::default()
        }
    }
}

impl Console for Terminal {
    fn out(&mut self, line: &str) -> anyhow::Result<()> {
        writeln!(std::io::stdout().lock(), "{line}").context("cannot write to standard output")
    }

    fn err(&mut self, line: &str) -> anyhow::Result<()> {
        // Standard error unwritable: nowhere left to say so.
        let _ = writeln!(std::io::stderr().lock(), "{line}");
        Ok(())
    }

    fn progress(&mut self, progress: Progress) {
        match progress {
            Progress::Start { length, unit } => {
                let template = match unit {
                    Unit::Bytes => "{wide_bar} {bytes}/{total_bytes} {msg}",
                    Unit::Rows => "{wide_bar} {pos}/{len} rows",
                    Unit::Reviews => "{wide_bar} {pos}/{len} reviews",
                };
                self.bar = Some(progress_bar(length, template));
            }
            Progress::At(position) => {
                if let Some(bar) = &self.bar {
                    bar.set_position(position);
                }
            }
            Progress::Done => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
            }
        }
    }

    fn begin_output(&mut self) -> anyhow::Result<()> {
        self.open = match &self.destination {
            None => anyhow::bail!("this command writes no output file"),
            Some(Destination::Stdout) => Some(Open::Stdout(BufWriter::new(std::io::stdout()))),
            Some(Destination::File(path)) => {
                let directory = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                    _ => Path::new("."),
                };
                let file = temporary_file(directory)
                    .with_context(|| format!("cannot write in {}", directory.display()))?;
                Some(Open::File {
                    path: path.clone(),
                    out: BufWriter::new(file),
                })
            }
        };
        Ok(())
    }

    fn output(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        match &mut self.open {
            None => anyhow::bail!("the output was not started"),
            Some(Open::Stdout(out)) => out
                .write_all(bytes)
                .context("cannot write to standard output"),
            Some(Open::File { path, out }) => out
                .write_all(bytes)
                .with_context(|| format!("cannot write {}", path.display())),
        }
    }

    fn end_output(&mut self) -> anyhow::Result<()> {
        match self.open.take() {
            None => anyhow::bail!("the output was not started"),
            Some(Open::Stdout(mut out)) => out.flush().context("cannot write to standard output"),
            Some(Open::File { path, out }) => {
                let cannot = || format!("cannot write {}", path.display());
                let file = out
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(cannot)?;
                file.as_file().sync_all().with_context(cannot)?;
                file.persist(&path).with_context(cannot)?;
                Ok(())
            }
        }
    }
}

/// A temporary file in `directory`, created like any new file: readable by whom the
/// umask allows (tempfile's default is the owner only).
fn temporary_file(directory: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    let mut builder = tempfile::Builder::new();
    builder.permissions(std::fs::Permissions::from_mode(0o666));
    builder.tempfile_in(directory)
}

/// A progress bar on standard error (hidden when standard error is not a terminal).
pub fn progress_bar(length: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(length);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
