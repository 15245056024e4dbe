//! Running a [`SearchRequest`]: filters (facets, years, view, public visibility), facet
//! counts over the whole match set, the page of hits in the requested order, and
//! highlighted snippets.
//!
//! Facet counts are "multi-select": the counts of a facet that has chosen values are
//! taken from the match set without that facet's own filter, so its other values show
//! how many results choosing them as well (OR) would add. Every other facet counts the
//! filtered match set. The value counts of an unfiltered facet therefore equal the
//! totals those filters would give.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::time::Instant;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use lessons_model::dates::days_since_epoch;
use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, InvertedIndexRangeQuery, MoreLikeThisQuery, Occur, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};
use time::Date;

use crate::facet_count::{FacetCounter, FacetTables, Tally};
use crate::facets::FacetName;
use crate::params::{SearchRequest, Sort, View};
use crate::query::{build_text_query, TextQuery};
use crate::schema::Fields;
use crate::IndexError;

/// Most values listed per facet.
pub const MAX_FACET_VALUES: usize = 100;
const REVIEW_SNIPPET_CHARS: usize = 240;
const LESSON_SNIPPET_CHARS: usize = 2_000;

/// One value of a facet with the number of matching results that carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// One result: a review (reviews view) or a finding (lessons view).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Review id, or finding id (`<review id>#L<n>`).
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_id: Option<String>,
    pub title: String,
    pub board: String,
    pub board_name: String,
    pub region: String,
    pub year: Option<i32>,
    pub published_on: Option<String>,
    pub incident: String,
    /// Reviews: the review's themes and its findings'. Lessons: the finding's own.
    pub themes: Vec<String>,
    /// Lessons view: the themes of the finding's review (filters match these too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_themes: Option<Vec<String>>,
    /// Whole months from commissioning to completion, when both are known.
    pub duration_months: Option<u32>,
    /// Whether the review took longer than the six-month timescale.
    pub over_six_months: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// HTML: escaped text with matched words in `<mark>`.
    pub snippet: String,
    pub score: f32,
}

/// The answer to a search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub total: u64,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
    /// Every facet, in display order, each value with its count (most frequent first).
    pub facets: Vec<(FacetName, Vec<FacetCount>)>,
    /// The query with likely misspellings corrected, when any word looks misspelt.
    pub did_you_mean: Option<String>,
    pub took_ms: u64,
}

/// What a document stores for display (the `display` field), written at indexing.
/// Changing it means bumping `SCHEMA_VERSION` (older indexes are then rebuilt); missing
/// fields read as empty all the same.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Display {
    pub id: String,
    pub review_id: String,
    pub title: String,
    pub board: String,
    pub board_name: String,
    pub region: String,
    pub year: Option<i32>,
    pub published_on: Option<String>,
    pub incident: String,
    pub themes: Vec<String>,
    pub review_themes: Vec<String>,
    pub duration_months: Option<u32>,
    pub over_six_months: Option<bool>,
    pub kind: Option<String>,
    pub level: Option<String>,
    pub agency: Option<String>,
}

/// A review's public metadata beyond what a hit shows (the `metadata` field), stored
/// with each of its documents so that an export reads one document per row.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ReviewMetadata {
    pub pseudonyms: Vec<String>,
    pub review_type: String,
    pub methodology: Option<String>,
    pub abuse: Vec<String>,
    pub source_of_harm: Vec<String>,
    pub age_bands: Vec<String>,
    pub sexes: Vec<String>,
    pub incident_date: Option<String>,
    pub commissioned_on: Option<String>,
    pub completed_on: Option<String>,
    pub parallel_processes: Vec<String>,
    pub ofsted_grade: Option<String>,
    pub agencies: Vec<String>,
    pub keywords: Vec<String>,
    pub lesson_count: usize,
}

/// Everything needed to run one search against one searcher snapshot.
pub(crate) struct SearchContext<'a> {
    pub searcher: &'a Searcher,
    pub facet_tables: &'a FacetTables,
    pub fields: &'a Fields,
    pub board_names: &'a HashMap<String, String>,
    pub today: Date,
}

