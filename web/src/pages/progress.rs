//! `/progress?<search params>` (DESIGN §10): how far the recommendations among a
//! search's public matches were followed through, as SVG charts drawn on the server
//! with the same figures in tables (as `/insights`): recommendations by progress over
//! the years of publication, by the agency they are addressed to, and the share of
//! completed actions completed by their due date. `overdue` is a flag beside the
//! progress value, so it is counted apart and never stacked. Bad parameters answer a
//! readable 422 page. Figures come from `service::progress`.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use lessons_index::crosstab::NOT_RECORDED;
use lessons_index::export::ExportView;
use lessons_index::facets::OVERDUE;
use lessons_index::{CrossTab, FacetName, SearchRequest};
use lessons_model::dates::today;
use lessons_model::vocab::PROGRESS;
use lessons_model::Vocabulary;
use maud::{html, Markup};

use super::charts::{self, Band, Bar, Caption};
use super::label;
use crate::http::blocking::Pool;
use crate::http::config::{search_url, SiteConfig};
use crate::http::errors::page_for;
use crate::http::layout::{layout_as, Section};
use crate::http::session::Viewer;
use crate::service::progress::{ActionTally, ProgressFigures};

/// Agencies drawn in the chart (the most frequent; the table has them all).
const MAX_AGENCIES: usize = 12;

/// `GET /progress`
pub async fn progress(
    req: HttpRequest,
    viewer: Viewer,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let query = req.query_string().to_string();
    let found = pool
        .run(move |service| {
            let search = service.search_request(&query)?;
            service.progress_figures(&search)
        })
        .await;
    match found {
        Ok(figures) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(
                layout_as(
                    "Progress on recommendations",
                    &config,
                    Section::Insights,
                    viewer.who(),
                    render(&figures),
                )
                .into_string(),
            ),
        Err(error) => page_for(error, &config),
    }
}

/// The progress values that are states (every one but `overdue`), in order.
fn states() -> impl Iterator<Item = &'static lessons_model::vocab::Term> {
    PROGRESS.iter().filter(|t| t.slug != OVERDUE)
}

fn render(figures: &ProgressFigures) -> Markup {
    let total = figures.by_year.total;
    html! {
        h1 { "Progress on recommendations" }
        p.lede { "How far the recommendations of published reviews were acted on, from the action plans their boards report: for any search, by year of publication and by the agency a recommendation is addressed to." }
        (form(&figures.search))
        (summary(figures, total))
        @if total > 0 {
            (on_time_section(&figures.actions))
            (by_year_section(figures))
            (by_agency_section(figures))
        }
        (about())
    }
}

fn form(search: &SearchRequest) -> Markup {
    // Recommendations are what this page counts: that filter goes without saying.
    let only_recommendations = |facet: &FacetName, values: &Vec<String>| {
        *facet == FacetName::Kind && values == &["recommendation"]
    };
    let kept: Vec<(FacetName, &String)> = search
        .filters
        .iter()
        .filter(|(facet, _)| !matches!(facet, FacetName::Agency | FacetName::Theme))
        .filter(|(facet, values)| !only_recommendations(facet, values))
        .flat_map(|(facet, values)| values.iter().map(|v| (*facet, v)))
        .collect();
    html! {
        form.insights-form action="/progress" method="get" {
            div.fields {
                div {
                    label for="q" { "Words (optional)" }
                    input #q type="search" name="q" value=(search.q) autocomplete="off";
                }
                (filter_select(search, FacetName::Theme, Vocabulary::Theme))
                (filter_select(search, FacetName::Agency, Vocabulary::Agency))
                div {
                    label for="year_from" { "From year" }
                    input #year_from type="number" name="year_from" min="1900" max="2100" value=[search.year_from];
                }
                div {
                    label for="year_to" { "To year" }
                    input #year_to type="number" name="year_to" min="1900" max="2100" value=[search.year_to];
                }
            }
            @if !kept.is_empty() {
                p {
                    "Also filtered by "
                    @for (n, (facet, value)) in kept.iter().enumerate() {
                        @if n > 0 { "; " }
                        (facet.title()) ": " (value_label(*facet, value))
                    }
                    ". " a href="/progress" { "Start again without filters" } "."
                }
                @for (facet, value) in &kept { input type="hidden" name=(facet.key()) value=(value); }
            }
            button type="submit" { "Show" }
        }
    }
}

