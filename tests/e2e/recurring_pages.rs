//! The recurring-lesson pages: `/recurring`, `/recurring/{id}`, both briefings, the
//! "Identified in N other reviews" line on review pages and lesson hits, the theme and
//! insights panels; 404, 422 and what is never shown (drafts, embargoed reviews).

use serde_json::{json, Value};

use crate::support::{add_barsetshire, run_cli, shared_demo, temp_data, write_lines, Server};

/// Text as maud writes it into a page.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

#[test]
fn recurring_pages_over_the_demo_corpus() {
    let server = shared_demo();
    let (status, listing) = server.json("/api/v1/recurring?per_page=3");
    assert_eq!(status, 200, "{listing}");
    let first = &listing["recurring"][0];
    let id = first["id"]
        .as_str()
        .expect("a recurring lesson in the demo");
    let reviews = first["reviews"].as_u64().unwrap();
    assert!(reviews >= 2);

    // The list: label, counts, "first identified", sparkline, link.
    let (status, page) = server.get("/recurring");
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("href=\"/recurring/{id}\"")),
        "links to {id}"
    );
    assert!(page.contains(&escaped(first["label"].as_str().unwrap())));
    assert!(page.contains(&format!("<strong>{reviews} reviews</strong>")));
    let since = format!(
        "First identified {}, identified again in {} {} since",
        first["first_year"],
        reviews - 1,
        plural(reviews - 1, "review")
    );
    assert!(page.contains(&since), "{since}");
    assert!(page.contains("class=\"sparkline\"") && page.contains("Reviews per year, "));
    assert!(page.contains("<label for=\"theme\">Theme</label>") && page.contains(">Unseen men<"));
    assert!(page.contains("href=\"/recurring\"") && page.contains("aria-current=\"page\""));

    // Sorted and filtered lists answer; bad parameters answer a readable 422 page.
    for query in [
        "sort=recent",
        "sort=rising",
        "level=inter_agency&kind=lesson",
        "page=2",
    ] {
        assert_eq!(server.get(&format!("/recurring?{query}")).0, 200, "{query}");
    }
    let (status, bad) = server.get("/recurring?sort=sideways&theme=nope");
    assert_eq!(status, 422);
    assert!(bad.contains("sort") && bad.contains("theme") && bad.contains("<h1>"));

    // One recurring lesson: every member verbatim with its review link, the chart and its
    // table, the briefing and export links.
    let (status, detail) = server.json(&format!("/api/v1/recurring/{id}"));
    assert_eq!(status, 200);
    let (status, page) = server.get(&format!("/recurring/{id}"));
    assert_eq!(status, 200);
    let members = detail["members"].as_array().unwrap();
    for member in members {
        assert!(page.contains(&escaped(member["text"].as_str().unwrap())));
        let finding = member["finding_id"].as_str().unwrap();
        let (review, anchor) = finding.split_once('#').unwrap();
        assert!(page.contains(&format!("href=\"/reviews/{review}#{anchor}\"")));
    }
    assert!(page.contains("<caption>Reviews per year</caption>") && page.contains("<svg"));
    assert!(page.contains(&format!("href=\"/recurring/{id}/briefing\"")));
    assert!(page.contains(&format!("/api/v1/recurring/{id}")));

    // The briefing of the recurring lesson.
    let (status, briefing) = server.get(&format!("/recurring/{id}/briefing"));
    assert_eq!(status, 200);
    for part in [
        "What keeps happening",
        "Why it matters",
        "What the reviews said",
        "What to do differently",
        "Questions for reflection",
    ] {
        assert!(briefing.contains(part), "briefing lacks {part}");
    }
    let cited = members
        .iter()
        .filter(|m| briefing.contains(&escaped(m["text"].as_str().unwrap())))
        .count();
    assert!(cited >= 2, "the briefing quotes the reviews");

    // A member's review page says so, and links here; so does its briefing.
    let finding = members[0]["finding_id"].as_str().unwrap();
    let review_id = finding.split_once('#').unwrap().0;
    let (status, review) = server.get(&format!("/reviews/{review_id}"));
    assert_eq!(status, 200);
    let line = format!(
        "Identified in {} other {}",
        reviews - 1,
        plural(reviews - 1, "review")
    );
    assert!(
        review.contains(&format!("<a href=\"/recurring/{id}\">{line}")),
        "{line}"
    );
    assert!(review.contains(&format!("href=\"/reviews/{review_id}/briefing\"")));
    let (status, briefing) = server.get(&format!("/reviews/{review_id}/briefing"));
    assert_eq!(status, 200);
    assert!(briefing.contains("What happened") && briefing.contains("Questions for reflection"));

    // A lesson hit of that finding says it too.
    let words: Vec<&str> = members[0]["text"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .take(8)
        .collect();
    let q: String = form_urlencoded::byte_serialize(words.join(" ").as_bytes()).collect();
    let (status, hits) = server.get(&format!("/search?view=lessons&per_page=50&q={q}"));
    assert_eq!(status, 200);
    assert!(hits.contains(&format!("<a href=\"/recurring/{id}\">Identified in")));

    // Theme page, insights and help.
    let theme = detail["themes"][0].as_str().unwrap();
    let (_, theme_page) = server.get(&format!("/themes/{theme}"));
    assert!(theme_page.contains("Recurring lessons on this theme"));
    assert!(theme_page.contains("href=\"/recurring/rl-"));
    let (_, insights) = server.get("/insights");
    assert!(insights.contains("Top recurring lessons in this search"));
    let (_, help) = server.get("/help");
    assert!(help.contains("id=\"recurring\"") && help.contains("href=\"/recurring\""));

    // Unknown ids.
    assert_eq!(server.get("/recurring/rl-999999").0, 404);
    assert_eq!(server.get("/recurring/rl-999999/briefing").0, 404);
    assert_eq!(server.get("/reviews/no-such-review/briefing").0, 404);
}

