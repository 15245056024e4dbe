//! What crawlers read: `/robots.txt` keeps them off search results, exports and
//! signed-in areas and names the sitemap; `/sitemap.xml` lists exactly the public reviews
//! (never a draft, an embargoed or a withdrawn one) and the theme pages.

use serde_json::json;

use crate::support::*;

#[test]
fn robots_keep_crawlers_off_searches_and_name_the_sitemap() {
    let server = shared_demo();
    let (status, robots) = server.get("/robots.txt");
    assert_eq!(status, 200);
    for path in ["/search", "/api/v1/export", "/my", "/deposit", "/admin"] {
        assert!(robots.contains(&format!("Disallow: {path}\n")), "{robots}");
    }
    assert!(
        !robots.contains("Disallow: /reviews"),
        "review pages are for crawling"
    );
    assert!(
        robots.contains(&format!("Sitemap: {}/sitemap.xml", server.url(""))),
        "{robots}"
    );
}

#[test]
fn the_sitemap_lists_exactly_the_public_reviews_and_the_themes() {
    let board = board_server();
    let (server, token) = (&board.server, board.token.as_str());
    let mut ids = Vec::new();
    for (name, embargo) in [
        ("Kite", None),
        ("Merlin", Some("2099-01-01")),
        ("Hobby", None),
        ("Snipe", None),
    ] {
        let draft = json!({
            "title": format!("Serious Case Review: Child {name}"), "board": "barsetshire", "incident": "serious_harm",
            "published_on": "2012-05-01", "summary": "The school saw the drawings.",
            "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "Share what the child draws." }]
        });
        let (status, created) = server.send("POST", "/api/v1/reviews", Some(token), Some(&draft));
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        if name != "Snipe" {
            let mut body = json!({"anonymisation_checked": true});
            if let Some(embargo) = embargo {
                body["embargo_until"] = json!(embargo);
            }
            let (status, answer) = server.send(
                "POST",
                &format!("/api/v1/reviews/{id}/publish"),
                Some(token),
                Some(&body),
            );
            assert_eq!(status, 200, "{answer}");
        }
        ids.push(id);
    }
    let (status, answer) = server.send(
        "POST",
        &format!("/api/v1/reviews/{}/withdraw", ids[2]),
        Some(token),
        Some(&json!({"reason": "Published in error."})),
    );
    assert_eq!(status, 200, "{answer}");

    let (status, sitemap) = server.get("/sitemap.xml");
    assert_eq!(status, 200);
    assert!(
        sitemap.starts_with("<?xml")
            && sitemap.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">")
    );
    let reviews: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split("</loc>").next())
        .filter(|loc| loc.contains("/reviews/"))
        .collect();
    assert_eq!(
        reviews,
        [server.url(&format!("/reviews/{}", ids[0]))],
        "only the public review"
    );
    assert!(sitemap.contains("<lastmod>2012-05-01</lastmod>"));
    assert!(sitemap.contains(&format!("<loc>{}</loc>", server.url("/themes/neglect"))));
    assert_eq!(
        server.get("/sitemap-1.xml").0,
        404,
        "one file is enough here"
    );
    assert_eq!(server.get("/sitemap-x.xml").0, 404);
}

/// GET `path` with `If-None-Match: tag`: the status and the answer's ETag.
fn revalidate(server: &Server, path: &str, tag: &str) -> (u16, String) {
    let result = ureq::get(&server.url(path))
        .set("If-None-Match", tag)
        .call();
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("GET {path} failed: {e}"),
    };
    (
        response.status(),
        response.header("etag").unwrap_or_default().to_string(),
    )
}

fn etag_of(server: &Server, path: &str) -> (String, Option<String>) {
    let response = ureq::get(&server.url(path)).call().unwrap();
    (
        response.header("etag").expect("an ETag").to_string(),
        response.header("last-modified").map(str::to_string),
    )
}

#[test]
fn review_pages_json_and_feeds_answer_304_while_unchanged() {
    let board = board_server();
    let (server, token) = (&board.server, board.token.as_str());
    let draft = json!({
        "title": "Serious Case Review: Child Teal", "board": "barsetshire", "incident": "serious_harm",
        "summary": "The school saw the drawings.",
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "Share what the child draws." }]
    });
    let (_, created) = server.send("POST", "/api/v1/reviews", Some(token), Some(&draft));
    let id = created["id"].as_str().unwrap().to_string();
    let (status, _) = server.send(
        "POST",
        &format!("/api/v1/reviews/{id}/publish"),
        Some(token),
        Some(&json!({"anonymisation_checked": true})),
    );
    assert_eq!(status, 200);
    let paths = [
        format!("/reviews/{id}"),
        format!("/api/v1/reviews/{id}"),
        "/feeds/reviews.atom?q=drawings".to_string(),
    ];
    let mut tags = Vec::new();
    for path in &paths {
        let (tag, modified) = etag_of(server, path);
        assert_eq!(revalidate(server, path, &tag), (304, tag.clone()), "{path}");
        assert_eq!(revalidate(server, path, "\"stale\"").0, 200, "{path}");
        assert!(
            modified.is_none(),
            "derived figures change without a write: ETag only"
        );
        tags.push(tag);
    }
    // A change gives new tags: the old copies are not current any more.
    let mut amended = draft.clone();
    amended["summary"] = json!("The school saw the drawings and told the nurse.");
    let (status, _) = server.send(
        "PUT",
        &format!("/api/v1/reviews/{id}"),
        Some(token),
        Some(&amended),
    );
    assert_eq!(status, 200);
    for (path, tag) in paths.iter().zip(&tags).take(2) {
        assert_eq!(revalidate(server, path, tag).0, 200, "{path} changed");
    }
}
