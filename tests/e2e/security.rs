//! Four findings of a black-box probe (issue 14), each as the behaviour that closes it:
//!
//! - **Existence oracle**: a review the caller may not read (another board's draft, or
//!   its review published under an embargo) answers every route exactly as a review that
//!   does not exist: 404 with the same error code. 403 only where the review is public.
//! - **Host-header links**: with `--site-url`, every absolute link (feed, API docs,
//!   OpenAPI document) starts with it, whatever `Host`, `X-Forwarded-Host` or `Forwarded`
//!   say; without it, a host that is not a plain host name never reaches a body.
//! - **Activity counters**: public answers (`/healthz`, `/metrics` with
//!   `--public-metrics`) carry nothing that moves with unpublished work; admins still
//!   see every series.
//! - **Download names**: `Content-Disposition` of an original file is ASCII, with a
//!   plain `filename` fallback and an RFC 6266 / RFC 5987 `filename*` holding the stored
//!   name without control or bidirectional-override characters.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};

use crate::hostile::Client;
use crate::support::{
    add_barsetshire, add_board, board_server, run_cli, temp_data, user_with_token, write_lines,
    BoardServer, Server,
};
use crate::upload::{multipart, post};

/// An id of the right shape that no review has.
const MISSING: &str = "scr-2010-nowhere-0001";

/// A valid review body for `board`.
fn review_body(board: &str, word: &str) -> Value {
    json!({
        "title": format!("Serious Case Review: Child {word}"), "board": board, "incident": "serious_harm",
        "themes": ["neglect"], "agencies": ["school"],
        "summary": format!("Teachers noticed the {word} drawings and told the school nurse."),
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "themes": ["voice_of_the_child"],
                      "text": format!("The {word} drawings should have been shared.") }]
    })
}

/// `method path` with a bearer token and an optional JSON body: the status and the
/// JSON `error.code` (or what the body was, when it is not a JSON error).
fn answer(
    server: &Server,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> (u16, String) {
    let request = ureq::request(method, &server.url(path))
        .timeout(Duration::from_secs(30))
        .set("Authorization", &format!("Bearer {token}"));
    let result = match body {
        Some(body) => request.send_json(body.clone()),
        None => request.call(),
    };
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("{method} {path}: {error}"),
    };
    let status = response.status();
    let text = response.into_string().unwrap_or_default();
    let code = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
        .unwrap_or_else(|| format!("(no JSON error: {:.60})", text));
    (status, code)
}

/// Deposits `body` as `token` and returns the new review's id.
fn deposit(server: &Server, token: &str, body: &Value) -> String {
    let (status, created) = server.send("POST", "/api/v1/reviews", Some(token), Some(body));
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_string()
}

/// Publishes `id` with the publish body `body`.
fn publish(server: &Server, token: &str, id: &str, body: Value) {
    let (status, published) = server.send(
        "POST",
        &format!("/api/v1/reviews/{id}/publish"),
        Some(token),
        Some(&body),
    );
    assert_eq!(status, 200, "{published}");
}

/// One request on `/api/v1/reviews/{id}{suffix}`, sent for several ids.
struct Probe {
    method: &'static str,
    suffix: &'static str,
    body: Option<Value>,
    note: &'static str,
}

impl Probe {
    fn new(method: &'static str, suffix: &'static str) -> Probe {
        Probe {
            method,
            suffix,
            body: None,
            note: "",
        }
    }

    fn with(self, body: Value, note: &'static str) -> Probe {
        Probe {
            body: Some(body),
            note,
            ..self
        }
    }

    /// Status and error code for the review `id`.
    fn send(&self, server: &Server, id: &str, token: &str) -> (u16, String) {
        let path = format!("/api/v1/reviews/{id}{}", self.suffix);
        answer(server, self.method, &path, token, self.body.as_ref())
    }

    /// How a problem names this probe on the review called `what`.
    fn name(&self, what: &str) -> String {
        let note = if self.note.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.note)
        };
        format!("{} {{{what}}}{}{note}", self.method, self.suffix)
    }
}

