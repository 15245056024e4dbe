//! `/api`: the API documentation for people, rendered from the OpenAPI document that
//! `/api/openapi.json` serves (`crate::openapi`), so the two always say the same: each
//! operation with its parameters, request body, responses and a curl example, then
//! every schema. Plain HTML: headings, tables with header cells, no JavaScript. Tables
//! have two columns (the name, then what it means and takes), so they fit a phone
//! without breaking words; long identifiers may break only after `_` or `/`.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde_json::Value;

use crate::http::blocking::Pool;
use crate::http::config::{site_url, SiteConfig};
use crate::http::errors::page_for;
use crate::http::layout::{layout_as, Section};
use crate::http::session::Viewer;
use crate::openapi::{document, SpecContext, DOCUMENT_PATH};

/// Enumerations longer than this are folded into a `<details>`.
const SHORT_LIST: usize = 12;

/// HTTP methods in the order an operation is listed.
const METHODS: [&str; 4] = ["get", "post", "put", "delete"];

/// `GET /api`
pub async fn api_docs(
    req: HttpRequest,
    viewer: Viewer,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let found = pool
        .run(|service| Ok((service.board_slugs(), service.newest_public_ids()?)))
        .await;
    let cx = match found {
        Ok((boards, examples)) => SpecContext::new(boards, examples),
        Err(error) => return page_for(error, &config),
    };
    let body = render(&document(&cx), &site_url(&req));
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(layout_as("API", &config, Section::Api, viewer.who(), body).into_string())
}

/// One operation of the document, with where it lives.
struct Op<'a> {
    method: &'a str,
    path: &'a str,
    value: &'a Value,
}

impl Op<'_> {
    fn id(&self) -> &str {
        self.value["operationId"].as_str().unwrap_or(self.path)
    }

    fn text(&self, key: &str) -> &str {
        self.value[key].as_str().unwrap_or("")
    }
}

fn operations(doc: &Value) -> Vec<Op<'_>> {
    let Some(paths) = doc["paths"].as_object() else {
        return Vec::new();
    };
    let mut ops = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if item.get(method).is_some() {
                ops.push(Op {
                    method,
                    path,
                    value: &item[method],
                });
            }
        }
    }
    ops
}

