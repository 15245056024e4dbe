//! A search as asked for: [`SearchRequest`], read from query-string pairs with every
//! parameter checked (DESIGN §5): an unknown facet value, a bad year, `page` < 1 or
//! `per_page` outside 1-100 are errors that name the field and, for vocabularies, list
//! the allowed values. Shared by the API, the pages and (later) exports and feeds.

use std::collections::BTreeMap;

use lessons_model::validate::Checker;
use lessons_model::ValidationErrors;

use crate::facets::FacetName;

pub const DEFAULT_PER_PAGE: usize = 20;
pub const MAX_PER_PAGE: usize = 100;
/// Highest page number accepted.
pub const MAX_PAGE: usize = 100_000;
/// Years accepted by `year`, `year_from` and `year_to`.
pub const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1900..=2100;

/// The parameters that take one value; the facet filters may be repeated.
const SINGLE_VALUED: [&str; 7] = [
    "q",
    "view",
    "sort",
    "page",
    "per_page",
    "year_from",
    "year_to",
];

/// One hit per review, or one per finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum View {
    #[default]
    Reviews,
    Lessons,
}

impl View {
    pub const ALL: [View; 2] = [View::Reviews, View::Lessons];

    pub fn key(self) -> &'static str {
        match self {
            View::Reviews => "reviews",
            View::Lessons => "lessons",
        }
    }
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Oldest,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Newest, Sort::Oldest];

    pub fn key(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
        }
    }
}

/// Everything a search can ask for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    pub q: String,
    pub view: View,
    /// Chosen values per facet: OR within a facet, AND across facets.
    pub filters: BTreeMap<FacetName, Vec<String>>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub sort: Sort,
    pub page: usize,
    pub per_page: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            view: View::Reviews,
            filters: BTreeMap::new(),
            year_from: None,
            year_to: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl SearchRequest {
    /// Reads a request from query-string pairs. `known_boards` are the board slugs a
    /// `board` filter may name. Any other key is an error (a misspelt filter must not
    /// silently widen a result set).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        known_boards: &[String],
    ) -> Result<SearchRequest, ValidationErrors> {
        SearchRequest::from_pairs_with(pairs, known_boards, &[])
    }

    /// Like [`SearchRequest::from_pairs`], also accepting (and ignoring) the keys in
    /// `other_keys`, which the caller reads itself (`format` on exports, say).
    pub fn from_pairs_with<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        known_boards: &[String],
        other_keys: &[&str],
    ) -> Result<SearchRequest, ValidationErrors> {
        let mut request = SearchRequest::default();
        let mut check = Checker::new();
        let mut seen: Vec<&str> = Vec::new();
        for (key, raw) in pairs {
            // Taken as given, not trimmed: `theme=%20` is an unknown value, not a filter
            // silently dropped, and the OpenAPI enums say exactly what is accepted.
            let value = raw;
            if SINGLE_VALUED.contains(&key) {
                if seen.contains(&key) {
                    check.error(key, "is given more than once (only filters repeat)");
                    continue;
                }
                seen.push(key);
            }
            match key {
                "q" => request.q = raw.to_string(),
                "view" if value.is_empty() => request.view = View::Reviews,
                "view" => match View::ALL.into_iter().find(|v| v.key() == value) {
                    Some(view) => request.view = view,
                    None => allowed(&mut check, "view", value, View::ALL.map(View::key)),
                },
                "sort" if value.is_empty() => request.sort = Sort::Relevance,
                "sort" => match Sort::ALL.into_iter().find(|s| s.key() == value) {
                    Some(sort) => request.sort = sort,
                    None => allowed(&mut check, "sort", value, Sort::ALL.map(Sort::key)),
                },
                "page" => match value.parse::<usize>() {
                    Ok(page) if (1..=MAX_PAGE).contains(&page) => request.page = page,
                    _ => check.error(
                        "page",
                        format!("must be a whole number from 1 to {MAX_PAGE}, not \"{value}\""),
                    ),
                },
                "per_page" => match value.parse::<usize>() {
                    Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => request.per_page = n,
                    _ => check.error(
                        "per_page",
                        format!("must be a whole number from 1 to {MAX_PER_PAGE}, not \"{value}\""),
                    ),
                },
                "year_from" | "year_to" if value.is_empty() => {}
                "year_from" => request.year_from = parse_year(&mut check, key, value),
                "year_to" => request.year_to = parse_year(&mut check, key, value),
                _ if other_keys.contains(&key) => {}
                _ => match FacetName::from_key(key) {
                    Some(facet) if !value.is_empty() => {
                        if let Some(value) =
                            check_facet_value(&mut check, facet, value, known_boards)
                        {
                            let values = request.filters.entry(facet).or_default();
                            if !values.contains(&value) {
                                values.push(value);
                            }
                        }
                    }
                    Some(_) => {}
                    None => {
                        check.error(key, "unknown parameter");
                        check.set_allowed_on_last(parameter_names(other_keys));
                    }
                },
            }
        }
        // A range that ends before it starts is well formed and simply matches nothing
        // (OpenAPI cannot state a rule between two parameters; clients must be able to
        // tell a valid request from the description alone).
        check.finish().map(|()| request)
    }

    /// The request as query-string pairs (defaults left out), for links and feeds.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q".to_string(), self.q.clone()));
        }
        if self.view != View::Reviews {
            pairs.push(("view".into(), self.view.key().into()));
        }
        for (facet, values) in &self.filters {
            for value in values {
                pairs.push((facet.key().into(), value.clone()));
            }
        }
        if let Some(year) = self.year_from {
            pairs.push(("year_from".into(), year.to_string()));
        }
        if let Some(year) = self.year_to {
            pairs.push(("year_to".into(), year.to_string()));
        }
        if self.sort != Sort::Relevance {
            pairs.push(("sort".into(), self.sort.key().into()));
        }
        if self.page != 1 {
            pairs.push(("page".into(), self.page.to_string()));
        }
        if self.per_page != DEFAULT_PER_PAGE {
            pairs.push(("per_page".into(), self.per_page.to_string()));
        }
        pairs
    }
}

