//! Signing in with a session cookie, CSRF on forms, `/my`, and tokens made on the web.

use std::time::Duration;

use crate::support::{add_barsetshire, temp_data, user_with_token, Server};

struct Browser {
    agent: ureq::Agent,
    cookies: Vec<(String, String)>,
}

struct Page {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Browser {
    fn new() -> Browser {
        Browser {
            agent: ureq::AgentBuilder::new()
                .redirects(0)
                .timeout(Duration::from_secs(30))
                .build(),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, set_cookies: &[String]) {
        for header in set_cookies {
            let pair = header.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.retain(|(k, _)| k != name);
                if !value.is_empty() {
                    self.cookies.push((name.to_string(), value.to_string()));
                }
            }
        }
    }

    /// Posts a multipart body with this browser's cookies.
    fn post_multipart(&mut self, url: &str, boundary: &str, body: &[u8]) -> Page {
        let request = self
            .agent
            .post(url)
            .set("Cookie", &self.cookie_header())
            .set(
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            );
        let response = match request.send_bytes(body) {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(error) => panic!("POST {url}: {error}"),
        };
        Page {
            status: response.status(),
            location: response.header("location").map(str::to_string),
            set_cookies: Vec::new(),
            body: response.into_string().unwrap_or_default(),
        }
    }

    fn request(&mut self, method: &str, url: &str, form: Option<&[(&str, &str)]>) -> Page {
        let request = self
            .agent
            .request(method, url)
            .set("Cookie", &self.cookie_header());
        let result = match form {
            Some(pairs) => request.send_form(pairs),
            None => request.call(),
        };
        let response = match result {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(error) => panic!("{method} {url}: {error}"),
        };
        let page = Page {
            status: response.status(),
            location: response.header("location").map(str::to_string),
            set_cookies: response
                .all("set-cookie")
                .iter()
                .map(|s| s.to_string())
                .collect(),
            body: response.into_string().unwrap_or_default(),
        };
        self.remember(&page.set_cookies);
        page
    }
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name}"))
        + marker.len();
    body[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn sign_in_use_my_page_create_a_token_and_sign_out() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let api_token = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let server = Server::start(&data, false);
    let mut browser = Browser::new();

    let page = browser.request("GET", &server.url("/my"), None);
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/login?next=%2Fmy"));

    let form = browser.request("GET", &server.url("/login?next=%2Fmy"), None);
    assert_eq!(form.status, 200);
    let csrf = hidden(&form.body, "csrf");

    let wrong = browser.request(
        "POST",
        &server.url("/login"),
        Some(&[
            ("csrf", &csrf),
            ("next", "/my"),
            ("email", "officer@barsetshire.example"),
            ("password", "not the password"),
        ]),
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("not right"));

    let csrf = hidden(&wrong.body, "csrf");
    let forged = browser.request(
        "POST",
        &server.url("/login"),
        Some(&[
            ("csrf", "forged"),
            ("next", "/my"),
            ("email", "officer@barsetshire.example"),
            ("password", "a long enough password"),
        ]),
    );
    assert_eq!(forged.status, 403, "the sign-in form needs its CSRF cookie");

    let csrf = if forged.body.contains("name=\"csrf\"") {
        hidden(&forged.body, "csrf")
    } else {
        csrf
    };
    let signed = browser.request(
        "POST",
        &server.url("/login"),
        Some(&[
            ("csrf", &csrf),
            ("next", "//evil.example/"),
            ("email", "Officer@Barsetshire.example"),
            ("password", "a long enough password"),
        ]),
    );
    assert_eq!(signed.status, 303);
    assert_eq!(
        signed.location.as_deref(),
        Some("/my"),
        "only local redirects"
    );
    let session = signed
        .set_cookies
        .iter()
        .find(|c| c.starts_with("lessons_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );

    let my = browser.request("GET", &server.url("/my"), None);
    assert_eq!(my.status, 200);
    assert!(my.body.contains("officer@barsetshire.example") && my.body.contains("Drafts"));
    let session_csrf = hidden(&my.body, "csrf");

    let refused = browser.request(
        "POST",
        &server.url("/my/tokens"),
        Some(&[("csrf", "wrong"), ("label", "laptop")]),
    );
    assert_eq!(refused.status, 403);
    let made = browser.request(
        "POST",
        &server.url("/my/tokens"),
        Some(&[("csrf", &session_csrf), ("label", "laptop")]),
    );
    assert_eq!(made.status, 200);
    let start = made.body.find("lsn_").expect("the new token is shown");
    let token: String = made.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    assert_eq!(token.len(), 4 + 64);
    assert_eq!(
        server
            .send(
                "GET",
                "/api/v1/reviews/scr-1-x-1/revisions",
                Some(&token),
                None
            )
            .0,
        404
    );

    // A revoked token stops working at once.
    let listed = browser.request("GET", &server.url("/my"), None);
    let token_id = &token[4..12];
    assert!(listed
        .body
        .contains(&format!("/my/tokens/{token_id}/revoke")));
    let revoked = browser.request(
        "POST",
        &server.url(&format!("/my/tokens/{token_id}/revoke")),
        Some(&[("csrf", &session_csrf)]),
    );
    assert_eq!(revoked.status, 303);
    assert_eq!(
        server
            .send(
                "GET",
                "/api/v1/reviews/scr-1-x-1/revisions",
                Some(&token),
                None
            )
            .0,
        401
    );

    // API writes with the session cookie need its CSRF token in a header.
    let draft = serde_json::json!({ "title": "Serious Case Review: Child Y", "board": "barsetshire", "incident": "death" });
    let without = browser
        .agent
        .post(&server.url("/api/v1/reviews"))
        .set("Cookie", &browser.cookie_header())
        .send_json(draft.clone());
    assert!(
        matches!(without, Err(ureq::Error::Status(403, _))),
        "a cookie alone cannot write"
    );
    let with = browser
        .agent
        .post(&server.url("/api/v1/reviews"))
        .set("Cookie", &browser.cookie_header())
        .set("X-CSRF-Token", &session_csrf)
        .send_json(draft)
        .expect("201");
    assert_eq!(with.status(), 201);

    // An API token also opens HTML pages.
    let by_token = ureq::get(&server.url("/my"))
        .set("Authorization", &format!("Bearer {api_token}"))
        .call()
        .expect("200");
    assert_eq!(by_token.status(), 200);

    let out = browser.request(
        "POST",
        &server.url("/logout"),
        Some(&[("csrf", &session_csrf)]),
    );
    assert_eq!(out.status, 303);
    assert_eq!(browser.request("GET", &server.url("/my"), None).status, 303);
}

fn sign_in(server: &Server, browser: &mut Browser) {
    let form = browser.request("GET", &server.url("/login"), None);
    let csrf = hidden(&form.body, "csrf");
    let signed = browser.request(
        "POST",
        &server.url("/login"),
        Some(&[
            ("csrf", &csrf),
            ("next", "/my"),
            ("email", "officer@barsetshire.example"),
            ("password", "a long enough password"),
        ]),
    );
    assert_eq!(signed.status, 303);
}

#[test]
fn deposit_confirm_and_publish_through_the_web_forms() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let server = Server::start(&data, false);
    let mut browser = Browser::new();
    sign_in(&server, &mut browser);

    let form = browser.request("GET", &server.url("/deposit"), None);
    assert_eq!(form.status, 200);
    let csrf = hidden(&form.body, "csrf");
    let boundary = "web-form-boundary";
    let text = "Executive summary\n\nThe nursery saw Child N with a burn on the hand.\n\nRecommendations\n\n1. The nursery should report every unexplained injury to children's social care the same day.\n\n2. All agencies should use the Board's escalation policy when a referral is not accepted.\n";
    let mut body = String::new();
    for (name, value) in [
        ("csrf", csrf.as_str()),
        ("title", "Serious Case Review: Child N"),
        ("board", "barsetshire"),
        ("incident", "serious_harm"),
        ("age_band", "1_to_5"),
        ("sex", "female"),
        ("themes", "physical_abuse"),
        ("themes", "thresholds_and_escalation"),
        ("pseudonyms", "Child N"),
        ("commissioned_on", "2010-01-04"),
        ("completed_on", "2010-06-30"),
    ] {
        part(&mut body, name, value);
    }
    body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"child-n.txt\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n"));
    part(&mut body, "document_type", "executive_summary");
    body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n"));
    part(&mut body, "document_type", "action_plan");
    body.push_str(&format!("--{boundary}--\r\n"));

