//! `/recurring` and `/recurring/{id}`: recurring lessons, the same practice point found
//! by several public reviews. The list ranks them (most reviews, most recent, rising),
//! filters them with a form of labelled vocabulary choices, and draws a small per-year
//! sparkline for each; a lesson's page gives the practice point, every member finding
//! verbatim grouped by year with its review, a per-year chart with the same figures in
//! a table, the agencies and themes involved and export links. A retired id answers
//! 410 with a link to its successor. Also the "Identified in N other reviews" line the
//! review page and lesson hits show, and the short lists for theme pages and /insights.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_model::vocab::{THEMES, THEME_GROUPS};
use lessons_model::Vocabulary;
use maud::{html, Markup};

use super::label;
use crate::http::blocking::Pool;
use crate::http::config::SiteConfig;
use crate::http::errors::{error_page, page_for};
use crate::http::layout::{layout, layout_as, Section};
use crate::http::session::{signed_in_as, Viewer};
use crate::service::recurring::{
    Recurrence, RecurringDetail, RecurringMember, RecurringPage, RecurringRequest, RecurringSort,
    RecurringSummary, YearCount,
};
use crate::service::requests::query_pairs;
use crate::service::{Repository, ServiceError};

/// An HTML page with status 200.
pub(crate) fn html_page(page: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page)
}

/// `GET /recurring`
pub async fn list(
    req: HttpRequest,
    Viewer(viewer): Viewer,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let pairs = query_pairs(req.query_string());
    let found = pool
        .run(move |service| {
            let request = service.recurring_request(&pairs)?;
            let page = service.recurring(&request)?;
            Ok((request, page))
        })
        .await;
    match found {
        Ok((request, page)) => {
            let body = render_list(&request, &page);
            let who = viewer.as_ref().map(signed_in_as);
            html_page(
                layout_as("Recurring lessons", &config, Section::Recurring, who, body)
                    .into_string(),
            )
        }
        Err(error) => page_for(error, &config),
    }
}

/// `GET /recurring/{id}`
pub async fn detail(
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
            let body = render_detail(&detail);
            let who = viewer.as_ref().map(signed_in_as);
            let title = detail.summary.label.clone();
            html_page(layout_as(&title, &config, Section::Recurring, who, body).into_string())
        }
        Err(error) => recurring_error(error, &id, &config),
    }
}

/// The members' boards by name rather than slug.
pub(crate) fn name_boards(service: &Repository, detail: &mut RecurringDetail) {
    let names = service.board_names();
    for member in &mut detail.members {
        if let Some(name) = names.get(&member.board) {
            member.board = name.clone();
        }
    }
}

/// A recurring lesson that is not there (404) or was retired (410, with its successor).
pub(crate) fn recurring_error(error: ServiceError, id: &str, config: &SiteConfig) -> HttpResponse {
    match error {
        ServiceError::NotFound(_) => error_page(
            StatusCode::NOT_FOUND,
            "Recurring lesson not found",
            &format!("There is no recurring lesson with the id {id}."),
            &[],
            config,
        ),
        ServiceError::Retired { successor, .. } => gone_page(id, successor.as_deref(), config),
        other => page_for(other, config),
    }
}

/// The 410 page of a retired recurring lesson, with a link to its successor.
fn gone_page(id: &str, successor: Option<&str>, config: &SiteConfig) -> HttpResponse {
    let body = html! {
        h1 { "Recurring lesson no longer listed" }
        p.lede { "The recurring lesson " code { (id) } " is no longer listed: its findings were regrouped when reviews were published, amended or withdrawn." }
        @if let Some(next) = successor {
            p { "Most of its findings are now in " a href={"/recurring/" (next)} { "recurring lesson " (next) } "." }
        } @else {
            p { "No recurring lesson carries on from it." }
        }
        p { a href="/recurring" { "See every recurring lesson" } "." }
    };
    HttpResponse::build(StatusCode::GONE)
        .content_type("text/html; charset=utf-8")
        .body(
            layout(
                "Recurring lesson no longer listed",
                config,
                Section::Recurring,
                body,
            )
            .into_string(),
        )
}

/// The query parameter of a sort.
fn sort_key(sort: RecurringSort) -> &'static str {
    match sort {
        RecurringSort::Reviews => "reviews",
        RecurringSort::Recent => "recent",
        RecurringSort::Rising => "rising",
    }
}

