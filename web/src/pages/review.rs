//! `/reviews/{id}`: one public review: its metadata and timeliness, the executive
//! summary, and its findings grouped by level and agency, each with a citable anchor
//! (`#L3`).

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use lessons_model::dates::{parse_incident_date, today};
use lessons_model::review::month_name;
use lessons_model::{Lesson, Review, Vocabulary};
use maud::{html, Markup};

use super::label;
use super::recurring::recurrence_line;
use super::search::{hit_item, similar_url};
use crate::formats::citation::{suggested, Citable};
use crate::http::blocking::Pool;
use crate::http::conditional::conditional;
use crate::http::config::{permalink, SiteConfig};
use crate::http::errors::{bad_request_page, not_found_page, page_for, review_page_error};
use crate::http::layout::{layout_as, layout_with_head, Section};
use crate::http::session::{signed_in_as, Viewer};
use crate::service::recurring::Recurrence;
use crate::service::requests::query_pairs;
use crate::service::ServiceError;

/// The recurring lesson of each finding of `review` that belongs to one (none when the
/// review is not public).
type Recurrences = HashMap<String, Recurrence>;
use lessons_index::{Hit, View};

use super::action_plan::action_plan;
use super::citation_meta::citation_head;

/// `GET /reviews/{id}`
pub async fn review(
    req: HttpRequest,
    path: web::Path<String>,
    Viewer(viewer): Viewer,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let id = path.into_inner();
    let lookup = id.clone();
    let site = config.get_ref().clone();
    let permalink = permalink(&req, &id);
    // A review's page can be long: it is rendered on the blocking pool too.
    let page = pool
        .run(move |service| {
            let review = service.review_or_notice(viewer.as_ref(), &lookup)?;
            let board_name = service.board_name(&review.board);
            // Similar reviews are a help, not the page: a failure leaves them out.
            let similar = service.similar(&review.id).unwrap_or_default();
            let recurrences: Recurrences = if review.is_public_now() {
                review
                    .lessons
                    .iter()
                    .filter_map(|l| service.recurrence_of(&l.id).map(|r| (l.id.clone(), r)))
                    .collect()
            } else {
                Recurrences::new()
            };
            let body = page_body(&review, &board_name, &similar, &recurrences, &permalink);
            let head = citation_head(&review, &board_name, &permalink);
            let who = viewer.as_ref().map(signed_in_as);
            Ok(
                layout_with_head(&review.title, &site, Section::Other, who, head, body)
                    .into_string(),
            )
        })
        .await;
    match page {
        Ok(page) => conditional(&req, "text/html; charset=utf-8", page, None),
        Err(error) => review_page_error(error, &id, &config),
    }
}

/// A review's page: a notice when it is not public, the review, how to cite it and the
/// reviews like it.
fn page_body(
    review: &Review,
    board_name: &str,
    similar: &[Hit],
    recurrences: &Recurrences,
    permalink: &str,
) -> Markup {
    html! {
        @if !review.is_public_now() { (not_public_notice(review)) }
        (render(review, board_name, recurrences))
        @if review.is_public_now() { (cite_block(permalink, review, board_name)) }
        @if !similar.is_empty() {
            h2 #similar { "Reviews like this one" }
            ul {
                @for hit in similar {
                    li {
                        a href={"/reviews/" (hit.display.id)} { (hit.display.title) }
                        span.muted { " · " (hit.display.board_name) @if let Some(year) = hit.display.year { " · " (year) } }
                    }
                }
            }
        }
    }
}

fn render(review: &Review, board_name: &str, recurrences: &Recurrences) -> Markup {
    html! {
        p.muted { (board_name) @if let Some(year) = review.year() { " · " (year) } }
        h1 { (review.title) }
        (jump_to_lessons(review.lessons.len()))
        @if review.is_public_now() {
            p.briefing-link { a href={"/reviews/" (review.id) "/briefing"} { "Print a 7-minute briefing on this review" } }
        }
        (metadata(review, board_name))
        h2 #summary { "Executive summary" }
        div.summary-text {
            @for paragraph in review.summary.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                @if looks_like_heading(paragraph) { h3 { (paragraph) } } @else { p { (paragraph) } }
            }
        }
        (findings(review, recurrences))
    }
}

