//! Cross-tabulations: `GET /api/v1/stats` against the search API over the demo corpus
//! (its JSON shape, totals, row totals and cells), its wide CSV, its 422s, the
//! `/insights` page, and hidden reviews (draft, withdrawn, embargoed) never counted.
//! The demo-corpus tests are separate tests (one failure hides none of the others) that
//! share one demo server ([`shared_demo`]).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::support::{
    add_barsetshire, query, run_cli, shared_demo, temp_data, write_lines, Server,
};

fn stats(server: &Server, params: &[(&str, &str)]) -> Value {
    let path = format!("/api/v1/stats?{}", query(params));
    let (status, body) = server.json(&path);
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// A search facet's counts by value.
fn facet_counts(search: &Value, facet: &str) -> BTreeMap<String, u64> {
    search["facets"][facet]
        .as_array()
        .unwrap_or_else(|| panic!("no facet {facet}"))
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_string(),
                v["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A totals object as a map.
fn totals(body: &Value, key: &str) -> BTreeMap<String, u64> {
    body[key]
        .as_object()
        .unwrap_or_else(|| panic!("no {key}: {body}"))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

fn values(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap().to_string())
        .collect()
}

fn cell_sum(body: &Value) -> u64 {
    body["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum()
}

#[test]
fn the_json_has_the_documented_shape() {
    let server = shared_demo();
    let body = stats(server, &[("rows", "theme"), ("cols", "agency")]);
    assert_eq!(body["row_facet"], "theme");
    assert_eq!(body["col_facet"], "agency");
    assert_eq!(body["view"], "reviews");
    assert_eq!(body["total"], server.search(&[])["total"]);
    for key in ["rows", "cols"] {
        for value in body[key].as_array().unwrap() {
            assert!(
                value["value"].is_string() && value["label"].is_string(),
                "{value}"
            );
        }
    }
    assert_eq!(body["rows"][0]["value"], "information_sharing");
    assert_eq!(body["rows"][0]["label"], "Information sharing");
    let rows = values(&body, "rows");
    let cols = values(&body, "cols");
    let row_totals = totals(&body, "row_totals");
    assert_eq!(row_totals.keys().cloned().collect::<Vec<_>>(), {
        let mut sorted = rows.clone();
        sorted.sort();
        sorted
    });
    assert_eq!(totals(&body, "col_totals").len(), cols.len());
    // Rows most frequent first.
    let counts: Vec<u64> = rows.iter().map(|r| row_totals[r]).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    for cell in body["cells"].as_array().unwrap() {
        let (row, col) = (cell["row"].as_str().unwrap(), cell["col"].as_str().unwrap());
        assert!(
            rows.iter().any(|r| r == row) && cols.iter().any(|c| c == col),
            "{cell}"
        );
        let count = cell["count"].as_u64().unwrap();
        assert!(count > 0 && count <= row_totals[row], "{cell}");
    }
    // A cell counts the matches of both filters.
    let first = &body["cells"][0];
    let both = server.search(&[
        ("theme", first["row"].as_str().unwrap()),
        ("agency", first["col"].as_str().unwrap()),
    ]);
    assert_eq!(both["total"], first["count"]);
    assert_eq!(body["parameters"]["rows"], json!(["theme"]));
}

#[test]
fn single_valued_cells_add_up_to_the_search_total() {
    let server = shared_demo();
    for view in ["reviews", "lessons"] {
        let pairs = [
            ("rows", "year"),
            ("cols", "incident"),
            ("view", view),
            ("q", "neglect"),
        ];
        let body = stats(server, &pairs);
        let search = server.search(&[("view", view), ("q", "neglect")]);
        let total = search["total"].as_u64().unwrap();
        assert!(total > 0);
        assert_eq!(body["total"], total, "{view}");
        assert_eq!(cell_sum(&body), total, "{view}");
        assert_eq!(totals(&body, "row_totals"), facet_counts(&search, "year"));
        assert_eq!(
            totals(&body, "col_totals"),
            facet_counts(&search, "incident")
        );
        let years = values(&body, "rows");
        let mut ascending = years.clone();
        ascending.sort();
        assert_eq!(years, ascending, "years ascending");
    }
    let lessons = stats(
        server,
        &[("rows", "level"), ("cols", "kind"), ("view", "lessons")],
    );
    assert_eq!(
        cell_sum(&lessons),
        server.search(&[("view", "lessons")])["total"]
            .as_u64()
            .unwrap()
    );
}

#[test]
fn row_totals_equal_the_search_facet_counts() {
    let server = shared_demo();
    for view in ["reviews", "lessons"] {
        let body = stats(
            server,
            &[("rows", "theme"), ("cols", "year"), ("view", view)],
        );
        let search = server.search(&[("view", view)]);
        assert_eq!(
            totals(&body, "row_totals"),
            facet_counts(&search, "theme"),
            "{view}"
        );
        assert_eq!(
            totals(&body, "col_totals"),
            facet_counts(&search, "year"),
            "{view}"
        );
        // Several themes per review: the cells add up to more than the total.
        assert!(cell_sum(&body) > body["total"].as_u64().unwrap());
    }
}

#[test]
fn filters_and_views_are_respected() {
    let server = shared_demo();
    let filters = [
        ("q", "health visitor"),
        ("theme", "neglect"),
        ("year_from", "2008"),
        ("view", "lessons"),
    ];
    let mut pairs = filters.to_vec();
    pairs.extend([("rows", "region"), ("cols", "agency"), ("sort", "newest")]);
    let body = stats(server, &pairs);
    let search = server.search(&filters);
    let total = search["total"].as_u64().unwrap();
    assert!(
        total > 0
            && total
                < server.search(&[("view", "lessons")])["total"]
                    .as_u64()
                    .unwrap()
    );
    assert_eq!(body["total"], total);
    assert_eq!(body["view"], "lessons");
    assert_eq!(totals(&body, "row_totals"), facet_counts(&search, "region"));
    // Inter-agency findings have no agency: counted as "not recorded", no facet value.
    let mut agencies = totals(&body, "col_totals");
    assert!(agencies.remove("not_recorded").is_some());
    assert_eq!(agencies, facet_counts(&search, "agency"));
    let none = stats(
        server,
        &[("rows", "year"), ("cols", "theme"), ("q", "zzzzqqq")],
    );
    assert_eq!(none["total"], 0);
    assert_eq!(none["cells"], json!([]));
}

#[test]
fn the_csv_is_a_wide_table_of_the_same_counts() {
    let server = shared_demo();
    let params = [("rows", "year"), ("cols", "incident"), ("format", "csv")];
    let response = ureq::get(&server.url(&format!("/api/v1/stats?{}", query(&params))))
        .call()
        .expect("the CSV");
    assert_eq!(
        response.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    let disposition = response
        .header("content-disposition")
        .unwrap_or("")
        .to_string();
    let (kind, parameters) = disposition.split_once(';').unwrap_or((&disposition, ""));
    let name = crate::security::parameters(parameters)
        .into_iter()
        .find(|(key, _)| key == "filename")
        .map(|(_, value)| value)
        .unwrap_or_default();
    assert!(
        kind == "attachment"
            && name.starts_with("lessons-reviews-year-by-incident-")
            && name.ends_with(".csv"),
        "{disposition}"
    );
    let text = response.into_string().expect("text");
    assert!(text.ends_with("\r\n"), "RFC 4180 line ends");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let body = stats(server, &[("rows", "year"), ("cols", "incident")]);
    let mut expected_header = vec!["year".to_string()];
    expected_header.extend(values(&body, "cols"));
    assert_eq!(header, expected_header);
    let mut cells: BTreeMap<(String, String), u64> = BTreeMap::new();
    for cell in body["cells"].as_array().unwrap() {
        let key = (
            cell["row"].as_str().unwrap().into(),
            cell["col"].as_str().unwrap().into(),
        );
        cells.insert(key, cell["count"].as_u64().unwrap());
    }
    let mut rows = Vec::new();
    let mut sum = 0;
    for record in reader.records() {
        let record = record.expect("a CSV record");
        assert_eq!(record.len(), header.len());
        rows.push(record[0].to_string());
        for (col, count) in header.iter().zip(record.iter()).skip(1) {
            let count: u64 = count.parse().expect("a count");
            let expected = cells.get(&(record[0].to_string(), col.clone())).copied();
            assert_eq!(count, expected.unwrap_or(0), "{} {col}", &record[0]);
            sum += count;
        }
    }
    assert_eq!(rows, values(&body, "rows"));
    assert_eq!(
        sum,
        body["total"].as_u64().unwrap(),
        "no total row or column"
    );
}

#[test]
fn bad_parameters_are_refused_with_422() {
    let server = shared_demo();
    let fields_of = |path: &str| -> Vec<(String, Option<usize>)> {
        let (status, body) = server.json(path);
        assert_eq!(status, 422, "{path}: {body}");
        assert_eq!(body["error"]["code"], "validation_failed");
        body["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let allowed = d["allowed"].as_array().map(Vec::len);
                (d["field"].as_str().unwrap().to_string(), allowed)
            })
            .collect()
    };
    let facets = Some(15);
    assert_eq!(
        fields_of("/api/v1/stats"),
        [("rows".to_string(), facets), ("cols".to_string(), facets)]
    );
    assert_eq!(
        fields_of("/api/v1/stats?rows=colour&cols=year"),
        [("rows".to_string(), facets)]
    );
    assert_eq!(
        fields_of("/api/v1/stats?rows=year&cols=theme&format=xlsx"),
        [("format".to_string(), Some(2))]
    );
    assert_eq!(
        fields_of("/api/v1/stats?rows=year&cols=theme&page=2&theme=negelct"),
        [("page".to_string(), None), ("theme".to_string(), Some(40))]
    );
    // Stats-only parameters are not search parameters.
    assert_eq!(server.get("/api/v1/search?rows=year").0, 422);
    assert_eq!(server.get("/api/v1/stats?rows=year&cols=theme").0, 200);
}

#[test]
fn the_insights_page_draws_charts_and_tables() {
    let server = shared_demo();
    let (status, html) = server.get("/insights");
    assert_eq!(status, 200);
    let total = server.search(&[])["total"].as_u64().unwrap();
    assert!(
        html.contains(&format!("<strong>{total}</strong> reviews match")),
        "the search's total"
    );
    assert!(
        html.matches("<svg role=\"img\"").count() == 3,
        "two charts, and the first's phone version"
    );
    assert!(html.contains("<title id=\"grid-title\">Theme by agency</title>"));
    assert!(html.matches("<table>").count() == 2, "two tables");
    assert!(html.contains("<th scope=\"col\">") && html.contains("<th scope=\"row\">"));
    assert!(html.contains("<caption"));
    assert!(
        html.contains("href=\"/insights\" aria-current=\"page\""),
        "in the navigation"
    );
    assert!(!html.contains("style="), "no inline style (CSP)");
    let (status, lessons) =
        server.get("/insights?rows=region&cols=year&view=lessons&theme=neglect&board=");
    assert_eq!(status, 200);
    let lesson_total = server.search(&[("view", "lessons"), ("theme", "neglect")])["total"]
        .as_u64()
        .unwrap();
    assert!(lessons.contains(&format!("<strong>{lesson_total}</strong> lessons match")));
    assert!(lessons.contains("Region over time"));
    let (status, bad) = server.get("/insights?rows=colour");
    assert_eq!(status, 422);
    assert!(
        bad.contains("unknown facet") && bad.contains("<h1>"),
        "a readable page"
    );
}

fn review(word: &str, theme: &str, status: Option<&str>, embargo: Option<&str>) -> Value {
    let mut review = json!({
        "title": format!("Serious Case Review: Child {word}"), "board": "barsetshire", "incident": "death",
        "themes": [theme], "agencies": ["police"], "summary": format!("The {word} was mentioned."),
        "lessons": [{ "kind": "lesson", "level": "individual", "agency": "police", "themes": [theme],
                      "text": format!("Officers should ask about the {word}.") }]
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
fn hidden_reviews_are_never_counted() {
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

    for view in ["reviews", "lessons"] {
        let body = stats(
            &server,
            &[("rows", "theme"), ("cols", "year"), ("view", view)],
        );
        assert_eq!(body["total"], 2, "{view}");
        assert_eq!(values(&body, "rows"), ["neglect"], "{view}");
        // The reviews have no dates: their year is "not recorded", and only they count.
        assert_eq!(values(&body, "cols"), ["not_recorded"], "{view}");
        assert_eq!(body["cols"][0]["label"], "Not recorded");
        assert_eq!(cell_sum(&body), 2);
        let boards = stats(
            &server,
            &[("rows", "board"), ("cols", "incident"), ("view", view)],
        );
        assert_eq!(totals(&boards, "row_totals")["barsetshire"], 2);
        let hidden = stats(
            &server,
            &[
                ("rows", "theme"),
                ("cols", "board"),
                ("theme", "online_abuse"),
                ("view", view),
            ],
        );
        assert_eq!(hidden["total"], 0);
        let (status, csv) = server.get(&format!(
            "/api/v1/stats?rows=theme&cols=incident&format=csv&view={view}"
        ));
        assert_eq!(status, 200);
        assert_eq!(csv, "theme,death\r\nneglect,2\r\n");
    }
    let (status, page) = server.get("/insights");
    assert_eq!(status, 200);
    assert!(page.contains("<strong>2</strong> reviews match"));
    assert!(!page.contains("Online abuse</th>") && !page.contains("Online abuse</text>"));
}
