//! Original files are private by default (DESIGN §2): a deposited file is served to its
//! board and admins only, unless the depositor offered it to the public and confirmed
//! it anonymised when publishing; the public JSON lists only those files, each with its
//! number in the full list. Also: a store written before the flag existed serves its
//! files to the board only, and the site's review screen (per-file warnings, what the
//! public gets, refusals in plain words, the publication date, "Published").

use serde_json::{json, Value};

use crate::hostile::{hidden, Client};
use crate::support::{board_server, run_cli, temp_data, user_with_token, BoardServer, Server};
use crate::upload::{multipart, post};

/// The original as deposited: a child's name, date of birth and address.
const FULL: &[u8] = b"Executive summary\n\nMaisie Thornfield (born 3 March 2006) lived with her mother at 14 Acacia Road, Barchester BA1 2XY.\n\nRecommendations\n\n1. The health visiting service should ask who lives in the household at every contact.\n";
/// The anonymised version the board is content to publish.
const ANONYMISED: &[u8] = b"Executive summary\n\nChild M lived with her mother in the town.\n\nRecommendations\n\n1. The health visiting service should ask who lives in the household at every contact.\n";

fn metadata(with_lessons: bool) -> Value {
    let mut metadata = json!({ "title": "Serious Case Review: Child M", "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" }, "pseudonyms": ["Child M"] });
    if with_lessons {
        metadata["summary"] = json!("Child M lived with her mother in the town.");
        metadata["lessons"] = json!([{ "kind": "lesson", "level": "inter_agency", "text": "Agencies should ask who lives in the household." }]);
    }
    metadata
}

fn deposit(server: &Server, token: &str, with_lessons: bool) -> Value {
    let (status, review) = post(
        server,
        token,
        &multipart(
            Some(&metadata(with_lessons)),
            &[
                ("child-m-full.txt", None, FULL),
                ("child-m-es.txt", Some("executive_summary"), ANONYMISED),
            ],
        ),
    );
    assert_eq!(status, 201, "{review}");
    review
}

/// Status and bytes of a file route, with or without the board's token.
fn fetch(server: &Server, path: &str, token: Option<&str>) -> (u16, Vec<u8>) {
    let mut request = ureq::get(&server.url(path));
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    let response = match request.call() {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("GET {path}: {error}"),
    };
    let status = response.status();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).unwrap();
    (status, bytes)
}

