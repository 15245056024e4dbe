//! The OpenAPI 3.0 description of the JSON API (DESIGN §6), served at
//! `GET /api/openapi.json` (`api::docs`) and rendered for people at `/api`
//! (`pages::api_docs`); both build it from a [`SpecContext`] the service fills.
//!
//! The document is built in code from what the handlers themselves check: the
//! vocabularies of `lessons_model::vocab` (enums), the facets, views, sorts and limits of
//! `lessons_index::params` (search parameters), and the boards the service knows (the
//! `board` filter), so that it cannot drift from them. Paths are written in full. Each
//! operation lists every status its handler answers; every error is the JSON error body
//! (`Error`). Request schemas say what the parsers accept (`ReviewInput`: null for an
//! optional field, server-owned fields read for their type only); rules across fields or
//! on stored state (date order, publishing a withdrawn review) are in the descriptions.
//! Answers that carry a review link to its other operations (OpenAPI links, which the
//! stateful phase of schemathesis follows). Tests below hold the schemas to the
//! serialised records and to the parser.
//!
//! `GET /api/v1/export`, `GET /api/v1/codebook` and `GET /api/v1/stats` are described
//! from their contract (DESIGN §6) in [`export_path`], [`codebook_path`] and
//! [`stats_path`].

use lessons_index::params::{MAX_PAGE, MAX_PER_PAGE, YEAR_RANGE};
use lessons_index::{FacetName, Sort, View};
use lessons_model::vocab::Vocabulary;
use serde_json::{json, Map, Value};

mod schemas;

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api/openapi.json";

/// The OpenAPI version the document follows.
pub const OPENAPI_VERSION: &str = "3.0.3";

/// What the document takes from the running service.
#[derive(Debug, Clone, Default)]
pub struct SpecContext {
    /// Board slugs a `board` filter may name.
    pub boards: Vec<String>,
    /// A public review and one of its findings, offered as path examples.
    pub example_review: Option<String>,
    pub example_finding: Option<String>,
}

impl SpecContext {
    /// The boards, and the newest public review and finding (as path examples).
    pub fn new(
        boards: Vec<String>,
        (example_review, example_finding): (Option<String>, Option<String>),
    ) -> SpecContext {
        SpecContext {
            boards,
            example_review,
            example_finding,
        }
    }

    /// A board slug the service knows. With no boards yet, no value is valid (an empty
    /// `enum` is not allowed, so the schema says `not: {}`).
    fn board(&self) -> Value {
        if self.boards.is_empty() {
            json!({ "type": "string", "not": {}, "description": "No boards yet" })
        } else {
            string_enum(&self.boards)
        }
    }
}

/// The whole document.
pub fn document(cx: &SpecContext) -> Value {
    let mut paths = Map::new();
    paths.insert("/api/v1/search".into(), search_path(cx));
    paths.extend(review_paths(cx));
    paths.insert("/api/v1/similar/{id}".into(), similar_path(cx));
    paths.insert("/api/v1/vocabularies".into(), vocabularies_path());
    paths.insert("/api/v1/export".into(), export_path(cx));
    paths.insert("/api/v1/codebook".into(), codebook_path());
    paths.insert("/api/v1/stats".into(), stats_path(cx));
    paths.extend(recurring_paths());
    paths.insert("/feeds/reviews.atom".into(), feed_path(cx));
    paths.insert("/feeds/actions.atom".into(), action_feed_path(cx));
    paths.insert("/healthz".into(), health_path());
    paths.insert("/metrics".into(), metrics_path());
    paths.insert(DOCUMENT_PATH.into(), document_path());
    json!({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Lessons API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The JSON API of Lessons, a national repository of serious case review lessons: search reviews and their findings, read public reviews, cite them, export and count result sets, and (with an API token) deposit, amend, publish and withdraw a board's reviews. Errors are always the JSON `Error` body. Unpublished, embargoed and withdrawn reviews never appear to the public.",
        },
        "tags": [
            { "name": "search", "description": "Searching public reviews and findings" },
            { "name": "research", "description": "Exports and counts for research" },
            { "name": "recurring", "description": "Recurring lessons: the same practice point made by several public reviews" },
            { "name": "reviews", "description": "Reading and citing public reviews" },
            { "name": "deposit", "description": "Depositing and changing a board's reviews (API token needed)" },
            { "name": "service", "description": "Vocabularies, health and this document" },
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A user's API token (`lessons token add EMAIL`, or /my), sent as `Authorization: Bearer <token>`.",
                },
            },
            "schemas": schemas::schemas(cx),
        },
    })
}

// ---------------------------------------------------------------------------------
// Building blocks

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn string_enum<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Value {
    let values: Vec<String> = values.into_iter().map(|v| v.as_ref().to_string()).collect();
    json!({ "type": "string", "enum": values })
}

fn vocabulary(vocabulary: Vocabulary) -> Value {
    string_enum(vocabulary.slugs())
}

fn list_of(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

/// A list of distinct values of `vocabulary` (validation refuses repeats).
fn slug_list(vocabulary: Vocabulary) -> Value {
    json!({ "type": "array", "items": self::vocabulary(vocabulary), "uniqueItems": true })
}

/// `schema`, or null (OpenAPI 3.0.3: an `enum` must then list null too).
fn nullable(mut schema: Value) -> Value {
    schema["nullable"] = json!(true);
    if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
        values.push(Value::Null);
    }
    schema
}

fn described(mut schema: Value, description: &str) -> Value {
    schema["description"] = json!(description);
    schema
}

/// An object schema; `required` may be empty (OpenAPI 3.0 forbids an empty list).
fn object(required: &[&str], properties: Value) -> Value {
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn closed(mut schema: Value) -> Value {
    schema["additionalProperties"] = json!(false);
    schema
}

fn integer(minimum: i64) -> Value {
    json!({ "type": "integer", "minimum": minimum })
}

fn date() -> Value {
    json!({ "type": "string", "format": "date" })
}

fn date_time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

fn text() -> Value {
    json!({ "type": "string" })
}

fn year() -> Value {
    json!({ "type": "integer", "minimum": YEAR_RANGE.start(), "maximum": YEAR_RANGE.end() })
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "description": description, "schema": schema })
}

/// A query parameter that may be given several times (`theme=a&theme=b`).
fn repeatable(name: &str, description: &str, items: Value) -> Value {
    json!({
        "name": name, "in": "query", "description": description,
        "schema": list_of(items), "style": "form", "explode": true,
    })
}

