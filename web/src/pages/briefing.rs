//! Printable "7-minute briefings" for team meetings: `/recurring/{id}/briefing` (what
//! keeps happening) and `/reviews/{id}/briefing` (what happened), each on one page:
//! what happened, why it matters, what the reviews said (verbatim, cited by review
//! title, board, year and finding id), what to do differently (the recommendations
//! among the findings) and questions for reflection, chosen by the themes involved from
//! [`super::briefing_questions`]. The print stylesheet (`@media print` in site.css)
//! drops the header, footer and links bar and keeps it to one or two A4 pages. Only
//! public reviews and public findings appear.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use lessons_model::theme_notes::theme_description;
use lessons_model::{Lesson, Review, Vocabulary};
use maud::{html, Markup};

use super::briefing_questions::questions_for;
use super::label;
use super::recurring::{anchor_of, html_page, name_boards, recurring_error};
use crate::http::blocking::Pool;
use crate::http::config::{site_url, SiteConfig};
use crate::http::errors::review_page_error;
use crate::http::layout::{layout_as, Section};
use crate::http::session::{signed_in_as, Viewer};
use crate::service::recurring::{Recurrence, RecurringDetail, RecurringMember};
use crate::service::ServiceError;

/// Findings quoted under "What the reviews said".
const QUOTES: usize = 4;
/// Recommendations listed under "What to do differently".
const RECOMMENDATIONS: usize = 4;
/// Questions for reflection.
const QUESTIONS: usize = 4;
/// Characters of a review's executive summary under "What happened".
const SUMMARY_CHARS: usize = 700;

/// `GET /recurring/{id}/briefing`
pub async fn recurring_briefing(
    req: HttpRequest,
    path: web::Path<String>,
    Viewer(viewer): Viewer,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let id = path.into_inner();
    let lookup = id.clone();
    let found = pool
        .run(move |service| {
            let mut detail = service.recurring_lesson(&lookup)?;
            name_boards(service, &mut detail);
            Ok(detail)
        })
        .await;
    match found {
        Ok(detail) => {
            let source = format!("{}/recurring/{}", site_url(&req), detail.summary.id);
            let body = recurring_body(&detail, &source);
            let title = format!("Briefing: {}", detail.summary.label);
            html_page(
                layout_as(
                    &title,
                    &config,
                    Section::Other,
                    viewer.as_ref().map(signed_in_as),
                    body,
                )
                .into_string(),
            )
        }
        Err(error) => recurring_error(error, &id, &config),
    }
}

/// `GET /reviews/{id}/briefing`: public reviews only (a board sees its draft's page,
/// not a briefing of it).
pub async fn review_briefing(
    req: HttpRequest,
    path: web::Path<String>,
    Viewer(viewer): Viewer,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let id = path.into_inner();
    let lookup = id.clone();
    let found = pool
        .run(move |service| {
            let review = service.review_or_notice(None, &lookup)?;
            if !review.is_public_now() {
                return Err(ServiceError::NotFound(lookup));
            }
            let board = service.board_name(&review.board);
            let recurrences: HashMap<String, Recurrence> = review
                .lessons
                .iter()
                .filter_map(|l| service.recurrence_of(&l.id).map(|r| (l.id.clone(), r)))
                .collect();
            Ok((review, board, recurrences))
        })
        .await;
    match found {
        Ok((review, board, recurrences)) => {
            let source = format!("{}/reviews/{}", site_url(&req), review.id);
            let body = review_body(&review, &board, &recurrences, &source);
            let title = format!("Briefing: {}", review.title);
            html_page(
                layout_as(
                    &title,
                    &config,
                    Section::Other,
                    viewer.as_ref().map(signed_in_as),
                    body,
                )
                .into_string(),
            )
        }
        Err(error) => review_page_error(error, &id, &config),
    }
}

