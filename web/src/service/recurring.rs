//! Recurring lessons as the API, the pages and exports read them (DESIGN §9): the
//! shapes ([`RecurringSummary`], [`RecurringDetail`], [`Recurrence`]), the request
//! ([`RecurringRequest`], checked like a search: 422 with every field error), and the
//! queries on [`Repository`]. The state they read is kept by `recurring_state`
//! (derived from public findings only; see there for persistence and updates).
//!
//! Filters (`theme`, `agency`, `level`, `kind`, `region`, `year_from`, `year_to`) select
//! *member findings*: a recurring lesson is listed when at least one of its members
//! matches every filter given (OR within a repeated filter). `q` matches the members'
//! words as the search analyzer reads them (stems, synonyms): every concept of `q` must
//! occur in some member's text. `min_reviews` (default 2) counts distinct reviews.
//!
//! Orders: `reviews` (most reviews first), `recent` (latest year first), `rising`: the
//! number of reviews in the last three years of the data (the latest year of any public
//! finding and the two before) minus the number in the three years before those, highest
//! first; ties by reviews, then id.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use lessons_index::params::{DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, YEAR_RANGE};
use lessons_index::{Hit, View};
use lessons_model::validate::Checker;
use lessons_model::{Review, Vocabulary};
use lessons_recurring::{representative, FindingInput, Group};
use serde::{Deserialize, Serialize};

use super::error::{ServiceError, ServiceResult};
pub use super::recurring_state::Signal as RecurringSignal;
use super::recurring_state::{review_of, DerivedError, State, Terms};
use super::repository::Repository;

/// Reviews in one year of a recurring lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearCount {
    pub year: i32,
    pub count: usize,
}

/// A recurring lesson as listed (DESIGN §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecurringSummary {
    pub id: String,
    /// A short name: the representative text's first sentence, cut at a word.
    pub label: String,
    /// The most representative member's text.
    pub text: String,
    /// Distinct reviews.
    pub reviews: usize,
    /// Distinct boards.
    pub boards: usize,
    /// Member findings.
    pub findings: usize,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    /// Distinct reviews per year, oldest first (years with none left out).
    pub years: Vec<YearCount>,
    /// Theme slugs of the members, most frequent first.
    pub themes: Vec<String>,
    /// Agency slugs of the members, most frequent first.
    pub agencies: Vec<String>,
    /// Level slugs of the members, most frequent first.
    pub levels: Vec<String>,
}

/// One finding of a recurring lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecurringMember {
    pub finding_id: String,
    pub review_id: String,
    pub review_title: String,
    pub board: String,
    pub year: Option<i32>,
    pub kind: String,
    pub level: String,
    pub agency: Option<String>,
    pub text: String,
}

/// A recurring lesson with its members, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecurringDetail {
    #[serde(flatten)]
    pub summary: RecurringSummary,
    pub members: Vec<RecurringMember>,
}

/// What a finding says about the recurring lesson it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recurrence {
    pub id: String,
    /// Distinct reviews in the group.
    pub reviews: usize,
    /// The group's first year.
    pub since: Option<i32>,
}

/// Result order of `/api/v1/recurring`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecurringSort {
    #[default]
    Reviews,
    Recent,
    Rising,
}

impl RecurringSort {
    pub const ALL: [RecurringSort; 3] = [
        RecurringSort::Reviews,
        RecurringSort::Recent,
        RecurringSort::Rising,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RecurringSort::Reviews => "reviews",
            RecurringSort::Recent => "recent",
            RecurringSort::Rising => "rising",
        }
    }
}

/// The smallest (and default) `min_reviews`: a recurring lesson spans two reviews.
pub const DEFAULT_MIN_REVIEWS: usize = 2;
/// The largest `min_reviews` accepted.
pub const MAX_MIN_REVIEWS: usize = 100_000;

/// A listing of recurring lessons as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurringRequest {
    pub q: Option<String>,
    pub theme: Vec<String>,
    pub agency: Vec<String>,
    pub level: Vec<String>,
    pub kind: Vec<String>,
    pub region: Vec<String>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub min_reviews: usize,
    pub sort: RecurringSort,
    pub page: usize,
    pub per_page: usize,
    /// Only these recurring lessons (`id`, repeatable; exports only).
    pub ids: Vec<String>,
}

