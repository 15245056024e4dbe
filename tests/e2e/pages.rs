//! The HTML site against the demo corpus.

use serde_json::Value;

use crate::support::{query, shared_demo, temp_data, Server};

#[test]
fn site_pages_over_the_demo_corpus() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data, true);

    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("<form") && home.contains("Skip to main content"));
    assert!(
        home.contains("fiction"),
        "the demo banner says the cases are fiction"
    );

    let (status, search) = server.get("/search?q=neglect");
    assert_eq!(status, 200);
    assert!(search.contains("<mark>"), "highlighted snippets");
    assert!(
        search.contains("Filter results") && search.contains("theme=neglect"),
        "facet links"
    );
    assert!(search.contains("aria-current=\"page\""), "paging");

    // Inter-agency lessons of reviews that involved the police (an inter-agency finding
    // has no agency of its own, so `agency=police` would find none).
    let (status, lessons) =
        server.get("/search?view=lessons&level=inter_agency&review_agency=police");
    assert_eq!(status, 200);
    assert!(lessons.contains("Inter-agency") && lessons.contains("remove this filter"));
    let found = server.search(&[
        ("view", "lessons"),
        ("level", "inter_agency"),
        ("review_agency", "police"),
    ])["total"]
        .as_u64()
        .unwrap();
    assert!(found > 0, "the search finds lessons");
    assert!(
        lessons.contains("<ol class=\"hits\""),
        "the page lists them"
    );

    let (status, theme) = server.get("/themes/unseen_men");
    assert_eq!(status, 200);
    for expected in [
        "Unseen men",
        "<svg",
        "Reviews per year",
        "<table",
        "Agencies most often involved",
        "Newest lessons",
        "theme=unseen_men",
    ] {
        assert!(theme.contains(expected), "theme page lacks {expected}");
    }
    assert_eq!(server.get("/themes/negelct").0, 404);

    let (status, themes) = server.get("/themes");
    assert_eq!(status, 200);
    assert!(themes.contains("Harm and the child") && themes.contains("Unseen men"));

    let body = server.search(&[("q", "bruising"), ("per_page", "1")]);
    let id = body["hits"][0]["id"].as_str().unwrap().to_string();
    let (status, review) = server.get(&format!("/reviews/{id}"));
    assert_eq!(status, 200);
    for expected in [
        "Executive summary",
        "Timeliness",
        "six-month target",
        "Lessons and recommendations",
        "id=\"L1\"",
        "Reviews like this one",
    ] {
        assert!(review.contains(expected), "review page lacks {expected}");
    }

    let (status, missing) = server.get("/reviews/scr-1999-nowhere-0001");
    assert_eq!(status, 404);
    assert!(missing.contains("Review not found"));
    assert_eq!(server.get("/no/such/page").0, 404);

    let (status, invalid) = server.get("/search?theme=negelct");
    assert_eq!(status, 422);
    assert!(invalid.contains("negelct"));

    let (status, escaped) = server.get(&format!(
        "/search?{}",
        query(&[("q", "<script>alert(1)</script>")])
    ));
    assert_eq!(status, 200);
    assert!(
        !escaped.contains("<script>alert(1)"),
        "the query is escaped"
    );
    assert!(escaped.contains("&lt;script&gt;"));

    let (status, css) = server.get("/static/site.css");
    assert_eq!(status, 200);
    assert!(css.contains(":focus"));
}

/// The opening tags of `name` elements in `html` (`<input ...>`), as written.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    html.split(&format!("<{name} "))
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .collect()
}

/// The `<ul class="tags" aria-label="Themes">` lists of a page, each as its inner HTML.
fn theme_lists(html: &str) -> Vec<&str> {
    html.split("<ul class=\"tags\" aria-label=\"Themes\">")
        .skip(1)
        .filter_map(|rest| rest.split("</ul>").next())
        .collect()
}

#[test]
fn pages_explain_themselves() {
    let server = shared_demo();

    let (status, help) = server.get("/help");
    assert_eq!(status, 200);
    for expected in [
        "<h1>Help</h1>",
        "Recommendation",
        "Good practice",
        "inter-agency",
        "<code>neglect -housing</code>",
        "<code>GP</code> and <q>general practitioner</q>",
        "decision to initiate",
        "six-month target",
        "What is public and what is not",
        "href=\"/codebook\"",
    ] {
        assert!(help.contains(expected), "the help page lacks {expected}");
    }
    let review_id = server.search(&[("q", "bruising"), ("per_page", "1")])["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        "/",
        "/search?q=neglect",
        &format!("/reviews/{review_id}"),
        "/insights",
        "/api",
    ] {
        let (status, page) = server.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(
            page.contains("<a href=\"/help\""),
            "{path} links to the help page"
        );
    }
}