#[test]
fn another_boards_hidden_review_answers_exactly_as_a_missing_one() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    add_board(&data, "wessex", "Wessex LSCB");
    let ours = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let theirs_email = "officer@wessex.example";
    let theirs = user_with_token(&data, theirs_email, Some("wessex"), "depositor");
    let server = Server::start(&data, false);

    // Board A (barsetshire): a draft and a review under embargo, each with an original
    // file, and a public review.
    let with_file = |word: &str| {
        let metadata = json!({ "title": format!("Serious Case Review: Child {word}"),
                               "board": "barsetshire", "incident": "death" });
        let text = format!("Executive summary\n\nThe {word} drawings were seen at school.\n");
        let (status, created) = post(
            &server,
            &ours,
            &multipart(
                Some(&metadata),
                &[(&format!("{word}.txt"), None, text.as_bytes())],
            ),
        );
        assert_eq!(status, 201, "{created}");
        created["id"].as_str().unwrap().to_string()
    };
    let draft = with_file("kestrel");
    let embargoed = with_file("merlin");
    publish(
        &server,
        &ours,
        &embargoed,
        json!({"anonymisation_checked": true, "embargo_until": "2099-01-01"}),
    );
    let public = deposit(&server, &ours, &review_body("barsetshire", "hobby"));
    publish(
        &server,
        &ours,
        &public,
        json!({"anonymisation_checked": true}),
    );
    // They exist, with their files: their board reads them.
    for id in [&draft, &embargoed] {
        for suffix in ["", "/file", "/revisions", "/revisions/1"] {
            let path = format!("/api/v1/reviews/{id}{suffix}");
            let (status, code) = answer(&server, "GET", &path, &ours, None);
            assert_eq!(status, 200, "{path} for its own board: {code}");
        }
    }

    // Board B's token: every route answers a hidden review as it answers a missing one.
    let probes: Vec<Probe> = vec![
        Probe::new("GET", ""),
        Probe::new("GET", "/revisions"),
        Probe::new("GET", "/revisions/1"),
        Probe::new("PUT", "").with(review_body("barsetshire", "kestrel"), "board A's body"),
        Probe::new("PUT", "").with(review_body("wessex", "kestrel"), "board B's body"),
        Probe::new("POST", "/publish").with(json!({"anonymisation_checked": true}), ""),
        Probe::new("POST", "/withdraw").with(json!({"reason": "Published in error"}), ""),
        Probe::new("POST", "/findings/1/actions").with(
            json!({"text": "Audit.", "owner": "police", "due": "2030-01-01"}),
            "",
        ),
        Probe::new("PATCH", "/actions/A1").with(json!({"status": "completed"}), ""),
        Probe::new("GET", "/file"),
    ];
    let mut problems = Vec::new();
    for probe in &probes {
        let missing = probe.send(&server, MISSING, &theirs);
        if missing != (404, "not_found".to_string()) {
            problems.push(format!(
                "{}: {} {} (404 not_found expected)",
                probe.name("missing"),
                missing.0,
                missing.1
            ));
        }
        for (what, id) in [("draft", &draft), ("embargoed", &embargoed)] {
            let hidden = probe.send(&server, id, &theirs);
            if hidden != missing || hidden.0 != 404 {
                problems.push(format!(
                    "{}: {} {}, but {} {} for a missing review",
                    probe.name(what),
                    hidden.0,
                    hidden.1,
                    missing.0,
                    missing.1
                ));
            }
        }
    }

    // Board B signed in: the review screen is a 404 page for both, as for a missing id.
    let mut browser = Client::new();
    browser.sign_in(&server, theirs_email);
    for (what, id) in [
        ("draft", draft.as_str()),
        ("embargoed", embargoed.as_str()),
        ("missing", MISSING),
    ] {
        let page = browser.get(&server.url(&format!("/my/reviews/{id}")));
        if page.status != 404 {
            problems.push(format!(
                "GET /my/reviews/{{{what}}} signed in as board B: {} (404 expected)",
                page.status
            ));
        }
    }

    // A public review's existence is no secret: board B may not change it (403).
    let public_probes = std::iter::once(Probe::new("GET", "/revisions"))
        .chain(probes.into_iter().filter(|p| p.method != "GET"));
    for probe in public_probes {
        let got = probe.send(&server, &public, &theirs);
        if got != (403, "forbidden".to_string()) {
            problems.push(format!(
                "{}: {} {} (403 forbidden expected)",
                probe.name("public"),
                got.0,
                got.1
            ));
        }
    }

    // Nothing board B sent changed anything.
    for id in [&draft, &embargoed, &public] {
        let (_, history) = server.send(
            "GET",
            &format!("/api/v1/reviews/{id}/revisions"),
            Some(&ours),
            None,
        );
        let revisions = history.as_array().map(Vec::len).unwrap_or(0);
        let expected = if id == &draft { 1 } else { 2 };
        assert_eq!(revisions, expected, "{id}: {history}");
    }
    assert!(
        problems.is_empty(),
        "another board can tell a hidden review from a missing one:\n{}",
        problems.join("\n")
    );
}

