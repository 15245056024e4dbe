//! The HTTP application: every route in one [`configure`] function (shared by the server
//! and the tests), the security headers, and [`serve`], which runs the server until it
//! is told to stop and then flushes the store.

use std::net::SocketAddr;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{self, DefaultHeaders, Logger, Next};
use actix_web::{web, App, HttpRequest, HttpServer};
use anyhow::Context;

use crate::pages::SiteConfig;
use crate::repository::Repository;
use crate::throttle::LoginThrottle;
use crate::{
    api, citation, deposit_api, deposit_form, export, feeds, metrics, openapi, pages, stats,
};

/// Methods answered by a read-only API resource.
const READ: &str = "GET, HEAD";

/// Mounts every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(api_get("/healthz", api::healthz))
        .service(api_get("/metrics", metrics::metrics))
        .service(
            web::scope("/api/v1")
                .service(api_get("/search", api::search))
                .service(resource("/reviews", "POST").route(web::post().to(deposit_api::create)))
                .service(
                    api_get_allowing("/reviews/{id}", api::review, "GET, HEAD, PUT")
                        .route(web::put().to(deposit_api::update)),
                )
                .service(
                    resource("/reviews/{id}/publish", "POST")
                        .route(web::post().to(deposit_api::publish)),
                )
                .service(
                    resource("/reviews/{id}/withdraw", "POST")
                        .route(web::post().to(deposit_api::withdraw)),
                )
                .service(api_get("/reviews/{id}/revisions", deposit_api::revisions))
                .service(api_get("/reviews/{id}/cite", citation::cite))
                .service(api_get(
                    "/reviews/{id}/revisions/{n}",
                    deposit_api::revision,
                ))
                .service(api_get("/reviews/{id}/file", deposit_api::file))
                .service(api_get("/reviews/{id}/files/{n}", deposit_api::file))
                .service(api_get("/vocabularies", api::vocabularies))
                .service(api_get("/export", export::export))
                .service(api_get("/codebook", export::codebook_route))
                .service(api_get("/similar/{id}", api::similar))
                .service(api_get("/stats", stats::stats))
                .default_service(web::to(api::not_found)),
        )
        .service(
            web::scope("/api")
                .service(api_get("", pages::api_docs))
                .service(api_get("/openapi.json", openapi::openapi_json))
                .default_service(web::to(api::not_found)),
        )
        .service(api_get("/feeds/reviews.atom", feeds::reviews))
        .route("/", web::get().to(pages::home))
        .route("/search", web::get().to(pages::search))
        .route("/reviews/{id}", web::get().to(pages::review))
        .route("/similar", web::get().to(pages::similar_lessons))
        .route("/themes", web::get().to(pages::themes))
        .route("/themes/{slug}", web::get().to(pages::theme))
        .route("/insights", web::get().to(pages::insights))
        .route("/login", web::get().to(pages::login_form))
        .route("/login", web::post().to(pages::login))
        .route("/logout", web::post().to(pages::logout))
        .route("/my", web::get().to(pages::my))
        .route("/admin/audit", web::get().to(pages::audit))
        .route("/my/tokens", web::post().to(pages::add_token))
        .route("/deposit", web::get().to(deposit_form::deposit_page))
        .route("/deposit", web::post().to(deposit_form::deposit_submit))
        .route("/my/reviews/{id}", web::get().to(deposit_form::edit_page))
        .route(
            "/my/reviews/{id}",
            web::post().to(deposit_form::edit_submit),
        )
        .route(
            "/my/reviews/{id}/publish",
            web::post().to(deposit_form::publish_submit),
        )
        .route(
            "/my/reviews/{id}/withdraw",
            web::post().to(deposit_form::withdraw_submit),
        )
        .route(
            "/my/tokens/{id}/revoke",
            web::post().to(pages::revoke_token),
        )
        .route("/static/site.css", web::get().to(pages::stylesheet))
        .default_service(web::to(pages::not_found));
}

/// An API resource that answers GET and HEAD with `handler` and any other method with a
/// JSON 405.
fn api_get<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    api_get_allowing(path, handler, READ)
}

/// Like [`api_get`], for a resource that also answers the other methods in `allow`
/// (routes added by the caller).
fn api_get_allowing<F, Args>(path: &str, handler: F, allow: &'static str) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    resource(path, allow)
        .route(web::get().to(handler.clone()))
        .route(web::head().to(handler))
}

/// A resource whose unrouted methods answer a JSON 405 listing `allow`.
fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move |req: HttpRequest| {
        api::method_not_allowed(req, allow)
    }))
}

/// Answers to requests that carry credentials may hold drafts or tokens: no cache may
/// keep them.
async fn private_when_credentialed(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let credentialed = req.headers().contains_key(header::AUTHORIZATION)
        || req.cookie(crate::auth::SESSION_COOKIE).is_some();
    let mut response = next.call(req).await?;
    if credentialed {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("private, no-store"),
        );
    }
    Ok(response)
}

/// Headers sent with every answer: no inline script or style, no framing, no sniffing.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
}

/// Serves `repository` on `addr` until SIGTERM or Ctrl-C, then flushes the store.
pub async fn serve(repository: Repository, addr: &str, config: SiteConfig) -> anyhow::Result<()> {
    let data = web::Data::new(repository);
    let site = web::Data::new(config);
    let throttle = web::Data::new(LoginThrottle::default());
    let app_data = data.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(app_data.clone())
            .app_data(site.clone())
            .app_data(throttle.clone())
            .wrap(middleware::from_fn(private_when_credentialed))
            .wrap(security_headers())
            .wrap(Logger::new("%r %s %b %Dms"))
            .wrap(middleware::from_fn(metrics::record))
            .configure(configure)
    })
    .bind(addr)
    .with_context(|| format!("cannot listen on {addr}"))?
    .shutdown_timeout(30);
    let bound: Vec<SocketAddr> = server.addrs();
    for address in &bound {
        eprintln!("Lessons is serving on http://{address}");
    }
    server
        .run()
        .await
        .context("the server stopped with an error")?;
    data.store
        .flush()
        .context("cannot flush the store at shutdown")?;
    Ok(())
}