/// Themes by how many of `lists` carry them, most first (ties in first-seen order).
fn ranked_themes<'a>(lists: impl Iterator<Item = &'a [String]>) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for list in lists {
        for theme in list {
            match counts.iter_mut().find(|(t, _)| t == theme) {
                Some((_, n)) => *n += 1,
                None => counts.push((theme.clone(), 1)),
            }
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts.into_iter().map(|(t, _)| t).collect()
}

/// The first paragraphs of `text` up to about `max` characters, cut at a sentence end.
fn opening(text: &str, max: usize) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        // Section headings of the summary ("Background") are left out.
        if !paragraph.ends_with(['.', '!', '?', '"', ')']) {
            continue;
        }
        for sentence in without_number(paragraph).split_inclusive(". ") {
            if out.chars().count() + sentence.chars().count() > max && !out.is_empty() {
                return out.trim_end().to_string();
            }
            if out.is_empty() {
                // The opening tells what happened, not who commissioned the review.
                if let Some(story) = story_of(sentence) {
                    out.push_str(&story);
                }
                continue;
            }
            out.push_str(sentence);
        }
        out.push(' ');
    }
    out.trim_end().to_string()
}

/// Words that make a sentence administrative (about the review, not the child).
const ADMINISTRATIVE: [&str; 13] = [
    "executive summary",
    "commissioned",
    "this summary",
    "this review",
    "the review concerns",
    "this report",
    "sets out the findings",
    "terms of reference",
    "independent author",
    "overview report",
    "it has been written",
    "to protect the",
    "was undertaken",
];

/// What a summary's first sentence says happened: the sentence itself, or, for an
/// administrative one ("X commissioned this review after Baby L was admitted..."), the
/// story it introduces ("Baby L was admitted..."), or nothing when it tells none.
fn story_of(sentence: &str) -> Option<String> {
    let lower = sentence.to_ascii_lowercase();
    if !ADMINISTRATIVE.iter().any(|word| lower.contains(word)) {
        return Some(sentence.to_string());
    }
    for marker in [" after ", " concerning ", " concerns ", " in respect of "] {
        let Some(at) = lower.find(marker) else {
            continue;
        };
        let rest = sentence[at + marker.len()..].trim_start();
        // "...concerning Child P, who was three..." tells "Child P was three...".
        let rest = if marker == " after " {
            rest.to_string()
        } else {
            rest.replacen(", who ", " ", 1)
        };
        let mut chars = rest.chars();
        let first = chars.next()?;
        return Some(first.to_uppercase().chain(chars).collect());
    }
    None
}

/// A paragraph without its section number ("1.2 The review…" as "The review…"; a
/// number with a dot only, so that "2010 saw…" keeps its year).
fn without_number(paragraph: &str) -> &str {
    match paragraph.split_once(' ') {
        Some((first, rest))
            if first.contains('.')
                && first.chars().all(|c| c.is_ascii_digit() || c == '.')
                && first.chars().next().is_some_and(|c| c.is_ascii_digit()) =>
        {
            rest.trim_start()
        }
        _ => paragraph,
    }
}

/// The frame shared by both briefings: heading, a links bar hidden in print, and the
/// source line at the foot.
fn frame(kicker: &str, title: &str, source: &str, back: &str, content: Markup) -> Markup {
    html! {
        article.briefing {
            p.briefing-kicker { (kicker) }
            h1 { (title) }
            p.no-print.briefing-tools {
                "Print this page (or save it as PDF) for a team meeting. "
                a href=(back) { "Back to the full page" } "."
            }
            (content)
            p.briefing-source {
                "Source: Lessons, the national repository of serious case review lessons. Every finding in full: " (source)
            }
        }
    }
}

fn quote_list(members: &[&RecurringMember]) -> Markup {
    html! {
        ol.briefing-quotes {
            @for member in members {
                li {
                    blockquote { p { "“" (member.text) "”" } }
                    p.cite {
                        "— " cite { (member.review_title) } ", " (member.board)
                        @if let Some(year) = member.year { ", " (year) }
                        ", finding " (anchor_of(&member.finding_id))
                    }
                }
            }
        }
    }
}

fn questions_section(themes: &[String]) -> Markup {
    html! {
        section.briefing-section {
            h2 { "Questions for reflection" }
            ol.briefing-questions {
                @for (theme, question) in questions_for(themes, QUESTIONS) {
                    li {
                        (question)
                        @if let Some(theme) = theme { " " span.muted { "(" (label(Vocabulary::Theme, &theme)) ")" } }
                    }
                }
            }
        }
    }
}

fn why_it_matters_themes(themes: &[String]) -> Markup {
    html! {
        @for theme in themes.iter().take(2) {
            @if let Some(text) = theme_description(theme) {
                p { strong { (label(Vocabulary::Theme, theme)) ". " } (text) }
            }
        }
    }
}

