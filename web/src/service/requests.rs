//! Requests as the API, the pages and the command line give them (query-string pairs),
//! read and checked: exports (the search, `format` and `bom`) and statistics (the search,
//! `rows`, `cols` and `format`). Searches themselves are read by
//! [`lessons_index::SearchRequest::from_pairs`].

use lessons_index::export::ExportView;
use lessons_index::{FacetName, SearchRequest};
use lessons_model::dates::today;
use lessons_model::{FieldError, ValidationErrors};
use lessons_store::AuditFilter;

use super::error::{ServiceError, ServiceResult};
use crate::formats::export::Format;

/// The pairs of a query string, decoded, in order.
pub fn query_pairs(query_string: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query_string.as_bytes())
        .into_owned()
        .collect()
}

/// An export as asked for: the search, the format and the parameters as given.
pub struct ExportRequest {
    pub search: SearchRequest,
    /// What a row is: `view=actions` is one row per action of the lessons view's
    /// matches (its search is then the lessons view's).
    pub view: ExportView,
    pub format: Format,
    /// Every parameter as given, for the JSON provenance.
    pub parameters: Vec<(String, String)>,
}

impl ExportRequest {
    /// Reads and checks export parameters: every search parameter except the paging
    /// ones (an export has every match), plus `format` and `bom`.
    pub fn from_pairs(
        pairs: Vec<(String, String)>,
        known_boards: &[String],
    ) -> ServiceResult<ExportRequest> {
        if let Some((key, _)) = pairs.iter().find(|(k, _)| k == "page" || k == "per_page") {
            return Err(ServiceError::invalid_field(
                key,
                "an export holds every match, so it takes no page or per_page",
            ));
        }
        for name in ["format", "bom"] {
            if pairs.iter().filter(|(k, _)| k == name).count() > 1 {
                return Err(ServiceError::invalid_field(name, "give it once"));
            }
        }
        let value_of = |name: &str| {
            pairs
                .iter()
                .rfind(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let format = Format::parse(value_of("format"), value_of("bom"))
            .map_err(|error| ServiceError::from(vec![error]))?;
        // `view=actions` searches the lessons view; the search reads the rest.
        let actions = ExportView::Actions.key();
        let view = match pairs.iter().any(|(k, v)| k == "view" && v == actions) {
            true => ExportView::Actions,
            false => ExportView::Reviews,
        };
        let search = SearchRequest::from_pairs_with(
            pairs.iter().map(|(k, v)| match (k.as_str(), v.as_str()) {
                ("view", v) if v == actions => ("view", ExportView::Lessons.key()),
                (k, v) => (k, v),
            }),
            known_boards,
            &["format", "bom"],
        )
        .map_err(|mut errors| {
            for error in errors.0.iter_mut().filter(|e| e.field == "view") {
                if error.allowed.is_some() {
                    error.allowed = Some(ExportView::ALL.map(|v| v.key().to_string()).to_vec());
                }
            }
            errors
        })?;
        let view = match view {
            ExportView::Actions => ExportView::Actions,
            _ => search.view.into(),
        };
        Ok(ExportRequest {
            search,
            view,
            format,
            parameters: pairs,
        })
    }

    /// A file name that says what the export holds: the view, the words searched for,
    /// the filters' values, the year range and today's date, in safe ASCII, e.g.
    /// `lessons-neglect-2008-2012-2026-12-06.csv`, or `reviews-2026-12-06.json` for
    /// every review.
    pub fn file_name(&self) -> String {
        let about = describe(&self.search);
        let view = self.view.key();
        let extension = self.format.extension();
        if about.is_empty() {
            format!("{view}-{}.{extension}", today())
        } else {
            format!("{view}-{about}-{}.{extension}", today())
        }
    }
}

/// Longest description of a search in a file name (the view, date and extension come on
/// top).
const MAX_DESCRIPTION: usize = 80;

/// The words, filter values and year range of `search` as one lower-case ASCII slug
/// (words joined by `-`), cut at a word boundary after [`MAX_DESCRIPTION`] characters.
fn describe(search: &SearchRequest) -> String {
    let mut parts: Vec<String> = vec![search.q.clone()];
    parts.extend(search.filters.values().flatten().cloned());
    parts.push(match (search.year_from, search.year_to) {
        (Some(from), Some(to)) if from == to => from.to_string(),
        (Some(from), Some(to)) => format!("{from}-{to}"),
        (Some(from), None) => format!("from-{from}"),
        (None, Some(to)) => format!("to-{to}"),
        (None, None) => String::new(),
    });
    let mut slug = String::new();
    for word in parts
        .iter()
        .flat_map(|part| part.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|word| !word.is_empty())
    {
        if slug.len() + 1 + word.len() > MAX_DESCRIPTION {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    slug
}

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

    /// A file name for the CSV: `lessons-<view>-<rows>-by-<cols>-<search>-<date>.csv`,
    /// the search described as in an export's name.
    pub fn file_name(&self) -> String {
        let about = describe(&self.search);
        let search = if about.is_empty() {
            String::new()
        } else {
            format!("{about}-")
        };
        format!(
            "lessons-{}-{}-by-{}-{search}{}.csv",
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

/// The filter named by the query string; every bad parameter is reported.
pub fn audit_filter(query: &str) -> ServiceResult<AuditFilter> {
    let mut filter = AuditFilter::default();
    let mut errors = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim().to_string();
        if value.is_empty() {
            continue;
        }
        match key.as_ref() {
            "by" => filter.by = Some(value),
            "review" => filter.review = Some(value),
            "action" => filter.action = Some(value),
            "from" | "to" if !is_time_prefix(&value) => errors.push(audit_field_error(
                &key,
                "must be a date (YYYY, YYYY-MM or YYYY-MM-DD) or an RFC 3339 time",
            )),
            "from" => filter.from = Some(value),
            "to" => filter.to = Some(value),
            "before" => match value.parse::<u64>() {
                Ok(n) if n > 0 => filter.before = Some(n),
                _ => errors.push(audit_field_error("before", "must be a whole number from 1")),
            },
            other => errors.push(FieldError {
                field: other.to_string(),
                message: "is not a filter of the audit log".into(),
                allowed: Some(
                    ["by", "review", "action", "from", "to", "before"]
                        .map(String::from)
                        .to_vec(),
                ),
            }),
        }
    }
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(ServiceError::Invalid(ValidationErrors(errors)))
    }
}

fn audit_field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.to_string(),
        allowed: None,
    }
}

/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or longer (a time after the date).
fn is_time_prefix(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let dash = |at: usize| bytes.get(at) == Some(&b'-');
    match bytes.len() {
        4 => digits(0..4),
        7 => digits(0..4) && dash(4) && digits(5..7),
        _ => {
            bytes.len() >= 10
                && digits(0..4)
                && dash(4)
                && digits(5..7)
                && dash(7)
                && digits(8..10)
                && value.is_ascii()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    fn export_name(query: &str) -> String {
        ExportRequest::from_pairs(pairs(query), &[])
            .unwrap()
            .file_name()
    }

    #[test]
    fn export_names_say_what_the_file_holds() {
        let day = today().to_string();
        assert_eq!(
            export_name("view=lessons&theme=neglect&year_from=2008&year_to=2012&format=csv"),
            format!("lessons-neglect-2008-2012-{day}.csv")
        );
        assert_eq!(export_name("format=json"), format!("reviews-{day}.json"));
        assert_eq!(
            export_name(
                "q=GP+%22missed+appointments%22&agency=health_visiting&year_to=2010&format=ndjson"
            ),
            format!("reviews-gp-missed-appointments-health-visiting-to-2010-{day}.ndjson")
        );
        let long = export_name(&format!("q={}&format=csv", "neglect+".repeat(40)));
        assert!(long.len() <= "reviews-".len() + MAX_DESCRIPTION + "-2026-12-06.csv".len());
        assert!(
            long.starts_with("reviews-neglect-neglect")
                && long.ends_with(&format!("neglect-{day}.csv")),
            "{long}"
        );
        let odd = export_name("q=%C3%A9t%C3%A9+%3C%2F%3E%22..%2Fx%22&format=csv");
        assert_eq!(odd, format!("reviews-t-x-{day}.csv"));
    }

    #[test]
    fn table_names_say_which_search_they_count() {
        let name = |query: &str| {
            StatsRequest::from_pairs(&pairs(query), &[], None)
                .unwrap()
                .file_name()
        };
        let day = today();
        assert_eq!(
            name("rows=year&cols=incident&format=csv"),
            format!("lessons-reviews-year-by-incident-{day}.csv")
        );
        assert_eq!(
            name("rows=theme&cols=agency&theme=neglect&year_from=2008&format=csv"),
            format!("lessons-reviews-theme-by-agency-neglect-from-2008-{day}.csv")
        );
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
    fn paging_is_refused() {
        let pairs = vec![("page".to_string(), "2".to_string())];
        assert!(ExportRequest::from_pairs(pairs, &[]).is_err());
    }

    #[test]
    fn dates_and_times_are_accepted_as_bounds_and_nothing_else() {
        for good in ["2026", "2026-11", "2026-11-27", "2026-11-27T10:00:00Z"] {
            assert!(is_time_prefix(good), "{good}");
        }
        for bad in [
            "26",
            "2026-1",
            "yesterday",
            "2026-11-2",
            "2026/11/27",
            "2026-11-27é",
        ] {
            assert!(!is_time_prefix(bad), "{bad}");
        }
    }

    #[test]
    fn bad_filters_are_all_reported() {
        let Err(ServiceError::Invalid(errors)) = audit_filter("from=soon&before=0&colour=red&by=a")
        else {
            panic!("the filter was accepted");
        };
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["from", "before", "colour"]);
    }
}
