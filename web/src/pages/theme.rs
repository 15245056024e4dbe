//! `/themes/{slug}`: what a theme covers, how many public reviews carry it each year (a
//! server-rendered SVG bar chart with the same figures in a table beside it), the
//! agencies most often involved, the newest lessons on it, and a link into search.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use lessons_index::{FacetCount, FacetName, SearchRequest, SearchResults, Sort, View};
use lessons_model::theme_notes::theme_description;
use lessons_model::vocab::{theme_by_slug, THEME_GROUPS};
use lessons_model::Vocabulary;
use maud::{html, Markup, PreEscaped};

use super::label;
use super::recurring::top_list;
use crate::http::blocking::Pool;
use crate::http::config::{search_url, SiteConfig};
use crate::http::errors::{not_found_page, page_for};
use crate::http::layout::{layout_as, Section};
use crate::http::session::Viewer;

/// Agencies listed on a theme page.
const TOP_AGENCIES: usize = 8;
/// Newest lessons listed on a theme page.
const LATEST_LESSONS: usize = 5;
/// Recurring lessons listed on a theme page.
const TOP_RECURRING: usize = 5;

/// `GET /themes/{slug}`
pub async fn theme(
    path: web::Path<String>,
    viewer: Viewer,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let slug = path.into_inner();
    let Some(theme) = theme_by_slug(&slug) else {
        return not_found_page(
            "Theme not found",
            &format!("There is no theme \"{slug}\"."),
            &config,
        );
    };
    let mut filters = BTreeMap::new();
    filters.insert(FacetName::Theme, vec![slug.clone()]);
    let reviews = SearchRequest {
        filters: filters.clone(),
        per_page: 1,
        ..SearchRequest::default()
    };
    let lessons = SearchRequest {
        filters,
        view: View::Lessons,
        sort: Sort::Newest,
        per_page: 100,
        ..SearchRequest::default()
    };
    let (asked_reviews, asked_lessons) = (reviews.clone(), lessons.clone());
    let recurring_pairs = vec![("theme".to_string(), slug.clone())];
    let found = pool
        .run(move |service| {
            // The recurring lessons are a help, not the page: a failure leaves them out.
            let recurring = service
                .recurring_request(&recurring_pairs)
                .and_then(|request| service.top_recurring(&request, TOP_RECURRING))
                .unwrap_or_default();
            Ok((
                service.search(&asked_reviews)?,
                service.search(&asked_lessons)?,
                recurring,
            ))
        })
        .await;
    let (review_results, lesson_results, recurring) = match found {
        Ok(found) => found,
        Err(error) => return page_for(error, &config),
    };
    // The filter also matches lessons of reviews tagged with the theme; list the
    // lessons that carry it themselves.
    let latest: Vec<&lessons_index::Hit> = lesson_results
        .hits
        .iter()
        .filter(|hit| hit.display.themes.contains(&slug))
        .take(LATEST_LESSONS)
        .collect();
    let group = THEME_GROUPS
        .iter()
        .find(|g| g.slug == theme.group)
        .map(|g| g.label)
        .unwrap_or("");
    let body = html! {
        p.muted { a href="/themes" { "Themes" } " · " (group) }
        h1 { (theme.label) }
        @if let Some(text) = theme_description(&slug) { p.lede { (text) } }
        p {
            strong { (review_results.total) } " published reviews carry this theme. "
            a href=(search_url(&SearchRequest { per_page: 20, ..reviews.clone() })) { "Search them" }
            " or " a href=(search_url(&SearchRequest { per_page: 20, sort: Sort::Relevance, ..lessons.clone() })) { "their lessons" } "."
        }
        @if !theme.synonyms.is_empty() {
            p.muted { "Searches for " (theme.synonyms.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join(", ")) " also find reviews with this theme." }
        }
        (reviews_per_year(facet(&review_results, FacetName::Year)))
        h2 { "Agencies most often involved" }
        @let agencies = facet(&review_results, FacetName::Agency);
        @if agencies.is_empty() { p { "None yet." } }
        @else {
            ol {
                @for agency in agencies.iter().take(TOP_AGENCIES) {
                    li { (label(Vocabulary::Agency, &agency.value)) " " span.muted { "(" (agency.count) " reviews)" } }
                }
            }
        }
        (top_list("Recurring lessons on this theme", "recurring", &recurring, &format!("/recurring?theme={slug}")))
        h2 { "Newest lessons" }
        @if latest.is_empty() { p { "None yet." } }
        @else {
            ul.hits {
                @for hit in &latest {
                    li.hit {
                        p { (PreEscaped(&hit.snippet)) }
                        p.meta {
                            a href=(lesson_url(hit)) { (hit.display.title) } " · " (hit.display.board_name)
                            @if let Some(year) = hit.display.year { " · " (year) }
                        }
                    }
                }
            }
        }
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(layout_as(theme.label, &config, Section::Themes, viewer.who(), body).into_string())
}

fn lesson_url(hit: &lessons_index::Hit) -> String {
    let review = hit
        .display
        .review_id
        .clone()
        .unwrap_or_else(|| hit.display.id.clone());
    let anchor = hit.display.id.rsplit('#').next().unwrap_or("");
    format!("/reviews/{review}#{anchor}")
}

fn facet(results: &SearchResults, name: FacetName) -> &[FacetCount] {
    results
        .facets
        .iter()
        .find(|(f, _)| *f == name)
        .map(|(_, values)| values.as_slice())
        .unwrap_or(&[])
}

/// A bar chart of reviews per year (every year from the first to the last, gaps as 0),
/// with a table of the same figures.
fn reviews_per_year(years: &[FacetCount]) -> Markup {
    let mut counts: Vec<(i32, u64)> = years
        .iter()
        .filter_map(|y| y.value.parse::<i32>().ok().map(|year| (year, y.count)))
        .collect();
    counts.sort();
    let (Some(first), Some(last)) = (counts.first().map(|c| c.0), counts.last().map(|c| c.0))
    else {
        return html! { h2 { "Reviews per year" } p { "No published reviews yet." } };
    };
    let series: Vec<(i32, u64)> = (first..=last)
        .map(|year| {
            (
                year,
                counts
                    .iter()
                    .find(|c| c.0 == year)
                    .map(|c| c.1)
                    .unwrap_or(0),
            )
        })
        .collect();
    let max = series.iter().map(|s| s.1).max().unwrap_or(1).max(1);
    let (bar, gap, height, top, bottom) = (28u64, 8u64, 160u64, 16u64, 28u64);
    let width = series.len() as u64 * (bar + gap) + gap;
    html! {
        h2 #per-year { "Reviews per year" }
        div.chart-and-table {
            svg role="img" aria-labelledby="per-year-title" viewBox={"0 0 " (width) " " (height + top + bottom)} width=(width) height=(height + top + bottom) {
                title #per-year-title { "Published reviews with this theme per year, " (first) " to " (last) "; the table gives the figures." }
                @for (i, (year, count)) in series.iter().enumerate() {
                    @let x = gap + i as u64 * (bar + gap);
                    @let h = count * height / max;
                    rect x=(x) y=(top + height - h) width=(bar) height=(h) fill="#1d70b8" {}
                    text x=(x + bar / 2) y=(top + height - h - 3) text-anchor="middle" font-size="11" fill="#0b0c0c" { (count) }
                    text x=(x + bar / 2) y=(top + height + 16) text-anchor="middle" font-size="10" fill="#0b0c0c" { "’" (format!("{:02}", year.rem_euclid(100))) }
                }
            }
            table {
                caption { "Published reviews per year" }
                thead { tr { th scope="col" { "Year" } th scope="col" { "Reviews" } } }
                tbody { @for (year, count) in &series { tr { th scope="row" { (year) } td { (count) } } } }
            }
        }
    }
}