fn names(review: &Value) -> Vec<(u64, String, bool)> {
    review["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["number"].as_u64().unwrap(),
                f["filename"].as_str().unwrap().to_string(),
                f["public"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_published_review_keeps_its_files_private_unless_marked_public_and_anonymised() {
    let BoardServer {
        dir: _dir,
        data: _,
        token,
        server,
    } = board_server();
    let review = deposit(&server, &token, true);
    let id = review["id"].as_str().unwrap();
    let path = format!("/api/v1/reviews/{id}");
    assert_eq!(
        names(&review),
        [
            (1, "child-m-full.txt".to_string(), false),
            (2, "child-m-es.txt".to_string(), false)
        ]
    );

    // A plain publish: the review is public, its files are not.
    let (status, published) = server.send(
        "POST",
        &format!("{path}/publish"),
        Some(&token),
        Some(&json!({ "anonymisation_checked": true })),
    );
    assert_eq!(status, 200, "{published}");
    assert_eq!(server.json(&path).0, 200);
    for file in ["/file", "/files/1", "/files/2", "/files/3"] {
        assert_eq!(
            fetch(&server, &format!("{path}{file}"), None).0,
            404,
            "{file}"
        );
    }
    let (_, public) = server.json(&path);
    assert_eq!(
        public["files"],
        json!([]),
        "the public lists no private file"
    );
    let (status, page) = server.get(&format!("/reviews/{id}"));
    assert_eq!(status, 200);
    assert!(!page.contains("child-m-full.txt") && !page.contains("/files/"));
    // The board still gets every file, and sees them all with their flags.
    assert_eq!(
        fetch(&server, &format!("{path}/files/1"), Some(&token)),
        (200, FULL.to_vec())
    );
    let (_, theirs) = server.send("GET", &path, Some(&token), None);
    assert_eq!(theirs["files"].as_array().unwrap().len(), 2);

    // Marked public without the confirmation, or a file that is not there (public or
    // confirmed anonymised): 422, nothing changes.
    for (body, field) in [
        (
            json!({ "anonymisation_checked": true, "public_files": [2] }),
            "public_files[0]",
        ),
        (
            json!({ "anonymisation_checked": true, "public_files": [2], "anonymised_files": [1] }),
            "public_files[0]",
        ),
        (
            json!({ "anonymisation_checked": true, "public_files": [3], "anonymised_files": [3] }),
            "public_files[0]",
        ),
        (
            json!({ "anonymisation_checked": true, "anonymised_files": [4294967296_u64] }),
            "anonymised_files[0]",
        ),
    ] {
        let (status, refused) = server.send(
            "POST",
            &format!("{path}/publish"),
            Some(&token),
            Some(&body),
        );
        assert_eq!(status, 422, "{body}: {refused}");
        assert_eq!(refused["error"]["details"][0]["field"], field, "{refused}");
    }
    assert_eq!(fetch(&server, &format!("{path}/files/2"), None).0, 404);

    // Marked public and confirmed anonymised: that file only, keeping its number.
    let (status, published) = server.send(
        "POST",
        &format!("{path}/publish"),
        Some(&token),
        Some(
            &json!({ "anonymisation_checked": true, "public_files": [2], "anonymised_files": [2] }),
        ),
    );
    assert_eq!(status, 200, "{published}");
    assert_eq!(
        fetch(&server, &format!("{path}/files/2"), None),
        (200, ANONYMISED.to_vec())
    );
    assert_eq!(fetch(&server, &format!("{path}/files/1"), None).0, 404);
    assert_eq!(fetch(&server, &format!("{path}/file"), None).0, 404);
    let (_, public) = server.json(&path);
    assert_eq!(names(&public), [(2, "child-m-es.txt".to_string(), true)]);
    let (_, page) = server.get(&format!("/reviews/{id}"));
    assert!(
        page.contains(&format!("/api/v1/reviews/{id}/files/2")) && page.contains("child-m-es.txt")
    );
    assert!(!page.contains("child-m-full.txt"));

    // An amendment keeps the flags; withdrawal hides the public file again.
    let mut amended = theirs.clone();
    amended["keywords"] = json!(["household"]);
    assert_eq!(
        server.send("PUT", &path, Some(&token), Some(&amended)).0,
        200
    );
    assert_eq!(fetch(&server, &format!("{path}/files/2"), None).0, 200);
    let (status, _) = server.send(
        "POST",
        &format!("{path}/withdraw"),
        Some(&token),
        Some(&json!({ "reason": "Published in error" })),
    );
    assert_eq!(status, 200);
    assert_eq!(fetch(&server, &format!("{path}/files/2"), None).0, 404);
    assert_eq!(
        fetch(&server, &format!("{path}/files/2"), Some(&token)).0,
        200
    );
}

#[test]
fn publishing_keeps_a_given_publication_date() {
    let BoardServer {
        dir: _dir,
        data: _,
        token,
        server,
    } = board_server();
    let review = deposit(&server, &token, true);
    let path = format!("/api/v1/reviews/{}", review["id"].as_str().unwrap());
    let (status, published) = server.send(
        "POST",
        &format!("{path}/publish"),
        Some(&token),
        Some(&json!({ "anonymisation_checked": true, "published_on": "2013-05-01" })),
    );
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["published_on"], "2013-05-01");
    let hits = server.search(&[
        ("q", "household"),
        ("year_from", "2013"),
        ("year_to", "2013"),
    ]);
    assert_eq!(hits["total"], 1, "{hits}");
    let (status, refused) = server.send(
        "POST",
        &format!("{path}/publish"),
        Some(&token),
        Some(&json!({ "anonymisation_checked": true, "published_on": "1 May 2013" })),
    );
    assert_eq!(status, 422);
    assert_eq!(refused["error"]["details"][0]["field"], "published_on");
}

#[test]
fn a_store_written_before_the_flag_serves_its_files_to_the_board_only() {
    // Made by the previous version of `lessons` (see fixtures/README.md): one review,
    // published with the plain publish of that version, with a file naming a child.
    let (_dir, data) = temp_data();
    std::fs::create_dir_all(&data).unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/e2e/fixtures/store-before-public-files.tar.gz"
    );
    let unpacked = std::process::Command::new("tar")
        .args(["xzf", fixture, "-C"])
        .arg(&data)
        .status()
        .expect("tar runs");
    assert!(unpacked.success());
    let token = run_cli(&data, &["token", "add", "officer@barsetshire.example"]);
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    let server = Server::start(&data, false);
    let path = "/api/v1/reviews/scr-2026-barsetshire-0001";

    let (status, public) = server.json(path);
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["files"], json!([]));
    assert_eq!(fetch(&server, &format!("{path}/file"), None).0, 404);
    let (status, theirs) = server.send("GET", path, Some(&token), None);
    assert_eq!(status, 200);
    assert_eq!(names(&theirs), [(1, "child-m.txt".to_string(), false)]);
    let (status, bytes) = fetch(&server, &format!("{path}/file"), Some(&token));
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&bytes).contains("Acacia Road"));
}

