//! The JSON API of DESIGN §6 (read side): search, one review, the vocabularies and the
//! health check. Every failure is an [`ApiError`] with the JSON error body.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_index::search::facets_map;
use lessons_index::{FacetCount, Hit, SearchRequest, SearchResults};
use lessons_model::dates::today;
use lessons_model::vocab;
use serde::Serialize;

use crate::errors::ApiError;
use crate::metrics::SearchKind;
use crate::repository::Repository;

/// Reads and checks the search parameters of a query string.
pub fn search_request(
    query_string: &str,
    repository: &Repository,
) -> Result<SearchRequest, ApiError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query_string.as_bytes())
        .into_owned()
        .collect();
    let boards = repository.board_slugs();
    Ok(SearchRequest::from_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &boards,
    )?)
}

/// Runs a search off the async executor.
pub async fn run_search(
    repository: web::Data<Repository>,
    request: SearchRequest,
) -> Result<SearchResults, ApiError> {
    let results = web::block(move || {
        repository.metrics.time_search(SearchKind::Search, || {
            repository.index.search(&request, today())
        })
    })
    .await??;
    Ok(results)
}

#[derive(Serialize)]
struct SearchBody<'a> {
    total: u64,
    page: usize,
    per_page: usize,
    took_ms: u64,
    /// The query with likely misspellings corrected, or null.
    did_you_mean: Option<&'a str>,
    hits: &'a [Hit],
    facets: BTreeMap<&'static str, &'a Vec<FacetCount>>,
}

/// `GET /api/v1/search`
pub async fn search(
    req: HttpRequest,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let request = search_request(req.query_string(), &repository)?;
    let results = run_search(repository, request).await?;
    Ok(HttpResponse::Ok().json(SearchBody {
        total: results.total,
        page: results.page,
        per_page: results.per_page,
        took_ms: results.took_ms,
        did_you_mean: results.did_you_mean.as_deref(),
        hits: &results.hits,
        facets: facets_map(&results.facets),
    }))
}

/// `GET /api/v1/reviews/{id}`: public reviews for everyone; any status for the review's
/// board and admins; 410 with the reason for a withdrawn review.
pub async fn review(
    req: HttpRequest,
    path: web::Path<String>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let principal = crate::auth::authenticate(&req, &repository)?;
    match crate::deposit_api::readable_review(principal.as_ref(), &repository, &id) {
        Ok(review) => Ok(HttpResponse::Ok().json(review)),
        Err(not_found) => match withdrawal_notice(&repository, &id)? {
            Some(notice) => Err(ApiError::new(StatusCode::GONE, "withdrawn", notice)),
            None => Err(not_found),
        },
    }
}

/// "Withdrawn on DATE: REASON" when review `id` was withdrawn.
pub fn withdrawal_notice(repository: &Repository, id: &str) -> Result<Option<String>, ApiError> {
    let Some(review) = repository.store.review(id)? else {
        return Ok(None);
    };
    if review.status != lessons_model::Status::Withdrawn {
        return Ok(None);
    }
    // A review withdrawn while still under embargo was never public: it stays unknown.
    if let (Some(embargo), Some(on)) = (&review.embargo_until, &review.withdrawn_on) {
        if embargo > on {
            return Ok(None);
        }
    }
    let on = review
        .withdrawn_on
        .unwrap_or_else(|| "an unknown date".into());
    Ok(Some(match review.withdrawal_reason {
        Some(reason) => format!("review {id} was withdrawn on {on}: {reason}"),
        None => format!("review {id} was withdrawn on {on}"),
    }))
}

#[derive(Serialize)]
struct Vocabularies {
    themes: &'static [vocab::Theme],
    theme_groups: &'static [vocab::Term],
    agencies: &'static [vocab::Term],
    regions: &'static [vocab::Term],
    age_bands: &'static [vocab::Term],
    review_types: &'static [vocab::Term],
    methodologies: &'static [vocab::Term],
    incidents: &'static [vocab::Term],
    abuse: &'static [vocab::Term],
    source_of_harm: &'static [vocab::Term],
    sexes: &'static [vocab::Term],
    parallel_processes: &'static [vocab::Term],
    ofsted_grades: &'static [vocab::Term],
    lesson_kinds: &'static [vocab::Term],
    levels: &'static [vocab::Term],
    document_types: &'static [vocab::Term],
    timeliness: &'static [vocab::Term],
}

/// How many similar reviews are listed.
pub const SIMILAR_LIMIT: usize = 5;

/// `GET /api/v1/similar/{id}`: the public reviews most like a public review, or, for a
/// finding id (`<review id>%23L<n>`), the findings of other public reviews most like it.
pub async fn similar(
    path: web::Path<String>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let lookup = id.clone();
    let found = web::block(move || {
        repository.metrics.time_search(SearchKind::Similar, || {
            repository.index.similar(&lookup, today(), SIMILAR_LIMIT)
        })
    })
    .await??;
    match found {
        Some(hits) => Ok(HttpResponse::Ok().json(serde_json::json!({ "id": id, "hits": hits }))),
        None => Err(ApiError::not_found(format!(
            "no published review or finding {id}"
        ))),
    }
}

/// `GET /api/v1/vocabularies`
pub async fn vocabularies() -> HttpResponse {
    HttpResponse::Ok().json(Vocabularies {
        themes: vocab::THEMES,
        theme_groups: vocab::THEME_GROUPS,
        agencies: vocab::AGENCIES,
        regions: vocab::REGIONS,
        age_bands: vocab::AGE_BANDS,
        review_types: vocab::REVIEW_TYPES,
        methodologies: vocab::METHODOLOGIES,
        incidents: vocab::INCIDENTS,
        abuse: vocab::ABUSE,
        source_of_harm: vocab::SOURCES_OF_HARM,
        sexes: vocab::SEXES,
        parallel_processes: vocab::PARALLEL_PROCESSES,
        ofsted_grades: vocab::OFSTED_GRADES,
        lesson_kinds: vocab::LESSON_KINDS,
        levels: vocab::LEVELS,
        document_types: vocab::DOCUMENT_TYPES,
        timeliness: vocab::TIMELINESS,
    })
}

/// `GET /healthz`: the server listens only once the index has caught up, so any
/// answer is a healthy one.
pub async fn healthz(repository: web::Data<Repository>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "status": "ok",
        "indexed_seq": repository.index.indexed_seq(),
    }))
}

/// Unknown API paths.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    ApiError::not_found(format!("no API route {} {}", req.method(), req.path())).error_response()
}

/// Known API paths asked with a method they do not answer: 405 with the methods they
/// do answer in `Allow` (RFC 9110).
pub async fn method_not_allowed(req: HttpRequest, allow: &'static str) -> HttpResponse {
    use actix_web::ResponseError;
    let mut response = ApiError::new(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "{} is not allowed on {}; use {allow}",
            req.method(),
            req.path()
        ),
    )
    .error_response();
    response.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_static(allow),
    );
    response
}