impl Default for RecurringRequest {
    fn default() -> Self {
        RecurringRequest {
            q: None,
            theme: Vec::new(),
            agency: Vec::new(),
            level: Vec::new(),
            kind: Vec::new(),
            region: Vec::new(),
            year_from: None,
            year_to: None,
            min_reviews: DEFAULT_MIN_REVIEWS,
            sort: RecurringSort::Reviews,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ids: Vec::new(),
        }
    }
}

/// The parameters that take one value; the filters may repeat.
pub const SINGLE_VALUED: [&str; 7] = [
    "q",
    "year_from",
    "year_to",
    "min_reviews",
    "sort",
    "page",
    "per_page",
];
/// The repeatable filters and their vocabularies.
pub const FILTERS: [(&str, Vocabulary); 5] = [
    ("theme", Vocabulary::Theme),
    ("agency", Vocabulary::Agency),
    ("level", Vocabulary::Level),
    ("kind", Vocabulary::LessonKind),
    ("region", Vocabulary::Region),
];

impl RecurringRequest {
    /// Reads and checks query pairs; `other_keys` are read by the caller (an export's
    /// `format`, `what`) and `paged` says whether `page` and `per_page` are accepted.
    pub fn from_pairs(
        pairs: &[(String, String)],
        other_keys: &[&str],
        paged: bool,
    ) -> ServiceResult<RecurringRequest> {
        let mut request = RecurringRequest::default();
        let mut check = Checker::new();
        let mut seen: Vec<&str> = Vec::new();
        for (key, value) in pairs {
            let key = key.as_str();
            let value = value.as_str();
            if SINGLE_VALUED.contains(&key) || other_keys.contains(&key) {
                if seen.contains(&key) {
                    check.error(key, "is given more than once (only filters repeat)");
                    continue;
                }
                seen.push(key);
            }
            match key {
                "q" => request.q = Some(value.to_string()).filter(|q| !q.trim().is_empty()),
                "year_from" | "year_to" if value.is_empty() => {}
                "year_from" => request.year_from = parse_year(&mut check, key, value),
                "year_to" => request.year_to = parse_year(&mut check, key, value),
                "min_reviews" if value.is_empty() => {}
                "min_reviews" => match value.parse::<usize>() {
                    Ok(n) if (1..=MAX_MIN_REVIEWS).contains(&n) => request.min_reviews = n,
                    _ => check.error(
                        key,
                        format!(
                            "must be a whole number from 1 to {MAX_MIN_REVIEWS}, not \"{value}\""
                        ),
                    ),
                },
                "sort" if value.is_empty() => {}
                "sort" => match RecurringSort::ALL.into_iter().find(|s| s.key() == value) {
                    Some(sort) => request.sort = sort,
                    None => {
                        check.error(key, format!("unknown value \"{value}\""));
                        check.set_allowed_on_last(
                            RecurringSort::ALL
                                .iter()
                                .map(|s| s.key().to_string())
                                .collect(),
                        );
                    }
                },
                "id" if !paged && value.is_empty() => {}
                "id" if !paged => {
                    let well_formed = value
                        .strip_prefix("rl-")
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
                    if !well_formed {
                        check.error(
                            key,
                            format!("\"{value}\" is not a recurring lesson id (rl-N)"),
                        );
                    } else if !request.ids.iter().any(|i| i == value) {
                        request.ids.push(value.to_string());
                    }
                }
                "page" | "per_page" if !paged => check.error(
                    key,
                    "an export holds every match, so it takes no page or per_page",
                ),
                "page" => match value.parse::<usize>() {
                    Ok(page) if (1..=MAX_PAGE).contains(&page) => request.page = page,
                    _ => check.error(
                        key,
                        format!("must be a whole number from 1 to {MAX_PAGE}, not \"{value}\""),
                    ),
                },
                "per_page" => match value.parse::<usize>() {
                    Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => request.per_page = n,
                    _ => check.error(
                        key,
                        format!("must be a whole number from 1 to {MAX_PER_PAGE}, not \"{value}\""),
                    ),
                },
                _ if other_keys.contains(&key) => {}
                _ => match FILTERS.iter().find(|(name, _)| *name == key) {
                    Some(_) if value.is_empty() => {}
                    Some((_, vocabulary)) => {
                        if vocabulary.contains(value) {
                            let values = request.filter_mut(key);
                            if !values.iter().any(|v| v == value) {
                                values.push(value.to_string());
                            }
                        } else {
                            check.slug(key, value, *vocabulary);
                        }
                    }
                    None => {
                        check.error(key, "unknown parameter");
                        check.set_allowed_on_last(parameter_names(other_keys, paged));
                    }
                },
            }
        }
        check.finish()?;
        Ok(request)
    }