    let created = browser.post_multipart(&server.url("/deposit"), boundary, body.as_bytes());
    assert_eq!(created.status, 303, "{}", created.body);
    let edit_path = created.location.expect("a redirect to the review screen");
    assert!(edit_path.starts_with("/my/reviews/scr-"), "{edit_path}");

    let screen = browser.request("GET", &server.url(&edit_path), None);
    assert_eq!(screen.status, 200);
    assert!(screen.body.contains("burn on the hand") && screen.body.contains("(suggested)"));
    let csrf = hidden(&screen.body, "csrf");

    let refused = browser.request(
        "POST",
        &server.url(&format!("{edit_path}/publish")),
        Some(&[("csrf", &csrf), ("anonymisation_checked", "true")]),
    );
    assert_eq!(refused.status, 422, "suggestions are not confirmed yet");

    let saved = browser.request(
        "POST",
        &server.url(&edit_path),
        Some(&[
            ("csrf", &csrf), ("summary", text),
            ("state_0", "confirmed"), ("kind_0", "recommendation"), ("level_0", "individual"), ("agency_0", "early_years"), ("themes_0", "physical_abuse"), ("text_0", "The nursery should report every unexplained injury to children's social care the same day."),
            ("state_1", "confirmed"), ("kind_1", "recommendation"), ("level_1", "inter_agency"), ("agency_1", ""), ("themes_1", ""), ("text_1", "All agencies should use the Board's escalation policy when a referral is not accepted."),
            ("state_2", "delete"), ("kind_2", "lesson"), ("level_2", "inter_agency"), ("agency_2", ""), ("themes_2", ""), ("text_2", ""),
        ]),
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let published = browser.request(
        "POST",
        &server.url(&format!("{edit_path}/publish")),
        Some(&[
            ("csrf", &csrf),
            ("anonymisation_checked", "true"),
            ("embargo_until", ""),
        ]),
    );
    assert_eq!(published.status, 303, "{}", published.body);

    let id = edit_path.trim_start_matches("/my/reviews/");
    let (status, page) = server.get(&format!("/reviews/{id}"));
    assert_eq!(status, 200);
    assert!(page.contains("unexplained injury") && page.contains("Early years"));
    assert_eq!(server.search(&[("q", "burn hand")])["total"], 1);
}

fn part(body: &mut String, name: &str, value: &str) {
    let boundary = "web-form-boundary";
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
    ));
}

