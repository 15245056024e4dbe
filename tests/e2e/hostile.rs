//! Hostile text in every field a depositor (or an administrator) types: script and
//! markup payloads, template and SQL strings, spreadsheet formula starts, RIS, BibTeX and
//! XML breakers, control characters and newlines. Reviews carrying them are deposited
//! through the API (with an uploaded file whose name is hostile too), published, one
//! withdrawn with a hostile reason; then every page and export that can show them is
//! fetched. HTML pages are read by Python's `html.parser`: no script element, no event
//! handler attribute, no `javascript:` link, every element closed in order, and the
//! payloads readable as text; every HTML answer carries the security headers. Exports
//! are read back by real parsers (JSON, Python's csv, ElementTree and feedparser, RIS
//! and BibTeX record counts) and must give the text back exactly, or, in CSV, with a
//! leading `'` on free-text cells that would start a spreadsheet formula.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{python_json, query, run_cli, temp_data, user_with_token, Server};

/// Script and markup payloads, and strings that break other formats.
const PAYLOADS: &str = "<script>alert(1)</script> \"><img src=x onerror=alert(1)> \
    </textarea><svg onload=alert(1)> javascript:alert(1) {{7*7}} ${7*7} '; DROP TABLE reviews;-- \
    \r\nER  - \r\nTY  - JOUR\r\n} @misc{evil, title={x}} \\end ]]> & &amp; &lt;b&gt; \
    </title></style><!-- <![CDATA[ x ]]> \u{b}\u{c}\u{1} \n\nnext paragraph";

/// The first payload, as a page must show it (escaped in the markup, plain in the text).
const SCRIPT: &str = "<script>alert(1)</script>";

/// The board's name, typed by an administrator.
fn board_name() -> String {
    "=Barsetshire <script>alert(1)</script> \"Board\" }{ & \\ ER  - x".to_string()
}

/// A review whose every free-text field is hostile; `word` makes it findable.
fn hostile_review(word: &str) -> Value {
    json!({
        "title": format!("=HYPERLINK(\"http://x\",\"{word}\") zanzibar {PAYLOADS}"),
        "board": "barsetshire",
        "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" },
        "themes": ["neglect"],
        "agencies": ["school"],
        "commissioned_on": "2011-01-10",
        "completed_on": "2011-09-30",
        "pseudonyms": [format!("@SUM(A1) Child <b>{word}</b>"), "-1 Child \"Q\" </textarea>"],
        "keywords": [format!("+1 zanzibar {word} </textarea><svg onload=alert(1)>"), "javascript:alert(1)", "'; DROP TABLE reviews;--", "}"],
        "summary": format!("+cmd|' /C calc'!A0 zanzibar {word} drawings. {PAYLOADS}"),
        "lessons": [
            { "kind": "lesson", "level": "inter_agency", "themes": ["voice_of_the_child"],
              "text": format!("-1+1 zanzibar {word} drawings were not shared. {PAYLOADS}") },
            { "kind": "recommendation", "level": "individual", "agency": "school", "themes": [],
              "text": format!("@SUM(A1) the school should share zanzibar {word} drawings. {PAYLOADS}") },
            { "kind": "good_practice", "level": "inter_agency", "themes": [],
              "text": format!("\t=1+1 zanzibar {word} drawings were kept. {PAYLOADS}") }
        ]
    })
}

/// The file name of the upload (quotes and angle brackets are replaced when stored).
const FILE_NAME: &str = "=cmd <svg onload=alert(1)> ]]> & {x} .txt";

const BOUNDARY: &str = "hostile-boundary-4b1d";

fn multipart(metadata: &Value, filename: &str, text: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{metadata}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\nexecutive_summary\r\n\
         --{BOUNDARY}--\r\n"
    )
    .into_bytes()
}

/// An answer: status, headers (lower-case names) and body.
pub struct Fetched {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Fetched {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    pub fn is_html(&self) -> bool {
        self.header("content-type").starts_with("text/html")
    }
}

/// A client without redirects, with a cookie jar.
pub struct Client {
    agent: ureq::Agent,
    pub cookies: BTreeMap<String, String>,
}

impl Client {
    pub fn new() -> Client {
        Client {
            agent: ureq::AgentBuilder::new()
                .redirects(0)
                .timeout(Duration::from_secs(60))
                .build(),
            cookies: BTreeMap::new(),
        }
    }

