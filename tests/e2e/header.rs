//! The header of every page says who is signed in: with a session, the email and a
//! sign-out form carrying the session's CSRF token; with an API token, the email and no
//! button; anonymous, neither. Pages shown to a credentialed caller stay private
//! (`Cache-Control: private, no-store`).

use serde_json::json;

use crate::hostile::{hidden, Client, Fetched};
use crate::support::{add_barsetshire, temp_data, user_with_token, Server};

const EMAIL: &str = "officer@barsetshire.example";
const ADMIN: &str = "admin@lessons.example";

/// Whether `page` shows `email` as signed in, and the CSRF token of its sign-out form.
fn header_of(page: &str, email: &str) -> (bool, Option<String>) {
    let shows = page.contains("Signed in as <strong>") && page.contains(email);
    let button = page
        .find("action=\"/logout\"")
        .map(|at| hidden(&page[at..], "csrf"));
    (shows, button)
}

fn assert_private(path: &str, answer: &Fetched) {
    assert_eq!(answer.status, 200, "{path}");
    assert_eq!(
        answer.header("cache-control"),
        "private, no-store",
        "{path} is private"
    );
}

#[test]
fn every_page_says_who_is_signed_in() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let token = user_with_token(&data, EMAIL, Some("barsetshire"), "depositor");
    let admin = user_with_token(&data, ADMIN, None, "admin");
    let server = Server::start(&data, false);
    let review = json!({
        "title": "Serious Case Review: Child W", "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" }, "themes": ["neglect"], "agencies": ["school"],
        "commissioned_on": "2011-01-10", "completed_on": "2011-09-30",
        "summary": "The school saw neglect of Child W over two winters.",
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "themes": ["neglect"],
                      "text": "Agencies should share what they see of neglect in the winter months." }]
    });
    let (status, created) = server.send("POST", "/api/v1/reviews", Some(&token), Some(&review));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let (status, published) = server.send(
        "POST",
        &format!("/api/v1/reviews/{id}/publish"),
        Some(&token),
        Some(&json!({ "anonymisation_checked": true })),
    );
    assert_eq!(status, 200, "{published}");

    let pages = [
        "/".to_string(),
        "/search?q=neglect".to_string(),
        format!("/reviews/{id}"),
        "/help".to_string(),
        "/themes".to_string(),
        "/themes/neglect".to_string(),
        "/insights".to_string(),
        "/progress".to_string(),
        "/api".to_string(),
        "/codebook".to_string(),
        format!("/similar?to={id}%23L1"),
    ];

    // Anonymous: no one is signed in, and there is no button.
    let mut anonymous = Client::new();
    for path in &pages {
        let answer = anonymous.get(&server.url(path));
        assert_eq!(answer.status, 200, "{path}");
        let page = answer.text();
        assert!(!page.contains("Signed in as"), "{path}");
        assert!(!page.contains("action=\"/logout\""), "{path}");
    }
    let search = anonymous.get(&server.url("/search?q=neglect")).text();
    assert!(search.contains("Child W"), "the search finds the review");

    // With a session: the email and a sign-out form with the session's CSRF token.
    let mut browser = Client::new();
    browser.sign_in(&server, EMAIL);
    let my = browser.get(&server.url("/my")).text();
    let csrf = hidden(&my, "csrf");
    // `/my` words durations as the search results do.
    assert!(
        my.contains("completed in ") && my.contains("over the six-month target"),
        "{my}"
    );
    assert!(!my.contains("(over six)"));
    for path in pages.iter().map(String::as_str).chain(["/login"]) {
        let answer = browser.get(&server.url(path));
        assert_private(path, &answer);
        let (shows, button) = header_of(&answer.text(), EMAIL);
        assert!(shows, "{path} says who is signed in");
        assert_eq!(
            button.as_deref(),
            Some(csrf.as_str()),
            "{path}: sign-out form"
        );
    }

    // With an API token: the email, and no button (there is no session to end).
    let mut caller = Client::new();
    for path in &pages {
        let answer = caller.send("GET", &server.url(path), Some(&token), None);
        assert_private(path, &answer);
        let (shows, button) = header_of(&answer.text(), EMAIL);
        assert!(shows, "{path} says who is calling");
        assert_eq!(button, None, "{path}: no sign-out button for a token");
    }
    let audit = caller.send("GET", &server.url("/admin/audit"), Some(&admin), None);
    assert_private("/admin/audit", &audit);
    assert_eq!(header_of(&audit.text(), ADMIN), (true, None));

    // Signed out, the header is anonymous again.
    let out = browser.post_form(&server.url("/logout"), &[("csrf", &csrf)]);
    assert_eq!(out.status, 303);
    let page = browser.get(&server.url("/help")).text();
    assert!(!page.contains("Signed in as"));
}
