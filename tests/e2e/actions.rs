//! Action plans through the API (DESIGN §10): a board adds actions to a recommendation
//! and reports progress after publication; the public review shows them with progress
//! and overdue worked out on the day; nobody else can change them; they are never
//! removed by an amendment; bad input is refused field by field.

use serde_json::{json, Value};

use crate::support::*;

pub(crate) fn draft() -> Value {
    json!({
        "title": "Serious Case Review: Child Plover", "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "under_1", "sex": "female" }, "themes": ["neglect"],
        "commissioned_on": "2011-01-10", "completed_on": "2011-09-30",
        "summary": "The baby was seen with a bruise.",
        "lessons": [
            { "kind": "lesson", "level": "inter_agency", "text": "A bruise on a baby who cannot crawl was explained away." },
            { "kind": "recommendation", "level": "individual", "agency": "general_practice",
              "text": "GP practices should refer every bruise on a non-mobile baby." }
        ]
    })
}

pub(crate) fn yesterday() -> String {
    let today = time::OffsetDateTime::now_utc().date();
    (today - time::Duration::days(1)).to_string()
}

fn public_recommendation(server: &Server, id: &str) -> Value {
    let (status, review) = server.json(&format!("/api/v1/reviews/{id}"));
    assert_eq!(status, 200, "{review}");
    review["lessons"][1].clone()
}

