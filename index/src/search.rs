//! Running a [`SearchRequest`]: filters (facets, years, view, public visibility), facet
//! counts over the whole match set, the page of hits in the requested order, each with
//! its highlighted snippet (built in `snippet.rs`), and similar reviews or findings.
//!
//! Facet counts are "multi-select": the counts of a facet that has chosen values are
//! taken from the match set without that facet's own filter, so its other values show
//! how many results choosing them as well (OR) would add. Every other facet counts the
//! filtered match set. The value counts of an unfiltered facet therefore equal the
//! totals those filters would give.

use std::time::Instant;

use serde::Serialize;
use tantivy::collector::Count;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value};
use tantivy::{DocAddress, Order, TantivyDocument, Term};

use crate::context::{filter, SearchContext};
use crate::document::Display;
use crate::error::IndexError;
use crate::facet_count::{FacetCounter, Tally};
use crate::facets::FacetName;
use crate::params::{SearchRequest, Sort, View};
use crate::query::TextQuery;
use crate::schema::FACETS_FIELD;
use crate::snippet::Snippets;

/// Most values listed per facet.
pub const MAX_FACET_VALUES: usize = 100;

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
    /// What the document stores for display (id, title, board, dates, themes...).
    #[serde(flatten)]
    pub display: Display,
    /// HTML: escaped text with matched words in `<mark>`.
    pub snippet: String,
    pub score: f32,
    /// Not a match: a document like the matches, shown after them because the search
    /// matched fewer than a page (see `SearchContext::related`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub related: bool,
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

impl SearchContext<'_> {
    pub fn run(&self, request: &SearchRequest) -> Result<SearchResults, IndexError> {
        let started = Instant::now();
        let (text, spellings) = self.text_query(request)?;
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
        results.did_you_mean = spellings.did_you_mean(&request.q);
        let query = self.full_query(request, &text, None);
        // A relevance-ordered search's best matches are put in their final order by
        // proximity and, in the lessons view, feedback (`rescore.rs`): one order for
        // every page, the reordered window first, then the plain order (so a page that
        // straddles the window's end neither repeats nor skips a hit).
        let offset = (request.page - 1).saturating_mul(request.per_page);
        let window = self
            .reorder_window(request, &text)
            .filter(|window| offset < *window)
            .map(|window| window.max(offset.saturating_add(request.per_page)));
        let (total, tally, mut addresses) = self.first_pass(request, &query, &text, window)?;
        if window.is_some() {
            addresses = self
                .best_first(request, &text, results.did_you_mean.as_deref(), addresses)?
                .into_iter()
                .skip(offset)
                .take(request.per_page)
                .collect();
        }
        // Fewer matches than a page: the rest of the first page shows documents like
        // them (`feedback.rs`), marked as related; total and facets count matches only.
        let mut related = Vec::new();
        if request.page == 1
            && total < request.per_page
            && total == addresses.len()
            && effective_sort(request, &text) == Sort::Relevance
            && !crate::query::excludes(&request.q)
        {
            let matches: Vec<DocAddress> = addresses.iter().map(|(_, a)| *a).collect();
            let searched = [Some(request.q.as_str()), results.did_you_mean.as_deref()];
            related = self.related(
                request,
                searched.into_iter().flatten(),
                &matches,
                request.per_page - total,
            )?;
        }
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
        for (score, address) in related {
            let mut hit = self.hit(address, score, request.view, &snippets)?;
            hit.related = true;
            results.hits.push(hit);
        }
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

    fn facet_counter(&self) -> FacetCounter<'_> {
        FacetCounter {
            field: FACETS_FIELD,
            tables: self.facet_tables,
            today: self.today_days(),
        }
    }

    /// One pass over the matches: their number, their facet counts and the page asked
    /// for, or, with a `window`, the best `window` matches from the first.
    fn first_pass(
        &self,
        request: &SearchRequest,
        query: &BooleanQuery,
        text: &TextQuery,
        window: Option<usize>,
    ) -> Result<FirstPass, IndexError> {
        // Past the last document every page is empty: never ask tantivy to keep more.
        let offset = (request.page - 1)
            .saturating_mul(request.per_page)
            .min(self.searcher.num_docs() as usize);
        let sort = effective_sort(request, text);
        let top = match window {
            Some(window) => TopDocs::with_limit(window),
            None => TopDocs::with_limit(request.per_page).and_offset(offset),
        };
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
        let mut display = display;
        if view == View::Reviews {
            display.review_id = None;
            display.review_themes = None;
            display.review_agencies = None;
        }
        display.fill_overdue(self.today);
        Ok(Hit {
            display,
            snippet: snippets.for_doc(&doc),
            score,
            related: false,
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

/// The number of matches, their facet counts and the page of (score, address) asked for.
type FirstPass = (usize, Tally, Vec<(f32, DocAddress)>);
