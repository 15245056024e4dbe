//! `GET /api/openapi.json`: the OpenAPI document of the API (`crate::openapi`), with the
//! service's boards and example ids.

use actix_web::HttpResponse;

use crate::http::blocking::Pool;
use crate::http::errors::ApiError;
use crate::openapi::{document, SpecContext};

/// `GET /api/openapi.json`
pub async fn openapi_json(pool: Pool) -> Result<HttpResponse, ApiError> {
    let (boards, examples) = pool
        .run(|service| Ok((service.board_slugs(), service.newest_public_ids()?)))
        .await?;
    Ok(HttpResponse::Ok().json(document(&SpecContext::new(boards, examples))))
}