#[test]
fn a_board_reports_progress_on_a_published_recommendation_and_the_public_sees_it() {
    let board = board_server();
    let (server, token) = (&board.server, board.token.as_str());
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
    let recommendation = public_recommendation(server, &id);
    assert_eq!(recommendation["progress"], "no_plan");
    assert_eq!(recommendation["overdue"], false);
    assert!(public_recommendation(server, &id).get("actions").is_none());
    let lesson = server.json(&format!("/api/v1/reviews/{id}")).1["lessons"][0].clone();
    assert!(
        lesson.get("progress").is_none(),
        "only recommendations: {lesson}"
    );

    // Add an action; then one already overdue.
    let actions = format!("/api/v1/reviews/{id}/findings/2/actions");
    let audit = json!({"text": "Audit the bruising protocol in every practice.", "owner": "general_practice", "due": "2030-03-31"});
    let (status, first) = server.send("POST", &actions, Some(token), Some(&audit));
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["id"], "A1");
    assert_eq!(first["status"], "planned");
    assert_eq!(
        first["updated_on"],
        time::OffsetDateTime::now_utc().date().to_string()
    );
    let late = json!({"text": "Train every receptionist.", "owner": "general_practice", "due": yesterday(), "status": "in_progress"});
    let (status, second) = server.send("POST", &actions, Some(token), Some(&late));
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["id"], "A2");
    let recommendation = public_recommendation(server, &id);
    assert_eq!(recommendation["actions"].as_array().unwrap().len(), 2);
    assert_eq!(recommendation["progress"], "in_progress");
    assert_eq!(recommendation["overdue"], true, "A2 fell due yesterday");
    let (status, page) = server.get(&format!("/reviews/{id}"));
    assert_eq!(status, 200);
    assert!(
        page.contains("0 of 2 actions completed; 1 overdue since"),
        "{page}"
    );
    assert!(page.contains("Train every receptionist."));

    // Report progress: both completed, with evidence.
    for action in ["A1", "A2"] {
        let (status, changed) = server.send(
            "PATCH",
            &format!("/api/v1/reviews/{id}/actions/{action}"),
            Some(token),
            Some(&json!({"status": "completed", "evidence": "Audit of 12 practices."})),
        );
        assert_eq!(status, 200, "{changed}");
        assert_eq!(changed["status"], "completed");
    }
    let recommendation = public_recommendation(server, &id);
    assert_eq!(recommendation["progress"], "completed");
    assert_eq!(recommendation["overdue"], false);
    assert_eq!(
        recommendation["actions"][0]["evidence"],
        "Audit of 12 practices."
    );
    let (_, review) = server.json(&format!("/api/v1/reviews/{id}"));
    assert_eq!(review["status"], "published");
    assert_eq!(
        review["lessons"][1]["text"],
        draft()["lessons"][1]["text"],
        "the text is unchanged"
    );

    // Another board's depositor, and nobody at all, can change nothing.
    add_board(&board.data, "wessex", "Wessex LSCB");
    let other = user_with_token(
        &board.data,
        "officer@wessex.example",
        Some("wessex"),
        "depositor",
    );
    let revisions_before = server
        .send(
            "GET",
            &format!("/api/v1/reviews/{id}/revisions"),
            Some(token),
            None,
        )
        .1;
    let (status, body) = server.send("POST", &actions, Some(&other), Some(&audit));
    assert_eq!(status, 403, "{body}");
    let (status, body) = server.send(
        "PATCH",
        &format!("/api/v1/reviews/{id}/actions/A1"),
        Some(&other),
        Some(&json!({"status": "not_accepted"})),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(server.send("POST", &actions, None, Some(&audit)).0, 401);
    let revisions_after = server
        .send(
            "GET",
            &format!("/api/v1/reviews/{id}/revisions"),
            Some(token),
            None,
        )
        .1;
    assert_eq!(revisions_before, revisions_after, "nothing changed");
    assert_eq!(public_recommendation(server, &id)["progress"], "completed");

    // An amendment keeps every action: sent back unchanged it keeps their dates; one
    // that leaves an action out is refused.
    let (_, mine) = server.send("GET", &format!("/api/v1/reviews/{id}"), Some(token), None);
    let (status, body) = server.send(
        "PUT",
        &format!("/api/v1/reviews/{id}"),
        Some(token),
        Some(&mine),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["lessons"][1]["actions"], mine["lessons"][1]["actions"]);
    let mut dropped = mine.clone();
    dropped["lessons"][1]["actions"]
        .as_array_mut()
        .unwrap()
        .pop();
    let (status, body) = server.send(
        "PUT",
        &format!("/api/v1/reviews/{id}"),
        Some(token),
        Some(&dropped),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("A2 is missing"), "{body}");

    // A public dump carries the plan as stored (progress is worked out when read), and
    // restores into a new data directory that serves the same actions.
    let dump = board.dir.path().join("dump.ndjson");
    let output = run_cli(&board.data, &["dump", "--output", dump.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&dump).unwrap();
    let line: Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(line["lessons"][1]["actions"], mine["lessons"][1]["actions"]);
    assert!(line["lessons"][1].get("progress").is_none());
    let restored = board.dir.path().join("restored");
    let output = run_cli(&restored, &["restore", dump.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let copy = Server::start(&restored, false);
    assert_eq!(
        public_recommendation(&copy, &id)["actions"],
        mine["lessons"][1]["actions"]
    );
    assert_eq!(public_recommendation(&copy, &id)["progress"], "completed");
}

#[test]
fn bad_actions_are_refused_field_by_field_and_change_nothing() {
    let board = board_server();
    let (server, token) = (&board.server, board.token.as_str());
    let (_, created) = server.send("POST", "/api/v1/reviews", Some(token), Some(&draft()));
    let id = created["id"].as_str().unwrap().to_string();
    let path = |n: &str| format!("/api/v1/reviews/{id}/findings/{n}/actions");
    let good = json!({"text": "Audit.", "owner": "general_practice", "due": "2030-03-31"});

    let (status, body) = server.send(
        "POST",
        &path("2"),
        Some(token),
        Some(&json!({"text": " ", "owner": "gp", "due": "2030-02-30", "status": "done"})),
    );
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["text", "owner", "due", "status"], "{body}");
    let (status, body) = server.send("POST", &path("1"), Some(token), Some(&good));
    assert_eq!(status, 422, "a lesson carries no actions: {body}");
    assert_eq!(
        server.send("POST", &path("3"), Some(token), Some(&good)).0,
        404
    );
    assert_eq!(
        server.send("POST", &path("x"), Some(token), Some(&good)).0,
        404
    );
    let (status, _) = server.send("POST", &path("2"), Some(token), Some(&json!({"text": "Audit.", "owner": "general_practice", "due": "2030-03-31", "colour": "red"})));
    assert!((400..500).contains(&status), "an unknown field: {status}");
    let (status, _) = server.send(
        "PATCH",
        &format!("/api/v1/reviews/{id}/actions/A1"),
        Some(token),
        Some(&json!({"status": "completed"})),
    );
    assert_eq!(status, 404, "no action yet");
    let (_, review) = server.send("GET", &format!("/api/v1/reviews/{id}"), Some(token), None);
    assert_eq!(review["revision"], 1, "nothing was stored");

    let (status, _) = server.send("POST", &path("2"), Some(token), Some(&good));
    assert_eq!(status, 201);
    let change = format!("/api/v1/reviews/{id}/actions/A1");
    let (status, body) = server.send("PATCH", &change, Some(token), Some(&json!({})));
    assert_eq!(status, 422, "nothing to change: {body}");
    let (status, body) = server.send("PATCH", &change, Some(token), Some(&json!({"due": "soon"})));
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "due");
    let (_, review) = server.send("GET", &format!("/api/v1/reviews/{id}"), Some(token), None);
    assert_eq!(review["lessons"][1]["actions"][0]["due"], "2030-03-31");
}

/// Signs in on the site: the session cookie and the CSRF token of its forms.
pub(crate) fn sign_in(server: &Server, email: &str, password: &str) -> (String, String) {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let form = agent.get(&server.url("/login")).call().unwrap();
    let cookies: Vec<String> = form
        .all("set-cookie")
        .into_iter()
        .map(|c| c.split(';').next().unwrap().to_string())
        .collect();
    let body = form.into_string().unwrap();
    let login_csrf = hidden_csrf(&body);
    let response = agent
        .post(&server.url("/login"))
        .set("Cookie", &cookies.join("; "))
        .send_form(&[
            ("csrf", &login_csrf),
            ("next", "/my"),
            ("email", email),
            ("password", password),
        ]);
    let response = match response {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("sign-in failed: {e}"),
    };
    assert_eq!(response.status(), 303, "signed in");
    let cookie = response
        .all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("lessons_session="))
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = get_page(server, &cookie, "/my");
    (cookie, hidden_csrf(&page))
}

