//! Follow-through of recommendations across the site (DESIGN §10): a depositor adds
//! actions through the API and the web form, marks them completed with evidence, and
//! the public review page, the `progress` facet, `/progress`, `/api/v1/stats` and both
//! exports (lessons and actions) agree; another board's depositor changes nothing; the
//! board's reminders feed (`/feeds/actions.atom`) is valid Atom for its own users only.

use serde_json::{json, Value};

use crate::actions::{draft, get_page, post_form, sign_in, yesterday};
use crate::support::*;

fn tomorrow() -> String {
    let today = time::OffsetDateTime::now_utc().date();
    (today + time::Duration::days(1)).to_string()
}

/// A published review of the board's with its recommendation as finding 2: its id.
fn published(server: &Server, token: &str) -> String {
    let (status, created) = server.send("POST", "/api/v1/reviews", Some(token), Some(&draft()));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let (status, body) = server.send(
        "POST",
        &format!("/api/v1/reviews/{id}/publish"),
        Some(token),
        Some(&json!({"anonymisation_checked": true})),
    );
    assert_eq!(status, 200, "{body}");
    id
}

fn facet(body: &Value, name: &str, value: &str) -> u64 {
    body["facets"][name]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["value"] == value)
        .map(|v| v["count"].as_u64().unwrap())
        .unwrap_or(0)
}

fn revisions(server: &Server, token: &str, id: &str) -> Value {
    server
        .send(
            "GET",
            &format!("/api/v1/reviews/{id}/revisions"),
            Some(token),
            None,
        )
        .1
}

