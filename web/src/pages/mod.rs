//! The server-rendered site (maud), one module per page: [`home`] (`/`, `/themes`),
//! [`search`], [`review`] (a public review with its recommendations' action plans from
//! `action_plan` and its citation metadata from `citation_meta`, similar lessons), [`theme`], [`insights`]
//! (with [`charts`]), [`progress`] (`/progress`: recommendations followed through, with
//! the same charts), [`api_docs`] (`/api`), [`codebook`] (`/codebook`),
//! [`help`] (`/help`), [`recurring`] (`/recurring`, `/recurring/{id}`) and [`briefing`]
//! (printable briefings, with [`briefing_questions`]), [`account`] (sign-in, `/my`, tokens),
//! [`deposit`] (the deposit flow and a board's review screen), [`actions`] (a board's
//! action plans: `/my/actions` and the review screen's section) and [`admin`] (the audit
//! log); here the stylesheet and the 404 page. Pages work without JavaScript; all state
//! is in the URL. They call the service through `http::blocking::Pool`; the page frame
//! and error pages are `http::layout` and `http::errors`.

pub mod account;
mod action_plan;
pub mod actions;
pub mod admin;
pub mod api_docs;
pub mod briefing;
mod briefing_questions;
mod charts;
mod citation_meta;
pub mod codebook;
pub mod deposit;
pub mod help;
pub mod home;
pub mod insights;
pub mod progress;
pub mod recurring;
pub mod review;
pub mod search;
pub mod theme;

use actix_web::{web, HttpRequest, HttpResponse};

use crate::http::config::SiteConfig;
use crate::http::errors::page_not_found;

const STYLESHEET: &str = include_str!("../../static/site.css");

/// `GET /static/site.css`
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STYLESHEET)
}

/// Unknown paths outside the API.
pub async fn not_found(req: HttpRequest, config: web::Data<SiteConfig>) -> HttpResponse {
    page_not_found(req.path(), &config)
}

/// A human label for a vocabulary slug, falling back to the slug itself.
pub fn label(vocabulary: lessons_model::Vocabulary, slug: &str) -> String {
    vocabulary
        .label(slug)
        .map(str::to_string)
        .unwrap_or_else(|| slug.to_string())
}
