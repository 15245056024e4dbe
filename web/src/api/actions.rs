//! Action plans in the JSON API (DESIGN §10): add an action to a recommendation and
//! change one, for the review's board and admins (a token, or a session with its CSRF
//! header), on drafts and published reviews. Each answer is the action as stored.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::http::blocking::Pool;
use crate::http::body::read_json;
use crate::http::errors::ApiError;
use crate::http::session::ApiWriter;
use crate::service::actions::{ActionChanges, NewAction};

/// `POST /api/v1/reviews/{id}/findings/{n}/actions`
pub async fn add(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
    ApiWriter(principal): ApiWriter,
    pool: Pool,
) -> Result<HttpResponse, ApiError> {
    let (id, n) = path.into_inner();
    let body: NewAction = read_json(&req, payload).await?;
    let review_id = id.clone();
    let action = pool
        .run(move |service| service.add_action(&principal, &id, &n, body))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/reviews/{review_id}/actions/{}", action.id),
        ))
        .json(action))
}

/// `PATCH /api/v1/reviews/{id}/actions/{action_id}`
pub async fn change(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
    ApiWriter(principal): ApiWriter,
    pool: Pool,
) -> Result<HttpResponse, ApiError> {
    let (id, action_id) = path.into_inner();
    let body: ActionChanges = read_json(&req, payload).await?;
    let action = pool
        .run(move |service| service.change_action(&principal, &id, &action_id, body))
        .await?;
    Ok(HttpResponse::Ok().json(action))
}
