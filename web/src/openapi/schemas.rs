//! The schemas of the OpenAPI document (`components/schemas`): the error body, the
//! review and its parts as GET returns them and as a deposit sends them, search results
//! and hits, the vocabularies, and the export, codebook and stats answers.

use lessons_index::params::MAX_PER_PAGE;
use lessons_index::{FacetName, View};
use lessons_model::vocab::Vocabulary;
use serde_json::{json, Map, Value};

use super::{
    closed, date, date_time, described, integer, list_of, nullable, object, schema_ref, slug_list,
    string_enum, text, vocabulary, SpecContext,
};

/// Every schema the paths refer to.
pub(super) fn schemas(cx: &SpecContext) -> Value {
    let mut schemas = Map::new();
    schemas.extend(error_schemas());
    schemas.extend(review_schemas(cx));
    schemas.extend(search_schemas(cx));
    schemas.extend(vocabulary_schemas());
    schemas.extend(export_schemas());
    schemas.insert("Stats".into(), stats_schema());
    schemas.extend(recurring_schemas());
    Value::Object(schemas)
}

fn error_schemas() -> Map<String, Value> {
    let mut schemas = Map::new();
    schemas.insert(
        "Error".into(),
        object(
            &["error"],
            json!({ "error": object(&["code", "message"], json!({
                "code": described(text(), "A stable code, e.g. `validation_failed`, `not_found`, `unauthorized`"),
                "message": text(),
                "details": list_of(schema_ref("FieldError")),
            })) }),
        ),
    );
    schemas.insert(
        "FieldError".into(),
        object(
            &["field", "message"],
            json!({
                "field": described(text(), "The parameter or field path, e.g. `theme` or `lessons[2].agency`"),
                "message": text(),
                "allowed": described(list_of(text()), "The values the field may take"),
            }),
        ),
    );
    schemas
}