/// A select of a filter's values ("Any" first); several chosen values are kept hidden.
fn filter_select(search: &SearchRequest, facet: FacetName, vocabulary: Vocabulary) -> Markup {
    let chosen = search.filters.get(&facet).cloned().unwrap_or_default();
    let id = format!("filter-{}", facet.key());
    html! {
        @if chosen.len() > 1 {
            @for value in &chosen { input type="hidden" name=(facet.key()) value=(value); }
        } @else {
            div {
                label for=(id) { (facet.title()) }
                select #(id) name=(facet.key()) {
                    option value="" { "Any" }
                    @for term in vocabulary.terms() {
                        option value=(term.slug) selected[chosen.iter().any(|c| c == term.slug)] { (term.label) }
                    }
                }
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

/// A link with the search's parameters on `path`, plus `extra` pairs.
fn link(path: &str, search: &SearchRequest, extra: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in search.to_pairs() {
        if key != "view" || !extra.iter().any(|(k, _)| *k == "view") {
            serializer.append_pair(&key, &value);
        }
    }
    for (key, value) in extra {
        serializer.append_pair(key, value);
    }
    format!("{path}?{}", serializer.finish())
}

fn summary(figures: &ProgressFigures, total: u64) -> Markup {
    let search = &figures.search;
    let with_plan: u64 = figures
        .by_year
        .rows
        .iter()
        .filter(|r| r.value != "no_plan" && r.value != OVERDUE && r.value != NOT_RECORDED)
        .map(|r| r.count)
        .sum();
    let actions = ExportView::Actions.key();
    html! {
        p.lede role="status" {
            strong { (total) } " " (if total == 1 { "recommendation matches" } else { "recommendations match" })
            @if !search.q.trim().is_empty() { " " q { (search.q.trim()) } }
            "; " (with_plan) " with an action plan"
            " · " a href=(search_url(search)) { "see them in search" }
            " · " a href=(link("/api/v1/export", search, &[("view", actions), ("format", "csv")])) download { "their actions as CSV" }
            " · " a href=(link("/api/v1/export", search, &[("format", "csv")])) download { "the recommendations as CSV" }
        }
    }
}

fn on_time_section(tally: &ActionTally) -> Markup {
    html! {
        h2 { "Actions completed by their due date" }
        @if tally.total == 0 {
            p { "None of these recommendations has an action plan yet." }
        } @else {
            p {
                (tally.total) (if tally.total == 1 { " action" } else { " actions" }) " in the plans of these recommendations: "
                (tally.completed) " completed, " (tally.open) " still open, of which "
                strong { (tally.overdue) " overdue" } " today (" (today()) ")."
            }
            @match tally.on_time_percent() {
                Some(percent) => p.lede {
                    strong { (percent) "%" } " of completed actions were completed by their due date ("
                    (tally.on_time) " on time, " (tally.late) " late)."
                },
                None => p { "No completed action has both dates recorded, so no share of actions completed on time can be given." },
            }
        }
    }
}

fn counts(table: &CrossTab) -> HashMap<(&str, &str), u64> {
    table
        .cells
        .iter()
        .map(|c| ((c.row.as_str(), c.col.as_str()), c.count))
        .collect()
}

fn bands() -> Vec<Band> {
    states()
        .enumerate()
        .map(|(i, t)| Band::nth(i, t.label.to_string()))
        .collect()
}

/// Every year from the first to the last with matches, then "no year" if any.
fn years(table: &CrossTab) -> Vec<(String, String)> {
    let dated: Vec<i32> = table
        .cols
        .iter()
        .filter_map(|c| c.value.parse().ok())
        .collect();
    let mut years: Vec<(String, String)> = match (dated.iter().min(), dated.iter().max()) {
        (Some(first), Some(last)) => (*first..=*last)
            .map(|y| (y.to_string(), y.to_string()))
            .collect(),
        _ => Vec::new(),
    };
    if table.cols.iter().any(|c| c.value == NOT_RECORDED) {
        years.push((NOT_RECORDED.to_string(), "No year".to_string()));
    }
    years
}

fn by_year_section(figures: &ProgressFigures) -> Markup {
    let table = &figures.by_year;
    let count = counts(table);
    let get = |state: &str, year: &str| count.get(&(state, year)).copied().unwrap_or(0);
    let years = years(table);
    let bars: Vec<Bar> = years
        .iter()
        .map(|(value, label)| Bar {
            label: label.clone(),
            counts: states().map(|s| get(s.slug, value)).collect(),
        })
        .collect();
    let bands = bands();
    let description = format!(
        "Stacked bars, one per year of publication ({} to {}), of the matching recommendations in each state of progress; overdue ones are counted in their state, and apart in the table after the chart.",
        years.first().map(|y| y.1.as_str()).unwrap_or(""),
        years.last().map(|y| y.1.as_str()).unwrap_or(""),
    );
    let caption = Caption {
        id: "progress-years",
        title: "Recommendations by progress and year of publication",
        description: &description,
    };
    html! {
        h2 { "By year of publication" }
        div.chart {
            (charts::stacked_bars(&caption, &bands, &bars, "Number of recommendations"))
            (charts::legend(&bands))
        }
        (progress_table("progress-years-table", "Recommendations by year of publication and progress", "Year", &years, |year, state| get(state, year)))
    }
}

fn by_agency_section(figures: &ProgressFigures) -> Markup {
    let table = &figures.by_agency;
    let count = counts(table);
    let get = |agency: &str, state: &str| count.get(&(agency, state)).copied().unwrap_or(0);
    let agency_label = |value: &str, label: &str| {
        if value == NOT_RECORDED {
            "Inter-agency (no single agency)".to_string()
        } else {
            label.to_string()
        }
    };
    let rows: Vec<(String, String)> = table
        .rows
        .iter()
        .map(|r| (r.value.clone(), agency_label(&r.value, &r.label)))
        .collect();
    let bars: Vec<Bar> = rows
        .iter()
        .take(MAX_AGENCIES)
        .map(|(value, label)| Bar {
            label: label.clone(),
            counts: states().map(|s| get(value, s.slug)).collect(),
        })
        .collect();
    let bands = bands();
    let description = format!(
        "Horizontal stacked bars, one per agency ({} most frequent of {}), of the matching recommendations addressed to it in each state of progress, the total after each bar.",
        bars.len(),
        rows.len()
    );
    let caption = Caption {
        id: "progress-agencies",
        title: "Recommendations by agency and progress",
        description: &description,
    };
    html! {
        h2 { "By agency" }
        p { "The agency a recommendation is addressed to; recommendations to agencies working together have none." }
        div.chart {
            (charts::stacked_rows(&caption, &bands, &bars))
            (charts::legend(&bands))
        }
        (progress_table("progress-agencies-table", "Recommendations by agency and progress", "Agency", &rows, |agency, state| get(agency, state)))
    }
}

fn about() -> Markup {
    html! {
        h2 { "How these figures are made" }
        ul {
            li { "Only published reviews count; drafts, embargoed and withdrawn reviews and their action plans are left out." }
            li { "A recommendation's progress comes from its actions: no plan (no actions), not started (every open action still planned), in progress, completed (every action completed, superseded or not accepted, at least one completed), or not accepted." }
            li { "A recommendation is overdue when one of its actions is still planned or in progress and its due date has passed, as of today: it is counted both under its progress and as overdue." }
            li { "An action counts as completed on time when the day it was last updated (normally the day it was marked completed) is on or before its due date." }
        }
    }
}

/// A table of recommendations: one row per `(value, label)` of `rows`, one column per
/// progress state, the total and the overdue; `count(value, state)` gives each cell.
fn progress_table(
    id: &str,
    caption: &str,
    first_column: &str,
    rows: &[(String, String)],
    count: impl Fn(&str, &str) -> u64,
) -> Markup {
    html! {
        div.table-scroll tabindex="0" role="region" aria-labelledby=(id) {
            table {
                caption #(id) { (caption) }
                thead {
                    tr {
                        th scope="col" { (first_column) }
                        @for state in states() { th scope="col" { (state.label) } }
                        th scope="col" { "Total" }
                        th scope="col" { "Of which overdue" }
                    }
                }
                tbody {
                    @for (value, label) in rows {
                        tr {
                            th scope="row" { (label) }
                            @for state in states() { td { (count(value, state.slug)) } }
                            td { (states().map(|s| count(value, s.slug)).sum::<u64>()) }
                            td { (count(value, OVERDUE)) }
                        }
                    }
                }
            }
        }
    }
}
