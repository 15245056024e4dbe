//! Errors as HTTP answers, mapped in one place: [`ApiError`] renders the JSON body of
//! DESIGN §6 (`{ "error": { "code", "message", "details"? } }`); pages render the same
//! errors as readable HTML (see `pages::error_page`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use lessons_index::IndexError;
use lessons_model::{FieldError, ValidationErrors};
use lessons_store::StoreError;
use serde::Serialize;

use crate::repository::RepositoryError;

/// An error answered by an API route.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<FieldError>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    details: &'a [FieldError],
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 422 for one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid(ValidationErrors(vec![FieldError {
            field: field.to_string(),
            message: message.into(),
            allowed: None,
        }]))
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// 422 with every field error.
    pub fn invalid(errors: ValidationErrors) -> ApiError {
        let count = errors.0.len();
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            message: format!(
                "{count} invalid field{}: {errors}",
                if count == 1 { "" } else { "s" }
            ),
            details: errors.0,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header(("WWW-Authenticate", "Bearer realm=\"lessons\""));
        }
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                details: &self.details,
            },
        };
        response.json(body)
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        ApiError::invalid(errors)
    }
}

impl From<RepositoryError> for ApiError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Store(e) => e.into(),
            other => {
                tracing::error!(error = %other, "repository error");
                ApiError::internal("the service could not complete the request")
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Invalid(errors) => ApiError::invalid(errors),
            StoreError::ReviewNotFound(id) => ApiError::not_found(format!("review {id} not found")),
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::internal("the service could not read or write its data")
            }
        }
    }
}

impl From<IndexError> for ApiError {
    fn from(error: IndexError) -> Self {
        tracing::error!(error = %error, "index error");
        ApiError::internal("the search index could not answer")
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        ApiError::internal("the service is shutting down")
    }
}
