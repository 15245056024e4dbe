//! The write side of the JSON API (DESIGN §6): create a draft, replace it, publish
//! (now or under embargo), withdraw, and read revisions and original files. Every route
//! needs a token or a session (401), and the right to edit the review's board (403).
//! Each write is stored and indexed before the answer is sent.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use lessons_model::dates::{parse_date, today};
use lessons_model::{Review, Status};
use serde::{Deserialize, Serialize};

use lessons_ingest::{anonymisation_warnings, suggest_lessons, Warning};

use crate::auth::{authenticate, require, Principal};
use crate::errors::ApiError;
use crate::import::review_from_value;
use crate::pages::SiteConfig;
use crate::repository::Repository;
use crate::upload;

/// Largest JSON body accepted (a review with a long summary fits many times over).
pub const MAX_JSON_BYTES: usize = 8 << 20;

#[derive(Serialize)]
struct Deposited<'a> {
    #[serde(flatten)]
    review: &'a Review,
    warnings: &'a [Warning],
}

/// `POST /api/v1/reviews`: a new draft of the caller's board, from JSON or from an
/// upload (`multipart/form-data`, see [`crate::upload`]).
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> Result<HttpResponse, ApiError> {
    let principal = require_write(&req, &repository)?;
    let is_upload = content_type(&req).starts_with("multipart/form-data");
    let (review, uploads) = if is_upload {
        let deposit = upload::read_deposit(&req, payload, config.max_upload_bytes, true).await?;
        let (review, _) = review_from_value(deposit.metadata)
            .map_err(|errors| ApiError::invalid(lessons_model::ValidationErrors(errors)))?;
        (review, deposit.uploads)
    } else {
        (read_review(&req, payload).await?, Vec::new())
    };
    let (stored, warnings) =
        web::block(move || deposit(&principal, &repository, review, uploads)).await??;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/reviews/{}", stored.id)))
        .json(Deposited {
            review: &stored,
            warnings: &warnings,
        }))
}

/// A new draft from deposited metadata and uploads: the summary filled from the text,
/// findings suggested when none were given, and the warnings found. Blocking.
pub fn deposit(
    principal: &Principal,
    repository: &Repository,
    mut review: Review,
    uploads: Vec<upload::Upload>,
) -> Result<(Review, Vec<Warning>), ApiError> {
    check_board(principal, &review.board)?;
    review.status = Status::Draft;
    review.embargo_until = None;
    upload::fill_summary(&mut review, &uploads);
    if review.lessons.is_empty() {
        review.lessons = suggest_lessons(&review.summary);
    }
    let mut warnings: Vec<Warning> = uploads
        .iter()
        .flat_map(|u| u.extracted.warnings.clone())
        .collect();
    warnings.extend(review_warnings(&review));
    let stored = store_deposit(repository, review, &uploads, &principal.email)?;
    Ok((stored, warnings))
}

/// Likely identifying details in a review's summary and findings.
pub fn review_warnings(review: &Review) -> Vec<Warning> {
    anonymisation_warnings(&review_text(review), &review.pseudonyms)
}

/// Stores the review with its files; refuses a file the board already deposited (409).
/// Nothing is kept unless all of it is acceptable.
fn store_deposit(
    repository: &Repository,
    review: Review,
    uploads: &[upload::Upload],
    by: &str,
) -> Result<Review, ApiError> {
    let files: Vec<(lessons_model::FileRef, &[u8])> = uploads
        .iter()
        .map(|u| {
            (
                upload::file_ref(u, lessons_store::sha256_hex(&u.bytes)),
                u.bytes.as_slice(),
            )
        })
        .collect();
    repository.create_review_with_files(review, files, by, |filename, existing| {
        ApiError::new(
            StatusCode::CONFLICT,
            "duplicate_file",
            format!("{filename} was already deposited by this board, in review {existing}"),
        )
    })
}

/// The text a depositor wrote or extracted: summary and findings.
fn review_text(review: &Review) -> String {
    let mut text = review.summary.clone();
    for lesson in &review.lessons {
        text.push_str("\n\n");
        text.push_str(&lesson.text);
    }
    text
}

