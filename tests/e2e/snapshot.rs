//! `lessons dump` and `lessons restore`: the demo corpus dumps, restores into an empty
//! data directory and dumps again to the same file; hidden reviews and original files
//! stay out of a dump; restored reviews keep their ids, revisions and times and are
//! searchable; bad dumps and non-empty data directories are refused, writing nothing.

use std::path::Path;

use serde_json::{json, Value};

use crate::support::{
    add_barsetshire, all_hits, ids, run_cli, temp_data, user_with_token, write_lines, Server,
};
use crate::upload::{multipart, post};

/// Runs `lessons dump --output FILE` on `data` and returns the file's lines.
fn dump(data: &Path, file: &Path) -> Vec<String> {
    let output = run_cli(data, &["dump", "--output", file.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(file).expect("the dump is written");
    assert!(text.ends_with('\n'));
    text.lines().map(str::to_string).collect()
}

/// Runs `lessons restore FILE` into `data`: success and standard error.
fn restore(data: &Path, file: &Path) -> (bool, String) {
    let output = run_cli(data, &["restore", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.success(), stderr)
}

fn parse(line: &str) -> Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}

/// A header without its time, which is all that may differ between two dumps.
fn without_time(header: &str) -> Value {
    let mut header = parse(header);
    let time = header.as_object_mut().unwrap().remove("generated_at");
    assert!(time.unwrap().as_str().unwrap().ends_with('Z'));
    header
}

/// A review as the API gives it, less what a dump leaves out: the files, and on each
/// finding the derived `recurring`, and a recommendation's progress and overdue flag
/// (worked out on the day they are read).
fn without_files(review: &Value) -> Value {
    let mut review = review.clone();
    review.as_object_mut().unwrap().remove("files");
    for lesson in review["lessons"].as_array_mut().unwrap() {
        let lesson = lesson.as_object_mut().unwrap();
        lesson.remove("progress");
        lesson.remove("overdue");
        lesson.remove("recurring");
    }
    review
}

#[test]
fn the_demo_corpus_dumps_restores_and_dumps_again_to_the_same_file() {
    let (dir, data) = temp_data();
    let server = Server::start(&data, true);
    let public = ids(&all_hits(&server, &[("q", "")]));
    let query = [("q", "bruising"), ("view", "lessons")];
    let bruising = server.search(&query)["total"].clone();
    let first_id = public.iter().next().unwrap().clone();
    let (_, fetched) = server.json(&format!("/api/v1/reviews/{first_id}"));
    drop(server);

    let first = dir.path().join("first.ndjson");
    let lines = dump(&data, &first);
    let header = parse(&lines[0]);
    assert_eq!(
        (&header["format"], &header["version"], &header["reviews"]),
        (&json!("lessons-dump"), &json!(1), &json!(68))
    );
    let slugs: Vec<&str> = header["boards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs.len(), 25);
    assert!(slugs.windows(2).all(|w| w[0] < w[1]), "boards by slug");
    let reviews: Vec<Value> = lines[1..].iter().map(|l| parse(l)).collect();
    let dumped: Vec<String> = reviews
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert!(dumped.windows(2).all(|w| w[0] < w[1]), "reviews by id");
    assert_eq!(
        dumped
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>(),
        public
    );
    assert!(reviews.iter().all(|r| r.get("files").is_none()));
    assert_eq!(reviews[0], without_files(&fetched));
    std::fs::copy(&first, dir.path().join("lessons-dump.ndjson")).unwrap();
    if let Some(printed) = run_python_example(dir.path()) {
        assert!(printed.starts_with("68 reviews, "), "{printed}");
    }

    let restored = dir.path().join("restored");
    let (ok, stderr) = restore(&restored, &first);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("restored 68 reviews and 25 boards"),
        "{stderr}"
    );
    let again = dump(&restored, &dir.path().join("second.ndjson"));
    assert_eq!(again[1..], lines[1..], "the same reviews, byte for byte");
    assert_eq!(without_time(&again[0]), without_time(&lines[0]));

    let server = Server::start(&restored, false);
    assert_eq!(ids(&all_hits(&server, &[("q", "")])), public);
    assert_eq!(server.search(&query)["total"], bruising);
    let (status, copy) = server.json(&format!("/api/v1/reviews/{first_id}"));
    assert_eq!(status, 200);
    assert_eq!(copy, fetched);
}

/// Runs the Python example of `docs/dump-format.md` in `dir` (which holds
/// `lessons-dump.ndjson`) and returns what it prints; `None` without Python outside CI.
fn run_python_example(dir: &Path) -> Option<String> {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/dump-format.md");
    let docs = std::fs::read_to_string(docs).expect("docs/dump-format.md");
    let start = docs.find("```python\n").expect("a Python example") + "```python\n".len();
    let length = docs[start..].find("```").expect("the end of the example");
    let output = std::process::Command::new("python3")
        .args(["-c", &docs[start..start + length]])
        .current_dir(dir)
        .output();
    let Ok(output) = output else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the dump test needs python3 in CI"
        );
        eprintln!("\n*** PYTHON EXAMPLE SKIPPED: python3 is not installed ***\n");
        return None;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).expect("UTF-8"))
}

