//! The OpenAPI document (`/api/openapi.json`) and the API page (`/api`) against the demo
//! corpus: the document is OpenAPI 3, every GET path it lists without path parameters
//! answers the status it should (one the document lists), its example review exists,
//! and the page renders it.

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
        // metrics an admin (401); every other documented GET path answers 200. Each
        // status is one the document lists.
        let expected = match path.as_str() {
            "/api/v1/stats" => 422,
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
        "<th scope=\"col\">Name</th>",
        "curl ",
        "id=\"schema-Review\"",
        "aria-current=\"page\">API</a>",
    ] {
        assert!(html.contains(expected), "/api lacks {expected}");
    }
}