/// A query parameter whose empty value (`name=`) means "not given".
fn empty_allowed(mut parameter: Value) -> Value {
    parameter["allowEmptyValue"] = json!(true);
    parameter
}

fn with_example(mut parameter: Value, example: Value) -> Value {
    parameter["example"] = example;
    parameter
}

fn path_parameter(name: &str, description: &str, schema: Value, example: Option<&str>) -> Value {
    let mut parameter = json!({
        "name": name, "in": "path", "required": true, "description": description, "schema": schema,
    });
    if let Some(example) = example {
        parameter["example"] = json!(example);
    }
    parameter
}

fn review_id(cx: &SpecContext) -> Value {
    path_parameter(
        "id",
        "The review's id, e.g. `scr-2009-barsetshire-0001`.",
        text(),
        cx.example_review.as_deref(),
    )
}

fn position(description: &str) -> Value {
    path_parameter("n", description, integer(1), None)
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

/// A response whose body is text in one of `media_types`.
fn text_response(description: &str, media_types: &[&str]) -> Value {
    let content: Map<String, Value> = media_types
        .iter()
        .map(|m| (m.to_string(), json!({ "schema": text() })))
        .collect();
    json!({ "description": description, "content": content })
}

/// `response` sent as a download (`Content-Disposition: attachment; filename=...`).
fn attachment(mut response: Value) -> Value {
    response["headers"] = json!({
        "Content-Disposition": {
            "description": "`attachment; filename=\"...\"`",
            "required": true,
            "schema": { "type": "string", "pattern": "^attachment" },
        }
    });
    response
}

fn error(description: &str) -> Value {
    json_response(description, schema_ref("Error"))
}

fn bad_parameters() -> Value {
    error("A parameter is unknown or has a bad value (unknown facet value, bad year, page or per_page out of range, unknown parameter); `details` names each one and, for vocabularies, the allowed values")
}

fn not_public() -> Value {
    error("No public review with this id (unpublished, embargoed and withdrawn reviews are not revealed)")
}

fn bad_token() -> Value {
    error("The Authorization header is not `Bearer <token>`, or the token is not valid")
}

fn needs_token() -> Value {
    error("No credentials, or credentials that are not valid")
}

fn not_yours() -> Value {
    error("The caller may not change reviews of this board (or wrote with a session cookie without its X-CSRF-Token header)")
}

fn no_review() -> Value {
    error("No review with this id")
}

/// The refusals of every JSON request body.
fn body_errors() -> Vec<(&'static str, Value)> {
    vec![
        ("400", error("The body is not valid JSON")),
        ("413", error("The body is larger than the limit")),
        (
            "415",
            error("The body is not sent as `Content-Type: application/json`"),
        ),
    ]
}

/// Who may call an operation.
#[derive(Clone, Copy)]
enum Auth {
    /// Anyone; a token (or session) widens what is visible to the caller's board.
    Optional,
    /// A token or a session is needed.
    Required,
}

/// One operation, built up step by step.
struct Operation(Map<String, Value>);

impl Operation {
    fn new(id: &str, tag: &str, summary: &str, description: &str) -> Operation {
        let mut map = Map::new();
        map.insert("operationId".into(), json!(id));
        map.insert("tags".into(), json!([tag]));
        map.insert("summary".into(), json!(summary));
        map.insert("description".into(), json!(description));
        Operation(map)
    }

    fn parameters(mut self, parameters: Vec<Value>) -> Operation {
        self.0.insert("parameters".into(), Value::Array(parameters));
        self
    }

    fn body(mut self, description: &str, content: Value) -> Operation {
        self.0.insert(
            "requestBody".into(),
            json!({ "required": true, "description": description, "content": content }),
        );
        self
    }

    fn auth(mut self, auth: Auth) -> Operation {
        let security = match auth {
            Auth::Optional => json!([{}, { "bearerAuth": [] }]),
            Auth::Required => json!([{ "bearerAuth": [] }]),
        };
        self.0.insert("security".into(), security);
        self
    }

    fn responses(mut self, responses: Vec<(&str, Value)>) -> Value {
        let map: Map<String, Value> = responses
            .into_iter()
            .map(|(status, response)| (status.to_string(), response))
            .collect();
        self.0.insert("responses".into(), Value::Object(map));
        Value::Object(self.0)
    }
}

// ---------------------------------------------------------------------------------
// Search parameters

/// Whether a route pages its results.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Paging {
    Pages,
    Everything,
}

/// The search parameters of DESIGN §5, as every search-like route reads them.
fn search_parameters(cx: &SpecContext, paging: Paging) -> Vec<Value> {
    let mut parameters = vec![
        json!({
            "name": "q", "in": "query", "example": "neglect",
            "description": "What to look for. Plain words are ranked by how many of them match (not AND'd); \"quoted phrases\", +required, -excluded, AND, OR. Acronyms, synonyms and theme names are understood. A malformed query is never an error.",
            "schema": text(),
        }),
        query(
            "view",
            "One hit per review, or one per finding (lesson, recommendation or good practice).",
            described_default(string_enum(View::ALL.map(View::key)), View::default().key()),
        ),
    ];
    parameters.extend(FacetName::ALL.iter().map(|f| facet_parameter(*f, cx)));
    parameters.push(query(
        "year_from",
        "Published in or after this year.",
        year(),
    ));
    parameters.push(query(
        "year_to",
        "Published in or before this year (not before year_from).",
        year(),
    ));
    parameters.push(query(
        "sort",
        "Result order.",
        described_default(string_enum(Sort::ALL.map(Sort::key)), Sort::default().key()),
    ));
    // The parser reads an empty value (`theme=`, as a form may send) as not given.
    let mut parameters: Vec<Value> = parameters.into_iter().map(empty_allowed).collect();
    if paging == Paging::Pages {
        let mut page = integer(1);
        page["maximum"] = json!(MAX_PAGE);
        page["default"] = json!(1);
        parameters.push(query("page", "Page of results, from 1.", page));
        let mut per_page = integer(1);
        per_page["maximum"] = json!(MAX_PER_PAGE);
        per_page["default"] = json!(lessons_index::params::DEFAULT_PER_PAGE);
        parameters.push(query("per_page", "Hits per page.", per_page));
    }
    parameters
}

