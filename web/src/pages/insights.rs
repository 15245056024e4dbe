//! `/insights`: the matches of any search counted by two facets, as charts drawn on the
//! server (SVG) with the same figures in tables: (a) the rows facet over the years as
//! stacked bars of its most frequent values (the columns facet when the rows are years;
//! on a phone, plain bars of the matches per year), (b) a heatmap of rows by columns,
//! left out when one axis is the years (it would be table (a) again). The parameters
//! are those of `/api/v1/stats`, with rows = theme and columns = agency by default;
//! table cells link to the search they count. Bad parameters answer a readable 422 page.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use lessons_index::crosstab::NOT_RECORDED;
use lessons_index::{CrossTab, FacetCount, FacetName, SearchRequest, View};
use maud::{html, Markup};

use super::charts::{self, Band, Bar, Caption};
use super::label;
use super::recurring::top_list;
use crate::http::blocking::Pool;
use crate::http::config::{search_url, SiteConfig};
use crate::http::errors::page_for;
use crate::http::layout::{layout_as, Section};
use crate::http::session::Viewer;
use crate::service::requests::{query_pairs, StatsRequest};
use crate::service::{Repository, ServiceResult};

/// Rows and columns when the URL does not say.
const DEFAULT_AXES: (FacetName, FacetName) = (FacetName::Theme, FacetName::Agency);
/// Values drawn as bands in the stacked bars (the most frequent; the table has them all).
const MAX_BANDS: usize = 6;
/// Most row and column values in the heatmap (the most frequent).
const MAX_HEATMAP_VALUES: usize = 40;
/// Filters offered as selects in the form (others in the URL are kept as they are).
const FORM_FILTERS: [FacetName; 4] = [
    FacetName::Theme,
    FacetName::Agency,
    FacetName::Region,
    FacetName::Incident,
];

/// `GET /insights`
pub async fn insights(
    req: HttpRequest,
    viewer: Viewer,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let pairs = query_pairs(req.query_string());
    let found = pool
        .run(move |service| {
            let request = service.stats_request(&pairs, Some(DEFAULT_AXES))?;
            let (over_time, grid) = tables(service, &request)?;
            // The recurring lessons are a help, not the page: a failure leaves them out.
            let recurring = service
                .recurring_request(&recurring_pairs(&request.search))
                .and_then(|asked| service.top_recurring(&asked, TOP_RECURRING))
                .unwrap_or_default();
            Ok((request, over_time, grid, recurring))
        })
        .await;
    match found {
        Ok((request, over_time, grid, recurring)) => {
            let more = recurring_url_of(&request.search);
            let body = html! {
                (render(&request, &over_time, &grid))
                (top_list("Top recurring lessons in this search", "recurring", &recurring, &more))
            };
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(
                    layout_as("Insights", &config, Section::Insights, viewer.who(), body)
                        .into_string(),
                )
        }
        Err(error) => page_for(error, &config),
    }
}

/// Recurring lessons listed under the charts.
const TOP_RECURRING: usize = 5;
/// Filters of a search that recurring lessons also take.
const RECURRING_FILTERS: [FacetName; 5] = [
    FacetName::Theme,
    FacetName::Agency,
    FacetName::Level,
    FacetName::Kind,
    FacetName::Region,
];

/// The parameters of `/recurring` that narrow it as `search` narrows the counts.
fn recurring_pairs(search: &SearchRequest) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if !search.q.trim().is_empty() {
        pairs.push(("q".to_string(), search.q.trim().to_string()));
    }
    for (facet, values) in &search.filters {
        if RECURRING_FILTERS.contains(facet) {
            for value in values {
                pairs.push((facet.key().to_string(), value.clone()));
            }
        }
    }
    if let Some(year) = search.year_from {
        pairs.push(("year_from".to_string(), year.to_string()));
    }
    if let Some(year) = search.year_to {
        pairs.push(("year_to".to_string(), year.to_string()));
    }
    pairs
}

