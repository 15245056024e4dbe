//! The deposit flow on the web, for signed-in depositors: `/deposit` (files with their
//! document types, and the review's metadata with vocabulary pickers and dates), then
//! `/my/reviews/{id}`: the extracted text, the suggested findings to confirm, edit,
//! delete or add to, the anonymisation warnings, and the forms to publish (now or under
//! embargo) and to withdraw. Every form carries the session's CSRF token.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_model::vocab::{self, Term};
use lessons_model::{Lesson, Review, Role, Status, Vocabulary};
use maud::{html, Markup};
use serde_json::{json, Map, Value};

use crate::auth::Principal;
use crate::deposit_api::{
    amended, check_board, deposit, editable_review, publishable, review_warnings, withdrawn,
    PublishBody,
};
use crate::errors::ApiError;
use crate::pages::account::{check_csrf, field, signed_in, signed_in_form};
use crate::pages::{api_error_page, layout, Section, SiteConfig};
use crate::repository::Repository;
use crate::upload::read_deposit;

/// Single-valued review fields the form sends as they are (empty ones are left out).
const TEXT_FIELDS: &[&str] = &[
    "title",
    "board",
    "review_type",
    "methodology",
    "incident",
    "incident_date",
    "commissioned_on",
    "completed_on",
    "published_on",
    "ofsted_grade",
    "summary",
];
/// Review fields the form sends as repeated values.
const LIST_FIELDS: &[&str] = &[
    "abuse",
    "source_of_harm",
    "parallel_processes",
    "themes",
    "agencies",
];
/// Review fields the form sends as comma-separated text.
const COMMA_FIELDS: &[&str] = &["keywords", "pseudonyms"];

/// Builds the review JSON from the deposit form's fields.
pub fn metadata_from_fields(fields: &[(String, String)]) -> Value {
    let mut review = Map::new();
    for name in TEXT_FIELDS {
        if let Some(value) = field(fields, name).map(str::trim).filter(|v| !v.is_empty()) {
            review.insert(name.to_string(), json!(value));
        }
    }
    for name in LIST_FIELDS {
        let values: Vec<&str> = fields
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect();
        review.insert(name.to_string(), json!(values));
    }
    for name in COMMA_FIELDS {
        let values: Vec<&str> = field(fields, name)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        review.insert(name.to_string(), json!(values));
    }
    let age_band = field(fields, "age_band")
        .filter(|v| !v.is_empty())
        .unwrap_or("not_stated");
    let sex = field(fields, "sex")
        .filter(|v| !v.is_empty())
        .unwrap_or("not_stated");
    review.insert("child".into(), json!({ "age_band": age_band, "sex": sex }));
    Value::Object(review)
}

