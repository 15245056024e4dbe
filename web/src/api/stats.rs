//! `GET /api/v1/stats` (DESIGN §6): the matches of any search cross-tabulated by two
//! facets (`rows` and `cols`), as JSON or as a wide CSV table. The parameters are the
//! search's, plus `rows`, `cols` and `format`; `page` and `per_page` are refused (the
//! counts cover every match) and `sort` is accepted and ignored (it changes no count).
//! The same reading of parameters serves the insights page.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse};
use lessons_index::{CrossCell, CrossTab};
use serde::Serialize;

use crate::formats::crosstab::wide_csv;
use crate::http::blocking::Pool;
use crate::http::download::attachment;
use crate::http::errors::ApiError;
use crate::service::requests::{query_pairs, StatsFormat, StatsRequest};

/// `GET /api/v1/stats`
pub async fn stats(req: HttpRequest, pool: Pool) -> Result<HttpResponse, ApiError> {
    let pairs = query_pairs(req.query_string());
    let given = pairs.clone();
    let (request, table) = pool
        .run(move |service| {
            let request = service.stats_request(&given, None)?;
            let table = service.cross_tab(&request)?;
            Ok((request, table))
        })
        .await?;
    Ok(match request.format {
        StatsFormat::Json => HttpResponse::Ok().json(StatsBody::new(&table, &request, &pairs)),
        StatsFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(attachment(&request.file_name()))
            .body(wide_csv(&table)),
    })
}

/// One row or column value.
#[derive(Serialize)]
struct Value<'a> {
    value: &'a str,
    label: &'a str,
}

/// The JSON answer.
#[derive(Serialize)]
struct StatsBody<'a> {
    /// The facet whose values are the rows, and the columns'.
    row_facet: &'static str,
    col_facet: &'static str,
    view: &'static str,
    /// Every parameter as given (each name with its list of values).
    parameters: BTreeMap<&'a str, Vec<&'a str>>,
    /// The number of matches (the search's total).
    total: u64,
    rows: Vec<Value<'a>>,
    cols: Vec<Value<'a>>,
    /// The non-zero cells; a pair not listed counts 0.
    cells: &'a [CrossCell],
    /// Matches carrying each row value, by value.
    row_totals: BTreeMap<&'a str, u64>,
    col_totals: BTreeMap<&'a str, u64>,
}

impl<'a> StatsBody<'a> {
    fn new(
        table: &'a CrossTab,
        request: &StatsRequest,
        pairs: &'a [(String, String)],
    ) -> StatsBody<'a> {
        let mut parameters: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (key, value) in pairs {
            parameters.entry(key).or_default().push(value);
        }
        let values = |list: &'a [lessons_index::FacetCount]| {
            list.iter()
                .map(|v| Value {
                    value: &v.value,
                    label: &v.label,
                })
                .collect()
        };
        let totals = |list: &'a [lessons_index::FacetCount]| {
            list.iter().map(|v| (v.value.as_str(), v.count)).collect()
        };
        StatsBody {
            row_facet: request.rows.key(),
            col_facet: request.cols.key(),
            view: request.search.view.key(),
            parameters,
            total: table.total,
            rows: values(&table.rows),
            cols: values(&table.cols),
            cells: &table.cells,
            row_totals: totals(&table.rows),
            col_totals: totals(&table.cols),
        }
    }
}
