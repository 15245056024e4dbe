//! Every error as an HTTP answer, mapped in one place: [`ApiError`] is a status, a code
//! and a message (with field details) rendered as the JSON body of DESIGN §6
//! (`{ "error": { "code", "message", "details"? } }`); [`error_page`] and [`page_for`]
//! render the same as readable HTML. `From<ServiceError>` below is the only place a
//! domain condition becomes a status code.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use lessons_ingest::IngestError;
use lessons_model::FieldError;
use maud::html;
use serde::Serialize;

use super::config::SiteConfig;
use super::layout::{layout, Section};
use crate::service::ServiceError;

/// An error answered by a route: its status, a stable code and a message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<FieldError>,
    /// For a retired recurring lesson (410): `Some(successor)`, written as the body's
    /// top-level `successor` (null when there is none); `None` leaves it out.
    pub successor: Option<Option<String>>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    successor: Option<&'a Option<String>>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    details: &'a [FieldError],
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
            successor: None,
        }
    }

    /// The title of the HTML page that shows this error.
    fn page_title(&self) -> &'static str {
        match self.status {
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::GONE if self.successor.is_some() => "Recurring lesson no longer listed",
            StatusCode::GONE => "Review withdrawn",
            StatusCode::UNPROCESSABLE_ENTITY => "Some details need changing",
            StatusCode::UNAUTHORIZED => "You are not signed in",
            status if status.is_server_error() => "Sorry, something went wrong",
            _ => "The request could not be answered",
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let message = error.to_string();
        match error {
            ServiceError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, "not_found", message),
            ServiceError::Gone { .. } => ApiError::new(StatusCode::GONE, "withdrawn", message),
            ServiceError::Retired { successor, .. } => ApiError {
                successor: Some(successor),
                ..ApiError::new(StatusCode::GONE, "recurring_lesson_gone", message)
            },
            ServiceError::Unauthenticated(_) => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
            }
            ServiceError::Forbidden(_) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
            }
            ServiceError::Conflict { .. } => {
                ApiError::new(StatusCode::CONFLICT, "duplicate_file", message)
            }
            ServiceError::Invalid(errors) => ApiError {
                details: errors.0,
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    message,
                )
            },
            ServiceError::Malformed(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
            }
            ServiceError::TooLarge(_) => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
            }
            ServiceError::Unsupported(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                message,
            ),
            ServiceError::Ingest { error, .. } => ingest_error(&error, message),
            ServiceError::Internal(_) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
            }
        }
    }
}

/// One status per kind of unreadable upload.
fn ingest_error(error: &IngestError, message: String) -> ApiError {
    let (status, code) = match error {
        IngestError::Empty => (StatusCode::UNPROCESSABLE_ENTITY, "empty_file"),
        IngestError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        IngestError::Unsupported(_) => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
        }
        IngestError::Damaged(_) => (StatusCode::UNPROCESSABLE_ENTITY, "damaged_file"),
        IngestError::Encrypted => (StatusCode::UNPROCESSABLE_ENTITY, "encrypted_file"),
    };
    ApiError::new(status, code, message)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"lessons\""));
        }
        response.json(Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                details: &self.details,
            },
            successor: self.successor.as_ref(),
        })
    }
}

/// Unknown API paths: a JSON 404.
pub async fn api_route_not_found(req: HttpRequest) -> HttpResponse {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no API route {} {}", req.method(), req.path()),
    )
    .error_response()
}

/// Known API paths asked with a method they do not answer: 405 with the methods they
/// do answer in `Allow` (RFC 9110).
pub fn method_not_allowed(req: &HttpRequest, allow: &'static str) -> HttpResponse {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "{} is not allowed on {}; use {allow}",
            req.method(),
            req.path()
        ),
    )
    .error_response();
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static(allow));
    response
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

/// A service error as an HTML page.
pub fn page_for(error: ServiceError, config: &SiteConfig) -> HttpResponse {
    let error = ApiError::from(error);
    error_page(
        error.status,
        error.page_title(),
        &error.message,
        &error.details,
        config,
    )
}

/// A service error as the answer of a review's public page: a review that is not there
/// (or not public) and a withdrawn review get their own words.
pub fn review_page_error(error: ServiceError, id: &str, config: &SiteConfig) -> HttpResponse {
    match error {
        ServiceError::Gone { notice } => error_page(
            StatusCode::GONE,
            "Review withdrawn",
            &capitalise(&notice),
            &[],
            config,
        ),
        ServiceError::NotFound(_) => error_page(
            StatusCode::NOT_FOUND,
            "Review not found",
            &format!("There is no published review with the id {id}."),
            &[],
            config,
        ),
        other => page_for(other, config),
    }
}

/// Unknown paths outside the API: an HTML 404.
pub fn page_not_found(path: &str, config: &SiteConfig) -> HttpResponse {
    not_found_page(
        "Page not found",
        &format!("There is no page at {path}."),
        config,
    )
}

/// Something a page names that does not exist (a theme, a review): an HTML 404 with
/// its own title.
pub fn not_found_page(title: &str, message: &str, config: &SiteConfig) -> HttpResponse {
    error_page(StatusCode::NOT_FOUND, title, message, &[], config)
}

/// A page asked for without what it needs (a parameter): an HTML 400 with its own title.
pub fn bad_request_page(title: &str, message: &str, config: &SiteConfig) -> HttpResponse {
    error_page(StatusCode::BAD_REQUEST, title, message, &[], config)
}

/// A page for others than the caller (the audit log): an HTML 403, never cached.
pub fn forbidden_page(message: &str, config: &SiteConfig) -> HttpResponse {
    let mut response = error_page(StatusCode::FORBIDDEN, "Not allowed", message, &[], config);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// A form whose CSRF token is missing or not the session's: an HTML 403.
pub fn form_expired_page(config: &SiteConfig) -> HttpResponse {
    error_page(
        StatusCode::FORBIDDEN,
        "The form has expired",
        "The form was not sent from this session. Go back, reload the page and try again.",
        &[],
        config,
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