impl SearchContext<'_> {
    pub fn run(&self, request: &SearchRequest) -> Result<SearchResults, IndexError> {
        let started = Instant::now();
        let text = build_text_query(&request.q, request.view, self.fields, self.searcher);
        let mut results = SearchResults {
            total: 0,
            page: request.page,
            per_page: request.per_page,
            hits: Vec::new(),
            facets: FacetName::ALL.iter().map(|f| (*f, Vec::new())).collect(),
            did_you_mean: None,
            took_ms: 0,
        };
        if text.nothing_searchable {
            results.took_ms = started.elapsed().as_millis() as u64;
            return Ok(results);
        }
        results.did_you_mean = self.did_you_mean(&request.q)?;
        let query = self.full_query(request, &text, None);
        let (total, tally, addresses) = self.first_pass(request, &query, &text)?;
        results.total = total as u64;
        for (facet, values) in results.facets.iter_mut() {
            *values = self.facet_values(&tally, *facet);
        }
        for facet in request.filters.keys() {
            let without = self.full_query(request, &text, Some(*facet));
            let tally = self.searcher.search(&without, &self.facet_counter())?;
            if let Some((_, values)) = results.facets.iter_mut().find(|(f, _)| f == facet) {
                *values = self.facet_values(&tally, *facet);
            }
        }
        let snippets = Snippets::new(self.searcher, self.fields, request.view, &*text.highlight)?;
        results.hits = addresses
            .into_iter()
            .map(|(score, address)| self.hit(address, score, request.view, &snippets))
            .collect::<Result<_, _>>()?;
        results.took_ms = started.elapsed().as_millis() as u64;
        Ok(results)
    }

    /// Public reviews most like public review `id` (by the words of its title, summary
    /// and findings), or, for a finding id (`<review id>#L<n>`), public findings of other
    /// reviews most like that finding; best first. `None` when `id` is not public.
    pub fn similar(&self, id: &str, limit: usize) -> Result<Option<Vec<Hit>>, IndexError> {
        let fields = self.fields;
        let (view, id_field, kind, min_term_frequency) = match id.split_once("#L") {
            Some(_) => (View::Lessons, fields.lesson_id, "lesson", 1),
            None => (View::Reviews, fields.review_id, "review", 2),
        };
        let source_term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let of_kind = || filter(source_term(fields.doc_kind, kind));
        let public = || self.public_today();
        let source = BooleanQuery::new(vec![
            (Occur::Must, source_term(id_field, id)),
            of_kind(),
            public(),
        ]);
        let found = self
            .searcher
            .search(&source, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = found.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = self.searcher.doc(*address)?;
        let review_id = doc
            .get_first(fields.review_id)
            .and_then(|v| v.as_str())
            .unwrap_or(id)
            .to_string();
        let text_of = |field| {
            let text = doc
                .get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            (field, vec![OwnedValue::Str(text)])
        };
        let source_fields = match view {
            View::Reviews => vec![
                text_of(fields.title),
                text_of(fields.summary),
                text_of(fields.lessons),
            ],
            View::Lessons => vec![text_of(fields.lessons)],
        };
        // Replaced documents count in a word's document frequency until a merge, and
        // tantivy's MoreLikeThis asserts that no frequency exceeds the live documents.
        let like = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_max_doc_frequency(self.searcher.num_docs())
            .with_min_term_frequency(min_term_frequency)
            .with_min_word_length(4)
            .with_max_query_terms(40)
            .with_document_fields(source_fields);
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(like) as Box<dyn Query>),
            (Occur::MustNot, source_term(fields.review_id, &review_id)),
            of_kind(),
            public(),
        ]);
        let top = self
            .searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let snippets = Snippets::new(self.searcher, self.fields, view, &BooleanQuery::new(vec![]))?;
        let hits = top
            .into_iter()
            .map(|(score, address)| self.hit(address, score, view, &snippets))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(hits))
    }

    /// The text query with every filter, optionally leaving one facet's filter out.
    pub(crate) fn full_query(
        &self,
        request: &SearchRequest,
        text: &TextQuery,
        without: Option<FacetName>,
    ) -> BooleanQuery {
        let fields = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(query) = &text.query {
            clauses.push((Occur::Must, query.box_clone()));
        }
        let kind = match request.view {
            View::Reviews => "review",
            View::Lessons => "lesson",
        };
        clauses.push(filter(Box::new(TermQuery::new(
            Term::from_field_text(fields.doc_kind, kind),
            IndexRecordOption::Basic,
        ))));
        clauses.push(self.public_today());
        if request.year_from.is_some() || request.year_to.is_some() {
            let bound = |year: Option<i32>| match year {
                Some(y) => Bound::Included(Term::from_field_u64(fields.year, y.max(0) as u64)),
                None => Bound::Unbounded,
            };
            let (lower, upper) = (bound(request.year_from), bound(request.year_to));
            let lower = match (&lower, &upper) {
                (Bound::Unbounded, _) => Bound::Included(Term::from_field_u64(fields.year, 0)),
                _ => lower,
            };
            clauses.push(filter(Box::new(RangeQuery::new(lower, upper))));
        }
        for (facet, values) in &request.filters {
            if Some(*facet) == without {
                continue;
            }
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|value| {
                    let term = Term::from_facet(fields.facets, &facet.path(value));
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push(filter(Box::new(BooleanQuery::new(any))));
        }
        BooleanQuery::new(clauses)
    }

    fn facet_values(&self, tally: &Tally, facet: FacetName) -> Vec<FacetCount> {
        let mut values: Vec<FacetCount> = tally
            .get(&facet)
            .into_iter()
            .flatten()
            .map(|(value, count)| FacetCount {
                label: self.label(facet, value),
                value: value.clone(),
                count: *count,
            })
            .collect();
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        values.truncate(MAX_FACET_VALUES);
        values
    }

    pub(crate) fn label(&self, facet: FacetName, value: &str) -> String {
        if facet == FacetName::Board {
            return self
                .board_names
                .get(value)
                .cloned()
                .unwrap_or_else(|| value.to_string());
        }
        facet
            .vocabulary()
            .and_then(|v| v.label(value))
            .map(str::to_string)
            .unwrap_or_else(|| value.to_string())
    }

    /// Excludes what the public may not see today: documents under an embargo that has
    /// not ended. Few documents carry a future date, so the excluded set is read from the
    /// inverted index (a handful of terms) instead of scanning every document's date.
    pub(crate) fn public_today(&self) -> (Occur, Box<dyn Query>) {
        let after_today =
            Term::from_field_i64(self.fields.public_from, days_since_epoch(self.today));
        (
            Occur::MustNot,
            Box::new(InvertedIndexRangeQuery::new(
                Bound::Excluded(after_today),
                Bound::Unbounded,
            )),
        )
    }

    fn facet_counter(&self) -> FacetCounter<'_> {
        FacetCounter {
            field: crate::FACETS_FIELD,
            tables: self.facet_tables,
        }
    }

    /// One pass over the matches: their number, their facet counts and the page asked for.
    fn first_pass(
        &self,
        request: &SearchRequest,
        query: &BooleanQuery,
        text: &TextQuery,
    ) -> Result<FirstPass, IndexError> {
        // Past the last document every page is empty: never ask tantivy to keep more.
        let offset = (request.page - 1)
            .saturating_mul(request.per_page)
            .min(self.searcher.num_docs() as usize);
        let sort = effective_sort(request, text);
        let top = TopDocs::with_limit(request.per_page).and_offset(offset);
        let counter = self.facet_counter();
        Ok(match sort {
            Sort::Relevance => self
                .searcher
                .search(query, &(Count, counter, top.order_by_score()))?,
            Sort::Newest | Sort::Oldest => {
                let order = if sort == Sort::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let by_date = top.order_by_fast_field::<i64>("sort_date", order);
                let (total, tally, page) =
                    self.searcher.search(query, &(Count, counter, by_date))?;
                let page = page
                    .into_iter()
                    .map(|(_, address)| (0.0, address))
                    .collect();
                (total, tally, page)
            }
        })
    }

    fn hit(
        &self,
        address: DocAddress,
        score: f32,
        view: View,
        snippets: &Snippets,
    ) -> Result<Hit, IndexError> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let display: Display = doc
            .get_first(self.fields.display)
            .and_then(|v| v.as_str())
            .and_then(|json| serde_json::from_str(json).ok())
            .ok_or_else(|| IndexError::Corrupt("a document without display data".into()))?;
        let is_lesson = view == View::Lessons;
        Ok(Hit {
            id: display.id,
            review_id: is_lesson.then_some(display.review_id),
            title: display.title,
            board: display.board,
            board_name: display.board_name,
            region: display.region,
            year: display.year,
            published_on: display.published_on,
            incident: display.incident,
            themes: display.themes,
            review_themes: is_lesson.then_some(display.review_themes),
            duration_months: display.duration_months,
            over_six_months: display.over_six_months,
            kind: display.kind,
            level: display.level,
            agency: display.agency,
            snippet: snippets.for_doc(&doc),
            score,
        })
    }
}