/// `/recurring` narrowed as `search` is.
fn recurring_url_of(search: &SearchRequest) -> String {
    let pairs = recurring_pairs(search);
    if pairs.is_empty() {
        return "/recurring".to_string();
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        serializer.append_pair(key, value);
    }
    format!("/recurring?{}", serializer.finish())
}

/// The facet drawn over the years: the rows, or the columns when the rows are years.
fn series_facet(request: &StatsRequest) -> FacetName {
    if request.rows == FacetName::Year {
        request.cols
    } else {
        request.rows
    }
}

/// The series by year, and the rows by the columns (one count when they are the same).
fn tables(service: &Repository, request: &StatsRequest) -> ServiceResult<(CrossTab, CrossTab)> {
    let grid = service.cross_tab(request)?;
    let series = series_facet(request);
    let over_time = if (series, FacetName::Year) == (request.rows, request.cols) {
        grid.clone()
    } else {
        service.cross_tab(&StatsRequest {
            rows: series,
            cols: FacetName::Year,
            ..request.clone()
        })?
    };
    Ok((over_time, grid))
}

fn render(request: &StatsRequest, over_time: &CrossTab, grid: &CrossTab) -> Markup {
    html! {
        h1 { "Insights" }
        p.lede { "Count the published reviews, or their lessons, that match a search by two facets at once: themes by agency, region by year, and so on." }
        (form(request))
        (summary(request, grid.total))
        @if grid.total > 0 {
            @if let Some(note) = multi_valued_note(request) { p.muted { (note) } }
            (over_time_section(request, over_time))
            // With years on one axis the grid is the same table over again.
            @if !has_year_axis(request) { (heatmap_section(request, grid)) }
        }
    }
}

/// Whether the rows or the columns are years.
fn has_year_axis(request: &StatsRequest) -> bool {
    request.rows == FacetName::Year || request.cols == FacetName::Year
}

/// "review" or "lesson", plural unless `n` is 1.
fn noun(view: View, n: u64) -> &'static str {
    match (view, n) {
        (View::Reviews, 1) => "review",
        (View::Reviews, _) => "reviews",
        (View::Lessons, 1) => "lesson",
        (View::Lessons, _) => "lessons",
    }
}

fn form(request: &StatsRequest) -> Markup {
    let search = &request.search;
    html! {
        form.insights-form action="/insights" method="get" {
            div.fields {
                (facet_select("rows", "Rows", request.rows))
                (facet_select("cols", "Columns", request.cols))
                fieldset.radios {
                    legend { "Count" }
                    input #view-reviews type="radio" name="view" value="reviews" checked[search.view == View::Reviews];
                    label for="view-reviews" { "Reviews" }
                    input #view-lessons type="radio" name="view" value="lessons" checked[search.view == View::Lessons];
                    label for="view-lessons" { "Lessons" }
                }
            }
            div.fields {
                div {
                    label for="q" { "Words (optional)" }
                    input #q type="search" name="q" value=(search.q) autocomplete="off";
                }
                @for facet in FORM_FILTERS { (filter_select(search, facet)) }
                div {
                    label for="year_from" { "From year" }
                    input #year_from type="number" name="year_from" min="1900" max="2100" value=[search.year_from];
                }
                div {
                    label for="year_to" { "To year" }
                    input #year_to type="number" name="year_to" min="1900" max="2100" value=[search.year_to];
                }
            }
            (kept_filters(search))
            button type="submit" { "Show" }
        }
    }
}

/// A select of every facet name.
fn facet_select(name: &str, text: &str, chosen: FacetName) -> Markup {
    html! {
        div {
            label for=(name) { (text) }
            select #(name) name=(name) {
                @for facet in FacetName::ALL {
                    option value=(facet.key()) selected[facet == chosen] { (facet.title()) }
                }
            }
        }
    }
}

