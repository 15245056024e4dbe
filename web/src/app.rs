//! The HTTP application: every route in one [`configure`] function (shared by the server,
//! the tests and the benches), the app state ([`AppState`]: the service, metrics, site
//! settings, sign-in throttle), and [`serve`], which runs the server until it is told to
//! stop and then flushes the store.

use std::net::SocketAddr;

use actix_web::middleware::{self, Logger};
use actix_web::{web, App, HttpRequest, HttpServer};
use anyhow::Context;

use crate::api::reviews::transition;
use crate::api::{actions, cite, docs, export, health, recurring, reviews, search, stats};
use crate::http::config::SiteConfig;
use crate::http::errors::{api_route_not_found, method_not_allowed};
use crate::http::middleware::{
    logged_request_line, private_when_credentialed, record_metrics, security_headers,
};
use crate::pages::actions as action_pages;
use crate::pages::{
    account, admin, api_docs, codebook, deposit, help, home, insights, review, theme,
};
use crate::service::input::{PublishBody, WithdrawBody};
use crate::service::Repository;
use crate::throttle::LoginThrottle;
use crate::{discovery, feeds, oai, pages};

/// Methods answered by a read-only API resource.
const READ: &str = "GET, HEAD";

/// Mounts every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(api_get("/healthz", health::healthz))
        .service(api_get("/metrics", health::metrics))
        .service(
            web::scope("/api/v1")
                .service(api_get("/search", search::search))
                .service(resource("/reviews", "POST").route(web::post().to(reviews::create)))
                .service(
                    api_get_allowing("/reviews/{id}", reviews::review, "GET, HEAD, PUT")
                        .route(web::put().to(reviews::update)),
                )
                .service(
                    resource("/reviews/{id}/publish", "POST")
                        .route(web::post().to(transition::<PublishBody>)),
                )
                .service(
                    resource("/reviews/{id}/withdraw", "POST")
                        .route(web::post().to(transition::<WithdrawBody>)),
                )
                .service(
                    resource("/reviews/{id}/findings/{n}/actions", "POST")
                        .route(web::post().to(actions::add)),
                )
                .service(
                    resource("/reviews/{id}/actions/{action_id}", "PATCH")
                        .route(web::patch().to(actions::change)),
                )
                .service(api_get("/reviews/{id}/revisions", reviews::revisions))
                .service(api_get("/reviews/{id}/cite", cite::cite))
                .service(api_get("/reviews/{id}/revisions/{n}", reviews::revision))
                .service(api_get("/reviews/{id}/file", reviews::file))
                .service(api_get("/reviews/{id}/files/{n}", reviews::file))
                .service(api_get("/vocabularies", search::vocabularies))
                .service(api_get("/export", export::export))
                .service(api_get("/codebook", export::codebook))
                .service(api_get("/similar/{id}", search::similar))
                .service(api_get("/stats", stats::stats))
                .service(api_get("/recurring", recurring::list))
                .service(api_get("/recurring/export", recurring::export))
                .service(api_get("/recurring/{id}", recurring::lesson))
                .default_service(web::to(api_route_not_found)),
        )
        .service(
            web::scope("/api")
                .service(api_get("", api_docs::api_docs))
                .service(api_get("/openapi.json", docs::openapi_json))
                .default_service(web::to(api_route_not_found)),
        )
        .service(api_get("/feeds/reviews.atom", feeds::reviews))
        .service(api_get("/feeds/actions.atom", feeds::actions))
        .service(
            web::resource("/oai")
                .route(web::get().to(oai::get))
                .route(web::post().to(oai::post))
                .default_service(web::to(|req: HttpRequest| async move {
                    method_not_allowed(&req, "GET, HEAD, POST")
                })),
        )
        .service(api_get("/oai/review.xsd", oai::schema))
        .service(api_get("/robots.txt", discovery::robots))
        .service(api_get("/sitemap.xml", discovery::sitemap))
        .service(api_get("/sitemap-{n}.xml", discovery::sitemap_part))
        .route("/", web::get().to(home::home))
        .route("/search", web::get().to(pages::search::search))
        .route("/reviews/{id}", web::get().to(review::review))
        .route(
            "/reviews/{id}/briefing",
            web::get().to(pages::briefing::review_briefing),
        )
        .route("/recurring", web::get().to(pages::recurring::list))
        .route("/recurring/{id}", web::get().to(pages::recurring::detail))
        .route(
            "/recurring/{id}/briefing",
            web::get().to(pages::briefing::recurring_briefing),
        )
        .route("/similar", web::get().to(review::similar_lessons))
        .route("/themes", web::get().to(home::themes))
        .route("/themes/{slug}", web::get().to(theme::theme))
        .route("/insights", web::get().to(insights::insights))
        .route("/progress", web::get().to(pages::progress::progress))
        .route("/help", web::get().to(help::help))
        .route("/codebook", web::get().to(codebook::codebook_page))
        .route("/login", web::get().to(account::login_form))
        .route("/login", web::post().to(account::login))
        .route("/logout", web::post().to(account::logout))
        .route("/my", web::get().to(account::my))
        .route("/admin/audit", web::get().to(admin::audit))
        .route("/my/tokens", web::post().to(account::add_token))
        .route("/deposit", web::get().to(deposit::deposit_page))
        .route("/deposit", web::post().to(deposit::deposit_submit))
        .route("/my/actions", web::get().to(action_pages::my_actions))
        .route(
            "/my/reviews/{id}/findings/{n}/actions",
            web::post().to(action_pages::add_submit),
        )
        .route(
            "/my/reviews/{id}/actions/{action_id}",
            web::post().to(action_pages::change_submit),
        )
        .route("/my/reviews/{id}", web::get().to(deposit::edit_page))
        .route("/my/reviews/{id}", web::post().to(deposit::edit_submit))
        .route(
            "/my/reviews/{id}/publish",
            web::post().to(deposit::transition_submit::<PublishBody>),
        )
        .route(
            "/my/reviews/{id}/files",
            web::post().to(deposit::files_submit),
        )
        .route(
            "/my/reviews/{id}/withdraw",
            web::post().to(deposit::transition_submit::<WithdrawBody>),
        )
        .route(
            "/my/tokens/{id}/revoke",
            web::post().to(account::revoke_token),
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
    web::resource(path).default_service(web::to(move |req: HttpRequest| async move {
        method_not_allowed(&req, allow)
    }))
}

