//! `/search`: the search form, active filters, facets with counts (links that add or
//! remove a value), highlighted hits in either view, and paging. The same parameters as
//! `/api/v1/search`; bad ones answer a readable 422 page.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use lessons_index::{FacetCount, FacetName, Hit, SearchRequest, SearchResults, Sort, View};
use lessons_model::Vocabulary;
use maud::{html, Markup, PreEscaped};

use super::label;
use super::recurring::recurrence_line;
use crate::http::blocking::Pool;
use crate::http::config::{search_url, SiteConfig};
use crate::http::errors::page_for;
use crate::http::layout::{layout_as, Section};
use crate::http::session::Viewer;
use crate::service::recurring::Recurrence;
use crate::service::Repository;

/// Theme chips shown on a result; the rest are counted ("+6 more").
const MAX_THEME_CHIPS: usize = 4;

/// Facets shown open on the page.
const OPEN_FACETS: [FacetName; 3] = [FacetName::Theme, FacetName::Agency, FacetName::Level];

/// Facets of a finding's review, shown apart under "In reviews involving" (lessons view).
const REVIEW_FACETS: [FacetName; 2] = [FacetName::ReviewAgency, FacetName::ReviewTheme];

/// `GET /search`
pub async fn search(
    req: HttpRequest,
    viewer: Viewer,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let query = req.query_string().to_string();
    let found = pool
        .run(move |service| {
            let request = service.search_request(&query)?;
            let results = service.search(&request)?;
            let recurrences = match request.view {
                View::Lessons => recurrences_of(service, &results.hits),
                View::Reviews => HashMap::new(),
            };
            Ok((request, results, recurrences))
        })
        .await;
    match found {
        Ok((request, results, recurrences)) => {
            let title = if request.q.trim().is_empty() {
                "Search".to_string()
            } else {
                format!("{} – Search", request.q.trim())
            };
            let section = match request.view {
                View::Reviews => Section::Reviews,
                View::Lessons => Section::Lessons,
            };
            let body = render(&request, &results, &recurrences);
            let page = layout_as(&title, &config, section, viewer.who(), body);
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(page.into_string())
        }
        Err(error) => page_for(error, &config),
    }
}

/// The request with its year range turned round, when it ends before it starts.
fn swapped_years(request: &SearchRequest) -> Option<SearchRequest> {
    match (request.year_from, request.year_to) {
        (Some(from), Some(to)) if from > to => Some(SearchRequest {
            year_from: Some(to),
            year_to: Some(from),
            page: 1,
            ..request.clone()
        }),
        _ => None,
    }
}

/// The recurring lesson of each lesson hit that belongs to one, by finding id.
pub(crate) fn recurrences_of(service: &Repository, hits: &[Hit]) -> HashMap<String, Recurrence> {
    hits.iter()
        .filter(|hit| hit.display.review_id.is_some())
        .filter_map(|hit| {
            service
                .recurrence_of(&hit.display.id)
                .map(|r| (hit.display.id.clone(), r))
        })
        .collect()
}

fn render(
    request: &SearchRequest,
    results: &SearchResults,
    recurrences: &HashMap<String, Recurrence>,
) -> Markup {
    html! {
        h1 { @if request.view == View::Lessons { "Search lessons" } @else { "Search reviews" } }
        (form(request, true))
        (summary_line(request, results))
        @if let Some(corrected) = &results.did_you_mean {
            p.did-you-mean {
                "Did you mean "
                a href=(search_url(&SearchRequest { q: corrected.clone(), page: 1, ..request.clone() })) { q { (corrected) } }
                "?"
            }
        }
        (active_filters(request))
        @if results.total > 0 { (export_links(request, results.total)) }
        div.results-layout {
            section.results aria-labelledby="results-heading" {
                h2 #results-heading .visually-hidden { "Results" }
                @if results.hits.is_empty() && results.total > 0 {
                    p { "There are no results on page " (request.page) ". "
                        a href=(search_url(&SearchRequest { page: 1, ..request.clone() })) { "Go to the first page" } "." }
                } @else if let Some(swapped) = swapped_years(request).filter(|_| results.hits.is_empty()) {
                    p { "No results: no year is both from " (request.year_from.unwrap_or_default()) " and to " (request.year_to.unwrap_or_default()) ". "
                        a href=(search_url(&swapped)) { "Search the years the other way round" } "." }
                } @else if results.hits.is_empty() {
                    p { "No results. Try fewer words, another spelling, or remove a filter." }
                } @else {
                    ol.hits start=((request.page - 1) * request.per_page + 1) {
                        @for hit in results.hits.iter().filter(|h| !h.related) { (hit_item(request.view, hit, recurrences.get(&hit.display.id))) }
                    }
                    @if results.hits.iter().any(|h| h.related) {
                        h3.related-heading { "Related: no match, but about what the results above say" }
                        ul.hits.related {
                            @for hit in results.hits.iter().filter(|h| h.related) { (hit_item(request.view, hit, recurrences.get(&hit.display.id))) }
                        }
                    }
                }
                (pagination(request, results.total))
            }
            aside.facets #filters aria-labelledby="filter-heading" {
                h2 #filter-heading { "Filter results" }
                @for (facet, values) in results.facets.iter().filter(|(f, _)| !REVIEW_FACETS.contains(f)) {
                    (facet_block(request, *facet, values))
                }
                (review_facets(request, results))
            }
        }
    }
}

