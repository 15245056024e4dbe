//! Lesson filters mean the lesson (DESIGN §5): in the lessons view `theme` and `agency`
//! match the finding's own tags, and `review_theme` / `review_agency` its review's, in
//! the search API, the search page's "In reviews involving" group, exports, statistics,
//! the feed and the OpenAPI document; facet counts, export rows and statistics totals
//! agree with the filtered searches. Checked on a small imported corpus and on the demo.

use serde_json::{json, Value};

use crate::support::{
    add_barsetshire, all_hits, query, run_cli, shared_demo, temp_data, write_lines, Server,
};

fn finding(level: &str, agency: Option<&str>, themes: &[&str], text: &str) -> Value {
    let mut finding = json!({ "kind": "lesson", "level": level, "themes": themes, "text": text });
    if let Some(agency) = agency {
        finding["agency"] = json!(agency);
    }
    finding
}

fn review(name: &str, themes: &[&str], agencies: &[&str], lessons: Vec<Value>) -> Value {
    json!({
        "title": format!("Serious Case Review: Child {name}"), "board": "barsetshire",
        "incident": "serious_harm", "themes": themes, "agencies": agencies,
        "summary": format!("Child {name} was known to several agencies."),
        "lessons": lessons,
    })
}

/// Three reviews: two involved health visiting, one finding is addressed to it.
fn small_corpus_server() -> (tempfile::TempDir, Server) {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let reviews = [
        review(
            "Alder",
            &["neglect"],
            &["health_visiting", "police"],
            vec![
                finding(
                    "individual",
                    Some("health_visiting"),
                    &["neglect"],
                    "Health visitors should weigh the baby at every visit.",
                ),
                finding(
                    "inter_agency",
                    None,
                    &["information_sharing"],
                    "Agencies did not share what they knew.",
                ),
                finding(
                    "individual",
                    Some("police"),
                    &["domestic_abuse"],
                    "Officers should pass on every call-out.",
                ),
            ],
        ),
        review(
            "Birch",
            &["domestic_abuse"],
            &["general_practice"],
            vec![
                finding(
                    "individual",
                    Some("general_practice"),
                    &["neglect"],
                    "The practice should follow up missed appointments.",
                ),
                finding("inter_agency", None, &[], "Nobody held the whole picture."),
            ],
        ),
        review(
            "Cedar",
            &["online_abuse"],
            &["health_visiting", "school"],
            vec![
                finding(
                    "inter_agency",
                    None,
                    &["voice_of_the_child"],
                    "The child's own words were not recorded.",
                ),
                finding(
                    "individual",
                    Some("school"),
                    &[],
                    "The school should record every disclosure.",
                ),
            ],
        ),
    ];
    let file = dir.path().join("filters.jsonl");
    let lines: Vec<String> = reviews.iter().map(|r| r.to_string()).collect();
    write_lines(&file, &lines);
    let output = run_cli(&data, &["import", file.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let server = Server::start(&data, false);
    (dir, server)
}

fn total(server: &Server, params: &[(&str, &str)]) -> u64 {
    server.search(params)["total"].as_u64().expect("a total")
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn stats(server: &Server, params: &[(&str, &str)]) -> Value {
    let path = format!("/api/v1/stats?{}", query(params));
    let (status, body) = server.json(&path);
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[test]
fn search_lessons_view_agency_and_theme_mean_the_findings_own_tags() {
    let (_dir, server) = small_corpus_server();
    let lessons = |extra: &[(&'static str, &'static str)]| {
        let mut params = vec![("view", "lessons")];
        params.extend_from_slice(extra);
        all_hits(&server, &params)
    };
    let hv = lessons(&[("agency", "health_visiting")]);
    assert_eq!(hv.len(), 1, "{hv:?}");
    assert_eq!(hv[0]["agency"], "health_visiting");
    assert_eq!(
        strings(&hv[0]["review_agencies"]),
        ["health_visiting", "police"]
    );
    let neglect = lessons(&[("theme", "neglect")]);
    assert_eq!(neglect.len(), 2);
    assert!(neglect
        .iter()
        .all(|h| strings(&h["themes"]).contains(&"neglect".to_string())));
    // Inter-agency findings have no agency: no agency filter matches them.
    assert!(lessons(&[("level", "inter_agency"), ("agency", "health_visiting")]).is_empty());

    let of_hv_reviews = lessons(&[("review_agency", "health_visiting")]);
    assert_eq!(of_hv_reviews.len(), 5);
    assert!(of_hv_reviews
        .iter()
        .all(|h| strings(&h["review_agencies"]).contains(&"health_visiting".to_string())));
    let inter = lessons(&[
        ("review_agency", "health_visiting"),
        ("level", "inter_agency"),
    ]);
    assert_eq!(inter.len(), 2);
    assert!(inter.iter().all(|h| h["level"] == "inter_agency"));
    assert_eq!(lessons(&[("review_theme", "neglect")]).len(), 3);
    // Values of one facet OR'd, facets AND'd.
    assert_eq!(
        lessons(&[
            ("review_agency", "general_practice"),
            ("review_agency", "school"),
            ("theme", "neglect"),
        ])
        .len(),
        1
    );

    // The reviews view: agency still matches a review by its findings too;
    // review_agency only by the review's own agencies.
    assert_eq!(total(&server, &[("agency", "health_visiting")]), 2);
    assert_eq!(total(&server, &[("review_agency", "school")]), 1);
    assert_eq!(total(&server, &[("review_theme", "neglect")]), 1);
    assert_eq!(total(&server, &[("theme", "neglect")]), 2);

    let (status, bad) = server.json("/api/v1/search?review_agency=health_visitng");
    assert_eq!(status, 422);
    assert_eq!(bad["error"]["details"][0]["field"], "review_agency");
}

#[test]
fn search_facets_exports_and_stats_agree_with_the_filtered_totals() {
    let (_dir, server) = small_corpus_server();
    for view in ["reviews", "lessons"] {
        let base = server.search(&[("view", view)]);
        for facet in ["agency", "theme", "review_agency", "review_theme", "level"] {
            let values = base["facets"][facet]
                .as_array()
                .unwrap_or_else(|| panic!("no facet {facet} in {view}"))
                .clone();
            assert!(!values.is_empty(), "{view} {facet}");
            let by_stats = stats(
                &server,
                &[("rows", facet), ("cols", "year"), ("view", view)],
            );
            for value in values {
                let slug = value["value"].as_str().unwrap();
                let count = value["count"].as_u64().unwrap();
                let params = [("view", view), (facet, slug)];
                let search = query(&params);
                assert_eq!(total(&server, &params), count, "{search}");
                assert_eq!(by_stats["row_totals"][slug], count, "{search}: row total");
                let (status, ndjson) =
                    server.get(&format!("/api/v1/export?{search}&format=ndjson"));
                assert_eq!(status, 200, "{search}");
                assert_eq!(
                    ndjson.lines().count() as u64,
                    count,
                    "{search}: export rows"
                );
                let filtered = stats(
                    &server,
                    &[
                        ("rows", "board"),
                        ("cols", "year"),
                        ("view", view),
                        (facet, slug),
                    ],
                );
                assert_eq!(filtered["total"], count, "{search}: stats total");
                let (status, feed) = server.get(&format!("/feeds/reviews.atom?{search}"));
                assert_eq!(status, 200, "{search}: feed");
                if view == "reviews" {
                    assert_eq!(
                        feed.matches("<entry>").count() as u64,
                        count,
                        "{search}: feed"
                    );
                }
            }
        }
    }
    // A finding has at most one agency, so in the lessons view the agency cells add up
    // to the total (inter-agency findings under "not recorded").
    let by_agency = stats(
        &server,
        &[("rows", "agency"), ("cols", "level"), ("view", "lessons")],
    );
    let cells: u64 = by_agency["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!((cells, by_agency["total"].as_u64()), (7, Some(7)));
    assert_eq!(by_agency["row_totals"]["not_recorded"], 3);
    assert_eq!(by_agency["row_totals"]["health_visiting"], 1);
    let by_review_agency = stats(
        &server,
        &[
            ("rows", "review_agency"),
            ("cols", "level"),
            ("view", "lessons"),
        ],
    );
    assert_eq!(by_review_agency["row_totals"]["health_visiting"], 5);

    // Lesson rows carry the finding's tags and its review's.
    let (_, row) = server.get("/api/v1/export?view=lessons&agency=health_visiting&format=ndjson");
    let row: Value = serde_json::from_str(row.trim()).expect("one row");
    assert_eq!(row["agency"], "health_visiting");
    assert_eq!(strings(&row["themes"]), ["neglect"]);
    assert_eq!(strings(&row["review_themes"]), ["neglect"]);
    assert_eq!(
        strings(&row["review_agencies"]),
        ["health_visiting", "police"]
    );
    let (_, book) = server.json("/api/v1/codebook");
    let column = book["views"]["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "review_agencies")
        .cloned()
        .expect("the codebook lists review_agencies");
    assert!(column["description"]
        .as_str()
        .unwrap()
        .contains("review_agency"));
}

#[test]
fn search_page_groups_the_review_facets_and_openapi_documents_them() {
    let (_dir, server) = small_corpus_server();
    let (status, page) = server.get("/search?view=lessons");
    assert_eq!(status, 200);
    let group = page
        .find("In reviews involving")
        .expect("the lessons view has the review facet group");
    let rest = &page[group..];
    assert!(rest.contains("review_agency=health_visiting"), "{rest}");
    assert!(
        rest.contains("Health visiting") && rest.contains("(5)"),
        "{rest}"
    );
    let (_, chosen) =
        server.get("/search?view=lessons&review_agency=health_visiting&level=inter_agency");
    assert!(chosen.contains("Review agency: Health visiting"), "a chip");
    let (_, reviews) = server.get("/search");
    assert!(!reviews.contains("In reviews involving"));

    let (status, spec) = server.json("/api/openapi.json");
    assert_eq!(status, 200);
    let parameters = spec["paths"]["/api/v1/search"]["get"]["parameters"]
        .as_array()
        .unwrap();
    for name in ["review_agency", "review_theme"] {
        let parameter = parameters
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} is documented"));
        let description = parameter["description"].as_str().unwrap();
        assert!(description.contains("lessons view") && description.contains("reviews view"));
    }
    let agency = parameters.iter().find(|p| p["name"] == "agency").unwrap();
    assert!(agency["description"]
        .as_str()
        .unwrap()
        .contains("inter-agency findings have none"));
    let stats_rows = &spec["paths"]["/api/v1/stats"]["get"]["parameters"][0]["schema"]["enum"];
    assert!(strings(stats_rows).contains(&"review_agency".to_string()));
}

/// The case behind the issue: on the demo corpus, health-visiting lessons about baby
/// bruising were mostly lessons of reviews that merely involved health visiting.
#[test]
fn search_demo_lessons_agency_gives_only_findings_addressed_to_it() {
    let server = shared_demo();
    let q = ("q", "baby bruising");
    let own = all_hits(
        server,
        &[q, ("view", "lessons"), ("agency", "health_visiting")],
    );
    assert!(!own.is_empty());
    for hit in &own {
        assert_eq!(hit["agency"], "health_visiting", "{hit}");
    }
    let of_reviews = all_hits(
        server,
        &[q, ("view", "lessons"), ("review_agency", "health_visiting")],
    );
    assert!(of_reviews.len() > own.len());
    for hit in &of_reviews {
        assert!(
            strings(&hit["review_agencies"]).contains(&"health_visiting".to_string()),
            "{hit}"
        );
    }
    for hit in all_hits(
        server,
        &[("view", "lessons"), ("agency", "general_practice")],
    ) {
        assert_eq!(hit["agency"], "general_practice", "{hit}");
    }
}
