//! Depositing through the JSON API with tokens: drafts, access rules, revisions,
//! publication (now and under embargo), withdrawal, bad bodies, and a crash right
//! after an acknowledged deposit.

use serde_json::{json, Value};

use crate::support::{
    add_barsetshire, add_board, board_server, temp_data, user_with_token, BoardServer, Server,
};

fn draft(word: &str) -> Value {
    json!({
        "title": format!("Serious Case Review: Child {word}"), "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" }, "themes": ["neglect"], "agencies": ["school"],
        "commissioned_on": "2011-01-10", "completed_on": "2011-09-30",
        "summary": format!("Teachers noticed the {word} drawings and told the school nurse."),
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "themes": ["voice_of_the_child"],
                      "text": format!("The {word} drawings were the child's voice and should have been shared.") }]
    })
}

fn total(server: &Server, q: &str) -> u64 {
    server.search(&[("q", q)])["total"].as_u64().unwrap()
}

#[test]
fn deposit_review_publish_and_withdraw_through_the_api() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    add_board(&data, "wessex", "Wessex LSCB");
    let ours = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let theirs = user_with_token(&data, "officer@wessex.example", Some("wessex"), "depositor");
    let admin = user_with_token(&data, "admin@lessons.example", None, "admin");
    let server = Server::start(&data, false);

    // Without credentials, or with a wrong token: 401 with a JSON body.
    let (status, body) = server.send("POST", "/api/v1/reviews", None, Some(&draft("kestrel")));
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    assert_eq!(
        server
            .send(
                "POST",
                "/api/v1/reviews",
                Some("lsn_wrong"),
                Some(&draft("kestrel"))
            )
            .0,
        401
    );

    // A draft: stored, visible to its board, invisible to everyone else.
    let (status, created) = server.send(
        "POST",
        "/api/v1/reviews",
        Some(&ours),
        Some(&draft("kestrel")),
    );
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "draft");
    assert!(created["warnings"].is_array());
    let id = created["id"].as_str().unwrap().to_string();
    let review_path = format!("/api/v1/reviews/{id}");
    assert_eq!(server.send("GET", &review_path, None, None).0, 404);
    assert_eq!(server.send("GET", &review_path, Some(&theirs), None).0, 404);
    assert_eq!(server.send("GET", &review_path, Some(&ours), None).0, 200);
    assert_eq!(server.send("GET", &review_path, Some(&admin), None).0, 200);
    assert_eq!(total(&server, "kestrel"), 0);

    // Another board's routes on it answer as for a missing review (see security.rs);
    // without credentials they answer 401; a depositor may not write for another board.
    assert_eq!(
        server
            .send("GET", &format!("{review_path}/revisions"), None, None)
            .0,
        401
    );
    let mut elsewhere = draft("osprey");
    elsewhere["board"] = json!("wessex");
    assert_eq!(
        server
            .send("POST", "/api/v1/reviews", Some(&ours), Some(&elsewhere))
            .0,
        403
    );

    // PUT makes revision 2; revision 1 stays readable.
    let mut amended = draft("kestrel");
    amended["title"] = json!("Serious Case Review: Child K (amended)");
    amended["lessons"][0]["suggested"] = json!(true);
    let (status, updated) = server.send("PUT", &review_path, Some(&ours), Some(&amended));
    assert_eq!((status, updated["revision"].as_u64()), (200, Some(2)));
    let (_, history) = server.send(
        "GET",
        &format!("{review_path}/revisions"),
        Some(&ours),
        None,
    );
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[0]["by"], "officer@barsetshire.example");
    let (status, first) = server.send(
        "GET",
        &format!("{review_path}/revisions/1"),
        Some(&ours),
        None,
    );
    assert_eq!(
        (status, first["title"].as_str()),
        (200, Some("Serious Case Review: Child kestrel"))
    );

    // Publishing needs the anonymisation check and no suggested findings.
    let publish = format!("{review_path}/publish");
    let (status, refused) = server.send("POST", &publish, Some(&ours), Some(&json!({})));
    assert_eq!(status, 422);
    let fields: Vec<&str> = refused["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["field"].as_str())
        .collect();
    assert_eq!(fields, ["anonymisation_checked", "lessons[0].suggested"]);
    amended["lessons"][0]["suggested"] = json!(false);
    assert_eq!(
        server
            .send("PUT", &review_path, Some(&ours), Some(&amended))
            .0,
        200
    );
    let (status, published) = server.send(
        "POST",
        &publish,
        Some(&ours),
        Some(&json!({"anonymisation_checked": true})),
    );
    assert_eq!(
        (status, published["status"].as_str()),
        (200, Some("published"))
    );
    assert_eq!(server.send("GET", &review_path, None, None).0, 200);
    assert_eq!(
        total(&server, "kestrel"),
        1,
        "searchable as soon as publish answers"
    );

    // An embargo keeps a published review hidden until its day.
    let (_, second) = server.send(
        "POST",
        "/api/v1/reviews",
        Some(&ours),
        Some(&draft("heron")),
    );
    let second_path = format!("/api/v1/reviews/{}", second["id"].as_str().unwrap());
    let (status, embargoed) = server.send(
        "POST",
        &format!("{second_path}/publish"),
        Some(&ours),
        Some(&json!({"anonymisation_checked": true, "embargo_until": "2099-01-01"})),
    );
    assert_eq!(
        (status, embargoed["embargo_until"].as_str()),
        (200, Some("2099-01-01"))
    );
    assert_eq!(server.send("GET", &second_path, None, None).0, 404);
    assert_eq!(total(&server, "heron"), 0);

    // A published review cannot gain unconfirmed findings; publish bodies of the wrong
    // shape are 422; a draft cannot be withdrawn; a review withdrawn under embargo stays unknown.
    let mut unconfirmed = amended.clone();
    unconfirmed["lessons"][0]["suggested"] = json!(true);
    let (status, body) = server.send("PUT", &review_path, Some(&ours), Some(&unconfirmed));
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "lessons[0].suggested");
    let (status, body) = server.send(
        "POST",
        &publish,
        Some(&ours),
        Some(&json!({"anonymisation_checked": "yes"})),
    );
    assert_eq!(
        (status, body["error"]["details"][0]["field"].as_str()),
        (422, Some("anonymisation_checked"))
    );
    assert_eq!(
        server
            .send(
                "POST",
                &publish,
                Some(&ours),
                Some(&json!({"anonymisation_checked": true, "colour": 1}))
            )
            .0,
        422
    );
    let (_, third) = server.send(
        "POST",
        "/api/v1/reviews",
        Some(&ours),
        Some(&draft("curlew")),
    );
    let third_path = format!("/api/v1/reviews/{}", third["id"].as_str().unwrap());
    let (status, body) = server.send(
        "POST",
        &format!("{third_path}/withdraw"),
        Some(&ours),
        Some(&json!({"reason": "Duplicate"})),
    );
    assert_eq!(
        (status, body["error"]["details"][0]["field"].as_str()),
        (422, Some("status"))
    );
    let (status, _) = server.send(
        "POST",
        &format!("{second_path}/withdraw"),
        Some(&ours),
        Some(&json!({"reason": "Trial collapsed"})),
    );
    assert_eq!(status, 200);
    let (status, body) = server.send("GET", &second_path, None, None);
    assert_eq!(status, 404, "never public, so no notice: {body}");
    let credentialed = ureq::get(&server.url(&second_path))
        .set("Authorization", &format!("Bearer {ours}"))
        .call()
        .unwrap();
    assert_eq!(
        credentialed.header("cache-control"),
        Some("private, no-store")
    );

    // Withdrawal needs a reason; the public then sees a notice, and search forgets it.
    let withdraw = format!("{review_path}/withdraw");
    assert_eq!(
        server
            .send(
                "POST",
                &withdraw,
                Some(&ours),
                Some(&json!({"reason": "  "}))
            )
            .0,
        422
    );
    let (status, withdrawn) = server.send(
        "POST",
        &withdraw,
        Some(&ours),
        Some(&json!({"reason": "Published in error"})),
    );
    assert_eq!(
        (status, withdrawn["status"].as_str()),
        (200, Some("withdrawn"))
    );
    let (status, gone) = server.send("GET", &review_path, None, None);
    assert_eq!(status, 410);
    assert!(gone["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Published in error"));
    let (status, page) = server.get(&format!("/reviews/{id}"));
    assert_eq!(status, 410);
    assert!(page.contains("Published in error"));
    assert_eq!(total(&server, "kestrel"), 0);
    assert_eq!(
        server.send("GET", &review_path, Some(&ours), None).0,
        200,
        "the board still reads it"
    );
}