#[test]
fn actions_added_and_completed_agree_on_every_public_surface() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let email = "officer@barsetshire.example";
    let token = user_with_token(&data, email, Some("barsetshire"), "depositor");
    let server = Server::start(&data, false);
    let id = published(&server, &token);
    let finding = format!("{id}#L2");

    // Before any plan: no plan, nothing overdue, no action rows.
    let lessons = server.search(&[("view", "lessons")]);
    assert_eq!(facet(&lessons, "progress", "no_plan"), 1, "{lessons}");
    let (_, csv) = server.get("/api/v1/export?view=actions&format=csv");
    assert_eq!(csv.lines().count(), 1, "a header only: {csv}");

    // An action through the API, already overdue (due yesterday).
    let (status, a1) = server.send(
        "POST",
        &format!("/api/v1/reviews/{id}/findings/2/actions"),
        Some(&token),
        Some(&json!({"text": "Audit the bruising protocol.", "owner": "general_practice", "due": yesterday(), "status": "in_progress"})),
    );
    assert_eq!(status, 201, "{a1}");
    // One through the web form, with the session's CSRF token.
    let (cookie, csrf) = sign_in(&server, email, "a long enough password");
    let back = format!("/my/reviews/{id}");
    let (status, _, page) = post_form(
        &server,
        &cookie,
        &format!("/my/reviews/{id}/findings/2/actions"),
        &[
            ("csrf", &csrf),
            ("back", &back),
            ("text", "Train every receptionist."),
            ("owner", "general_practice"),
            ("due", "2030-06-30"),
            ("status", "planned"),
            ("evidence", ""),
        ],
    );
    assert_eq!(status, 303, "{page}");

    let lessons = server.search(&[("view", "lessons")]);
    assert_eq!(facet(&lessons, "progress", "in_progress"), 1, "{lessons}");
    assert_eq!(facet(&lessons, "progress", "overdue"), 1, "counted beside");
    let overdue = server.search(&[("view", "lessons"), ("progress", "overdue")]);
    assert_eq!(overdue["hits"][0]["id"], finding.as_str());
    assert_eq!(overdue["hits"][0]["overdue"], true);
    assert_eq!(overdue["hits"][0]["actions"].as_array().unwrap().len(), 2);
    let (_, page) = server.get("/progress");
    assert!(
        page.contains("of which <strong>1 overdue</strong>"),
        "{page}"
    );

    // Both completed with evidence: A1 through the API (late: it was due yesterday),
    // A2 through the form (on time).
    let (status, body) = server.send(
        "PATCH",
        &format!("/api/v1/reviews/{id}/actions/A1"),
        Some(&token),
        Some(&json!({"status": "completed", "evidence": "Audit of 12 practices."})),
    );
    assert_eq!(status, 200, "{body}");
    let (status, _, page) = post_form(
        &server,
        &cookie,
        &format!("/my/reviews/{id}/actions/A2"),
        &[
            ("csrf", &csrf),
            ("back", "/my/actions"),
            ("due", "2030-06-30"),
            ("status", "completed"),
            ("evidence", "Every receptionist trained."),
        ],
    );
    assert_eq!(status, 303, "{page}");

    // Another board's depositor can change nothing.
    add_board(&data, "wessex", "Wessex LSCB");
    let other = user_with_token(&data, "officer@wessex.example", Some("wessex"), "depositor");
    let before = revisions(&server, &token, &id);
    let (status, _) = server.send(
        "POST",
        &format!("/api/v1/reviews/{id}/findings/2/actions"),
        Some(&other),
        Some(&json!({"text": "Not ours.", "owner": "police", "due": "2030-01-01"})),
    );
    assert_eq!(status, 403);
    let (status, _) = server.send(
        "PATCH",
        &format!("/api/v1/reviews/{id}/actions/A1"),
        Some(&other),
        Some(&json!({"status": "not_accepted"})),
    );
    assert_eq!(status, 403);
    assert_eq!(revisions(&server, &token, &id), before, "nothing changed");

    // The public review page.
    let (_, page) = server.get(&format!("/reviews/{id}"));
    assert!(page.contains("2 of 2 actions completed"), "{page}");
    assert!(page.contains("Every receptionist trained."));
    // The facet and the lesson hit.
    let lessons = server.search(&[("view", "lessons")]);
    assert_eq!(facet(&lessons, "progress", "completed"), 1, "{lessons}");
    assert_eq!(facet(&lessons, "progress", "overdue"), 0);
    let completed = server.search(&[("view", "lessons"), ("progress", "completed")]);
    assert_eq!(completed["total"], 1);
    assert_eq!(completed["hits"][0]["id"], finding.as_str());
    assert_eq!(completed["hits"][0]["progress"], "completed");
    assert_eq!(completed["hits"][0]["overdue"], false);
    // Statistics.
    let (status, stats) = server.json("/api/v1/stats?rows=progress&cols=board&view=lessons");
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["row_totals"]["completed"], 1, "{stats}");
    assert!(stats["row_totals"].get("overdue").is_none(), "{stats}");
    // /progress: one recommendation, completed; one of two actions on time.
    let (status, page) = server.get("/progress?board=barsetshire");
    assert_eq!(status, 200);
    assert!(
        page.contains("<strong>1</strong> recommendation matches"),
        "{page}"
    );
    assert!(page.contains("2 completed, 0 still open"), "{page}");
    assert!(page.contains("<strong>50%</strong>"), "{page}");
    assert!(page.contains("1 on time, 1 late"), "{page}");
    assert!(
        page.contains("Also filtered by Board") && !page.contains("Kind of finding"),
        "recommendations go without saying: {page}"
    );
    // The lessons export.
    let (_, export) = server.json("/api/v1/export?view=lessons&format=json&kind=recommendation");
    let row = &export["results"][0];
    assert_eq!(row["id"], finding.as_str());
    assert_eq!(
        (
            &row["actions"],
            &row["actions_completed"],
            &row["progress"],
            &row["overdue"]
        ),
        (&json!(2), &json!(2), &json!("completed"), &json!(false))
    );
    // The actions export, in every format that has rows of actions.
    let (_, export) = server.json("/api/v1/export?view=actions&format=json");
    assert_eq!(export["provenance"]["total"], 2);
    let rows = export["results"].as_array().unwrap();
    let summary: Vec<(Value, Value, Value, Value)> = rows
        .iter()
        .map(|r| {
            (
                r["action_id"].clone(),
                r["status"].clone(),
                r["completed_on_time"].clone(),
                r["evidence"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                json!("A1"),
                json!("completed"),
                json!(false),
                json!("Audit of 12 practices.")
            ),
            (
                json!("A2"),
                json!("completed"),
                json!(true),
                json!("Every receptionist trained.")
            )
        ]
    );
    assert_eq!(rows[0]["finding_id"], finding.as_str());
    assert_eq!(rows[0]["review_id"], id.as_str());
    let (_, ndjson) = server.get("/api/v1/export?view=actions&format=ndjson");
    assert_eq!(ndjson.lines().count(), 2);
    let (status, csv) = server.get("/api/v1/export?view=actions&format=csv");
    assert_eq!(status, 200);
    assert!(
        csv.starts_with("rank,id,permalink,review_id,title,board"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3, "{csv}");
    // The codebook lists the actions view.
    let (_, book) = server.json("/api/v1/codebook");
    assert!(book["views"]["actions"].as_array().unwrap().len() > 10);
    drop(dir);
}

#[test]
fn overdue_is_decided_on_the_day_of_the_request() {
    let board = board_server();
    let (server, token) = (&board.server, board.token.as_str());
    let id = published(server, token);
    let add = |due: &str| {
        let (status, body) = server.send(
            "POST",
            &format!("/api/v1/reviews/{id}/findings/2/actions"),
            Some(token),
            Some(&json!({"text": "Audit.", "owner": "police", "due": due})),
        );
        assert_eq!(status, 201, "{body}");
    };
    // Due tomorrow: not overdue today (the index unit tests take "the day after").
    add(&tomorrow());
    let lessons = server.search(&[("view", "lessons")]);
    assert_eq!(facet(&lessons, "progress", "not_started"), 1);
    assert_eq!(facet(&lessons, "progress", "overdue"), 0);
    assert_eq!(
        server.search(&[("view", "lessons"), ("progress", "overdue")])["total"],
        0
    );
    // Due yesterday: overdue today, in the facet, the filter, stats and the exports.
    add(&yesterday());
    let lessons = server.search(&[("view", "lessons"), ("progress", "overdue")]);
    assert_eq!(lessons["total"], 1);
    assert_eq!(facet(&lessons, "progress", "overdue"), 1);
    let (_, stats) = server.json("/api/v1/stats?rows=progress&cols=year&view=lessons");
    assert_eq!(stats["row_totals"]["overdue"], 1, "{stats}");
    let (_, export) = server.json("/api/v1/export?view=actions&format=json");
    let overdue: Vec<&Value> = export["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["overdue"])
        .collect();
    assert_eq!(overdue, [&json!(false), &json!(true)]);
}

/// Parses an Atom feed with feedparser (`None` when it is missing outside CI).
fn parse_feed(xml: &str) -> Option<Value> {
    let script = r#"
import json, sys
import feedparser
feed = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": bool(feed.bozo), "version": feed.version, "title": feed.feed.get("title"),
    "entries": [{"title": e.title, "id": e.id, "link": e.link,
                 "tags": [t.term for t in e.get("tags", [])]} for e in feed.entries],
}))
"#;
    python_json(script, xml.as_bytes(), "feedparser")
}