/// Pattern of a board slug (`lessons_model::validate::is_board_slug`).
const BOARD_SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// Every field of a review (`lessons_model::REVIEW_FIELDS`) with its schema.
fn review_properties() -> Map<String, Value> {
    use lessons_model::validate::{MAX_LESSONS, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS};
    use lessons_model::Status;
    let statuses = [Status::Draft, Status::Published, Status::Withdrawn].map(Status::as_str);
    let properties = json!({
        "id": described(text(), "Stable, citable, never reused; assigned by the server"),
        "title": { "type": "string", "minLength": 1, "maxLength": MAX_TITLE_CHARS },
        "pseudonyms": list_of(text()),
        "board": { "type": "string", "pattern": BOARD_SLUG_PATTERN, "maxLength": 64 },
        "region": described(vocabulary(Vocabulary::Region), "Derived from the board"),
        "review_type": vocabulary(Vocabulary::ReviewType),
        "methodology": vocabulary(Vocabulary::Methodology),
        "incident": vocabulary(Vocabulary::Incident),
        "abuse": slug_list(Vocabulary::Abuse),
        "source_of_harm": slug_list(Vocabulary::SourceOfHarm),
        "child": schema_ref("Child"),
        "children": list_of(schema_ref("Child")),
        "incident_date": described(incident_date(), "YYYY-MM-DD or YYYY-MM"),
        "commissioned_on": date(),
        "completed_on": date(),
        "published_on": date(),
        "duration_months": described(integer(0), "Derived: whole months from commissioning to completion"),
        "over_six_months": described(json!({ "type": "boolean" }), "Derived: whether the review took longer than six months"),
        "parallel_processes": slug_list(Vocabulary::ParallelProcess),
        "ofsted_grade": vocabulary(Vocabulary::OfstedGrade),
        "themes": slug_list(Vocabulary::Theme),
        "agencies": slug_list(Vocabulary::Agency),
        "keywords": list_of(text()),
        "summary": { "type": "string", "maxLength": MAX_SUMMARY_CHARS },
        "lessons": { "type": "array", "items": schema_ref("Lesson"), "maxItems": MAX_LESSONS },
        "files": list_of(schema_ref("FileRef")),
        "status": string_enum(statuses),
        "embargo_until": date(),
        "withdrawn_on": date(),
        "withdrawal_reason": text(),
        "revision": integer(1),
        "created_at": date_time(),
        "updated_at": date_time(),
    });
    match properties {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A date, or a month (`YYYY-MM`).
fn incident_date() -> Value {
    json!({ "type": "string", "anyOf": [date(), { "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$" }] })
}

/// Text with at least one character that is not white space.
const NOT_BLANK: &str = "\\S";

/// The fields of a review as a deposit is read (`ReviewInput`): optional fields may be
/// null (read as absent); server-owned and derived fields are read for their JSON type
/// only, then ignored.
fn input_properties(cx: &SpecContext) -> Map<String, Value> {
    use lessons_model::validate::{MAX_LESSONS, MAX_TITLE_CHARS};
    let mut properties = review_properties();
    let count = |maximum: u64| json!({ "type": "integer", "minimum": 0, "maximum": maximum });
    let ignored = |schema: Value| described(schema, "Server-owned or derived: ignored");
    let file = object(
        &["document_type", "filename", "media_type", "size", "sha256"],
        json!({
            "number": count(u64::MAX),
            "document_type": text(), "filename": text(), "media_type": text(),
            "size": count(u64::MAX), "sha256": text(), "public": { "type": "boolean" },
        }),
    );
    let changed = [
        (
            "title",
            json!({ "type": "string", "minLength": 1, "maxLength": MAX_TITLE_CHARS, "pattern": NOT_BLANK }),
        ),
        ("board", described(cx.board(), "A board the service knows")),
        ("child", schema_ref("ChildInput")),
        ("children", list_of(schema_ref("ChildInput"))),
        (
            "lessons",
            json!({ "type": "array", "items": schema_ref("LessonInput"), "maxItems": MAX_LESSONS }),
        ),
        ("id", ignored(text())),
        ("region", ignored(nullable(text()))),
        ("duration_months", ignored(nullable(count(u32::MAX.into())))),
        (
            "over_six_months",
            ignored(nullable(json!({ "type": "boolean" }))),
        ),
        ("revision", ignored(count(u32::MAX.into()))),
        ("files", ignored(list_of(file))),
        ("status", ignored(properties["status"].clone())),
        ("embargo_until", ignored(nullable(text()))),
        ("withdrawn_on", ignored(nullable(text()))),
        ("withdrawal_reason", ignored(nullable(text()))),
        ("created_at", ignored(nullable(text()))),
        ("updated_at", ignored(nullable(text()))),
    ];
    for (field, schema) in changed {
        properties.insert(field.into(), schema);
    }
    for field in [
        "methodology",
        "incident_date",
        "commissioned_on",
        "completed_on",
        "published_on",
        "ofsted_grade",
    ] {
        if let Some(schema) = properties.get_mut(field) {
            *schema = nullable(schema.take());
        }
    }
    properties
}

/// The fields a stored review always has (the others are left out when empty).
const REVIEW_REQUIRED: &[&str] = &[
    "id",
    "title",
    "pseudonyms",
    "board",
    "review_type",
    "incident",
    "abuse",
    "source_of_harm",
    "child",
    "parallel_processes",
    "themes",
    "agencies",
    "keywords",
    "summary",
    "lessons",
    "files",
    "status",
    "revision",
];

fn review_schemas(cx: &SpecContext) -> Map<String, Value> {
    let mut schemas = Map::new();
    let properties = review_properties();
    schemas.insert(
        "Review".into(),
        closed(object(REVIEW_REQUIRED, Value::Object(properties.clone()))),
    );
    let mut deposited = properties.clone();
    deposited.insert("warnings".into(), list_of(schema_ref("Warning")));
    let mut deposited_required = REVIEW_REQUIRED.to_vec();
    deposited_required.push("warnings");
    schemas.insert(
        "DepositedReview".into(),
        closed(object(&deposited_required, Value::Object(deposited))),
    );
    schemas.insert(
        "ReviewInput".into(),
        described(
            closed(object(&["title", "board", "incident"], Value::Object(input_properties(cx)))),
            "A review as deposited. Server-owned and derived fields (id, region, duration_months, over_six_months, revision, status, files, created_at, updated_at, embargo_until, withdrawal, finding ids) are ignored, so a review as GET returns it can be sent back unchanged; an optional field may be null (read as absent). Unknown fields are refused. Dates must be in order (commissioned_on <= completed_on <= published_on), which the schema cannot say.",
        ),
    );
    // Spelt as an enum rather than `not`: schemathesis' coverage phase fails on a `not`
    // inside a multipart body.
    let other_levels = Vocabulary::Level
        .slugs()
        .into_iter()
        .filter(|level| level != "individual");
    schemas.insert(
        "LessonInput".into(),
        described(
            json!({
                "type": "object",
                "required": ["kind", "level", "text"],
                "properties": {
                    "id": described(text(), "Assigned by the server: ignored"),
                    "kind": vocabulary(Vocabulary::LessonKind),
                    "level": vocabulary(Vocabulary::Level),
                    "agency": described(nullable(vocabulary(Vocabulary::Agency)), "Required when level is individual"),
                    "themes": slug_list(Vocabulary::Theme),
                    "text": { "type": "string", "minLength": 1, "maxLength": lessons_model::validate::MAX_LESSON_CHARS, "pattern": NOT_BLANK },
                    "suggested": described(json!({ "type": "boolean" }), "true: proposed, not yet confirmed"),
                    "actions": described(
                        json!({ "type": "array", "items": schema_ref("ActionInput"), "maxItems": lessons_model::actions::MAX_ACTIONS }),
                        "A recommendation's action plan (only recommendations carry actions). Actions are never removed: send back every action the review has (by id), marking one that no longer applies `superseded`; leave `id` out for a new one",
                    ),
                },
                "anyOf": [
                    { "properties": { "level": string_enum(other_levels) } },
                    { "required": ["agency"], "properties": { "agency": vocabulary(Vocabulary::Agency) } },
                ],
            }),
            "A finding as deposited",
        ),
    );
    schemas.insert(
        "ChildInput".into(),
        described(
            object(&[], json!({ "age_band": vocabulary(Vocabulary::AgeBand), "sex": vocabulary(Vocabulary::Sex) })),
            "The child as deposited; a value left out is `not_stated`",
        ),
    );
    schemas.insert(
        "Lesson".into(),
        object(
            &["id", "kind", "level", "themes", "text"],
            json!({
                "id": described(text(), "`<review id>#L<n>`, citable; assigned by the server"),
                "kind": vocabulary(Vocabulary::LessonKind),
                "level": vocabulary(Vocabulary::Level),
                "agency": described(vocabulary(Vocabulary::Agency), "Required when level is individual"),
                "themes": slug_list(Vocabulary::Theme),
                "text": { "type": "string", "minLength": 1, "maxLength": lessons_model::validate::MAX_LESSON_CHARS },
                "suggested": described(json!({ "type": "boolean" }), "true on a finding proposed by extraction and not yet confirmed (left out once confirmed)"),
                "actions": described(list_of(schema_ref("Action")), "A recommendation's action plan (left out when it has none)"),
                "progress": described(
                    string_enum(["no_plan", "not_started", "in_progress", "completed", "not_accepted"]),
                    "A recommendation's follow-through, derived from its actions on the day of the request (left out for other findings)",
                ),
                "overdue": described(json!({ "type": "boolean" }), "A recommendation with an open action whose due date has passed, as of today (left out for other findings)"),
                "recurring": recurrence(),
            }),
        ),
    );
    schemas.insert(
        "Child".into(),
        object(
            &["age_band", "sex"],
            json!({ "age_band": vocabulary(Vocabulary::AgeBand), "sex": vocabulary(Vocabulary::Sex) }),
        ),
    );
    let media_types: Vec<&str> = lessons_ingest::Format::ALL
        .iter()
        .map(|f| f.media_type())
        .collect();
    schemas.insert(
        "FileRef".into(),
        object(
            &["number", "document_type", "filename", "media_type", "size", "sha256", "public"],
            json!({
                "number": described(integer(1), "The file's place in the review's full list of files, from 1 (`/files/{n}`); the public sees only public files, with their numbers"),
                "document_type": vocabulary(Vocabulary::DocumentType),
                "filename": text(),
                "media_type": string_enum(media_types),
                "size": integer(0),
                "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                "public": described(json!({ "type": "boolean" }), "Offered to the public (marked and confirmed anonymised at publication); false: the board and admins only"),
            }),
        ),
    );
    schemas.insert(
        "Warning".into(),
        object(
            &["code", "message", "excerpt"],
            json!({ "code": described(text(), "e.g. `no_text`, `possible_name`, `postcode`"), "message": text(), "excerpt": text() }),
        ),
    );
    schemas.insert(
        "RevisionInfo".into(),
        object(
            &["revision", "at", "by", "action"],
            json!({ "revision": integer(1), "at": date_time(), "by": described(text(), "The user's email"), "action": text() }),
        ),
    );
    schemas.insert(
        "PublishRequest".into(),
        closed(object(
            &["anonymisation_checked"],
            json!({
                "anonymisation_checked": described(json!({ "type": "boolean", "enum": [true] }), "Must be true: the anonymisation check was done"),
                "embargo_until": described(
                    nullable(json!({ "type": "string", "anyOf": [date(), { "type": "string", "maxLength": 0 }] })),
                    "YYYY-MM-DD: public from that day (empty, null or absent: now)",
                ),
                "published_on": described(
                    nullable(json!({ "type": "string", "anyOf": [date(), { "type": "string", "maxLength": 0 }] })),
                    "YYYY-MM-DD: the publication date (empty, null or absent: the date already set, else today or the embargo's end)",
                ),
                "public_files": described(
                    json!({ "type": "array", "items": { "type": "integer", "minimum": 1, "maximum": u32::MAX } }),
                    "The numbers (from 1) of the original files the public may download; every other file is private. Each must also be in `anonymised_files`. Absent: none",
                ),
                "anonymised_files": described(
                    json!({ "type": "array", "items": { "type": "integer", "minimum": 1, "maximum": u32::MAX } }),
                    "The numbers of the files whose anonymisation the depositor confirms (each file in `public_files` must be here; each must be a file of the review)",
                ),
            }),
        )),
    );
    let action_fields = |with_id: bool| {
        let mut fields = json!({
            "text": { "type": "string", "minLength": 1, "maxLength": lessons_model::actions::MAX_ACTION_CHARS, "pattern": NOT_BLANK },
            "owner": described(vocabulary(Vocabulary::Agency), "The lead agency"),
            "due": described(date(), "Target date"),
            "status": vocabulary(Vocabulary::ActionStatus),
            "evidence": described(json!({ "type": "string", "maxLength": lessons_model::actions::MAX_EVIDENCE_CHARS }), "What shows the action was done (or why not)"),
        });
        if with_id {
            fields["id"] = described(
                json!({ "type": "string", "pattern": "^A[1-9][0-9]*$" }),
                "`A<n>`, unique in the review and never reused; left out for a new action",
            );
            fields["updated_on"] = described(date(), "Set by the server");
            fields["suggested"] = described(
                json!({ "type": "boolean" }),
                "Read from an action-plan table, not yet confirmed",
            );
        }
        fields
    };
    schemas.insert(
        "ActionInput".into(),
        described(
            closed(object(&["text", "owner", "due"], action_fields(true))),
            "An action of a recommendation's plan, as sent in a review (DESIGN §10)",
        ),
    );
    schemas.insert(
        "NewAction".into(),
        described(
            closed(object(&["text", "owner", "due"], action_fields(false))),
            "An action to add; `status` is `planned` when left out",
        ),
    );
    let mut changes = closed(object(&[], action_fields(false)));
    changes["minProperties"] = json!(1);
    changes["properties"]["evidence"]["description"] =
        json!("What shows the action was done (or why not); an empty text removes it");
    schemas.insert(
        "ActionChanges".into(),
        described(changes, "The fields of an action to change (at least one)"),
    );
    schemas.insert(
        "Action".into(),
        object(
            &["id", "text", "owner", "due", "status", "updated_on"],
            json!({
                "id": described(json!({ "type": "string", "pattern": "^A[1-9][0-9]*$" }), "`A<n>`, unique in the review and never reused"),
                "text": text(),
                "owner": vocabulary(Vocabulary::Agency),
                "due": date(),
                "status": vocabulary(Vocabulary::ActionStatus),
                "evidence": text(),
                "updated_on": described(date(), "When the action last changed"),
                "suggested": json!({ "type": "boolean" }),
            }),
        ),
    );
    schemas.insert(
        "WithdrawRequest".into(),
        closed(object(
            &["reason"],
            json!({ "reason": { "type": "string", "minLength": 1, "maxLength": 2000, "pattern": NOT_BLANK, "description": "Shown on the public notice" } }),
        )),
    );
    schemas
}

fn search_schemas(cx: &SpecContext) -> Map<String, Value> {
    let mut schemas = Map::new();
    let facets: Map<String, Value> = FacetName::ALL
        .iter()
        .map(|f| {
            let values = json!({ "type": "array", "items": schema_ref("FacetCount"), "maxItems": lessons_index::search::MAX_FACET_VALUES });
            (f.key().to_string(), values)
        })
        .collect();
    let facet_keys: Vec<&str> = FacetName::ALL.iter().map(|f| f.key()).collect();
    let mut per_page = integer(1);
    per_page["maximum"] = json!(MAX_PER_PAGE);
    schemas.insert(
        "SearchResults".into(),
        object(
            &["total", "page", "per_page", "took_ms", "did_you_mean", "hits", "facets"],
            json!({
                "total": described(integer(0), "Every match, not just this page"),
                "page": integer(1),
                "per_page": per_page,
                "took_ms": integer(0),
                "did_you_mean": described(nullable(text()), "The query with likely misspellings corrected, or null"),
                "hits": { "type": "array", "items": schema_ref("Hit"), "maxItems": MAX_PER_PAGE },
                "facets": described(
                    closed(object(&facet_keys, Value::Object(facets))),
                    "Every facet; each value with a count > 0, most frequent first",
                ),
            }),
        ),
    );
    schemas.insert(
        "FacetCount".into(),
        object(
            &["value", "label", "count"],
            json!({ "value": text(), "label": text(), "count": integer(1) }),
        ),
    );
    schemas.insert("Hit".into(), hit_schema(cx));
    schemas.insert(
        "Similar".into(),
        object(
            &["id", "hits"],
            json!({ "id": text(), "hits": list_of(schema_ref("Hit")) }),
        ),
    );
    schemas.insert(
        "Health".into(),
        object(&["status"], json!({ "status": string_enum(["ok"]) })),
    );
    schemas
}

fn hit_schema(cx: &SpecContext) -> Value {
    closed(object(
        &[
            "id",
            "title",
            "board",
            "board_name",
            "region",
            "year",
            "published_on",
            "incident",
            "themes",
            "duration_months",
            "over_six_months",
            "snippet",
            "score",
        ],
        json!({
            "id": described(text(), "The review id, or the finding id (`<review id>#L<n>`) in the lessons view"),
            "review_id": described(text(), "Lessons view: the finding's review"),
            "title": text(),
            "board": cx.board(),
            "board_name": text(),
            "region": described(text(), "A region slug, or empty when unknown"),
            "year": described(nullable(json!({ "type": "integer" })), "Year of publication (of completion when unpublished)"),
            "published_on": nullable(date()),
            "incident": vocabulary(Vocabulary::Incident),
            "themes": described(list_of(vocabulary(Vocabulary::Theme)), "Reviews: the review's themes and its findings'. Lessons: the finding's own (what theme matches)"),
            "review_themes": described(list_of(vocabulary(Vocabulary::Theme)), "Lessons view: the themes of the finding's review (what review_theme matches)"),
            "review_agencies": described(list_of(vocabulary(Vocabulary::Agency)), "Lessons view: the agencies involved in the finding's review (what review_agency matches)"),
            "duration_months": nullable(integer(0)),
            "over_six_months": nullable(json!({ "type": "boolean" })),
            "kind": vocabulary(Vocabulary::LessonKind),
            "level": vocabulary(Vocabulary::Level),
            "agency": described(vocabulary(Vocabulary::Agency), "Lessons view: the agency an individual-agency finding is addressed to (what agency matches); absent for inter-agency findings"),
            "actions": described(list_of(schema_ref("Action")), "Lessons view, recommendations only: the action plan (empty when there is none)"),
            "progress": described(
                string_enum(["no_plan", "not_started", "in_progress", "completed", "not_accepted"]),
                "Lessons view, recommendations only: the follow-through derived from the actions (what progress matches)",
            ),
            "overdue": described(json!({ "type": "boolean" }), "Lessons view, recommendations only: an open action's due date has passed, as of the day of the request (what progress=overdue matches)"),
            "recurring": recurrence(),
            "snippet": described(text(), "HTML: escaped text with the matched words in <mark>"),
            "score": { "type": "number" },
            "related": described(json!({ "type": "boolean", "enum": [true] }), "Not a match: sent (true) on a document shown after every match because the search matched fewer than a page; it holds the words the matches share. `total` and the facets count the matches only"),
        }),
    ))
}

/// The `recurring` field of a finding (review JSON, lesson hits).
fn recurrence() -> Value {
    described(
        nullable(object(
            &["id", "reviews", "since"],
            json!({
                "id": { "type": "string", "pattern": "^rl-[0-9]+$" },
                "reviews": described(integer(2), "Distinct public reviews in the recurring lesson"),
                "since": described(nullable(json!({ "type": "integer" })), "The recurring lesson's first year"),
            }),
        )),
        "The recurring lesson the finding belongs to, or null (always null for a finding that is not public). In `GET /api/v1/reviews/{id}` and in lessons-view search hits.",
    )
}

/// The keys of `GET /api/v1/vocabularies`: the themes, then plain vocabularies.
const VOCABULARY_KEYS: &[(&str, Option<Vocabulary>)] = &[
    ("themes", Some(Vocabulary::Theme)),
    ("theme_groups", None),
    ("agencies", Some(Vocabulary::Agency)),
    ("regions", Some(Vocabulary::Region)),
    ("age_bands", Some(Vocabulary::AgeBand)),
    ("review_types", Some(Vocabulary::ReviewType)),
    ("methodologies", Some(Vocabulary::Methodology)),
    ("incidents", Some(Vocabulary::Incident)),
    ("abuse", Some(Vocabulary::Abuse)),
    ("source_of_harm", Some(Vocabulary::SourceOfHarm)),
    ("sexes", Some(Vocabulary::Sex)),
    ("parallel_processes", Some(Vocabulary::ParallelProcess)),
    ("ofsted_grades", Some(Vocabulary::OfstedGrade)),
    ("lesson_kinds", Some(Vocabulary::LessonKind)),
    ("levels", Some(Vocabulary::Level)),
    ("document_types", Some(Vocabulary::DocumentType)),
    ("timeliness", Some(Vocabulary::Timeliness)),
    ("action_statuses", Some(Vocabulary::ActionStatus)),
    ("progress", Some(Vocabulary::Progress)),
];

fn vocabulary_schemas() -> Map<String, Value> {
    let mut schemas = Map::new();
    let groups = lessons_model::vocab::THEME_GROUPS.iter().map(|g| g.slug);
    let mut properties: Map<String, Value> = VOCABULARY_KEYS
        .iter()
        .map(|(key, vocabulary)| {
            let items = match vocabulary {
                Some(Vocabulary::Theme) => schema_ref("Theme"),
                _ => schema_ref("Term"),
            };
            let mut list = list_of(items);
            if let Some(vocabulary) = vocabulary {
                list["minItems"] = json!(vocabulary.terms().len());
                list["maxItems"] = json!(vocabulary.terms().len());
            }
            (key.to_string(), list)
        })
        .collect();
    properties.insert(
        "boards".into(),
        described(
            list_of(schema_ref("BoardTerm")),
            "The boards the service knows, by slug (the values of the `board` filter and field)",
        ),
    );
    let mut keys: Vec<&str> = VOCABULARY_KEYS.iter().map(|(key, _)| *key).collect();
    keys.push("boards");
    schemas.insert(
        "Vocabularies".into(),
        closed(object(&keys, Value::Object(properties))),
    );
    schemas.insert(
        "BoardTerm".into(),
        closed(object(
            &["slug", "name", "region"],
            json!({
                "slug": text(),
                "name": text(),
                "region": vocabulary(Vocabulary::Region),
            }),
        )),
    );
    schemas.insert(
        "Term".into(),
        object(
            &["slug", "label"],
            json!({ "slug": text(), "label": text() }),
        ),
    );
    schemas.insert(
        "Theme".into(),
        object(
            &["slug", "label", "group", "synonyms"],
            json!({
                "slug": vocabulary(Vocabulary::Theme),
                "label": text(),
                "group": string_enum(groups),
                "synonyms": described(list_of(text()), "Search phrases that also mean this theme"),
            }),
        ),
    );
    schemas
}

/// The JSON export and the codebook (DESIGN §6).
fn export_schemas() -> Map<String, Value> {
    let mut schemas = Map::new();
    schemas.insert(
        "Export".into(),
        object(
            &["provenance", "results"],
            json!({
                "provenance": object(
                    &["parameters", "generated_at", "total", "version", "codebook"],
                    json!({
                        "parameters": described(
                            json!({ "type": "object", "additionalProperties": list_of(text()) }),
                            "Every parameter as given: name -> values",
                        ),
                        "generated_at": date_time(),
                        "total": integer(0),
                        "version": text(),
                        "codebook": { "type": "string", "format": "uri", "description": "Where the columns are described" },
                    }),
                ),
                "results": described(
                    list_of(json!({ "type": "object" })),
                    "One object per hit, its keys the codebook's columns",
                ),
            }),
        ),
    );
    let export_views = lessons_index::export::ExportView::ALL;
    let views: Map<String, Value> = export_views
        .iter()
        .map(|v| (v.key().to_string(), list_of(schema_ref("CodebookColumn"))))
        .collect();
    let view_keys: Vec<&str> = export_views.iter().map(|v| v.key()).collect();
    schemas.insert(
        "Codebook".into(),
        object(
            &["version", "separator", "views"],
            json!({
                "version": text(),
                "separator": described(string_enum(["; "]), "How list cells are joined in CSV"),
                "views": object(&view_keys, Value::Object(views)),
                "recurring": described(
                    object(&["lessons", "members"], json!({
                        "lessons": list_of(schema_ref("CodebookColumn")),
                        "members": list_of(schema_ref("CodebookColumn")),
                    })),
                    "The columns of /api/v1/recurring/export (what=lessons, what=members)",
                ),
            }),
        ),
    );
    schemas.insert(
        "CodebookColumn".into(),
        object(
            &["name", "type", "description"],
            json!({
                "name": text(),
                "type": string_enum(["string", "integer", "boolean", "date", "list"]),
                "description": text(),
                "vocabulary": list_of(object(&["value", "label"], json!({ "value": text(), "label": text() }))),
            }),
        ),
    );
    schemas
}

/// Recurring lessons (DESIGN §9): a listing, one with its members, the 410 body and the
/// JSON export.
fn recurring_schemas() -> Map<String, Value> {
    let mut schemas = Map::new();
    let summary_properties = json!({
        "id": { "type": "string", "pattern": "^rl-[0-9]+$" },
        "label": described(text(), "A short name: the representative text's first sentence"),
        "text": described(text(), "The most representative member's text"),
        "reviews": described(integer(1), "Distinct public reviews"),
        "boards": described(integer(1), "Distinct boards"),
        "findings": described(integer(1), "Member findings"),
        "first_year": nullable(json!({ "type": "integer" })),
        "last_year": nullable(json!({ "type": "integer" })),
        "years": described(
            list_of(closed(object(&["year", "count"], json!({ "year": { "type": "integer" }, "count": integer(1) })))),
            "Distinct reviews per year, oldest first",
        ),
        "themes": described(list_of(vocabulary(Vocabulary::Theme)), "Themes of the members, most frequent first"),
        "agencies": described(list_of(vocabulary(Vocabulary::Agency)), "Agencies of the members, most frequent first"),
        "levels": described(list_of(vocabulary(Vocabulary::Level)), "Levels of the members, most frequent first"),
    });
    let summary_required = [
        "id",
        "label",
        "text",
        "reviews",
        "boards",
        "findings",
        "first_year",
        "last_year",
        "years",
        "themes",
        "agencies",
        "levels",
    ];
    schemas.insert(
        "RecurringSummary".into(),
        closed(object(&summary_required, summary_properties.clone())),
    );
    let mut detail = summary_properties.as_object().cloned().unwrap_or_default();
    detail.insert(
        "members".into(),
        described(
            list_of(schema_ref("RecurringMember")),
            "Every member finding, oldest first",
        ),
    );
    let mut detail_required = summary_required.to_vec();
    detail_required.push("members");
    schemas.insert(
        "RecurringLesson".into(),
        closed(object(&detail_required, Value::Object(detail))),
    );
    schemas.insert(
        "RecurringMember".into(),
        closed(object(
            &[
                "finding_id",
                "review_id",
                "review_title",
                "board",
                "year",
                "kind",
                "level",
                "agency",
                "text",
            ],
            json!({
                "finding_id": described(text(), "`<review id>#L<n>`"),
                "review_id": text(),
                "review_title": text(),
                "board": text(),
                "year": nullable(json!({ "type": "integer" })),
                "kind": vocabulary(Vocabulary::LessonKind),
                "level": vocabulary(Vocabulary::Level),
                "agency": nullable(vocabulary(Vocabulary::Agency)),
                "text": text(),
            }),
        )),
    );
    schemas.insert(
        "RecurringPage".into(),
        closed(object(
            &["total", "page", "per_page", "recurring"],
            json!({
                "total": integer(0),
                "page": integer(1),
                "per_page": integer(1),
                "recurring": { "type": "array", "items": schema_ref("RecurringSummary"), "maxItems": MAX_PER_PAGE },
            }),
        )),
    );
    schemas.insert(
        "RecurringGone".into(),
        object(
            &["error", "successor"],
            json!({
                "error": object(&["code", "message"], json!({
                    "code": string_enum(["recurring_lesson_gone"]),
                    "message": text(),
                })),
                "successor": described(
                    nullable(json!({ "type": "string", "pattern": "^rl-[0-9]+$" })),
                    "The recurring lesson that carries most of its findings on, or null",
                ),
            }),
        ),
    );
    schemas.insert(
        "RecurringExport".into(),
        object(
            &["provenance", "results"],
            json!({
                "provenance": object(
                    &["parameters", "what", "generated_at", "total", "version"],
                    json!({
                        "parameters": json!({ "type": "object", "additionalProperties": list_of(text()) }),
                        "what": string_enum(["lessons", "members"]),
                        "generated_at": date_time(),
                        "total": integer(0),
                        "version": text(),
                    }),
                ),
                "results": described(
                    list_of(json!({ "type": "object" })),
                    "One object per row, its keys the codebook's recurring columns",
                ),
            }),
        ),
    );
    schemas
}

/// The cross-tabulation of `GET /api/v1/stats`. Row and column values are facet values
/// (vocabulary slugs, board slugs, years as text, or `not_recorded`).
fn stats_schema() -> Value {
    let facet = string_enum(FacetName::ALL.map(FacetName::key));
    let value = object(
        &["value", "label"],
        json!({ "value": text(), "label": text() }),
    );
    let totals = |what: &str| {
        described(
            json!({ "type": "object", "additionalProperties": integer(0) }),
            &format!("Matches carrying each {what} value, by value"),
        )
    };
    object(
        &[
            "row_facet",
            "col_facet",
            "view",
            "parameters",
            "total",
            "rows",
            "cols",
            "cells",
            "row_totals",
            "col_totals",
        ],
        json!({
            "row_facet": facet,
            "col_facet": facet,
            "view": string_enum(View::ALL.map(View::key)),
            "parameters": described(
                json!({ "type": "object", "additionalProperties": list_of(text()) }),
                "Every parameter as given: name -> values",
            ),
            "total": described(integer(0), "The number of matches (the search's total)"),
            "rows": described(list_of(value.clone()), "The row facet's values, in vocabulary order"),
            "cols": described(list_of(value), "The column facet's values, in vocabulary order"),
            "cells": described(
                list_of(object(&["row", "col", "count"], json!({ "row": text(), "col": text(), "count": integer(1) }))),
                "The non-zero cells; a pair not listed counts 0",
            ),
            "row_totals": totals("row"),
            "col_totals": totals("column"),
        }),
    )
}
