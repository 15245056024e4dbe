//! The operator's control socket: `DATA/control.sock`, a Unix socket that `lessons serve`
//! listens on so that operator commands run while the server holds the store (sled
//! allows one process per data directory). The commands are the [`Operation`]s: the
//! server runs each through the same function as a command that opened the store itself
//! (on the server's `Repository`, so its writes are indexed and its exports see what the
//! server's search sees), and sends back everything that function said.
//!
//! Security: the socket is created owner-only (0600) inside a private (0700) folder and
//! only then moved into place, so no other account can connect, even for an instant; the
//! client refuses a socket that other accounts could use or that is not owned by the
//! owner of `DATA/store` (a planted socket would otherwise receive a password).
//!
//! Protocol, one connection per command:
//! - request: one JSON line, the [`Operation`] (`{"command":"token_add","email":...}`);
//!   an `import` is followed by the file's bytes (`size` of them).
//! - response: [`Frame`]s, each one JSON line: `{"stdout":"line"}`, `{"stderr":"line"}`,
//!   `{"progress":...}`, `"begin"` (the output file starts), `{"data":N}` followed by N
//!   raw bytes of the output file, `"end"` (put the output file in place), and last
//!   `{"exit":STATUS}`.

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::Shutdown;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use super::operations::{self, Console, Operation, Progress, Status, FAILURE};
use super::terminal::Terminal;
use crate::service::Repository;

/// The socket's file name inside the data directory.
const SOCKET: &str = "control.sock";
/// Longest request line accepted.
const MAX_REQUEST_BYTES: u64 = 64 * 1024;
/// Output bytes sent per `data` frame (at most).
const DATA_FRAME_BYTES: usize = 64 * 1024;
/// Largest `data` frame a client accepts.
const MAX_DATA_FRAME_BYTES: usize = 1024 * 1024;

/// One piece of a command's answer.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Frame {
    Stdout(String),
    Stderr(String),
    Progress(Progress),
    Begin,
    Data(usize),
    End,
    Exit(Status),
}

/// A listening control socket; the socket file is removed when this is dropped.
pub struct ControlSocket {
    path: PathBuf,
}

impl ControlSocket {
    /// Listens on `DATA/control.sock` in a background thread; each connection runs one
    /// operator command on `repository` in a thread of its own. The socket holds the
    /// repository weakly: once the server has stopped and let it go, a command is refused.
    pub fn start(data: &Path, repository: &Arc<Repository>) -> anyhow::Result<ControlSocket> {
        let path = data.join(SOCKET);
        let listener = bind_private(data, &path)?;
        let repository = Arc::downgrade(repository);
        std::thread::Builder::new()
            .name("control".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let repository = repository.clone();
                    let spawned = std::thread::Builder::new()
                        .name("control-command".into())
                        .spawn(move || answer(stream, &repository));
                    if let Err(error) = spawned {
                        tracing::warn!("cannot run a control command: {error}");
                    }
                }
            })
            .context("cannot start the control thread")?;
        Ok(ControlSocket { path })
    }
}

impl Drop for ControlSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Binds the socket in a new owner-only folder of `data`, makes it owner-only, then moves
/// it to `path` (replacing a stale socket: this process holds the store's lock).
fn bind_private(data: &Path, path: &Path) -> anyhow::Result<UnixListener> {
    let private = tempfile::Builder::new()
        .prefix(".control-")
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir_in(data)
        .with_context(|| format!("cannot create a folder in {}", data.display()))?;
    let bound = private.path().join(SOCKET);
    let listener = UnixListener::bind(&bound)
        .with_context(|| format!("cannot listen on {}", bound.display()))?;
    std::fs::set_permissions(&bound, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot restrict {}", bound.display()))?;
    std::fs::rename(&bound, path)
        .with_context(|| format!("cannot listen on {}", path.display()))?;
    Ok(listener)
}

/// Reads one request from `stream`, runs it and sends its answer; a client that hangs
/// up early stops its command at the next thing it says.
fn answer(stream: UnixStream, repository: &Weak<Repository>) {
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    let read = reader.by_ref().take(MAX_REQUEST_BYTES).read_line(&mut line);
    let mut console = Remote::new(&stream);
    // serde's message may quote the request (a password): it is not passed on.
    let request = read
        .ok()
        .and_then(|_| serde_json::from_str::<Operation>(&line).ok());
    drop(line);
    let repository = repository.upgrade();
    let status = match (request, repository) {
        (Some(_), None) => {
            let _ = console
                .err("error: the server is stopping; run the command again once it has stopped");
            FAILURE
        }
        (None, _) => {
            let _ = console.err(
                "error: the server did not understand the request (is it another version of lessons?)",
            );
            FAILURE
        }
        (Some(operation), Some(repository)) => {
            tracing::info!(command = operation.name(), "control socket command");
            let size = match &operation {
                Operation::Import { size, .. } => *size,
                _ => 0,
            };
            let mut input = reader.by_ref().take(size);
            match operations::run(&repository, operation, &mut input, &mut console) {
                Ok(status) => status,
                Err(error) => {
                    let _ = console.err(&format!("error: {error:#}"));
                    FAILURE
                }
            }
        }
    };
    let _ = console.send(&Frame::Exit(status));
    let _ = console.out.flush();
}

/// The server's console for one command: everything becomes frames on the socket.
struct Remote<'a> {
    out: BufWriter<&'a UnixStream>,
    /// Output bytes not yet sent.
    data: Vec<u8>,
    /// Progress: the length, and the last position sent.
    length: u64,
    shown: u64,
}