#[test]
fn bad_deposit_bodies_are_refused_and_store_nothing() {
    let BoardServer {
        dir: _dir,
        data: _,
        token,
        server,
    } = board_server();

    let (status, body) = server.send_raw("POST", "/api/v1/reviews", &token, "text/plain", b"hello");
    assert_eq!(status, 415, "{body}");
    let (status, body) = server.send_raw(
        "POST",
        "/api/v1/reviews",
        &token,
        "application/json",
        b"{not json",
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"error\""));
    let huge = vec![b' '; 9 << 20];
    assert_eq!(
        server
            .send_raw("POST", "/api/v1/reviews", &token, "application/json", &huge)
            .0,
        413
    );

    let mut bad = draft("wren");
    bad["themes"] = json!(["negelct"]);
    bad["child"]["age_band"] = json!(5);
    let (status, body) = server.send("POST", "/api/v1/reviews", Some(&token), Some(&bad));
    assert_eq!(status, 422);
    assert_eq!(
        body["error"]["details"][0]["field"], "child.age_band",
        "{body}"
    );
    bad["child"]["age_band"] = json!("1_to_5");
    let (status, body) = server.send("POST", "/api/v1/reviews", Some(&token), Some(&bad));
    assert_eq!(status, 422);
    assert_eq!(body["error"]["details"][0]["field"], "themes[0]");
    assert_eq!(
        body["error"]["details"][0]["allowed"]
            .as_array()
            .unwrap()
            .len(),
        40
    );
    assert_eq!(
        server
            .send(
                "POST",
                "/api/v1/reviews/scr-2000-barsetshire-0001/publish",
                Some(&token),
                Some(&json!({"anonymisation_checked": true}))
            )
            .0,
        404
    );

    // Nothing was stored: the board's first review still gets number 0001.
    let (status, created) = server.send(
        "POST",
        "/api/v1/reviews",
        Some(&token),
        Some(&draft("wren")),
    );
    assert_eq!(status, 201);
    assert!(
        created["id"].as_str().unwrap().ends_with("-0001"),
        "{}",
        created["id"]
    );
}

#[test]
fn an_acknowledged_deposit_survives_sigkill() {
    let BoardServer {
        dir: _dir,
        data,
        token,
        server,
    } = board_server();
    let (_, created) = server.send(
        "POST",
        "/api/v1/reviews",
        Some(&token),
        Some(&draft("plover")),
    );
    let path = format!("/api/v1/reviews/{}", created["id"].as_str().unwrap());
    let (status, _) = server.send(
        "POST",
        &format!("{path}/publish"),
        Some(&token),
        Some(&json!({"anonymisation_checked": true})),
    );
    assert_eq!(status, 200);
    server.kill();

    let server = Server::start(&data, false);
    let (status, review) = server.send("GET", &path, None, None);
    assert_eq!(
        (status, review["status"].as_str()),
        (200, Some("published"))
    );
    assert_eq!(total(&server, "plover"), 1);
}
