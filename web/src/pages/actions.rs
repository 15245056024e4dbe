//! Action plans as a board keeps them (DESIGN §10), without JavaScript: `/my/actions`
//! (the open actions of the board's reviews, by due date, each updatable in place), the
//! "Action plans" section of a review screen (each recommendation's actions, editable,
//! and a form to add one), and the two form posts behind them. A refused form comes
//! back with what was wrong and what was typed, so nothing is lost.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_model::dates::today;
use lessons_model::{Action, Review, Status, Vocabulary};
use maud::{html, Markup};

use super::action_plan::summary;
use super::deposit::page;
use super::label;
use crate::http::blocking::Pool;
use crate::http::config::SiteConfig;
use crate::http::errors::page_for;
use crate::http::session::{SignedIn, SignedInForm};
use crate::service::accounts::Principal;
use crate::service::actions::{ActionChanges, NewAction, OpenAction};
use crate::service::requests::query_pairs;
use crate::service::ServiceError;

/// `GET /my/actions[?sort=latest]`: the open actions of the board's reviews.
pub async fn my_actions(
    req: HttpRequest,
    SignedIn(principal): SignedIn,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let pairs = query_pairs(req.query_string());
    let latest_first = pairs.iter().any(|(k, v)| k == "sort" && v == "latest");
    let saved = pairs
        .iter()
        .find(|(k, _)| k == "saved")
        .map(|(_, v)| v.clone());
    let asking = principal.clone();
    match pool.run(move |service| service.open_actions(&asking)).await {
        Ok(mut open) => {
            if latest_first {
                open.reverse();
            }
            let csrf = principal.csrf.clone().unwrap_or_default();
            page(
                "Open actions",
                &config,
                &principal,
                StatusCode::OK,
                open_actions_body(&open, &csrf, latest_first, saved.as_deref()),
            )
        }
        Err(error) => page_for(error, &config),
    }
}

fn open_actions_body(
    open: &[OpenAction],
    csrf: &str,
    latest_first: bool,
    saved: Option<&str>,
) -> Markup {
    let today = today();
    let overdue = open.iter().filter(|o| o.action.is_overdue(today)).count();
    html! {
        h1 { "Open actions" }
        @if let Some(saved) = saved {
            div.notice role="status" { p { strong { "Saved." } " Action " (saved) " is updated." } }
        }
        p { (open.len()) " open action" @if open.len() != 1 { "s" } " on your board's recommendations; " (overdue) " overdue. "
            "Completed, superseded and not accepted actions are on each review's screen." }
        p { "Order: "
            @if latest_first { a href="/my/actions" { "earliest due first" } " · latest due first" }
            @else { "earliest due first · " a href="/my/actions?sort=latest" { "latest due first" } }
        }
        @for item in open {
            section.open-action aria-labelledby={"a-" (item.review_id) "-" (item.action.id)} {
                h2 #{"a-" (item.review_id) "-" (item.action.id)} {
                    (item.action.id) ": " (item.action.text)
                    @if item.action.is_overdue(today) { " " strong.overdue { "overdue" } }
                }
                p.muted { "Recommendation " (item.finding) " of " a href={"/my/reviews/" (item.review_id) "#action-plans"} { (item.review_title) } ": " (item.recommendation) }
                (action_form(&change_url(&item.review_id, &item.action.id), csrf, "/my/actions", &item.action, false))
            }
        }
    }
}

/// The "Action plans" section of a board's review screen: each recommendation's
/// actions (editable) and a form to add one. Nothing for a withdrawn review.
pub fn action_plans(review: &Review, csrf: &str) -> Markup {
    if review.status == Status::Withdrawn {
        return html! {};
    }
    let today = today();
    let back = format!("/my/reviews/{}", review.id);
    let recommendations: Vec<(usize, &lessons_model::Lesson)> = review
        .lessons
        .iter()
        .enumerate()
        .filter(|(_, l)| l.kind == "recommendation" && !l.id.is_empty())
        .collect();
    html! {
        h2 #action-plans { "Action plans" }
        @if recommendations.is_empty() {
            p { "This review has no saved recommendations yet: actions are kept for each recommendation." }
        }
        @for (i, lesson) in &recommendations {
            section.action-plan-edit {
                h3 { "Recommendation " (i + 1) }
                p { (lesson.text) }
                p.progress-summary { (summary(&lesson.actions, today)) }
                @for action in &lesson.actions {
                    details {
                        summary { (action.id) ": " (action.text) " (" (label(Vocabulary::ActionStatus, &action.status)) ")" @if action.suggested { " — suggested from the action plan: check and save to confirm" } }
                        (action_form(&change_url(&review.id, &action.id), csrf, &back, action, true))
                    }
                }
                details {
                    summary { "Add an action to recommendation " (i + 1) }
                    (action_form(&format!("/my/reviews/{}/findings/{}/actions", review.id, i + 1), csrf, &back, &Action { status: "planned".into(), ..Action::default() }, true))
                }
            }
        }
    }
}

fn change_url(review_id: &str, action_id: &str) -> String {
    format!("/my/reviews/{review_id}/actions/{action_id}")
}

