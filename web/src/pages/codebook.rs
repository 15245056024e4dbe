//! `/codebook`: the export codebook as a page people read ("What the columns mean" on
//! the search page): every column of each view, in file order, with its type, its
//! description and the values of its vocabulary. Built from the same sources as the JSON
//! of `GET /api/v1/codebook` (the index's columns, `formats::codebook`'s descriptions).

use actix_web::{web, HttpResponse};
use lessons_index::export::{columns, Column, ColumnType, LIST_SEPARATOR};
use lessons_index::View;
use maud::{html, Markup};

use crate::formats::codebook::description;
use crate::formats::export::CODEBOOK_VERSION;
use crate::http::config::SiteConfig;
use crate::http::layout::{layout_as, Section};
use crate::http::session::Viewer;

/// `GET /codebook`
pub async fn codebook_page(viewer: Viewer, config: web::Data<SiteConfig>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(
            layout_as(
                "What the columns mean",
                &config,
                Section::Other,
                viewer.who(),
                render(),
            )
            .into_string(),
        )
}

fn render() -> Markup {
    html! {
        h1 { "What the columns mean" }
        p.lede { "The columns of a downloaded search (CSV, JSON or NDJSON), in the order the file gives them. A download of reviews has one row per review; a download of lessons has one row per finding." }
        ul {
            li { a href="#reviews-view" { "Columns of a download of reviews" } }
            li { a href="#lessons-view" { "Columns of a download of lessons" } }
            li { a href="#reading" { "Reading the values" } }
        }
        (view_section(View::Reviews))
        (view_section(View::Lessons))
        h2 #reading { "Reading the values" }
        ul {
            li { "An empty CSV cell, or " code { "null" } " in JSON, means the value is unknown or not recorded." }
            li { "A list holds several values: in CSV they share one cell, joined by " q { code { (LIST_SEPARATOR.trim_end()) } } " and a space; in JSON they are an array." }
            li { "Dates are written year-month-day (" code { "2009-03-17" } "); an incident date may give only the month (" code { "2009-03" } ")." }
            li { "Columns with a list of values hold the short name of each value (for example " code { "inter_agency" } "); the list under the column gives the label each one stands for." }
            li { "In CSV, text people typed that starts with " code { "=" } ", " code { "+" } ", " code { "-" } " or " code { "@" } " has a single quote put in front, so that a spreadsheet shows it as text instead of running it as a formula. Remove that one quote to get the text as deposited." }
        }
        p.muted {
            "Codebook version " (CODEBOOK_VERSION) ". For programs, the same codebook is "
            a href="/api/v1/codebook" { "JSON at /api/v1/codebook" } "; the labels of every list are at "
            a href="/api/v1/vocabularies" { "/api/v1/vocabularies" } "."
        }
    }
}

fn view_section(view: View) -> Markup {
    let (id, heading) = match view {
        View::Reviews => ("reviews-view", "A download of reviews: one row per review"),
        View::Lessons => ("lessons-view", "A download of lessons: one row per finding"),
    };
    html! {
        section aria-labelledby=(id) {
            h2 #(id) { (heading) }
            dl.codebook {
                @for column in columns(view) { (column_entry(*column, view)) }
            }
        }
    }
}

fn column_entry(column: Column, view: View) -> Markup {
    html! {
        dt { code { (column.name()) } " " span.type { "(" (type_words(column.column_type())) ")" } }
        dd {
            p { (description(column, view)) }
            @if let Some(vocabulary) = column.vocabulary() {
                @let terms = vocabulary.terms();
                details {
                    summary { "The " (terms.len()) " values" span.visually-hidden { " of " (column.name()) } }
                    ul.values {
                        @for term in terms { li { code { (term.slug) } ": " (term.label) } }
                    }
                }
            }
        }
    }
}

/// A column type in words.
fn type_words(column_type: ColumnType) -> &'static str {
    match column_type {
        ColumnType::String => "text",
        ColumnType::Integer => "whole number",
        ColumnType::Boolean => "true or false",
        ColumnType::Date => "date",
        ColumnType::List => "list",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_both_views_is_on_the_page() {
        let page = render().into_string();
        for view in [View::Reviews, View::Lessons] {
            for column in columns(view) {
                assert!(
                    page.contains(&format!("<code>{}</code>", column.name())),
                    "{}",
                    column.name()
                );
            }
        }
        assert!(page.contains("<code>inter_agency</code>: Inter-agency"));
    }
}
