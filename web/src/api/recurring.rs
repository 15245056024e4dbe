//! Recurring lessons in the JSON API (DESIGN §9): `GET /api/v1/recurring` (a checked,
//! paged listing), `GET /api/v1/recurring/{id}` (one with its members; 410 with the
//! successor for a retired id) and `GET /api/v1/recurring/export` (every match as CSV,
//! JSON or NDJSON, one row per recurring lesson or per member finding). The state is
//! the service's (`service::recurring`); handlers parse, call it on the blocking pool
//! and render.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::formats::recurring::RecurringExport;
use crate::http::blocking::Pool;
use crate::http::config::site_url;
use crate::http::download::attachment;
use crate::http::errors::ApiError;
use crate::service::requests::query_pairs;

/// `GET /api/v1/recurring`
pub async fn list(req: HttpRequest, pool: Pool) -> Result<HttpResponse, ApiError> {
    let pairs = query_pairs(req.query_string());
    let page = pool
        .run(move |service| service.recurring(&service.recurring_request(&pairs)?))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// `GET /api/v1/recurring/{id}`
pub async fn lesson(path: web::Path<String>, pool: Pool) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let detail = pool
        .run(move |service| service.recurring_lesson(&id))
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// `GET /api/v1/recurring/export`: every matching recurring lesson (`what=lessons`, the
/// default) or every member finding of them (`what=members`), not paged.
pub async fn export(req: HttpRequest, pool: Pool) -> Result<HttpResponse, ApiError> {
    let pairs = query_pairs(req.query_string());
    let site = site_url(&req);
    let export = pool
        .run(move |service| {
            let request = RecurringExport::from_pairs(pairs)?;
            let lessons = service.recurring_all(&request.filters)?;
            Ok((request, lessons))
        })
        .await?;
    let (request, lessons) = export;
    let body = request.encode(&lessons, &site);
    let file_name = request.file_name();
    let content_type = request.format.content_type();
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(attachment(&file_name))
        .body(body))
}