/// The suggested citation of a public review, with its RIS and BibTeX records.
fn cite_block(permalink: &str, review: &Review, board_name: &str) -> Markup {
    let cite = Citable::of_review(review, board_name, permalink);
    html! {
        h2 #cite { "Cite this review" }
        p.citation { (suggested(&cite)) }
        p {
            "Download the reference: "
            a href={"/api/v1/reviews/" (review.id) "/cite?format=ris"} { "RIS" } " · "
            a href={"/api/v1/reviews/" (review.id) "/cite?format=bibtex"} { "BibTeX" } "."
            @if let Some(anchor) = review.lessons.first().and_then(|l| l.id.rsplit_once('#')).map(|(_, a)| a) {
                " Each finding has its own permalink: its number (" a href={"#" (anchor)} { "#" (anchor) } ") links to it."
            }
        }
    }
}

/// Shown to the board when it looks at a review the public cannot see.
fn not_public_notice(review: &Review) -> Markup {
    html! {
        div.notice role="status" {
            p {
                strong { "Not public. " }
                @match (review.status, &review.embargo_until) {
                    (lessons_model::Status::Draft, _) => { "This is a draft (revision " (review.revision) "): only your board and administrators can see it." }
                    (lessons_model::Status::Withdrawn, _) => { "This review was withdrawn; the public sees only the withdrawal notice." }
                    (_, Some(day)) => { "This review is under embargo until " (human_date(day)) "; it will appear by itself on that day." }
                    _ => { "Only your board and administrators can see it." }
                }
            }
        }
    }
}

/// A short line without closing punctuation ("2. Background", "Key events") is a
/// section heading of the executive summary.
fn looks_like_heading(paragraph: &str) -> bool {
    paragraph.chars().count() <= 70
        && !paragraph.contains('\n')
        && !paragraph.ends_with(['.', ',', ';', ':', '?', '!', '"', ')'])
}

/// `2010-09-08` as "8 September 2010".
fn human_date(text: &str) -> String {
    match lessons_model::dates::parse_date(text) {
        Some(date) => format!(
            "{} {} {}",
            date.day(),
            month_name(date.month()),
            date.year()
        ),
        None => text.to_string(),
    }
}