/// The order results come in: by relevance only when there are words to rank by.
pub(crate) fn effective_sort(request: &SearchRequest, text: &TextQuery) -> Sort {
    match (request.sort, &text.query) {
        (Sort::Relevance, None) => Sort::Newest,
        (sort, _) => sort,
    }
}

fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

/// The number of matches, their facet counts and the page of (score, address) asked for.
type FirstPass = (usize, Tally, Vec<(f32, DocAddress)>);

/// Snippet generators for the fields a hit's snippet may come from, best first.
struct Snippets {
    /// In order of preference: a field, its snippet generator and a pattern finding the
    /// query's words in it (see [`focus`]); none when the query has no words.
    generators: Vec<(Field, SnippetGenerator, Option<AhoCorasick>)>,
    fallback: Field,
    fallback_chars: usize,
    /// Bytes of a long text handed to a generator (see [`focus`]).
    focus_bytes: usize,
}

impl Snippets {
    fn new(
        searcher: &Searcher,
        fields: &Fields,
        view: View,
        highlight: &dyn Query,
    ) -> Result<Snippets, IndexError> {
        let (order, chars) = match view {
            View::Reviews => (
                vec![
                    fields.summary,
                    fields.lessons,
                    fields.title,
                    fields.keywords,
                ],
                REVIEW_SNIPPET_CHARS,
            ),
            View::Lessons => (vec![fields.lessons], LESSON_SNIPPET_CHARS),
        };
        let analyzer = crate::schema::analyzer();
        let mut generators = Vec::new();
        for field in &order {
            let mut words: Vec<String> = Vec::new();
            highlight.query_terms(&mut |term, _| {
                if term.field() == *field {
                    if let Some(word) = term.value().as_str() {
                        words.push(word.to_string());
                    }
                }
            });
            let weights = word_weights(searcher, *field, &words)?;
            let generator = SnippetGenerator::new(weights, analyzer.clone(), *field, chars);
            generators.push((*field, generator, word_finder(&words)));
        }
        Ok(Snippets {
            generators,
            fallback: order[0],
            fallback_chars: chars,
            focus_bytes: chars * FOCUS_PER_SNIPPET_CHAR,
        })
    }