/// `/recurring` with `request`'s parameters (defaults left out).
pub(crate) fn recurring_url(request: &RecurringRequest, page: usize) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    if let Some(q) = request.q.as_deref().filter(|q| !q.trim().is_empty()) {
        serializer.append_pair("q", q);
    }
    for (key, values) in [
        ("theme", &request.theme),
        ("agency", &request.agency),
        ("level", &request.level),
        ("kind", &request.kind),
        ("region", &request.region),
    ] {
        for value in values {
            serializer.append_pair(key, value);
        }
    }
    if let Some(year) = request.year_from {
        serializer.append_pair("year_from", &year.to_string());
    }
    if let Some(year) = request.year_to {
        serializer.append_pair("year_to", &year.to_string());
    }
    if request.min_reviews > 2 {
        serializer.append_pair("min_reviews", &request.min_reviews.to_string());
    }
    if request.sort != RecurringSort::Reviews {
        serializer.append_pair("sort", sort_key(request.sort));
    }
    if page > 1 {
        serializer.append_pair("page", &page.to_string());
    }
    let query = serializer.finish();
    if query.is_empty() {
        "/recurring".to_string()
    } else {
        format!("/recurring?{query}")
    }
}

fn render_list(request: &RecurringRequest, page: &RecurringPage) -> Markup {
    let noun = if page.total == 1 {
        "recurring lesson"
    } else {
        "recurring lessons"
    };
    html! {
        h1 { "Recurring lessons" }
        p.lede { "The same practice point found again by reviews of different boards and years. Each recurring lesson groups findings of at least two published reviews that say the same thing, in whatever words. " a href="/help#recurring" { "How they are found" } "." }
        (filter_form(request))
        p role="status" {
            strong { (page.total) } " " (noun)
            " · " a href=(recurring_url(request, page.page).replacen("/recurring", "/api/v1/recurring", 1)) { "this list as JSON" }
            " · " a href=(list_export_url(request)) download { "every match as CSV" }
        }
        @if page.recurring.is_empty() && page.total > 0 {
            p { "There are no recurring lessons on page " (page.page) ". " a href=(recurring_url(request, 1)) { "Go to the first page" } "." }
        } @else if page.recurring.is_empty() {
            p { "No recurring lesson matches. Try fewer words or remove a filter." }
        } @else {
            ol.hits.recurring-list start=((page.page.max(1) - 1) * page.per_page + 1) {
                @for summary in &page.recurring { (summary_item(summary)) }
            }
        }
        (pagination(request, page))
    }
}

/// "First identified 2011, identified again in 4 reviews since".
pub(crate) fn first_identified(summary: &RecurringSummary) -> Markup {
    let again = summary.reviews.saturating_sub(1);
    html! {
        @if let Some(first) = summary.first_year {
            "First identified " (first) ", identified again in " (again) " " (if again == 1 { "review" } else { "reviews" }) " since"
        } @else {
            "Identified in " (summary.reviews) " reviews"
        }
    }
}

fn summary_item(summary: &RecurringSummary) -> Markup {
    html! {
        li.hit.recurring {
            h2 { a href={"/recurring/" (summary.id)} { (summary.label) } }
            p.meta {
                strong { (summary.reviews) " reviews" } " · " (summary.boards) " " (if summary.boards == 1 { "board" } else { "boards" })
                " · " (summary.findings) " findings · " (first_identified(summary))
            }
            div.recurring-row {
                p.snippet { (summary.text) }
                div.spark {
                    (sparkline(&summary.id, &summary.years))
                    @if let (Some(first), Some(last)) = (summary.first_year, summary.last_year) {
                        span.muted aria-hidden="true" { (first) @if last != first { "–" (last) } }
                    }
                }
            }
            @if !summary.themes.is_empty() {
                ul.tags aria-label="Themes" {
                    @for theme in summary.themes.iter().take(4) { li { (label(Vocabulary::Theme, theme)) } }
                }
            }
        }
    }
}