fn allowed<const N: usize>(check: &mut Checker, field: &str, value: &str, allowed: [&str; N]) {
    check.error(field, format!("unknown value \"{value}\""));
    check.set_allowed_on_last(allowed.iter().map(|s| s.to_string()).collect());
}

fn parse_year(check: &mut Checker, field: &str, value: &str) -> Option<i32> {
    match value.parse::<i32>() {
        Ok(year) if YEAR_RANGE.contains(&year) => Some(year),
        _ => {
            check.error(
                field,
                format!(
                    "\"{value}\" is not a year ({}-{})",
                    YEAR_RANGE.start(),
                    YEAR_RANGE.end()
                ),
            );
            None
        }
    }
}

/// Checks a filter value; returns it in canonical form when it is valid.
fn check_facet_value(
    check: &mut Checker,
    facet: FacetName,
    value: &str,
    boards: &[String],
) -> Option<String> {
    let field = facet.key();
    match facet {
        FacetName::Year => parse_year(check, field, value).map(|year| year.to_string()),
        FacetName::Board => {
            if boards.iter().any(|b| b == value) {
                Some(value.to_string())
            } else {
                check.error(field, format!("unknown board \"{value}\""));
                check.set_allowed_on_last(boards.to_vec());
                None
            }
        }
        _ => {
            let vocabulary = facet.vocabulary()?;
            if vocabulary.contains(value) {
                Some(value.to_string())
            } else {
                check.slug(field, value, vocabulary);
                None
            }
        }
    }
}

/// Every search parameter name, plus the caller's own.
fn parameter_names(other_keys: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = SINGLE_VALUED.iter().map(|s| s.to_string()).collect();
    names.extend(FacetName::ALL.iter().map(|f| f.key().to_string()));
    names.extend(other_keys.iter().map(|s| s.to_string()));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<SearchRequest, ValidationErrors> {
        let pairs: Vec<(String, String)> = form_pairs(query);
        SearchRequest::from_pairs(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            &["barsetshire".to_string()],
        )
    }

    fn form_pairs(query: &str) -> Vec<(String, String)> {
        query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), v.to_string())
            })
            .collect()
    }

    fn error_fields(query: &str) -> Vec<String> {
        match parse(query) {
            Ok(_) => vec![],
            Err(ValidationErrors(errors)) => errors.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn reads_repeated_filters_and_options() {
        let request =
            parse("q=neglect&theme=neglect&theme=unseen_men&theme=neglect&view=lessons&sort=newest&page=2&per_page=5&year_from=2005")
                .unwrap();
        assert_eq!(
            request.filters[&FacetName::Theme],
            ["neglect", "unseen_men"]
        );
        assert_eq!((request.view, request.sort), (View::Lessons, Sort::Newest));
        assert_eq!(
            (request.page, request.per_page, request.year_from),
            (2, 5, Some(2005))
        );
        let again = SearchRequest::from_pairs(
            request
                .to_pairs()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
            &[],
        )
        .unwrap();
        assert_eq!(again, request);
    }

    #[test]
    fn refuses_every_bad_parameter_at_once() {
        assert_eq!(
            error_fields(
                "theme=negelct&board=atlantis&page=0&per_page=101&year_from=19x&view=maps&level=x"
            ),
            [
                "theme",
                "board",
                "page",
                "per_page",
                "year_from",
                "view",
                "level"
            ]
        );
        assert_eq!(error_fields("theme=&year_from="), Vec::<String>::new());
        assert_eq!(
            error_fields("theme= &view=\r&year_from= 2005&sort=newest "),
            ["theme", "view", "year_from", "sort"]
        );
        assert_eq!(error_fields("thme=neglect"), ["thme"]);
    }

    #[test]
    fn a_range_that_ends_before_it_starts_is_valid() {
        let request = parse("year_from=2010&year_to=2005").unwrap();
        assert_eq!(
            (request.year_from, request.year_to),
            (Some(2010), Some(2005))
        );
    }

    #[test]
    fn only_filters_may_be_repeated() {
        assert_eq!(error_fields("view=reviews&view=lessons"), ["view"]);
        assert_eq!(error_fields("page=1&q=a&page=2&q=b"), ["page", "q"]);
        assert_eq!(
            error_fields("theme=neglect&theme=unseen_men"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn years_are_read_as_numbers() {
        let request = parse("year=02009&year=2009").unwrap();
        assert_eq!(request.filters[&FacetName::Year], ["2009"]);
    }

    #[test]
    fn the_callers_own_keys_are_allowed() {
        let pairs = [("format", "csv"), ("q", "x")];
        assert!(SearchRequest::from_pairs(pairs, &[]).is_err());
        assert!(SearchRequest::from_pairs_with(pairs, &[], &["format"]).is_ok());
    }

    #[test]
    fn unknown_theme_lists_the_allowed_values() {
        let Err(ValidationErrors(errors)) = parse("theme=negelct") else {
            panic!("expected an error")
        };
        assert_eq!(errors[0].allowed.as_ref().map(Vec::len), Some(40));
    }
}