/// `GET /deposit`
pub async fn deposit_page(
    req: HttpRequest,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let principal = match signed_in(&req, &repository, &config) {
        Ok(principal) => principal,
        Err(response) => return *response,
    };
    let boards: Vec<(String, String)> = match principal.role {
        Role::Admin => repository
            .board_slugs()
            .into_iter()
            .map(|s| (repository.board_name(&s), s))
            .collect(),
        Role::Depositor => principal
            .board
            .iter()
            .map(|s| (repository.board_name(s), s.clone()))
            .collect(),
    };
    let csrf = principal.csrf.clone().unwrap_or_default();
    let body = html! {
        h1 { "Deposit a review" }
        p.lede { "Upload the executive summary (PDF, Word, web page or text) and describe the review. You will then see the text we found and the lessons we suggest, to confirm before anything is published." }
        form.stacked method="post" action="/deposit" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(csrf);
            fieldset {
                legend { h2 { "Documents" } }
                @for n in 1..=3 {
                    label for={"file-" (n)} { "File " (n) @if n > 1 { " (optional)" } }
                    input id={"file-" (n)} type="file" name="file" accept=".pdf,.docx,.html,.htm,.txt";
                    label for={"type-" (n)} { "Document type of file " (n) }
                    (select("document_type", &format!("type-{n}"), vocab::DOCUMENT_TYPES, Some("executive_summary"), false))
                }
            }
            fieldset {
                legend { h2 { "About the review" } }
                label for="title" { "Title, as published" }
                input #title type="text" name="title" required maxlength="500";
                label for="board" { "Board" }
                select #board name="board" required {
                    @for (name, slug) in &boards { option value=(slug) { (name) } }
                }
                label for="pseudonyms" { "Pseudonyms used (comma-separated, e.g. Child A, Mother)" }
                input #pseudonyms type="text" name="pseudonyms";
                label for="review_type" { "Review type" }
                (select("review_type", "review_type", &Vocabulary::ReviewType.terms(), Some("serious_case_review"), false))
                label for="methodology" { "Methodology" }
                (select("methodology", "methodology", &Vocabulary::Methodology.terms(), None, false))
                label for="incident" { "Incident" }
                (select("incident", "incident", &Vocabulary::Incident.terms(), None, false))
                label for="age_band" { "Age of the child" }
                (select("age_band", "age_band", &Vocabulary::AgeBand.terms(), Some("not_stated"), false))
                label for="sex" { "Sex of the child" }
                (select("sex", "sex", &Vocabulary::Sex.terms(), Some("not_stated"), false))
                (checkboxes("abuse", "Abuse", &Vocabulary::Abuse.terms()))
                label for="incident_date" { "Incident date (YYYY-MM-DD or YYYY-MM)" }
                input #incident_date type="text" name="incident_date" pattern="[0-9]{4}-[0-9]{2}(-[0-9]{2})?";
                label for="commissioned_on" { "Commissioned on" }
                input #commissioned_on type="date" name="commissioned_on";
                label for="completed_on" { "Completed on" }
                input #completed_on type="date" name="completed_on";
                (checkboxes("parallel_processes", "Parallel processes", &Vocabulary::ParallelProcess.terms()))
                (checkboxes("themes", "Themes", &Vocabulary::Theme.terms()))
                (checkboxes("agencies", "Agencies involved", &Vocabulary::Agency.terms()))
                label for="keywords" { "Keywords (comma-separated)" }
                input #keywords type="text" name="keywords";
            }
            button type="submit" { "Upload and read the documents" }
        }
    };
    page("Deposit a review", &config, body)
}

/// `POST /deposit` (multipart; the CSRF token is checked once the body is read, before
/// anything is stored).
pub async fn deposit_submit(
    req: HttpRequest,
    payload: web::Payload,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let principal = match signed_in(&req, &repository, &config) {
        Ok(principal) => principal,
        Err(response) => return *response,
    };
    let upload = match read_deposit(&req, payload, config.max_upload_bytes, false).await {
        Ok(upload) => upload,
        Err(error) => return api_error_page(&error, &config),
    };
    if let Err(response) = check_csrf(&principal, field(&upload.fields, "csrf"), &config) {
        return *response;
    }
    let result = async {
        let (review, _) = crate::import::review_from_value(upload.metadata)
            .map_err(|errors| ApiError::invalid(lessons_model::ValidationErrors(errors)))?;
        let repository = repository.clone();
        let principal = principal.clone();
        web::block(move || deposit(&principal, &repository, review, upload.uploads)).await?
    }
    .await;
    match result {
        Ok((review, _)) => see_other(&format!("/my/reviews/{}", review.id)),
        Err(error) => api_error_page(&error, &config),
    }
}

/// `GET /my/reviews/{id}`
pub async fn edit_page(
    req: HttpRequest,
    path: web::Path<String>,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let principal = match signed_in(&req, &repository, &config) {
        Ok(principal) => principal,
        Err(response) => return *response,
    };
    match editable_review(&principal, &repository, &path.into_inner()) {
        Ok(review) => page(&review.title, &config, edit_body(&principal, &review)),
        Err(error) => api_error_page(&error, &config),
    }
}