#[test]
fn the_review_screen_shows_per_file_checks_and_refuses_in_plain_words() {
    let (_dir, data) = temp_data();
    crate::support::add_barsetshire(&data);
    let email = "officer@barsetshire.example";
    let token = user_with_token(&data, email, Some("barsetshire"), "depositor");
    let server = Server::start(&data, false);
    let review = deposit(&server, &token, false);
    let id = review["id"].as_str().unwrap().to_string();
    let suggested = review["lessons"].as_array().unwrap().len();
    assert!(suggested >= 1, "{review}");
    let mut client = Client::new();
    client.sign_in(&server, email);
    let screen = server.url(&format!("/my/reviews/{id}"));

    let page = client.get(&screen).text();
    assert!(
        page.contains("Signed in as") && page.contains(email),
        "the header says who"
    );
    assert!(
        page.contains("The public will get: </strong>no files"),
        "{page}"
    );
    // Each file's own warnings beside its boxes: the full one names the address.
    let files: Vec<&str> = page.split("class=\"file-choice\"").skip(1).collect();
    assert_eq!(files.len(), 2);
    assert!(
        files[0].contains("Acacia Road") && files[0].contains("name=\"public_file\" value=\"1\"")
    );
    assert!(files[1].contains("No likely identifying details") && !files[1].contains("Acacia"));
    let csrf = hidden(&page, "csrf");

    // A refused publish stays on the screen and says what to do, numbered as the form is.
    let refused = client.post_form(
        &format!("{screen}/publish"),
        &[("csrf", &csrf), ("public_file", "2")],
    );
    assert_eq!(refused.status, 422);
    let text = refused.text();
    for said in [
        "The review was not published",
        "Finding 1 is still a suggestion",
        "File 2 (child-m-es.txt) is offered to the public but not confirmed anonymised",
        "Tick “I have checked that the text identifies",
    ] {
        assert!(text.contains(said), "{said} not in the page");
    }
    assert!(text.contains(&format!("action=\"/my/reviews/{id}/publish\"")));

    // Confirm all suggestions, and change the title, from the review screen.
    let mut fields: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("metadata".into(), "1".into()),
        (
            "title".into(),
            "Serious Case Review: Child M (Barchester)".into(),
        ),
        ("incident".into(), "serious_harm".into()),
        ("age_band".into(), "1_to_5".into()),
        ("sex".into(), "female".into()),
        ("themes".into(), "neglect".into()),
        (
            "summary".into(),
            "Child M lived with her mother in the town.".into(),
        ),
        ("confirm_all".into(), "true".into()),
    ];
    for (i, lesson) in review["lessons"].as_array().unwrap().iter().enumerate() {
        for (name, value) in [
            ("state", "suggested"),
            ("kind", lesson["kind"].as_str().unwrap()),
            ("level", lesson["level"].as_str().unwrap()),
            ("agency", lesson["agency"].as_str().unwrap_or("")),
            ("text", lesson["text"].as_str().unwrap()),
        ] {
            fields.push((format!("{name}_{i}"), value.to_string()));
        }
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = client.post_form(&screen, &pairs);
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert_eq!(
        saved.header("location"),
        format!("/my/reviews/{id}?done=saved")
    );
    let page = client.get(&format!("{screen}?done=saved")).text();
    assert!(page.contains("Saved."));
    let (_, stored) = server.send("GET", &format!("/api/v1/reviews/{id}"), Some(&token), None);
    assert_eq!(stored["title"], "Serious Case Review: Child M (Barchester)");
    assert_eq!(stored["themes"], json!(["neglect"]));
    assert_eq!(
        stored["pseudonyms"],
        json!(["Child M"]),
        "a text field not sent stays"
    );
    assert!(stored["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l.get("suggested").is_none()));

    // Published with a date and file 2 public: the screen shows the published state.
    let published = client.post_form(
        &format!("{screen}/publish"),
        &[
            ("csrf", &csrf),
            ("public_file", "2"),
            ("anonymised_file", "2"),
            ("published_on", "2013-05-01"),
            ("anonymisation_checked", "true"),
        ],
    );
    assert_eq!(published.status, 303, "{}", published.text());
    let page = client.get(&format!("{screen}?done=published")).text();
    assert!(
        page.contains("Published.") && page.contains("Published 1 May 2013"),
        "{page}"
    );
    assert!(page.contains("The public will get: </strong>child-m-es.txt"));
    assert!(
        !page.contains(&format!("action=\"/my/reviews/{id}/publish\"")),
        "no publish form"
    );
    assert_eq!(
        fetch(&server, &format!("/api/v1/reviews/{id}/files/2"), None).0,
        200
    );
    assert_eq!(
        fetch(&server, &format!("/api/v1/reviews/{id}/files/1"), None).0,
        404
    );
}

#[test]
fn a_published_review_changes_its_public_files_on_the_review_screen() {
    let (_dir, data) = temp_data();
    crate::support::add_barsetshire(&data);
    let email = "officer@barsetshire.example";
    let token = user_with_token(&data, email, Some("barsetshire"), "depositor");
    let admin = user_with_token(&data, "admin@lessons.example", None, "admin");
    let server = Server::start(&data, false);
    let review = deposit(&server, &token, true);
    let id = review["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/reviews/{id}");
    // Published with no public file, as a board officer who forgot the anonymised one.
    let (status, published) = server.send(
        "POST",
        &format!("{path}/publish"),
        Some(&token),
        Some(&json!({ "anonymisation_checked": true, "published_on": "2012-03-01" })),
    );
    assert_eq!(status, 200, "{published}");
    let revision = published["revision"].as_u64().unwrap();

    let mut client = Client::new();
    client.sign_in(&server, email);
    let screen = server.url(&format!("/my/reviews/{id}"));
    let page = client.get(&screen).text();
    let form_at = page
        .find(&format!("action=\"/my/reviews/{id}/files\""))
        .expect("a files form on the published state");
    let form = &page[form_at..];
    let files: Vec<&str> = form.split("class=\"file-choice\"").skip(1).collect();
    assert_eq!(files.len(), 2, "each file, with its own checks");
    assert!(files[0].contains("Acacia Road") && files[0].contains("name=\"anonymised_file\""));
    assert!(files[1].contains("No likely identifying details"));
    let csrf = hidden(&page, "csrf");

    // Offered but not confirmed: 422 on the screen, in plain words, the box still ticked.
    let refused = client.post_form(
        &format!("{screen}/files"),
        &[("csrf", &csrf), ("public_file", "1")],
    );
    assert_eq!(refused.status, 422);
    let text = refused.text();
    assert!(text.contains("The public files were not changed"));
    assert!(text.contains(
        "File 1 (child-m-full.txt) is offered to the public but not confirmed anonymised"
    ));
    assert!(text.contains("id=\"public-1\" name=\"public_file\" value=\"1\" checked"));
    assert_eq!(fetch(&server, &format!("{path}/files/1"), None).0, 404);
    let (_, stored) = server.send("GET", &path, Some(&token), None);
    assert_eq!(
        stored["revision"].as_u64(),
        Some(revision),
        "nothing stored"
    );

    // Offered and confirmed: saved as a new revision, audited, the file is public.
    let saved = client.post_form(
        &format!("{screen}/files"),
        &[
            ("csrf", &csrf),
            ("public_file", "2"),
            ("anonymised_file", "2"),
        ],
    );
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert_eq!(
        saved.header("location"),
        format!("/my/reviews/{id}?done=saved")
    );
    let page = client.get(&format!("{screen}?done=saved")).text();
    assert!(page.contains("Saved."));
    assert!(page.contains("The public will get: </strong>child-m-es.txt"));
    assert_eq!(
        fetch(&server, &format!("{path}/files/2"), None),
        (200, ANONYMISED.to_vec())
    );
    assert_eq!(fetch(&server, &format!("{path}/files/1"), None).0, 404);
    let (_, stored) = server.send("GET", &path, Some(&token), None);
    assert_eq!(stored["revision"].as_u64(), Some(revision + 1));
    assert_eq!(stored["status"], "published");
    assert_eq!(stored["published_on"], "2012-03-01", "the date stays");
    let audit = ureq::get(&server.url(&format!("/admin/audit?review={id}&action=files")))
        .set("Authorization", &format!("Bearer {admin}"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(
        audit.contains(&format!("<td>{}</td>", revision + 1)) && audit.contains(email),
        "an audit entry for the change"
    );

    // Back to private from the same form (nothing ticked).
    let private = client.post_form(&format!("{screen}/files"), &[("csrf", &csrf)]);
    assert_eq!(private.status, 303);
    assert_eq!(fetch(&server, &format!("{path}/files/2"), None).0, 404);

    // Through the API, publishing again with the files changes them (and keeps the date).
    let (status, again) = server.send(
        "POST",
        &format!("{path}/publish"),
        Some(&token),
        Some(
            &json!({ "anonymisation_checked": true, "public_files": [2], "anonymised_files": [2] }),
        ),
    );
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["published_on"], "2012-03-01");
    assert_eq!(fetch(&server, &format!("{path}/files/2"), None).0, 200);
    let (status, refused) = server.send(
        "POST",
        &format!("{path}/publish"),
        Some(&token),
        Some(&json!({ "anonymisation_checked": true, "public_files": [1] })),
    );
    assert_eq!(status, 422, "{refused}");
    assert_eq!(fetch(&server, &format!("{path}/files/2"), None).0, 200);
}

#[test]
fn a_refused_save_shows_what_was_typed() {
    let (_dir, data) = temp_data();
    crate::support::add_barsetshire(&data);
    let email = "officer@barsetshire.example";
    let token = user_with_token(&data, email, Some("barsetshire"), "depositor");
    let server = Server::start(&data, false);
    let review = deposit(&server, &token, true);
    let id = review["id"].as_str().unwrap().to_string();
    let mut client = Client::new();
    client.sign_in(&server, email);
    let screen = server.url(&format!("/my/reviews/{id}"));
    let csrf = hidden(&client.get(&screen).text(), "csrf");

    // One bad field (the incident date) among typed changes.
    let refused = client.post_form(
        &screen,
        &[
            ("csrf", &csrf),
            ("metadata", "1"),
            ("title", "Serious Case Review: Child M (typed)"),
            ("incident", "serious_harm"),
            ("age_band", "1_to_5"),
            ("sex", "female"),
            ("themes", "unseen_men"),
            ("incident_date", "last spring"),
            ("keywords", "lodger, household"),
            ("summary", "A summary typed on the screen."),
            ("state_0", "confirmed"),
            ("kind_0", "recommendation"),
            ("level_0", "inter_agency"),
            ("agency_0", ""),
            ("text_0", "A finding typed on the screen."),
            ("state_1", "confirmed"),
            ("kind_1", "lesson"),
            ("level_1", "inter_agency"),
            ("agency_1", ""),
            ("text_1", "A second finding added on the screen."),
        ],
    );
    assert_eq!(refused.status, 422);
    let page = refused.text();
    assert!(page.contains("Your changes were not saved"));
    assert!(
        page.contains("<ol><li>Incident date:"),
        "a numbered problem"
    );
    for typed in [
        "value=\"Serious Case Review: Child M (typed)\"",
        "value=\"last spring\"",
        "value=\"lodger, household\"",
        ">A summary typed on the screen.</textarea>",
        ">A finding typed on the screen.</textarea>",
        ">A second finding added on the screen.</textarea>",
        "value=\"unseen_men\" checked",
        "value=\"recommendation\" selected",
    ] {
        assert!(page.contains(typed), "{typed} is kept");
    }
    // Nothing was stored.
    let (_, stored) = server.send("GET", &format!("/api/v1/reviews/{id}"), Some(&token), None);
    assert_eq!(stored["title"], "Serious Case Review: Child M");
    assert_eq!(stored["lessons"].as_array().unwrap().len(), 1);
}