    /// Sends `method url` with the cookies, an optional bearer token and body.
    pub fn send(
        &mut self,
        method: &str,
        url: &str,
        token: Option<&str>,
        body: Option<(&str, &[u8])>,
    ) -> Fetched {
        let mut request = self.agent.request(method, url);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.set("Cookie", &jar.join("; "));
        }
        if let Some(token) = token {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        let result = match body {
            Some((content_type, bytes)) => {
                request.set("Content-Type", content_type).send_bytes(bytes)
            }
            None => request.call(),
        };
        let response = match result {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(error) => panic!("{method} {url}: {error}"),
        };
        let mut headers = BTreeMap::new();
        for name in response.headers_names() {
            let values: Vec<&str> = response.all(&name);
            headers.insert(name.to_ascii_lowercase(), values.join(", "));
        }
        for cookie in response.all("set-cookie") {
            let pair = cookie.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        let status = response.status();
        let mut bytes = Vec::new();
        response
            .into_reader()
            .read_to_end(&mut bytes)
            .expect("a body");
        Fetched {
            status,
            headers,
            body: bytes,
        }
    }

    pub fn get(&mut self, url: &str) -> Fetched {
        self.send("GET", url, None, None)
    }

    pub fn post_form(&mut self, url: &str, pairs: &[(&str, &str)]) -> Fetched {
        let body = query(pairs);
        self.send(
            "POST",
            url,
            None,
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        )
    }

    /// Signs in through the login form (its CSRF token included).
    pub fn sign_in(&mut self, server: &Server, email: &str) {
        let form = self.get(&server.url("/login")).text();
        let csrf = hidden(&form, "csrf");
        let signed = self.post_form(
            &server.url("/login"),
            &[
                ("csrf", &csrf),
                ("next", "/my"),
                ("email", email),
                ("password", "a long enough password"),
            ],
        );
        assert_eq!(signed.status, 303, "sign-in: {}", signed.text());
    }
}

/// The value of the hidden input `name`.
pub fn hidden(body: &str, name: &str) -> String {
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

/// Every security header, as DESIGN §7 asks: a CSP without inline script that forbids
/// framing, nosniff and a referrer policy.
pub fn assert_security_headers(what: &str, answer: &Fetched) {
    let csp = answer.header("content-security-policy");
    assert!(!csp.is_empty(), "{what}: no Content-Security-Policy");
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name))
            .map(str::to_string)
    };
    let scripts = directive("script-src")
        .or_else(|| directive("default-src"))
        .unwrap_or_else(|| panic!("{what}: the CSP does not restrict scripts: {csp}"));
    assert!(
        !scripts.contains("'unsafe-inline'")
            && !scripts.contains("'unsafe-eval'")
            && !scripts.contains('*'),
        "{what}: scripts are not restricted: {scripts}"
    );
    assert_eq!(
        directive("frame-ancestors").as_deref(),
        Some("frame-ancestors 'none'"),
        "{what}: {csp}"
    );
    assert_eq!(
        answer.header("x-content-type-options"),
        "nosniff",
        "{what}: X-Content-Type-Options"
    );
    assert!(
        !answer.header("referrer-policy").is_empty(),
        "{what}: no Referrer-Policy"
    );
}

