//! `GET /api/v1/stats` (DESIGN §6): the matches of any search cross-tabulated by two
//! facets (`rows` and `cols`), as JSON or as a wide CSV table. The parameters are the
//! search's, plus `rows`, `cols` and `format`; `page` and `per_page` are refused (the
//! counts cover every match) and `sort` is accepted and ignored (it changes no count).
//! The same reading of parameters serves the insights page.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_index::{CrossCell, CrossTab, FacetName, SearchRequest};
use lessons_model::dates::today;
use lessons_model::{FieldError, ValidationErrors};
use serde::Serialize;

use crate::errors::ApiError;
use crate::metrics::SearchKind;
use crate::repository::Repository;

/// Parameters of a cross-tabulation that are not search parameters.
const OWN_KEYS: [&str; 3] = ["rows", "cols", "format"];

/// The answer's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsFormat {
    Json,
    /// A wide table: the row value, then one column per column value.
    Csv,
}

/// A cross-tabulation as asked for.
#[derive(Debug, Clone)]
pub struct StatsRequest {
    pub search: SearchRequest,
    pub rows: FacetName,
    pub cols: FacetName,
    pub format: StatsFormat,
}

impl StatsRequest {
    /// Reads and checks every parameter, reporting every problem at once. `defaults`
    /// stand in for a missing `rows` or `cols`; without them both are required.
    pub fn from_pairs(
        pairs: &[(String, String)],
        known_boards: &[String],
        defaults: Option<(FacetName, FacetName)>,
    ) -> Result<StatsRequest, ValidationErrors> {
        let mut errors = Vec::new();
        let rows = facet_param(pairs, "rows", defaults.map(|d| d.0), &mut errors);
        let cols = facet_param(pairs, "cols", defaults.map(|d| d.1), &mut errors);
        let format = format_param(pairs, &mut errors);
        for (key, _) in pairs.iter().filter(|(k, _)| k == "page" || k == "per_page") {
            errors.push(field_error(
                key,
                "statistics count every match, so they take no page or per_page".into(),
                None,
            ));
        }
        let search = SearchRequest::from_pairs_with(
            pairs
                .iter()
                .filter(|(k, _)| k != "page" && k != "per_page")
                .map(|(k, v)| (k.as_str(), v.as_str())),
            known_boards,
            &OWN_KEYS,
        );
        match (search, rows, cols, format) {
            (Ok(search), Some(rows), Some(cols), Some(format)) if errors.is_empty() => {
                Ok(StatsRequest {
                    search,
                    rows,
                    cols,
                    format,
                })
            }
            (search, ..) => {
                errors.extend(search.err().map(|e| e.0).unwrap_or_default());
                Err(ValidationErrors(errors))
            }
        }
    }

    /// The request as query-string pairs, for links (`format` left out).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![
            ("rows".to_string(), self.rows.key().to_string()),
            ("cols".to_string(), self.cols.key().to_string()),
        ];
        pairs.extend(
            SearchRequest {
                page: 1,
                per_page: lessons_index::params::DEFAULT_PER_PAGE,
                ..self.search.clone()
            }
            .to_pairs(),
        );
        pairs
    }

    /// A file name for the CSV: `lessons-<view>-<rows>-by-<cols>-<date>.csv`.
    fn file_name(&self) -> String {
        format!(
            "lessons-{}-{}-by-{}-{}.csv",
            self.search.view.key(),
            self.rows.key(),
            self.cols.key(),
            today()
        )
    }
}

/// The one value of a facet-name parameter, `default` when it is absent.
fn facet_param(
    pairs: &[(String, String)],
    name: &str,
    default: Option<FacetName>,
    errors: &mut Vec<FieldError>,
) -> Option<FacetName> {
    let allowed = || Some(FacetName::ALL.iter().map(|f| f.key().to_string()).collect());
    let given: Vec<&str> = values_of(pairs, name);
    match given.as_slice() {
        [] | [""] => {
            if default.is_none() {
                errors.push(field_error(
                    name,
                    "is required: a facet name".into(),
                    allowed(),
                ));
            }
            default
        }
        [one] => {
            let facet = FacetName::from_key(one);
            if facet.is_none() {
                errors.push(field_error(
                    name,
                    format!("unknown facet \"{one}\""),
                    allowed(),
                ));
            }
            facet
        }
        _ => {
            errors.push(field_error(name, "give one facet name".into(), allowed()));
            None
        }
    }
}

fn format_param(pairs: &[(String, String)], errors: &mut Vec<FieldError>) -> Option<StatsFormat> {
    let given = values_of(pairs, "format");
    match given.as_slice() {
        [] | ["json"] | [""] => Some(StatsFormat::Json),
        ["csv"] => Some(StatsFormat::Csv),
        _ => {
            errors.push(field_error(
                "format",
                format!("unknown value \"{}\"", given.join(",")),
                Some(vec!["json".into(), "csv".into()]),
            ));
            None
        }
    }
}