fn described_default(mut schema: Value, default: &str) -> Value {
    schema["default"] = json!(default);
    schema
}

/// A facet filter: repeatable, its values from the facet's vocabulary (boards: the
/// boards the service knows; years: a year range).
fn facet_parameter(facet: FacetName, cx: &SpecContext) -> Value {
    let items = match (facet, facet.vocabulary()) {
        (_, Some(vocabulary)) => self::vocabulary(vocabulary),
        (FacetName::Year, None) => year(),
        _ => cx.board(),
    };
    let scope = match facet {
        FacetName::Theme | FacetName::Level => " In the reviews view it matches a review that carries the value or has a finding that does; in the lessons view, the finding's own tags only (see review_theme for its review's).",
        FacetName::Agency => " In the reviews view it matches a review that involved the agency or has a finding addressed to it; in the lessons view, the findings addressed to the agency only: a finding has at most one agency, and inter-agency findings have none, so they never match (see review_agency for the findings of reviews that involved it).",
        FacetName::ReviewTheme => " The review's own themes (not its findings'). In the lessons view it matches the findings of reviews tagged with the theme, whatever the finding's own themes; in the reviews view, reviews tagged with it.",
        FacetName::ReviewAgency => " The agencies the review records as involved (not its findings' agencies). In the lessons view it matches every finding of reviews that involved the agency, inter-agency ones included (e.g. `review_agency=health_visiting&level=inter_agency`); in the reviews view, reviews that involved it.",
        FacetName::Year => " The year of publication (of completion when there is no publication date).",
        FacetName::Progress => " A recommendation's follow-through, derived from its actions (DESIGN §10); other findings carry no value. `overdue` is a flag beside the others, decided on the day of the request: an open (planned or in progress) action whose due date has passed; an overdue recommendation also counts under its progress. In the reviews view it matches a review with a recommendation that carries the value.",
        _ => "",
    };
    repeatable(
        facet.key(),
        &format!(
            "Filter: {} (repeatable; values of one facet are OR'd, different facets AND'd).{scope}",
            facet.title()
        ),
        items,
    )
}

// ---------------------------------------------------------------------------------
// Paths

fn search_path(cx: &SpecContext) -> Value {
    json!({ "get": Operation::new(
        "search",
        "search",
        "Search reviews or findings",
        "Public reviews (or their findings) matching a query and filters, a page at a time, with a count for every value of every facet over the whole match set, highlighted snippets, and `did_you_mean` when a word looks misspelt.",
    )
    .parameters(search_parameters(cx, Paging::Pages))
    .responses(vec![
        ("200", json_response("A page of hits with the facets", schema_ref("SearchResults"))),
        ("422", bad_parameters()),
    ]) })
}

/// `/api/v1/reviews` and everything under it.
fn review_paths(cx: &SpecContext) -> Vec<(String, Value)> {
    let id = || review_id(cx);
    vec![
        (
            "/api/v1/reviews".into(),
            json!({ "post": create_operation() }),
        ),
        (
            "/api/v1/reviews/{id}".into(),
            json!({ "get": review_operation(id()), "put": update_operation(id()) }),
        ),
        (
            "/api/v1/reviews/{id}/publish".into(),
            json!({ "post": publish_operation(id()) }),
        ),
        (
            "/api/v1/reviews/{id}/withdraw".into(),
            json!({ "post": withdraw_operation(id()) }),
        ),
        (
            "/api/v1/reviews/{id}/findings/{n}/actions".into(),
            json!({ "post": add_action_operation(id()) }),
        ),
        (
            "/api/v1/reviews/{id}/actions/{action_id}".into(),
            json!({ "patch": change_action_operation(id()) }),
        ),
        (
            "/api/v1/reviews/{id}/revisions".into(),
            json!({ "get": revisions_operation(id()) }),
        ),
        (
            "/api/v1/reviews/{id}/revisions/{n}".into(),
            json!({ "get": revision_operation(id()) }),
        ),
        (
            "/api/v1/reviews/{id}/cite".into(),
            json!({ "get": cite_operation(id()) }),
        ),
        (
            "/api/v1/reviews/{id}/file".into(),
            json!({ "get": file_operation(id(), None) }),
        ),
        (
            "/api/v1/reviews/{id}/files/{n}".into(),
            json!({ "get": file_operation(id(), Some(position("Which upload, from 1."))) }),
        ),
    ]
}

fn review_operation(id: Value) -> Value {
    Operation::new(
        "getReview",
        "reviews",
        "One review",
        "A public review for everyone; any status (draft, embargoed, withdrawn) for its board's users and admins. Answers carry an `ETag`; a GET with `If-None-Match` naming a current copy gets 304.",
    )
    .auth(Auth::Optional)
    .parameters(vec![id])
    .responses(vec![
        ("200", json_response("The review", schema_ref("Review"))),
        ("304", json!({ "description": "The copy the client holds is current (conditional GET)" })),
        ("401", bad_token()),
        ("404", not_public()),
        ("410", error("The review was withdrawn; the message gives the date and the reason")),
    ])
}

fn create_operation() -> Value {
    // The formats an upload may be in (judged by its bytes, not by the part's type).
    let upload_types: Vec<&str> = lessons_ingest::Format::ALL
        .iter()
        .map(|f| f.media_type())
        .collect();
    Operation::new(
        "createReview",
        "deposit",
        "Deposit a new draft",
        "A new draft of the caller's board, from JSON (the review's fields) or from an upload (`multipart/form-data`: a `metadata` JSON part, one or more `file` parts in PDF, DOCX, HTML or text, and optional `document_type` parts in the same order, default `executive_summary`). The summary is filled from the files' text and, when no findings are given, findings are suggested (`\"suggested\": true`). The answer carries `warnings`: likely identifying details and extraction problems. Nothing is stored when anything is refused.",
    )
    .auth(Auth::Required)
    .body(
        "The review, as JSON or with its files",
        json!({
            "application/json": { "schema": schema_ref("ReviewInput") },
            "multipart/form-data": {
                "schema": closed(object(&["metadata", "file"], json!({
                    "metadata": described(schema_ref("ReviewInput"), "The review's fields as JSON"),
                    "file": { "type": "array", "minItems": 1, "items": { "type": "string", "format": "binary" } },
                    "document_type": described(list_of(vocabulary(Vocabulary::DocumentType)), "At most one per file"),
                }))),
                "encoding": {
                    "metadata": { "contentType": "application/json" },
                    "file": { "contentType": upload_types.join(", ") },
                },
            },
        }),
    )
    .responses(vec![
        ("201", created_response()),
        ("400", error("The JSON or the multipart body is malformed")),
        ("401", needs_token()),
        ("403", not_yours()),
        ("409", error("A file was already deposited by this board (the message names the review)")),
        ("413", error("The body or the upload is larger than the limit")),
        ("415", error("The body is neither JSON nor multipart, or a file is not PDF, DOCX, HTML or text (judged by its bytes)")),
        ("422", error("Invalid fields (every one listed in `details`), or a damaged, password-protected or empty file")),
    ])
}