/// The search box, view and sort, keeping the active filters (and the year range) as
/// hidden fields.
pub fn search_form(request: &SearchRequest) -> Markup {
    form(request, false)
}

/// The search box, view and sort, and the year range as inputs when `years` is set.
fn form(request: &SearchRequest, years: bool) -> Markup {
    let (min, max) = (
        lessons_index::params::YEAR_RANGE.start(),
        lessons_index::params::YEAR_RANGE.end(),
    );
    html! {
        form.search-form action="/search" method="get" role="search" {
            label for="q" { "Search serious case reviews and their lessons" }
            div.row {
                input #q type="search" name="q" value=(request.q) autocomplete="off";
                button type="submit" { "Search" }
            }
            div.options {
                fieldset.radios {
                    legend { "Show" }
                    input #view-reviews type="radio" name="view" value="reviews" checked[request.view == View::Reviews];
                    label for="view-reviews" { "Reviews" }
                    input #view-lessons type="radio" name="view" value="lessons" checked[request.view == View::Lessons];
                    label for="view-lessons" { "Lessons" }
                }
                div {
                    label for="sort" { "Sort by" }
                    select #sort name="sort" {
                        @for (sort, text) in [(Sort::Relevance, "Relevance"), (Sort::Newest, "Newest first"), (Sort::Oldest, "Oldest first")] {
                            option value=(sort.key()) selected[request.sort == sort] { (text) }
                        }
                    }
                }
                @if years {
                    fieldset.years {
                        legend { "Years" }
                        label for="year_from" { "From" }
                        input #year_from type="number" name="year_from" inputmode="numeric" min=(min) max=(max) value=[request.year_from];
                        label for="year_to" { "to" }
                        input #year_to type="number" name="year_to" inputmode="numeric" min=(min) max=(max) value=[request.year_to];
                    }
                }
            }
            @for (facet, values) in &request.filters {
                @for value in values {
                    input type="hidden" name=(facet.key()) value=(value);
                }
            }
            @if !years {
                @if let Some(year) = request.year_from { input type="hidden" name="year_from" value=(year); }
                @if let Some(year) = request.year_to { input type="hidden" name="year_to" value=(year); }
            }
        }
    }
}

fn summary_line(request: &SearchRequest, results: &SearchResults) -> Markup {
    let noun = match (request.view, results.total) {
        (View::Reviews, 1) => "review",
        (View::Reviews, _) => "reviews",
        (View::Lessons, 1) => "lesson",
        (View::Lessons, _) => "lessons",
    };
    html! {
        p.lede role="status" {
            strong { (results.total) } " " (noun)
            @if !request.q.trim().is_empty() { " match " q { (request.q.trim()) } }
            @if request.view == View::Reviews {
                " · " a href=(search_url(&SearchRequest { view: View::Lessons, page: 1, ..request.clone() })) { "show lessons instead" }
            } @else {
                " · " a href=(search_url(&SearchRequest { view: View::Reviews, page: 1, ..request.clone() })) { "show reviews instead" }
            }
            " · " a href="#filters" { "filters" }
            " · " a href=(api_url(request)) { "this search as JSON" }
            " · " a href=(feed_url(request)) type="application/atom+xml" { "alerts (Atom feed)" }
        }
    }
}

/// Links that download every result of this search (not just this page).
fn export_links(request: &SearchRequest, total: u64) -> Markup {
    let url = |format: &str, extra: &str| {
        let whole = SearchRequest {
            page: 1,
            per_page: lessons_index::params::DEFAULT_PER_PAGE,
            ..request.clone()
        };
        let search = search_url(&whole);
        let joiner = if search.contains('?') { '&' } else { '?' };
        format!("{search}{joiner}format={format}{extra}").replacen("/search", "/api/v1/export", 1)
    };
    html! {
        p.export-links {
            "Download all " (total) " results: "
            a href=(url("csv", "")) download { "CSV" } " · "
            a href=(url("csv", "&bom=1")) download { "CSV for Excel" } " · "
            a href=(url("json", "")) download { "JSON" } " · "
            a href=(url("ndjson", "")) download { "NDJSON" } " · "
            a href=(url("ris", "")) download { "RIS" } " · "
            a href=(url("bibtex", "")) download { "BibTeX" }
            @if request.view == View::Lessons {
                " · " a href=(url("csv", "").replacen("view=lessons", "view=actions", 1)) download { "their actions (CSV)" }
            }
            " (" a href="/codebook" { "what the columns mean" } ")"
        }
        p.export-links {
            a href=(progress_url(request)) { "How far the recommendations in these results were followed through" }
        }
    }
}

