//! [`ServiceError`]: why the service refused or failed a request, in the service's own
//! words. It knows nothing of HTTP: `http::errors` turns each variant into a status and a
//! body, once, for the API (JSON) and the site (HTML).

use lessons_index::IndexError;
use lessons_ingest::IngestError;
use lessons_model::{FieldError, ValidationErrors};
use lessons_store::StoreError;

/// Why a service call did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No such thing, or nothing the caller may know of.
    #[error("{0}")]
    NotFound(String),
    /// It existed and was withdrawn; `notice` says when and why.
    #[error("{notice}")]
    Gone { notice: String },
    /// A recurring lesson that no longer exists (its findings were regrouped or
    /// withdrawn); `successor` is the recurring lesson that carries most of them on.
    #[error("{}", retired_message(.id, .successor.as_deref()))]
    Retired {
        id: String,
        successor: Option<String>,
    },
    /// Credentials are missing, or were given and are not valid.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known and may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The board already deposited this file, in `review`.
    #[error("{file} was already deposited by this board, in review {review}")]
    Conflict { file: String, review: String },
    /// The input was read and is wrong: every field error at once.
    #[error("{}", invalid_message(.0))]
    Invalid(ValidationErrors),
    /// The input could not be read at all (not JSON, a broken multipart body).
    #[error("{0}")]
    Malformed(String),
    /// The input is larger than the service accepts.
    #[error("{0}")]
    TooLarge(String),
    /// The input is of a kind the service does not take (media type).
    #[error("{0}")]
    Unsupported(String),
    /// An uploaded file could not be read.
    #[error("{file}: {error}")]
    Ingest { file: String, error: IngestError },
    /// The service failed; the cause is logged, the message is safe to show.
    #[error("{0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    /// One invalid field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(ValidationErrors(vec![FieldError {
            field: field.to_string(),
            message: message.into(),
            allowed: None,
        }]))
    }

    /// One invalid field with the values it allows.
    pub fn invalid_choice(
        field: &str,
        message: impl Into<String>,
        allowed: Vec<String>,
    ) -> ServiceError {
        ServiceError::Invalid(ValidationErrors(vec![FieldError {
            field: field.to_string(),
            message: message.into(),
            allowed: Some(allowed),
        }]))
    }

    /// A failure of the service itself: logged with its cause; the caller sees `shown`.
    pub fn internal(cause: &dyn std::fmt::Display, shown: &str) -> ServiceError {
        tracing::error!(error = %cause, "{shown}");
        ServiceError::Internal(shown.to_string())
    }
}

/// "recurring lesson rl-3 no longer exists; ..."
fn retired_message(id: &str, successor: Option<&str>) -> String {
    match successor {
        Some(next) => {
            format!("recurring lesson {id} no longer exists; its findings are now in {next}")
        }
        None => format!("recurring lesson {id} no longer exists; its findings no longer recur"),
    }
}

/// "2 invalid fields: a: ...; b: ..."
fn invalid_message(errors: &ValidationErrors) -> String {
    let count = errors.0.len();
    format!(
        "{count} invalid field{}: {errors}",
        if count == 1 { "" } else { "s" }
    )
}

impl From<ValidationErrors> for ServiceError {
    fn from(errors: ValidationErrors) -> Self {
        ServiceError::Invalid(errors)
    }
}

impl From<Vec<FieldError>> for ServiceError {
    fn from(errors: Vec<FieldError>) -> Self {
        ServiceError::Invalid(ValidationErrors(errors))
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Invalid(errors) => ServiceError::Invalid(errors),
            StoreError::ReviewNotFound(id) => {
                ServiceError::NotFound(format!("review {id} not found"))
            }
            other => ServiceError::internal(&other, "the service could not read or write its data"),
        }
    }
}

impl From<IndexError> for ServiceError {
    fn from(error: IndexError) -> Self {
        ServiceError::internal(&error, "the search index could not answer")
    }
}
