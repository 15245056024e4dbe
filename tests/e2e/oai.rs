//! OAI-PMH at `/oai`, harvested by a real harvester (Sickle, from PyPI): a full harvest
//! collects exactly the public reviews (drafts and embargoed reviews never; a withdrawn
//! one as a deleted record) through resumption tokens; an incremental harvest from the
//! last one's response date sees a publish and a withdrawal; every error case answers
//! with the protocol's code, a tampered token included.

use serde_json::{json, Value};

use crate::support::*;

const HARVESTER: &str = r#"
import json, sys
from sickle import Sickle
from sickle.iterator import OAIResponseIterator
from sickle import oaiexceptions

job = json.load(sys.stdin)
s = Sickle(job["url"], max_retries=0)
out = {}
identify = s.Identify()
out["granularity"] = identify.granularity
out["deletedRecord"] = identify.deletedRecord

def harvest(**params):
    got = []
    try:
        for r in s.ListRecords(ignore_deleted=False, **params):
            got.append({"id": r.header.identifier, "deleted": r.header.deleted,
                        "datestamp": r.header.datestamp, "sets": r.header.setSpecs,
                        "title": (getattr(r, "metadata", None) or {}).get("title", [None])[0],
                        "creator": (getattr(r, "metadata", None) or {}).get("creator", [None])[0]})
    except oaiexceptions.NoRecordsMatch:
        pass
    return got

out["full"] = harvest(metadataPrefix="oai_dc")
out["identifiers"] = [h.identifier for h in s.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False)]
out["board_set"] = harvest(metadataPrefix="oai_dc", set="board:barsetshire")
out["response_date"] = s.harvest(verb="Identify").xml.find(".//{http://www.openarchives.org/OAI/2.0/}responseDate").text
errors = {}
for name, params in job["errors"].items():
    try:
        OAIResponseIterator(s, dict(params))
        errors[name] = "no error"
    except Exception as e:  # sickle's error classes share no base but Exception
        errors[name] = type(e).__name__
out["errors"] = errors
if job.get("from"):
    out["incremental"] = harvest(metadataPrefix="oai_dc", **{"from": job["from"]})
print(json.dumps(out))
"#;

/// Runs the harvester against `base`; `None` when Python or Sickle is missing outside CI.
fn harvest(base: &str, from: Option<&str>, errors: &Value) -> Option<Value> {
    let job = json!({ "url": format!("{base}/oai"), "from": from, "errors": errors });
    python_json(HARVESTER, job.to_string().as_bytes(), "sickle")
}

fn draft(name: &str) -> Value {
    json!({
        "title": format!("Serious Case Review: Child {name}"), "board": "barsetshire", "incident": "serious_harm",
        "published_on": "2012-05-01", "themes": ["neglect"], "summary": "The school saw the drawings.",
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "Share what the child draws." }]
    })
}

fn deposit(server: &Server, token: &str, name: &str, publish: Option<Value>) -> String {
    let (status, created) = server.send("POST", "/api/v1/reviews", Some(token), Some(&draft(name)));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    if let Some(body) = publish {
        let (status, answer) = server.send(
            "POST",
            &format!("/api/v1/reviews/{id}/publish"),
            Some(token),
            Some(&body),
        );
        assert_eq!(status, 200, "{answer}");
    }
    id
}