/// The same search on `/progress` (its recommendations' action plans).
fn progress_url(request: &SearchRequest) -> String {
    let plain = SearchRequest {
        page: 1,
        per_page: lessons_index::params::DEFAULT_PER_PAGE,
        sort: lessons_index::Sort::Relevance,
        ..request.clone()
    };
    search_url(&plain).replacen("/search", "/progress", 1)
}

/// The same search as an Atom feed of new reviews.
fn feed_url(request: &SearchRequest) -> String {
    let plain = SearchRequest {
        page: 1,
        view: View::Reviews,
        ..request.clone()
    };
    search_url(&plain).replacen("/search", "/feeds/reviews.atom", 1)
}

/// The same search on the JSON API.
fn api_url(request: &SearchRequest) -> String {
    search_url(request).replacen("/search", "/api/v1/search", 1)
}

fn active_filters(request: &SearchRequest) -> Markup {
    let mut chips: Vec<(String, String)> = Vec::new();
    for (facet, values) in &request.filters {
        for value in values {
            let mut without = request.clone();
            without.page = 1;
            if let Some(list) = without.filters.get_mut(facet) {
                list.retain(|v| v != value);
                if list.is_empty() {
                    without.filters.remove(facet);
                }
            }
            chips.push((
                format!("{}: {}", facet.title(), value_label(*facet, value)),
                search_url(&without),
            ));
        }
    }
    if let Some(year) = request.year_from {
        chips.push((
            format!("From {year}"),
            search_url(&SearchRequest {
                year_from: None,
                page: 1,
                ..request.clone()
            }),
        ));
    }
    if let Some(year) = request.year_to {
        chips.push((
            format!("To {year}"),
            search_url(&SearchRequest {
                year_to: None,
                page: 1,
                ..request.clone()
            }),
        ));
    }
    html! {
        @if !chips.is_empty() {
            h2.visually-hidden { "Active filters" }
            ul.chips {
                @for (text, url) in &chips {
                    li { a href=(url) { (text) " " span aria-hidden="true" { "×" } span.visually-hidden { " (remove this filter)" } } }
                }
                li { a href=(search_url(&SearchRequest { q: request.q.clone(), view: request.view, sort: request.sort, ..SearchRequest::default() })) { "Clear all filters" } }
            }
        }
    }
}

fn value_label(facet: FacetName, value: &str) -> String {
    match facet.vocabulary() {
        Some(vocabulary) => label(vocabulary, value),
        None => value.to_string(),
    }
}

fn facet_block(request: &SearchRequest, facet: FacetName, values: &[FacetCount]) -> Markup {
    let chosen = request.filters.get(&facet).cloned().unwrap_or_default();
    let open = OPEN_FACETS.contains(&facet) || !chosen.is_empty();
    let mut values: Vec<&FacetCount> = values.iter().collect();
    if facet == FacetName::Year {
        values.sort_by(|a, b| b.value.cmp(&a.value));
    }
    html! {
        @if !values.is_empty() {
            details open[open] {
                summary { (facet.title()) }
                ul {
                    @for value in values {
                        @let active = chosen.contains(&value.value);
                        li.active[active] {
                            a href=(toggle_url(request, facet, &value.value)) {
                                @if active { span aria-hidden="true" { "✓ " } span.visually-hidden { "Remove filter: " } }
                                (value.label)
                            }
                            " " span.count { "(" (value.count) ")" }
                        }
                    }
                }
            }
        }
    }
}

/// The facets of a finding's review, as their own group: in the lessons view, or in
/// the reviews view while one of them filters (where they are the review's own tags).
fn review_facets(request: &SearchRequest, results: &SearchResults) -> Markup {
    let shown = request.view == View::Lessons
        || REVIEW_FACETS
            .iter()
            .any(|f| request.filters.contains_key(f));
    let facets: Vec<(FacetName, &[FacetCount])> = REVIEW_FACETS
        .iter()
        .filter_map(|facet| {
            let (_, values) = results.facets.iter().find(|(f, _)| f == facet)?;
            Some((*facet, values.as_slice()))
        })
        .filter(|(_, values)| !values.is_empty())
        .collect();
    html! {
        @if shown && !facets.is_empty() {
            div.facet-group role="group" aria-labelledby="review-facets-heading" {
                h3 #review-facets-heading { "In reviews involving" }
                @if request.view == View::Lessons {
                    p.muted { "Every finding of the reviews that record the agency or theme, whatever the finding itself is about." }
                }
                @for (facet, values) in facets {
                    (facet_block(request, facet, values))
                }
            }
        }
    }
}