/// Every year from the first to the last of `years`, with 0 for a year without any.
fn every_year(years: &[YearCount]) -> Vec<(i32, usize)> {
    let first = years.iter().map(|y| y.year).min();
    let last = years.iter().map(|y| y.year).max();
    match (first, last) {
        (Some(first), Some(last)) => (first..=last)
            .map(|year| {
                let count = years
                    .iter()
                    .filter(|y| y.year == year)
                    .map(|y| y.count)
                    .sum();
                (year, count)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The figures of a per-year series in words, for a chart's text alternative.
fn years_in_words(series: &[(i32, usize)]) -> String {
    series
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(year, count)| format!("{year}: {count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A small bar per year, first to last year, with its figures as the text alternative.
fn sparkline(id: &str, years: &[YearCount]) -> Markup {
    let series = every_year(years);
    if series.is_empty() {
        return html! {};
    }
    let max = series.iter().map(|s| s.1).max().unwrap_or(1).max(1);
    let (bar, gap, height) = (8usize, 2usize, 28usize);
    let width = series.len() * (bar + gap) + gap;
    let title_id = format!("spark-{id}");
    html! {
        svg.sparkline role="img" aria-labelledby=(title_id) viewBox={"0 0 " (width) " " (height + 2)} width=(width) height=(height + 2) {
            title #(title_id) { "Reviews per year, " (series[0].0) " to " (series[series.len() - 1].0) ": " (years_in_words(&series)) }
            line x1="0" x2=(width) y1=(height + 1) y2=(height + 1) stroke="#505a5f" stroke-width="1" {}
            @for (i, (_, count)) in series.iter().enumerate() {
                @let h = if *count == 0 { 0 } else { (count * height / max).max(2) };
                @if h > 0 {
                    rect x=(gap + i * (bar + gap)) y=(height + 1 - h) width=(bar) height=(h) fill="#1d70b8" {}
                }
            }
        }
    }
}

fn filter_form(request: &RecurringRequest) -> Markup {
    let (min, max) = (
        lessons_index::params::YEAR_RANGE.start(),
        lessons_index::params::YEAR_RANGE.end(),
    );
    let first = |values: &[String]| values.first().cloned().unwrap_or_default();
    let theme = first(&request.theme);
    let agency = first(&request.agency);
    let region = first(&request.region);
    html! {
        form.insights-form.recurring-form action="/recurring" method="get" {
            div.fields {
                div {
                    label for="rq" { "Words" }
                    input #rq type="search" name="q" value=(request.q.clone().unwrap_or_default()) autocomplete="off";
                }
                div {
                    label for="theme" { "Theme" }
                    select #theme name="theme" {
                        option value="" selected[theme.is_empty()] { "Any theme" }
                        @for group in THEME_GROUPS {
                            optgroup label=(group.label) {
                                @for t in THEMES.iter().filter(|t| t.group == group.slug) {
                                    option value=(t.slug) selected[theme == t.slug] { (t.label) }
                                }
                            }
                        }
                    }
                }
                (vocabulary_select("agency", "Agency", "Any agency", Vocabulary::Agency, &agency))
                (vocabulary_select("region", "Region", "Any region", Vocabulary::Region, &region))
            }
            div.fields {
                (checkboxes("level", "Level", Vocabulary::Level, &request.level))
                (checkboxes("kind", "Kind of finding", Vocabulary::LessonKind, &request.kind))
                fieldset.years {
                    legend { "Years" }
                    label for="year_from" { "From" }
                    input #year_from type="number" name="year_from" inputmode="numeric" min=(min) max=(max) value=[request.year_from];
                    label for="year_to" { "to" }
                    input #year_to type="number" name="year_to" inputmode="numeric" min=(min) max=(max) value=[request.year_to];
                }
                div {
                    label for="sort" { "Order" }
                    select #sort name="sort" {
                        @for (sort, text) in [(RecurringSort::Reviews, "Most reviews"), (RecurringSort::Recent, "Most recently identified"), (RecurringSort::Rising, "Rising (more in recent years)")] {
                            option value=(sort_key(sort)) selected[request.sort == sort] { (text) }
                        }
                    }
                }
            }
            @if request.min_reviews > 2 { input type="hidden" name="min_reviews" value=(request.min_reviews); }
            button type="submit" { "Show recurring lessons" }
            " "
            a href="/recurring" { "Clear" }
        }
    }
}

fn vocabulary_select(
    name: &str,
    text: &str,
    any: &str,
    vocabulary: Vocabulary,
    chosen: &str,
) -> Markup {
    html! {
        div {
            label for=(name) { (text) }
            select #(name) name=(name) {
                option value="" selected[chosen.is_empty()] { (any) }
                @for term in vocabulary.terms() {
                    option value=(term.slug) selected[chosen == term.slug] { (term.label) }
                }
            }
        }
    }
}

fn checkboxes(name: &str, text: &str, vocabulary: Vocabulary, chosen: &[String]) -> Markup {
    html! {
        fieldset.checks {
            legend { (text) }
            @for term in vocabulary.terms() {
                @let id = format!("{name}-{}", term.slug);
                div.check {
                    input #(id) type="checkbox" name=(name) value=(term.slug) checked[chosen.iter().any(|c| c == term.slug)];
                    label for=(id) { (term.label) }
                }
            }
        }
    }
}

fn pagination(request: &RecurringRequest, page: &RecurringPage) -> Markup {
    let pages = page.total.div_ceil(page.per_page.max(1));
    let current = page.page.max(1);
    if pages <= 1 || current > pages {
        return html! {};
    }
    let first = current.saturating_sub(3).max(1);
    let last = (current + 3).min(pages);
    html! {
        nav.pagination aria-label="Pages of recurring lessons" {
            ul {
                @if current > 1 { li { a href=(recurring_url(request, current - 1)) rel="prev" { "Previous" } } }
                @for n in first..=last {
                    li {
                        @if n == current { span aria-current="page" { (n) } }
                        @else { a href=(recurring_url(request, n)) { (n) } }
                    }
                }
                @if current < pages { li { a href=(recurring_url(request, current + 1)) rel="next" { "Next" } } }
            }
            p.muted { "Page " (current) " of " (pages) }
        }
    }
}

/// The anchor of a finding id (`L3` of `scr-…#L3`).
pub(crate) fn anchor_of(finding_id: &str) -> &str {
    finding_id.rsplit('#').next().unwrap_or("")
}

/// The link to a finding on its review's page.
pub(crate) fn finding_url(member: &RecurringMember) -> String {
    format!(
        "/reviews/{}#{}",
        member.review_id,
        anchor_of(&member.finding_id)
    )
}

fn render_detail(detail: &RecurringDetail) -> Markup {
    let summary = &detail.summary;
    let series = every_year(&summary.years);
    let mut years: Vec<Option<i32>> = detail.members.iter().map(|m| m.year).collect();
    years.dedup();
    html! {
        p.muted { a href="/recurring" { "Recurring lessons" } " · " code { (summary.id) } }
        h1 { (summary.label) }
        p.lede {
            "Found by " strong { (summary.reviews) " reviews" } " of " (summary.boards) " " (if summary.boards == 1 { "board" } else { "boards" })
            " (" (summary.findings) " findings). " (first_identified(summary))
            @if let Some(last) = summary.last_year { ", most recently in " (last) } "."
        }
        h2 #point { "The practice point" }
        blockquote.practice-point { p { (summary.text) } }
        p.muted { "The finding that best represents the group, in its review's words." }
        p.actions {
            a.button-link href={"/recurring/" (summary.id) "/briefing"} { "Print a 7-minute briefing" }
        }
        @if !summary.agencies.is_empty() || !summary.themes.is_empty() {
            h2 #involved { "Agencies and themes involved" }
            dl.metadata {
                @if !summary.agencies.is_empty() {
                    dt { "Agencies" }
                    dd { (summary.agencies.iter().map(|a| label(Vocabulary::Agency, a)).collect::<Vec<_>>().join(", ")) }
                }
                @if !summary.levels.is_empty() {
                    dt { "Levels" }
                    dd { (summary.levels.iter().map(|l| label(Vocabulary::Level, l)).collect::<Vec<_>>().join(", ")) }
                }
                @if !summary.themes.is_empty() {
                    dt { "Themes" }
                    dd { ul.tags { @for theme in &summary.themes { li { a href={"/themes/" (theme)} { (label(Vocabulary::Theme, theme)) } } } } }
                }
            }
        }
        (per_year_chart(&series))
        h2 #members { "What the reviews said" }
        p { "Every finding in this recurring lesson, verbatim, oldest first." }
        @for year in &years {
            h3 { @match year { Some(y) => { (y) }, None => { "Year not recorded" } } }
            ul.findings {
                @for member in detail.members.iter().filter(|m| m.year == *year) {
                    (member_item(member))
                }
            }
        }
        h2 #download { "Download" }
        p.export-links {
            a href={"/api/v1/recurring/" (summary.id)} { "This recurring lesson and its findings as JSON" } ". "
            "This recurring lesson's findings as a file: "
            a href=(export_url("csv", Some(&summary.id))) download { "CSV" } " · "
            a href=(export_url("json", Some(&summary.id))) download { "JSON" } ". "
            "Every recurring lesson's findings: "
            a href=(export_url("csv", None)) download { "CSV" } " · "
            a href=(export_url("json", None)) download { "JSON" }
            " (" a href="/codebook" { "what the columns mean" } ")."
        }
    }
}

/// The export (one row per recurring lesson) of every match of `request`.
fn list_export_url(request: &RecurringRequest) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in request.to_pairs() {
        if key != "page" && key != "per_page" {
            serializer.append_pair(&key, &value);
        }
    }
    serializer.append_pair("format", "csv");
    format!("/api/v1/recurring/export?{}", serializer.finish())
}

/// The export of the members of recurring lesson `id`, or of every one.
fn export_url(format: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("/api/v1/recurring/export?what=members&format={format}&id={id}"),
        None => format!("/api/v1/recurring/export?what=members&format={format}"),
    }
}

fn member_item(member: &RecurringMember) -> Markup {
    let anchor = anchor_of(&member.finding_id);
    html! {
        li.finding {
            p {
                span.badge.kind { (label(Vocabulary::LessonKind, &member.kind)) }
                span class={"badge " (member.level)} { (label(Vocabulary::Level, &member.level)) }
                @if let Some(agency) = &member.agency { (label(Vocabulary::Agency, agency)) }
            }
            p { (member.text) }
            p.meta.muted {
                "From " a href=(finding_url(member)) { (member.review_title) span.visually-hidden { ", finding " (anchor) } }
                " · " (member.board)
                @if let Some(year) = member.year { " · " (year) }
                " · finding " (anchor)
            }
        }
    }
}

/// A bar chart of reviews per year with a table of the same figures.
fn per_year_chart(series: &[(i32, usize)]) -> Markup {
    let (Some(first), Some(last)) = (series.first(), series.last()) else {
        return html! {};
    };
    let max = series.iter().map(|s| s.1).max().unwrap_or(1).max(1);
    let (bar, gap, height, top, bottom) = (28usize, 8usize, 120usize, 16usize, 28usize);
    let width = series.len() * (bar + gap) + gap;
    html! {
        h2 #per-year { "Reviews per year" }
        div.chart-and-table {
            svg role="img" aria-labelledby="per-year-title" viewBox={"0 0 " (width) " " (height + top + bottom)} width=(width) height=(height + top + bottom) {
                title #per-year-title { "Reviews that made this point, per year, " (first.0) " to " (last.0) ": " (years_in_words(series)) "." }
                @for (i, (year, count)) in series.iter().enumerate() {
                    @let x = gap + i * (bar + gap);
                    @let h = count * height / max;
                    rect x=(x) y=(top + height - h) width=(bar) height=(h) fill="#1d70b8" {}
                    text x=(x + bar / 2) y=(top + height - h - 3) text-anchor="middle" font-size="11" fill="#0b0c0c" { (count) }
                    text x=(x + bar / 2) y=(top + height + 16) text-anchor="middle" font-size="10" fill="#0b0c0c" { "’" (format!("{:02}", year.rem_euclid(100))) }
                }
            }
            table {
                caption { "Reviews per year" }
                thead { tr { th scope="col" { "Year" } th scope="col" { "Reviews" } } }
                tbody { @for (year, count) in series { tr { th scope="row" { (year) } td { (count) } } } }
            }
        }
    }
}

/// "Identified in 3 other reviews since 2011", linking to the recurring lesson: shown
/// under a finding of a public review that belongs to one.
pub(crate) fn recurrence_line(recurrence: &Recurrence) -> Markup {
    let others = recurrence.reviews.saturating_sub(1);
    html! {
        p.recurrence {
            a href={"/recurring/" (recurrence.id)} {
                "Identified in " (others) " other " (if others == 1 { "review" } else { "reviews" })
                @if let Some(since) = recurrence.since { " since " (since) }
            }
        }
    }
}

/// A short list of top recurring lessons (theme pages, /insights), or nothing.
pub(crate) fn top_list(heading: &str, id: &str, top: &[RecurringSummary], more: &str) -> Markup {
    html! {
        @if !top.is_empty() {
            h2 #(id) { (heading) }
            ol.recurring-top {
                @for summary in top {
                    li {
                        a href={"/recurring/" (summary.id)} { (summary.label) }
                        " " span.muted {
                            "(" (summary.reviews) " reviews"
                            @if let Some(first) = summary.first_year { " since " (first) }
                            ")"
                        }
                    }
                }
            }
            p { a href=(more) { "More recurring lessons" } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_retired_id_answers_410_with_its_successor() {
        let config = SiteConfig::default();
        let retired = ServiceError::Retired {
            id: "rl-4".into(),
            successor: Some("rl-17".into()),
        };
        let response = recurring_error(retired, "rl-4", &config);
        assert_eq!(response.status(), StatusCode::GONE);
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("href=\"/recurring/rl-17\""), "{text}");
        let missing = recurring_error(ServiceError::NotFound("rl-9".into()), "rl-9", &config);
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn years_without_findings_count_zero() {
        let years = [
            YearCount {
                year: 2011,
                count: 2,
            },
            YearCount {
                year: 2014,
                count: 1,
            },
        ];
        let series = every_year(&years);
        assert_eq!(series, [(2011, 2), (2012, 0), (2013, 0), (2014, 1)]);
        assert_eq!(years_in_words(&series), "2011: 2, 2014: 1");
    }
}