fn review(word: &str, status: &str, embargo: Option<&str>) -> Value {
    let mut review = json!({
        "title": format!("Serious Case Review: Child {word}"), "board": "barsetshire", "incident": "death",
        "status": status, "themes": ["neglect"], "published_on": "2012-03-01",
        "summary": format!("The {word} was mentioned in every assessment."),
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": format!("Ask about the {word}.") }]
    });
    if let Some(embargo) = embargo {
        review["embargo_until"] = json!(embargo);
    }
    review
}

#[test]
fn hidden_reviews_and_original_files_stay_out_and_ids_are_not_reissued() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let mixed = dir.path().join("mixed.jsonl");
    let lines: Vec<String> = [
        review("aardvark", "published", None),
        review("bilby", "draft", None),
        review("cassowary", "withdrawn", None),
        review("dugong", "published", Some("2099-01-01")),
        review("echidna", "published", Some("2010-01-01")),
    ]
    .iter()
    .map(Value::to_string)
    .collect();
    write_lines(&mixed, &lines);
    assert!(run_cli(&data, &["import", mixed.to_str().unwrap()])
        .status
        .success());
    let token = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );

    // A deposited original, published, then amended: revision 3.
    let server = Server::start(&data, false);
    let mut metadata = review("wombat", "draft", None);
    metadata.as_object_mut().unwrap().remove("summary");
    let text = b"Executive summary\n\nThe wombat was mentioned in every assessment.\n";
    let (status, deposited) = post(
        &server,
        &token,
        &multipart(Some(&metadata), &[("wombat.txt", None, text)]),
    );
    assert_eq!(status, 201, "{deposited}");
    let id = deposited["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/reviews/{id}");
    let publish =
        json!({ "anonymisation_checked": true, "public_files": [1], "anonymised_files": [1] });
    let (status, published) = server.send(
        "POST",
        &format!("{path}/publish"),
        Some(&token),
        Some(&publish),
    );
    assert_eq!(status, 200, "{published}");
    let mut amended = without_files(&published);
    amended["keywords"] = json!(["burrow"]);
    assert_eq!(
        server.send("PUT", &path, Some(&token), Some(&amended)).0,
        200
    );
    let (_, fetched) = server.json(&path);
    assert_eq!(fetched["revision"], 3);
    assert_eq!(fetched["files"].as_array().unwrap().len(), 1);
    assert_eq!(server.get(&format!("{path}/file")).0, 200);
    drop(server);

    let file = dir.path().join("public.ndjson");
    let dumped = dump(&data, &file);
    let text = dumped.join("\n");
    for hidden in ["bilby", "cassowary", "dugong", "wombat.txt", "sha256"] {
        assert!(!text.contains(hidden), "{hidden} is in the dump");
    }
    let titles: Vec<Value> = dumped[1..]
        .iter()
        .map(|l| parse(l)["title"].clone())
        .collect();
    assert_eq!(
        titles,
        [
            "Serious Case Review: Child aardvark",
            "Serious Case Review: Child echidna",
            "Serious Case Review: Child wombat"
        ]
    );
    assert_eq!(parse(&dumped[3]), without_files(&fetched));

    let restored = dir.path().join("restored");
    let (ok, stderr) = restore(&restored, &file);
    assert!(ok, "{stderr}");
    let token = user_with_token(&restored, "admin@example.org", None, "admin");
    let server = Server::start(&restored, false);
    let (_, copy) = server.json(&path);
    assert_eq!(without_files(&copy), without_files(&fetched));
    assert_eq!(
        copy["files"],
        json!([]),
        "the restored store holds no files"
    );
    assert_eq!(server.get(&format!("{path}/file")).0, 404);
    assert_eq!(server.search(&[("q", "wombat")])["total"], 1);
    assert_eq!(server.search(&[("q", "bilby")])["total"], 0);
    let (status, history) = server.send("GET", &format!("{path}/revisions"), Some(&token), None);
    assert_eq!(status, 200, "{history}");
    assert_eq!(history[0]["revision"], 3);
    assert_eq!(history[0]["action"], "restored");
    // The next deposit of the board takes the next number, never a restored one.
    let (status, next) = server.send(
        "POST",
        "/api/v1/reviews",
        Some(&token),
        Some(&review("yabby", "draft", None)),
    );
    assert_eq!(status, 201, "{next}");
    assert!(next["id"].as_str().unwrap().ends_with("-0007"), "{next}");
}