fn metadata(review: &Review, board_name: &str) -> Markup {
    let children = review.all_children();
    html! {
        h2 #about { "About this review" }
        dl.metadata {
            dt { "Board" } dd { (board_name) }
            @if let Some(region) = &review.region { dt { "Region" } dd { (label(Vocabulary::Region, region)) } }
            dt { "Review type" } dd { (label(Vocabulary::ReviewType, &review.review_type)) }
            @if let Some(methodology) = &review.methodology { dt { "Methodology" } dd { (label(Vocabulary::Methodology, methodology)) } }
            dt { "Incident" } dd { (label(Vocabulary::Incident, &review.incident)) }
            @if !review.abuse.is_empty() { dt { "Abuse" } dd { (labels(Vocabulary::Abuse, &review.abuse)) } }
            @if !review.source_of_harm.is_empty() { dt { "Source of harm" } dd { (labels(Vocabulary::SourceOfHarm, &review.source_of_harm)) } }
            dt { @if children.len() > 1 { "Children" } @else { "Child" } }
            dd {
                @for (i, child) in children.iter().enumerate() {
                    @if i > 0 { "; " }
                    "Age " (label(Vocabulary::AgeBand, &child.age_band).to_lowercase()) ", " (label(Vocabulary::Sex, &child.sex).to_lowercase())
                }
            }
            @if let Some(date) = &review.incident_date { dt { "Incident date" } dd { (incident_date(date)) } }
            @if let Some(date) = &review.commissioned_on { dt { "Commissioned" } dd { (human_date(date)) } }
            @if let Some(date) = &review.completed_on { dt { "Completed" } dd { (human_date(date)) } }
            @if let Some(date) = &review.published_on { dt { "Published" } dd { (human_date(date)) } }
            dt { "Timeliness" } dd { (timeliness(review)) }
            @if !review.parallel_processes.is_empty() { dt { "Parallel processes" } dd { (labels(Vocabulary::ParallelProcess, &review.parallel_processes)) } }
            @if let Some(grade) = &review.ofsted_grade { dt { "Ofsted evaluation" } dd { (label(Vocabulary::OfstedGrade, grade)) } }
            @if !review.themes.is_empty() {
                dt { "Themes" }
                dd {
                    ul.tags {
                        @for theme in &review.themes {
                            li { a href={"/search?theme=" (theme)} { (label(Vocabulary::Theme, theme)) } }
                        }
                    }
                }
            }
            @if !review.agencies.is_empty() { dt { "Agencies involved" } dd { (labels(Vocabulary::Agency, &review.agencies)) } }
            @if !review.keywords.is_empty() { dt { "Keywords" } dd { (review.keywords.join(", ")) } }
            // Only the files the depositor offered to the public, even to the board.
            @if review.files.iter().any(|f| f.public) {
                dt { "Documents" }
                dd { ul.documents { @for file in review.files.iter().filter(|f| f.public) {
                    li { a href={"/api/v1/reviews/" (review.id) "/files/" (file.number)} { (file.filename) } " (" (label(Vocabulary::DocumentType, &file.document_type)) ")" }
                } } }
            }
            dt { "Citable id" } dd { code { (review.id) } }
        }
    }
}

fn labels(vocabulary: Vocabulary, slugs: &[String]) -> String {
    slugs
        .iter()
        .map(|s| label(vocabulary, s))
        .collect::<Vec<_>>()
        .join(", ")
}

fn incident_date(text: &str) -> String {
    match (text.len(), parse_incident_date(text)) {
        (7, Some(date)) => format!("{} {}", month_name(date.month()), date.year()),
        _ => human_date(text),
    }
}

fn timeliness(review: &Review) -> Markup {
    html! {
        @match review.timeliness() {
            Some((months, true)) => {
                "Completed in " (months) " " (plural(months, "month")) " from the decision to initiate the review: "
                span.over { "over the six-month target" }
            }
            Some((months, false)) => {
                "Completed in " (months) " " (plural(months, "month")) " from the decision to initiate the review: within the six-month target"
            }
            None => "Not known (commissioning or completion date missing)",
        }
    }
}

