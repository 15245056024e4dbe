//! The deposit flow on the web, for signed-in depositors: `/deposit` (files with their
//! document types, and the review's metadata with vocabulary pickers and dates), then
//! `/my/reviews/{id}`: the metadata, the extracted text, the suggested findings to
//! confirm (one by one or all at once), edit, delete or add to, the anonymisation
//! warnings, and the forms to publish (now or under embargo, with the publication date
//! and, per original file, whether the public gets it) and to withdraw. A change is
//! confirmed on the screen ("Saved"); a refusal stays on it and says what to do. Every
//! form carries the session's CSRF token.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_ingest::Warning;
use lessons_model::dates::human_date;
use lessons_model::vocab::{self, Term};
use lessons_model::{FieldError, Lesson, Review, Role, Status, Vocabulary};
use maud::{html, Markup};

use crate::http::blocking::Pool;
use crate::http::body::read_multipart;
use crate::http::config::SiteConfig;
use crate::http::errors::page_for;
use crate::http::layout::{layout_as, Section, SignedInAs};
use crate::http::session::{csrf_refusal, SignedIn, SignedInForm};
use crate::service::accounts::Principal;
use crate::service::input::{
    field, lessons_from_fields, metadata_changes, review_as_given, review_from_json,
    summary_from_fields, PublishBody, Transition, TransitionRequest,
};
use crate::service::requests::query_pairs;
use crate::service::reviews::Editable;
use crate::service::uploads::{read_deposit, DepositSource};
use crate::service::{Repository, ServiceError, ServiceResult};

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
                div.notice {
                    p { strong { "The public will get: no files." } }
                    p { "The files you upload stay private: only your board and administrators can open them. When you publish, you choose which file, if any, the public may download, after checking that it identifies no one." }
                }
                @for n in 1..=3 {
                    label for={"file-" (n)} { "File " (n) @if n > 1 { " (optional)" } }
                    input id={"file-" (n)} type="file" name="file" accept=".pdf,.docx,.html,.htm,.txt";
                    label for={"type-" (n)} { "Document type of file " (n) }
                    (select("document_type", &format!("type-{n}"), vocab::DOCUMENT_TYPES, Some("executive_summary"), false))
                }
            }
            (metadata_fields(None, Some(&boards)))
            button type="submit" { "Upload and read the documents" }
        }
    };
    page(
        "Deposit a review",
        &config,
        &principal,
        StatusCode::OK,
        body,
    )
}