    fn filter_mut(&mut self, key: &str) -> &mut Vec<String> {
        match key {
            "theme" => &mut self.theme,
            "agency" => &mut self.agency,
            "level" => &mut self.level,
            "kind" => &mut self.kind,
            _ => &mut self.region,
        }
    }

    /// The request as query-string pairs (defaults left out), for links.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if let Some(q) = &self.q {
            pairs.push(("q".to_string(), q.clone()));
        }
        for (name, values) in [
            ("theme", &self.theme),
            ("agency", &self.agency),
            ("level", &self.level),
            ("kind", &self.kind),
            ("region", &self.region),
        ] {
            for value in values {
                pairs.push((name.to_string(), value.clone()));
            }
        }
        if let Some(year) = self.year_from {
            pairs.push(("year_from".into(), year.to_string()));
        }
        if let Some(year) = self.year_to {
            pairs.push(("year_to".into(), year.to_string()));
        }
        if self.min_reviews != DEFAULT_MIN_REVIEWS {
            pairs.push(("min_reviews".into(), self.min_reviews.to_string()));
        }
        if self.sort != RecurringSort::Reviews {
            pairs.push(("sort".into(), self.sort.key().into()));
        }
        for id in &self.ids {
            pairs.push(("id".into(), id.clone()));
        }
        if self.page != 1 {
            pairs.push(("page".into(), self.page.to_string()));
        }
        if self.per_page != DEFAULT_PER_PAGE {
            pairs.push(("per_page".into(), self.per_page.to_string()));
        }
        pairs
    }

    /// Whether any member filter is given.
    fn filters_members(&self) -> bool {
        !(self.theme.is_empty()
            && self.agency.is_empty()
            && self.level.is_empty()
            && self.kind.is_empty()
            && self.region.is_empty()
            && self.year_from.is_none()
            && self.year_to.is_none())
    }

    /// Whether `member` matches every member filter.
    fn member_matches(&self, f: &MemberFields, slugs: &Terms, region: Option<&str>) -> bool {
        let any = |wanted: &[String], have: Option<&str>| {
            wanted.is_empty() || have.is_some_and(|h| wanted.iter().any(|w| w == h))
        };
        (self.theme.is_empty()
            || f.themes
                .iter()
                .any(|t| self.theme.iter().any(|w| w == slugs.slug_name(*t))))
            && any(&self.agency, f.agency.map(|a| slugs.slug_name(a)))
            && any(&self.level, Some(slugs.slug_name(f.level)))
            && any(&self.kind, Some(slugs.slug_name(f.kind)))
            && any(&self.region, region)
            && self
                .year_from
                .is_none_or(|from| f.year.is_some_and(|y| y >= from))
            && self
                .year_to
                .is_none_or(|to| f.year.is_some_and(|y| y <= to))
    }
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

/// Every parameter name `/api/v1/recurring` accepts, plus the caller's own.
fn parameter_names(other_keys: &[&str], paged: bool) -> Vec<String> {
    let mut names: Vec<String> = SINGLE_VALUED
        .iter()
        .filter(|k| paged || (**k != "page" && **k != "per_page"))
        .map(|s| s.to_string())
        .collect();
    names.extend(FILTERS.iter().map(|(name, _)| name.to_string()));
    if !paged {
        names.push("id".into());
    }
    names.extend(other_keys.iter().map(|s| s.to_string()));
    names
}

/// A page of recurring lessons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecurringPage {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub recurring: Vec<RecurringSummary>,
}

/// A member's fields the listing's filters read (its text stays in the store); slugs
/// by their number in [`Terms`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFields {
    pub board: u32,
    pub year: Option<i32>,
    pub kind: u32,
    pub level: u32,
    pub agency: Option<u32>,
    pub themes: Vec<u32>,
}