fn render(doc: &Value, base: &str) -> Markup {
    let ops = operations(doc);
    let tags = doc["tags"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    html! {
        div.api-docs {
            h1 { "API" }
            p.lede { (prose(doc["info"]["description"].as_str().unwrap_or(""))) }
            p {
                "The same description, as OpenAPI " (doc["openapi"].as_str().unwrap_or("3")) ": "
                a href=(DOCUMENT_PATH) { (DOCUMENT_PATH) } ". This page is made from it."
            }
            (conventions())
            nav aria-labelledby="api-contents" {
                h2 #api-contents { "Contents" }
                @for tag in tags {
                    @let name = tag["name"].as_str().unwrap_or("");
                    h3 { (tag["description"].as_str().unwrap_or(name)) }
                    ul {
                        @for op in ops.iter().filter(|op| has_tag(op, name)) {
                            li { a href={"#" (op.id())} { code { (op.method.to_uppercase()) " " (op.path) } } " – " (op.text("summary")) }
                        }
                    }
                }
                p { a href="#schemas" { "Schemas" } }
            }
            @for tag in tags {
                @let name = tag["name"].as_str().unwrap_or("");
                section aria-labelledby={"tag-" (name)} {
                    h2 #{"tag-" (name)} { (tag["description"].as_str().unwrap_or(name)) }
                    @for op in ops.iter().filter(|op| has_tag(op, name)) { (operation(op, base)) }
                }
            }
            (schemas(&doc["components"]["schemas"]))
        }
    }
}

fn has_tag(op: &Op, tag: &str) -> bool {
    op.value["tags"]
        .as_array()
        .is_some_and(|tags| tags.iter().any(|t| t == tag))
}

fn conventions() -> Markup {
    html! {
        h2 { "Conventions" }
        ul {
            li { "Answers are JSON (UTF-8) unless an operation says otherwise. Dates are " code { "YYYY-MM-DD" } "; times are RFC 3339." }
            li { "Operations marked " strong { "token needed" } " take an API token as " code { "Authorization: Bearer <token>" } " (create one on " a href="/my" { "your account page" } " or with " code { "lessons token add EMAIL" } "). Without one they answer 401; with a token that lacks the right, 403." }
            li { "Every error is " code { "{ \"error\": { \"code\", \"message\", \"details\"?: [{ \"field\", \"message\", \"allowed\"? }] } }" } "; a 422 lists every bad field or parameter at once, with the allowed values for vocabularies." }
            li { "Search parameters are checked: an unknown parameter, an unknown value, a bad year or a page out of range is a 422, never silently ignored. An empty value counts as not given." }
        }
    }
}

fn operation(op: &Op, base: &str) -> Markup {
    let parameters = op.value["parameters"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    html! {
        section.operation aria-labelledby=(op.id()) {
            h3 #(op.id()) { code { (op.method.to_uppercase()) " " (op.path) } }
            p { strong { (op.text("summary")) } ". " (access(op.value)) }
            p { (prose(op.text("description"))) }
            @if !parameters.is_empty() { (parameter_table(op, parameters)) }
            @if let Some(body) = op.value.get("requestBody") { (request_body(op, body)) }
            (response_table(op))
            h4 { "Example" }
            pre.example { code { (curl(op, base)) } }
        }
    }
}

fn access(value: &Value) -> &'static str {
    match value["security"].as_array() {
        Some(options)
            if options
                .iter()
                .any(|o| o.as_object().is_some_and(|o| o.is_empty())) =>
        {
            "Public; a token also shows the caller's board's unpublished reviews."
        }
        Some(_) => "Token needed.",
        None => "Public.",
    }
}

fn parameter_table(op: &Op, parameters: &[Value]) -> Markup {
    html! {
        table.fields {
            caption { "Parameters of " (op.method.to_uppercase()) " " (op.path) }
            thead { tr { th scope="col" { "Parameter" } th scope="col" { "Description, type and values" } } }
            tbody {
                @for parameter in parameters {
                    tr {
                        th scope="row" {
                            code { (breakable(parameter["name"].as_str().unwrap_or(""))) }
                            span.where {
                                " in " (parameter["in"].as_str().unwrap_or(""))
                                @if parameter["required"] == true { ", required" }
                            }
                        }
                        td {
                            (prose(parameter["description"].as_str().unwrap_or("")))
                            span.type { (schema_summary(&parameter["schema"])) }
                        }
                    }
                }
            }
        }
    }
}

fn request_body(op: &Op, body: &Value) -> Markup {
    let content = body["content"]
        .as_object()
        .map(|c| c.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    html! {
        h4 #{(op.id()) "-body"} { "Request body" }
        p { (prose(body["description"].as_str().unwrap_or(""))) }
        ul {
            @for (media_type, media) in content {
                li { code { (breakable(media_type)) } ": " (schema_summary(&media["schema"])) }
            }
        }
    }
}

fn response_table(op: &Op) -> Markup {
    let responses = op.value["responses"]
        .as_object()
        .map(|r| r.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    html! {
        table.responses {
            caption { "Responses of " (op.method.to_uppercase()) " " (op.path) }
            thead { tr { th scope="col" { "Status" } th scope="col" { "Meaning and body" } } }
            tbody {
                @for (status, response) in responses {
                    tr {
                        th scope="row" { (status) }
                        td {
                            (prose(response["description"].as_str().unwrap_or("")))
                            @if let Some(content) = response["content"].as_object() {
                                @for (media_type, media) in content {
                                    span.type { code { (breakable(media_type)) } " " (schema_summary(&media["schema"])) }
                                }
                            } @else { span.type { "No body." } }
                        }
                    }
                }
            }
        }
    }
}

/// A schema in words, each thing said once: its type ("list of strings"), default,
/// range and allowed values (of a list: of its items).
fn schema_summary(schema: &Value) -> Markup {
    if let Some(name) = ref_name(schema) {
        return html! { a href={"#schema-" (name)} { (name) } };
    }
    let items = &schema["items"];
    let list = schema["type"] == "array";
    let allowed = if list { items } else { schema };
    let values = allowed["enum"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    html! {
        (type_words(schema))
        @if let Some(name) = ref_name(items).filter(|_| list) { " " a href={"#schema-" (name)} { (name) } }
        (range(allowed))
        @if values.len() > SHORT_LIST {
            details {
                summary { "one of " (values.len()) " values" }
                (value_list(values))
            }
        } @else if !values.is_empty() {
            ": " (value_list(values))
        }
        @if let Some(default) = schema.get("default") { "; default " code { (plain(default)) } }
    }
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema["$ref"].as_str()?.rsplit('/').next()
}

fn type_words(schema: &Value) -> String {
    let base = match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("array"), _) => match ref_name(&schema["items"]) {
            Some(_) => "list of".to_string(),
            None => format!("list of {}", plural_type_words(&schema["items"])),
        },
        (Some(kind), Some(format)) => format!("{kind} ({format})"),
        (Some(kind), None) => kind.to_string(),
        (None, _) => "any".to_string(),
    };
    if schema["nullable"] == true {
        format!("{base} or null")
    } else {
        base
    }
}

/// The type of a list's items, in the plural: "strings", "integers (int64)".
fn plural_type_words(schema: &Value) -> String {
    let one = type_words(schema);
    match one.split_once(' ') {
        Some((kind, rest)) if kind != "list" => format!("{kind}s {rest}"),
        None if one != "any" => format!("{one}s"),
        _ => one,
    }
}

fn range(schema: &Value) -> Markup {
    let (minimum, maximum) = (schema.get("minimum"), schema.get("maximum"));
    html! {
        @match (minimum, maximum) {
            (Some(low), Some(high)) => { ", " (plain(low)) "–" (plain(high)) }
            (Some(low), None) => { ", at least " (plain(low)) }
            (None, Some(high)) => { ", at most " (plain(high)) }
            (None, None) => {}
        }
    }
}

fn value_list(values: &[Value]) -> Markup {
    html! {
        @for (i, value) in values.iter().enumerate() {
            @if i > 0 { ", " }
            code { (breakable(&plain(value))) }
        }
    }
}

/// An identifier that a narrow screen may break after each `_`, `/`, `.` or `-`, and
/// nowhere else.
fn breakable(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split_inclusive(['_', '/', '.', '-']).enumerate() {
            @if i > 0 { wbr; }
            (part)
        }
    }
}

/// A description as HTML: text between backticks as code (breakable as identifiers
/// are, so that a long example fits a phone).
fn prose(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (breakable(part)) } } @else { (part) }
        }
    }
}

