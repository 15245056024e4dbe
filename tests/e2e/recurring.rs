//! Recurring lessons (DESIGN §9) through the real binary: on an imported corpus where two
//! reviews make the same point (and a third only shares its theme), the group is listed
//! with both and not the third; publishing a review that repeats the point adds it
//! within 5 s, withdrawing takes it out before it is answered, and a group left
//! with one review answers 410; drafts and embargoed reviews never count anywhere; the
//! `recurring` field on review JSON and lesson hits; exports; ids survive a restart and
//! `lessons reindex`; `lessons check` reports a tampered `recurring.json` and the
//! check's own load rebuilds it; parameter errors are 422.

use std::path::Path;

use serde_json::{json, Value};

use crate::support::{add_barsetshire, run_cli, temp_data, user_with_token, write_lines, Server};

/// The practice point, in three wordings (fiction written for this test).
const POINT_A: &str = "Health visitors should ask at every contact who else lives in the household and should record the name of any new partner of the mother.";
const POINT_B: &str = "At each home visit the health visitor must ask who lives in the household and record the details of the mother's new partner.";
const POINT_C: &str = "Health visitors should ask at each contact who is living in the household and record the name and details of any new partner.";
/// Same theme (unseen_men), a different point.
const SAME_THEME: &str = "School nurses should be told when a pupil with a known health condition has missed three appointments in a row.";

fn finding(kind: &str, agency: &str, theme: &str, text: &str) -> Value {
    json!({ "kind": kind, "level": "individual", "agency": agency, "themes": [theme], "text": text })
}

fn review(word: &str, year: i32, lessons: Vec<Value>) -> Value {
    json!({
        "title": format!("Serious Case Review: Child {word}"), "board": "barsetshire", "incident": "death",
        "themes": ["unseen_men"], "agencies": ["health_visiting"],
        "published_on": format!("{year}-03-01"), "completed_on": format!("{year}-01-10"),
        "summary": format!("Child {word} lived with their mother in a small flat."),
        "lessons": lessons,
    })
}

fn others() -> Vec<Value> {
    vec![
        finding("lesson", "police", "domestic_abuse", "Officers attending a domestic incident should look for toys, cots and other signs that a young child lives at the address."),
        finding("recommendation", "childrens_social_care", "neglect", "Social workers should see the condition of the kitchen and the bedrooms on every home visit to a family where neglect is suspected."),
        finding("lesson", "school", "missing_and_not_in_school", "A school that loses contact with a pupil for ten days should tell the local authority's children missing education team."),
        finding("recommendation", "housing", "poverty_housing_and_transience", "Housing officers should share concerns about overcrowding and damp with the family's health visitor."),
        finding("lesson", "adult_mental_health", "parental_mental_health", "Adult mental health teams should consider the children of a patient who talks of harming themselves."),
        finding("lesson", "general_practice", "parental_substance_misuse", "GPs prescribing methadone to a parent should ask where the medicine is stored at home."),
    ]
}