/// One finding per review (a lesson or good practice before a recommendation), newest
/// reviews first.
fn quotes_of(detail: &RecurringDetail) -> Vec<&RecurringMember> {
    let mut reviews: Vec<&str> = Vec::new();
    for member in detail.members.iter().rev() {
        if !reviews.contains(&member.review_id.as_str()) {
            reviews.push(&member.review_id);
        }
    }
    reviews
        .into_iter()
        .take(QUOTES)
        .filter_map(|review| {
            let of_review = || detail.members.iter().filter(move |m| m.review_id == review);
            of_review()
                .find(|m| m.kind != "recommendation")
                .or_else(|| of_review().next())
        })
        .collect()
}

fn recurring_body(detail: &RecurringDetail, source: &str) -> Markup {
    let summary = &detail.summary;
    let quotes = quotes_of(detail);
    let quoted = |m: &RecurringMember| quotes.iter().any(|q| q.finding_id == m.finding_id);
    let recommendations: Vec<&RecurringMember> = detail
        .members
        .iter()
        .rev()
        .filter(|m| m.kind == "recommendation" && !quoted(m))
        .take(RECOMMENDATIONS)
        .collect();
    let quoted_recommendations = quotes.iter().filter(|m| m.kind == "recommendation").count();
    let themes = ranked_themes(std::iter::once(summary.themes.as_slice()));
    let span = match (summary.first_year, summary.last_year) {
        (Some(first), Some(last)) if first != last => format!("between {first} and {last}"),
        (Some(year), _) => format!("in {year}"),
        _ => String::new(),
    };
    let agencies: Vec<String> = summary
        .agencies
        .iter()
        .map(|a| label(Vocabulary::Agency, a))
        .collect();
    let content = html! {
        section.briefing-section {
            h2 { "What keeps happening" }
            p { (summary.reviews) " serious case reviews by " (summary.boards) " " (if summary.boards == 1 { "board" } else { "boards" }) " " (span) " found the same thing:" }
            blockquote.practice-point { p { (summary.text) } }
        }
        section.briefing-section {
            h2 { "Why it matters" }
            p {
                "The point has been made " (summary.findings) " times in " (summary.reviews) " reviews"
                @if let Some(first) = summary.first_year { " since " (first) }
                ": each time a child was seriously harmed or died, and each time the review asked for it to be learnt."
                @if !agencies.is_empty() { " It concerns " (agencies.join(", ")) "." }
            }
            (why_it_matters_themes(&themes))
        }
        section.briefing-section {
            h2 { "What the reviews said" }
            (quote_list(&quotes))
        }
        section.briefing-section {
            h2 { "What to do differently" }
            @if recommendations.is_empty() && quoted_recommendations > 0 {
                p { "The reviews put this as a recommendation (" (quoted_recommendations) " of the findings quoted above). Agree in the meeting what it asks of your team, who will make it happen, and by when." }
            } @else if recommendations.is_empty() {
                p { "None of these findings is worded as a recommendation. Agree in the meeting what the practice point asks of your team, who will make it happen, and by when." }
            } @else {
                (quote_list(&recommendations))
            }
        }
        (questions_section(&themes))
    };
    frame(
        "7-minute briefing · recurring lesson",
        &summary.label,
        source,
        &format!("/recurring/{}", summary.id),
        content,
    )
}

/// A review's finding as a quote: the review's words, cited.
fn review_quote(review: &Review, board: &str, lesson: &Lesson) -> Markup {
    html! {
        li {
            blockquote { p { "“" (lesson.text) "”" } }
            p.cite {
                "— " cite { (review.title) } ", " (board)
                @if let Some(year) = review.year() { ", " (year) }
                ", finding " (anchor_of(&lesson.id))
            }
        }
    }
}