/// The review's metadata as form fields: empty for a deposit (with the boards to choose
/// from), or filled from `review` on the review screen (whose board stays as it is).
/// Every choice is a labelled list from the vocabularies, never a typed slug.
fn metadata_fields(review: Option<&Review>, boards: Option<&[(String, String)]>) -> Markup {
    let text = |value: Option<&str>| value.unwrap_or_default().to_string();
    let chosen = |list: Option<&Vec<String>>| list.cloned().unwrap_or_default();
    html! {
        fieldset {
            legend { h2 { "About the review" } }
            label for="title" { "Title, as published" }
            input #title type="text" name="title" required maxlength="500" value=(text(review.map(|r| r.title.as_str())));
            @if let Some(boards) = boards {
                label for="board" { "Board" }
                select #board name="board" required {
                    @for (name, slug) in boards { option value=(slug) { (name) } }
                }
            }
            label for="pseudonyms" { "Pseudonyms used (comma-separated, e.g. Child A, Mother)" }
            input #pseudonyms type="text" name="pseudonyms" value=(review.map(|r| r.pseudonyms.join(", ")).unwrap_or_default());
            label for="review_type" { "Review type" }
            (select("review_type", "review_type", &Vocabulary::ReviewType.terms(), Some(review.map_or("serious_case_review", |r| r.review_type.as_str())), false))
            label for="methodology" { "Methodology" }
            (select("methodology", "methodology", &Vocabulary::Methodology.terms(), review.and_then(|r| r.methodology.as_deref()), true))
            label for="incident" { "Incident" }
            (select("incident", "incident", &Vocabulary::Incident.terms(), review.map(|r| r.incident.as_str()).filter(|i| !i.is_empty()), false))
            label for="age_band" { "Age of the child" }
            (select("age_band", "age_band", &Vocabulary::AgeBand.terms(), Some(review.map_or("not_stated", |r| r.child.age_band.as_str())), false))
            label for="sex" { "Sex of the child" }
            (select("sex", "sex", &Vocabulary::Sex.terms(), Some(review.map_or("not_stated", |r| r.child.sex.as_str())), false))
            (checkboxes("abuse", "Abuse", &Vocabulary::Abuse.terms(), &chosen(review.map(|r| &r.abuse))))
            label for="incident_date" { "Incident date (YYYY-MM-DD or YYYY-MM)" }
            input #incident_date type="text" name="incident_date" pattern="[0-9]{4}-[0-9]{2}(-[0-9]{2})?" value=(text(review.and_then(|r| r.incident_date.as_deref())));
            label for="commissioned_on" { "Commissioned on" }
            input #commissioned_on type="date" name="commissioned_on" value=(text(review.and_then(|r| r.commissioned_on.as_deref())));
            label for="completed_on" { "Completed on" }
            input #completed_on type="date" name="completed_on" value=(text(review.and_then(|r| r.completed_on.as_deref())));
            label for="published_on" { "Publication date" }
            p.hint #published_on-hint { "The day the review was first published, for an older review. Leave it empty to use the day you publish it here." }
            input #published_on type="date" name="published_on" aria-describedby="published_on-hint" value=(text(review.and_then(|r| r.published_on.as_deref())));
            (checkboxes("parallel_processes", "Parallel processes", &Vocabulary::ParallelProcess.terms(), &chosen(review.map(|r| &r.parallel_processes))))
            (theme_checkboxes("themes", "themes", "Themes", &chosen(review.map(|r| &r.themes))))
            (checkboxes("agencies", "Agencies involved", &Vocabulary::Agency.terms(), &chosen(review.map(|r| &r.agencies))))
            label for="keywords" { "Keywords (comma-separated)" }
            input #keywords type="text" name="keywords" value=(review.map(|r| r.keywords.join(", ")).unwrap_or_default());
        }
    }
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

/// `GET /my/reviews/{id}` (`?done=saved|published|withdrawn` after a change: a
/// confirmation above the review).
pub async fn edit_page(
    req: HttpRequest,
    path: web::Path<String>,
    SignedIn(principal): SignedIn,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let id = path.into_inner();
    let done = query_pairs(req.query_string())
        .into_iter()
        .find(|(k, _)| k == "done")
        .and_then(|(_, v)| Done::from_query(&v));
    let asking = principal.clone();
    match pool
        .run(move |service| service.editable_with_warnings(&asking, &id))
        .await
    {
        Ok(editable) => page(
            &editable.review.title,
            &config,
            &principal,
            StatusCode::OK,
            edit_body(&principal, &editable, done, None, &Typed::Nothing, None),
        ),
        Err(error) => page_for(error, &config),
    }
}

/// What the last change did, confirmed on the review screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Done {
    Saved,
    Published,
    Withdrawn,
}

impl Done {
    fn from_query(value: &str) -> Option<Done> {
        match value {
            "saved" => Some(Done::Saved),
            "published" => Some(Done::Published),
            "withdrawn" => Some(Done::Withdrawn),
            _ => None,
        }
    }

    fn query(self) -> &'static str {
        match self {
            Done::Saved => "saved",
            Done::Published => "published",
            Done::Withdrawn => "withdrawn",
        }
    }
}

/// A refused change, said in plain words: a heading and one line per problem.
struct Refusal {
    heading: &'static str,
    problems: Vec<String>,
}

/// What a form sent, shown again in its fields when the change is refused, so that
/// nothing typed is lost.
enum Typed {
    /// The review screen's save: the metadata changes, the summary and the findings.
    Edits {
        changes: Vec<(String, Option<serde_json::Value>)>,
        summary: String,
        lessons: Vec<Lesson>,
    },
    /// The publish form.
    Publish(PublishBody),
    /// A published review's files form: the files offered, the files confirmed.
    Files {
        public: Vec<usize>,
        anonymised: Vec<usize>,
    },
    /// Nothing to show again.
    Nothing,
}