/// Checks HTML documents (or fragments) with Python's `html.parser`: what it finds wrong
/// in each, and each one's text (character references decoded).
const HTML_CHECK: &str = r#"
import json, sys
from html.parser import HTMLParser
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.stack, self.text = [], [], []
    def inspect(self, tag, attrs):
        # The one script element the site writes: a review's JSON-LD (data, never run).
        data_only = tag == "script" and attrs == [("type", "application/ld+json")]
        if tag in ("script", "iframe", "object", "embed", "base", "frame") and not data_only:
            self.problems.append("a <%s> element" % tag)
        for name, value in attrs:
            value = (value or "")
            if name.startswith("on"):
                self.problems.append("<%s %s=%r>: an event handler" % (tag, name, value))
            squeezed = "".join(value.split()).lower()
            if name in URL_ATTRS and (squeezed.startswith("javascript:") or squeezed.startswith("data:text")):
                self.problems.append("<%s %s=%r>: a script URL" % (tag, name, value))
            if name == "style":
                self.problems.append("<%s style=...>: inline style" % tag)
            self.text.append(value)
    def handle_starttag(self, tag, attrs):
        self.inspect(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.inspect(tag, attrs)
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.problems.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
    def handle_comment(self, data):
        self.problems.append("a comment <!--%s-->" % data[:40])
    def handle_pi(self, data):
        self.problems.append("a processing instruction <?%s>" % data[:40])
    def unknown_decl(self, data):
        self.problems.append("a declaration <![%s]>" % data[:40])
    def handle_data(self, data):
        self.text.append(data)
documents = json.load(sys.stdin)
out = {}
for name, html in documents.items():
    check = Check()
    check.feed(html)
    check.close()
    if check.stack:
        check.problems.append("unclosed: %s" % check.stack)
    out[name] = {"problems": check.problems, "text": "\n".join(check.text)}
print(json.dumps(out))
"#;

/// Runs [`HTML_CHECK`] on `documents`; `None` when Python is missing outside CI.
pub fn check_html(documents: &BTreeMap<String, String>) -> Option<Value> {
    let child = Command::new("python3")
        .args(["-c", HTML_CHECK])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        assert!(std::env::var_os("CI").is_none(), "python3 is needed in CI");
        eprintln!("\n*** HTML CHECK SKIPPED: python3 is not installed ***\n");
        return None;
    };
    let input = serde_json::to_vec(documents).expect("JSON");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("stdin is written");
    let output = child.wait_with_output().expect("python3 runs");
    assert!(
        output.status.success(),
        "the HTML check failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("the check's JSON"))
}

/// Raw markup the payloads would make if they went out unescaped.
const RAW_MARKUP: &[&str] = &[
    "<script",
    "<img src=x",
    "<svg onload",
    "</textarea><svg",
    "child <b>",
    "<!--",
    "<![cdata[",
];

fn assert_no_raw_markup(what: &str, body: &str) {
    // The review page's own JSON-LD element (citation metadata) is the one script
    // element the site writes; what is inside it is checked like everything else.
    let lower = body
        .to_lowercase()
        .replace("<script type=\"application/ld+json\">", "")
        .replace("</script>", "");
    for raw in RAW_MARKUP {
        assert!(
            !lower.contains(raw),
            "{what}: {raw:?} went out unescaped:\n{}",
            excerpt(body, raw)
        );
    }
}

fn excerpt(body: &str, needle: &str) -> String {
    let lower = body.to_lowercase();
    let at = lower.find(needle).unwrap_or(0);
    let boundary = |mut i: usize| {
        i = i.min(body.len());
        while !body.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    body[boundary(at.saturating_sub(200))..boundary(at + 200)].to_string()
}

/// The words of `text`, as one-line formats keep them.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a spreadsheet would read `cell` as a formula (OWASP's list of first characters).
fn formula_start(cell: &str) -> bool {
    matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

#[test]
fn hostile_text_in_every_field_never_executes_nor_breaks_a_page_or_an_export() {
    let (_dir, data) = temp_data();
    let added = run_cli(
        &data,
        &[
            "board",
            "add",
            "barsetshire",
            "--name",
            &board_name(),
            "--region",
            "south_west",
        ],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let email = "officer@barsetshire.example";
    let token = user_with_token(&data, email, Some("barsetshire"), "depositor");
    let server = Server::start(&data, false);
    let mut client = Client::new();

    // Deposit: the first review with an upload, two more as JSON; all three published,
    // the third withdrawn with a hostile reason.
    let mut ids = Vec::new();
    let mut sent = Vec::new();
    for (i, word) in ["kestrel", "merlin", "hobby"].iter().enumerate() {
        let review = hostile_review(word);
        let created = if i == 0 {
            let body = multipart(
                &review,
                FILE_NAME,
                // A text upload may not hold control characters (415).
                &format!(
                    "Executive summary\n\n{}\n",
                    PAYLOADS.replace(['\u{b}', '\u{c}', '\u{1}'], "")
                ),
            );
            client.send(
                "POST",
                &server.url("/api/v1/reviews"),
                Some(&token),
                Some((&format!("multipart/form-data; boundary={BOUNDARY}"), &body)),
            )
        } else {
            let body = serde_json::to_vec(&review).unwrap();
            client.send(
                "POST",
                &server.url("/api/v1/reviews"),
                Some(&token),
                Some(("application/json", &body)),
            )
        };
        assert_eq!(created.status, 201, "{}", created.text());
        let created: Value = serde_json::from_slice(&created.body).unwrap();
        let id = created["id"].as_str().unwrap().to_string();
        let published = client.send(
            "POST",
            &server.url(&format!("/api/v1/reviews/{id}/publish")),
            Some(&token),
            // The upload is offered to the public: its hostile name is on the public page.
            Some((
                "application/json",
                if i == 0 {
                    br#"{"anonymisation_checked": true, "public_files": [1], "anonymised_files": [1]}"#
                        .as_slice()
                } else {
                    br#"{"anonymisation_checked": true}"#.as_slice()
                },
            )),
        );
        assert_eq!(published.status, 200, "{}", published.text());
        ids.push(id);
        sent.push(review);
    }
    let reason = format!("Withdrawn: {PAYLOADS}");
    let withdrawn = client.send(
        "POST",
        &server.url(&format!("/api/v1/reviews/{}/withdraw", ids[2])),
        Some(&token),
        Some((
            "application/json",
            &serde_json::to_vec(&json!({ "reason": reason })).unwrap(),
        )),
    );
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text());
    let public = &ids[..2];

    // A hostile action plan on the first review's recommendation (finding 2), overdue.
    let yesterday = (time::OffsetDateTime::now_utc().date() - time::Duration::days(1)).to_string();
    let action = json!({
        "text": format!("=SUM(A1) audit zanzibar {PAYLOADS}"),
        "owner": "school",
        "due": yesterday,
        "status": "in_progress",
        "evidence": format!("@evidence {PAYLOADS}"),
    });
    let added = client.send(
        "POST",
        &server.url(&format!("/api/v1/reviews/{}/findings/2/actions", ids[0])),
        Some(&token),
        Some(("application/json", &serde_json::to_vec(&action).unwrap())),
    );
    assert_eq!(added.status, 201, "{}", added.text());

    // The API gives every field back exactly as deposited.
    let mut stored = Vec::new();
    for (id, review) in ids.iter().zip(&sent).take(2) {
        let (status, got) = server.json(&format!("/api/v1/reviews/{id}"));
        assert_eq!(status, 200, "{got}");
        for field in ["title", "pseudonyms", "keywords", "summary"] {
            assert_eq!(got[field], review[field], "{id}: {field}");
        }
        for (n, lesson) in review["lessons"].as_array().unwrap().iter().enumerate() {
            assert_eq!(
                got["lessons"][n]["text"], lesson["text"],
                "{id}: lesson {n}"
            );
        }
        stored.push(got);
    }
    let title = stored[0]["title"].as_str().unwrap().to_string();
    let file_name = stored[0]["files"][0]["filename"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        file_name.contains("onload=alert(1)") && !file_name.contains('<'),
        "{file_name}"
    );

    // The original file: an attachment whose name cannot break the header.
    let file = client.get(&server.url(&format!("/api/v1/reviews/{}/files/1", ids[0])));
    assert_eq!(file.status, 200);
    let disposition = file.header("content-disposition");
    assert!(
        disposition.starts_with("attachment; filename=\"")
            && disposition.matches('"').count() == 2
            && !disposition.contains(['\r', '\n']),
        "{disposition}"
    );
    assert_eq!(file.header("x-content-type-options"), "nosniff");

    // Signed in: a token with a hostile label, then the signed-in pages.
    let mut browser = Client::new();
    browser.sign_in(&server, email);
    let my = browser.get(&server.url("/my")).text();
    let csrf = hidden(&my, "csrf");
    let label = format!("\"><img src=x onerror=alert(1)> {SCRIPT}");
    let with_token = browser.post_form(
        &server.url("/my/tokens"),
        &[("csrf", &csrf), ("label", &label)],
    );
    assert_eq!(with_token.status, 200, "{}", with_token.text());

    // Every HTML page that can show the reviews, the query or the path.
    let hostile_query = format!("{SCRIPT} \"><img src=x onerror=alert(1)> zanzibar");
    let lesson_id = format!("{}#L1", public[0]);
    // (path, signed in, the status the page answers with)
    let mut pages: Vec<(String, bool, u16)> = vec![
        ("/".into(), false, 200),
        ("/search?q=zanzibar".into(), false, 200),
        ("/search?q=zanzibar&view=lessons".into(), false, 200),
        (
            "/search?q=zanzibar&theme=neglect&board=barsetshire".into(),
            false,
            200,
        ),
        (
            "/search?board=barsetshire&view=lessons&sort=newest".into(),
            false,
            200,
        ),
        (
            format!("/search?{}", query(&[("q", &hostile_query)])),
            false,
            200,
        ),
        (
            format!(
                "/search?{}",
                query(&[("q", &hostile_query), ("view", "lessons")])
            ),
            false,
            200,
        ),
        (
            format!("/search?{}", query(&[("q", "zanzibar"), ("theme", SCRIPT)])),
            false,
            422,
        ),
        (
            format!(
                "/search?{}",
                query(&[("q", "zanzibar"), ("year_from", "\"><svg onload=alert(1)>")])
            ),
            false,
            422,
        ),
        (format!("/reviews/{}", public[0]), false, 200),
        (format!("/reviews/{}", public[1]), false, 200),
        (format!("/reviews/{}", ids[2]), false, 410),
        (
            format!("/similar?{}", query(&[("to", &lesson_id)])),
            false,
            200,
        ),
        (format!("/similar?{}", query(&[("to", SCRIPT)])), false, 404),
        ("/themes".into(), false, 200),
        ("/themes/neglect".into(), false, 200),
        ("/themes/voice_of_the_child".into(), false, 200),
        ("/insights".into(), false, 200),
        ("/insights?rows=board&cols=theme".into(), false, 200),
        (
            "/insights?rows=theme&cols=board&view=lessons".into(),
            false,
            200,
        ),
        (
            format!(
                "/insights?{}",
                query(&[("q", &hostile_query), ("rows", "board")])
            ),
            false,
            200,
        ),
        (
            format!("/insights?{}", query(&[("rows", SCRIPT)])),
            false,
            422,
        ),
        ("/progress".into(), false, 200),
        (
            format!("/progress?{}", query(&[("q", &hostile_query)])),
            false,
            200,
        ),
        (
            format!("/progress?{}", query(&[("theme", SCRIPT)])),
            false,
            422,
        ),
        (
            format!(
                "/progress?{}",
                query(&[("progress", "overdue"), ("q", "zanzibar")])
            ),
            false,
            200,
        ),
        ("/my/actions".into(), true, 200),
        (
            format!("/login?{}", query(&[("next", "javascript:alert(1)")])),
            false,
            200,
        ),
        (
            format!(
                "/login?{}",
                query(&[("next", "/my\"><script>alert(1)</script>")])
            ),
            false,
            200,
        ),
        (
            "/nowhere/%3Cscript%3Ealert(1)%3C%2Fscript%3E?q=%3Csvg%20onload%3Dalert(1)%3E".into(),
            false,
            404,
        ),
        (
            "/reviews/%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
            false,
            404,
        ),
        (
            "/themes/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E".into(),
            false,
            404,
        ),
        ("/api".into(), false, 200),
        ("/my".into(), true, 200),
        ("/deposit".into(), true, 200),
        (format!("/my/reviews/{}", public[0]), true, 200),
        (format!("/my/reviews/{}", ids[2]), true, 200),
    ];
    pages.push((format!("/my/reviews/{}", public[1]), true, 200));
    let mut documents = BTreeMap::new();
    for (path, signed_in, status) in &pages {
        let answer = if *signed_in {
            browser.get(&server.url(path))
        } else {
            client.get(&server.url(path))
        };
        assert!(
            answer.is_html(),
            "{path}: {} {:?}",
            answer.status,
            answer.headers
        );
        assert_eq!(answer.status, *status, "{path}");
        assert_security_headers(path, &answer);
        let body = answer.text();
        assert_no_raw_markup(path, &body);
        documents.insert(path.clone(), body);
    }
    // The token page as it was answered (it shows the new secret once), and the
    // deposit and sign-in forms sent back with hostile values.
    documents.insert("POST /my/tokens".into(), with_token.text());
    let csrf = hidden(&documents["/deposit"], "csrf");
    let mut form = String::new();
    for (name, value) in [
        ("csrf", csrf.as_str()),
        ("title", title.as_str()),
        ("board", "barsetshire"),
        ("summary", PAYLOADS),
        ("keywords", "</textarea><svg onload=alert(1)>, =1+1"),
        ("pseudonyms", SCRIPT),
        ("commissioned_on", "\"><img src=x onerror=alert(1)>"),
    ] {
        form.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    form.push_str(&format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{FILE_NAME}\"\r\nContent-Type: text/plain\r\n\r\n{}\r\n--{BOUNDARY}--\r\n", PAYLOADS.replace(['\u{b}', '\u{c}', '\u{1}'], "")));
    let refused = browser.send(
        "POST",
        &server.url("/deposit"),
        None,
        Some((
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            form.as_bytes(),
        )),
    );
    assert_eq!(refused.status, 422, "{}", refused.text());
    documents.insert("POST /deposit (refused)".into(), refused.text());
    let mut stranger = Client::new();
    let form = stranger.get(&server.url("/login")).text();
    let login_csrf = hidden(&form, "csrf");
    let wrong = stranger.post_form(
        &server.url("/login"),
        &[
            ("csrf", &login_csrf),
            ("next", "/my\"><script>alert(1)</script>"),
            ("email", "\"><img src=x onerror=alert(1)>@example.org"),
            ("password", SCRIPT),
        ],
    );
    assert!(wrong.is_html(), "{}", wrong.status);
    documents.insert("POST /login (refused)".into(), wrong.text());
    for (what, answer) in [
        ("POST /deposit (refused)", &refused),
        ("POST /login (refused)", &wrong),
        ("POST /my/tokens", &with_token),
    ] {
        assert_security_headers(what, answer);
        assert_no_raw_markup(what, &answer.text());
    }

    // Search snippets are HTML fragments: only <mark> may be markup in them.
    for view in ["reviews", "lessons"] {
        for q in ["zanzibar", "drawings alert script", "zanzibar onerror"] {
            let body = server.search(&[("q", q), ("view", view), ("per_page", "50")]);
            let hits = body["hits"].as_array().unwrap();
            assert!(!hits.is_empty(), "{view} {q}: {body}");
            for (n, hit) in hits.iter().enumerate() {
                let snippet = hit["snippet"].as_str().unwrap_or_default();
                let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
                assert!(
                    !without_marks.contains('<'),
                    "{view} {q}: snippet {snippet}"
                );
                documents.insert(format!("snippet {view} {q} {n}"), snippet.to_string());
            }
        }
    }

    if let Some(checked) = check_html(&documents) {
        for (name, result) in checked.as_object().unwrap() {
            assert_eq!(
                result["problems"],
                json!([]),
                "{name}: the page is not what it should be"
            );
        }
        // The payloads are shown as text, not dropped.
        for (page, expected) in [
            (format!("/reviews/{}", public[0]), SCRIPT.to_string()),
            (
                format!("/reviews/{}", public[0]),
                "\"><img src=x onerror=alert(1)>".into(),
            ),
            (
                format!("/reviews/{}", public[0]),
                "</textarea><svg onload=alert(1)>".into(),
            ),
            (
                format!("/reviews/{}", ids[2]),
                "</textarea><svg onload=alert(1)>".into(),
            ),
            (
                format!("/my/reviews/{}", public[0]),
                "</textarea><svg onload=alert(1)>".into(),
            ),
            ("/my".to_string(), label.clone()),
            (
                "/search?q=zanzibar".to_string(),
                "=HYPERLINK(\"http://x\",\"kestrel\")".into(),
            ),
            (
                "/insights?rows=board&cols=theme".to_string(),
                "=Barsetshire <script>alert(1)</script>".into(),
            ),
            ("/my/actions".to_string(), "=SUM(A1) audit zanzibar".into()),
        ] {
            let text = checked[&page]["text"].as_str().unwrap_or_default();
            assert!(
                text.contains(&expected),
                "{page}: the text does not show {expected:?}"
            );
        }
    }

    // Exports: JSON and NDJSON give every field back exactly.
    let export = |client: &mut Client, params: &[(&str, &str)]| -> Fetched {
        let answer = client.get(&server.url(&format!("/api/v1/export?{}", query(params))));
        assert_eq!(answer.status, 200, "{params:?}: {}", answer.text());
        assert_eq!(answer.header("x-content-type-options"), "nosniff");
        answer
    };
    for view in ["reviews", "lessons"] {
        let json_export: Value = serde_json::from_slice(
            &export(
                &mut client,
                &[("q", "zanzibar"), ("view", view), ("format", "json")],
            )
            .body,
        )
        .expect("the JSON export parses");
        let ndjson = export(
            &mut client,
            &[("q", "zanzibar"), ("view", view), ("format", "ndjson")],
        )
        .text();
        let lines: Vec<Value> = ndjson
            .lines()
            .map(|line| serde_json::from_str(line).expect("each NDJSON line parses"))
            .collect();
        let results = json_export["results"].as_array().unwrap();
        assert_eq!(
            results, &lines,
            "{view}: JSON and NDJSON hold the same rows"
        );
        let expected_rows = if view == "reviews" { 2 } else { 6 };
        assert_eq!(results.len(), expected_rows, "{view}");
        for row in results {
            let review_id = row
                .get("review_id")
                .or(row.get("id"))
                .unwrap()
                .as_str()
                .unwrap();
            let review_id = review_id.split('#').next().unwrap();
            let review = &stored[public.iter().position(|id| id == review_id).unwrap()];
            assert_eq!(row["title"], review["title"]);
            assert_eq!(row["board_name"], json!(board_name()));
            if view == "reviews" {
                assert_eq!(row["summary"], review["summary"]);
                assert_eq!(row["pseudonyms"], review["pseudonyms"]);
                assert_eq!(row["keywords"], review["keywords"]);
            } else {
                let n: usize = row["id"]
                    .as_str()
                    .unwrap()
                    .rsplit('L')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert_eq!(row["text"], review["lessons"][n - 1]["text"]);
            }
        }

        // CSV: the right number of rows and columns, formula starts neutralised.
        for bom in ["0", "1"] {
            let csv = export(
                &mut client,
                &[
                    ("q", "zanzibar"),
                    ("view", view),
                    ("format", "csv"),
                    ("bom", bom),
                ],
            );
            let script = r#"
import csv, io, json, sys
rows = list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode("utf-8-sig"), newline="")))
print(json.dumps({"rows": rows}))
"#;
            let Some(parsed) = python_json(script, &csv.body, "csv") else {
                continue;
            };
            let rows = parsed["rows"].as_array().unwrap();
            assert_eq!(rows.len(), 1 + expected_rows, "{view}: header and rows");
            let header: Vec<&str> = rows[0]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            for row in &rows[1..] {
                let cells = row.as_array().unwrap();
                assert_eq!(
                    cells.len(),
                    header.len(),
                    "{view}: every row as wide as the header"
                );
                let cell = |name: &str| {
                    cells[header.iter().position(|h| *h == name).unwrap()]
                        .as_str()
                        .unwrap()
                };
                for (name, value) in header.iter().zip(cells) {
                    let value = value.as_str().unwrap();
                    assert!(
                        !formula_start(value),
                        "{view}: {name} starts a formula: {value:?}"
                    );
                }
                let review_id = if view == "reviews" {
                    cell("id")
                } else {
                    cell("review_id")
                };
                let review = &stored[public.iter().position(|id| id == review_id).unwrap()];
                let title = review["title"].as_str().unwrap();
                assert_eq!(
                    cell("title"),
                    format!("'{title}"),
                    "{view}: the title, quoted"
                );
                assert_eq!(cell("board_name"), format!("'{}", board_name()));
                if view == "reviews" {
                    assert_eq!(
                        cell("summary"),
                        format!("'{}", review["summary"].as_str().unwrap())
                    );
                    let pseudonyms: Vec<&str> = review["pseudonyms"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap())
                        .collect();
                    assert_eq!(cell("pseudonyms"), format!("'{}", pseudonyms.join("; ")));
                } else {
                    let n: usize = cell("id").rsplit('L').next().unwrap().parse().unwrap();
                    let text = review["lessons"][n - 1]["text"].as_str().unwrap();
                    let expected = if formula_start(text) {
                        format!("'{text}")
                    } else {
                        text.to_string()
                    };
                    assert_eq!(cell("text"), expected);
                }
            }
        }

        // RIS: one record per review, every line a tag line.
        let ris = export(
            &mut client,
            &[("q", "zanzibar"), ("view", view), ("format", "ris")],
        )
        .text();
        check_ris(&format!("export {view}"), &ris, 2, &title);
        // BibTeX: one entry per review, braces balanced.
        let bib = export(
            &mut client,
            &[("q", "zanzibar"), ("view", view), ("format", "bibtex")],
        )
        .text();
        check_bibtex(&format!("export {view}"), &bib, 2);
    }
    // The actions export: the action's text and evidence back exactly (JSON, NDJSON),
    // formula starts neutralised in CSV.
    let actions: Value = serde_json::from_slice(
        &export(
            &mut client,
            &[("q", "zanzibar"), ("view", "actions"), ("format", "json")],
        )
        .body,
    )
    .expect("the actions export parses");
    let rows = actions["results"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{actions}");
    assert_eq!(rows[0]["text"], action["text"]);
    assert_eq!(rows[0]["evidence"], action["evidence"]);
    assert_eq!(rows[0]["title"], stored[0]["title"]);
    let ndjson = export(
        &mut client,
        &[("q", "zanzibar"), ("view", "actions"), ("format", "ndjson")],
    )
    .text();
    let line: Value = serde_json::from_str(ndjson.trim_end()).expect("one NDJSON line");
    assert_eq!(&line, &rows[0]);
    let csv = export(
        &mut client,
        &[("q", "zanzibar"), ("view", "actions"), ("format", "csv")],
    );
    let script = r#"
import csv, io, json, sys
rows = list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode("utf-8-sig"), newline="")))
print(json.dumps({"rows": rows}))
"#;
    if let Some(parsed) = python_json(script, &csv.body, "csv") {
        let rows = parsed["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 2, "{parsed}");
        let header: Vec<&str> = rows[0]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let cells = rows[1].as_array().unwrap();
        assert_eq!(cells.len(), header.len());
        for (name, value) in header.iter().zip(cells) {
            let value = value.as_str().unwrap();
            assert!(
                !formula_start(value),
                "actions: {name} starts a formula: {value:?}"
            );
        }
        let cell = |name: &str| {
            cells[header.iter().position(|h| *h == name).unwrap()]
                .as_str()
                .unwrap()
        };
        assert_eq!(
            cell("text"),
            format!("'{}", action["text"].as_str().unwrap())
        );
        assert_eq!(
            cell("evidence"),
            format!("'{}", action["evidence"].as_str().unwrap())
        );
    }

    // The board's reminders feed: strict XML, the action's text exact.
    let reminders = client.send(
        "GET",
        &server.url("/feeds/actions.atom?board=barsetshire"),
        Some(&token),
        None,
    );
    assert_eq!(reminders.status, 200, "{}", reminders.text());
    let script = r#"
import json, sys
import xml.etree.ElementTree as ET
import feedparser
data = sys.stdin.buffer.read()
root = ET.fromstring(data)
ns = {"a": "http://www.w3.org/2005/Atom"}
parsed = feedparser.parse(data)
print(json.dumps({
    "title": root.find("a:title", ns).text,
    "titles": [e.find("a:title", ns).text for e in root.findall("a:entry", ns)],
    "summaries": [e.find("a:summary", ns).text for e in root.findall("a:entry", ns)],
    "bozo": bool(parsed.bozo),
}))
"#;
    if let Some(feed) = python_json(script, &reminders.body, "feedparser") {
        assert_eq!(feed["bozo"], false, "{feed}");
        assert!(
            feed["title"].as_str().unwrap().contains(&board_name()),
            "{feed}"
        );
        let title = feed["titles"][0].as_str().unwrap();
        assert!(
            title.starts_with("Overdue since")
                && title.contains("=SUM(A1) audit zanzibar <script>"),
            "{feed}"
        );
        assert!(
            feed["summaries"][0]
                .as_str()
                .unwrap()
                .contains("</textarea>"),
            "{feed}"
        );
    }

    for id in public {
        let ris = client.get(&server.url(&format!("/api/v1/reviews/{id}/cite?format=ris")));
        assert_eq!(ris.status, 200);
        let review_title = &stored[public.iter().position(|p| p == id).unwrap()]["title"];
        check_ris(id, &ris.text(), 1, review_title.as_str().unwrap());
        let bib = client.get(&server.url(&format!("/api/v1/reviews/{id}/cite?format=bibtex")));
        assert_eq!(bib.status, 200);
        check_bibtex(id, &bib.text(), 1);
    }

    // Statistics: the wide CSV parses, and board names come back exactly in JSON.
    let stats =
        client.get(&server.url("/api/v1/stats?rows=board&cols=theme&format=csv&q=zanzibar"));
    assert_eq!(stats.status, 200, "{}", stats.text());
    if let Some(parsed) = python_json(
        "import csv, io, json, sys\nprint(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline='')))))",
        &stats.body,
        "csv",
    ) {
        let rows = parsed.as_array().unwrap();
        assert_eq!(rows.len(), 2, "{parsed}");
        for row in rows {
            for cell in row.as_array().unwrap() {
                assert!(!formula_start(cell.as_str().unwrap()), "{parsed}");
            }
        }
    }
    let (status, stats) = server.json("/api/v1/stats?rows=board&cols=theme&q=zanzibar");
    assert_eq!(status, 200);
    assert!(
        stats
            .to_string()
            .contains(&serde_json::to_string(&board_name()).unwrap()),
        "{stats}"
    );

    // The Atom feed: well-formed XML (strictly), read by feedparser, titles exact.
    for q in ["zanzibar", hostile_query.as_str()] {
        let feed = client.get(&server.url(&format!("/feeds/reviews.atom?{}", query(&[("q", q)]))));
        assert_eq!(feed.status, 200);
        assert_eq!(feed.header("x-content-type-options"), "nosniff");
        let script = r#"
import json, sys
import xml.etree.ElementTree as ET
import feedparser
data = sys.stdin.buffer.read()
root = ET.fromstring(data)
ns = {"a": "http://www.w3.org/2005/Atom"}
parsed = feedparser.parse(data)
print(json.dumps({
    "title": root.find("a:title", ns).text,
    "titles": [e.find("a:title", ns).text for e in root.findall("a:entry", ns)],
    "summaries": [e.find("a:summary", ns).text for e in root.findall("a:entry", ns)],
    "bozo": bool(parsed.bozo), "bozo_exception": str(parsed.get("bozo_exception", "")),
    "entries": len(parsed.entries),
}))
"#;
        let Some(parsed) = python_json(script, &feed.body, "feedparser") else {
            continue;
        };
        assert_eq!(parsed["bozo"], false, "{q}: {parsed}");
        let expected: Vec<String> = stored
            .iter()
            .map(|r| xml_text(r["title"].as_str().unwrap()))
            .collect();
        let mut titles: Vec<String> = parsed["titles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        titles.sort();
        let mut expected_sorted = expected.clone();
        expected_sorted.sort();
        if q == "zanzibar" {
            assert_eq!(titles, expected_sorted, "{q}: the entry titles, exactly");
        }
        assert!(
            parsed["title"].as_str().unwrap().contains(&xml_text(q)),
            "{q}: {parsed}"
        );
        for summary in parsed["summaries"].as_array().unwrap() {
            let summary = summary.as_str().unwrap_or_default();
            let without_marks = summary.replace("<mark>", "").replace("</mark>", "");
            assert!(
                !without_marks.contains('<'),
                "{q}: a summary carries markup: {summary}"
            );
        }
    }
}

/// `text` as an XML parser gives it back: characters XML 1.0 cannot carry are dropped
/// and line ends normalised.
fn xml_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| matches!(c, '\t' | '\n') || *c >= ' ')
        .collect()
}

