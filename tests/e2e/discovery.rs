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
