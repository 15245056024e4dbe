//! `lessons check` on a real data directory: clean after a deposit with an original file
//! (exit 0, "ok"); an altered original file is named, exits 1, and `--repair` (which
//! rebuilds only the index) cannot clear it.

use serde_json::json;

use crate::support::{board_server, run_cli, BoardServer};
use crate::upload::{multipart, post};

#[test]
fn check_reports_an_altered_original_file_and_exits_non_zero() {
    let BoardServer {
        dir: _dir,
        data,
        token,
        server,
    } = board_server();
    let metadata = json!({ "title": "Serious Case Review: Child K", "board": "barsetshire",
                           "incident": "death", "child": { "age_band": "under_1", "sex": "male" } });
    let summary = b"Executive summary\n\nLessons learned\n\n1. Health visitors should ask who lives in the household.\n";
    let (status, review) = post(
        &server,
        &token,
        &multipart(Some(&metadata), &[("child-k.txt", None, summary)]),
    );
    assert_eq!(status, 201, "{review}");
    let sha = review["files"][0]["sha256"].as_str().unwrap().to_string();
    server.kill();

    let clean = run_cli(&data, &["check"]);
    let stdout = String::from_utf8_lossy(&clean.stdout);
    assert!(clean.status.success(), "{stdout}");
    assert!(
        stdout.contains("1 original files read; 0 problems"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("ok"), "{stdout}");

    std::fs::write(data.join("store").join("files").join(&sha), b"altered").unwrap();
    for args in [&["check"][..], &["check", "--repair"][..]] {
        let damaged = run_cli(&data, args);
        let stdout = String::from_utf8_lossy(&damaged.stdout);
        let stderr = String::from_utf8_lossy(&damaged.stderr);
        assert_eq!(damaged.status.code(), Some(1), "{args:?}: {stdout}{stderr}");
        assert!(
            stdout.contains(&format!("file {sha}: cannot be read")),
            "{stdout}"
        );
        assert!(stderr.contains("restore from a backup"), "{stderr}");
    }
}