fn get_with(server: &Server, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut request = ureq::get(&server.url(path));
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let response = match request.call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("GET {path}: {e}"),
    };
    let status = response.status();
    let cache = response
        .header("cache-control")
        .unwrap_or_default()
        .to_string();
    (status, cache, response.into_string().unwrap())
}

#[test]
fn the_reminders_feed_is_the_boards_own_valid_atom() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    add_board(&data, "wessex", "Wessex LSCB");
    let email = "officer@barsetshire.example";
    let token = user_with_token(&data, email, Some("barsetshire"), "depositor");
    let other = user_with_token(&data, "officer@wessex.example", Some("wessex"), "depositor");
    let server = Server::start(&data, false);
    let add = |id: &str, text: &str, due: &str| {
        let (status, body) = server.send(
            "POST",
            &format!("/api/v1/reviews/{id}/findings/2/actions"),
            Some(&token),
            Some(&json!({"text": text, "owner": "police", "due": due})),
        );
        assert_eq!(status, 201, "{body}");
    };
    let public = published(&server, &token);
    add(&public, "Overdue <audit> & review.", &yesterday());
    add(&public, "Due soon: train staff.", &tomorrow());
    add(&public, "Far off: rewrite the policy.", "2099-01-01");
    // A draft's actions are the board's own: in its feed.
    let (_, draft_review) = server.send("POST", "/api/v1/reviews", Some(&token), Some(&draft()));
    let draft_id = draft_review["id"].as_str().unwrap().to_string();
    add(&draft_id, "Draft work item.", &tomorrow());
    // A withdrawn review's are not.
    let gone = published(&server, &token);
    add(&gone, "Withdrawn work item.", &yesterday());
    let (status, body) = server.send(
        "POST",
        &format!("/api/v1/reviews/{gone}/withdraw"),
        Some(&token),
        Some(&json!({"reason": "Published in error."})),
    );
    assert_eq!(status, 200, "{body}");

    let path = "/feeds/actions.atom?board=barsetshire";
    let bearer = format!("Bearer {token}");
    let (status, cache, xml) = get_with(&server, path, &[("Authorization", &bearer)]);
    assert_eq!(status, 200, "{xml}");
    assert!(cache.contains("no-store"), "{cache}");
    assert!(!xml.contains(&token), "the token never appears in the feed");
    assert!(xml.contains("Overdue &lt;audit&gt; &amp; review."), "{xml}");
    for (text, shown) in [
        ("Due soon: train staff.", true),
        ("Draft work item.", true),
        ("Far off", false),
        ("Withdrawn work item.", false),
    ] {
        assert_eq!(xml.contains(text), shown, "{text}: {xml}");
    }
    // The same with ?token= and with a session.
    let (status, _, by_query) = get_with(&server, &format!("{path}&token={token}"), &[]);
    assert_eq!((status, by_query.len()), (200, xml.len()));
    let (cookie, _) = sign_in(&server, email, "a long enough password");
    assert_eq!(get_page(&server, &cookie, path).len(), xml.len());
    if let Some(feed) = parse_feed(&xml) {
        assert_eq!(feed["bozo"], false, "well-formed: {xml}");
        assert_eq!(feed["version"], "atom10");
        let entries = feed["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 3, "{feed}");
        assert!(entries[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Overdue since"));
        assert_eq!(entries[0]["tags"], json!(["overdue"]));
        assert_eq!(entries[1]["tags"], json!(["due_soon"]));
    }

    // Everyone else.
    assert_eq!(get_with(&server, path, &[]).0, 401);
    assert_eq!(
        get_with(&server, &format!("{path}&token=nonsense"), &[]).0,
        401
    );
    let other_bearer = format!("Bearer {other}");
    assert_eq!(
        get_with(&server, path, &[("Authorization", &other_bearer)]).0,
        403
    );
    assert_eq!(
        get_with(&server, &format!("{path}&token={other}"), &[]).0,
        403
    );
    assert_eq!(
        get_with(
            &server,
            "/feeds/actions.atom?board=atlantis",
            &[("Authorization", &bearer)]
        )
        .0,
        404
    );
    for bad in [
        "",
        "?board=",
        "?board=barsetshire&board=wessex",
        "?board=barsetshire&colour=red",
    ] {
        let (status, _, body) = get_with(
            &server,
            &format!("/feeds/actions.atom{bad}"),
            &[("Authorization", &bearer)],
        );
        assert_eq!(status, 422, "{bad}: {body}");
    }
    drop(dir);
}
