//! The HTML site against the demo corpus.

use crate::support::{query, temp_data, Server};

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

    let (status, lessons) = server.get("/search?view=lessons&level=inter_agency&agency=police");
    assert_eq!(status, 200);
    assert!(lessons.contains("Inter-agency") && lessons.contains("remove this filter"));

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
        "six-month timescale",
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