/// `PUT /api/v1/reviews/{id}`: replaces metadata and findings as a new revision. Status,
/// embargo and files stay as they are.
pub async fn update(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let principal = require_write(&req, &repository)?;
    let id = path.into_inner();
    editable_review(&principal, &repository, &id)?;
    let review = read_review(&req, payload).await?;
    check_board(&principal, &review.board)?;
    let stored = web::block(move || {
        let by = principal.email.clone();
        repository.modify_review(&id, &by, "update", |current| {
            amended(&principal, current, review)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(stored))
}

/// `review` as the new version of `current`: status, embargo, withdrawal and files are
/// kept; a published review may not gain unconfirmed (suggested) findings.
pub fn amended(
    principal: &Principal,
    current: Review,
    mut review: Review,
) -> Result<Review, ApiError> {
    check_board(principal, &current.board)?;
    if current.status == Status::Published {
        let suggested: Vec<lessons_model::FieldError> = review
            .lessons
            .iter()
            .enumerate()
            .filter(|(_, l)| l.suggested)
            .map(|(i, _)| lessons_model::FieldError {
                field: format!("lessons[{i}].suggested"),
                message: "a published review may only hold confirmed findings".into(),
                allowed: None,
            })
            .collect();
        if !suggested.is_empty() {
            return Err(ApiError::invalid(lessons_model::ValidationErrors(
                suggested,
            )));
        }
    }
    review.status = current.status;
    review.embargo_until = current.embargo_until;
    review.withdrawn_on = current.withdrawn_on;
    review.withdrawal_reason = current.withdrawal_reason;
    review.files = current.files;
    Ok(review)
}

/// What publishing asks for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    #[serde(default)]
    pub anonymisation_checked: bool,
    #[serde(default)]
    pub embargo_until: Option<String>,
}

/// `POST /api/v1/reviews/{id}/publish`: `{ "anonymisation_checked": true, "embargo_until"?: date }`.
pub async fn publish(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let principal = require_write(&req, &repository)?;
    let id = path.into_inner();
    editable_review(&principal, &repository, &id)?;
    let body: PublishBody = read_json(&req, payload).await?;
    let stored = web::block(move || {
        repository.modify_review(&id, &principal.email, "publish", |current| {
            check_board(&principal, &current.board)?;
            publishable(current, body)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(stored))
}

/// Checks the publication rules and returns the review as published.
pub fn publishable(mut review: Review, body: PublishBody) -> Result<Review, ApiError> {
    let mut problems = Vec::new();
    if !body.anonymisation_checked {
        problems.push(lessons_model::FieldError {
            field: "anonymisation_checked".into(),
            message: "confirm that the anonymisation check was done (true)".into(),
            allowed: None,
        });
    }
    let embargo = match body.embargo_until.as_deref() {
        None | Some("") => None,
        Some(text) => match parse_date(text) {
            Some(date) => Some((text.to_string(), date)),
            None => {
                problems.push(lessons_model::FieldError {
                    field: "embargo_until".into(),
                    message: format!("\"{text}\" is not a date (YYYY-MM-DD)"),
                    allowed: None,
                });
                None
            }
        },
    };
    for (i, lesson) in review.lessons.iter().enumerate() {
        if lesson.suggested {
            problems.push(lessons_model::FieldError {
                field: format!("lessons[{i}].suggested"),
                message: "confirm, edit or delete this suggested finding first".into(),
                allowed: None,
            });
        }
    }
    if review.status == Status::Withdrawn {
        problems.push(lessons_model::FieldError {
            field: "status".into(),
            message: "a withdrawn review cannot be published again; deposit a new one".into(),
            allowed: None,
        });
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(lessons_model::ValidationErrors(problems)));
    }
    review.status = Status::Published;
    let public_day = embargo
        .as_ref()
        .map(|(_, date)| *date)
        .unwrap_or_else(today);
    review.embargo_until = embargo.map(|(text, _)| text);
    if review.published_on.is_none() {
        review.published_on = Some(public_day.to_string());
    }
    Ok(review)
}

/// What withdrawal asks for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/reviews/{id}/withdraw`: `{ "reason": text }`.
pub async fn withdraw(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let principal = require_write(&req, &repository)?;
    let id = path.into_inner();
    editable_review(&principal, &repository, &id)?;
    let body: WithdrawBody = read_json(&req, payload).await?;
    let stored = web::block(move || {
        repository.modify_review(&id, &principal.email, "withdraw", |current| {
            check_board(&principal, &current.board)?;
            withdrawn(current, &body.reason)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(stored))
}

/// `review` withdrawn today for `reason`. Only a published review can be withdrawn (a
/// draft was never public; it simply stays a draft).
pub fn withdrawn(mut review: Review, reason: &str) -> Result<Review, ApiError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::invalid_field(
            "reason",
            "say why the review is withdrawn",
        ));
    }
    if reason.chars().count() > 2_000 {
        return Err(ApiError::invalid_field(
            "reason",
            "is longer than 2000 characters",
        ));
    }
    if review.status != Status::Published {
        return Err(ApiError::invalid_field(
            "status",
            format!(
                "only a published review can be withdrawn (this one is {})",
                review.status.as_str()
            ),
        ));
    }
    review.status = Status::Withdrawn;
    review.withdrawn_on = Some(today().to_string());
    review.withdrawal_reason = Some(reason.to_string());
    Ok(review)
}

/// `GET /api/v1/reviews/{id}/revisions`
pub async fn revisions(
    req: HttpRequest,
    path: web::Path<String>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let principal = require(&req, &repository)?;
    let id = path.into_inner();
    editable_review(&principal, &repository, &id)?;
    Ok(HttpResponse::Ok().json(repository.store.revisions(&id)?))
}

/// `GET /api/v1/reviews/{id}/revisions/{n}`
pub async fn revision(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let principal = require(&req, &repository)?;
    let (id, n) = path.into_inner();
    editable_review(&principal, &repository, &id)?;
    let n: u32 = n
        .parse()
        .map_err(|_| ApiError::not_found(format!("review {id} has no revision {n}")))?;
    match repository.store.revision(&id, n)? {
        Some(record) => Ok(HttpResponse::Ok().json(record.review)),
        None => Err(ApiError::not_found(format!(
            "review {id} has no revision {n}"
        ))),
    }
}

/// `GET /api/v1/reviews/{id}/file` and `/files/{n}`: an original upload, as an attachment.
pub async fn file(
    req: HttpRequest,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    let n: usize = match req.match_info().get("n") {
        None => 1,
        Some(text) => text
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| ApiError::not_found(format!("review {id} has no file {text}")))?,
    };
    let principal = authenticate(&req, &repository)?;
    let review = readable_review(principal.as_ref(), &repository, &id)?;
    let Some(file) = review.files.get(n - 1) else {
        return Err(ApiError::not_found(format!("review {id} has no file {n}")));
    };
    let bytes = repository
        .store
        .file(&file.sha256)?
        .ok_or_else(|| ApiError::internal("the stored file is missing"))?;
    Ok(HttpResponse::Ok()
        .content_type(file.media_type.clone())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                file.filename.replace(['"', '\\'], "_")
            ),
        ))
        .body(bytes))
}