fn review_body(
    review: &Review,
    board: &str,
    recurrences: &HashMap<String, Recurrence>,
    source: &str,
) -> Markup {
    let lessons: Vec<&Lesson> = review
        .lessons
        .iter()
        .filter(|l| l.kind != "recommendation")
        .take(QUOTES)
        .collect();
    let recommendations: Vec<&Lesson> = review
        .lessons
        .iter()
        .filter(|l| l.kind == "recommendation")
        .take(RECOMMENDATIONS)
        .collect();
    let themes = ranked_themes(
        std::iter::once(review.themes.as_slice())
            .chain(review.lessons.iter().map(|l| l.themes.as_slice())),
    );
    let recurring: Vec<(&Lesson, &Recurrence)> = review
        .lessons
        .iter()
        .filter_map(|l| recurrences.get(&l.id).map(|r| (l, r)))
        .collect();
    let children = review.all_children();
    let content = html! {
        p.muted {
            (board) @if let Some(year) = review.year() { " · " (year) }
            " · " (label(Vocabulary::Incident, &review.incident))
            @for child in &children { " · child aged " (label(Vocabulary::AgeBand, &child.age_band).to_lowercase()) }
        }
        section.briefing-section {
            h2 { "What happened" }
            p { (opening(&review.summary, SUMMARY_CHARS)) }
        }
        section.briefing-section {
            h2 { "Why it matters" }
            @if recurring.is_empty() {
                p { "The review found " (review.lessons.len()) " points for practice. Read them as if the child had been known to your own service." }
            } @else {
                p { "This review is not alone. " (recurring.len()) " of its " (review.lessons.len()) " findings " (if recurring.len() == 1 { "makes" } else { "make" }) " a point other reviews have made too:" }
                ul {
                    @for (lesson, recurrence) in recurring.iter().take(3) {
                        li {
                            a href={"/recurring/" (recurrence.id)} { "Finding " (anchor_of(&lesson.id)) } ": identified in " (recurrence.reviews.saturating_sub(1)) " other "
                            (if recurrence.reviews == 2 { "review" } else { "reviews" })
                            @if let Some(since) = recurrence.since { " since " (since) }
                            "."
                        }
                    }
                }
            }
            (why_it_matters_themes(&themes))
        }
        section.briefing-section {
            h2 { "What the review said" }
            @if lessons.is_empty() { p { "The review records no lessons apart from its recommendations." } }
            @else { ol.briefing-quotes { @for lesson in &lessons { (review_quote(review, board, lesson)) } } }
        }
        section.briefing-section {
            h2 { "What to do differently" }
            @if recommendations.is_empty() {
                p { "The review records no recommendations. Agree in the meeting what its lessons ask of your team, and who will make it happen." }
            } @else {
                ol.briefing-quotes { @for lesson in &recommendations { (review_quote(review, board, lesson)) } }
            }
        }
        (questions_section(&themes))
    };
    frame(
        "7-minute briefing · serious case review",
        &review.title,
        source,
        &format!("/reviews/{}", review.id),
        content,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opening_tells_what_happened_not_who_commissioned_the_review() {
        let text = "1.1 Barsetshire LSCB commissioned this SCR in December 2007 after Baby L, aged 16 weeks, was admitted to hospital. The injuries were not accidental.";
        assert_eq!(
            opening(text, 1000),
            "Baby L, aged 16 weeks, was admitted to hospital. The injuries were not accidental."
        );
        let text = "This is the executive summary of a serious case review concerning Child P, who was three when he was admitted to hospital. He recovered.";
        assert_eq!(
            opening(text, 1000),
            "Child P was three when he was admitted to hospital. He recovered."
        );
        let text = "This summary sets out the findings of a review carried out by the board. Child S was found in March.";
        assert_eq!(opening(text, 1000), "Child S was found in March.");
    }

    #[test]
    fn the_opening_stops_at_a_sentence_and_skips_headings() {
        let text = "Background\n\nFirst sentence here. Second sentence is longer than that. Third.\n\nMore.";
        assert_eq!(opening(text, 25), "First sentence here.");
        assert!(opening(text, 1000).starts_with("First sentence here. Second"));
        assert!(!opening(text, 1000).contains("Background"));
        assert_eq!(
            opening("1.1 Baby N was seen. Then.", 12),
            "Baby N was seen."
        );
        assert_eq!(without_number("2. Background"), "Background");
        assert_eq!(without_number("2010 was a year."), "2010 was a year.");
        assert_eq!(without_number("Child A was 3."), "Child A was 3.");
    }

    #[test]
    fn themes_are_ranked_by_frequency() {
        let a = vec!["neglect".to_string()];
        let b = vec!["unseen_men".to_string(), "neglect".to_string()];
        let ranked = ranked_themes([a.as_slice(), b.as_slice()].into_iter());
        assert_eq!(ranked, ["neglect", "unseen_men"]);
    }
}