/// RIS: `records` records (TY … ER), every line a `XX  - ` tag line, the title on one line.
fn check_ris(what: &str, ris: &str, records: usize, title: &str) {
    assert!(ris.ends_with("\r\n"), "{what}: {ris}");
    let lines: Vec<&str> = ris.trim_end_matches("\r\n").split("\r\n").collect();
    for line in &lines {
        let tag = line.get(..6).unwrap_or_default();
        let well_formed = tag.len() == 6
            && tag[..2]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && &tag[2..] == "  - ";
        assert!(well_formed, "{what}: not a RIS tag line: {line:?}");
        assert!(
            !line.contains(['\r', '\n']),
            "{what}: a stray line break: {line:?}"
        );
    }
    let count = |tag: &str| lines.iter().filter(|l| l.starts_with(tag)).count();
    assert_eq!(count("TY  - "), records, "{what}: records\n{ris}");
    assert_eq!(count("ER  - "), records, "{what}: record ends\n{ris}");
    assert!(
        lines.contains(&format!("TI  - {}", one_line(title)).as_str()),
        "{what}: the title on one line\n{ris}"
    );
}

/// BibTeX: `entries` entries, each `@type{` at the start of a line, braces balanced
/// and never closed before they open.
fn check_bibtex(what: &str, bib: &str, entries: usize) {
    let starts = bib.lines().filter(|l| l.starts_with('@')).count();
    assert_eq!(starts, entries, "{what}: entries\n{bib}");
    let mut depth = 0i32;
    let mut closed = 0;
    for c in bib.chars() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                assert!(depth >= 0, "{what}: a brace closes too early\n{bib}");
                if depth == 0 {
                    closed += 1;
                }
            }
            _ => {}
        }
    }
    assert_eq!(depth, 0, "{what}: unbalanced braces\n{bib}");
    assert_eq!(closed, entries, "{what}: each entry closes once\n{bib}");
}
