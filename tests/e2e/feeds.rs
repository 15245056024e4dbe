//! Alerts: the Atom feed of a search, read by a real feed parser (Python's feedparser).

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{temp_data, Server};

/// Parses `xml` with feedparser; `None` when Python or feedparser is missing outside CI.
fn parse_feed(xml: &str) -> Option<serde_json::Value> {
    let script = r#"
import json, sys
import feedparser
feed = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": bool(feed.bozo), "version": feed.version, "title": feed.feed.get("title"),
    "entries": [{"title": e.title, "link": e.link, "id": e.id, "updated": e.updated,
                 "summary": e.summary, "tags": [t.term for t in e.get("tags", [])]} for e in feed.entries],
}))
"#;
    let child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return skip_or_fail("python3 is not installed");
    };
    child.stdin.take()?.write_all(xml.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("No module named 'feedparser'") {
            return skip_or_fail("feedparser is not installed (pip install feedparser)");
        }
        panic!("feedparser failed: {stderr}");
    }
    Some(serde_json::from_slice(&output.stdout).expect("feedparser's JSON"))
}

fn skip_or_fail(why: &str) -> Option<serde_json::Value> {
    assert!(
        std::env::var_os("CI").is_none(),
        "the feed test needs Python's feedparser in CI: {why}"
    );
    eprintln!("\n*** FEED TEST SKIPPED: {why} ***\n");
    None
}

#[test]
fn search_feeds_are_valid_atom_newest_first() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data, true);
    let (status, xml) = server.get("/feeds/reviews.atom?q=neglect&theme=neglect");
    assert_eq!(status, 200);
    assert!(xml.starts_with("<?xml"), "{xml:.100}");
    let Some(feed) = parse_feed(&xml) else { return };
    assert_eq!(feed["bozo"], false, "well-formed: {xml:.400}");
    assert_eq!(feed["version"], "atom10");
    let entries = feed["entries"].as_array().unwrap();
    let total = server.search(&[("q", "neglect"), ("theme", "neglect")])["total"]
        .as_u64()
        .unwrap();
    assert_eq!(entries.len() as u64, total.min(20));
    let dates: Vec<&str> = entries
        .iter()
        .map(|e| e["updated"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    for entry in entries {
        assert!(entry["link"].as_str().unwrap().contains("/reviews/scr-"));
        assert!(entry["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "neglect"));
    }
    let (status, page) = server.get("/search?q=neglect");
    assert_eq!(status, 200);
    assert!(
        page.contains("/feeds/reviews.atom?q=neglect"),
        "linked from the search page"
    );
    let (status, body) = server.json("/feeds/reviews.atom?theme=negelct");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("validation_failed"))
    );
}