impl<'a> Remote<'a> {
    fn new(stream: &'a UnixStream) -> Remote<'a> {
        Remote {
            out: BufWriter::new(stream),
            data: Vec::new(),
            length: 0,
            shown: 0,
        }
    }

    fn send(&mut self, frame: &Frame) -> anyhow::Result<()> {
        self.send_data()?;
        self.write_frame(frame)
    }

    fn write_frame(&mut self, frame: &Frame) -> anyhow::Result<()> {
        let mut line = serde_json::to_vec(frame)?;
        line.push(b'\n');
        self.out
            .write_all(&line)
            .context("the operator's command hung up")?;
        if !matches!(frame, Frame::Data(_)) {
            self.out.flush().context("the operator's command hung up")?;
        }
        Ok(())
    }

    fn send_data(&mut self) -> anyhow::Result<()> {
        if self.data.is_empty() {
            return Ok(());
        }
        self.write_frame(&Frame::Data(self.data.len()))?;
        self.out
            .write_all(&self.data)
            .context("the operator's command hung up")?;
        self.data.clear();
        Ok(())
    }
}

impl Console for Remote<'_> {
    fn out(&mut self, line: &str) -> anyhow::Result<()> {
        self.send(&Frame::Stdout(line.to_string()))
    }

    fn err(&mut self, line: &str) -> anyhow::Result<()> {
        self.send(&Frame::Stderr(line.to_string()))
    }

    fn progress(&mut self, progress: Progress) {
        match progress {
            Progress::Start { length, .. } => {
                self.length = length;
                self.shown = 0;
            }
            // About 200 updates at most, whatever the length.
            Progress::At(position)
                if position != self.length
                    && position.saturating_sub(self.shown) < (self.length / 200).max(1) =>
            {
                return
            }
            Progress::At(position) => self.shown = position,
            Progress::Done => {}
        }
        let _ = self.send(&Frame::Progress(progress));
    }

    fn begin_output(&mut self) -> anyhow::Result<()> {
        self.send(&Frame::Begin)
    }

    fn output(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.data.extend_from_slice(bytes);
        if self.data.len() >= DATA_FRAME_BYTES {
            self.send_data()?;
        }
        Ok(())
    }

    fn end_output(&mut self) -> anyhow::Result<()> {
        self.send(&Frame::End)
    }
}

/// Runs `operation` on the server that holds `data`, through its control socket:
/// `input` (an import's file and its size) is sent after the request, and the answer is
/// shown on `terminal`. The command's exit status.
pub fn request(
    data: &Path,
    operation: &Operation,
    input: Option<(std::fs::File, u64)>,
    terminal: &mut Terminal,
) -> anyhow::Result<Status> {
    let path = data.join(SOCKET);
    let stream = connect(data, &path)?;
    let mut request = serde_json::to_vec(operation)?;
    request.push(b'\n');
    (&stream)
        .write_all(&request)
        .context("cannot send the command to the server")?;
    drop(request);
    // The file is sent from a thread of its own, so that the answer (progress) is read
    // while it goes.
    let sender = match input {
        Some((file, size)) => {
            let mut socket = stream
                .try_clone()
                .context("cannot send the file to the server")?;
            Some(std::thread::spawn(move || {
                let sent = std::io::copy(&mut file.take(size), &mut socket);
                let _ = socket.shutdown(Shutdown::Write);
                sent
            }))
        }
        None => None,
    };
    let status = read_answer(&stream, terminal);
    if let Some(sender) = sender {
        match sender.join() {
            Ok(Err(error)) if status.is_ok() => {
                bail!("cannot send the file to the server: {error}")
            }
            _ => {}
        }
    }
    status
}