/// One recurring lesson as the service keeps it resident (and in `recurring.json`):
/// its summary, its members' filter fields (in the group's member order), its concept
/// terms by number (sorted; for `q`) and the year of each distinct review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summarised {
    pub summary: RecurringSummary,
    pub members: Vec<MemberFields>,
    pub terms: Vec<u32>,
    pub review_years: Vec<Option<i32>>,
}

/// The label and the representative text of `group` (`findings`: its members): the
/// known practice point's short label, else the representative's first sentence
/// (`lessons_recurring::label`).
pub fn label_of_group(group: &Group, findings: &[FindingInput]) -> (String, String) {
    let text = representative(group, findings).to_string();
    (lessons_recurring::label(group, findings), text)
}

/// Summarises `group` from its members' findings (`texts` holds them by id; members
/// missing there are left out of the figures), numbering concept terms in `terms`.
pub fn summarise(
    group: &Group,
    texts: &HashMap<String, FindingInput>,
    terms: &mut Terms,
) -> Summarised {
    let members: Vec<FindingInput> = group
        .members
        .iter()
        .filter_map(|m| texts.get(m).cloned())
        .collect();
    let (label, text) = label_of_group(group, &members);
    let mut review_years: BTreeMap<&str, Option<i32>> = BTreeMap::new();
    let mut boards = BTreeSet::new();
    let mut term_ids = BTreeSet::new();
    let mut themes = Counter::default();
    let mut agencies = Counter::default();
    let mut levels = Counter::default();
    for f in &members {
        review_years.insert(&f.review_id, f.year);
        boards.insert(f.board.as_str());
        for term in lessons_index::query::concept_terms(&f.text) {
            term_ids.insert(terms.intern(&term));
        }
        for theme in &f.themes {
            themes.add(theme);
        }
        if let Some(agency) = &f.agency {
            agencies.add(agency);
        }
        levels.add(&f.level);
    }
    let mut per_year: BTreeMap<i32, usize> = BTreeMap::new();
    for year in review_years.values().flatten() {
        *per_year.entry(*year).or_default() += 1;
    }
    let summary = RecurringSummary {
        id: group.id.clone(),
        label,
        text,
        reviews: review_years.len(),
        boards: boards.len(),
        findings: members.len(),
        first_year: per_year.keys().next().copied(),
        last_year: per_year.keys().next_back().copied(),
        years: per_year
            .into_iter()
            .map(|(year, count)| YearCount { year, count })
            .collect(),
        themes: themes.ranked(),
        agencies: agencies.ranked(),
        levels: levels.ranked(),
    };
    Summarised {
        summary,
        members: members
            .iter()
            .map(|f| MemberFields {
                board: terms.slug(&f.board),
                year: f.year,
                kind: terms.slug(&f.kind),
                level: terms.slug(&f.level),
                agency: f.agency.as_deref().map(|a| terms.slug(a)),
                themes: f.themes.iter().map(|t| terms.slug(t)).collect(),
            })
            .collect(),
        terms: term_ids.into_iter().collect(),
        review_years: review_years.into_values().collect(),
    }
}

impl Summarised {
    /// Whether the group answers `request` (`q_terms`: the numbers of the concepts of
    /// its `q`, `None` when one is used by no group).
    fn matches(
        &self,
        request: &RecurringRequest,
        q_terms: Option<&[u32]>,
        terms: &Terms,
        regions: &HashMap<String, String>,
    ) -> bool {
        let Some(q_terms) = q_terms else {
            return false;
        };
        self.summary.reviews >= request.min_reviews
            && (request.ids.is_empty() || request.ids.contains(&self.summary.id))
            && q_terms.iter().all(|t| self.terms.binary_search(t).is_ok())
            && (!request.filters_members()
                || self.members.iter().any(|m| {
                    let region = regions.get(terms.slug_name(m.board)).map(String::as_str);
                    request.member_matches(m, terms, region)
                }))
    }

    /// Reviews in the three years up to `latest` minus those in the three before.
    fn rising(&self, latest: Option<i32>) -> i64 {
        let Some(latest) = latest else { return 0 };
        let mut score = 0i64;
        for year in self.review_years.iter().flatten() {
            if (latest - 2..=latest).contains(year) {
                score += 1;
            } else if (latest - 5..=latest - 3).contains(year) {
                score -= 1;
            }
        }
        score
    }
}

