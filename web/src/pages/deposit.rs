//! The deposit flow on the web, for signed-in depositors: `/deposit` (files with their
//! document types, and the review's metadata with vocabulary pickers and dates), then
//! `/my/reviews/{id}`: the extracted text, the suggested findings to confirm, edit,
//! delete or add to, the anonymisation warnings, and the forms to publish (now or under
//! embargo) and to withdraw. Every form carries the session's CSRF token.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_ingest::Warning;
use lessons_model::vocab::{self, Term};
use lessons_model::{Lesson, Review, Role, Status, Vocabulary};
use maud::{html, Markup};

use crate::http::blocking::Pool;
use crate::http::body::read_multipart;
use crate::http::config::SiteConfig;
use crate::http::errors::page_for;
use crate::http::layout::{layout, Section};
use crate::http::session::{csrf_refusal, SignedIn, SignedInForm};
use crate::service::accounts::Principal;
use crate::service::input::{
    field, lessons_from_fields, review_from_json, summary_from_fields, TransitionRequest,
};
use crate::service::reviews::Editable;
use crate::service::uploads::{read_deposit, DepositSource};
use crate::service::{Repository, ServiceResult};

/// `GET /deposit`
pub async fn deposit_page(
    SignedIn(principal): SignedIn,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let asking = principal.clone();
    let boards = match pool
        .run(move |service| Ok(boards_of(service, &asking)))
        .await
    {
        Ok(boards) => boards,
        Err(error) => return page_for(error, &config),
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

/// The boards `principal` may deposit for, as (name, slug).
fn boards_of(service: &Repository, principal: &Principal) -> Vec<(String, String)> {
    match principal.role {
        Role::Admin => service
            .board_slugs()
            .into_iter()
            .map(|s| (service.board_name(&s), s))
            .collect(),
        Role::Depositor => principal
            .board
            .iter()
            .map(|s| (service.board_name(s), s.clone()))
            .collect(),
    }
}

/// `POST /deposit` (multipart; the CSRF token is checked once the body is read, before
/// any file is read or anything is stored).
pub async fn deposit_submit(
    req: HttpRequest,
    payload: web::Payload,
    SignedIn(principal): SignedIn,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let max_bytes = config.max_upload_bytes;
    let parts = match read_multipart(&req, payload, max_bytes).await {
        Ok(parts) => parts,
        Err(error) => return page_for(error, &config),
    };
    if let Some(refusal) = csrf_refusal(&principal, field(&parts.fields, "csrf"), &config) {
        return refusal;
    }
    let result = pool
        .run(move |service| {
            let deposit = read_deposit(parts, DepositSource::WebForm, max_bytes)?;
            let review = review_from_json(deposit.metadata)?;
            service.deposit(&principal, review, deposit.uploads)
        })
        .await;
    match result {
        Ok(deposited) => see_other(&format!("/my/reviews/{}", deposited.review.id)),
        Err(error) => page_for(error, &config),
    }
}

/// `GET /my/reviews/{id}`
pub async fn edit_page(
    path: web::Path<String>,
    SignedIn(principal): SignedIn,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let id = path.into_inner();
    let asking = principal.clone();
    match pool
        .run(move |service| service.editable_with_warnings(&asking, &id))
        .await
    {
        Ok(editable) => page(
            &editable.review.title,
            &config,
            edit_body(&principal, &editable),
        ),
        Err(error) => page_for(error, &config),
    }
}

fn edit_body(principal: &Principal, editable: &Editable) -> Markup {
    let csrf = principal.csrf.clone().unwrap_or_default();
    let (review, warnings): (&Review, &[Warning]) = (&editable.review, &editable.warnings);
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
                ul { @for w in warnings { li { strong { (w.message) } ": “" (w.excerpt) "”" } } }
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
    path: web::Path<String>,
    form: SignedInForm,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let summary = summary_from_fields(&form.fields);
    let lessons = lessons_from_fields(&form.fields);
    save(
        path.into_inner(),
        form.principal,
        &pool,
        &config,
        move |service, principal, id| service.amend_text(principal, id, summary, lessons),
    )
    .await
}

/// `POST /my/reviews/{id}/publish` and `/withdraw`: one shape, the form says which.
pub async fn transition_submit<B: TransitionRequest>(
    path: web::Path<String>,
    form: SignedInForm,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let transition = B::from_fields(&form.fields).into_transition();
    save(
        path.into_inner(),
        form.principal,
        &pool,
        &config,
        move |service, principal, id| service.transition(principal, id, transition),
    )
    .await
}

/// Runs `change` on review `id` (on the blocking pool), then shows the review screen
/// again, or the refusal.
async fn save(
    id: String,
    principal: Principal,
    pool: &Pool,
    config: &SiteConfig,
    change: impl FnOnce(&Repository, &Principal, &str) -> ServiceResult<Review> + Send + 'static,
) -> HttpResponse {
    match pool
        .run(move |service| change(service, &principal, &id))
        .await
    {
        Ok(review) => see_other(&format!("/my/reviews/{}", review.id)),
        Err(error) => page_for(error, config),
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