/// The app data every route needs: the service, its metrics, the site's settings and
/// the sign-in throttle (shared by the server's workers, and by tests).
pub struct AppState {
    pub service: web::Data<Repository>,
    pub metrics: web::Data<crate::metrics::Metrics>,
    pub site: web::Data<SiteConfig>,
    pub throttle: web::Data<LoginThrottle>,
}

impl AppState {
    pub fn new(repository: impl Into<std::sync::Arc<Repository>>, site: SiteConfig) -> AppState {
        let repository: std::sync::Arc<Repository> = repository.into();
        let metrics = web::Data::from(repository.metrics());
        AppState {
            service: web::Data::from(repository),
            metrics,
            site: web::Data::new(site),
            throttle: web::Data::new(LoginThrottle::default()),
        }
    }

    /// Registers the state with an app (clones of shared handles).
    pub fn register(&self, cfg: &mut web::ServiceConfig) {
        cfg.app_data(self.service.clone())
            .app_data(self.metrics.clone())
            .app_data(self.site.clone())
            .app_data(self.throttle.clone());
    }
}

/// How often the maintenance thread looks at the recurring lessons with nothing to
/// prompt it (embargoes that ended, a regrouping that is due); writes and finished
/// regroupings wake it at once.
const MAINTENANCE_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Starts the thread that keeps derived state fresh: the recurring lessons' keeper
/// (placing the findings of reviews just published, off the commit path; embargoes
/// that end; periodic regrouping). It holds the service weakly, waits on the signal
/// without it, and ends when the service is dropped.
fn start_maintenance(service: &std::sync::Arc<Repository>) {
    let signal = service.keep_recurring_in_background();
    let service = std::sync::Arc::downgrade(service);
    let spawned = std::thread::Builder::new()
        .name("maintenance".into())
        .spawn(move || loop {
            signal.wait(MAINTENANCE_EVERY);
            let Some(service) = service.upgrade() else {
                return;
            };
            if let Err(error) = service.recurring_maintenance() {
                tracing::error!("recurring lessons maintenance failed: {error}");
            }
        });
    if let Err(error) = spawned {
        tracing::error!("cannot start the maintenance thread: {error}");
    }
}

/// Serves `repository` on `addr` until SIGTERM or Ctrl-C, then lets a running
/// regrouping go (the caller is about to exit, however the server stopped; see
/// `Repository::prepare_to_exit`) and flushes the store.
pub async fn serve(
    repository: impl Into<std::sync::Arc<Repository>>,
    addr: &str,
    config: SiteConfig,
) -> anyhow::Result<()> {
    let state = std::sync::Arc::new(AppState::new(repository, config));
    let data = state.service.clone();
    start_maintenance(&data.clone().into_inner());
    let served = run_server(state, addr).await;
    data.prepare_to_exit();
    served?;
    data.flush().context("cannot flush the store at shutdown")?;
    Ok(())
}

/// Binds `addr` and serves until SIGTERM or Ctrl-C.
async fn run_server(state: std::sync::Arc<AppState>, addr: &str) -> anyhow::Result<()> {
    let server = HttpServer::new(move || {
        let state = state.clone();
        App::new()
            .configure(move |cfg| state.register(cfg))
            .wrap(middleware::from_fn(private_when_credentialed))
            .wrap(security_headers())
            .wrap(
                Logger::new("%{request}xi %s %b %Dms")
                    .custom_request_replace("request", logged_request_line),
            )
            .wrap(middleware::from_fn(record_metrics))
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
        .context("the server stopped with an error")
}