/// `stored` with the metadata, summary and findings a refused save sent: each metadata
/// change that still reads as a review is kept (one that does not, say a list where
/// text is expected, leaves the stored value).
fn as_submitted(
    stored: &Review,
    changes: &[(String, Option<serde_json::Value>)],
    summary: &str,
    lessons: &[Lesson],
) -> Review {
    let mut shown = stored.clone();
    if let Ok(serde_json::Value::Object(mut object)) = serde_json::to_value(stored) {
        for (key, change) in changes {
            let mut trial = object.clone();
            match change {
                Some(value) => trial.insert(key.clone(), value.clone()),
                None => trial.remove(key),
            };
            if review_as_given(serde_json::Value::Object(trial.clone())).is_ok() {
                object = trial;
            }
        }
        if let Ok((review, _)) = review_as_given(serde_json::Value::Object(object)) {
            shown = review;
        }
    }
    shown.summary = summary.to_string();
    shown.lessons = lessons.to_vec();
    shown
}

/// The review screen. `typed` and `shown` (the review as a refused save sent it) fill
/// the forms with what was sent instead of what is stored.
fn edit_body(
    principal: &Principal,
    editable: &Editable,
    done: Option<Done>,
    refusal: Option<&Refusal>,
    typed: &Typed,
    shown: Option<&Review>,
) -> Markup {
    let csrf = principal.csrf.clone().unwrap_or_default();
    let (review, warnings): (&Review, &[Warning]) = (&editable.review, &editable.warnings);
    let form = shown.unwrap_or(review);
    let action = format!("/my/reviews/{}", review.id);
    let suggested = review.lessons.iter().filter(|l| l.suggested).count();
    let form_suggested = form.lessons.iter().filter(|l| l.suggested).count();
    html! {
        p.muted { code { (review.id) } " · revision " (review.revision) " · " (review.status.as_str()) }
        h1 { (review.title) }
        @if let Some(refusal) = refusal {
            div.error-list #problems role="alert" tabindex="-1" {
                h2 { (refusal.heading) }
                ol { @for problem in &refusal.problems { li { (problem) } } }
            }
        }
        @if let Some(done) = done {
            div.notice role="status" {
                p { strong { @match done { Done::Saved => "Saved.", Done::Published => "Published.", Done::Withdrawn => "Withdrawn." } }
                    @match done {
                        Done::Saved => { " Your changes are kept as revision " (review.revision) "." }
                        Done::Published => { " The review is published." }
                        Done::Withdrawn => { " The public now sees only the withdrawal notice." }
                    }
                }
            }
        }
        @match review.status {
            Status::Published => { (published_state(&csrf, &action, editable, typed)) }
            Status::Withdrawn => {
                h2 { "Withdrawn" }
                p { "Withdrawn on " (review.withdrawn_on.as_deref().map(human_date).unwrap_or_else(|| "an unknown date".into()))
                    @if let Some(reason) = &review.withdrawal_reason { ": " (reason) } "." }
            }
            Status::Draft => {}
        }
        @if review.summary.trim().is_empty() {
            div.notice role="status" { p { "No text was found in the documents (a scanned document?). Paste the executive summary below." } }
        }
        @if !warnings.is_empty() {
            div.error-list {
                h2 { "Check the anonymisation of the text (" (warnings.len()) ")" }
                ul { @for w in warnings { li { strong { (w.message) } ": “" (w.excerpt) "”" } } }
            }
        }
        form.stacked.wide method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            // Says that the metadata fields were sent (an unchecked box sends nothing).
            input type="hidden" name="metadata" value="1";
            (metadata_fields(Some(form), None))
            h2 { "Executive summary" }
            label for="summary" { "Text of the executive summary" }
            textarea #summary name="summary" rows="16" { (form.summary) }
            h2 { "Findings" }
            p { (form_suggested) " of " (form.lessons.len()) " findings are suggestions found in the text: confirm, edit or delete each one." }
            @for (i, lesson) in form.lessons.iter().enumerate() { (finding_fields(i, lesson)) }
            (finding_fields(form.lessons.len(), &Lesson { kind: "lesson".into(), level: "inter_agency".into(), ..Lesson::default() }))
            div.buttons {
                button type="submit" { "Save" }
                @if form_suggested > 0 {
                    button.secondary type="submit" name="confirm_all" value="true" { "Confirm all suggestions and save" }
                }
            }
        }
        (super::actions::action_plans(review, &csrf))
        @if review.status == Status::Draft {
            (publish_form(&csrf, &action, editable, suggested, match typed { Typed::Publish(body) => Some(body), _ => None }))
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

/// A published review's state, in place of the publish form: when, whether under
/// embargo, which files the public gets, and a form to change that (the same boxes and
/// per-file warnings as at publishing).
fn published_state(csrf: &str, action: &str, editable: &Editable, typed: &Typed) -> Markup {
    let review = &editable.review;
    // A file already public was confirmed anonymised when it was made public.
    let (public, anonymised): (Vec<usize>, Vec<usize>) = match typed {
        Typed::Files { public, anonymised } => (public.clone(), anonymised.clone()),
        _ => {
            let public: Vec<usize> = (1..=review.files.len())
                .filter(|n| review.files[n - 1].public)
                .collect();
            (public.clone(), public)
        }
    };
    html! {
        section.published-state aria-labelledby="published-heading" {
            h2 #published-heading { "Published" }
            p {
                @if let Some(on) = &review.published_on { "Published " (human_date(on)) ". " }
                @match (&review.embargo_until, review.is_public_now()) {
                    (Some(day), false) => { "Under embargo: the public sees it from " (human_date(day)) "." }
                    _ => { a href={"/reviews/" (review.id)} { "See the public page" } "." }
                }
            }
            (public_gets(review))
            @if !review.files.is_empty() {
                form.stacked.wide method="post" action={(action) "/files"} {
                    input type="hidden" name="csrf" value=(csrf);
                    fieldset {
                        legend { h3 { "Change which files the public gets" } }
                        p { "Each file stays private (your board and administrators only) unless you offer it to the public and confirm that it is anonymised. The checks below were run on each file's own text, which the public would download." }
                        (file_choices(editable, &public, &anonymised))
                    }
                    button type="submit" { "Save the public files" }
                }
            }
        }
    }
}

/// "The public will get: no files" or the names of the files marked public.
fn public_gets(review: &Review) -> Markup {
    let public: Vec<&lessons_model::FileRef> = review.files.iter().filter(|f| f.public).collect();
    html! {
        p.public-gets {
            strong { "The public will get: " }
            @if public.is_empty() { "no files" @if !review.files.is_empty() { " (every original file is private to your board and administrators)" } "." }
            @else {
                @for (i, file) in public.iter().enumerate() { @if i > 0 { ", " } (file.filename) }
                "."
            }
        }
    }
}

/// The publish form: each original file with the warnings found in its own text and
/// its two boxes (offer it to the public; confirm it is anonymised), the dates, and the
/// confirmation of the text's anonymisation.
fn publish_form(
    csrf: &str,
    action: &str,
    editable: &Editable,
    suggested: usize,
    typed: Option<&PublishBody>,
) -> Markup {
    let review = &editable.review;
    let stored_public: Vec<usize> = (1..=review.files.len())
        .filter(|n| review.files[n - 1].public)
        .collect();
    let (public, anonymised) = match typed {
        Some(body) => (body.public_files.clone(), body.anonymised_files.clone()),
        None => (stored_public, Vec::new()),
    };
    let published_on = match typed {
        Some(body) => body.published_on.clone(),
        None => review.published_on.clone(),
    };
    let embargo_until = match typed {
        Some(body) => body.embargo_until.clone(),
        None => review.embargo_until.clone(),
    };
    let text_checked = typed.is_some_and(|body| body.anonymisation_checked);
    html! {
        form.stacked.wide method="post" action={(action) "/publish"} {
            input type="hidden" name="csrf" value=(csrf);
            h2 { "Publish" }
            p { "Publishing needs every finding confirmed and the anonymisation checked." }
            @if suggested > 0 {
                p { strong { (suggested) @if suggested == 1 { " finding is" } @else { " findings are" } " still suggestions." } " Confirm, edit or delete them above and save first." }
            }
            fieldset {
                legend { h3 { "Original files" } }
                (public_gets(review))
                @if review.files.is_empty() {
                    p { "This review has no original files: the public gets its text only." }
                } @else {
                    p { "Each file stays private (your board and administrators only) unless you offer it to the public and confirm that it is anonymised. The checks below were run on each file's own text, which the public would download, not on the text you edited above." }
                }
                (file_choices(editable, &public, &anonymised))
            }
            label for="publish-published_on" { "Publication date" }
            p.hint #publish-published_on-hint { "Keep the date the review was first published; leave it empty to use today (or the end of the embargo)." }
            input #publish-published_on type="date" name="published_on" aria-describedby="publish-published_on-hint" value=(published_on.unwrap_or_default());
            label for="embargo" { "Embargo until (optional: the review stays hidden until this day)" }
            input #embargo type="date" name="embargo_until" value=(embargo_until.unwrap_or_default());
            div.check {
                input #anonymisation type="checkbox" name="anonymisation_checked" value="true" checked[text_checked];
                label for="anonymisation" { "I have checked that the text identifies no child, family member or professional" }
            }
            button type="submit" { "Publish" }
        }
    }
}

/// Each original file with the warnings found in its own text and its two boxes: offer
/// it to the public (ticked for the files in `public`, numbered from 1) and confirm it
/// is anonymised (ticked for those in `anonymised`).
fn file_choices(editable: &Editable, public: &[usize], anonymised: &[usize]) -> Markup {
    let review = &editable.review;
    let no_warnings: Vec<Warning> = Vec::new();
    html! {
        @for (i, file) in review.files.iter().enumerate() {
            @let n = i + 1;
            @let warnings = editable.file_warnings.get(i).unwrap_or(&no_warnings);
            div.file-choice {
                p {
                    strong { "File " (n) ": " (file.filename) }
                    " (" (Vocabulary::DocumentType.label(&file.document_type).unwrap_or(&file.document_type)) ") · "
                    a href={"/api/v1/reviews/" (review.id) "/files/" (n)} { "open file " (n) }
                }
                @if warnings.is_empty() {
                    p { "No likely identifying details were found in this file's text." }
                } @else {
                    p { strong { "Check file " (n) " (" (warnings.len()) " possible identifying details):" } }
                    ul { @for w in warnings { li { (w.message) ": “" (w.excerpt) "”" } } }
                }
                div.check {
                    input type="checkbox" id={"public-" (n)} name="public_file" value=(n) checked[public.contains(&n)];
                    label for={"public-" (n)} { "Offer file " (n) " (" (file.filename) ") to the public" }
                }
                div.check {
                    input type="checkbox" id={"anonymised-" (n)} name="anonymised_file" value=(n) checked[anonymised.contains(&n)];
                    label for={"anonymised-" (n)} { "I have checked that file " (n) " identifies no child, family member or professional" }
                }
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
            @if !lesson.id.is_empty() { input type="hidden" name={"id_" (i)} value=(lesson.id); }
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
            details.themes-choice open[!lesson.themes.is_empty()] {
                summary { "Themes of " @if is_new { "the new finding" } @else { "finding " (i + 1) } " (" (lesson.themes.len()) " chosen)" }
                (theme_checkboxes(&format!("themes_{i}"), &id("theme"), "Themes", &lesson.themes))
            }
            label for=(id("text")) { "Text" }
            textarea id=(id("text")) name={"text_" (i)} rows="4" { (lesson.text) }
        }
    }
}

/// `POST /my/reviews/{id}`: saves the metadata, summary and findings as a new revision
/// ("Confirm all suggestions and save" also confirms every finding kept).
pub async fn edit_submit(
    path: web::Path<String>,
    form: SignedInForm,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    // A post without the metadata fields (summary and findings only) keeps them.
    let changes = match field(&form.fields, "metadata") {
        Some("1") => metadata_changes(&form.fields),
        _ => Vec::new(),
    };
    let summary = summary_from_fields(&form.fields);
    let mut lessons = lessons_from_fields(&form.fields);
    if field(&form.fields, "confirm_all") == Some("true") {
        for lesson in &mut lessons {
            lesson.suggested = false;
        }
    }
    let typed = Typed::Edits {
        changes: changes.clone(),
        summary: summary.clone(),
        lessons: lessons.clone(),
    };
    save(
        path.into_inner(),
        form.principal,
        &pool,
        &config,
        (Done::Saved, "Your changes were not saved", Vec::new()),
        typed,
        move |service, principal, id| {
            service.amend_screen(principal, id, changes, summary, lessons)
        },
    )
    .await
}

/// `POST /my/reviews/{id}/files`: changes which original files of a published review
/// the public gets (the publish form's file boxes; the same rules), as a new revision.
pub async fn files_submit(
    path: web::Path<String>,
    form: SignedInForm,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let body = PublishBody::from_fields(&form.fields);
    let (public, anonymised) = (body.public_files, body.anonymised_files);
    let typed = Typed::Files {
        public: public.clone(),
        anonymised: anonymised.clone(),
    };
    save(
        path.into_inner(),
        form.principal,
        &pool,
        &config,
        (
            Done::Saved,
            "The public files were not changed",
            public.clone(),
        ),
        typed,
        move |service, principal, id| {
            service.change_public_files(principal, id, &public, &anonymised)
        },
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
    let typed = match &transition {
        Transition::Publish(body) => Typed::Publish(body.clone()),
        Transition::Withdraw(_) => Typed::Nothing,
    };
    let outcome = match &transition {
        Transition::Publish(body) => (
            Done::Published,
            "The review was not published",
            body.public_files.clone(),
        ),
        Transition::Withdraw(_) => (Done::Withdrawn, "The review was not withdrawn", Vec::new()),
    };
    save(
        path.into_inner(),
        form.principal,
        &pool,
        &config,
        outcome,
        typed,
        move |service, principal, id| service.transition(principal, id, transition),
    )
    .await
}

/// Runs `change` on review `id` (on the blocking pool), then shows the review screen
/// again with its confirmation; a refusal (422) stays on the review screen and says
/// what to do, numbered as the form numbers findings and files.
async fn save(
    id: String,
    principal: Principal,
    pool: &Pool,
    config: &SiteConfig,
    (done, heading, public_files): (Done, &'static str, Vec<usize>),
    typed: Typed,
    change: impl FnOnce(&Repository, &Principal, &str) -> ServiceResult<Review> + Send + 'static,
) -> HttpResponse {
    let asking = principal.clone();
    let result = pool
        .run(move |service| match change(service, &asking, &id) {
            Ok(review) => Ok(Ok(review.id)),
            Err(ServiceError::Invalid(errors)) => {
                let editable = service.editable_with_warnings(&asking, &id)?;
                let shown = match &typed {
                    Typed::Edits {
                        changes,
                        summary,
                        lessons,
                    } => Some(as_submitted(&editable.review, changes, summary, lessons)),
                    _ => None,
                };
                Ok(Err((editable, shown, errors, typed)))
            }
            Err(other) => Err(other),
        })
        .await;
    match result {
        Ok(Ok(id)) => see_other(&format!("/my/reviews/{id}?done={}", done.query())),
        Ok(Err((editable, shown, errors, typed))) => {
            let refusal = Refusal {
                heading,
                problems: errors
                    .0
                    .iter()
                    .map(|error| plain_problem(error, &public_files, &editable.review))
                    .collect(),
            };
            page(
                &editable.review.title,
                config,
                &principal,
                StatusCode::UNPROCESSABLE_ENTITY,
                edit_body(
                    &principal,
                    &editable,
                    None,
                    Some(&refusal),
                    &typed,
                    shown.as_ref(),
                ),
            )
        }
        Err(error) => page_for(error, config),
    }
}

/// One field error in plain words, with findings and files numbered as the form
/// numbers them ("Finding 3 is still a suggestion ...").
fn plain_problem(error: &FieldError, public_files: &[usize], review: &Review) -> String {
    let message = &error.message;
    if let Some((i, rest)) = indexed(&error.field, "lessons") {
        let n = i + 1;
        if let Some((j, _)) = indexed(rest, ".actions") {
            return format!("Action {} of finding {n} is still a suggestion read from the action plan: check it under Action plans and save it to confirm it.", j + 1);
        }
        return match rest {
            ".suggested" => format!("Finding {n} is still a suggestion: set “Keep?” to “Confirmed” (or edit or delete it) and save, or use “Confirm all suggestions and save”."),
            _ => format!("Finding {n}: {}{message}.", finding_part(rest)),
        };
    }
    if let Some((i, _)) = indexed(&error.field, "public_files") {
        return match public_files.get(i).and_then(|n| n.checked_sub(1).and_then(|at| review.files.get(at)).map(|f| (n, f))) {
            Some((n, file)) => format!("File {n} ({}) is offered to the public but not confirmed anonymised: tick “I have checked that file {n} identifies no one” as well, or leave the file private.", file.filename),
            None => format!("That file does not exist: {message}."),
        };
    }
    match error.field.as_str() {
        "anonymisation_checked" => "Tick “I have checked that the text identifies no child, family member or professional” to confirm the anonymisation check.".into(),
        "published_on" => format!("Publication date: {message}."),
        "embargo_until" => format!("Embargo: {message}."),
        "status" | "reason" => format!("{}.", capitalised(message)),
        "" => format!("{}.", capitalised(message)),
        field => format!("{}: {message}.", field_label(field)),
    }
}

/// `lessons[2].agency` as `(2, ".agency")` for `prefix` "lessons".
fn indexed<'a>(field: &'a str, prefix: &str) -> Option<(usize, &'a str)> {
    let rest = field.strip_prefix(prefix)?.strip_prefix('[')?;
    let (number, rest) = rest.split_once(']')?;
    Some((number.parse().ok()?, rest))
}

fn finding_part(rest: &str) -> &'static str {
    match rest.split(['.', '[']).find(|part| !part.is_empty()) {
        Some("kind") => "kind: ",
        Some("level") => "level: ",
        Some("agency") => "agency: ",
        Some("themes") => "themes: ",
        Some("text") => "text: ",
        _ => "",
    }
}

/// The form's label of a review field (its JSON name when the form has no such field).
fn field_label(field: &str) -> String {
    let name = field.split(['.', '[']).next().unwrap_or(field);
    let label = match name {
        "title" => "Title",
        "board" => "Board",
        "pseudonyms" => "Pseudonyms",
        "review_type" => "Review type",
        "methodology" => "Methodology",
        "incident" => "Incident",
        "child" | "children" => "The child",
        "abuse" => "Abuse",
        "incident_date" => "Incident date",
        "commissioned_on" => "Commissioned on",
        "completed_on" => "Completed on",
        "published_on" => "Publication date",
        "parallel_processes" => "Parallel processes",
        "themes" => "Themes",
        "agencies" => "Agencies involved",
        "keywords" => "Keywords",
        "summary" => "Executive summary",
        other => other,
    };
    label.to_string()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
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

/// A group of checkboxes, each label beside its own box.
fn checkboxes(name: &str, legend: &str, terms: &[Term], chosen: &[String]) -> Markup {
    html! {
        fieldset.choices {
            legend { (legend) }
            div.options {
                @for term in terms { (checkbox(name, &format!("{name}-{}", term.slug), term, chosen)) }
            }
        }
    }
}

/// The themes as checkboxes in their three groups, labelled.
fn theme_checkboxes(name: &str, id_prefix: &str, legend: &str, chosen: &[String]) -> Markup {
    html! {
        fieldset.choices {
            legend { (legend) }
            @for group in vocab::THEME_GROUPS {
                fieldset.choices.theme-group {
                    legend { (group.label) }
                    div.options {
                        @for theme in vocab::THEMES.iter().filter(|t| t.group == group.slug) {
                            (checkbox(name, &format!("{id_prefix}-{}", theme.slug), &Term { slug: theme.slug, label: theme.label }, chosen))
                        }
                    }
                }
            }
        }
    }
}

fn checkbox(name: &str, id: &str, term: &Term, chosen: &[String]) -> Markup {
    html! {
        div.check {
            input type="checkbox" id=(id) name=(name) value=(term.slug) checked[chosen.iter().any(|c| c == term.slug)];
            label for=(id) { (term.label) }
        }
    }
}

pub(super) fn page(
    title: &str,
    config: &SiteConfig,
    principal: &Principal,
    status: StatusCode,
    body: Markup,
) -> HttpResponse {
    let who = SignedInAs {
        email: &principal.email,
        csrf: principal.csrf.as_deref(),
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(layout_as(title, config, Section::Other, Some(who), body).into_string())
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}