/// One published review, imported with the CLI into a new data folder with a board.
fn data_with_a_public_review() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let file = dir.path().join("one.jsonl");
    write_lines(&file, &[review_body("barsetshire", "kestrel").to_string()]);
    let imported = run_cli(&data, &["import", file.to_str().unwrap()]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    (dir, data)
}

/// GET `path` with extra request headers: status and body.
fn get_with(server: &Server, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = ureq::get(&server.url(path)).timeout(Duration::from_secs(30));
    for (name, value) in headers {
        request = request.set(name, value);
    }
    match request.call() {
        Ok(response) => (response.status(), response.into_string().unwrap()),
        Err(ureq::Error::Status(code, response)) => (code, response.into_string().unwrap()),
        Err(error) => panic!("GET {path}: {error}"),
    }
}

/// The absolute links of an Atom feed: every `href` and every `<id>`.
fn feed_links(xml: &str) -> std::collections::BTreeSet<String> {
    let mut links = std::collections::BTreeSet::new();
    for (open, close) in [("href=\"", "\""), ("<id>", "</id>")] {
        let mut rest = xml;
        while let Some(start) = rest.find(open) {
            rest = &rest[start + open.len()..];
            let end = rest.find(close).unwrap_or(rest.len());
            links.insert(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    links
}

#[test]
fn absolute_links_never_come_from_the_request_host() {
    let (_dir, data) = data_with_a_public_review();
    let site = "https://lessons.example.org";
    let server = Server::start_with(&data, &["--site-url", site]);
    let mut problems = Vec::new();
    for headers in [
        [("Host", "evil.example")],
        [("X-Forwarded-Host", "evil.example")],
        [("Forwarded", "host=evil.example")],
    ] {
        let sent = format!("{}: {}", headers[0].0, headers[0].1);
        for path in ["/feeds/reviews.atom", "/api", "/api/openapi.json"] {
            let (status, body) = get_with(&server, path, &headers);
            assert_eq!(status, 200, "{path} with {sent}: {body:.300}");
            if body.contains("evil.example") {
                problems.push(format!("{path} with {sent}: the body names evil.example"));
            }
        }
        let (_, feed) = get_with(&server, "/feeds/reviews.atom", &headers);
        assert!(feed.contains("<entry>"), "the public review is in the feed");
        for link in feed_links(&feed) {
            if !link.starts_with(&format!("{site}/")) {
                problems.push(format!("the feed with {sent} links to {link}"));
            }
        }
        let (_, docs) = get_with(&server, "/api", &headers);
        if !docs.contains(&format!("{site}/api/v1/search")) {
            problems.push(format!(
                "/api with {sent}: the examples do not use {site}/api/v1/search"
            ));
        }
    }
    drop(server);

    // Without --site-url, a forwarded host that is not a plain host name is not echoed:
    // links fall back to localhost, as citations already do.
    let server = Server::start(&data, false);
    let strange = [("X-Forwarded-Host", "evil.example<script>")];
    for path in ["/feeds/reviews.atom", "/api", "/api/openapi.json"] {
        let (status, body) = get_with(&server, path, &strange);
        assert_eq!(status, 200, "{path}: {body:.300}");
        if body.contains("evil.example") {
            problems.push(format!(
                "{path} without --site-url, X-Forwarded-Host: evil.example<script>: the body names evil.example"
            ));
        }
    }
    let (_, feed) = get_with(&server, "/feeds/reviews.atom", &strange);
    for link in feed_links(&feed) {
        if !link.starts_with("http://localhost/") {
            problems.push(format!(
                "the feed without --site-url, X-Forwarded-Host: evil.example<script>, links to {link}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "absolute links follow the request's host:\n{}",
        problems.join("\n")
    );
}

/// A draft deposited and then updated (revision 2) by the board's depositor.
fn draft_and_update(server: &Server, token: &str) -> String {
    let id = deposit(server, token, &review_body("barsetshire", "kestrel"));
    let (status, updated) = server.send(
        "PUT",
        &format!("/api/v1/reviews/{id}"),
        Some(token),
        Some(&review_body("barsetshire", "merlin")),
    );
    assert_eq!(status, 200, "{updated}");
    id
}

#[test]
fn healthz_does_not_move_with_unpublished_work() {
    let BoardServer {
        dir: _dir,
        data: _,
        token,
        server,
    } = board_server();
    let (status, before) = server.get("/healthz");
    assert_eq!(status, 200);
    draft_and_update(&server, &token);
    let (status, after) = server.get("/healthz");
    assert_eq!(status, 200);
    assert_eq!(
        before, after,
        "/healthz changed with a draft and its update"
    );
}

/// GET /metrics, anonymously or with a token: status and text.
fn scrape(server: &Server, token: Option<&str>) -> (u16, String) {
    let mut request = ureq::get(&server.url("/metrics")).timeout(Duration::from_secs(30));
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    match request.call() {
        Ok(response) => (response.status(), response.into_string().unwrap()),
        Err(ureq::Error::Status(code, response)) => (code, response.into_string().unwrap()),
        Err(error) => panic!("GET /metrics: {error}"),
    }
}

#[test]
fn public_metrics_do_not_count_unpublished_work() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let depositor = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let admin = user_with_token(&data, "ops@lessons.example", None, "admin");
    let server = Server::start_with(&data, &["--public-metrics"]);

    // Unpublished work, and the pages around it; then a public search.
    let id = draft_and_update(&server, &depositor);
    let (status, _) = answer(
        &server,
        "GET",
        &format!("/api/v1/reviews/{id}/revisions"),
        &depositor,
        None,
    );
    assert_eq!(status, 200);
    for path in ["/my", "/deposit", "/admin/audit"] {
        server.get(path);
    }
    server.search(&[("q", "neglect")]);

    // What everyone sees.
    let (status, public) = scrape(&server, None);
    assert_eq!(status, 200, "{public}");
    let unpublished_work = [
        "method=\"POST\"",
        "method=\"PUT\"",
        "method=\"PATCH\"",
        "lessons_index_reviews_applied",
        "lessons_index_update_duration",
        "lessons_data_bytes",
        "lessons_index_sequence",
        "route=\"/my",
        "route=\"/deposit",
        "route=\"/admin",
        "route=\"/api/v1/reviews/{id}/revisions",
    ];
    let mut problems = Vec::new();
    for needle in unpublished_work {
        let lines: Vec<&str> = public.lines().filter(|l| l.contains(needle)).collect();
        if let Some(first) = lines.first() {
            problems.push(format!("{needle}: {} line(s), e.g. {first}", lines.len()));
        }
    }
    assert!(public.contains("lessons_reviews_public"), "{public}");
    assert!(
        public
            .lines()
            .any(|l| l.starts_with("lessons_http_requests_total{")
                && l.contains("method=\"GET\"")
                && l.contains("route=\"/api/v1/search\"")),
        "the public search is counted: {public}"
    );

    // What an admin sees: all of it.
    let (status, full) = scrape(&server, Some(&admin));
    assert_eq!(status, 200, "{full}");
    for needle in [
        "method=\"POST\"",
        "method=\"PUT\"",
        "lessons_index_reviews_applied",
        "lessons_index_update_duration",
        "lessons_data_bytes",
        "lessons_index_sequence",
        "route=\"/my\"",
        "route=\"/api/v1/reviews/{id}/revisions\"",
        "lessons_reviews_public",
    ] {
        assert!(full.contains(needle), "the admin's metrics lack {needle}");
    }
    assert!(
        problems.is_empty(),
        "anonymous /metrics shows unpublished work:\n{}",
        problems.join("\n")
    );
}

/// Bidirectional formatting characters that reorder how a name is displayed.
const BIDI: &[char] = &[
    '\u{200E}', '\u{200F}', '\u{061C}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// `name` without control and bidirectional formatting characters: what a download
/// may show of it.
fn safe(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control() && !BIDI.contains(c))
        .collect()
}

/// GET `path` over a bare socket, so that a header that is not ASCII comes back as
/// the bytes that were sent: the status line and the raw value of header `name`.
fn raw_header(server: &Server, path: &str, token: &str, name: &str) -> (String, Option<Vec<u8>>) {
    let addr = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("a connection");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let mut lines = bytes[..end].split(|b| *b == b'\n');
    let status = String::from_utf8_lossy(lines.next().unwrap_or_default())
        .trim()
        .to_string();
    let value = lines.find_map(|line| {
        let colon = line.iter().position(|b| *b == b':')?;
        let (key, value) = line.split_at(colon);
        String::from_utf8_lossy(key)
            .eq_ignore_ascii_case(name)
            .then(|| value[1..].trim_ascii().to_vec())
    });
    (status, value)
}

/// The parameters of a `Content-Disposition` value after its type, names lower-cased;
/// values as written (a quoted one without its quotes).
pub fn parameters(mut rest: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    loop {
        rest = rest.trim_start_matches([';', ' ', '\t']);
        if rest.is_empty() {
            return found;
        }
        let Some((name, after)) = rest.split_once('=') else {
            found.push((rest.trim().to_ascii_lowercase(), String::new()));
            return found;
        };
        let (value, next) = match after.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted.find('"').unwrap_or(quoted.len());
                (&quoted[..end], quoted.get(end + 1..).unwrap_or(""))
            }
            None => {
                let end = after.find(';').unwrap_or(after.len());
                (after[..end].trim(), &after[end..])
            }
        };
        found.push((name.trim().to_ascii_lowercase(), value.to_string()));
        rest = next;
    }
}

/// RFC 5987 `ext-value` (`UTF-8''percent-encoded`) decoded, or why it is not one.
fn decode_ext_value(value: &str) -> Result<String, String> {
    let (charset, rest) = value
        .split_once('\'')
        .ok_or_else(|| format!("no charset in {value:?}"))?;
    if !charset.eq_ignore_ascii_case("UTF-8") {
        return Err(format!("charset {charset:?}, not UTF-8"));
    }
    let (_language, encoded) = rest
        .split_once('\'')
        .ok_or_else(|| format!("no language part in {value:?}"))?;
    let mut bytes = Vec::new();
    let mut chars = encoded.bytes();
    while let Some(b) = chars.next() {
        match b {
            b'%' => {
                let hex: Vec<u8> = chars.by_ref().take(2).collect();
                let hex = std::str::from_utf8(&hex).map_err(|e| e.to_string())?;
                let byte = u8::from_str_radix(hex, 16)
                    .map_err(|_| format!("bad escape %{hex} in {value:?}"))?;
                bytes.push(byte);
            }
            b if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) => bytes.push(b),
            other => {
                return Err(format!(
                    "{:?} must be percent-encoded in {value:?}",
                    other as char
                ))
            }
        }
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))
}

/// What is wrong with `raw`, the `Content-Disposition` of a file stored as `stored`.
fn disposition_problems(raw: &[u8], stored: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let shown = text.escape_debug().to_string();
    let mut problems = Vec::new();
    if !raw.is_ascii() {
        problems.push(format!("not ASCII: {shown}"));
    }
    let (kind, rest) = text.split_once(';').unwrap_or((&text, ""));
    if !kind.trim().eq_ignore_ascii_case("attachment") {
        problems.push(format!("not an attachment: {shown}"));
    }
    let parameters = parameters(rest);
    let named = |name: &str| -> Vec<&String> {
        parameters
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v)
            .collect()
    };
    match named("filename").as_slice() {
        [fallback] => {
            if fallback.is_empty()
                || !fallback.chars().all(|c| (' '..='~').contains(&c))
                || fallback.contains('\\')
                || !fallback.ends_with(".txt")
            {
                problems.push(format!(
                    "the fallback filename {:?} is not a printable ASCII name ending .txt without quotes or backslashes",
                    fallback
                ));
            }
        }
        other => problems.push(format!("{} filename parameters: {shown}", other.len())),
    }
    let expected = safe(stored);
    match named("filename*").as_slice() {
        [extended] => match decode_ext_value(extended) {
            Ok(decoded) if decoded == expected => {}
            Ok(decoded) => problems.push(format!(
                "filename* decodes to {:?}, not {:?}",
                decoded, expected
            )),
            Err(why) => problems.push(format!("filename*: {why}")),
        },
        other => problems.push(format!("{} filename* parameters: {shown}", other.len())),
    }
    problems
}