#[test]
fn results_label_durations_and_show_at_most_four_themes() {
    let server = shared_demo();
    let params = [("q", "neglect"), ("per_page", "50")];
    let api = server.search(&params);
    let hits = api["hits"].as_array().unwrap();
    let (_, page) = server.get(&format!("/search?{}", query(&params)));

    // Durations say what they are measured against.
    let over = hits
        .iter()
        .find(|h| h["over_six_months"] == true)
        .expect("a late review");
    let within = hits
        .iter()
        .find(|h| h["over_six_months"] == false)
        .expect("a timely review");
    let months = |hit: &Value| hit["duration_months"].as_u64().unwrap();
    assert!(
        page.contains(&format!(
            "completed in {} months: <span class=\"over\">over the six-month target</span>",
            months(over)
        )),
        "the late review's duration"
    );
    assert!(
        page.contains(&format!(
            "completed in {} months: within the six-month target",
            months(within)
        )),
        "the timely review's duration"
    );
    assert!(!page.contains("(over six)"));

    // At most four theme chips per result, the review's own first, then "+N more".
    let lists = theme_lists(&page);
    assert_eq!(lists.len(), hits.len());
    let mut folded = 0;
    for (list, hit) in lists.iter().zip(hits) {
        let themes = hit["themes"].as_array().unwrap().len();
        let chips = list.matches("<li>").count();
        assert_eq!(chips, themes.min(4), "{list}");
        if themes > 4 {
            folded += 1;
            assert!(list.contains(&format!("+{} more", themes - 4)), "{list}");
        } else {
            assert!(!list.contains("more"), "{list}");
        }
    }
    assert!(folded > 0, "some result has more than four themes");
}

#[test]
fn a_review_page_links_to_its_lessons_near_the_top() {
    let server = shared_demo();
    let id = server.search(&[("q", "bruising"), ("per_page", "1")])["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, review) = server.json(&format!("/api/v1/reviews/{id}"));
    let count = review["lessons"].as_array().unwrap().len();
    assert!(count > 1);
    let (_, page) = server.get(&format!("/reviews/{id}"));
    let jump = format!("<a href=\"#lessons\">Jump to the {count} lessons</a>");
    let at = page
        .find(&jump)
        .expect("a jump link with the number of lessons");
    assert!(
        at < page.find("About this review").unwrap(),
        "the link comes before the metadata"
    );
    assert!(page.contains("id=\"lessons\""));
    assert!(page.contains("from the decision to initiate the review"));
}

#[test]
fn the_search_form_keeps_its_year_range() {
    let server = shared_demo();
    let (status, page) = server.get("/search?q=neglect&year_from=2008&year_to=2012");
    assert_eq!(status, 200);
    let inputs = tags(&page, "input");
    for (name, year) in [("year_from", "2008"), ("year_to", "2012")] {
        let fields: Vec<&&str> = inputs
            .iter()
            .filter(|tag| tag.contains(&format!("name=\"{name}\"")))
            .collect();
        assert_eq!(fields.len(), 1, "one {name} field: {fields:?}");
        assert!(
            fields[0].contains("type=\"number\"")
                && fields[0].contains(&format!("value=\"{year}\"")),
            "{}",
            fields[0]
        );
        assert!(page.contains(&format!("<label for=\"{name}\">")));
    }
    let (_, empty) = server.get("/search?q=neglect&year_from=&year_to=");
    assert!(tags(&empty, "input")
        .iter()
        .any(|t| t.contains("name=\"year_from\"") && !t.contains("value=")));
    let (_, home) = server.get("/");
    assert!(
        !home.contains("name=\"year_from\""),
        "the home page's box stays simple"
    );
}

#[test]
fn the_codebook_is_a_page_people_can_read() {
    let server = shared_demo();
    let (_, search) = server.get("/search?q=neglect");
    assert!(search.contains("<a href=\"/codebook\">what the columns mean</a>"));
    let (status, page) = server.get("/codebook");
    assert_eq!(status, 200);
    assert!(page.contains("<h1>What the columns mean</h1>") && page.contains("<html"));
    let (_, book) = server.json("/api/v1/codebook");
    for view in ["reviews", "lessons"] {
        for column in book["views"][view].as_array().unwrap() {
            let name = column["name"].as_str().unwrap();
            assert!(page.contains(&format!("<code>{name}</code>")), "{name}");
            let description = column["description"]
                .as_str()
                .unwrap()
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;");
            assert!(page.contains(&description), "{description}");
        }
    }
    assert!(page.contains("<code>inter_agency</code>: Inter-agency"));
}

#[test]
fn insights_label_the_axis_and_draw_each_table_once() {
    let server = shared_demo();
    let (status, page) = server.get("/insights");
    assert_eq!(status, 200);
    assert!(
        page.contains(">Number of reviews</text>"),
        "the y axis says what is counted"
    );
    assert!(!page.contains("Other ("), "no grey band of everything else");
    assert_eq!(page.matches("<table").count(), 2);
    for path in [
        "/insights?rows=year&cols=theme",
        "/insights?rows=incident&cols=year&view=lessons",
    ] {
        let (status, page) = server.get(path);
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            page.matches("<table").count(),
            1,
            "{path}: the same table twice"
        );
        assert!(page.contains("<svg"));
    }
    let (_, lessons) = server.get("/insights?view=lessons");
    assert!(lessons.contains(">Number of lessons</text>"));
}