pub(crate) fn hidden_csrf(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF token")
        .to_string()
}

pub(crate) fn post_form(
    server: &Server,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let result = agent
        .post(&server.url(path))
        .set("Cookie", cookie)
        .send_form(fields);
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("POST {path} failed: {e}"),
    };
    let status = response.status();
    let location = response.header("location").unwrap_or_default().to_string();
    (status, location, response.into_string().unwrap())
}

pub(crate) fn get_page(server: &Server, cookie: &str, path: &str) -> String {
    ureq::get(&server.url(path))
        .set("Cookie", cookie)
        .call()
        .unwrap()
        .into_string()
        .unwrap()
}

#[test]
fn a_board_keeps_its_action_plans_on_the_site_without_javascript() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let email = "officer@barsetshire.example";
    let output = run_cli_with_input(
        &data,
        &[
            "user",
            "add",
            email,
            "--board",
            "barsetshire",
            "--role",
            "depositor",
        ],
        "a long enough password\n",
    );
    assert!(output.status.success());
    let token = run_cli(&data, &["token", "add", email]);
    let token = String::from_utf8_lossy(&token.stdout).trim().to_string();
    let server = Server::start(&data, false);
    let (_, created) = server.send("POST", "/api/v1/reviews", Some(&token), Some(&draft()));
    let id = created["id"].as_str().unwrap().to_string();
    let (cookie, csrf) = sign_in(&server, email, "a long enough password");

    // The review screen offers to add an action to the recommendation (finding 2).
    let screen = get_page(&server, &cookie, &format!("/my/reviews/{id}"));
    assert!(
        screen.contains("Action plans") && screen.contains("Add an action to recommendation 2"),
        "{screen}"
    );
    let add = format!("/my/reviews/{id}/findings/2/actions");
    let back = format!("/my/reviews/{id}");
    let (status, _, page) = post_form(
        &server,
        &cookie,
        &add,
        &[
            ("csrf", &csrf),
            ("back", &back),
            ("text", "Audit the protocol."),
            ("owner", "general_practice"),
            ("due", "not a date"),
            ("status", "planned"),
            ("evidence", ""),
        ],
    );
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("Due date") && page.contains("Audit the protocol."),
        "the problem, and what was typed: {page}"
    );
    let (status, location, _) = post_form(
        &server,
        &cookie,
        &add,
        &[
            ("csrf", &csrf),
            ("back", &back),
            ("text", "Audit the protocol."),
            ("owner", "general_practice"),
            ("due", &yesterday()),
            ("status", "planned"),
            ("evidence", ""),
        ],
    );
    assert_eq!(status, 303);
    assert!(
        location.starts_with(&format!("/my/reviews/{id}?done=saved")),
        "{location}"
    );
    let (status, _, page) = post_form(
        &server,
        &cookie,
        &add,
        &[
            ("back", &back),
            ("text", "No token."),
            ("owner", "police"),
            ("due", "2030-01-01"),
        ],
    );
    assert_eq!(status, 403, "no CSRF token: {page}");

    // /my/actions lists it as overdue, and progress is reported in place.
    let open = get_page(&server, &cookie, "/my/actions");
    assert!(
        open.contains("1 open action") && open.contains("1 overdue"),
        "{open}"
    );
    let change = format!("/my/reviews/{id}/actions/A1");
    let (status, location, _) = post_form(
        &server,
        &cookie,
        &change,
        &[
            ("csrf", &csrf),
            ("back", "/my/actions"),
            ("due", &yesterday()),
            ("status", "completed"),
            ("evidence", "Audited in March."),
        ],
    );
    assert_eq!(status, 303);
    assert_eq!(location, "/my/actions?saved=A1");
    let open = get_page(&server, &cookie, "/my/actions?saved=A1");
    assert!(open.contains("0 open actions"), "{open}");
    let (_, review) = server.send("GET", &format!("/api/v1/reviews/{id}"), Some(&token), None);
    assert_eq!(review["lessons"][1]["actions"][0]["status"], "completed");
    assert_eq!(
        review["lessons"][1]["actions"][0]["evidence"],
        "Audited in March."
    );
    assert_eq!(review["lessons"][1]["progress"], "completed");

    // Saving the review screen's findings keeps the plan.
    let screen = get_page(&server, &cookie, &format!("/my/reviews/{id}"));
    assert!(
        screen.contains(&format!("name=\"id_1\" value=\"{id}#L2\"")),
        "rows carry their finding"
    );
    drop(dir);
}