fn ids_of(records: &Value, deleted: bool) -> Vec<String> {
    let mut ids: Vec<String> = records
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["deleted"] == deleted)
        .map(|r| {
            r["id"]
                .as_str()
                .unwrap()
                .rsplit(':')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_harvester_collects_the_public_reviews_page_by_page_and_sees_changes() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let token = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let server = Server::start_with(&data, &["--oai-page-size", "2"]);
    let publish = || Some(json!({"anonymisation_checked": true}));
    let mut public: Vec<String> = ["Ash", "Birch", "Cedar", "Damson", "Elm"]
        .iter()
        .map(|name| deposit(&server, &token, name, publish()))
        .collect();
    let draft = deposit(&server, &token, "Fir", None);
    let embargoed = deposit(
        &server,
        &token,
        "Gorse",
        Some(json!({"anonymisation_checked": true, "embargo_until": "2099-01-01"})),
    );
    let withdrawn = public.pop().unwrap();
    let (status, _) = server.send(
        "POST",
        &format!("/api/v1/reviews/{withdrawn}/withdraw"),
        Some(&token),
        Some(&json!({"reason": "Published in error."})),
    );
    assert_eq!(status, 200);
    public.sort();

    let host = "127.0.0.1";
    let errors = json!({
        "badVerb": { "verb": "Harvest" },
        "missing prefix": { "verb": "ListRecords" },
        "bad date": { "verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday" },
        "from after until": { "verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-02", "until": "2020-01-01" },
        "mixed granularity": { "verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2020-01-01", "until": "2020-01-02T00:00:00Z" },
        "unknown argument": { "verb": "Identify", "colour": "red" },
        "unknown format": { "verb": "ListRecords", "metadataPrefix": "marc21" },
        "unknown format of a record": { "verb": "GetRecord", "metadataPrefix": "marc21", "identifier": format!("oai:{host}:{}", public[0]) },
        "a draft": { "verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": format!("oai:{host}:{draft}") },
        "an embargoed review": { "verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": format!("oai:{host}:{embargoed}") },
        "another repository": { "verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": format!("oai:elsewhere:{}", public[0]) },
        "no records": { "verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2099-01-01" },
        "empty set": { "verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "theme:radicalisation" },
        "tampered token": { "verb": "ListRecords", "resumptionToken": "eyJ2ZXJiIjoiTGlzdFJlY29yZHMifQ.AAAA" },
        "token with arguments": { "verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x" },
        "sets have no token": { "verb": "ListSets", "resumptionToken": "x" },
        "a good record": { "verb": "GetRecord", "metadataPrefix": "lessons", "identifier": format!("oai:{host}:{}", public[0]) },
    });
    // Datestamps are to the second and `from` is inclusive: let the setup's second pass.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let Some(first) = harvest(&server.url(""), None, &errors) else {
        return;
    };
    assert_eq!(first["granularity"], "YYYY-MM-DDThh:mm:ssZ");
    assert_eq!(first["deletedRecord"], "persistent");
    assert_eq!(
        ids_of(&first["full"], false),
        public,
        "exactly the public reviews"
    );
    assert_eq!(
        ids_of(&first["full"], true),
        std::slice::from_ref(&withdrawn),
        "the withdrawn one, deleted"
    );
    assert_eq!(
        first["identifiers"].as_array().unwrap().len(),
        5,
        "through resumption tokens, 2 a page"
    );
    assert_eq!(ids_of(&first["board_set"], false), public);
    let record = first["full"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["deleted"] == false)
        .unwrap();
    assert!(record["title"]
        .as_str()
        .unwrap()
        .starts_with("Serious Case Review: Child "));
    assert_eq!(record["creator"], "Barsetshire LSCB");
    let expected = [
        ("badVerb", "BadVerb"),
        ("missing prefix", "BadArgument"),
        ("bad date", "BadArgument"),
        ("from after until", "BadArgument"),
        ("mixed granularity", "BadArgument"),
        ("unknown argument", "BadArgument"),
        ("unknown format", "CannotDisseminateFormat"),
        ("unknown format of a record", "CannotDisseminateFormat"),
        ("a draft", "IdDoesNotExist"),
        ("an embargoed review", "IdDoesNotExist"),
        ("another repository", "IdDoesNotExist"),
        ("no records", "NoRecordsMatch"),
        ("empty set", "NoRecordsMatch"),
        ("tampered token", "BadResumptionToken"),
        ("token with arguments", "BadArgument"),
        ("sets have no token", "BadResumptionToken"),
        ("a good record", "no error"),
    ];
    for (case, code) in expected {
        assert_eq!(first["errors"][case], code, "{case}");
    }

    // A real token with one character changed is refused; unchanged it goes on.
    let (_, page) = server.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc");
    let resumption = page
        .split("\">")
        .find_map(|part| {
            part.split("</resumptionToken>")
                .next()
                .filter(|_| part.contains("</resumptionToken>"))
        })
        .expect("a resumption token on the first page");
    let (_, next) = server.get(&format!(
        "/oai?verb=ListIdentifiers&resumptionToken={resumption}"
    ));
    assert!(
        next.contains("<header>") && !next.contains("<error"),
        "{next}"
    );
    let mut altered = resumption.to_string().into_bytes();
    altered[3] = if altered[3] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let (_, refused) = server.get(&format!(
        "/oai?verb=ListIdentifiers&resumptionToken={altered}"
    ));
    assert!(
        refused.contains("<error code=\"badResumptionToken\">"),
        "{refused}"
    );

    // A publish and a withdrawal after the harvest: the next harvest from its response
    // date gets exactly those two.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let since = first["response_date"].as_str().unwrap().to_string();
    let added = deposit(&server, &token, "Hazel", publish());
    let (status, _) = server.send(
        "POST",
        &format!("/api/v1/reviews/{}/withdraw", public[0]),
        Some(&token),
        Some(&json!({"reason": "Published in error."})),
    );
    assert_eq!(status, 200);
    let Some(second) = harvest(&server.url(""), Some(&since), &json!({})) else {
        return;
    };
    assert_eq!(ids_of(&second["incremental"], false), [added]);
    assert_eq!(
        ids_of(&second["incremental"], true),
        std::slice::from_ref(&public[0])
    );
}

#[test]
fn oai_answers_errors_as_xml_with_status_200_and_takes_posts() {
    let server = shared_demo();
    let (status, body) = server.get("/oai?verb=Nonsense");
    assert_eq!(status, 200);
    assert!(
        body.contains("<error code=\"badVerb\">") && body.contains("<request>"),
        "{body}"
    );
    let (status, body) = server.send_raw(
        "POST",
        "/oai",
        "",
        "application/x-www-form-urlencoded",
        b"verb=Identify",
    );
    assert_eq!(status, 200);
    assert!(
        body.contains("<Identify>") && body.contains("<protocolVersion>2.0</protocolVersion>"),
        "{body}"
    );
    assert!(
        body.contains("<adminEmail>admin@127.0.0.1</adminEmail>"),
        "{body}"
    );
    let (_dir, data) = temp_data();
    let named = Server::start_with(&data, &["--admin-email", "lessons@board.example.org"]);
    let (_, body) = named.get("/oai?verb=Identify");
    assert!(
        body.contains("<adminEmail>lessons@board.example.org</adminEmail>"),
        "{body}"
    );
    let refused = run_cli(&data, &["serve", "--admin-email", "not an address"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--admin-email"));
    let (status, body) = server.get("/oai?verb=ListMetadataFormats");
    assert_eq!(status, 200);
    assert!(
        body.contains("<metadataPrefix>oai_dc</metadataPrefix>")
            && body.contains("<metadataPrefix>lessons</metadataPrefix>")
    );
    let (status, body) = server.get("/oai/review.xsd");
    assert_eq!(status, 200);
    assert!(body.contains("xs:schema"));
}