/// Shows the server's frames on `terminal` until the exit status.
fn read_answer(stream: &UnixStream, terminal: &mut Terminal) -> anyhow::Result<Status> {
    let mut reader = BufReader::new(stream);
    let mut header = String::new();
    loop {
        header.clear();
        let read = reader
            .read_line(&mut header)
            .context("the server stopped answering")?;
        if read == 0 {
            bail!("the server stopped before the command finished (was it stopped?)");
        }
        let frame: Frame =
            serde_json::from_str(&header).context("the server's answer cannot be read")?;
        match frame {
            Frame::Stdout(line) => terminal.out(&line)?,
            Frame::Stderr(line) => terminal.err(&line)?,
            Frame::Progress(progress) => terminal.progress(progress),
            Frame::Begin => terminal.begin_output()?,
            Frame::Data(length) if length > MAX_DATA_FRAME_BYTES => {
                bail!("the server's answer cannot be read (a frame of {length} bytes)")
            }
            Frame::Data(length) => {
                let mut bytes = vec![0; length];
                reader
                    .read_exact(&mut bytes)
                    .context("the server stopped answering")?;
                terminal.output(&bytes)?;
            }
            Frame::End => terminal.end_output()?,
            Frame::Exit(status) => return Ok(status),
        }
    }
}

/// Connects to the control socket at `path` once it is known to be the server's own.
fn connect(data: &Path, path: &Path) -> anyhow::Result<UnixStream> {
    let not_answering = || {
        format!(
            "the data directory {} is in use by another lessons process, which does not answer on {} (a command such as reindex or restore? wait until it ends)",
            data.display(),
            path.display()
        )
    };
    let socket = std::fs::symlink_metadata(path).with_context(not_answering)?;
    let store = std::fs::metadata(data.join("store"))
        .with_context(|| format!("cannot read {}", data.join("store").display()))?;
    if !socket.file_type().is_socket() {
        bail!("refusing to use {}: it is not a socket", path.display());
    }
    if socket.mode() & 0o077 != 0 {
        bail!(
            "refusing to use {}: other accounts may use it (mode {:o}); restart the server to recreate it",
            path.display(),
            socket.mode() & 0o777
        );
    }
    if socket.uid() != store.uid() {
        bail!(
            "refusing to use {}: it belongs to another account than {}",
            path.display(),
            data.join("store").display()
        );
    }
    UnixStream::connect(path).with_context(not_answering)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::terminal::Destination;

    /// What a command says on the server's console arrives whole and in order: output
    /// larger than one frame lands in the file, and the exit status comes last.
    #[test]
    fn frames_carry_output_messages_and_the_status() {
        let (server, client) = UnixStream::pair().unwrap();
        let bytes: Vec<u8> = (0..3 * DATA_FRAME_BYTES + 17)
            .map(|n| (n % 251) as u8)
            .collect();
        let sent = bytes.clone();
        let speaker = std::thread::spawn(move || {
            let mut console = Remote::new(&server);
            console.progress(Progress::Start {
                length: sent.len() as u64,
                unit: super::super::operations::Unit::Bytes,
            });
            console.begin_output().unwrap();
            for chunk in sent.chunks(1000) {
                console.output(chunk).unwrap();
                console.progress(Progress::At(chunk.len() as u64));
            }
            console.end_output().unwrap();
            console.progress(Progress::Done);
            console.err("written").unwrap();
            console.send(&Frame::Exit(3)).unwrap();
        });
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("out.bin");
        let mut terminal = Terminal::with_output(Destination::File(path.clone()));
        let status = read_answer(&client, &mut terminal).unwrap();
        speaker.join().unwrap();
        assert_eq!(status, 3);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }

    /// An answer cut short is an error, and the output file is not put in place.
    #[test]
    fn an_answer_cut_short_leaves_no_file() {
        let (server, client) = UnixStream::pair().unwrap();
        {
            let mut console = Remote::new(&server);
            console.begin_output().unwrap();
            console.output(b"half").unwrap();
            console.send(&Frame::Stderr("still going".into())).unwrap();
        }
        drop(server);
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("out.csv");
        let mut terminal = Terminal::with_output(Destination::File(path.clone()));
        let error = read_answer(&client, &mut terminal).unwrap_err();
        assert!(error.to_string().contains("stopped"), "{error}");
        drop(terminal);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0);
    }

    /// A request that is not one (or of another version) is refused without echoing it.
    #[test]
    fn a_request_that_cannot_be_read_is_refused_without_echoing_it() {
        let (server, client) = UnixStream::pair().unwrap();
        let repository = Weak::new();
        (&client)
            .write_all(b"{\"command\":\"user_add\",\"password\":12345678901}\n")
            .unwrap();
        answer(server, &repository);
        let mut answer_text = String::new();
        (&client).read_to_string(&mut answer_text).unwrap();
        assert!(!answer_text.contains("12345678901"), "{answer_text}");
        assert!(answer_text.contains("did not understand"), "{answer_text}");
        assert!(answer_text.ends_with("{\"exit\":1}\n"), "{answer_text}");
    }
}
