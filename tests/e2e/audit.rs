//! The audit log: every write through the API and the command line is listed at
//! `/admin/audit` with who, what, which review and which revision; only administrators
//! may read it; it stays out of public dumps.

use std::time::Duration;

use serde_json::json;

use crate::support::{add_barsetshire, run_cli, temp_data, user_with_token, Server};

/// GET `path` with a bearer token (or none): status and body.
fn get_as(server: &Server, path: &str, token: Option<&str>) -> (u16, String) {
    let mut request = ureq::get(&server.url(path)).timeout(Duration::from_secs(30));
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    match request.call() {
        Ok(response) => (response.status(), response.into_string().unwrap()),
        Err(ureq::Error::Status(code, response)) => (code, response.into_string().unwrap()),
        Err(error) => panic!("GET {path} failed: {error}"),
    }
}

/// The table rows of an audit page, each as its cells' text (tags dropped).
fn rows(html: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find("<tbody>") else {
        return Vec::new();
    };
    let end = html[start..].find("</tbody>").unwrap() + start;
    html[start..end]
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|cell| {
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in cell.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text.trim().to_string()
                })
                .collect()
        })
        .collect()
}

#[test]
fn every_write_is_audited_and_only_admins_read_the_log() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let officer = "officer@barsetshire.example";
    let depositor = user_with_token(&data, officer, Some("barsetshire"), "depositor");
    let admin = user_with_token(&data, "admin@lessons.example", None, "admin");
    let server = Server::start(&data, false);

    let draft = json!({
        "title": "Serious Case Review: Child Heron", "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" }, "themes": ["neglect"],
        "commissioned_on": "2011-01-10", "completed_on": "2011-09-30",
        "summary": "The health visitor saw the heron drawings.",
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "Share what the child draws." }]
    });
    let (status, created) = server.send("POST", "/api/v1/reviews", Some(&depositor), Some(&draft));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let (status, body) = server.send(
        "POST",
        &format!("/api/v1/reviews/{id}/publish"),
        Some(&depositor),
        Some(&json!({"anonymisation_checked": true})),
    );
    assert_eq!(status, 200, "{body}");

    let (status, html) = get_as(&server, "/admin/audit", Some(&admin));
    assert_eq!(status, 200, "{html}");
    let log = rows(&html);
    // Newest first; cells: #, when, who, action, review or record, revision.
    let who_what: Vec<(&str, &str)> = log.iter().map(|r| (r[2].as_str(), r[3].as_str())).collect();
    assert_eq!(
        who_what,
        vec![
            (officer, "publish"),
            (officer, "create"),
            ("cli", "token-create"),
            ("cli", "user"),
            ("cli", "token-create"),
            ("cli", "user"),
            ("cli", "board"),
        ]
    );
    assert_eq!(log[0][4..], [id.clone(), "2".to_string()]);
    assert_eq!(log[1][4..], [id.clone(), "1".to_string()]);
    assert!(log[2][4].starts_with("token ") && log[2][4].ends_with(" of admin@lessons.example"));
    assert_eq!(log[3][4], "user admin@lessons.example");
    assert_eq!(log[5][4], format!("user {officer}"));
    assert_eq!(log[6][4], "board barsetshire");
    let seqs: Vec<&str> = log.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(seqs, ["7", "6", "5", "4", "3", "2", "1"]);
    assert!(log.iter().all(|r| r[1].starts_with("20")), "{log:?}");
    assert!(!html.contains("lsn_"), "token secrets never reach the log");

    // Filters: by review, by who and action, by date; bad filters are a 422 page.
    let (_, html) = get_as(&server, &format!("/admin/audit?review={id}"), Some(&admin));
    assert_eq!(rows(&html).len(), 2);
    let (_, html) = get_as(&server, "/admin/audit?by=cli&action=user", Some(&admin));
    assert_eq!(rows(&html).len(), 2);
    let (_, html) = get_as(&server, "/admin/audit?to=2000-01-01", Some(&admin));
    assert!(rows(&html).is_empty() && html.contains("No entry matches."));
    let (status, html) = get_as(&server, "/admin/audit?from=last+week", Some(&admin));
    assert_eq!(status, 422);
    assert!(html.contains("must be a date"), "{html}");

    // Anyone else: 403, signed in or not.
    assert_eq!(get_as(&server, "/admin/audit", Some(&depositor)).0, 403);
    assert_eq!(get_as(&server, "/admin/audit", None).0, 403);
    assert_eq!(get_as(&server, "/admin/audit", Some("lsn_forged")).0, 401);
    drop(server);

    // A public dump carries the reviews, not the log.
    let dump = data.parent().unwrap().join("public.ndjson");
    let output = run_cli(&data, &["dump", "--output", dump.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&dump).unwrap();
    assert!(text.contains("Child Heron"));
    for secret in ["token-create", "admin@lessons.example", "audit"] {
        assert!(!text.contains(secret), "the dump holds {secret:?}");
    }
}