/// The fields of one action, filled with `action`, posting to `url`; `full` adds the
/// text and lead agency (the review screen), else only progress is shown.
fn action_form(url: &str, csrf: &str, back: &str, action: &Action, full: bool) -> Markup {
    let key = format!(
        "{}-{}",
        url.trim_start_matches("/my/reviews/").replace('/', "-"),
        action.id
    );
    let id = |name: &str| format!("{key}-{name}");
    html! {
        form.stacked.action-form method="post" action=(url) {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="back" value=(back);
            @if full {
                label for=(id("text")) { "What will be done" }
                textarea id=(id("text")) name="text" rows="2" required { (action.text) }
                label for=(id("owner")) { "Lead agency" }
                select id=(id("owner")) name="owner" required {
                    option value="" { "Choose…" }
                    @for term in Vocabulary::Agency.terms() {
                        option value=(term.slug) selected[action.owner == term.slug] { (term.label) }
                    }
                }
            }
            label for=(id("due")) { "Due date" }
            input id=(id("due")) type="date" name="due" value=(action.due) required;
            label for=(id("status")) { "Status" }
            select id=(id("status")) name="status" {
                @for term in Vocabulary::ActionStatus.terms() {
                    option value=(term.slug) selected[action.status == term.slug] { (term.label) }
                }
            }
            label for=(id("evidence")) { "Evidence (what shows it was done, or why not)" }
            textarea id=(id("evidence")) name="evidence" rows="2" { (action.evidence.as_deref().unwrap_or("")) }
            button type="submit" { @if action.id.is_empty() { "Add the action" } @else { "Save " (action.id) } }
        }
    }
}

/// `POST /my/reviews/{id}/findings/{n}/actions`: adds an action from the form.
pub async fn add_submit(
    path: web::Path<(String, String)>,
    form: SignedInForm,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let (id, n) = path.into_inner();
    let typed = typed_action(&form);
    let new = NewAction {
        text: typed.text.clone(),
        owner: typed.owner.clone(),
        due: typed.due.clone(),
        status: typed.status.clone(),
        evidence: typed.evidence.clone(),
    };
    let url = format!("/my/reviews/{id}/findings/{n}/actions");
    let back = back_to(&form, &id);
    let principal = form.principal;
    let asking = principal.clone();
    let result = pool
        .run(move |service| service.add_action(&asking, &id, &n, new))
        .await;
    answer(result, &principal, &config, &url, &back, &typed, true)
}

/// `POST /my/reviews/{id}/actions/{action_id}`: changes an action from the form.
pub async fn change_submit(
    path: web::Path<(String, String)>,
    form: SignedInForm,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let (id, action_id) = path.into_inner();
    let mut typed = typed_action(&form);
    typed.id = action_id.clone();
    let full = form.field("text").is_some();
    let changes = ActionChanges {
        text: form.field("text").map(str::to_string),
        owner: form.field("owner").map(str::to_string),
        due: Some(typed.due.clone()),
        status: Some(typed.status.clone()),
        evidence: Some(typed.evidence.clone().unwrap_or_default()),
    };
    let url = change_url(&id, &action_id);
    let back = back_to(&form, &id);
    let principal = form.principal;
    let asking = principal.clone();
    let result = pool
        .run(move |service| service.change_action(&asking, &id, &action_id, changes))
        .await;
    answer(result, &principal, &config, &url, &back, &typed, full)
}

/// What the form sent, as an action (to show again after a refusal).
fn typed_action(form: &SignedInForm) -> Action {
    let get = |name: &str| form.field(name).unwrap_or_default().trim().to_string();
    let evidence = get("evidence").replace("\r\n", "\n");
    Action {
        text: get("text").replace("\r\n", "\n"),
        owner: get("owner"),
        due: get("due"),
        status: match get("status") {
            status if status.is_empty() => "planned".into(),
            status => status,
        },
        evidence: (!evidence.is_empty()).then_some(evidence),
        ..Action::default()
    }
}

/// Where to go back to: `/my/actions`, or the review's screen.
fn back_to(form: &SignedInForm, review_id: &str) -> String {
    match form.field("back") {
        Some("/my/actions") => "/my/actions".into(),
        _ => format!("/my/reviews/{review_id}"),
    }
}

/// See-other to `back` when saved; the form again with the problems when refused.
fn answer(
    result: Result<Action, ServiceError>,
    principal: &Principal,
    config: &SiteConfig,
    url: &str,
    back: &str,
    typed: &Action,
    full: bool,
) -> HttpResponse {
    match result {
        Ok(action) => {
            let location = if back == "/my/actions" {
                format!("/my/actions?saved={}", action.id)
            } else {
                format!("{back}?done=saved#action-plans")
            };
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish()
        }
        Err(ServiceError::Invalid(errors)) => {
            let csrf = principal.csrf.clone().unwrap_or_default();
            let body = html! {
                h1 { "The action was not saved" }
                div.error-list #problems role="alert" tabindex="-1" {
                    h2 { "Correct these and save again" }
                    ol { @for error in &errors.0 { li { strong { (field_name(&error.field)) } ": " (error.message) } } }
                }
                (action_form(url, &csrf, back, typed, full))
                p { a href=(back) { "Back without saving" } }
            };
            page(
                "The action was not saved",
                config,
                principal,
                StatusCode::UNPROCESSABLE_ENTITY,
                body,
            )
        }
        Err(error) => page_for(error, config),
    }
}

/// A form field's name as its label says it.
fn field_name(field: &str) -> &str {
    match field {
        "text" => "What will be done",
        "owner" => "Lead agency",
        "due" => "Due date",
        "status" => "Status",
        "evidence" => "Evidence",
        "finding" => "Recommendation",
        other => other,
    }
}
