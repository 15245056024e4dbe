//! The command line: boards, import with good and bad lines, data-dir errors.

use serde_json::json;

use crate::support::{add_barsetshire, run_cli, temp_data, write_lines, Server};

fn good_review(title: &str) -> serde_json::Value {
    json!({
        "title": title, "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "under_1", "sex": "male" },
        "themes": ["bruising_in_non_mobile_infants"], "agencies": ["health_visiting"],
        "commissioned_on": "2008-01-10", "completed_on": "2008-06-30", "published_on": "2008-09-01",
        "summary": "The health visitor saw a bruise on the cheek of a baby who was not yet mobile; a quokka toy was found.",
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "Bruising in a baby who is not yet mobile must always lead to a referral." }]
    })
}

#[test]
fn import_reports_bad_lines_and_keeps_good_ones() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);

    let mut bad = good_review("Serious Case Review: Child Z");
    bad["themes"] = json!(["negelct"]);
    let file = dir.path().join("reviews.jsonl");
    write_lines(
        &file,
        &[
            good_review("Serious Case Review: Child Q").to_string(),
            bad.to_string(),
            "{not json".to_string(),
        ],
    );

    let output = run_cli(&data, &["import", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "a bad line makes the import fail");
    assert!(
        stderr.contains("line 2") && stderr.contains("themes[0]") && stderr.contains("negelct"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 3") && stderr.contains("not valid JSON"),
        "{stderr}"
    );
    assert!(stderr.contains("imported 1 review"), "{stderr}");

    let server = Server::start(&data, false);
    let body = server.search(&[("q", "quokka")]);
    assert_eq!(body["total"], 1);
    assert_eq!(body["hits"][0]["title"], "Serious Case Review: Child Q");
    let id = body["hits"][0]["id"].as_str().unwrap().to_string();

    // A review as GET returns it imports unchanged (into another data dir).
    let (_, fetched) = server.json(&format!("/api/v1/reviews/{id}"));
    drop(server);
    let (other_dir, other) = temp_data();
    add_barsetshire(&other);
    let again = other_dir.path().join("again.jsonl");
    write_lines(&again, &[fetched.to_string()]);
    let output = run_cli(&other, &["import", again.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let server = Server::start(&other, false);
    let (_, copy) = server.json(&format!("/api/v1/reviews/{id}"));
    for key in [
        "title",
        "summary",
        "lessons",
        "themes",
        "child",
        "published_on",
        "region",
        "status",
    ] {
        assert_eq!(copy[key], fetched[key], "{key}");
    }
}

#[test]
fn import_of_an_unknown_board_names_the_field() {
    let (dir, data) = temp_data();
    let file = dir.path().join("one.jsonl");
    write_lines(
        &file,
        &[good_review("Serious Case Review: Child Y").to_string()],
    );
    let output = run_cli(&data, &["import", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("line 1") && stderr.contains("board") && stderr.contains("unknown board"),
        "{stderr}"
    );
}

#[test]
fn bad_board_and_data_dir_errors_exit_non_zero() {
    let (dir, data) = temp_data();
    let output = run_cli(
        &data,
        &[
            "board", "add", "Bad Slug", "--name", "", "--region", "atlantis",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("slug") && stderr.contains("name") && stderr.contains("region"),
        "{stderr}"
    );

    let missing = run_cli(
        &data,
        &["import", dir.path().join("missing.jsonl").to_str().unwrap()],
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot open"));

    let stranger = dir.path().join("stranger");
    std::fs::create_dir_all(&stranger).unwrap();
    std::fs::write(stranger.join("notes.txt"), "not a data dir").unwrap();
    let output = run_cli(&stranger, &["reindex"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a Lessons data directory"));
}

#[test]
fn a_search_concurrency_out_of_range_is_refused_before_serving() {
    let (_dir, data) = temp_data();
    for bad in ["0", "1025", "many"] {
        let output = run_cli(&data, &["serve", "--search-concurrency", bad]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{bad}: {stderr}");
        assert!(stderr.contains("--search-concurrency"), "{bad}: {stderr}");
    }
}

#[test]
fn a_data_dir_in_use_is_refused_clearly() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data, true);
    let output = run_cli(&data, &["reindex"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("in use by another lessons process"),
        "{stderr}"
    );
    drop(server);
    let output = run_cli(&data, &["reindex"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("reindexed 68 reviews"));
}