/// Imports the corpus: Aspen (2010) and Birch (2012) make the point, Cedar (2013)
/// shares the theme only, Damson (2011) is about other things; Elder repeats the point
/// as a draft and Fir under an embargo that has not ended. Returns the review ids by
/// word.
fn import_corpus(dir: &Path, data: &Path) -> std::collections::BTreeMap<String, String> {
    let o = others();
    let point = |kind: &str, text: &str| finding(kind, "health_visiting", "unseen_men", text);
    let mut elder = review("Elder", 2014, vec![point("lesson", POINT_C)]);
    elder["status"] = json!("draft");
    let mut fir = review("Fir", 2014, vec![point("lesson", POINT_C)]);
    fir["status"] = json!("published");
    fir["embargo_until"] = json!("2099-01-01");
    let reviews = [
        review(
            "Aspen",
            2010,
            vec![point("lesson", POINT_A), o[0].clone(), o[1].clone()],
        ),
        review(
            "Birch",
            2012,
            vec![point("recommendation", POINT_B), o[2].clone()],
        ),
        review(
            "Cedar",
            2013,
            vec![
                finding("lesson", "school_nursing", "unseen_men", SAME_THEME),
                o[3].clone(),
            ],
        ),
        review("Damson", 2011, vec![o[4].clone(), o[5].clone()]),
        elder,
        fir,
    ];
    let file = dir.join("corpus.jsonl");
    write_lines(
        &file,
        &reviews.iter().map(Value::to_string).collect::<Vec<_>>(),
    );
    let output = run_cli(data, &["import", file.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Import allocates ids in file order, per board.
    ["Aspen", "Birch", "Cedar", "Damson", "Elder", "Fir"]
        .iter()
        .zip(["2010", "2012", "2013", "2011", "2014", "2014"])
        .enumerate()
        .map(|(i, (word, year))| {
            (
                word.to_string(),
                format!("scr-{year}-barsetshire-{:04}", i + 1),
            )
        })
        .collect()
}

fn listing(server: &Server, query: &str) -> Value {
    let (status, body) = server.json(&format!("/api/v1/recurring{query}"));
    assert_eq!(status, 200, "{body}");
    body
}

/// The review ids of each listed recurring lesson's members.
fn member_reviews(server: &Server, id: &str) -> Vec<String> {
    let (status, body) = server.json(&format!("/api/v1/recurring/{id}"));
    assert_eq!(status, 200, "{body}");
    body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["review_id"].as_str().unwrap().to_string())
        .collect()
}

fn recurring_of(review: &Value, n: usize) -> Value {
    review["lessons"][n]["recurring"].clone()
}

#[test]
fn recurring_lessons_follow_publishing_and_never_show_hidden_reviews() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let ids = import_corpus(dir.path(), &data);
    let token = user_with_token(
        &data,
        "hv@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let server = Server::start(&data, false);

    // The two reviews making the point form one recurring lesson; the third does not.
    let body = listing(&server, "");
    assert_eq!(body["total"], 1, "{body}");
    let group = &body["recurring"][0];
    let id = group["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("rl-"));
    assert_eq!(
        (group["reviews"].as_u64(), group["findings"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        (group["first_year"].as_i64(), group["last_year"].as_i64()),
        (Some(2010), Some(2012))
    );
    assert_eq!(
        group["years"],
        json!([{ "year": 2010, "count": 1 }, { "year": 2012, "count": 1 }])
    );
    assert_eq!(
        member_reviews(&server, &id),
        [ids["Aspen"].clone(), ids["Birch"].clone()]
    );

    // The recurring field on a public review's findings, and on lesson hits.
    let (_, aspen) = server.json(&format!("/api/v1/reviews/{}", ids["Aspen"]));
    assert_eq!(
        recurring_of(&aspen, 0),
        json!({ "id": id, "reviews": 2, "since": 2010 })
    );
    assert_eq!(recurring_of(&aspen, 1), Value::Null);
    let hits = server.search(&[("q", "new partner household"), ("view", "lessons")]);
    let hits = hits["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for hit in hits {
        let in_group = hit["id"] == json!(format!("{}#L1", ids["Aspen"]))
            || hit["id"] == json!(format!("{}#L1", ids["Birch"]));
        let expected = if in_group {
            json!({ "id": id, "reviews": 2, "since": 2010 })
        } else {
            Value::Null
        };
        assert_eq!(hit["recurring"], expected, "{hit}");
    }
    let reviews_view = server.search(&[("q", "partner")]);
    assert!(
        reviews_view["hits"][0].get("recurring").is_none(),
        "review hits have no recurring field"
    );

    // Drafts and embargoed reviews: in no group, count, field or export.
    let (status, fir) = server.send(
        "GET",
        &format!("/api/v1/reviews/{}", ids["Fir"]),
        Some(&token),
        None,
    );
    assert_eq!(status, 200, "the board reads its embargoed review");
    assert_eq!(recurring_of(&fir, 0), Value::Null);
    let (_, elder) = server.send(
        "GET",
        &format!("/api/v1/reviews/{}", ids["Elder"]),
        Some(&token),
        None,
    );
    assert_eq!(recurring_of(&elder, 0), Value::Null);
    let (_, members_csv) = server.get("/api/v1/recurring/export?what=members&format=csv");
    assert_eq!(members_csv.lines().count(), 3, "{members_csv}");
    for hidden in ["Elder", "Fir", "Cedar"] {
        assert!(
            !members_csv.contains(&ids[hidden]),
            "{hidden} in {members_csv}"
        );
    }
    // The export takes the listing's filters and recurring ids.
    let id_text = id.as_str();
    let (status, one) = server.get(&format!(
        "/api/v1/recurring/export?what=members&format=csv&id={id_text}&theme=unseen_men"
    ));
    assert_eq!(status, 200, "{one}");
    assert_eq!(one.lines().count(), 3, "{one}");
    let (status, none) = server.get("/api/v1/recurring/export?what=members&format=csv&id=rl-999");
    assert_eq!((status, none.lines().count()), (200, 1), "{none}");
    let (status, none) = server.get(&format!(
        "/api/v1/recurring/export?what=members&format=csv&id={id_text}&theme=neglect"
    ));
    assert_eq!((status, none.lines().count()), (200, 1), "{none}");
    let (status, bad) = server.get("/api/v1/recurring/export?id=lesson-1");
    assert_eq!(status, 422, "{bad}");
    let (status, _) = server.get(&format!("/api/v1/recurring?id={id_text}"));
    assert_eq!(
        status, 422,
        "the listing takes no id: /api/v1/recurring/{{id}} is the lesson"
    );
    let (_, lessons_csv) = server.get("/api/v1/recurring/export?format=csv");
    let mut rows = lessons_csv.lines();
    assert!(rows
        .next()
        .unwrap()
        .starts_with("id,permalink,label,text,reviews,boards,findings"));
    assert!(rows.next().unwrap().starts_with(&format!("{id},")));
    let (_, export) = server.get("/api/v1/export?view=lessons&format=csv&q=partner");
    let header: Vec<&str> = export.lines().next().unwrap().split(',').collect();
    assert_eq!(header.last(), Some(&"recurring_id"));
    let aspen_row = export
        .lines()
        .find(|l| l.contains(&format!("{}#L1,", ids["Aspen"])))
        .unwrap();
    assert!(aspen_row.ends_with(&format!(",{id}")), "{aspen_row}");

    // Publishing a review that repeats the point: in the group within 5 s.
    let mut new = review(
        "Gorse",
        2015,
        vec![finding("lesson", "health_visiting", "unseen_men", POINT_C)],
    );
    new.as_object_mut().unwrap().remove("published_on");
    let (status, created) = server.send("POST", "/api/v1/reviews", Some(&token), Some(&new));
    assert_eq!(status, 201, "{created}");
    let gorse = created["id"].as_str().unwrap().to_string();
    assert_eq!(
        listing(&server, "")["recurring"][0]["reviews"],
        2,
        "a draft does not count"
    );
    let (status, published) = server.send(
        "POST",
        &format!("/api/v1/reviews/{gorse}/publish"),
        Some(&token),
        Some(&json!({ "anonymisation_checked": true })),
    );
    assert_eq!(status, 200, "{published}");
    // Placed by the keeper after the publish is acknowledged: within 5 s (DESIGN §9).
    let started = std::time::Instant::now();
    let body = loop {
        let body = listing(&server, "");
        if body["recurring"][0]["reviews"] == 3 || started.elapsed().as_secs() >= 5 {
            break body;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(body["total"], 1, "{body}");
    assert_eq!(body["recurring"][0]["id"], json!(id), "the id carries over");
    assert_eq!(body["recurring"][0]["reviews"], 3);
    assert!(member_reviews(&server, &id).contains(&gorse));
    let (_, read) = server.json(&format!("/api/v1/reviews/{gorse}"));
    assert_eq!(recurring_of(&read, 0)["id"], json!(id));

    // Withdrawing it takes it out; withdrawing Birch leaves one review: 410, no successor.
    let withdraw = |review: &str| {
        let (status, body) = server.send(
            "POST",
            &format!("/api/v1/reviews/{review}/withdraw"),
            Some(&token),
            Some(&json!({ "reason": "Withdrawn for a test." })),
        );
        assert_eq!(status, 200, "{body}");
    };
    withdraw(&gorse);
    assert_eq!(listing(&server, "")["recurring"][0]["reviews"], 2);
    assert!(!member_reviews(&server, &id).contains(&gorse));
    withdraw(&ids["Birch"]);
    assert_eq!(listing(&server, "")["total"], 0);
    let (status, gone) = server.json(&format!("/api/v1/recurring/{id}"));
    assert_eq!(status, 410, "{gone}");
    assert_eq!(gone["successor"], Value::Null);
    assert_eq!(gone["error"]["code"], "recurring_lesson_gone");
    let (_, aspen) = server.json(&format!("/api/v1/reviews/{}", ids["Aspen"]));
    assert_eq!(recurring_of(&aspen, 0), Value::Null);
    let (status, _) = server.json("/api/v1/recurring/rl-999");
    assert_eq!(status, 404);
}

#[test]
fn recurring_ids_survive_restarts_and_reindex_and_check_verifies_them() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    import_corpus(dir.path(), &data);
    let first_id = |server: &Server| listing(server, "")["recurring"][0]["id"].clone();

    let server = Server::start(&data, false);
    let id = first_id(&server);
    assert!(id.is_string());
    // The live check (over the control socket) verifies the recurring lessons too.
    let live = run_cli(&data, &["check"]);
    let out = String::from_utf8_lossy(&live.stdout).to_string();
    assert!(live.status.success(), "{out}");
    assert!(
        out.contains("recurring lessons: 1 groups, 2 findings; 0 problems"),
        "{out}"
    );
    drop(server);

    let server = Server::start(&data, false);
    assert_eq!(first_id(&server), id, "ids survive a restart");
    drop(server);

    let reindex = run_cli(&data, &["reindex"]);
    assert!(
        reindex.status.success(),
        "{}",
        String::from_utf8_lossy(&reindex.stderr)
    );
    let server = Server::start(&data, false);
    assert_eq!(first_id(&server), id, "lessons reindex keeps ids");
    drop(server);

    // A tampered file (a finding that does not exist, a group of one review): reported.
    let path = data.join("recurring.json");
    let mut saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let members = saved["grouping"]["groups"][0]["members"]
        .as_array_mut()
        .unwrap();
    let kept = members[0].clone();
    members.clear();
    members.push(kept.clone());
    members.push(json!(format!("{}9", kept.as_str().unwrap())));
    std::fs::write(&path, saved.to_string()).unwrap();
    let check = run_cli(&data, &["check"]);
    let out = String::from_utf8_lossy(&check.stdout).to_string();
    assert!(!check.status.success(), "{out}");
    assert!(
        out.contains("recurring.json") && out.contains("no such finding"),
        "{out}"
    );
    // The check's own load rebuilt the file from the store; the next check is clean,
    // and the id carried over from the damaged file.
    let again = run_cli(&data, &["check"]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let server = Server::start(&data, false);
    assert_eq!(first_id(&server), id);
    drop(server);

    // An unreadable file: reported; check --repair rebuilds it and is clean.
    std::fs::write(&path, b"{ not json").unwrap();
    let check = run_cli(&data, &["check"]);
    assert!(!check.status.success());
    assert!(String::from_utf8_lossy(&check.stdout).contains("recurring.json"));
    std::fs::write(&path, b"{ not json").unwrap();
    let repair = run_cli(&data, &["check", "--repair"]);
    assert!(
        repair.status.success(),
        "{}",
        String::from_utf8_lossy(&repair.stdout)
    );
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["grouping"]["groups"].as_array().unwrap().len(), 1);
}

#[test]
fn recurring_parameters_are_checked() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data, false);
    let (status, body) = server.json(
        "/api/v1/recurring?theme=nope&sort=best&min_reviews=0&per_page=0&colour=red&region=atlantis",
    );
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "theme",
            "sort",
            "min_reviews",
            "per_page",
            "colour",
            "region"
        ]
    );
    assert!(body["error"]["details"][1]["allowed"]
        .as_array()
        .unwrap()
        .contains(&json!("rising")));
    for bad in ["format=ris", "what=everything", "page=2", "bom=2"] {
        let (status, body) = server.json(&format!("/api/v1/recurring/export?{bad}"));
        assert_eq!(status, 422, "{bad}: {body}");
    }
    let empty = listing(
        &server,
        "?sort=rising&min_reviews=3&q=partner&theme=neglect",
    );
    assert_eq!(
        empty,
        json!({ "total": 0, "page": 1, "per_page": 20, "recurring": [] })
    );
}