fn created_response() -> Value {
    let mut response = json_response(
        "The new draft, with warnings",
        schema_ref("DepositedReview"),
    );
    response["headers"] = json!({
        "Location": { "description": "`/api/v1/reviews/{id}`", "required": true, "schema": text() }
    });
    with_review_links(response)
}

/// `response` (a review) with OpenAPI links to what can be done with the review next:
/// for clients, and for the stateful phase of schemathesis.
fn with_review_links(mut response: Value) -> Value {
    let by_id = |operation: &str| json!({ "operationId": operation, "parameters": { "id": "$response.body#/id" } });
    response["links"] = json!({
        "GetReview": by_id("getReview"),
        "UpdateReview": by_id("updateReview"),
        "PublishReview": by_id("publishReview"),
        "WithdrawReview": by_id("withdrawReview"),
        "ListRevisions": by_id("listRevisions"),
        "GetRevision": { "operationId": "getRevision", "parameters": { "id": "$response.body#/id", "n": "$response.body#/revision" } },
        "CiteReview": by_id("citeReview"),
        "GetFirstFile": by_id("getFirstFile"),
        "GetFile": { "operationId": "getFile", "parameters": { "id": "$response.body#/id", "n": 1 } },
    });
    response
}

fn update_operation(id: Value) -> Value {
    let mut responses = vec![
        ("200", with_review_links(json_response("The review as stored (a new revision)", schema_ref("Review")))),
        ("401", needs_token()),
        ("403", not_yours()),
        ("404", no_review()),
        ("422", error("Invalid fields, every one listed in `details` (a published review may not gain suggested findings)")),
    ];
    responses.extend(body_errors());
    Operation::new(
        "updateReview",
        "deposit",
        "Replace a review's metadata and findings",
        "A new revision with these fields; status, embargo, withdrawal and files stay as they are. The JSON that GET returns can be sent back unchanged.",
    )
    .auth(Auth::Required)
    .parameters(vec![id])
    .body("The review", json!({ "application/json": { "schema": schema_ref("ReviewInput") } }))
    .responses(responses)
}

fn publish_operation(id: Value) -> Value {
    let mut responses = vec![
        ("200", with_review_links(json_response("The published review", schema_ref("Review")))),
        ("401", needs_token()),
        ("403", not_yours()),
        ("404", no_review()),
        ("422", error("`anonymisation_checked` is not true, a finding is still suggested, the embargo or publication date is bad, a file in `public_files` does not exist or is not also in `anonymised_files`, or the review was withdrawn")),
    ];
    responses.extend(body_errors());
    Operation::new(
        "publishReview",
        "deposit",
        "Publish a review, now or under embargo",
        "Refused until every suggested finding is confirmed and the anonymisation check is confirmed. With `embargo_until` the review becomes public by itself on that day. `published_on` sets the publication date (else a date already set is kept, else today or the embargo's end). Original files stay private unless listed in `public_files` (numbers from 1) and confirmed anonymised in `anonymised_files`; exactly the files listed are public afterwards.",
    )
    .auth(Auth::Required)
    .parameters(vec![id])
    .body(
        "The confirmation",
        json!({ "application/json": {
            "schema": schema_ref("PublishRequest"),
            "example": { "anonymisation_checked": true, "embargo_until": "2027-03-01", "published_on": "2027-03-01", "public_files": [2], "anonymised_files": [2] },
        } }),
    )
    .responses(responses)
}

fn add_action_operation(id: Value) -> Value {
    let mut responses = vec![
        ("201", json_response("The action as stored, with its id (a new revision of the review)", schema_ref("Action"))),
        ("401", needs_token()),
        ("403", not_yours()),
        ("404", error("No such review for this caller, or it has no finding `n`")),
        ("422", error("Invalid fields, every one listed in `details`; the finding is not a recommendation; or the review was withdrawn")),
    ];
    responses.extend(body_errors());
    Operation::new(
        "addAction",
        "deposit",
        "Add an action to a recommendation",
        "Adds an action to the action plan of finding `n` (from 1), which must be a recommendation, on a draft or a published review (progress is reported after publication; the review's text does not change). Board depositors and admins only.",
    )
    .auth(Auth::Required)
    .parameters(vec![id, position("Which finding, from 1 (a recommendation).")])
    .body(
        "The action",
        json!({ "application/json": {
            "schema": schema_ref("NewAction"),
            "example": { "text": "Audit the bruising protocol in every GP practice.", "owner": "general_practice", "due": "2027-03-31", "status": "planned" },
        } }),
    )
    .responses(responses)
}

fn change_action_operation(id: Value) -> Value {
    let mut responses = vec![
        ("200", json_response("The action as stored (a new revision of the review)", schema_ref("Action"))),
        ("401", needs_token()),
        ("403", not_yours()),
        ("404", error("No such review for this caller, or it has no such action")),
        ("422", error("Invalid fields, every one listed in `details`; nothing to change; or the review was withdrawn")),
    ];
    responses.extend(body_errors());
    Operation::new(
        "changeAction",
        "deposit",
        "Report progress on an action",
        "Changes the status, evidence, due date, text or owner of one action, on a draft or a published review. Board depositors and admins only.",
    )
    .auth(Auth::Required)
    .parameters(vec![
        id,
        path_parameter("action_id", "The action's id, `A<n>`.", json!({ "type": "string", "pattern": "^A[1-9][0-9]*$" }), Some("A1")),
    ])
    .body(
        "The fields to change",
        json!({ "application/json": {
            "schema": schema_ref("ActionChanges"),
            "example": { "status": "completed", "evidence": "Audit of 12 practices, March 2027: all use the protocol." },
        } }),
    )
    .responses(responses)
}

