//! Route tests: the app answers with the right statuses, bodies and headers, through
//! `app::configure` on an in-process service.

use actix_web::{test as http, web, App};
use lessons_model::Status;

use crate::app::configure;
use crate::http::config::SiteConfig;
use crate::http::middleware::{record_metrics, security_headers};
use crate::service::Repository;
use crate::test_fixtures::{board, review};

#[actix_web::test]
async fn routes_answer_with_json_errors_and_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let repository = Repository::open(dir.path()).unwrap();
    repository.put_board(&board(), "cli").unwrap();
    repository
        .create_review(review("Child S"), "test", "create")
        .unwrap();
    let app = http::init_service(
        App::new()
            .app_data(web::Data::new(repository))
            .app_data(web::Data::new(SiteConfig::default()))
            .wrap(security_headers())
            .configure(configure),
    )
    .await;

    let response = http::call_service(
        &app,
        http::TestRequest::get()
            .uri("/api/v1/search?q=wombat")
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), 200);
    let csp = response
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(
        response.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    let body: serde_json::Value = http::read_body_json(response).await;
    assert_eq!(body["total"], 1);

    let cases = [
        ("/api/v1/search?per_page=500", 422, "validation_failed"),
        (
            "/api/v1/reviews/scr-2000-barsetshire-0099",
            404,
            "not_found",
        ),
        ("/api/v2/anything", 404, "not_found"),
        ("/api/openapi.yaml", 404, "not_found"),
        (
            "/api/v1/search?view=reviews&view=lessons",
            422,
            "validation_failed",
        ),
    ];
    for (uri, status, code) in cases {
        let response =
            http::call_service(&app, http::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(response.status(), status, "{uri}");
        let body: serde_json::Value = http::read_body_json(response).await;
        assert_eq!(body["error"]["code"], code, "{uri}");
    }
    let response = http::call_service(
        &app,
        http::TestRequest::post().uri("/api/v1/search").to_request(),
    )
    .await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers().get("allow").unwrap(), "GET, HEAD");
    let body: serde_json::Value = http::read_body_json(response).await;
    assert_eq!(body["error"]["code"], "method_not_allowed");

    let response = http::call_service(
        &app,
        http::TestRequest::get()
            .uri("/search?year_from=abc")
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), 422);
    let html = String::from_utf8(http::read_body(response).await.to_vec()).unwrap();
    assert!(html.contains("year_from") && html.contains("<h1>"));
}

#[actix_web::test]
async fn the_api_is_described_at_api_openapi_json_and_api() {
    let dir = tempfile::tempdir().unwrap();
    let repository = Repository::open(dir.path()).unwrap();
    repository.put_board(&board(), "cli").unwrap();
    let created = repository
        .create_review(review("Child P"), "test", "create")
        .unwrap();
    let app = http::init_service(
        App::new()
            .app_data(web::Data::new(repository))
            .app_data(web::Data::new(SiteConfig::default()))
            .configure(configure),
    )
    .await;
    let get = |uri: &str| http::TestRequest::get().uri(uri).to_request();

    let doc: serde_json::Value =
        http::call_and_read_body_json(&app, get("/api/openapi.json")).await;
    assert_eq!(doc["openapi"], crate::openapi::OPENAPI_VERSION);
    let id = &doc["paths"]["/api/v1/reviews/{id}"]["get"]["parameters"][0];
    assert_eq!(id["example"], created.id.as_str());

    let response = http::call_service(&app, get("/api")).await;
    assert_eq!(response.status(), 200);
    let html = String::from_utf8(http::read_body(response).await.to_vec()).unwrap();
    assert!(html.contains("<h1>API</h1>") && html.contains("/api/openapi.json"));

    let response = http::call_service(
        &app,
        http::TestRequest::delete().uri("/healthz").to_request(),
    )
    .await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers().get("allow").unwrap(), "GET, HEAD");

    let response = http::call_service(&app, get("/search?year_from=2011&year_to=2010")).await;
    assert_eq!(response.status(), 200);
    let html = String::from_utf8(http::read_body(response).await.to_vec()).unwrap();
    assert!(
        html.contains("year_from=2010&amp;year_to=2011"),
        "a link with the years turned round"
    );
}

#[actix_web::test]
async fn metrics_label_routes_by_pattern_and_count_only_public_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let repository = Repository::open(dir.path()).unwrap();
    repository.put_board(&board(), "cli").unwrap();
    repository
        .create_review(review("Child M"), "test", "create")
        .unwrap();
    let mut draft = review("Child N");
    draft.status = Status::Draft;
    repository.create_review(draft, "test", "create").unwrap();
    let mut embargoed = review("Child O");
    embargoed.embargo_until = Some("2999-01-01".into());
    repository
        .create_review(embargoed, "test", "create")
        .unwrap();
    let repository = web::Data::new(repository);
    let public = SiteConfig {
        public_metrics: true,
        ..SiteConfig::default()
    };
    let app = http::init_service(
        App::new()
            .app_data(repository.clone())
            .app_data(web::Data::new(public))
            .app_data(web::Data::from(repository.metrics()))
            .wrap(actix_web::middleware::from_fn(record_metrics))
            .configure(configure),
    )
    .await;
    let get = |uri: &str| http::TestRequest::get().uri(uri).to_request();
    for uri in [
        "/api/v1/reviews/scr-2000-barsetshire-0099",
        "/api/v2/anything",
        "/nowhere/at/all",
    ] {
        assert_eq!(http::call_service(&app, get(uri)).await.status(), 404);
    }
    let response = http::call_service(&app, get("/metrics")).await;
    assert_eq!(response.status(), 200);
    let text = String::from_utf8(http::read_body(response).await.to_vec()).unwrap();
    for expected in [
        "lessons_http_requests_total{method=\"GET\",route=\"/api/v1/reviews/{id}\",status=\"404\"} 1",
        "lessons_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 2",
        // The draft and the embargoed review are not counted.
        "lessons_reviews_public 1\n",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    assert!(!text.contains("scr-2000") && !text.contains("nowhere"));

    // Without --public-metrics, no credentials: 401.
    let app = http::init_service(
        App::new()
            .app_data(repository)
            .app_data(web::Data::new(SiteConfig::default()))
            .configure(configure),
    )
    .await;
    let response = http::call_service(&app, get("/metrics")).await;
    assert_eq!(response.status(), 401);
}
