//! `lessons backup`: taken while the server runs and takes deposits (through the
//! control socket) and while it is stopped; the backup is a data directory that passes
//! `lessons check` and serves the same reviews; bad destinations are refused.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::support::{board_server, run_cli, temp_data, Server};

fn draft(n: usize) -> Value {
    json!({
        "title": format!("Serious Case Review: Child Wren {n}"), "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" }, "themes": ["neglect"],
        "commissioned_on": "2011-01-10", "completed_on": "2011-09-30",
        "summary": format!("The school saw wren{n} drawings."),
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "Share what the child draws." }]
    })
}

fn deposit_and_publish(server: &Server, token: &str, n: usize) {
    let (status, created) = server.send("POST", "/api/v1/reviews", Some(token), Some(&draft(n)));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, body) = server.send(
        "POST",
        &format!("/api/v1/reviews/{id}/publish"),
        Some(token),
        Some(&json!({"anonymisation_checked": true})),
    );
    assert_eq!(status, 200, "{body}");
}

fn succeeds(output: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

#[test]
fn an_online_backup_under_writes_restores_and_passes_check() {
    let board = board_server();
    for n in 0..3 {
        deposit_and_publish(&board.server, &board.token, n);
    }
    // Deposits go on while the backup is taken.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, base, token) = (stop.clone(), board.server.base.clone(), board.token.clone());
        std::thread::spawn(move || {
            let mut n = 100;
            while !stop.load(Ordering::Relaxed) {
                let response = ureq::post(&format!("{base}/api/v1/reviews"))
                    .set("Authorization", &format!("Bearer {token}"))
                    .send_json(draft(n));
                assert_eq!(response.map(|r| r.status()).unwrap_or(0), 201);
                n += 1;
            }
            n - 100
        })
    };
    let backup = board.dir.path().join("backup");
    let stderr = succeeds(&run_cli(
        &board.data,
        &["backup", "--output", backup.to_str().unwrap()],
    ));
    stop.store(true, Ordering::Relaxed);
    let written_during = writer.join().unwrap();
    assert!(stderr.contains("backed up"), "{stderr}");
    assert!(backup.join("BACKUP.json").is_file());
    assert!(!backup.join("control.sock").exists());

    // A second backup into the same folder is refused, and changes nothing there.
    let again = run_cli(
        &board.data,
        &["backup", "--output", backup.to_str().unwrap()],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    // The backup is a data directory: check passes, and it serves what it holds.
    succeeds(&run_cli(&backup, &["check"]));
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(backup.join("BACKUP.json")).unwrap()).unwrap();
    let held = manifest["reviews"].as_u64().unwrap();
    assert!(held >= 3 && held <= 3 + written_during as u64, "{manifest}");
    let restored = Server::start(&backup, false);
    assert_eq!(restored.search(&[("q", "wren")])["total"].as_u64(), Some(3));
    let (status, body) = restored.send(
        "GET",
        "/api/v1/reviews/scr-2011-barsetshire-0001",
        Some(&board.token),
        None,
    );
    assert_eq!(status, 200, "tokens travel in the backup: {body}");
}

#[test]
fn an_offline_backup_works_and_bad_places_are_refused() {
    let board = board_server();
    deposit_and_publish(&board.server, &board.token, 1);
    drop(board.server);
    let backup = board.dir.path().join("offline");
    succeeds(&run_cli(
        &board.data,
        &["backup", "--output", backup.to_str().unwrap()],
    ));
    succeeds(&run_cli(&backup, &["check"]));

    let nowhere = board.dir.path().join("no/such/folder");
    let refused = run_cli(
        &board.data,
        &["backup", "--output", nowhere.to_str().unwrap()],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("does not exist"));

    let (_empty, not_data) = temp_data();
    let refused = run_cli(&not_data, &["backup", "--output", backup.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a data directory"));
}