fn edit_body(principal: &Principal, review: &Review) -> Markup {
    let csrf = principal.csrf.clone().unwrap_or_default();
    let warnings = review_warnings(review);
    let action = format!("/my/reviews/{}", review.id);
    let suggested = review.lessons.iter().filter(|l| l.suggested).count();
    html! {
        p.muted { code { (review.id) } " · revision " (review.revision) " · " (review.status.as_str()) }
        h1 { (review.title) }
        @if review.status == Status::Published && review.is_public_now() {
            p { "Published: " a href={"/reviews/" (review.id)} { "see the public page" } "." }
        }
        @if review.summary.trim().is_empty() {
            div.notice role="status" { p { "No text was found in the documents (a scanned document?). Paste the executive summary below." } }
        }
        @if !warnings.is_empty() {
            div.error-list role="alert" {
                h2 { "Check the anonymisation (" (warnings.len()) ")" }
                ul { @for w in &warnings { li { strong { (w.message) } ": “" (w.excerpt) "”" } } }
            }
        }
        form.stacked.wide method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            h2 { "Executive summary" }
            label for="summary" { "Text of the executive summary" }
            textarea #summary name="summary" rows="16" { (review.summary) }
            h2 { "Findings" }
            p { (suggested) " of " (review.lessons.len()) " findings are suggestions found in the text: confirm, edit or delete each one." }
            @for (i, lesson) in review.lessons.iter().enumerate() { (finding_fields(i, lesson)) }
            (finding_fields(review.lessons.len(), &Lesson { kind: "lesson".into(), level: "inter_agency".into(), ..Lesson::default() }))
            button type="submit" { "Save" }
        }
        @if review.status != Status::Withdrawn {
            form.stacked method="post" action={(action) "/publish"} {
                input type="hidden" name="csrf" value=(csrf);
                h2 { "Publish" }
                p { "Publishing needs every finding confirmed and the anonymisation checked." }
                div { input #anonymisation type="checkbox" name="anonymisation_checked" value="true"; label for="anonymisation" { "I have checked that the text identifies no child, family member or professional" } }
                label for="embargo" { "Embargo until (optional: the review stays hidden until this day)" }
                input #embargo type="date" name="embargo_until" value=(review.embargo_until.clone().unwrap_or_default());
                button type="submit" { "Publish" }
            }
        }
        @if review.status == Status::Published {
            form.stacked method="post" action={(action) "/withdraw"} {
                input type="hidden" name="csrf" value=(csrf);
                h2 { "Withdraw" }
                label for="reason" { "Reason (shown on the public notice)" }
                input #reason type="text" name="reason" required maxlength="2000";
                button.secondary type="submit" { "Withdraw" }
            }
        }
    }
}

fn finding_fields(i: usize, lesson: &Lesson) -> Markup {
    let is_new = lesson.text.is_empty();
    let state = if is_new {
        "delete"
    } else if lesson.suggested {
        "suggested"
    } else {
        "confirmed"
    };
    let id = |name: &str| format!("f{i}-{name}");
    html! {
        fieldset.finding {
            legend { @if is_new { "Add a finding" } @else { "Finding " (i + 1) @if lesson.suggested { " (suggested)" } } }
            label for=(id("state")) { "Keep?" }
            select id=(id("state")) name={"state_" (i)} {
                @for (value, text) in [("confirmed", "Confirmed"), ("suggested", "Still a suggestion"), ("delete", if is_new { "Do not add" } else { "Delete" })] {
                    option value=(value) selected[state == value] { (text) }
                }
            }
            label for=(id("kind")) { "Kind" }
            (select(&format!("kind_{i}"), &id("kind"), &Vocabulary::LessonKind.terms(), Some(&lesson.kind), false))
            label for=(id("level")) { "Level" }
            (select(&format!("level_{i}"), &id("level"), &Vocabulary::Level.terms(), Some(&lesson.level), false))
            label for=(id("agency")) { "Agency (required for an individual-agency finding)" }
            (select(&format!("agency_{i}"), &id("agency"), &Vocabulary::Agency.terms(), lesson.agency.as_deref(), true))
            label for=(id("themes")) { "Themes (comma-separated slugs)" }
            input id=(id("themes")) type="text" name={"themes_" (i)} value=(lesson.themes.join(", "));
            label for=(id("text")) { "Text" }
            textarea id=(id("text")) name={"text_" (i)} rows="4" { (lesson.text) }
        }
    }
}

/// `POST /my/reviews/{id}`: saves the summary and findings as a new revision.
pub async fn edit_submit(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let (principal, pairs) = match signed_in_form(&req, payload, &repository, &config).await {
        Ok(parts) => parts,
        Err(response) => return *response,
    };
    let id = path.into_inner();
    let summary = field(&pairs, "summary")
        .unwrap_or_default()
        .replace("\r\n", "\n");
    let lessons = lessons_from_fields(&pairs);
    save(
        repository,
        &config,
        principal,
        id,
        "update",
        |principal, current| {
            let mut next = current.clone();
            next.summary = summary;
            next.lessons = lessons;
            amended(principal, current, next)
        },
    )
    .await
}