/// Counts slugs; ranks them most frequent first, then by slug.
#[derive(Default)]
struct Counter(BTreeMap<String, usize>);

impl Counter {
    fn add(&mut self, slug: &str) {
        *self.0.entry(slug.to_string()).or_default() += 1;
    }

    fn ranked(self) -> Vec<String> {
        let mut all: Vec<(String, usize)> = self.0.into_iter().collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.into_iter().map(|(slug, _)| slug).collect()
    }
}

/// The numeric part of `rl-N`, for ordering ids.
fn id_number(id: &str) -> u64 {
    id.strip_prefix("rl-")
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

impl From<DerivedError> for ServiceError {
    fn from(error: DerivedError) -> Self {
        match error {
            DerivedError::Store(e) => e.into(),
            other => ServiceError::internal(&other, "the recurring lessons could not be read"),
        }
    }
}

/// The groups answering `request`, in its order (every page).
fn select<'a>(state: &'a State, request: &RecurringRequest) -> Vec<&'a Summarised> {
    let q_terms: Option<Vec<u32>> = request
        .q
        .as_deref()
        .map(lessons_index::query::concept_terms)
        .unwrap_or_default()
        .iter()
        .map(|t| state.terms.get(t))
        .collect();
    let mut found: Vec<&Summarised> = state
        .summaries
        .iter()
        .map(|v| v.as_ref())
        .filter(|v| v.matches(request, q_terms.as_deref(), &state.terms, &state.regions))
        .collect();
    let by_reviews = |a: &&Summarised, b: &&Summarised| {
        b.summary
            .reviews
            .cmp(&a.summary.reviews)
            .then_with(|| b.summary.findings.cmp(&a.summary.findings))
            .then_with(|| b.summary.last_year.cmp(&a.summary.last_year))
    };
    let by_id =
        |a: &&Summarised, b: &&Summarised| id_number(&a.summary.id).cmp(&id_number(&b.summary.id));
    match request.sort {
        RecurringSort::Reviews => found.sort_by(|a, b| by_reviews(a, b).then_with(|| by_id(a, b))),
        RecurringSort::Recent => found.sort_by(|a, b| {
            b.summary
                .last_year
                .cmp(&a.summary.last_year)
                .then_with(|| by_reviews(a, b))
                .then_with(|| by_id(a, b))
        }),
        RecurringSort::Rising => {
            let latest = state.latest_year;
            found.sort_by(|a, b| {
                b.rising(latest)
                    .cmp(&a.rising(latest))
                    .then_with(|| by_reviews(a, b))
                    .then_with(|| by_id(a, b))
            })
        }
    }
    found
}

/// The members `ids` of recurring lessons as read from the store now (each review
/// read once); a member whose review is no longer public is left out.
fn member_records(
    store: &lessons_store::Store,
    ids: &[&str],
) -> ServiceResult<HashMap<String, RecurringMember>> {
    let today = lessons_model::dates::today();
    let mut by_review: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
    for id in ids {
        by_review.entry(review_of(id)).or_default().insert(id);
    }
    let mut out = HashMap::with_capacity(ids.len());
    for (review_id, wanted) in by_review {
        let Some(review) = store.review(review_id)? else {
            continue;
        };
        if !review.is_public_on(today) {
            continue;
        }
        let year = review.year();
        for lesson in review
            .lessons
            .iter()
            .filter(|l| wanted.contains(l.id.as_str()))
        {
            out.insert(
                lesson.id.clone(),
                RecurringMember {
                    finding_id: lesson.id.clone(),
                    review_id: review.id.clone(),
                    review_title: review.title.clone(),
                    board: review.board.clone(),
                    year,
                    kind: lesson.kind.clone(),
                    level: lesson.level.clone(),
                    agency: lesson.agency.clone(),
                    text: lesson.text.clone(),
                },
            );
        }
    }
    Ok(out)
}

/// Recurring lessons with their members, read from the store.
fn with_members(
    store: &lessons_store::Store,
    groups: Vec<(RecurringSummary, Vec<String>)>,
) -> ServiceResult<Vec<RecurringDetail>> {
    let ids: Vec<&str> = groups
        .iter()
        .flat_map(|(_, members)| members.iter().map(String::as_str))
        .collect();
    let mut records = member_records(store, &ids)?;
    Ok(groups
        .into_iter()
        .map(|(summary, members)| RecurringDetail {
            summary,
            members: members.iter().filter_map(|m| records.remove(m)).collect(),
        })
        .collect())
}