fn withdraw_operation(id: Value) -> Value {
    let mut responses = vec![
        (
            "200",
            with_review_links(json_response("The withdrawn review", schema_ref("Review"))),
        ),
        ("401", needs_token()),
        ("403", not_yours()),
        ("404", no_review()),
        (
            "422",
            error("No reason, a reason over 2000 characters, or the review is not published"),
        ),
    ];
    responses.extend(body_errors());
    Operation::new(
        "withdrawReview",
        "deposit",
        "Withdraw a published review",
        "Hides the review from the public (its URL then answers 410 with the reason); it is kept, with every revision.",
    )
    .auth(Auth::Required)
    .parameters(vec![id])
    .body(
        "Why",
        json!({ "application/json": {
            "schema": schema_ref("WithdrawRequest"),
            "example": { "reason": "Published in error" },
        } }),
    )
    .responses(responses)
}

fn revisions_operation(id: Value) -> Value {
    Operation::new(
        "listRevisions",
        "deposit",
        "A review's revisions",
        "Every revision, oldest first (the review's board and admins).",
    )
    .auth(Auth::Required)
    .parameters(vec![id])
    .responses(vec![
        (
            "200",
            json_response("The revisions", list_of(schema_ref("RevisionInfo"))),
        ),
        ("401", needs_token()),
        ("403", not_yours()),
        ("404", no_review()),
    ])
}

fn revision_operation(id: Value) -> Value {
    Operation::new(
        "getRevision",
        "deposit",
        "A review as it was at one revision",
        "The review's board and admins only.",
    )
    .auth(Auth::Required)
    .parameters(vec![id, position("The revision number, from 1.")])
    .responses(vec![
        (
            "200",
            json_response("The review at that revision", schema_ref("Review")),
        ),
        ("401", needs_token()),
        ("403", not_yours()),
        ("404", error("No review with this id, or no such revision")),
    ])
}

fn cite_operation(id: Value) -> Value {
    Operation::new(
        "citeReview",
        "reviews",
        "Cite a review (RIS or BibTeX)",
        "A reference-manager record for a public review, as a download. Credentials do not widen what can be cited.",
    )
    .parameters(vec![
        id,
        with_example(
            query("format", "The record's format.", described_default(string_enum(["ris", "bibtex"]), "ris")),
            json!("bibtex"),
        ),
    ])
    .responses(vec![
        (
            "200",
            attachment(text_response(
                "One RIS record (TY RPRT) or one BibTeX @techreport entry",
                &["application/x-research-info-systems", "application/x-bibtex"],
            )),
        ),
        ("404", not_public()),
        ("422", error("An unknown format, or a parameter other than format")),
    ])
}

fn file_operation(id: Value, n: Option<Value>) -> Value {
    let (operation_id, summary) = match n {
        None => ("getFirstFile", "A review's first original file"),
        Some(_) => ("getFile", "One of a review's original files"),
    };
    let mut parameters = vec![id];
    parameters.extend(n);
    let media_types: Vec<&str> = lessons_ingest::Format::ALL
        .iter()
        .map(|f| f.media_type())
        .collect();
    let mut download = Map::new();
    for media_type in media_types {
        download.insert(
            media_type.into(),
            json!({ "schema": { "type": "string", "format": "binary" } }),
        );
    }
    Operation::new(
        operation_id,
        "reviews",
        summary,
        "The upload byte for byte, as a download, with the media type found from its content. Files are private by default: the review's board and admins get every file of any status; anyone else gets only a file the depositor marked public (`public_files` at publication) of a review that is public, and 404 for any other, exactly as for a missing file. Files keep their number (`number`) in the full list.",
    )
    .auth(Auth::Optional)
    .parameters(parameters)
    .responses(vec![
        (
            "200",
            attachment(json!({ "description": "The file", "content": download })),
        ),
        ("401", bad_token()),
        ("404", error("No review visible to the caller with this id, no such file, or a private file (to anyone but the board and admins)")),
    ])
}

fn similar_path(cx: &SpecContext) -> Value {
    let example = cx
        .example_finding
        .as_deref()
        .or(cx.example_review.as_deref());
    json!({ "get": Operation::new(
        "similar",
        "search",
        "Reviews or findings like this one",
        "For a review id, the public reviews most like it; for a finding id (`<review id>#L<n>`, with `#` sent as `%23`), the public findings of other reviews most like it. Best first.",
    )
    .parameters(vec![path_parameter("id", "A public review id or finding id.", text(), example)])
    .responses(vec![
        ("200", json_response("The most similar, best first", schema_ref("Similar"))),
        ("404", error("No public review or finding with this id")),
    ]) })
}

fn vocabularies_path() -> Value {
    json!({ "get": Operation::new(
        "vocabularies",
        "service",
        "The controlled vocabularies",
        "Every slug a field or filter may take, with its label (themes with their group and search synonyms), and the boards with their names and regions.",
    )
    .responses(vec![("200", json_response("Every vocabulary", schema_ref("Vocabularies")))]) })
}

fn feed_path(cx: &SpecContext) -> Value {
    json!({ "get": Operation::new(
        "feed",
        "search",
        "Atom feed of a search",
        "The newest public reviews matching a search (reviews view; relevance order becomes newest first), for alerts.",
    )
    .parameters(search_parameters(cx, Paging::Pages))
    .responses(vec![
        ("200", text_response("An Atom 1.0 feed", &["application/atom+xml"])),
        ("422", bad_parameters()),
    ]) })
}

/// `GET /feeds/actions.atom` (DESIGN §10): a board's reminders.
fn action_feed_path(cx: &SpecContext) -> Value {
    let board = json!({
        "name": "board", "in": "query", "required": true,
        "description": "The board whose actions to follow (its slug).",
        "schema": cx.board(),
    });
    let token = query(
        "token",
        "One of the board's API tokens, for feed readers that cannot send an Authorization header (prefer the header: a URL is easily logged or shared).",
        text(),
    );
    json!({ "get": Operation::new(
        "actionFeed",
        "deposit",
        "Atom feed of a board's overdue and due-soon actions",
        "The board's open (planned or in progress) actions that are overdue or fall due within 30 days, earliest due first, drafts' and embargoed reviews' included (not withdrawn ones'); overdue is worked out on the day of the request. For the board's own users and admins (a session, a bearer token, or `token`).",
    )
    .auth(Auth::Required)
    .parameters(vec![board, token])
    .responses(vec![
        ("200", text_response("An Atom 1.0 feed", &["application/atom+xml"])),
        ("401", needs_token()),
        ("403", error("The caller is not one of the board's users")),
        ("404", error("No such board")),
        ("422", error("No board, a parameter given twice, or an unknown parameter")),
    ]) })
}