fn values_of<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn field_error(field: &str, message: String, allowed: Option<Vec<String>>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message,
        allowed,
    }
}

/// Cross-tabulates off the async executor.
pub async fn run_cross_tab(
    repository: web::Data<Repository>,
    search: SearchRequest,
    rows: FacetName,
    cols: FacetName,
) -> Result<CrossTab, ApiError> {
    let table = web::block(move || {
        repository.metrics.time_search(SearchKind::CrossTab, || {
            repository.index.cross_tab(&search, rows, cols, today())
        })
    })
    .await??;
    Ok(table)
}

/// `GET /api/v1/stats`
pub async fn stats(
    req: HttpRequest,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let request = StatsRequest::from_pairs(&pairs, &repository.board_slugs(), None)?;
    let table = run_cross_tab(
        repository,
        request.search.clone(),
        request.rows,
        request.cols,
    )
    .await?;
    Ok(match request.format {
        StatsFormat::Json => HttpResponse::Ok().json(StatsBody::new(&table, &request, &pairs)),
        StatsFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", request.file_name()),
            ))
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

/// The table as RFC 4180 CSV: a header (the rows facet's name, then each column
/// value), then one line per row value with its counts; no totals.
fn wide_csv(table: &CrossTab) -> Vec<u8> {
    let counts: HashMap<(&str, &str), u64> = table
        .cells
        .iter()
        .map(|c| ((c.row.as_str(), c.col.as_str()), c.count))
        .collect();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header = vec![table.row_facet.key().to_string()];
    header.extend(table.cols.iter().map(|c| c.value.clone()));
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(&header);
    for row in &table.rows {
        let mut line = vec![row.value.clone()];
        line.extend(table.cols.iter().map(|col| {
            let count = counts.get(&(row.value.as_str(), col.value.as_str()));
            count.copied().unwrap_or(0).to_string()
        }));
        let _ = writer.write_record(&line);
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    fn error_fields(query: &str) -> Vec<String> {
        match StatsRequest::from_pairs(&pairs(query), &[], None) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.0.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn reads_the_axes_format_and_search() {
        let request = StatsRequest::from_pairs(
            &pairs("rows=year&cols=theme&format=csv&q=neglect&view=lessons&sort=newest"),
            &[],
            None,
        )
        .unwrap();
        assert_eq!(
            (request.rows, request.cols),
            (FacetName::Year, FacetName::Theme)
        );
        assert_eq!(request.format, StatsFormat::Csv);
        assert_eq!(request.search.q, "neglect");
        let same = StatsRequest::from_pairs(&pairs("rows=theme&cols=theme"), &[], None).unwrap();
        assert_eq!(same.rows, same.cols);
    }

    #[test]
    fn refuses_every_bad_parameter_at_once() {
        assert_eq!(error_fields(""), ["rows", "cols"]);
        assert_eq!(
            error_fields("rows=colour&cols=year&cols=theme&format=xlsx&page=2&theme=negelct"),
            ["rows", "cols", "format", "page", "theme"]
        );
        assert_eq!(
            error_fields("rows=year&cols=theme&per_page=5"),
            ["per_page"]
        );
        assert!(error_fields("rows=year&cols=theme").is_empty());
        assert_eq!(
            error_fields("rows=year &cols=theme&format= "),
            ["rows", "format"],
            "values are not trimmed"
        );
    }

    #[test]
    fn stats_keys_are_not_search_keys() {
        let search = SearchRequest::from_pairs([("rows", "year")], &[]);
        assert!(search.is_err());
    }

    #[test]
    fn defaults_fill_missing_axes() {
        let request = StatsRequest::from_pairs(
            &pairs("rows=&view=lessons"),
            &[],
            Some((FacetName::Theme, FacetName::Agency)),
        )
        .unwrap();
        assert_eq!(
            (request.rows, request.cols),
            (FacetName::Theme, FacetName::Agency)
        );
        let again = StatsRequest::from_pairs(&request.to_pairs(), &[], None).unwrap();
        assert_eq!(again.search, request.search);
    }

    #[test]
    fn the_wide_csv_has_a_header_and_zero_filled_counts() {
        let count = |value: &str, count| lessons_index::FacetCount {
            value: value.into(),
            label: value.into(),
            count,
        };
        let table = CrossTab {
            row_facet: FacetName::Year,
            col_facet: FacetName::Incident,
            rows: vec![count("2008", 2), count("2009", 1)],
            cols: vec![count("death", 2), count("serious_harm", 1)],
            cells: vec![
                CrossCell {
                    row: "2008".into(),
                    col: "death".into(),
                    count: 1,
                },
                CrossCell {
                    row: "2008".into(),
                    col: "serious_harm".into(),
                    count: 1,
                },
                CrossCell {
                    row: "2009".into(),
                    col: "death".into(),
                    count: 1,
                },
            ],
            total: 3,
        };
        assert_eq!(
            String::from_utf8(wide_csv(&table)).unwrap(),
            "year,death,serious_harm\r\n2008,1,1\r\n2009,1,0\r\n"
        );
    }
}
