//! Web crate tests: the repository keeps the index in step with the store across a
//! crash, and the routes answer with the right statuses, bodies and headers.

use actix_web::{test as http, web, App};
use lessons_index::SearchRequest;
use lessons_model::dates::today;
use lessons_model::{Board, Review, Status};

use crate::app::configure;
use crate::pages::SiteConfig;
use crate::repository::Repository;

fn board() -> Board {
    Board {
        slug: "barsetshire".into(),
        name: "Barsetshire LSCB".into(),
        region: "south_west".into(),
    }
}

fn review(title: &str) -> Review {
    Review {
        title: title.into(),
        board: "barsetshire".into(),
        incident: "death".into(),
        review_type: "serious_case_review".into(),
        summary: "A wombat was seen at every visit.".into(),
        status: Status::Published,
        ..Review::default()
    }
}

fn total(repository: &Repository, q: &str) -> u64 {
    let request = SearchRequest {
        q: q.into(),
        ..SearchRequest::default()
    };
    repository.index.search(&request, today()).unwrap().total
}

#[test]
fn a_store_write_the_index_missed_is_indexed_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let repository = Repository::open(dir.path()).unwrap();
        repository.put_board(&board(), "cli").unwrap();
        // As if the process died after the store flushed and before the index committed.
        repository
            .store
            .create_review(review("Child W"), "test", "create")
            .unwrap();
        assert_eq!(total(&repository, "wombat"), 0);
    }
    let repository = Repository::open(dir.path()).unwrap();
    assert_eq!(total(&repository, "wombat"), 1);
}

#[test]
fn writes_are_searchable_when_they_return_and_drafts_never() {
    let dir = tempfile::tempdir().unwrap();
    let repository = Repository::open(dir.path()).unwrap();
    repository.put_board(&board(), "cli").unwrap();
    repository
        .create_review(review("Child V"), "test", "create")
        .unwrap();
    assert_eq!(total(&repository, "wombat"), 1);
    let mut draft = review("Child U");
    draft.status = Status::Draft;
    repository.create_review(draft, "test", "create").unwrap();
    assert_eq!(total(&repository, "wombat"), 1);
    assert_eq!(repository.index.document_counts().unwrap(), (1, 0));
}

#[test]
fn a_lost_index_is_rebuilt_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    {
        let repository = Repository::open(dir.path()).unwrap();
        repository.put_board(&board(), "cli").unwrap();
        repository
            .create_review(review("Child T"), "test", "create")
            .unwrap();
    }
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let repository = Repository::open(dir.path()).unwrap();
    assert_eq!(total(&repository, "wombat"), 1);
}

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
            .wrap(crate::app::security_headers())
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

#[test]
fn an_index_ahead_of_its_store_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let older = tempfile::tempdir().unwrap();
    {
        let repository = Repository::open(dir.path()).unwrap();
        repository.put_board(&board(), "cli").unwrap();
        repository
            .create_review(review("Child R"), "test", "create")
            .unwrap();
    }
    copy_dir(&dir.path().join("store"), &older.path().join("store"));
    {
        let repository = Repository::open(dir.path()).unwrap();
        let mut later = review("Child Q");
        later.summary = "A platypus was seen.".into();
        repository.create_review(later, "test", "create").unwrap();
        assert_eq!(total(&repository, "platypus"), 1);
    }
    // Put the older store back, as a restore from an older backup would.
    std::fs::remove_dir_all(dir.path().join("store")).unwrap();
    copy_dir(&older.path().join("store"), &dir.path().join("store"));
    let repository = Repository::open(dir.path()).unwrap();
    assert_eq!(total(&repository, "platypus"), 0);
    assert_eq!(total(&repository, "wombat"), 1);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `lessons check` over a repository with a published, an embargoed, a draft and a
/// withdrawn review: clean at first; an index that lost a review, or holds one the
/// store does not publish, is reported and `repair` makes it clean again.
#[test]
fn check_finds_an_index_out_of_step_with_the_store_and_repair_rebuilds_it() {
    use lessons_index::IndexUpdate;
    use lessons_model::Lesson;

    let dir = tempfile::tempdir().unwrap();
    let repository = Repository::open(dir.path()).unwrap();
    repository.put_board(&board(), "cli").unwrap();
    let with_finding = |title: &str, status: Status, embargo: Option<&str>| {
        let mut review = review(title);
        review.status = status;
        review.embargo_until = embargo.map(str::to_string);
        review.lessons = vec![Lesson {
            kind: "lesson".into(),
            level: "inter_agency".into(),
            text: "Ask who lives in the house.".into(),
            ..Lesson::default()
        }];
        repository.create_review(review, "test", "create").unwrap()
    };
    let published = with_finding("Child P", Status::Published, None);
    with_finding("Child E", Status::Published, Some("2099-01-01"));
    let draft = with_finding("Child D", Status::Draft, None);
    with_finding("Child W", Status::Withdrawn, None);

    let report = crate::check::check(&repository).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!((report.indexed_reviews, report.indexed_findings), (2, 2));

    let seq = repository.store.last_seq().unwrap();
    let mut stray = draft.clone();
    stray.status = Status::Published;
    repository
        .index
        .apply(
            &[
                IndexUpdate::Remove(published.id.clone()),
                IndexUpdate::Put(Box::new(stray)),
            ],
            seq,
        )
        .unwrap();
    let report = crate::check::check(&repository).unwrap();
    let found: Vec<String> = report
        .index_problems
        .iter()
        .map(|p| format!("{}: {}", p.record, p.message))
        .collect();
    assert!(report.store.problems.is_empty());
    for expected in [
        format!(
            "review {}: is public in the store but not in the index",
            published.id
        ),
        format!(
            "finding {}#L1: is public in the store but not in the index",
            published.id
        ),
        format!(
            "review {}: is in the index but not public in the store",
            draft.id
        ),
    ] {
        assert!(
            found.iter().any(|p| p.starts_with(&expected)),
            "{expected} in {found:?}"
        );
    }

    let repaired = crate::check::repair(&repository, || {}).unwrap();
    assert!(repaired.is_clean(), "{repaired:?}");
    assert_eq!(total(&repository, "wombat"), 1);
}

mod upload_properties;
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
            .wrap(actix_web::middleware::from_fn(crate::metrics::record))
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