fn health_path() -> Value {
    json!({ "get": Operation::new(
        "health",
        "service",
        "Health check",
        "Answers once the search index has caught up with the store.",
    )
    .responses(vec![("200", json_response("Healthy", schema_ref("Health")))]) })
}

fn metrics_path() -> Value {
    json!({ "get": Operation::new(
        "metrics",
        "service",
        "Metrics (Prometheus)",
        "Requests by matched route and status, latency, search and index timings, data size and the number of public reviews, in the OpenMetrics text format that Prometheus scrapes. For admins (an admin's API token), or for anyone when the server runs with `--public-metrics`.",
    )
    .auth(Auth::Optional)
    .responses(vec![
        ("200", text_response("The metrics", &["application/openmetrics-text"])),
        ("401", needs_token()),
        ("403", error("The caller is not an admin (and the metrics are not public)")),
    ]) })
}

fn document_path() -> Value {
    json!({ "get": Operation::new(
        "openapi",
        "service",
        "This document",
        "The OpenAPI description of the API; readable at /api.",
    )
    .responses(vec![(
        "200",
        json_response("The OpenAPI document", json!({ "type": "object", "required": ["openapi", "paths"] })),
    )]) })
}

/// `GET /api/v1/export` (DESIGN §6): every match of a search in one file.
pub fn export_path(cx: &SpecContext) -> Value {
    let mut parameters = search_parameters(cx, Paging::Everything);
    // An export has a third view: one row per action (DESIGN §10).
    for parameter in parameters.iter_mut().filter(|p| p["name"] == "view") {
        parameter["description"] = json!("One row per review, one per finding, or (actions) one per action of a recommendation's plan among the lessons view's matches.");
        parameter["schema"]["enum"] =
            json!(lessons_index::export::ExportView::ALL.map(|v| v.key()));
    }
    let format = query(
        "format",
        "The file format (empty: csv).",
        described_default(string_enum(EXPORT_FORMATS), "csv"),
    );
    parameters.push(with_example(empty_allowed(format), json!("csv")));
    parameters.push(empty_allowed(query(
        "bom",
        "1: start a CSV file with a UTF-8 byte-order mark (for spreadsheet programs). Applies to CSV only: accepted and ignored with the other formats. Empty: 0.",
        described_default(string_enum(["0", "1"]), "0"),
    )));
    let mut content = Map::new();
    for (media_type, schema) in [
        ("text/csv", text()),
        ("application/json", schema_ref("Export")),
        ("application/x-ndjson", text()),
        ("application/x-research-info-systems", text()),
        ("application/x-bibtex", text()),
    ] {
        content.insert(media_type.into(), json!({ "schema": schema }));
    }
    json!({ "get": Operation::new(
        "export",
        "research",
        "Export every match",
        "Every public match of a search, streamed, no paging: CSV (a header row, one row per hit, lists joined with \"; \"), JSON with provenance, NDJSON (one hit per line), RIS or BibTeX (one record per review). With view=actions, one row per action of the matching recommendations (public reviews only; the other parameters are the lessons view's). Columns are described by /api/v1/codebook.",
    )
    .parameters(parameters)
    .responses(vec![
        ("200", attachment(json!({ "description": "The export", "content": content }))),
        ("422", error("A bad search parameter, an unknown format, bom other than 0 or 1, or page or per_page (an export has every match)")),
    ]) })
}

// ---------------------------------------------------------------------------------
// Recurring lessons (DESIGN §9)

/// The filters of `/api/v1/recurring` and its export (`service::recurring`).
fn recurring_parameters(paging: Paging) -> Vec<Value> {
    use crate::service::recurring::{RecurringSort, DEFAULT_MIN_REVIEWS, FILTERS, MAX_MIN_REVIEWS};
    let mut parameters = vec![query(
        "q",
        "Words the members' text must contain (as search reads them: stems, synonyms, acronyms); every word must occur in some member.",
        text(),
    )];
    for (name, vocabulary) in FILTERS {
        parameters.push(repeatable(
            name,
            &format!(
                "Filter (repeatable, values OR'd): a recurring lesson is listed when one of its member findings matches every filter given ({name} of the finding{}).",
                if name == "region" { "'s board" } else { "" }
            ),
            self::vocabulary(vocabulary),
        ));
    }
    parameters.push(query(
        "year_from",
        "A member's review is from this year or later.",
        year(),
    ));
    parameters.push(query(
        "year_to",
        "A member's review is from this year or earlier.",
        year(),
    ));
    let mut min_reviews = integer(1);
    min_reviews["maximum"] = json!(MAX_MIN_REVIEWS);
    min_reviews["default"] = json!(DEFAULT_MIN_REVIEWS);
    parameters.push(query(
        "min_reviews",
        "Only recurring lessons made by at least this many distinct reviews.",
        min_reviews,
    ));
    parameters.push(query(
        "sort",
        "`reviews`: most reviews first; `recent`: latest year first; `rising`: reviews in the last three years of the data (the latest year of any public finding and the two before) minus reviews in the three years before those, highest first. Ties: more reviews, then id.",
        described_default(string_enum(RecurringSort::ALL.map(RecurringSort::key)), "reviews"),
    ));
    let mut parameters: Vec<Value> = parameters.into_iter().map(empty_allowed).collect();
    if paging == Paging::Pages {
        let mut page = integer(1);
        page["maximum"] = json!(MAX_PAGE);
        page["default"] = json!(1);
        parameters.push(query("page", "Page of results, from 1.", page));
        let mut per_page = integer(1);
        per_page["maximum"] = json!(MAX_PER_PAGE);
        per_page["default"] = json!(lessons_index::params::DEFAULT_PER_PAGE);
        parameters.push(query("per_page", "Recurring lessons per page.", per_page));
    }
    parameters
}

