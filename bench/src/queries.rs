//! The fixed query set of the side-by-side benchmark (`compare`): each query as the
//! Lessons API takes it and as the same request to SQLite FTS5, so that both engines do
//! the same work (the top 20 with snippets, the total, and facet counts over every match).

/// Which documents a query searches: whole reviews or single findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Reviews,
    Lessons,
}

/// One query of the set.
#[derive(Debug, Clone, Copy)]
pub struct ComparedQuery {
    /// The class its latency is reported under.
    pub class: &'static str,
    /// The query string of `GET /api/v1/search`.
    pub api: &'static str,
    pub target: Target,
    /// The FTS5 `MATCH` expression (porter-stemmed, like our analyser).
    pub fts_match: &'static str,
    /// A theme the documents must carry.
    pub theme: Option<&'static str>,
    /// Publication years, inclusive.
    pub years: Option<(i32, i32)>,
}

const fn query(
    class: &'static str,
    api: &'static str,
    target: Target,
    fts_match: &'static str,
) -> ComparedQuery {
    ComparedQuery {
        class,
        api,
        target,
        fts_match,
        theme: None,
        years: None,
    }
}

const fn filtered(
    api: &'static str,
    fts_match: &'static str,
    theme: &'static str,
    years: (i32, i32),
) -> ComparedQuery {
    ComparedQuery {
        class: "filtered",
        api,
        target: Target::Reviews,
        fts_match,
        theme: Some(theme),
        years: Some(years),
    }
}

/// The classes in report order.
pub const CLASSES: [&str; 5] = [
    "single term",
    "two-term AND",
    "phrase",
    "filtered",
    "lessons view",
];

/// The query set: single terms, two-term AND, phrases, filtered by theme and year, and
/// the lessons view. Our side also expands synonyms and acronyms, ranks with proximity
/// and coverage bonuses and corrects spelling; the FTS5 side does none of that.
pub const QUERIES: [ComparedQuery; 12] = [
    query("single term", "q=neglect", Target::Reviews, "neglect"),
    query("single term", "q=bruising", Target::Reviews, "bruising"),
    query(
        "single term",
        "q=supervision",
        Target::Reviews,
        "supervision",
    ),
    query(
        "two-term AND",
        "q=domestic+AND+abuse",
        Target::Reviews,
        "domestic AND abuse",
    ),
    query(
        "two-term AND",
        "q=missed+AND+appointments",
        Target::Reviews,
        "missed AND appointments",
    ),
    query(
        "phrase",
        "q=%22disguised+compliance%22",
        Target::Reviews,
        "\"disguised compliance\"",
    ),
    query(
        "phrase",
        "q=%22was+not+brought%22",
        Target::Reviews,
        "\"was not brought\"",
    ),
    filtered(
        "q=neglect&theme=neglect&year_from=2012&year_to=2020",
        "neglect",
        "neglect",
        (2012, 2020),
    ),
    filtered(
        "q=assessment&theme=domestic_abuse&year_from=2016&year_to=2024",
        "assessment",
        "domestic_abuse",
        (2016, 2024),
    ),
    query(
        "lessons view",
        "view=lessons&q=escalation",
        Target::Lessons,
        "escalation",
    ),
    query(
        "lessons view",
        "view=lessons&q=supervision",
        Target::Lessons,
        "supervision",
    ),
    query(
        "lessons view",
        "view=lessons&q=information+AND+sharing",
        Target::Lessons,
        "information AND sharing",
    ),
];
