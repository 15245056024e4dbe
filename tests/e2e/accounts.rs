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