/// Standard output of `lessons dump --output -` on `data` says it holds nothing.
fn assert_empty(data: &Path) {
    let output = run_cli(data, &["dump", "--output", "-"]);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let header = parse(stdout.trim_end());
    assert_eq!(
        (&header["reviews"], &header["boards"]),
        (&json!(0), &json!([]))
    );
}

#[test]
fn bad_dumps_and_full_data_dirs_are_refused_and_nothing_is_written() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let reviews = dir.path().join("reviews.jsonl");
    let imported = [
        review("quoll", "published", None),
        review("numbat", "published", None),
    ];
    write_lines(
        &reviews,
        &imported.iter().map(Value::to_string).collect::<Vec<_>>(),
    );
    assert!(run_cli(&data, &["import", reviews.to_str().unwrap()])
        .status
        .success());
    let good_file = dir.path().join("good.ndjson");
    let good = dump(&data, &good_file);

    let newer = [
        good[0].replace("\"version\":1", "\"version\":2"),
        good[1].clone(),
        good[2].clone(),
    ];
    let truncated = [
        good[0].clone(),
        good[1].clone(),
        good[2][..good[2].len() / 2].to_string(),
    ];
    let short = [good[0].clone(), good[1].clone()];
    let draft = [
        good[0].clone(),
        good[1].replace("\"status\":\"published\"", "\"status\":\"draft\""),
        good[2].clone(),
    ];
    let cases: [(&str, &[String], &str); 5] = [
        (
            "newer",
            &newer,
            "unsupported dump version 2; this build reads version 1",
        ),
        ("truncated", &truncated, "line 3: not valid JSON"),
        (
            "short",
            &short,
            "the header announces 2 reviews but the file holds 1",
        ),
        (
            "draft",
            &draft,
            "line 2: status: a dump holds only public reviews (this one is draft)",
        ),
        ("import", &[imported[0].to_string()], "not a Lessons dump"),
    ];
    let target = dir.path().join("target");
    for (name, lines, expected) in cases {
        let file = dir.path().join(format!("{name}.ndjson"));
        std::fs::write(&file, lines.join("\n")).unwrap();
        let (ok, stderr) = restore(&target, &file);
        assert!(!ok, "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert_empty(&target);
    }

    let (ok, stderr) = restore(&target, &good_file);
    assert!(ok, "refusals left the data dir usable: {stderr}");
    for full in [&target, &data] {
        let (ok, stderr) = restore(full, &good_file);
        assert!(!ok);
        assert!(
            stderr.contains("is not empty (reviews: 2, boards: 1)"),
            "{stderr}"
        );
    }
    assert_eq!(
        dump(&target, &dir.path().join("again.ndjson"))[1..],
        good[1..]
    );
}