/// `/api/v1/recurring`, `/api/v1/recurring/{id}` and `/api/v1/recurring/export`.
fn recurring_paths() -> Vec<(String, Value)> {
    use crate::formats::recurring::{What, FORMATS};
    let list = json!({ "get": Operation::new(
        "listRecurring",
        "recurring",
        "Recurring lessons",
        "Groups of public findings from at least two different public reviews that make the same practice point, ranked, filtered and paged. Derived from public findings only: drafts, embargoed and withdrawn reviews never count.",
    )
    .parameters(recurring_parameters(Paging::Pages))
    .responses(vec![
        ("200", json_response("A page of recurring lessons", schema_ref("RecurringPage"))),
        ("422", error("A parameter is unknown or has a bad value; `details` names each one and, for vocabularies and sort, the allowed values")),
    ]) });
    let id = path_parameter(
        "id",
        "The recurring lesson's id, `rl-N`.",
        json!({ "type": "string", "pattern": "^rl-[0-9]+$" }),
        None,
    );
    let one = json!({ "get": Operation::new(
        "getRecurring",
        "recurring",
        "One recurring lesson",
        "A recurring lesson with every member finding, oldest first. An id that no longer exists (its findings were regrouped or withdrawn) answers 410 with `successor`: the recurring lesson that carries most of its findings on, or null.",
    )
    .parameters(vec![id])
    .responses(vec![
        ("200", json_response("The recurring lesson and its members", schema_ref("RecurringLesson"))),
        ("404", error("No recurring lesson ever had this id")),
        ("410", json_response("The recurring lesson no longer exists", schema_ref("RecurringGone"))),
    ]) });
    let mut parameters = recurring_parameters(Paging::Everything);
    parameters.push(repeatable(
        "id",
        "Only these recurring lessons (repeatable, `rl-N`); with the other filters, a recurring lesson must match both.",
        json!({ "type": "string", "pattern": "^rl-[0-9]+$" }),
    ));
    parameters.push(with_example(
        empty_allowed(query(
            "format",
            "The file format (empty: csv).",
            described_default(string_enum(FORMATS), "csv"),
        )),
        json!("csv"),
    ));
    parameters.push(empty_allowed(query(
        "what",
        "`lessons`: one row per recurring lesson; `members`: one row per member finding (empty: lessons).",
        described_default(string_enum(What::ALL.map(What::key)), "lessons"),
    )));
    parameters.push(empty_allowed(query(
        "bom",
        "1: start a CSV file with a UTF-8 byte-order mark. Applies to CSV only. Empty: 0.",
        described_default(string_enum(["0", "1"]), "0"),
    )));
    let mut content = Map::new();
    for (media_type, schema) in [
        ("text/csv", text()),
        ("application/json", schema_ref("RecurringExport")),
        ("application/x-ndjson", text()),
    ] {
        content.insert(media_type.into(), json!({ "schema": schema }));
    }
    let export = json!({ "get": Operation::new(
        "exportRecurring",
        "recurring",
        "Export recurring lessons",
        "Every recurring lesson matching the filters (or every member finding of them), no paging: CSV (a header row, lists joined with \"; \"), JSON with provenance, or NDJSON. Columns are described by /api/v1/codebook (`recurring`).",
    )
    .parameters(parameters)
    .responses(vec![
        ("200", attachment(json!({ "description": "The export", "content": content }))),
        ("422", error("A bad filter, an unknown format or what, bom other than 0 or 1, or page or per_page (an export has every match)")),
    ]) });
    vec![
        ("/api/v1/recurring".into(), list),
        ("/api/v1/recurring/export".into(), export),
        ("/api/v1/recurring/{id}".into(), one),
    ]
}

/// The formats of an export.
const EXPORT_FORMATS: [&str; 5] = ["csv", "json", "ndjson", "ris", "bibtex"];

/// `GET /api/v1/codebook` (DESIGN §6): every export column.
pub fn codebook_path() -> Value {
    json!({ "get": Operation::new(
        "codebook",
        "research",
        "The export codebook",
        "Every column of an export in each view: name, type, description and, for vocabulary columns, the values with their labels. Takes no parameters.",
    )
    .responses(vec![
        ("200", json_response("The codebook", schema_ref("Codebook"))),
        ("422", error("A parameter was given (there are none)")),
    ]) })
}