/// A JSON value as text, strings without their quotes.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn schemas(schemas: &Value) -> Markup {
    let all = schemas
        .as_object()
        .map(|s| s.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    html! {
        section aria-labelledby="schemas" {
            h2 #schemas { "Schemas" }
            @for (name, schema) in all {
                h3 #{"schema-" (name)} { (name) }
                @if let Some(description) = schema["description"].as_str() { p { (prose(description)) } }
                (properties_table(name, schema))
            }
        }
    }
}

fn properties_table(name: &str, schema: &Value) -> Markup {
    let Some(properties) = schema["properties"].as_object() else {
        return html! { p { (schema_summary(schema)) } };
    };
    let required = |key: &str| {
        schema["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|k| k == key))
    };
    html! {
        table.fields {
            caption { "Fields of " (name) }
            thead { tr { th scope="col" { "Field" } th scope="col" { "Description, type and values" } } }
            tbody {
                @for (key, property) in properties {
                    tr {
                        th scope="row" { code { (breakable(key)) } @if !required(key) { span.where { " optional" } } }
                        td {
                            (prose(property["description"].as_str().unwrap_or("")))
                            span.type { (schema_summary(property)) }
                        }
                    }
                }
            }
        }
    }
}

/// A curl command for `op`: path parameters from their examples, query parameters that
/// have an example, the token header when one is needed, and the body's example.
fn curl(op: &Op, base: &str) -> String {
    let mut path = op.path.to_string();
    let mut query = Vec::new();
    for parameter in op.value["parameters"].as_array().into_iter().flatten() {
        let name = parameter["name"].as_str().unwrap_or("");
        let example = parameter.get("example").map(plain);
        match (parameter["in"].as_str(), example) {
            (Some("path"), example) => {
                let value = example.unwrap_or_else(|| placeholder(name, &parameter["schema"]));
                path = path.replace(&format!("{{{name}}}"), &value.replace('#', "%23"));
            }
            (Some("query"), Some(value)) => query.push(format!(
                "{name}={}",
                form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
            )),
            _ => {}
        }
    }
    let url = if query.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{}", query.join("&"))
    };
    let mut words = vec!["curl".to_string()];
    if op.method == "put" {
        words.push("-X PUT".into());
    }
    if op.value["security"].as_array().is_some_and(|options| {
        options
            .iter()
            .all(|o| o.as_object().is_some_and(|o| !o.is_empty()))
    }) {
        words.push("-H \"Authorization: Bearer $TOKEN\"".into());
    }
    words.extend(body_words(&op.value["requestBody"]["content"]));
    if op.method == "post" && op.value.get("requestBody").is_none() {
        words.push("-X POST".into());
    }
    words.push(format!("'{url}'"));
    words.join(" ")
}