/// The principal of an API write: 401 without credentials; a session (cookie) must also
/// send its CSRF token in `X-CSRF-Token`, so that another site cannot post in its name.
fn require_write(req: &HttpRequest, repository: &Repository) -> Result<Principal, ApiError> {
    let principal = require(req, repository)?;
    if let Some(expected) = &principal.csrf {
        let given = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !crate::pages::account::constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            return Err(ApiError::forbidden(
                "a write with a session cookie needs the session's X-CSRF-Token header (or use an API token)",
            ));
        }
    }
    Ok(principal)
}

/// The review `id` if `principal` may see it: public reviews for everyone, any status
/// for the review's board and admins. Others get 404 (existence is not revealed).
pub fn readable_review(
    principal: Option<&Principal>,
    repository: &Repository,
    id: &str,
) -> Result<Review, ApiError> {
    let review = repository.store.review(id)?;
    match review {
        Some(review) if review.is_public_now() => Ok(review),
        Some(review) if principal.is_some_and(|p| p.can_edit(&review.board)) => Ok(review),
        _ => Err(ApiError::not_found(format!("review {id} not found"))),
    }
}

/// The review `id` if `principal` may change it: 404 when it does not exist, 403 when
/// it belongs to another board.
pub fn editable_review(
    principal: &Principal,
    repository: &Repository,
    id: &str,
) -> Result<Review, ApiError> {
    let review = repository
        .store
        .review(id)?
        .ok_or_else(|| ApiError::not_found(format!("review {id} not found")))?;
    check_board(principal, &review.board)?;
    Ok(review)
}

pub fn check_board(principal: &Principal, board: &str) -> Result<(), ApiError> {
    if board.is_empty() || principal.can_edit(board) {
        return Ok(());
    }
    Err(ApiError::forbidden(format!(
        "{} may not deposit or change reviews of board \"{board}\"",
        principal.email
    )))
}

/// Reads a review from a JSON body (415 for another content type).
async fn read_review(req: &HttpRequest, payload: web::Payload) -> Result<Review, ApiError> {
    let value: serde_json::Value = read_json(req, payload).await?;
    let (review, _) = review_from_value(value)
        .map_err(|errors| ApiError::invalid(lessons_model::ValidationErrors(errors)))?;
    Ok(review)
}

/// Reads a JSON body: 415 unless `application/json`, 413 over [`MAX_JSON_BYTES`], 400
/// when it is not JSON of the expected shape.
pub async fn read_json<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<T, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .trim()
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("send JSON with Content-Type: application/json (got \"{content_type}\")"),
        ));
    }
    let bytes = read_body(payload, MAX_JSON_BYTES).await?;
    let value: serde_json::Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        serde_json::json!({})
    } else {
        serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}")))?
    };
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        ApiError::invalid_field(
            if field == "." { "" } else { &field },
            e.inner().to_string(),
        )
    })
}

/// The request's content type, trimmed and in lower case.
fn content_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Reads a whole body, refusing more than `limit` bytes with 413.
pub async fn read_body(mut payload: web::Payload, limit: usize) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is larger than {} MiB", limit >> 20),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