    fn for_doc(&self, doc: &TantivyDocument) -> String {
        for (field, generator, words) in &self.generators {
            let text = doc.get_first(*field).and_then(|v| v.as_str()).unwrap_or("");
            let Some(part) = focus(text, words.as_ref(), self.focus_bytes) else {
                continue;
            };
            let mut snippet = generator.snippet(part);
            if !snippet.highlighted().is_empty() {
                snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                return snippet.to_html();
            }
        }
        let text = doc
            .get_first(self.fallback)
            .and_then(|v| v.as_str())
            .unwrap_or("");
        escape_html(&truncate_words(text, self.fallback_chars))
    }
}

/// The weight of each of `words` (analysed) that `field` holds, as tantivy's
/// `SnippetGenerator::create` gives it: the rarer, the heavier.
fn word_weights(
    searcher: &Searcher,
    field: Field,
    words: &[String],
) -> Result<BTreeMap<String, f32>, IndexError> {
    let mut weights = BTreeMap::new();
    for word in words {
        let doc_freq = searcher.doc_freq(&Term::from_field_text(field, word))?;
        if doc_freq > 0 {
            weights.insert(word.clone(), 1.0 / (1.0 + doc_freq as f32));
        }
    }
    Ok(weights)
}

/// Bytes of a long text handed to the snippet generator per character of snippet: the
/// generator analyses all it is given, and analysing a whole 50 KB summary for each of
/// 20 hits would cost more than the search.
const FOCUS_PER_SNIPPET_CHAR: usize = 4;

/// A case-insensitive searcher for any of the analysed query `words` in plain text: a
/// stem is a prefix of the forms it matches ("bruis" of "bruising"; "babi" is looked
/// for as "bab", for "baby"). Matches must start a word (checked in [`focus`]).
fn word_finder(words: &[String]) -> Option<AhoCorasick> {
    let mut prefixes: Vec<&str> = words
        .iter()
        .map(|word| {
            word.strip_suffix(['i', 'e'])
                .filter(|p| p.len() >= 2)
                .unwrap_or(word)
        })
        .collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    if prefixes.is_empty() {
        return None;
    }
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(prefixes)
        .ok()
}

/// The part of `text` worth handing to the snippet generator: `None` when there are no
/// query words (the snippet is then the text's start) or `finder` finds none in it; the
/// whole of a short text; for a long one, the `focus_bytes` around the first place where
/// most of the different words occur close together. Finding words this way costs a
/// scan, not an analysis, of the text, and the scan stops at the first place where every
/// word occurs.
fn focus<'t>(text: &'t str, finder: Option<&AhoCorasick>, focus_bytes: usize) -> Option<&'t str> {
    let finder = finder?;
    if text.len() <= focus_bytes {
        return finds_word(text, finder).then_some(text);
    }
    let start = densest_place(text, finder, focus_bytes / 2)?;
    let start = floor_boundary(text, start.saturating_sub(focus_bytes / 4));
    let end = floor_boundary(text, (start + focus_bytes).min(text.len()));
    Some(&text[start..end])
}