fn toggle_url(request: &SearchRequest, facet: FacetName, value: &str) -> String {
    let mut next = request.clone();
    next.page = 1;
    let values = next.filters.entry(facet).or_default();
    if values.iter().any(|v| v == value) {
        values.retain(|v| v != value);
        if values.is_empty() {
            next.filters.remove(&facet);
        }
    } else {
        values.push(value.to_string());
    }
    search_url(&next)
}

pub(crate) fn hit_item(view: View, hit: &Hit, recurrence: Option<&Recurrence>) -> Markup {
    let review_url = match &hit.display.review_id {
        Some(review_id) => format!(
            "/reviews/{}#{}",
            review_id,
            hit.display.id.rsplit('#').next().unwrap_or("")
        ),
        None => format!("/reviews/{}", hit.display.id),
    };
    html! {
        li.hit {
            @if view == View::Lessons {
                p.meta {
                    @if let Some(kind) = &hit.display.kind { span.badge.kind { (label(Vocabulary::LessonKind, kind)) } }
                    @if let Some(level) = &hit.display.level { span class={"badge " (level)} { (label(Vocabulary::Level, level)) } }
                    @if let Some(agency) = &hit.display.agency { (label(Vocabulary::Agency, agency)) }
                    @if let Some(progress) = &hit.display.progress {
                        " · Progress: " (label(Vocabulary::Progress, progress))
                        @if hit.display.overdue == Some(true) { " (overdue)" }
                    }
                }
                p.snippet { (PreEscaped(&hit.snippet)) }
                p.meta {
                    "From " a href=(review_url) { (hit.display.title) } " · " (hit.display.board_name)
                    @if let Some(year) = hit.display.year { " · " (year) }
                    " · " a href=(similar_url(&hit.display.id)) { "lessons like this one" }
                }
                @if let Some(recurrence) = recurrence { (recurrence_line(recurrence)) }
            } @else {
                h3 { a href=(review_url) { (hit.display.title) } }
                p.meta {
                    (hit.display.board_name)
                    @if let Some(year) = hit.display.year { " · " (year) }
                    " · " (label(Vocabulary::Incident, &hit.display.incident))
                    @if let (Some(months), Some(over)) = (hit.display.duration_months, hit.display.over_six_months) {
                        " · " (duration_label(months, over))
                    }
                }
                p.snippet { (PreEscaped(&hit.snippet)) }
            }
            (theme_chips(&hit.display.themes))
        }
    }
}

/// How long a review took against the six-month target, from the decision to initiate
/// it to its completion: "completed in 10 months: over the six-month target".
pub(crate) fn duration_label(months: u32, over: bool) -> Markup {
    let unit = if months == 1 { "month" } else { "months" };
    html! {
        "completed in " (months) " " (unit) ": "
        @if over { span.over { "over the six-month target" } } @else { "within the six-month target" }
    }
}

/// A result's themes, the first few as chips and the rest counted. The themes come
/// in their stored order: a review's own before those its findings add.
fn theme_chips(themes: &[String]) -> Markup {
    let hidden = themes.len().saturating_sub(MAX_THEME_CHIPS);
    html! {
        @if !themes.is_empty() {
            ul.tags aria-label="Themes" {
                @for theme in themes.iter().take(MAX_THEME_CHIPS) { li { (label(Vocabulary::Theme, theme)) } }
                @if hidden > 0 { li.more { "+" (hidden) " more" span.visually-hidden { " themes" } } }
            }
        }
    }
}

fn pagination(request: &SearchRequest, total: u64) -> Markup {
    let pages = total.div_ceil(request.per_page as u64) as usize;
    if pages <= 1 || request.page > pages {
        return html! {};
    }
    let current = request.page;
    let first = current.saturating_sub(3).max(1);
    let last = (current + 3).min(pages);
    let at = |page: usize| {
        search_url(&SearchRequest {
            page,
            ..request.clone()
        })
    };
    html! {
        nav.pagination aria-label="Pages of results" {
            ul {
                @if current > 1 { li { a href=(at(current - 1)) rel="prev" { "Previous" } } }
                @for page in first..=last {
                    li {
                        @if page == current { span aria-current="page" { (page) } }
                        @else { a href=(at(page)) { (page) } }
                    }
                }
                @if current < pages { li { a href=(at(current + 1)) rel="next" { "Next" } } }
            }
            p.muted { "Page " (current) " of " (pages) }
        }
    }
}

/// The page of findings most like finding `id` (`<review id>#L<n>`).
pub(crate) fn similar_url(id: &str) -> String {
    format!(
        "/similar?to={}",
        form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    )
}