#[test]
fn download_names_are_ascii_with_an_rfc_6266_utf8_name() {
    let BoardServer {
        dir: _dir,
        data: _,
        token,
        server,
    } = board_server();
    let reversed = "child\u{202E}fdp.txt";
    let accented = "r\u{e9}sum\u{e9} \u{201c}A\u{201d}.txt";
    let metadata = json!({ "title": "Serious Case Review: Child R", "board": "barsetshire",
                           "incident": "death" });
    let (status, review) = post(
        &server,
        &token,
        &multipart(
            Some(&metadata),
            &[
                (
                    reversed,
                    None,
                    b"Executive summary\n\nThe school saw the drawings.\n",
                ),
                (
                    accented,
                    None,
                    b"Executive summary\n\nThe nurse saw the drawings.\n",
                ),
            ],
        ),
    );
    assert_eq!(status, 201, "{review}");
    let id = review["id"].as_str().unwrap();
    let stored: Vec<&str> = review["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["filename"].as_str().unwrap())
        .collect();
    // The names as stored: today the upload keeps them whole, the override included;
    // it may drop control and bidi characters, nothing else.
    let shown: Vec<String> = stored.iter().map(|name| safe(name)).collect();
    assert_eq!(shown, [safe(reversed), safe(accented)], "{stored:?}");

    let mut problems = Vec::new();
    for (n, name) in stored.iter().enumerate() {
        let path = format!("/api/v1/reviews/{id}/files/{}", n + 1);
        let (status, disposition) = raw_header(&server, &path, &token, "content-disposition");
        assert!(status.contains(" 200 "), "{path}: {status}");
        let disposition = disposition.unwrap_or_else(|| panic!("{path}: no Content-Disposition"));
        for problem in disposition_problems(&disposition, name) {
            problems.push(format!("file {} ({name:?}): {problem}", n + 1));
        }
    }
    // The accented name and its curly quotes survive whole in filename*.
    assert_eq!(shown[1], "r\u{e9}sum\u{e9} \u{201c}A\u{201d}.txt");
    assert!(
        problems.is_empty(),
        "unsafe download names:\n{}",
        problems.join("\n")
    );
}