/// Whether `finder` finds a word in `text` (a match that starts a word).
fn finds_word(text: &str, finder: &AhoCorasick) -> bool {
    word_starts(text, finder).next().is_some()
}

/// Matches of `finder` in `text` that start a word: (offset, word).
fn word_starts<'t>(
    text: &'t str,
    finder: &'t AhoCorasick,
) -> impl Iterator<Item = (usize, usize)> + 't {
    let bytes = text.as_bytes();
    finder
        .find_iter(text)
        .filter(move |m| m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric())
        .map(|m| (m.start(), m.pattern().as_usize()))
}

/// The offset of the first match of `finder` whose following `span` bytes hold the most
/// different words, among the first [`MAX_PLACES`] matches; `None` without matches.
fn densest_place(text: &str, finder: &AhoCorasick, span: usize) -> Option<usize> {
    let all_words = finder.patterns_len();
    let mut places: Vec<(usize, usize)> = Vec::new();
    let mut best: Option<(usize, usize)> = None;
    let mut next = 0;
    let mut matches = word_starts(text, finder).take(MAX_PLACES).peekable();
    loop {
        let reached = matches.peek().map(|(at, _)| *at);
        // Score every window that the places seen so far complete.
        while next < places.len() && reached.is_none_or(|at| at >= places[next].0 + span) {
            let distinct = distinct_words(&places[next..], places[next].0 + span);
            if best.is_none_or(|(_, most)| distinct > most) {
                best = Some((places[next].0, distinct));
            }
            if distinct == all_words {
                return best.map(|(at, _)| at);
            }
            next += 1;
        }
        match matches.next() {
            Some(place) => places.push(place),
            None => return best.map(|(at, _)| at),
        }
    }
}

/// The number of different words among `places` before offset `end`.
fn distinct_words(places: &[(usize, usize)], end: usize) -> usize {
    let mut seen: Vec<usize> = places
        .iter()
        .take_while(|(at, _)| *at < end)
        .map(|(_, word)| *word)
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// Matches of the query's words looked at per text.
const MAX_PLACES: usize = 256;

/// The largest char boundary of `text` at or before `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The start of `text`, cut at a word boundary, with an ellipsis when cut.
fn truncate_words(text: &str, max_chars: usize) -> String {
    // Only the start matters: never flatten a whole 50 KB summary.
    let head = &text[..floor_boundary(text, text.len().min(max_chars * 4 + 64))];
    let flat: String = head.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars && head.len() == text.len() {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars).collect();
    let head = cut.rsplit_once(' ').map(|(head, _)| head).unwrap_or(&cut);
    format!("{head} …")
}

/// Escapes text for HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

/// Facet results as a map, for JSON.
pub fn facets_map(
    facets: &[(FacetName, Vec<FacetCount>)],
) -> BTreeMap<&'static str, &Vec<FacetCount>> {
    facets.iter().map(|(f, v)| (f.key(), v)).collect()
}

#[cfg(test)]
mod focus_tests {
    use super::{focus, word_finder};

    const FOCUS_BYTES: usize = 1_000;

    #[test]
    fn a_long_text_is_cut_around_the_densest_matches() {
        let filler = "Assessments were completed on time and reviewed by managers. ".repeat(200);
        let text = format!("{filler}The bruising on the baby was not explained. {filler}é");
        let finder = word_finder(&["bruis".to_string(), "babi".to_string()]);
        let words = finder.as_ref();
        let zebra = word_finder(&["zebra".to_string()]);
        let window = focus(&text, words, FOCUS_BYTES).unwrap();
        assert!(window.len() <= FOCUS_BYTES);
        assert!(window.contains("bruising on the baby"));
        // Short texts are handed over whole; a text without the words is skipped.
        assert_eq!(focus("The bruise", words, FOCUS_BYTES), Some("The bruise"));
        assert_eq!(focus(&text, zebra.as_ref(), FOCUS_BYTES), None);
        // Never cuts inside a character.
        let accented = format!("{}bruised{}", "é".repeat(4000), "é".repeat(4000));
        assert!(focus(&accented, words, FOCUS_BYTES)
            .unwrap()
            .contains("bruised"));
    }
}
