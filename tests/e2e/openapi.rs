//! The OpenAPI document (`/api/openapi.json`) and the API page (`/api`) against the demo
//! corpus: the document is OpenAPI 3, every GET path it lists without path parameters
//! answers the status it should (one the document lists), its example review exists,
//! the page renders it, and requests it allows are accepted.

use serde_json::Value;

use crate::support::{shared_demo, Server};

#[test]
fn the_openapi_document_describes_real_routes() {
    let server = shared_demo();

    let (status, doc) = server.json("/api/openapi.json");
    assert_eq!(status, 200);
    let version = doc["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3."), "OpenAPI version {version}");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/api/v1/search") && paths.contains_key("/api/v1/reviews/{id}"));

    for (path, item) in paths {
        if path.contains('{') || item.get("get").is_none() {
            continue;
        }
        // Without parameters or credentials: stats needs its rows and cols (422), the
        // reminders feed its board (422), the metrics an admin (401); every other
        // documented GET path answers 200. Each status is one the document lists.
        let expected = match path.as_str() {
            "/api/v1/stats" | "/feeds/actions.atom" => 422,
            "/metrics" => 401,
            _ => 200,
        };
        let (status, body) = server.get(path);
        assert_eq!(status, expected, "{path}: {body:.300}");
        assert!(
            item["get"]["responses"].get(status.to_string()).is_some(),
            "{path} answers {status}, which the document does not list"
        );
    }

    example_review_is_public(server, &doc);
    api_page_renders_the_document(server);

    let (status, body) = server.json("/api/no-such-route");
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}

/// The review id offered as an example is a public review (the document is made from
/// the running service).
fn example_review_is_public(server: &Server, doc: &Value) {
    let parameters = doc["paths"]["/api/v1/reviews/{id}"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let example = parameters[0]["example"].as_str().expect("an example id");
    let (status, review) = server.json(&format!("/api/v1/reviews/{example}"));
    assert_eq!(status, 200, "{review}");
    assert_eq!(review["status"], "published");
}

fn api_page_renders_the_document(server: &Server) {
    let (status, html) = server.get("/api");
    assert_eq!(status, 200);
    for expected in [
        "<h1>API</h1>",
        "href=\"/api/openapi.json\"",
        "GET /api/v1/search",
        "POST /api/v1/reviews",
        "<th scope=\"col\">Parameter</th>",
        "list of strings: <code>individual</code>, <code>inter_<wbr>agency</code>",
        "curl ",
        "id=\"schema-Review\"",
        "aria-current=\"page\">API</a>",
    ] {
        assert!(html.contains(expected), "/api lacks {expected}");
    }
}

/// Every export format the document lists takes `bom` (it changes CSV only; see
/// `export.rs` for the bytes): schemathesis found `format=ris&bom=1` refused although the
/// document allowed it.
#[test]
fn every_documented_export_format_takes_a_byte_order_mark() {
    let server = shared_demo();
    let (_, doc) = server.json("/api/openapi.json");
    let parameters = doc["paths"]["/api/v1/export"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let schema_of = |name: &str| {
        parameters
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["schema"].clone())
            .unwrap_or_else(|| panic!("no {name} parameter"))
    };
    assert_eq!(schema_of("bom")["enum"], serde_json::json!(["0", "1"]));
    let formats = schema_of("format")["enum"].clone();
    let formats = formats.as_array().expect("formats");
    assert_eq!(formats.len(), 5);
    for format in formats {
        let format = format.as_str().expect("a format");
        let (status, body) = server.get(&format!("/api/v1/export?q=neglect&format={format}&bom=1"));
        assert_eq!(status, 200, "{format}: {body}");
    }
}
