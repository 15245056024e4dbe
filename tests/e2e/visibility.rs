//! Nothing unpublished leaks: drafts, withdrawn reviews and reviews under an embargo that
//! has not ended are absent from every route; an ended embargo shows the review.

use serde_json::json;

use crate::support::{add_barsetshire, run_cli, temp_data, write_lines, Server};

fn review(
    word: &str,
    theme: &str,
    status: Option<&str>,
    embargo: Option<&str>,
) -> serde_json::Value {
    let mut review = json!({
        "title": format!("Serious Case Review: Child {word}"), "board": "barsetshire", "incident": "death",
        "themes": [theme], "agencies": ["police"],
        "summary": format!("The {word} was mentioned in every assessment."),
        "lessons": [{ "kind": "lesson", "level": "individual", "agency": "police", "themes": [theme],
                      "text": format!("Officers should ask about the {word} at every visit.") }]
    });
    if let Some(status) = status {
        review["status"] = json!(status);
    }
    if let Some(embargo) = embargo {
        review["embargo_until"] = json!(embargo);
    }
    review
}

#[test]
fn hidden_reviews_never_appear_on_any_route() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let reviews = [
        review("aardvark", "neglect", None, None),
        review("bilby", "online_abuse", Some("draft"), None),
        review("cassowary", "online_abuse", Some("withdrawn"), None),
        review(
            "dugong",
            "online_abuse",
            Some("published"),
            Some("2099-01-01"),
        ),
        review("echidna", "neglect", Some("published"), Some("2010-01-01")),
    ];
    let file = dir.path().join("mixed.jsonl");
    let lines: Vec<String> = reviews.iter().map(|r| r.to_string()).collect();
    write_lines(&file, &lines);
    let output = run_cli(&data, &["import", file.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let server = Server::start(&data, false);
    for (word, visible) in [
        ("aardvark", true),
        ("bilby", false),
        ("cassowary", false),
        ("dugong", false),
        ("echidna", true),
    ] {
        for view in ["reviews", "lessons"] {
            let body = server.search(&[("q", word), ("view", view)]);
            assert_eq!(body["total"], u64::from(visible), "{word} in {view}");
        }
        let (_, html) = server.get(&format!("/search?q={word}"));
        assert_eq!(
            html.contains(&format!("Child {word}")),
            visible,
            "{word} on /search"
        );
    }
    let all = server.search(&[("q", ""), ("view", "lessons")]);
    assert_eq!(all["total"], 2);
    assert_eq!(all["facets"]["board"][0]["count"], 2);
    assert!(all["facets"]["theme"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["value"] != "online_abuse"));
    assert_eq!(server.search(&[("theme", "online_abuse")])["total"], 0);
    for view in ["reviews", "lessons"] {
        for format in ["csv", "json", "ndjson", "ris", "bibtex"] {
            let (status, body) = server.get(&format!("/api/v1/export?view={view}&format={format}"));
            assert_eq!(status, 200);
            assert!(
                body.contains("aardvark") && body.contains("echidna"),
                "{format}"
            );
            for hidden in ["bilby", "cassowary", "dugong"] {
                assert!(
                    !body.contains(hidden),
                    "{hidden} in a {view} {format} export"
                );
            }
        }
    }

    // Cross-tabulations count only the two public reviews: no online_abuse row or cell.
    for view in ["reviews", "lessons"] {
        let (status, stats) =
            server.json(&format!("/api/v1/stats?rows=theme&cols=board&view={view}"));
        assert_eq!(status, 200, "{stats}");
        assert_eq!(stats["total"], 2, "{view}");
        assert_eq!(stats["row_totals"], json!({ "neglect": 2 }), "{view}");
        assert_eq!(
            stats["cells"],
            json!([{ "row": "neglect", "col": "barsetshire", "count": 2 }])
        );
        let (_, csv) = server.get(&format!(
            "/api/v1/stats?rows=theme&cols=year&view={view}&format=csv"
        ));
        assert!(!csv.contains("online_abuse"), "{csv}");
    }
    let (_, insights) = server.get("/insights?rows=theme&cols=agency");
    // Its filter form offers every theme; no table row or chart label may.
    assert!(
        insights.contains(r#"<th scope="row">Neglect</th>"#),
        "{insights}"
    );
    assert!(
        !insights.contains(r#"<th scope="row">Online abuse</th>"#)
            && !insights.contains(">Online abuse</text>"),
        "online abuse on /insights"
    );

    // Undated reviews take the current year in their id; numbers follow import order.
    let year = time::OffsetDateTime::now_utc().year();
    for (n, expected) in [(1, 200), (2, 404), (3, 410), (4, 404), (5, 200)] {
        let id = format!("scr-{year}-barsetshire-{n:04}");
        assert_eq!(
            server.get(&format!("/api/v1/reviews/{id}")).0,
            expected,
            "{id}"
        );
        assert_eq!(server.get(&format!("/reviews/{id}")).0, expected, "{id}");
        let cite = server
            .get(&format!("/api/v1/reviews/{id}/cite?format=ris"))
            .0;
        assert_eq!(
            cite,
            if expected == 200 { 200 } else { 404 },
            "{id} citation"
        );
        // Lessons like this one: only from and to public reviews.
        let visible = expected == 200;
        let (status, similar) = server.json(&format!("/api/v1/similar/{id}%23L1"));
        assert_eq!(status, if visible { 200 } else { 404 }, "{id}#L1");
        if visible {
            let hits = similar["hits"].as_array().unwrap();
            assert!(!hits.is_empty(), "{similar}");
            for hit in hits {
                let from = hit["review_id"].as_str().unwrap();
                assert!(from.ends_with("0001") || from.ends_with("0005"), "{hit}");
                assert_ne!(from, id);
            }
        }
        let (status, page) = server.get(&format!("/similar?to={id}%23L1"));
        assert_eq!(status, if visible { 200 } else { 404 }, "{id}#L1 page");
        for hidden in ["bilby", "cassowary", "dugong"] {
            assert!(!page.contains(hidden), "{hidden} on /similar");
        }
    }
    assert_eq!(server.get("/similar").0, 400);
}

/// A review whose one finding is a recommendation with one overdue action naming `word`.
fn with_plan(word: &str, status: Option<&str>, embargo: Option<&str>) -> serde_json::Value {
    let mut review = review(word, "neglect", status, embargo);
    review["lessons"] = json!([{
        "kind": "recommendation", "level": "individual", "agency": "police", "themes": ["neglect"],
        "text": "Officers should record every visit.",
        "actions": [{ "id": "A1", "text": format!("Audit the {word} records."), "owner": "police",
                      "due": "2012-03-01", "status": "in_progress", "updated_on": "2012-01-01" }]
    }]);
    review
}

#[test]
fn hidden_reviews_actions_count_nowhere() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let reviews = [
        with_plan("aardvark", None, None),
        with_plan("bilby", Some("draft"), None),
        with_plan("cassowary", Some("withdrawn"), None),
        with_plan("dugong", Some("published"), Some("2099-01-01")),
    ];
    let file = dir.path().join("plans.jsonl");
    let lines: Vec<String> = reviews.iter().map(|r| r.to_string()).collect();
    write_lines(&file, &lines);
    let output = run_cli(&data, &["import", file.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let server = Server::start(&data, false);

    // The facet, with and without its filter, in both views.
    for view in ["reviews", "lessons"] {
        let all = server.search(&[("view", view)]);
        assert_eq!(
            all["facets"]["progress"],
            json!([
                { "value": "in_progress", "label": "In progress", "count": 1 },
                { "value": "overdue", "label": "Overdue", "count": 1 }
            ]),
            "{view}"
        );
        assert_eq!(
            server.search(&[("view", view), ("progress", "overdue")])["total"],
            1
        );
    }
    // Statistics.
    let (_, stats) = server.json("/api/v1/stats?rows=progress&cols=board&view=lessons");
    assert_eq!(stats["total"], 1, "{stats}");
    assert_eq!(
        stats["row_totals"],
        json!({ "in_progress": 1, "overdue": 1 })
    );
    // /progress.
    let (status, page) = server.get("/progress");
    assert_eq!(status, 200);
    assert!(
        page.contains("<strong>1</strong> recommendation matches"),
        "{page}"
    );
    assert!(page.contains("1 action in the plans"), "{page}");
    // Exports: the actions view and the lessons view, in every format.
    for view in ["actions", "lessons"] {
        for format in ["csv", "json", "ndjson", "ris", "bibtex"] {
            let (status, body) = server.get(&format!("/api/v1/export?view={view}&format={format}"));
            assert_eq!(status, 200, "{view} {format}");
            if format != "ris" && format != "bibtex" && view == "actions" {
                assert!(body.contains("aardvark"), "{view} {format}: {body}");
            }
            for hidden in ["bilby", "cassowary", "dugong"] {
                assert!(
                    !body.contains(hidden),
                    "{hidden} in a {view} {format} export"
                );
            }
        }
    }
}