/// A link near the top to the findings, which start far down a long review's page.
fn jump_to_lessons(count: usize) -> Markup {
    html! {
        @match count {
            0 => {}
            1 => p.jump { a href="#lessons" { "Jump to the lesson" } }
            n => p.jump { a href="#lessons" { "Jump to the " (n) " lessons" } }
        }
    }
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn findings(review: &Review, recurrences: &Recurrences) -> Markup {
    let public = review.is_public_now();
    let inter: Vec<&Lesson> = review
        .lessons
        .iter()
        .filter(|l| l.level == "inter_agency")
        .collect();
    let individual: Vec<&Lesson> = review
        .lessons
        .iter()
        .filter(|l| l.level != "inter_agency")
        .collect();
    let mut agencies: Vec<String> = individual.iter().filter_map(|l| l.agency.clone()).collect();
    agencies.sort_by_key(|a| label(Vocabulary::Agency, a));
    agencies.dedup();
    let without_agency: Vec<&Lesson> = individual
        .iter()
        .copied()
        .filter(|l| l.agency.is_none())
        .collect();
    html! {
        h2 #lessons { "Lessons and recommendations" }
        @if review.lessons.is_empty() { p { "This review has no recorded findings." } }
        @if !inter.is_empty() {
            h3 #inter-agency { "Inter-agency (" (inter.len()) ")" }
            ul.findings { @for lesson in &inter { (finding(lesson, public, recurrences.get(&lesson.id))) } }
        }
        @if !individual.is_empty() {
            h3 #individual { "Individual agency (" (individual.len()) ")" }
            @for agency in &agencies {
                h4 { (label(Vocabulary::Agency, agency)) }
                ul.findings {
                    @for lesson in individual.iter().filter(|l| l.agency.as_ref() == Some(agency)) { (finding(lesson, public, recurrences.get(&lesson.id))) }
                }
            }
            @if !without_agency.is_empty() {
                h4 { "Agency not stated" }
                ul.findings { @for lesson in &without_agency { (finding(lesson, public, recurrences.get(&lesson.id))) } }
            }
        }
    }
}

fn finding(lesson: &Lesson, public: bool, recurrence: Option<&Recurrence>) -> Markup {
    let anchor = lesson.id.rsplit('#').next().unwrap_or("");
    html! {
        li.finding #(anchor) {
            p {
                span.badge.kind { (label(Vocabulary::LessonKind, &lesson.kind)) }
                a href={"#" (anchor)} aria-label={"Link to finding " (anchor)} { (anchor) }
            }
            p { (lesson.text) }
            (action_plan(lesson, today()))
            @if !lesson.themes.is_empty() {
                ul.tags aria-label="Themes" {
                    @for theme in &lesson.themes { li { (label(Vocabulary::Theme, theme)) } }
                }
            }
            @if let Some(recurrence) = recurrence.filter(|_| public) { (recurrence_line(recurrence)) }
            @if public {
                p.more { a href=(similar_url(&lesson.id)) { "Lessons like this one" span.visually-hidden { " (" (anchor) ")" } } }
            }
        }
    }
}

/// `GET /similar?to=<finding id>`: findings of other public reviews most like one
/// finding of a public review.
pub async fn similar_lessons(
    req: HttpRequest,
    viewer: Viewer,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let Some(id) = query_pairs(req.query_string())
        .into_iter()
        .find(|(key, _)| key == "to")
        .map(|(_, value)| value)
    else {
        return bad_request_page(
            "Which finding?",
            "Give the finding to compare as ?to=<review id>#L<n>, or follow a \"Lessons like this one\" link from a review.",
            &config,
        );
    };
    let lookup = id.clone();
    let found = pool
        .run(move |service| {
            let similar = service.similar_findings(&lookup)?;
            let recurrences = super::search::recurrences_of(service, &similar.hits);
            Ok((similar, recurrences))
        })
        .await;
    let (similar, recurrences) = match found {
        Ok(similar) => similar,
        Err(ServiceError::NotFound(_)) => {
            return not_found_page(
                "Finding not found",
                &format!("There is no finding {id} in a published review."),
                &config,
            )
        }
        Err(error) => return page_for(error, &config),
    };
    let (review, lesson, hits) = (&similar.review, &similar.lesson, &similar.hits);
    let anchor = lesson.id.rsplit('#').next().unwrap_or("");
    let body = html! {
        h1 { "Lessons like this one" }
        p.lede { "Findings of other reviews that use the most similar words to finding " (anchor) " of "
            a href={"/reviews/" (review.id) "#" (anchor)} { (review.title) } ":" }
        blockquote { p { (lesson.text) } }
        @if hits.is_empty() {
            p { "No other published finding is close enough to list." }
        } @else {
            ol.hits { @for hit in hits { (hit_item(View::Lessons, hit, recurrences.get(&hit.display.id))) } }
        }
    };
    let page = layout_as(
        "Lessons like this one",
        &config,
        Section::Lessons,
        viewer.who(),
        body,
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page.into_string())
}