/// The findings of the edit form, in order, without the deleted ones.
fn lessons_from_fields(pairs: &[(String, String)]) -> Vec<Lesson> {
    let mut lessons = Vec::new();
    for i in 0.. {
        let Some(state) = field(pairs, &format!("state_{i}")) else {
            break;
        };
        let text = field(pairs, &format!("text_{i}"))
            .unwrap_or_default()
            .trim()
            .to_string();
        if state == "delete" || text.is_empty() {
            continue;
        }
        let get = |name: &str| {
            field(pairs, &format!("{name}_{i}"))
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let agency = get("agency");
        lessons.push(Lesson {
            kind: get("kind"),
            level: get("level"),
            agency: (!agency.is_empty()).then_some(agency),
            themes: get("themes")
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            text,
            suggested: state == "suggested",
            ..Lesson::default()
        });
    }
    lessons
}

/// `POST /my/reviews/{id}/publish`
pub async fn publish_submit(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let (principal, pairs) = match signed_in_form(&req, payload, &repository, &config).await {
        Ok(parts) => parts,
        Err(response) => return *response,
    };
    let id = path.into_inner();
    let body = PublishBody {
        anonymisation_checked: field(&pairs, "anonymisation_checked") == Some("true"),
        embargo_until: field(&pairs, "embargo_until")
            .map(str::to_string)
            .filter(|d| !d.is_empty()),
    };
    save(
        repository,
        &config,
        principal,
        id,
        "publish",
        |_, current| publishable(current, body),
    )
    .await
}

/// `POST /my/reviews/{id}/withdraw`
pub async fn withdraw_submit(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let (principal, pairs) = match signed_in_form(&req, payload, &repository, &config).await {
        Ok(parts) => parts,
        Err(response) => return *response,
    };
    let id = path.into_inner();
    let reason = field(&pairs, "reason")
        .unwrap_or_default()
        .trim()
        .to_string();
    save(
        repository,
        &config,
        principal,
        id,
        "withdraw",
        move |_, current| withdrawn(current, &reason),
    )
    .await
}

/// Applies `change` to review `id` as a new revision (off the async executor, under the
/// repository's write lock, after checking that `principal` may edit its board), then
/// shows the review screen again, or the refusal.
async fn save(
    repository: web::Data<Repository>,
    config: &SiteConfig,
    principal: Principal,
    id: String,
    action: &'static str,
    change: impl FnOnce(&Principal, Review) -> Result<Review, ApiError> + Send + 'static,
) -> HttpResponse {
    let result = web::block(move || {
        repository.modify_review(&id, &principal.email, action, |current| {
            check_board(&principal, &current.board)?;
            change(&principal, current)
        })
    })
    .await;
    match result {
        Ok(Ok(review)) => see_other(&format!("/my/reviews/{}", review.id)),
        Ok(Err(error)) => api_error_page(&error, config),
        Err(blocking) => api_error_page(&ApiError::from(blocking), config),
    }
}

fn select(name: &str, id: &str, terms: &[Term], chosen: Option<&str>, allow_none: bool) -> Markup {
    html! {
        select id=(id) name=(name) {
            @if allow_none || chosen.is_none() { option value="" selected[chosen.is_none()] { "(none)" } }
            @for term in terms { option value=(term.slug) selected[chosen == Some(term.slug)] { (term.label) } }
        }
    }
}

fn checkboxes(name: &str, legend: &str, terms: &[Term]) -> Markup {
    html! {
        fieldset.choices {
            legend { (legend) }
            @for term in terms {
                div {
                    input type="checkbox" id={(name) "-" (term.slug)} name=(name) value=(term.slug);
                    label for={(name) "-" (term.slug)} { (term.label) }
                }
            }
        }
    }
}

fn page(title: &str, config: &SiteConfig, body: Markup) -> HttpResponse {
    HttpResponse::build(StatusCode::OK)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(layout(title, config, Section::Other, body).into_string())
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}
