//! Citation metadata on every public review page, read by a real extractor (`extruct`
//! from PyPI: JSON-LD and Dublin Core; the Highwire `citation_*` tags with Python's own
//! HTML parser, as Zotero reads them): the same title, board, date and permalink as the
//! review's RIS record. Drafts and embargoed reviews carry none.

use serde_json::{json, Value};

use crate::support::*;

const READER: &str = r#"
import json, sys
from html.parser import HTMLParser
import extruct

class Highwire(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name", "").startswith("citation_"):
            self.tags.setdefault(a["name"], []).append(a.get("content"))

out = []
for page in json.load(sys.stdin):
    data = extruct.extract(page["html"], base_url=page["url"], syntaxes=["json-ld", "dublincore"])
    reports = [d for d in data["json-ld"] if d.get("@type") == "Report"]
    dc = {}
    for block in data["dublincore"]:
        for element in block["elements"]:
            dc.setdefault(element["name"], element["content"])
    highwire = Highwire()
    highwire.feed(page["html"])
    out.append({"report": reports[0] if reports else None, "dc": dc, "highwire": highwire.tags})
print(json.dumps(out))
"#;

/// What the reader found on each page; `None` when Python or extruct is missing
/// outside CI.
fn read(pages: &[Value]) -> Option<Vec<Value>> {
    let input = Value::Array(pages.to_vec()).to_string();
    python_json(READER, input.as_bytes(), "extruct").and_then(|v| v.as_array().cloned())
}

/// The value of an RIS tag.
fn ris_field<'a>(ris: &'a str, tag: &str) -> Option<&'a str> {
    ris.lines()
        .find_map(|line| line.strip_prefix(&format!("{tag}  - ")))
        .map(str::trim)
}

#[test]
fn every_public_review_page_carries_the_citation_its_ris_record_gives() {
    let server = shared_demo();
    let ids = ids(&all_hits(server, &[("q", "")]));
    assert!(ids.len() >= 60);
    let mut pages = Vec::new();
    let mut records = Vec::new();
    for id in &ids {
        let (status, html) = server.get(&format!("/reviews/{id}"));
        assert_eq!(status, 200);
        let (status, ris) = server.get(&format!("/api/v1/reviews/{id}/cite?format=ris"));
        assert_eq!(status, 200);
        pages.push(json!({ "url": server.url(&format!("/reviews/{id}")), "html": html }));
        records.push(ris);
    }
    let Some(read) = read(&pages) else { return };
    for ((id, found), ris) in ids.iter().zip(&read).zip(&records) {
        let title = ris_field(ris, "TI").unwrap();
        let board = ris_field(ris, "AU").unwrap();
        let url = ris_field(ris, "UR").unwrap();
        let report = &found["report"];
        let (dc, highwire) = (&found["dc"], &found["highwire"]);
        assert_eq!(report["name"], title, "{id}: JSON-LD name");
        assert_eq!(report["author"]["name"], board, "{id}: JSON-LD author");
        assert_eq!(report["url"], url, "{id}: JSON-LD url");
        assert_eq!(dc["DC.title"], title, "{id}");
        assert_eq!(dc["DC.creator"], board, "{id}");
        assert_eq!(dc["DC.identifier"], url, "{id}");
        assert_eq!(highwire["citation_title"][0], title, "{id}");
        assert_eq!(highwire["citation_author"][0], board, "{id}");
        assert_eq!(highwire["citation_abstract_html_url"][0], url, "{id}");
        match ris_field(ris, "DA") {
            Some(date) => {
                assert_eq!(highwire["citation_publication_date"][0], date, "{id}");
                assert_eq!(report["datePublished"], date.replace('/', "-"), "{id}");
                assert_eq!(dc["DC.date"], date.replace('/', "-"), "{id}");
            }
            None => {
                let year = ris_field(ris, "PY").unwrap();
                assert_eq!(highwire["citation_publication_date"][0], year, "{id}");
            }
        }
    }
}

#[test]
fn a_draft_page_carries_no_citation_metadata() {
    let board = board_server();
    let draft = json!({
        "title": "Serious Case Review: Child Wren", "board": "barsetshire", "incident": "serious_harm",
        "summary": "The school saw the drawings.",
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "Share what the child draws." }]
    });
    let (status, created) =
        board
            .server
            .send("POST", "/api/v1/reviews", Some(&board.token), Some(&draft));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let page = ureq::get(&board.server.url(&format!("/reviews/{id}")))
        .set("Authorization", &format!("Bearer {}", board.token))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(page.contains("Child Wren"), "the board sees its draft");
    assert!(
        !page.contains("citation_title") && !page.contains("ld+json"),
        "{page}"
    );
}