fn review(
    word: &str,
    status: Option<&str>,
    embargo: Option<&str>,
    text: &str,
    recommendation: &str,
) -> Value {
    let mut review = json!({
        "title": format!("Serious Case Review: Child {word}"), "board": "barsetshire", "incident": "serious_harm",
        "themes": ["bruising_in_non_mobile_infants"], "agencies": ["health_visiting"],
        "published_on": "2015-06-01",
        "summary": format!("Child {word} was a baby. The review looked at the care of the family."),
        "lessons": [
            { "kind": "lesson", "level": "individual", "agency": "health_visiting",
              "themes": ["bruising_in_non_mobile_infants"], "text": text },
            { "kind": "recommendation", "level": "inter_agency", "themes": ["information_sharing"],
              "text": recommendation }
        ]
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
fn hidden_reviews_never_join_a_recurring_lesson_on_any_page() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let point = "A bruise on a baby who was not yet crawling was accepted as accidental without a referral under the bruising protocol";
    let reviews = [
        review(
            "Aspen",
            None,
            None,
            &format!("{point}."),
            "The board should audit how schools record exclusions.",
        ),
        review(
            "Birch",
            None,
            None,
            &format!("{point}, and the health visitor did not ask a paediatrician."),
            "Housing officers should receive training on tenancy checks.",
        ),
        review(
            "Cedar",
            None,
            None,
            &format!("Again {point}."),
            "Ambulance crews should pass on concerns about the home by telephone.",
        ),
        review(
            "Wombat",
            Some("draft"),
            None,
            &format!("{point}; the wombat note."),
            "Wombat leaflets should be reprinted.",
        ),
        review(
            "Quokka",
            Some("published"),
            Some("2099-01-01"),
            &format!("{point}; the quokka note."),
            "Quokka rotas should be reviewed.",
        ),
    ];
    let file = dir.path().join("bruises.jsonl");
    let lines: Vec<String> = reviews.iter().map(|r| r.to_string()).collect();
    write_lines(&file, &lines);
    let output = run_cli(&data, &["import", file.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let server = Server::start(&data, false);

    let (status, list) = server.get("/recurring");
    assert_eq!(status, 200);
    assert!(
        list.contains("<strong>1</strong> recurring lesson "),
        "the three public findings form one group"
    );
    let id = list
        .split("href=\"/recurring/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the recurring lesson")
        .to_string();
    assert!(id.starts_with("rl-"), "{id}");

    let hidden = |body: &str| {
        ["Wombat", "wombat", "Quokka", "quokka"]
            .iter()
            .any(|w| body.contains(w))
    };
    let mut pages = vec![
        "/recurring".to_string(),
        format!("/recurring/{id}"),
        format!("/recurring/{id}/briefing"),
        "/themes/bruising_in_non_mobile_infants".to_string(),
        "/insights".to_string(),
        "/search?view=lessons&q=bruise".to_string(),
    ];
    let hits = server.search(&[("view", "reviews"), ("q", "")]);
    let public: Vec<String> = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(public.len(), 3);
    for review in &public {
        pages.push(format!("/reviews/{review}"));
        pages.push(format!("/reviews/{review}/briefing"));
    }
    for path in &pages {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(!hidden(&body), "a hidden review shows on {path}");
    }
    // The draft and the embargoed review (ids numbered in import order) have no briefing.
    let numbered: Vec<String> = (1..=5)
        .map(|n| format!("scr-2015-barsetshire-{n:04}"))
        .collect();
    assert!(public.iter().all(|id| numbered.contains(id)), "{public:?}");
    for id in numbered.iter().filter(|id| !public.contains(id)) {
        let (status, body) = server.get(&format!("/reviews/{id}/briefing"));
        assert_eq!(status, 404, "{id}");
        assert!(!hidden(&body));
    }
    // Three public reviews: each says two others, never three or four.
    for review in &public {
        let (_, body) = server.get(&format!("/reviews/{review}"));
        assert!(
            body.contains("Identified in 2 other reviews since 2015"),
            "{review}"
        );
    }
    assert!(list.contains("<strong>3 reviews</strong>"));
    assert!(list.contains("identified again in 2 reviews since"));
}