/// `GET /api/v1/stats` (DESIGN §6): a cross-tabulation of two facets over a search.
pub fn stats_path(cx: &SpecContext) -> Value {
    let facet_names = string_enum(FacetName::ALL.map(FacetName::key));
    let mut parameters = vec![
        json!({ "name": "rows", "in": "query", "required": true, "description": "The facet whose values are the rows.", "schema": facet_names, "example": "theme" }),
        json!({ "name": "cols", "in": "query", "required": true, "description": "The facet whose values are the columns.", "schema": facet_names, "example": "year" }),
    ];
    parameters.extend(search_parameters(cx, Paging::Everything));
    parameters.push(empty_allowed(query(
        "format",
        "JSON, or CSV as a wide table (first column the row value, one column per column value, counts only). Empty: json.",
        described_default(string_enum(["json", "csv"]), "json"),
    )));
    json!({ "get": Operation::new(
        "stats",
        "research",
        "Count matches by two facets",
        "How many public matches of a search carry each pair of values of two facets, with row and column totals.",
    )
    .parameters(parameters)
    .responses(vec![
        (
            "200",
            json!({ "description": "The table", "content": {
                "application/json": { "schema": schema_ref("Stats") },
                "text/csv": { "schema": text() },
            } }),
        ),
        ("422", bad_parameters()),
    ]) })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use lessons_index::Hit;
    use lessons_model::review::REVIEW_FIELDS;
    use lessons_model::Review;

    use super::*;

    fn spec() -> Value {
        document(&SpecContext {
            boards: vec!["barsetshire".into(), "wessex".into()],
            example_review: Some("scr-2009-barsetshire-0001".into()),
            example_finding: Some("scr-2009-barsetshire-0001#L1".into()),
        })
    }

    fn keys(value: &Value) -> BTreeSet<String> {
        value
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn strings(value: &Value) -> BTreeSet<String> {
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// Every `$ref` in `value`.
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    out.push(target.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves_and_every_schema_is_used() {
        let spec = spec();
        let mut found = Vec::new();
        refs(&spec, &mut found);
        let schemas = keys(&spec["components"]["schemas"]);
        let used: BTreeSet<String> = found
            .iter()
            .map(|r| r.trim_start_matches("#/components/schemas/").to_string())
            .collect();
        assert_eq!(used, schemas);
    }

    #[test]
    fn every_operation_documents_its_answers() {
        let spec = spec();
        let mut ids = BTreeSet::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            assert!(path.starts_with('/'), "{path}");
            for (method, operation) in item.as_object().unwrap() {
                let id = operation["operationId"].as_str().unwrap();
                assert!(ids.insert(id.to_string()), "operationId {id} twice");
                assert!(!keys(&operation["responses"]).is_empty(), "{method} {path}");
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    if parameter["in"] == "path" {
                        let name = parameter["name"].as_str().unwrap();
                        assert!(path.contains(&format!("{{{name}}}")), "{path} {name}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_link_names_an_operation_and_its_parameters() {
        let spec = spec();
        let mut operations = std::collections::BTreeMap::new();
        for item in spec["paths"].as_object().unwrap().values() {
            for operation in item.as_object().unwrap().values() {
                let names: BTreeSet<String> = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| p["name"].as_str().unwrap().to_string())
                    .collect();
                operations.insert(
                    operation["operationId"].as_str().unwrap().to_string(),
                    names,
                );
            }
        }
        let mut links = 0;
        for item in spec["paths"].as_object().unwrap().values() {
            for operation in item.as_object().unwrap().values() {
                for response in operation["responses"].as_object().unwrap().values() {
                    for link in response["links"]
                        .as_object()
                        .into_iter()
                        .flat_map(|l| l.values())
                    {
                        let target = &operations[link["operationId"].as_str().unwrap()];
                        assert!(keys(&link["parameters"]).is_subset(target), "{link}");
                        links += 1;
                    }
                }
            }
        }
        assert!(
            links >= 8,
            "the deposit operations link to the review's operations"
        );
    }

    #[test]
    fn the_review_schema_has_every_field_and_requires_the_ones_always_sent() {
        let spec = spec();
        let review = &spec["components"]["schemas"]["Review"];
        let fields: BTreeSet<String> = REVIEW_FIELDS.iter().map(|f| f.to_string()).collect();
        assert_eq!(keys(&review["properties"]), fields);
        let always_sent = keys(&serde_json::to_value(Review::default()).unwrap());
        assert_eq!(strings(&review["required"]), always_sent);
    }

    /// A deposit may send null for exactly the fields ReviewInput calls nullable.
    #[test]
    fn review_input_says_which_fields_may_be_null() {
        let spec = spec();
        let input = &spec["components"]["schemas"]["ReviewInput"]["properties"];
        for (field, schema) in input.as_object().unwrap() {
            let mut review = json!({ "title": "A", "board": "barsetshire", "incident": "death" });
            review[field] = Value::Null;
            let accepted = crate::service::input::review_from_value(review).is_ok();
            assert_eq!(accepted, schema["nullable"] == true, "{field}");
        }
    }

    #[test]
    fn the_hit_schema_matches_a_hit_with_and_without_its_optional_fields() {
        let mut hit = Hit {
            display: lessons_index::Display {
                id: "a#L1".into(),
                ..Default::default()
            },
            snippet: String::new(),
            score: 0.0,
            related: false,
        };
        let spec = spec();
        let schema = &spec["components"]["schemas"]["Hit"];
        assert_eq!(
            keys(&serde_json::to_value(&hit).unwrap()),
            strings(&schema["required"])
        );
        hit.display.review_id = Some("a".into());
        hit.display.review_themes = Some(Vec::new());
        hit.display.review_agencies = Some(Vec::new());
        hit.display.kind = Some("lesson".into());
        hit.display.level = Some("individual".into());
        hit.display.agency = Some("police".into());
        hit.display.actions = Some(Vec::new());
        hit.display.progress = Some("no_plan".into());
        hit.display.overdue = Some(false);
        hit.related = true;
        // `recurring` is added by the API to lessons-view hits (the index knows no groups).
        let mut documented = keys(&schema["properties"]);
        assert!(documented.remove("recurring"));
        assert_eq!(keys(&serde_json::to_value(&hit).unwrap()), documented);
    }

    #[test]
    fn search_parameters_are_the_ones_the_parser_knows() {
        let spec = spec();
        let documented: BTreeSet<String> = spec["paths"]["/api/v1/search"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        let Err(errors) =
            lessons_index::SearchRequest::from_pairs([("no_such_parameter", "1")], &[])
        else {
            panic!("an unknown parameter is refused");
        };
        let known: BTreeSet<String> = errors.0[0]
            .allowed
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        assert_eq!(documented, known);
    }

    #[test]
    fn filters_take_their_values_from_the_vocabularies_and_boards() {
        let spec = spec();
        let parameters = spec["paths"]["/api/v1/search"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .clone();
        let items = |name: &str| {
            parameters
                .iter()
                .find(|p| p["name"] == name)
                .map(|p| p["schema"]["items"].clone())
                .unwrap()
        };
        assert_eq!(strings(&items("theme")["enum"]).len(), 40);
        assert_eq!(
            strings(&items("board")["enum"]),
            ["barsetshire", "wessex"].map(String::from).into()
        );
        assert_eq!(items("year")["minimum"], 1900);
        let no_boards = document(&SpecContext::default());
        let board = &no_boards["paths"]["/api/v1/search"]["get"]["parameters"]
            .as_array()
            .and_then(|all| all.iter().find(|p| p["name"] == "board"))
            .map(|p| p["schema"]["items"].clone())
            .unwrap();
        assert_eq!(
            board["not"],
            json!({}),
            "no board is valid before boards exist"
        );
        assert!(strings(&items("timeliness")["enum"]).contains("over_6_months"));
    }

    #[test]
    fn the_paths_for_exports_codebook_and_stats_are_described() {
        let spec = spec();
        let export = &spec["paths"]["/api/v1/export"]["get"];
        let names: BTreeSet<String> = export["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        assert!(names.contains("format") && names.contains("bom") && names.contains("theme"));
        assert!(!names.contains("page") && !names.contains("per_page"));
        assert_eq!(
            keys(&export["responses"]["200"]["content"]).len(),
            EXPORT_FORMATS.len()
        );
        assert!(spec["paths"]["/api/v1/codebook"]["get"]["parameters"].is_null());
        let stats = &spec["paths"]["/api/v1/stats"]["get"]["parameters"][0];
        assert_eq!(
            (&stats["name"], &stats["required"]),
            (&json!("rows"), &json!(true))
        );
    }
}
