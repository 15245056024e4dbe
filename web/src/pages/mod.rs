//! The server-rendered site (maud): the shared layout, the stylesheet route, error pages,
//! and one module per page. Pages work without JavaScript; all state is in the URL.

pub mod account;
mod admin;
mod api_docs;
mod charts;
mod home;
mod insights;
mod review;
mod search;
mod theme;

pub use account::{add_token, login, login_form, logout, my, revoke_token};
pub use admin::audit;
pub use api_docs::api_docs;
pub use home::{home, themes};
pub use insights::insights;
pub use review::{review, similar_lessons};
pub use search::search;
pub use theme::theme;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_index::SearchRequest;
use lessons_model::FieldError;
use maud::{html, Markup, DOCTYPE};

use crate::errors::ApiError;

/// Settings of the site and API.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The bundled demo corpus is being served: say that its cases are fiction.
    pub demo: bool,
    /// The site is served over TLS: mark cookies `Secure`.
    pub secure_cookies: bool,
    /// Largest upload accepted (all files of one deposit together).
    pub max_upload_bytes: usize,
    /// Scheme and host of the public site, when configured (else taken from requests).
    pub site_url: Option<String>,
    /// `/metrics` answers anyone, not only admins (`--public-metrics`).
    pub public_metrics: bool,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            demo: false,
            secure_cookies: false,
            max_upload_bytes: 50_000_000,
            site_url: None,
            public_metrics: false,
        }
    }
}

const STYLESHEET: &str = include_str!("../../static/site.css");

/// `GET /static/site.css`
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STYLESHEET)
}

/// The section of the site a page belongs to, marked in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Reviews,
    Lessons,
    Themes,
    Insights,
    Api,
    Other,
}

/// The page frame: skip link, header with navigation, main content, footer.
pub fn layout(title: &str, config: &SiteConfig, section: Section, body: Markup) -> Markup {
    let nav = [
        ("/search", "Search reviews", Section::Reviews),
        ("/search?view=lessons", "Search lessons", Section::Lessons),
        ("/themes", "Themes", Section::Themes),
        ("/insights", "Insights", Section::Insights),
        ("/api", "API", Section::Api),
    ];
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Lessons" }
                link rel="stylesheet" href="/static/site.css";
            }
            body {
                a.skip-link href="#main" { "Skip to main content" }
                header {
                    div.site-header {
                        div.wrap {
                            a.site-name href="/" aria-current=[(section == Section::Home).then_some("page")] { "Lessons" span.visually-hidden { ": home" } }
                            nav.site-nav aria-label="Main" {
                                ul {
                                    @for (href, text, of) in nav {
                                        li { a href=(href) aria-current=[(section == of).then_some("page")] { (text) } }
                                    }
                                    li { a href="/deposit" { "Deposit" } }
                                }
                            }
                        }
                    }
                    @if config.demo {
                        div.banner {
                            div.wrap {
                                p { strong { "Demonstration. " } "Every review on this site is fiction written for the project; no real child, family or case is described." }
                            }
                        }
                    }
                }
                main #main.wrap tabindex="-1" { (body) }
                footer.site-footer {
                    div.wrap {
                        p { "Lessons: a national repository of serious case review lessons, for Local Safeguarding Children Boards, practitioners and researchers." }
                        p { "Data as JSON: " a href="/api/v1/search" { "/api/v1/search" } ", " a href="/api/v1/vocabularies" { "/api/v1/vocabularies" } "; " a href="/api" { "the API documentation" } "." }
                    }
                }
            }
        }
    }
}

/// An HTML error page with `status`.
pub fn error_page(
    status: StatusCode,
    title: &str,
    message: &str,
    details: &[FieldError],
    config: &SiteConfig,
) -> HttpResponse {
    let body = html! {
        h1 { (title) }
        p.lede { (message) }
        @if !details.is_empty() {
            div.error-list role="alert" {
                h2 { "What to change" }
                ul {
                    @for detail in details {
                        li {
                            strong { (detail.field) } ": " (detail.message)
                            @if let Some(allowed) = &detail.allowed {
                                @if allowed.len() <= 12 {
                                    " (allowed: " (allowed.join(", ")) ")"
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/search" { "Start a new search" } " or go to the " a href="/" { "home page" } "." }
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(layout(title, config, Section::Other, body).into_string())
}

/// Renders an API error as an HTML page.
pub fn api_error_page(error: &ApiError, config: &SiteConfig) -> HttpResponse {
    let title = match error.status {
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::UNPROCESSABLE_ENTITY => "Some details need changing",
        status if status.is_server_error() => "Sorry, something went wrong",
        _ => "The request could not be answered",
    };
    error_page(error.status, title, &error.message, &error.details, config)
}

/// Unknown paths outside the API.
pub async fn not_found(req: HttpRequest, config: web::Data<SiteConfig>) -> HttpResponse {
    error_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        &format!("There is no page at {}.", req.path()),
        &[],
        &config,
    )
}

/// `/search?...` for `request`.
pub fn search_url(request: &SearchRequest) -> String {
    let pairs = request.to_pairs();
    if pairs.is_empty() {
        return "/search".to_string();
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        serializer.append_pair(key, value);
    }
    format!("/search?{}", serializer.finish())
}

/// A human label for a vocabulary slug, falling back to the slug itself.
pub fn label(vocabulary: lessons_model::Vocabulary, slug: &str) -> String {
    vocabulary
        .label(slug)
        .map(str::to_string)
        .unwrap_or_else(|| slug.to_string())
}