impl Repository {
    /// Reads and checks the query pairs of `/api/v1/recurring` (422 with every field
    /// error).
    pub fn recurring_request(&self, pairs: &[(String, String)]) -> ServiceResult<RecurringRequest> {
        RecurringRequest::from_pairs(pairs, &[], true)
    }

    fn recurring_state(&self) -> ServiceResult<std::sync::RwLockReadGuard<'_, State>> {
        Ok(self.recurring.read(&self.store, &self.index)?)
    }

    /// A page of recurring lessons answering `request`.
    pub fn recurring(&self, request: &RecurringRequest) -> ServiceResult<RecurringPage> {
        let state = self.recurring_state()?;
        let found = select(&state, request);
        let start = (request.page - 1).saturating_mul(request.per_page);
        Ok(RecurringPage {
            total: found.len(),
            page: request.page,
            per_page: request.per_page,
            recurring: found
                .into_iter()
                .skip(start)
                .take(request.per_page)
                .map(|v| v.summary.clone())
                .collect(),
        })
    }

    /// Every recurring lesson answering `request` with its members (exports), in the
    /// request's order; paging is ignored. Members are read from the store.
    pub fn recurring_all(&self, request: &RecurringRequest) -> ServiceResult<Vec<RecurringDetail>> {
        let groups: Vec<(RecurringSummary, Vec<String>)> = {
            let state = self.recurring_state()?;
            let members: HashMap<&str, &Vec<String>> = state
                .grouping
                .groups
                .iter()
                .map(|g| (g.id.as_str(), &g.members))
                .collect();
            select(&state, request)
                .into_iter()
                .map(|v| {
                    let ids = members
                        .get(v.summary.id.as_str())
                        .map(|m| m.to_vec())
                        .unwrap_or_default();
                    (v.summary.clone(), ids)
                })
                .collect()
        };
        with_members(&self.store, groups)
    }

    /// The recurring lesson `id` with its members, oldest first (read from the store).
    /// NotFound for an id never given, [`ServiceError::Retired`] (410) for one that
    /// vanished, naming its successor when there is one.
    pub fn recurring_lesson(&self, id: &str) -> ServiceResult<RecurringDetail> {
        let found = {
            let state = self.recurring_state()?;
            match state.grouping.groups.iter().position(|g| g.id == id) {
                Some(index) => Some((
                    state.summaries[index].summary.clone(),
                    state.grouping.groups[index].members.clone(),
                )),
                None if state.grouping.retired.contains_key(id) => {
                    // Follow successors that were retired in turn to one that is current.
                    let mut successor = state.grouping.retired.get(id).cloned().flatten();
                    let mut steps = 0;
                    while let Some(next) = successor.as_ref() {
                        match state.grouping.retired.get(next) {
                            Some(further) if steps < 64 => {
                                successor = further.clone();
                                steps += 1;
                            }
                            _ => break,
                        }
                    }
                    let successor =
                        successor.filter(|s| state.grouping.groups.iter().any(|g| &g.id == s));
                    return Err(ServiceError::Retired {
                        id: id.to_string(),
                        successor,
                    });
                }
                None => None,
            }
        };
        match found {
            Some(group) => Ok(with_members(&self.store, vec![group])?
                .pop()
                .ok_or_else(|| ServiceError::NotFound(format!("no recurring lesson {id}")))?),
            None => Err(ServiceError::NotFound(format!("no recurring lesson {id}"))),
        }
    }

    /// The recurring lesson public finding `finding_id` belongs to (None for a finding
    /// that is not public or not in one).
    pub fn recurrence_of(&self, finding_id: &str) -> Option<Recurrence> {
        self.recurrences_of([finding_id]).pop().flatten()
    }

    /// [`Repository::recurrence_of`] for many findings under one lock.
    pub fn recurrences_of<'a>(
        &self,
        finding_ids: impl IntoIterator<Item = &'a str>,
    ) -> Vec<Option<Recurrence>> {
        let state = self.recurring_state().ok();
        finding_ids
            .into_iter()
            .map(|id| {
                let summary = &state.as_ref()?.summary_of(id)?.summary;
                Some(Recurrence {
                    id: summary.id.clone(),
                    reviews: summary.reviews,
                    since: summary.first_year,
                })
            })
            .collect()
    }

    /// `review` as JSON with `"recurring"` on each finding: the recurring lesson it
    /// belongs to, or null (always null for a finding that is not public).
    pub fn review_json(&self, review: &Review) -> serde_json::Value {
        let recurrences = self.recurrences_of(review.lessons.iter().map(|l| l.id.as_str()));
        let mut value = serde_json::to_value(review).unwrap_or_default();
        if let Some(lessons) = value.get_mut("lessons").and_then(|l| l.as_array_mut()) {
            for (lesson, recurrence) in lessons.iter_mut().zip(recurrences) {
                if let Some(object) = lesson.as_object_mut() {
                    object.insert(
                        "recurring".into(),
                        serde_json::to_value(recurrence).unwrap_or_default(),
                    );
                }
            }
        }
        value
    }

    /// The recurring lesson of each hit of a lessons-view search (None in the reviews
    /// view, whose hits are reviews).
    pub fn hit_recurrences(&self, view: View, hits: &[Hit]) -> Option<Vec<Option<Recurrence>>> {
        (view == View::Lessons)
            .then(|| self.recurrences_of(hits.iter().map(|h| h.display.id.as_str())))
    }

    /// Finding id -> recurring lesson id of every public finding in one (a snapshot,
    /// for filling the `recurring_id` column of lessons-view exports).
    pub fn recurring_ids(&self) -> ServiceResult<HashMap<String, String>> {
        let state = self.recurring_state()?;
        Ok(state
            .grouping
            .groups
            .iter()
            .flat_map(|g| g.members.iter().map(move |m| (m.clone(), g.id.clone())))
            .collect())
    }

    /// The first `limit` recurring lessons answering `request` (its sort; paging
    /// ignored): for theme pages and `/insights`.
    pub fn top_recurring(
        &self,
        request: &RecurringRequest,
        limit: usize,
    ) -> ServiceResult<Vec<RecurringSummary>> {
        let state = self.recurring_state()?;
        Ok(select(&state, request)
            .into_iter()
            .take(limit)
            .map(|v| v.summary.clone())
            .collect())
    }

    /// Runs what the recurring lessons need (the server's maintenance thread, the
    /// keeper): places the findings of reviews just published, installs a finished
    /// regrouping, brings in reviews whose embargo ended, and starts a regrouping when
    /// one is due.
    pub fn recurring_maintenance(&self) -> ServiceResult<()> {
        Ok(self.recurring.maintain(&self.store, &self.index)?)
    }

    /// Makes the caller the recurring lessons' keeper: from now on writes and reads
    /// leave the placing of new findings to [`Repository::recurring_maintenance`],
    /// called whenever the returned signal is raised (a write queued work, a
    /// regrouping finished). Keeps the placing off the commit path.
    pub fn keep_recurring_in_background(&self) -> Arc<RecurringSignal> {
        self.recurring.keep_in_background()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        super::super::requests::query_pairs(query)
    }

    #[test]
    fn reads_and_refuses_parameters() {
        let request = RecurringRequest::from_pairs(
            &pairs("q=father&theme=neglect&theme=neglect&level=individual&min_reviews=3&sort=rising&page=2&per_page=5&year_from=2005"),
            &[],
            true,
        )
        .unwrap();
        assert_eq!(request.theme, ["neglect"]);
        assert_eq!(request.sort, RecurringSort::Rising);
        assert_eq!(
            (request.min_reviews, request.page, request.per_page),
            (3, 2, 5)
        );
        let again = RecurringRequest::from_pairs(&request.to_pairs(), &[], true).unwrap();
        assert_eq!(again, request);
        let Err(ServiceError::Invalid(errors)) = RecurringRequest::from_pairs(
            &pairs("theme=nope&sort=best&min_reviews=0&page=0&colour=red&q=a&q=b"),
            &[],
            true,
        ) else {
            panic!("expected errors");
        };
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["theme", "sort", "min_reviews", "page", "colour", "q"]
        );
        assert!(errors.0[0]
            .allowed
            .as_ref()
            .is_some_and(|a| a.contains(&"neglect".to_string())));
    }
}
