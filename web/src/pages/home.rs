//! `/` (search box, what is here, themes, the newest reviews) and `/themes` (every theme
//! in its group with the number of public reviews that carry it).

use actix_web::{web, HttpResponse};
use lessons_index::{FacetCount, FacetName, SearchRequest, SearchResults, Sort, View};
use lessons_model::vocab::{THEMES, THEME_GROUPS};
use maud::{html, Markup};

use super::search::search_form;
use crate::http::blocking::Pool;
use crate::http::config::SiteConfig;
use crate::http::errors::page_for;
use crate::http::layout::{layout_as, Section};
use crate::http::session::Viewer;

/// `GET /`
pub async fn home(viewer: Viewer, pool: Pool, config: web::Data<SiteConfig>) -> HttpResponse {
    let newest = SearchRequest {
        sort: Sort::Newest,
        per_page: 6,
        ..SearchRequest::default()
    };
    let lessons = SearchRequest {
        view: View::Lessons,
        per_page: 1,
        ..SearchRequest::default()
    };
    let found = pool
        .run(move |service| Ok((service.search(&newest)?, service.search(&lessons)?.total)))
        .await;
    let (reviews, lesson_total) = match found {
        Ok(found) => found,
        Err(error) => return page_for(error, &config),
    };
    let body = html! {
        h1 { "Learn from serious case reviews" }
        p.lede {
            "Search the lessons of serious case reviews from Local Safeguarding Children Boards across England and Wales: "
            "what went wrong, what went well, and what each agency and every agency together should do differently."
        }
        (search_form(&SearchRequest::default()))
        p {
            strong { (reviews.total) } " published reviews and " strong { (lesson_total) } " lessons, recommendations and examples of good practice from "
            strong { (facet(&reviews, FacetName::Board).len()) } " boards."
        }
        h2 { "Browse by theme" }
        (theme_groups(facet(&reviews, FacetName::Theme), 3))
        h2 { "Newest reviews" }
        ul {
            @for hit in &reviews.hits {
                li {
                    a href={"/reviews/" (hit.display.id)} { (hit.display.title) }
                    span.muted { " · " (hit.display.board_name) @if let Some(year) = hit.display.year { " · " (year) } }
                }
            }
        }
        p { a href="/search?sort=newest" { "All reviews, newest first" } }
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(
            layout_as(
                "Serious case review lessons",
                &config,
                Section::Home,
                viewer.who(),
                body,
            )
            .into_string(),
        )
}

/// `GET /themes`
pub async fn themes(viewer: Viewer, pool: Pool, config: web::Data<SiteConfig>) -> HttpResponse {
    let request = SearchRequest {
        per_page: 1,
        ..SearchRequest::default()
    };
    let results = match pool.run(move |service| service.search(&request)).await {
        Ok(results) => results,
        Err(error) => return page_for(error, &config),
    };
    let body = html! {
        h1 { "Themes" }
        p.lede { "Every review and lesson is tagged with themes from one controlled list. The number is how many published reviews carry the theme, on the review or on one of its findings." }
        (theme_groups(facet(&results, FacetName::Theme), 2))
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(layout_as("Themes", &config, Section::Themes, viewer.who(), body).into_string())
}

fn facet(results: &SearchResults, name: FacetName) -> &[FacetCount] {
    results
        .facets
        .iter()
        .find(|(f, _)| *f == name)
        .map(|(_, values)| values.as_slice())
        .unwrap_or(&[])
}

/// The themes in their groups; `level` is the heading level of each group's title.
fn theme_groups(counts: &[FacetCount], level: u8) -> Markup {
    let count_of = |slug: &str| {
        counts
            .iter()
            .find(|c| c.value == slug)
            .map(|c| c.count)
            .unwrap_or(0)
    };
    html! {
        div.theme-groups {
            @for group in THEME_GROUPS {
                section aria-labelledby={"group-" (group.slug)} {
                    @if level == 2 { h2 #{"group-" (group.slug)} { (group.label) } }
                    @else { h3 #{"group-" (group.slug)} { (group.label) } }
                    ul {
                        @for theme in THEMES.iter().filter(|t| t.group == group.slug) {
                            li {
                                a href={"/themes/" (theme.slug)} { (theme.label) }
                                " " span.muted { "(" (count_of(theme.slug)) ")" }
                            }
                        }
                    }
                }
            }
        }
    }
}