fn placeholder(name: &str, schema: &Value) -> String {
    if schema["type"] == "integer" {
        "1".to_string()
    } else {
        name.to_uppercase()
    }
}

/// The curl options that send a request body.
fn body_words(content: &Value) -> Vec<String> {
    if let Some(form) = content.get("multipart/form-data") {
        let parts = &form["schema"]["properties"];
        return [
            (
                "metadata",
                "-F 'metadata=@review.json;type=application/json'",
            ),
            ("file", "-F file=@executive-summary.pdf"),
            ("document_type", "-F document_type=executive_summary"),
        ]
        .iter()
        .filter(|(part, _)| parts.get(part).is_some())
        .map(|(_, words)| words.to_string())
        .collect();
    }
    let Some(json) = content.get("application/json") else {
        return Vec::new();
    };
    let data = match json.get("example") {
        Some(example) => format!("-d '{example}'"),
        None => "--data @review.json".to_string(),
    };
    vec!["-H 'Content-Type: application/json'".into(), data]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> String {
        let cx = SpecContext {
            boards: vec!["barsetshire".into()],
            example_review: Some("scr-2009-barsetshire-0001".into()),
            example_finding: Some("scr-2009-barsetshire-0001#L1".into()),
        };
        render(&document(&cx), "http://127.0.0.1:8080").into_string()
    }

    #[test]
    fn every_operation_has_a_section_and_an_example() {
        let html = page();
        for id in [
            "search",
            "getReview",
            "createReview",
            "getRevision",
            "export",
            "stats",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(html.contains("curl 'http://127.0.0.1:8080/api/v1/search?q=neglect'"));
        assert!(html.contains("/api/v1/similar/scr-2009-barsetshire-0001%23L1"));
        assert!(html.contains(
            "curl -H &quot;Authorization: Bearer $TOKEN&quot; -F 'metadata=@review.json;type=application/json' -F file=@executive-summary.pdf"
        ));
    }

    #[test]
    fn types_read_once() {
        let html = page();
        assert!(!html.contains("string string"), "a type said twice");
        assert!(
            html.contains(
                "list of strings: <code>individual</code>, <code>inter_<wbr>agency</code>"
            ),
            "the level filter's values"
        );
        assert!(!html.contains("list of string:") && !html.contains("list of string "));
    }

    #[test]
    fn tables_have_header_cells_and_captions() {
        let html = page();
        assert_eq!(
            html.matches("<table").count(),
            html.matches("<caption>").count()
        );
        assert!(html.contains("<th scope=\"col\">Parameter</th>"));
        assert!(html.contains("href=\"#schema-Review\""));
        assert!(html.contains("id=\"schema-Review\""));
    }
}
