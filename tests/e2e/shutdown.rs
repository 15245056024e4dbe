//! Graceful shutdown: a request still being received when SIGTERM arrives is answered
//! in full and its write is kept; new connections are refused at once; the process then
//! exits with status 0 well within the shutdown timeout, and a restart finds the review.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{board_server, run_cli, Server};

fn draft() -> Value {
    json!({
        "title": "Serious Case Review: Child Shutdown", "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" }, "themes": ["neglect"],
        "summary": "The health visitor saw the kestrel drawings on the last day before the move.",
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "themes": [],
                      "text": "Records should follow the family when it moves." }]
    })
}

fn sigterm(pid: u32) {
    let sent = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "SIGTERM was sent");
}

/// Whether a new connection to `addr` is refused (the listener is closed). A connection
/// the kernel still accepts but nobody serves counts as not refused.
fn refused(addr: SocketAddr) -> bool {
    match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
        Err(error) => error.kind() == ErrorKind::ConnectionRefused,
        Ok(_) => false,
    }
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits_cleanly() {
    let mut board = board_server();
    let addr: SocketAddr = board
        .server
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("a socket address");
    let body = serde_json::to_vec(&draft()).unwrap();
    let (first, rest) = body.split_at(body.len() / 2);

    // The headers and half of the body, then SIGTERM.
    let mut stream = TcpStream::connect(addr).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "POST /api/v1/reviews HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        board.token,
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(first).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let signalled = Instant::now();
    sigterm(board.server.pid());

    // No new connection is taken while the request in flight is finished.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !refused(addr) {
        assert!(
            Instant::now() < deadline,
            "new connections are still taken 20 s after SIGTERM"
        );
        assert!(
            board.server.wait_exit(Duration::ZERO).is_none(),
            "the server exited with a request in flight"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // The rest of the body: the write is answered in full.
    stream.write_all(rest).unwrap();
    stream.flush().unwrap();
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("the whole response, then the connection closes");
    assert!(
        response.starts_with("HTTP/1.1 201"),
        "the deposit is acknowledged: {response}"
    );
    let json_body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    let created: Value = serde_json::from_str(json_body).expect("a complete JSON body");
    let id = created["id"].as_str().expect("an id").to_string();

    // Then the process ends by itself, cleanly, within the shutdown timeout (30 s).
    let status = board
        .server
        .wait_exit(Duration::from_secs(45))
        .expect("the server exits after SIGTERM");
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
    assert!(
        signalled.elapsed() < Duration::from_secs(40),
        "the shutdown took {:?}",
        signalled.elapsed()
    );

    // The acknowledged review is in the store and the index.
    let check = run_cli(&board.data, &["check"]);
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let restarted = Server::start(&board.data, false);
    let (status, review) = restarted.send(
        "GET",
        &format!("/api/v1/reviews/{id}"),
        Some(&board.token),
        None,
    );
    assert_eq!(status, 200, "{review}");
    assert_eq!(review["title"], "Serious Case Review: Child Shutdown");
}

#[test]
fn sigterm_on_an_idle_server_exits_at_once_with_status_zero() {
    let mut board = board_server();
    // A keep-alive connection left open does not hold the shutdown for long.
    let (status, _) = board.server.get("/healthz");
    assert_eq!(status, 200);
    let started = Instant::now();
    sigterm(board.server.pid());
    let status = board
        .server
        .wait_exit(Duration::from_secs(45))
        .expect("the server exits after SIGTERM");
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "an idle server took {:?} to stop",
        started.elapsed()
    );
}