/// A select of a filter's values ("Any" first), unless several are chosen (then they
/// are kept as hidden fields; see [`kept_filters`]).
fn filter_select(search: &SearchRequest, facet: FacetName) -> Markup {
    let chosen = search.filters.get(&facet).cloned().unwrap_or_default();
    let (Some(vocabulary), true) = (facet.vocabulary(), chosen.len() <= 1) else {
        return html! {};
    };
    let id = format!("filter-{}", facet.key());
    html! {
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

/// Filters from the URL that the form has no select for, kept as hidden fields and
/// listed, with a way to drop them.
fn kept_filters(search: &SearchRequest) -> Markup {
    let kept: Vec<(FacetName, &Vec<String>)> = search
        .filters
        .iter()
        .filter(|(facet, values)| !FORM_FILTERS.contains(facet) || values.len() > 1)
        .map(|(facet, values)| (*facet, values))
        .collect();
    html! {
        @if !kept.is_empty() {
            p {
                "Also filtered by "
                @for (n, (facet, values)) in kept.iter().enumerate() {
                    @if n > 0 { "; " }
                    (facet.title()) ": " (values.iter().map(|v| value_label(*facet, v)).collect::<Vec<_>>().join(" or "))
                }
                ". " a href="/insights" { "Start again without filters" } "."
            }
            @for (facet, values) in &kept {
                @for value in values.iter() { input type="hidden" name=(facet.key()) value=(value); }
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

/// The number of matches, with links to them in search and to the data.
fn summary(request: &StatsRequest, total: u64) -> Markup {
    let api = |format: &str| {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        serializer.extend_pairs(request.to_pairs());
        if !format.is_empty() {
            serializer.append_pair("format", format);
        }
        format!("/api/v1/stats?{}", serializer.finish())
    };
    html! {
        p.lede role="status" {
            strong { (total) } " " (noun(request.search.view, total)) " match"
            @if !request.search.q.trim().is_empty() { " " q { (request.search.q.trim()) } }
            " · " a href=(search_url(&request.search)) { "see them in search" }
            " · " a href=(api("csv")) download { "this table as CSV" }
            " · " a href=(api("")) { "as JSON" }
            " · " a href=(search_url(&request.search).replacen("/search", "/progress", 1)) { "progress on their recommendations" }
        }
    }
}

/// Whether a facet has at most one value per document in `view`.
fn single_valued(facet: FacetName, view: View) -> bool {
    match facet {
        FacetName::Year
        | FacetName::Region
        | FacetName::Incident
        | FacetName::ReviewType
        | FacetName::Timeliness
        | FacetName::Board => true,
        // A finding has at most one agency (inter-agency findings: none).
        FacetName::Kind | FacetName::Level | FacetName::Agency => view == View::Lessons,
        _ => false,
    }
}

/// Why the counts can add up to more than the total, when they can.
fn multi_valued_note(request: &StatsRequest) -> Option<String> {
    let view = request.search.view;
    let multi: Vec<&str> = [request.rows, request.cols]
        .into_iter()
        .filter(|f| !single_valued(*f, view))
        .map(|f| f.title())
        .collect();
    let first = multi.first()?;
    let plural = noun(view, 2);
    Some(format!(
        "One {} can carry several values of {}, and is then counted under each, so figures can add up to more than the number of matching {plural}. Each total is the number of {plural} carrying that value.",
        noun(view, 1),
        first.to_lowercase(),
    ))
}

/// Up to `max` values, the most frequent, kept in their display order.
fn most_frequent(values: &[FacetCount], max: usize) -> Vec<&FacetCount> {
    if values.len() <= max {
        return values.iter().collect();
    }
    let mut by_count: Vec<&FacetCount> = values.iter().collect();
    by_count.sort_by_key(|v| std::cmp::Reverse(v.count));
    let threshold: Vec<&str> = by_count[..max].iter().map(|v| v.value.as_str()).collect();
    values
        .iter()
        .filter(|v| threshold.contains(&v.value.as_str()))
        .collect()
}

/// Counts by (row value, column value).
fn cell_counts(table: &CrossTab) -> HashMap<(&str, &str), u64> {
    table
        .cells
        .iter()
        .map(|c| ((c.row.as_str(), c.col.as_str()), c.count))
        .collect()
}

/// A search link for the matches carrying every (facet, value) of `picks`, or `None`
/// when no search can say that ("not recorded", or a value of a facet the search
/// already filters on other values of).
fn search_link(search: &SearchRequest, picks: &[(FacetName, &str)]) -> Option<String> {
    let mut next = SearchRequest {
        page: 1,
        ..search.clone()
    };
    for (facet, value) in picks {
        let chosen = next.filters.entry(*facet).or_default();
        let compatible = chosen.is_empty() || chosen.iter().any(|c| c == value);
        if *value == NOT_RECORDED || !compatible {
            return None;
        }
        *chosen = vec![value.to_string()];
    }
    Some(search_url(&next))
}

/// One column of the chart over time: a year (or "no year") and its value.
struct YearColumn {
    value: String,
    label: String,
    matches: u64,
}

/// Every year from the first to the last (those without matches at 0), then the
/// matches without a year, if any.
fn year_columns(years: &[FacetCount]) -> Vec<YearColumn> {
    let dated: Vec<(i32, u64)> = years
        .iter()
        .filter_map(|y| y.value.parse::<i32>().ok().map(|year| (year, y.count)))
        .collect();
    let first = dated.iter().map(|d| d.0).min();
    let last = dated.iter().map(|d| d.0).max();
    let mut columns: Vec<YearColumn> = match (first, last) {
        (Some(first), Some(last)) => (first..=last)
            .map(|year| YearColumn {
                value: year.to_string(),
                label: year.to_string(),
                matches: dated.iter().find(|d| d.0 == year).map(|d| d.1).unwrap_or(0),
            })
            .collect(),
        _ => Vec::new(),
    };
    if let Some(undated) = years.iter().find(|y| y.value == NOT_RECORDED) {
        columns.push(YearColumn {
            value: NOT_RECORDED.to_string(),
            label: "No year".to_string(),
            matches: undated.count,
        });
    }
    columns
}

/// (a) The series facet's most frequent values per year as stacked bars (on a phone,
/// the matches per year as plain bars), and the table of every value by year.
fn over_time_section(request: &StatsRequest, table: &CrossTab) -> Markup {
    let series = table.row_facet;
    let view = request.search.view;
    let shown = most_frequent(&table.rows, MAX_BANDS);
    let bands: Vec<Band> = shown
        .iter()
        .enumerate()
        .map(|(i, v)| Band::nth(i, v.label.clone()))
        .collect();
    let counts = cell_counts(table);
    let years = year_columns(&table.cols);
    let count = |value: &str, year: &str| counts.get(&(value, year)).copied().unwrap_or(0);
    let bars: Vec<Bar> = years
        .iter()
        .map(|year| Bar {
            label: year.label.clone(),
            counts: shown.iter().map(|v| count(&v.value, &year.value)).collect(),
        })
        .collect();
    let title = format!("{} over time", series.title());
    let span = match (years.first(), years.last()) {
        (Some(first), Some(last)) => format!("{} to {}", first.label, last.label),
        _ => String::new(),
    };
    let plural = noun(view, 2);
    let description = format!(
        "Stacked bars, one per year ({span}), of the {plural} carrying each of the {} most frequent values of {}: {}. The table after the chart gives every figure.",
        shown.len(),
        series.title().to_lowercase(),
        top_three(&shown),
    );
    let caption = Caption {
        id: "over-time",
        title: &title,
        description: &description,
    };
    let per_year: Vec<(String, u64)> = years.iter().map(|y| (y.label.clone(), y.matches)).collect();
    let per_year_title = format!("Matching {plural} per year");
    let per_year_description = format!(
        "Horizontal bars, one per year ({span}), each as long as the number of matching {plural} that year, the number written after it."
    );
    let per_year_caption = Caption {
        id: "per-year",
        title: &per_year_title,
        description: &per_year_description,
    };
    let y_label = format!("Number of {plural}");
    // The table: every value (of the most frequent) by every year, with totals.
    let rows = most_frequent(&table.rows, MAX_HEATMAP_VALUES);
    let year_counts: Vec<FacetCount> = years
        .iter()
        .map(|y| FacetCount {
            value: y.value.clone(),
            label: y.label.clone(),
            count: y.matches,
        })
        .collect();
    let cols: Vec<&FacetCount> = year_counts.iter().collect();
    let matrix: Vec<Vec<u64>> = rows
        .iter()
        .map(|r| cols.iter().map(|c| count(&r.value, &c.value)).collect())
        .collect();
    html! {
        h2 { (title) }
        div.chart.wide-only {
            @if shown.len() < table.rows.len() {
                p { "The chart draws the " (shown.len()) " most frequent of " (table.rows.len()) " values; the table after it gives them all." }
            }
            (charts::stacked_bars(&caption, &bands, &bars, &y_label))
            (charts::legend(&bands))
        }
        div.chart.narrow-only {
            p { (per_year_title) ":" }
            (charts::plain_bars(&per_year_caption, &per_year, 0))
        }
        (grid_table(request, table, &rows, &cols, &matrix, "over-time"))
        @if rows.len() < table.rows.len() {
            p { "The table shows the " (MAX_HEATMAP_VALUES) " most frequent values; the CSV has them all." }
        }
    }
}

/// "Neglect (12), Police (9), ..." for the first three values.
fn top_three(values: &[&FacetCount]) -> String {
    let mut by_count = values.to_vec();
    by_count.sort_by_key(|v| std::cmp::Reverse(v.count));
    by_count
        .iter()
        .take(3)
        .map(|v| format!("{} ({})", v.label, v.count))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A count, linked to its search when it is not zero and a search can say it.
fn count_cell(count: u64, link: Option<String>) -> Markup {
    html! {
        @match link {
            Some(href) if count > 0 => a href=(href) { (count) },
            _ => (count),
        }
    }
}

/// (b) Rows by columns as a heatmap, and the table with totals.
fn heatmap_section(request: &StatsRequest, table: &CrossTab) -> Markup {
    let rows = most_frequent(&table.rows, MAX_HEATMAP_VALUES);
    let cols = most_frequent(&table.cols, MAX_HEATMAP_VALUES);
    let counts = cell_counts(table);
    let count = |row: &str, col: &str| counts.get(&(row, col)).copied().unwrap_or(0);
    let matrix: Vec<Vec<u64>> = rows
        .iter()
        .map(|r| cols.iter().map(|c| count(&r.value, &c.value)).collect())
        .collect();
    let max = matrix.iter().flatten().copied().max().unwrap_or(0);
    let title = format!(
        "{} by {}",
        table.row_facet.title(),
        table.col_facet.title().to_lowercase()
    );
    let description = heatmap_description(table, &matrix, &rows, &cols);
    let caption = Caption {
        id: "grid",
        title: &title,
        description: &description,
    };
    let labels =
        |values: &[&FacetCount]| values.iter().map(|v| v.label.clone()).collect::<Vec<_>>();
    html! {
        h2 { (title) }
        @if rows.len() < table.rows.len() || cols.len() < table.cols.len() {
            p { "The chart and table show the " (MAX_HEATMAP_VALUES) " most frequent values of each facet; the CSV has them all." }
        }
        div.chart.heatmap tabindex="0" role="region" aria-label={(title) ": chart (scrolls sideways on a narrow screen)"} {
            (charts::heatmap(&caption, &labels(&rows), &labels(&cols), &matrix))
        }
        (charts::heat_legend(max))
        (grid_table(request, table, &rows, &cols, &matrix, "grid"))
    }
}

fn heatmap_description(
    table: &CrossTab,
    matrix: &[Vec<u64>],
    rows: &[&FacetCount],
    cols: &[&FacetCount],
) -> String {
    let largest = matrix
        .iter()
        .enumerate()
        .flat_map(|(i, row)| row.iter().enumerate().map(move |(j, n)| (*n, i, j)))
        .max_by_key(|(n, i, j)| (*n, std::cmp::Reverse((*i, *j))));
    let peak = match largest {
        Some((n, i, j)) if n > 0 => format!(
            " The largest count, {n}, is {} with {}.",
            rows[i].label, cols[j].label
        ),
        _ => String::new(),
    };
    format!(
        "A grid of {} rows of {} by {} columns of {}, each cell shaded by its count, darker for more.{peak} The table after the chart gives every figure.",
        rows.len(),
        table.row_facet.title().to_lowercase(),
        cols.len(),
        table.col_facet.title().to_lowercase(),
    )
}

fn grid_table(
    request: &StatsRequest,
    table: &CrossTab,
    rows: &[&FacetCount],
    cols: &[&FacetCount],
    matrix: &[Vec<u64>],
    id: &str,
) -> Markup {
    let search = &request.search;
    let (row_facet, col_facet) = (table.row_facet, table.col_facet);
    let caption_id = format!("{id}-caption");
    html! {
        div.table-scroll tabindex="0" role="region" aria-labelledby=(caption_id) {
            table {
                caption #(caption_id) { (row_facet.title()) " (rows) by " (col_facet.title().to_lowercase()) " (columns): number of " (noun(search.view, 2)) }
                thead {
                    tr {
                        th scope="col" { (row_facet.title()) }
                        @for col in cols { th scope="col" { (col.label) } }
                        th scope="col" { "Total" }
                    }
                }
                tbody {
                    @for (row, counts) in rows.iter().zip(matrix) {
                        tr {
                            th scope="row" { (row.label) }
                            @for (col, count) in cols.iter().zip(counts) {
                                td.number { (count_cell(*count, search_link(search, &[(row_facet, &row.value), (col_facet, &col.value)]))) }
                            }
                            td.number { (count_cell(row.count, search_link(search, &[(row_facet, &row.value)]))) }
                        }
                    }
                }
                tfoot {
                    tr {
                        th scope="row" { "Total" }
                        @for col in cols {
                            td.number { (count_cell(col.count, search_link(search, &[(col_facet, &col.value)]))) }
                        }
                        td.number { (count_cell(table.total, Some(search_url(search)))) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(value: &str, count: u64) -> FacetCount {
        FacetCount {
            value: value.into(),
            label: value.into(),
            count,
        }
    }

    #[test]
    fn links_say_only_what_a_search_can() {
        let mut search = SearchRequest::default();
        search.filters.insert(
            FacetName::Theme,
            vec!["neglect".into(), "unseen_men".into()],
        );
        let link = |picks: &[(FacetName, &str)]| search_link(&search, picks);
        let narrowed = link(&[(FacetName::Theme, "neglect"), (FacetName::Year, "2009")]).unwrap();
        assert!(
            narrowed.contains("theme=neglect") && !narrowed.contains("unseen_men"),
            "{narrowed}"
        );
        assert!(narrowed.contains("year=2009"));
        assert_eq!(link(&[(FacetName::Theme, "domestic_abuse")]), None);
        assert_eq!(link(&[(FacetName::Year, NOT_RECORDED)]), None);
        assert_eq!(
            link(&[(FacetName::Year, "2009"), (FacetName::Year, "2010")]),
            None
        );
        assert!(link(&[(FacetName::Year, "2009"), (FacetName::Year, "2009")]).is_some());
    }

    #[test]
    fn years_run_without_gaps_then_undated() {
        let years = year_columns(&[value("2008", 2), value("2011", 1), value(NOT_RECORDED, 3)]);
        let labels: Vec<&str> = years.iter().map(|y| y.label.as_str()).collect();
        assert_eq!(labels, ["2008", "2009", "2010", "2011", "No year"]);
        assert_eq!(years[1].matches, 0);
    }

    #[test]
    fn the_most_frequent_values_keep_their_order() {
        let values = [value("2008", 1), value("2009", 5), value("2010", 3)];
        let kept: Vec<&str> = most_frequent(&values, 2)
            .iter()
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(kept, ["2009", "2010"]);
    }
}