#[test]
fn an_action_plan_table_in_a_deposit_becomes_suggested_actions_to_confirm_before_publishing() {
    let board = board_server();
    let (server, token) = (&board.server, board.token.as_str());
    let docx = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/ingest/tests/fixtures/action-plan-python-docx.docx"
    ))
    .unwrap();
    let metadata = json!({"title": "Serious Case Review: Child Y", "board": "barsetshire", "incident": "serious_harm",
        "commissioned_on": "2011-05-02", "completed_on": "2011-12-20"});
    let body = crate::upload::multipart(Some(&metadata), &[("child-y.docx", None, &docx)]);
    let (status, review) = crate::upload::post(server, token, &body);
    assert_eq!(status, 201, "{review}");
    assert!(
        review["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "action_plan"
                && w["message"].as_str().unwrap().contains("4 of its 5 rows")),
        "{review}"
    );
    let id = review["id"].as_str().unwrap().to_string();
    let recommendations: Vec<&Value> = review["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "recommendation")
        .collect();
    let suggested: Vec<&str> = recommendations
        .iter()
        .flat_map(|l| l["actions"].as_array().into_iter().flatten())
        .inspect(|a| assert_eq!(a["suggested"], true))
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(suggested, ["A1", "A2", "A3", "A4"]);

    // Confirm the findings, then publishing is refused while an action is a suggestion.
    let (_, mut mine) = server.send("GET", &format!("/api/v1/reviews/{id}"), Some(token), None);
    for lesson in mine["lessons"].as_array_mut().unwrap() {
        lesson["suggested"] = json!(false);
    }
    let (status, body) = server.send(
        "PUT",
        &format!("/api/v1/reviews/{id}"),
        Some(token),
        Some(&mine),
    );
    assert_eq!(status, 200, "{body}");
    let publish = format!("/api/v1/reviews/{id}/publish");
    let confirm = json!({"anonymisation_checked": true});
    let (status, body) = server.send("POST", &publish, Some(token), Some(&confirm));
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("actions[0].suggested"), "{body}");
    // Saving an action confirms it; a wrong suggestion may be left out by a PUT.
    for action in ["A1", "A2", "A3"] {
        let (status, changed) = server.send(
            "PATCH",
            &format!("/api/v1/reviews/{id}/actions/{action}"),
            Some(token),
            Some(&json!({"status": "planned"})),
        );
        assert_eq!(status, 200, "{changed}");
        assert!(changed.get("suggested").is_none(), "confirmed: {changed}");
    }
    let (_, mut mine) = server.send("GET", &format!("/api/v1/reviews/{id}"), Some(token), None);
    for lesson in mine["lessons"].as_array_mut().unwrap() {
        if let Some(actions) = lesson["actions"].as_array_mut() {
            actions.retain(|a| a["id"] != "A4");
        }
    }
    let (status, body) = server.send(
        "PUT",
        &format!("/api/v1/reviews/{id}"),
        Some(token),
        Some(&mine),
    );
    assert_eq!(status, 200, "a suggested action may be left out: {body}");
    let (status, body) = server.send("POST", &publish, Some(token), Some(&confirm));
    assert_eq!(status, 200, "{body}");
}
