//! Reviews in the JSON API (DESIGN §6): read one (public, or any status for its board),
//! create a draft (JSON or a multipart upload), replace it, publish (now or under
//! embargo), withdraw, and read revisions and original files. Writes need a token or a
//! session with its CSRF header; each is stored and indexed before the answer is sent.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_ingest::Warning;
use lessons_model::Review;
use serde::Serialize;

use crate::http::blocking::Pool;
use crate::http::body::{is_multipart, read_json, read_multipart};
use crate::http::conditional::conditional;
use crate::http::config::SiteConfig;
use crate::http::download::attachment;
use crate::http::errors::ApiError;
use crate::http::session::{ApiUser, ApiWriter, Caller};
use crate::service::accounts::Principal;
use crate::service::input::review_from_json;
use crate::service::input::TransitionRequest;
use crate::service::uploads::{read_deposit, DepositSource};
use crate::service::ServiceError;

#[derive(Serialize)]
struct Deposited<'a> {
    #[serde(flatten)]
    review: &'a Review,
    warnings: &'a [Warning],
}

/// `GET /api/v1/reviews/{id}`: public reviews for everyone; any status for the review's
/// board and admins; 410 with the reason for a withdrawn review.
pub async fn review(
    req: HttpRequest,
    path: web::Path<String>,
    Caller(caller): Caller,
    pool: Pool,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let review = pool
        .run(move |service| {
            let review = service.review_or_notice(caller.as_ref(), &id)?;
            Ok(service.review_json(&review))
        })
        .await?;
    let body = serde_json::to_string(&review)
        .map_err(|e| ServiceError::internal(&e, "the review could not be written as JSON"))?;
    // ETag only: the JSON also shows derived figures (recurring lessons, overdue
    // actions) that change without the review changing, so no Last-Modified is honest.
    Ok(conditional(&req, "application/json", body, None))
}

/// `POST /api/v1/reviews`: a new draft of the caller's board, from JSON or from an
/// upload (`multipart/form-data`: a `metadata` JSON part, `file` parts and optional
/// `document_type` parts).
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    ApiWriter(principal): ApiWriter,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> Result<HttpResponse, ApiError> {
    let max_bytes = config.max_upload_bytes;
    let deposited = if is_multipart(&req) {
        let parts = read_multipart(&req, payload, max_bytes).await?;
        pool.run(move |service| {
            let deposit = read_deposit(parts, DepositSource::Api, max_bytes)?;
            let review = review_from_json(deposit.metadata)?;
            service.deposit(&principal, review, deposit.uploads)
        })
        .await?
    } else {
        let value: serde_json::Value = read_json(&req, payload).await?;
        pool.run(move |service| {
            let review = review_from_json(value)?;
            service.deposit(&principal, review, Vec::new())
        })
        .await?
    };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/reviews/{}", deposited.review.id),
        ))
        .json(Deposited {
            review: &deposited.review,
            warnings: &deposited.warnings,
        }))
}

/// `PUT /api/v1/reviews/{id}`: replaces metadata and findings as a new revision. Status,
/// embargo and files stay as they are.
pub async fn update(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    ApiWriter(principal): ApiWriter,
    pool: Pool,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    check_editable(&pool, &principal, &id).await?;
    let value: serde_json::Value = read_json(&req, payload).await?;
    let stored = pool
        .run(move |service| service.amend(&principal, &id, review_from_json(value)?))
        .await?;
    Ok(HttpResponse::Ok().json(stored))
}

/// `POST /api/v1/reviews/{id}/publish` (`{ "anonymisation_checked": true,
/// "embargo_until"?: date }`) and `POST /api/v1/reviews/{id}/withdraw` (`{ "reason":
/// text }`): one shape, the body says which.
pub async fn transition<B: TransitionRequest>(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    ApiWriter(principal): ApiWriter,
    pool: Pool,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    check_editable(&pool, &principal, &id).await?;
    let body: B = read_json(&req, payload).await?;
    let stored = pool
        .run(move |service| service.transition(&principal, &id, body.into_transition()))
        .await?;
    Ok(HttpResponse::Ok().json(stored))
}

/// Refuses a change of review `id` before its body is read (as for the change itself:
/// not found unless the caller may read it, forbidden unless they may change it).
async fn check_editable(pool: &Pool, principal: &Principal, id: &str) -> Result<(), ApiError> {
    let (principal, id) = (principal.clone(), id.to_string());
    pool.run(move |service| service.editable_review(&principal, &id).map(drop))
        .await?;
    Ok(())
}

/// `GET /api/v1/reviews/{id}/revisions`
pub async fn revisions(
    path: web::Path<String>,
    ApiUser(principal): ApiUser,
    pool: Pool,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let revisions = pool
        .run(move |service| service.revisions(&principal, &id))
        .await?;
    Ok(HttpResponse::Ok().json(revisions))
}

/// `GET /api/v1/reviews/{id}/revisions/{n}`
pub async fn revision(
    path: web::Path<(String, String)>,
    ApiUser(principal): ApiUser,
    pool: Pool,
) -> Result<HttpResponse, ApiError> {
    let (id, n) = path.into_inner();
    let review = pool
        .run(move |service| service.revision(&principal, &id, &n))
        .await?;
    Ok(HttpResponse::Ok().json(review))
}

/// `GET /api/v1/reviews/{id}/file` and `/files/{n}`: an original upload, as an attachment.
pub async fn file(
    req: HttpRequest,
    Caller(caller): Caller,
    pool: Pool,
) -> Result<HttpResponse, ApiError> {
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    let n = req.match_info().get("n").unwrap_or("1").to_string();
    let download = pool
        .run(move |service| service.file(caller.as_ref(), &id, &n))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(download.file.media_type.clone())
        .insert_header(attachment(&download.file.filename))
        .body(download.bytes))
}
