//! What operators watch: `GET /healthz` (the server listens only once the index has
//! caught up, so any answer is a healthy one; it says nothing more, as it is public) and
//! `GET /metrics` (Prometheus: everything for admins; with `--public-metrics`, anyone
//! gets the public view, see `crate::metrics`).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::http::blocking::Pool;
use crate::http::config::SiteConfig;
use crate::http::errors::ApiError;
use crate::http::session::credentials;
use crate::metrics::{Audience, CONTENT_TYPE};
use crate::service::ServiceError;

/// `GET /healthz`
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// `GET /metrics`: the exposition, for admins, or the public view for anyone with
/// `--public-metrics`. Otherwise 401 without credentials and 403 for a depositor.
pub async fn metrics(
    req: HttpRequest,
    pool: Pool,
    site: web::Data<SiteConfig>,
) -> Result<HttpResponse, ApiError> {
    let credentials = credentials(&req);
    let public = site.public_metrics;
    let text = pool
        .run(move |service| {
            let audience = match service.authenticate(&credentials) {
                Ok(Some(principal)) if principal.is_admin() => Audience::Operators,
                _ if public => Audience::Public,
                Ok(Some(_)) => {
                    return Err(ServiceError::Forbidden(
                        "the metrics are for admins (or served to everyone with --public-metrics)"
                            .into(),
                    ))
                }
                Ok(None) => {
                    return Err(ServiceError::Unauthenticated(
                        "sign in, or send an API token as \"Authorization: Bearer <token>\"".into(),
                    ))
                }
                Err(error) => return Err(error),
            };
            service.metrics_text(audience)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}
