//! The operator's control socket: `DATA/control.sock`, a Unix socket that `lessons serve`
//! listens on so that commands needing the open store can run while the server holds
//! it (sled allows one process per data directory). One command for now: `backup`.
//! The socket is readable and writable by its owner only, so only the account that runs
//! the service (or root) can use it.
//!
//! Protocol: one JSON line in (`{"command":"backup","output":"/abs/dir"}`), one JSON
//! line out (`{"ok":true,"report":{...}}` or `{"ok":false,"error":"..."}`).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use lessons_store::BackupReport;

use crate::service::BackupFn;
use serde::{Deserialize, Serialize};

/// The socket's file name inside the data directory.
const SOCKET: &str = "control.sock";
/// Longest request line accepted.
const MAX_REQUEST_BYTES: u64 = 64 * 1024;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
enum Request {
    Backup { output: PathBuf },
}

#[derive(Debug, Serialize, Deserialize)]
struct Response {
    ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    report: Option<BackupReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// A listening control socket; the socket file is removed when this is dropped.
pub struct ControlSocket {
    path: PathBuf,
}

impl ControlSocket {
    /// Listens on `DATA/control.sock` in a background thread; `backup` writes a backup
    /// of the open store into the folder it is given.
    pub fn start(data: &Path, backup: BackupFn) -> anyhow::Result<ControlSocket> {
        let path = data.join(SOCKET);
        // This process holds the store's lock, so a socket file left here is stale.
        if path.exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove the stale {}", path.display()))?;
        }
        let listener = UnixListener::bind(&path)
            .with_context(|| format!("cannot listen on {}", path.display()))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict {}", path.display()))?;
        std::thread::Builder::new()
            .name("control".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    answer(stream, &backup);
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

/// Reads one request from `stream` and writes its answer; a client that hangs up early
/// only loses its own answer.
fn answer(stream: UnixStream, backup: &BackupFn) {
    let mut line = String::new();
    let read = BufReader::new((&stream).take(MAX_REQUEST_BYTES)).read_line(&mut line);
    let response = match read.map_err(|e| e.to_string()).and_then(|_| {
        serde_json::from_str::<Request>(&line).map_err(|e| format!("not a request: {e}"))
    }) {
        Ok(Request::Backup { output }) => match backup(&output) {
            Ok(report) => Response {
                ok: true,
                report: Some(report),
                error: None,
            },
            Err(error) => failure(error.to_string()),
        },
        Err(error) => failure(error),
    };
    if let Ok(mut text) = serde_json::to_string(&response) {
        text.push('\n');
        let _ = (&stream).write_all(text.as_bytes());
    }
}

fn failure(error: String) -> Response {
    Response {
        ok: false,
        report: None,
        error: Some(error),
    }
}

/// Asks the server running on `data` to write a backup to `output`.
pub fn request_backup(data: &Path, output: &Path) -> anyhow::Result<BackupReport> {
    let path = data.join(SOCKET);
    let stream = UnixStream::connect(&path).with_context(|| {
        format!(
            "the data directory is in use, but its server does not answer on {}",
            path.display()
        )
    })?;
    let output = std::path::absolute(output)
        .with_context(|| format!("cannot resolve {}", output.display()))?;
    let mut request = serde_json::to_string(&Request::Backup { output })?;
    request.push('\n');
    (&stream)
        .write_all(request.as_bytes())
        .context("cannot send the request to the server")?;
    let mut line = String::new();
    BufReader::new(&stream)
        .read_line(&mut line)
        .context("the server did not answer")?;
    let response: Response =
        serde_json::from_str(&line).context("the server's answer cannot be read")?;
    match (response.ok, response.report, response.error) {
        (true, Some(report), _) => Ok(report),
        (_, _, Some(error)) => bail!("{error}"),
        _ => bail!("the server gave no report"),
    }
}