/// Posts the sign-in form for `email` with `password`.
fn attempt(server: &Server, browser: &mut Browser, email: &str, password: &str) -> Page {
    let form = browser.request("GET", &server.url("/login"), None);
    let csrf = hidden(&form.body, "csrf");
    browser.request(
        "POST",
        &server.url("/login"),
        Some(&[
            ("csrf", &csrf),
            ("next", "/my"),
            ("email", email),
            ("password", password),
        ]),
    )
}

#[test]
fn repeated_wrong_passwords_pause_signing_in_to_that_account() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    user_with_token(
        &data,
        "clerk@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let server = Server::start(&data, false);
    let mut browser = Browser::new();
    for _ in 0..5 {
        let page = attempt(
            &server,
            &mut browser,
            "officer@barsetshire.example",
            "guess",
        );
        assert_eq!(page.status, 401);
        assert!(page
            .body
            .contains("The email address or password is not right."));
    }
    // Now even the right password waits, with a clear message and no session.
    let page = attempt(
        &server,
        &mut browser,
        "Officer@Barsetshire.example",
        "a long enough password",
    );
    assert_eq!(page.status, 429);
    assert!(
        page.body.contains("Too many failed sign-in attempts")
            && page.body.contains("try again in 15 minutes"),
        "{}",
        page.body
    );
    assert!(page
        .set_cookies
        .iter()
        .all(|c| !c.starts_with("lessons_session=")));
    // Another account is not affected.
    let page = attempt(
        &server,
        &mut browser,
        "clerk@barsetshire.example",
        "a long enough password",
    );
    assert_eq!(page.status, 303);
}

#[test]
fn every_form_refuses_a_post_without_the_session_csrf_token() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let token = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let server = Server::start(&data, false);
    let draft = serde_json::json!({
        "title": "Serious Case Review: Child Finch", "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" }, "themes": ["neglect"],
        "commissioned_on": "2011-01-10", "completed_on": "2011-09-30", "summary": "Finch.",
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "Share." }]
    });
    let (status, created) = server.send("POST", "/api/v1/reviews", Some(&token), Some(&draft));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let mut browser = Browser::new();
    sign_in(&server, &mut browser);

    let forms = [
        "/logout".to_string(),
        "/my/tokens".to_string(),
        "/my/tokens/00000000/revoke".to_string(),
        format!("/my/reviews/{id}"),
        format!("/my/reviews/{id}/publish"),
        format!("/my/reviews/{id}/withdraw"),
        format!("/my/reviews/{id}/findings/1/actions"),
        format!("/my/reviews/{id}/actions/A1"),
    ];
    for path in &forms {
        for csrf in [None, Some("forged")] {
            let mut fields = vec![("label", "x"), ("summary", "changed")];
            if let Some(csrf) = csrf {
                fields.push(("csrf", csrf));
            }
            let page = browser.request("POST", &server.url(path), Some(&fields));
            assert_eq!(page.status, 403, "{path} with csrf {csrf:?}");
        }
    }
    let mut body = String::new();
    for (name, value) in [
        ("csrf", "forged"),
        ("title", "Serious Case Review: Child Forged"),
        ("board", "barsetshire"),
        ("incident", "serious_harm"),
        ("age_band", "1_to_5"),
        ("sex", "female"),
        ("themes", "neglect"),
        ("commissioned_on", "2010-01-04"),
        ("completed_on", "2010-06-30"),
    ] {
        part(&mut body, name, value);
    }
    body.push_str("--web-form-boundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"forged.txt\"\r\nContent-Type: text/plain\r\n\r\nExecutive summary\n\nA forged deposit.\r\n");
    part(&mut body, "document_type", "executive_summary");
    body.push_str("--web-form-boundary--\r\n");
    let page = browser.post_multipart(
        &server.url("/deposit"),
        "web-form-boundary",
        body.as_bytes(),
    );
    assert_eq!(page.status, 403, "/deposit");

    // Nothing changed: the review is still revision 1, no other review was made, and
    // the session still works.
    let (_, review) = server.send("GET", &format!("/api/v1/reviews/{id}"), Some(&token), None);
    assert_eq!(review["revision"], 1);
    let forged = format!("/api/v1/reviews/{}2", &id[..id.len() - 1]);
    assert_eq!(server.send("GET", &forged, Some(&token), None).0, 404);
    assert_eq!(browser.request("GET", &server.url("/my"), None).status, 200);
}
