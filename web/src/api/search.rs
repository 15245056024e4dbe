//! The read side of the JSON API (DESIGN §6): search, similar reviews and findings, and
//! the vocabularies.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use lessons_index::{FacetCount, FacetName, Hit};
use lessons_model::{vocab, Board};
use serde::Serialize;

use crate::http::blocking::Pool;
use crate::http::errors::ApiError;
use crate::service::recurring::Recurrence;

#[derive(Serialize)]
struct SearchBody<'a> {
    total: u64,
    page: usize,
    per_page: usize,
    took_ms: u64,
    /// The query with likely misspellings corrected, or null.
    did_you_mean: Option<&'a str>,
    hits: Vec<HitBody<'a>>,
    facets: BTreeMap<&'static str, &'a Vec<FacetCount>>,
}

/// A hit, and in the lessons view its finding's recurring lesson (or null).
#[derive(Serialize)]
struct HitBody<'a> {
    #[serde(flatten)]
    hit: &'a Hit,
    #[serde(skip_serializing_if = "Option::is_none")]
    recurring: Option<Option<Recurrence>>,
}

/// Facet results keyed by facet name, for JSON.
fn facets_map(facets: &[(FacetName, Vec<FacetCount>)]) -> BTreeMap<&'static str, &Vec<FacetCount>> {
    facets.iter().map(|(f, v)| (f.key(), v)).collect()
}

/// `GET /api/v1/search`
pub async fn search(req: HttpRequest, pool: Pool) -> Result<HttpResponse, ApiError> {
    let query = req.query_string().to_string();
    let (results, took_ms, recurrences) = pool
        .run(move |service| {
            let request = service.search_request(&query)?;
            let (results, took_ms) = service.search_shared(&request)?;
            let recurrences = service.hit_recurrences(request.view, &results.hits);
            Ok((results, took_ms, recurrences))
        })
        .await?;
    let hits = match recurrences {
        Some(found) => results
            .hits
            .iter()
            .zip(found)
            .map(|(hit, recurring)| HitBody {
                hit,
                recurring: Some(recurring),
            })
            .collect(),
        None => results
            .hits
            .iter()
            .map(|hit| HitBody {
                hit,
                recurring: None,
            })
            .collect(),
    };
    Ok(HttpResponse::Ok().json(SearchBody {
        total: results.total,
        page: results.page,
        per_page: results.per_page,
        took_ms,
        did_you_mean: results.did_you_mean.as_deref(),
        hits,
        facets: facets_map(&results.facets),
    }))
}

/// `GET /api/v1/similar/{id}`: the public reviews most like a public review, or, for a
/// finding id (`<review id>%23L<n>`), the findings of other public reviews most like it.
pub async fn similar(path: web::Path<String>, pool: Pool) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let lookup = id.clone();
    let hits = pool.run(move |service| service.similar(&lookup)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "id": id, "hits": hits })))
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
    action_statuses: &'static [vocab::Term],
    progress: &'static [vocab::Term],
    /// The boards of the store (slug, name, region), in slug order.
    boards: Vec<Board>,
}

/// `GET /api/v1/vocabularies`
pub async fn vocabularies(pool: Pool) -> Result<HttpResponse, ApiError> {
    let boards = pool.run(|service| Ok(service.boards()?)).await?;
    Ok(HttpResponse::Ok().json(Vocabularies {
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
        action_statuses: vocab::ACTION_STATUSES,
        progress: vocab::PROGRESS,
        boards,
    }))
}
