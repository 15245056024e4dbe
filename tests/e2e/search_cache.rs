//! The search result cache never serves an answer from before a change: the same
//! request, asked before and after a publish, an amendment and a withdrawal, answers
//! what the repository holds at that moment; with `--search-cache 0` nothing is kept.
//! Searches taking turns (`--search-concurrency 1`) answer as they do alone.

use serde_json::{json, Value};

use crate::support::*;

fn draft(word: &str) -> Value {
    json!({
        "title": "Serious Case Review: Child Kestrel", "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" }, "themes": ["neglect"],
        "commissioned_on": "2011-01-10", "completed_on": "2011-09-30",
        "summary": format!("The health visitor saw the {word} drawings."),
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "Share what the child draws." }]
    })
}

fn total(server: &Server, word: &str) -> u64 {
    server.search(&[("q", word)])["total"].as_u64().unwrap()
}

fn repeated_searches_follow_every_change(options: &[&str]) {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let token = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let server = Server::start_with(&data, options);
    assert_eq!(total(&server, "zanzibarine"), 0);
    assert_eq!(total(&server, "zanzibarine"), 0, "asked twice");

    let (status, created) = server.send(
        "POST",
        "/api/v1/reviews",
        Some(&token),
        Some(&draft("zanzibarine")),
    );
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(total(&server, "zanzibarine"), 0, "a draft is not public");
    let (status, body) = server.send(
        "POST",
        &format!("/api/v1/reviews/{id}/publish"),
        Some(&token),
        Some(&json!({"anonymisation_checked": true})),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        total(&server, "zanzibarine"),
        1,
        "read your writes after a publish"
    );

    let (status, body) = server.send(
        "PUT",
        &format!("/api/v1/reviews/{id}"),
        Some(&token),
        Some(&draft("marmalade")),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        total(&server, "zanzibarine"),
        0,
        "the amended text no longer holds it"
    );
    assert_eq!(total(&server, "marmalade"), 1);

    let (status, body) = server.send(
        "POST",
        &format!("/api/v1/reviews/{id}/withdraw"),
        Some(&token),
        Some(&json!({"reason": "Published in error."})),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        total(&server, "marmalade"),
        0,
        "a withdrawn review is gone at once"
    );
}

#[test]
fn cached_searches_never_answer_from_before_a_change() {
    repeated_searches_follow_every_change(&[]);
}

#[test]
fn searches_without_a_cache_answer_the_same() {
    repeated_searches_follow_every_change(&["--search-cache", "0"]);
}

/// With one search computed at a time and no cache, many searches at once all wait
/// their turn and answer what they answer alone.
#[test]
fn concurrent_searches_taking_turns_answer_as_alone() {
    let (_dir, data) = temp_data();
    let server = Server::start_with(
        &data,
        &["--demo", "--search-concurrency", "1", "--search-cache", "0"],
    );
    let words = ["neglect", "health visitor", "bruising", "housing", "school"];
    let alone: Vec<Value> = words
        .iter()
        .map(|w| server.search(&[("q", w)])["total"].clone())
        .collect();
    assert!(alone.iter().any(|t| t.as_u64() > Some(0)), "{alone:?}");
    std::thread::scope(|scope| {
        for start in 0..8 {
            let (server, words, alone) = (&server, &words, &alone);
            scope.spawn(move || {
                for i in 0..words.len() {
                    let n = (start + i) % words.len();
                    let total = &server.search(&[("q", words[n])])["total"];
                    assert_eq!(total, &alone[n], "{}", words[n]);
                }
            });
        }
    });
}
