//! Starting and stopping the real binary, and small HTTP helpers.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_lessons");

/// A running `lessons serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts the server on `data` (with `--demo` when asked) and waits for `/healthz`.
    pub fn start(data: &Path, demo: bool) -> Server {
        Server::start_with(data, if demo { &["--demo"] } else { &[] })
    }

    /// Starts the server on `data` with extra `serve` options.
    pub fn start_with(data: &Path, options: &[&str]) -> Server {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let mut args = vec![
            "--data".to_string(),
            data.display().to_string(),
            "serve".into(),
            "--addr".into(),
            addr.clone(),
        ];
        args.extend(options.iter().map(|o| o.to_string()));
        let child = Command::new(BIN)
            .args(&args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the lessons binary starts");
        let server = Server {
            child,
            base: format!("http://{addr}"),
        };
        server.wait_healthy();
        server
    }

    /// Starts `lessons serve --demo` on a new data folder under a watchdog shell that
    /// holds this process's end of a pipe: when this test process exits (however it
    /// exits), the pipe closes, and the shell stops the server and removes the folder.
    /// For a server that lives in a `static` (never dropped).
    fn start_watched_demo() -> Server {
        const WATCHDOG: &str = r#""$0" --data "$1/data" serve --addr "$2" --demo </dev/null &
server=$!
cat >/dev/null
kill "$server"
wait "$server"
rm -rf "$1""#;
        let folder = tempfile::tempdir().expect("a temp dir").keep();
        let addr = format!("127.0.0.1:{}", free_port());
        let child = Command::new("sh")
            .args(["-c", WATCHDOG, BIN])
            .arg(&folder)
            .arg(&addr)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the watchdog shell starts");
        let server = Server {
            child,
            base: format!("http://{addr}"),
        };
        server.wait_healthy();
        server
    }

    fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(response) = ureq::get(&self.url("/healthz"))
                .timeout(Duration::from_secs(2))
                .call()
            {
                if response.status() == 200 {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server did not become healthy within 60 s");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET `path`: status and body.
    pub fn get(&self, path: &str) -> (u16, String) {
        match ureq::get(&self.url(path))
            .timeout(Duration::from_secs(30))
            .call()
        {
            Ok(response) => (
                response.status(),
                response.into_string().expect("a text body"),
            ),
            Err(ureq::Error::Status(code, response)) => {
                (code, response.into_string().expect("a text body"))
            }
            Err(error) => panic!("GET {path} failed: {error}"),
        }
    }

    /// GET `path` as JSON.
    pub fn json(&self, path: &str) -> (u16, Value) {
        let (status, body) = self.get(path);
        let value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {body}"));
        (status, value)
    }

    /// GET a search and expect 200.
    pub fn search(&self, params: &[(&str, &str)]) -> Value {
        let path = format!("/api/v1/search?{}", query(params));
        let (status, body) = self.json(&path);
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A watched server (its watchdog holds a pipe from us): closing the pipe makes
        // the watchdog stop the server and clean up; killing the shell would not.
        if self.child.stdin.take().is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// One server on the demo corpus shared by every test that only reads it (started by the
/// first such test, stopped when the test process exits): loading the demo corpus costs
/// seconds, so tests that look at it from different sides share it instead of each
/// starting their own. A test that writes, or needs other `serve` options, starts its
/// own [`Server`].
pub fn shared_demo() -> &'static Server {
    static DEMO: OnceLock<Server> = OnceLock::new();
    DEMO.get_or_init(Server::start_watched_demo)
}

/// A URL query string from pairs.
pub fn query(params: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in params {
        serializer.append_pair(key, value);
    }
    serializer.finish()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// Runs `lessons --data DATA ARGS...` to completion.
pub fn run_cli(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("the lessons binary runs")
}

/// A fresh temporary data directory path (not yet created).
pub fn temp_data() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let data = dir.path().join("data");
    (dir, data)
}

/// Every hit of a search, across all pages.
pub fn all_hits(server: &Server, params: &[(&str, &str)]) -> Vec<Value> {
    let mut hits = Vec::new();
    for page in 1.. {
        let page = page.to_string();
        let mut with_page = params.to_vec();
        with_page.push(("per_page", "100"));
        with_page.push(("page", &page));
        let body = server.search(&with_page);
        let batch = body["hits"].as_array().cloned().unwrap_or_default();
        if batch.is_empty() {
            break;
        }
        // Matches only: a first page the matches do not fill ends with related documents.
        hits.extend(batch.into_iter().filter(|h| h["related"] != true));
    }
    hits
}

/// The ids of hits.
pub fn ids(hits: &[Value]) -> std::collections::BTreeSet<String> {
    hits.iter()
        .map(|h| h["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Adds the board `barsetshire` to a data dir with the CLI.
pub fn add_barsetshire(data: &Path) {
    add_board(data, "barsetshire", "Barsetshire LSCB");
}

/// Adds board `slug` (region south_west) to a data dir with the CLI.
pub fn add_board(data: &Path, slug: &str, name: &str) {
    let output = run_cli(
        data,
        &[
            "board",
            "add",
            slug,
            "--name",
            name,
            "--region",
            "south_west",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Writes one JSON Lines file.
pub fn write_lines(path: &Path, lines: &[String]) {
    let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
    std::fs::write(path, text).expect("the file is written");
}

/// Runs `lessons --data DATA ARGS...` with `input` on standard input.
pub fn run_cli_with_input(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the lessons binary runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("stdin is written");
    }
    child
        .wait_with_output()
        .expect("the lessons binary finishes")
}

/// Adds a user with the CLI and returns a new API token for them.
pub fn user_with_token(data: &Path, email: &str, board: Option<&str>, role: &str) -> String {
    let mut args = vec!["user", "add", email, "--role", role];
    if let Some(board) = board {
        args.extend(["--board", board]);
    }
    let added = run_cli_with_input(data, &args, "a long enough password\n");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let token = run_cli(data, &["token", "add", email]);
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    let stdout = String::from_utf8(token.stdout).expect("utf-8");
    assert_eq!(
        stdout.lines().count(),
        1,
        "the token alone on stdout: {stdout:?}"
    );
    stdout.trim().to_string()
}

impl Server {
    /// Sends `method path` with an optional bearer token and JSON body: status and JSON.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut request = ureq::request(method, &self.url(path)).timeout(Duration::from_secs(30));
        if let Some(token) = token {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        let result = match body {
            Some(body) => request.send_json(body.clone()),
            None => request.call(),
        };
        let (status, text) = match result {
            Ok(response) => (
                response.status(),
                response.into_string().expect("a text body"),
            ),
            Err(ureq::Error::Status(code, response)) => {
                (code, response.into_string().expect("a text body"))
            }
            Err(error) => panic!("{method} {path} failed: {error}"),
        };
        let value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text}"));
        (status, value)
    }

    /// Sends raw bytes with a content type: status and body text.
    pub fn send_raw(
        &self,
        method: &str,
        path: &str,
        token: &str,
        content_type: &str,
        body: &[u8],
    ) -> (u16, String) {
        let request = ureq::request(method, &self.url(path))
            .timeout(Duration::from_secs(30))
            .set("Authorization", &format!("Bearer {token}"))
            .set("Content-Type", content_type);
        match request.send_bytes(body) {
            Ok(response) => (
                response.status(),
                response.into_string().expect("a text body"),
            ),
            Err(ureq::Error::Status(code, response)) => {
                (code, response.into_string().expect("a text body"))
            }
            Err(error) => panic!("{method} {path} failed: {error}"),
        }
    }
}

/// A fresh data dir with the board `barsetshire`, one of its depositors and their API
/// token, and a server running on it.
pub struct BoardServer {
    pub dir: tempfile::TempDir,
    pub data: PathBuf,
    pub token: String,
    pub server: Server,
}

/// Starts a [`BoardServer`].
pub fn board_server() -> BoardServer {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let token = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let server = Server::start(&data, false);
    BoardServer {
        dir,
        data,
        token,
        server,
    }
}

impl Server {
    /// The server's process id (to send it signals).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `timeout` for the process to end on its own: its exit status, or
    /// `None` when it is still running.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Runs a Python script on `input`; `None` when Python (or `module`) is missing outside CI.
pub fn python_json(script: &str, input: &[u8], module: &str) -> Option<Value> {
    let child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        assert!(std::env::var_os("CI").is_none(), "python3 is needed in CI");
        eprintln!("\n*** PYTHON CHECK SKIPPED: python3 is not installed ***\n");
        return None;
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("stdin is written");
    let output = child.wait_with_output().expect("python3 runs");
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains(&format!("No module named '{module}'")) {
            assert!(std::env::var_os("CI").is_none(), "{module} is needed in CI");
            eprintln!("\n*** PYTHON CHECK SKIPPED: {module} is not installed ***\n");
            return None;
        }
        panic!("Python could not read it: {stderr}");
    }
    Some(serde_json::from_slice(&output.stdout).expect("the script's JSON"))
}
