//! Reading the public record through the index: searches (checked from query-string
//! pairs), similar reviews and findings, exports, cross-tabulations, the boards, and
//! the few public figures the health check, metrics and API documents show. Every
//! search is timed into the metrics and carries the index's public filter (today).

use lessons_index::export::ExportCursor;
use lessons_index::{CrossTab, Hit, SearchRequest, SearchResults, Sort, View};
use lessons_model::dates::today;
use lessons_model::{Lesson, Review};

use std::sync::Arc;
use std::time::Instant;

use super::error::{ServiceError, ServiceResult};
use super::repository::Repository;
use super::requests::{query_pairs, ExportRequest, StatsRequest};
use super::search_cache::Lookup;
use crate::metrics::{Audience, Gauges, SearchKind};

/// How many similar reviews or findings are listed.
pub const SIMILAR_LIMIT: usize = 5;
/// How many similar findings the similar-lessons page lists.
const SIMILAR_FINDINGS: usize = 10;

/// A public finding and the findings of other public reviews most like it.
pub struct SimilarFindings {
    pub review: Review,
    pub lesson: Lesson,
    pub hits: Vec<Hit>,
}

impl Repository {
    /// Reads and checks the search parameters of a query string.
    pub fn search_request(&self, query_string: &str) -> ServiceResult<SearchRequest> {
        let pairs = query_pairs(query_string);
        Ok(SearchRequest::from_pairs(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            &self.index.board_slugs(),
        )?)
    }

    /// A page of public results with facets, from the result cache when the same
    /// request was answered on the same index generation today (see `search_cache`).
    /// A search to compute waits for its turn (`search_gate`) and then looks in the
    /// cache again, on the generation current then: a request queued behind the same
    /// search is answered by it when that search finished first.
    pub fn search(&self, request: &SearchRequest) -> ServiceResult<SearchResults> {
        let (shared, took_ms) = self.search_shared(request)?;
        let mut results = SearchResults::clone(&shared);
        results.took_ms = took_ms;
        Ok(results)
    }

    /// [`Repository::search`] without copying the answer (a page of hits and every
    /// facet's values): the answer as the cache shares it, and how long this request
    /// took in ms, its wait for a turn included (the answer's own `took_ms` is the
    /// computing alone).
    pub fn search_shared(
        &self,
        request: &SearchRequest,
    ) -> ServiceResult<(Arc<SearchResults>, u64)> {
        let started = Instant::now();
        let today = today();
        let kept = self
            .search_cache
            .get(request, self.index.generation(), today);
        let (results, lookup) = match kept {
            Some(answer) => (answer, Lookup::Hit),
            None => self.search_gate.pass(|| {
                let generation = self.index.generation();
                self.search_cache
                    .get_or_compute(request, generation, today, || {
                        self.metrics
                            .time_search(SearchKind::Search, || self.index.search(request, today))
                    })
            })?,
        };
        self.metrics.count_search_cache(lookup == Lookup::Hit);
        Ok((results, started.elapsed().as_millis() as u64))
    }

    /// Sets how many searches are computed at once (the rest wait their turn; see
    /// `search_gate`).
    pub fn set_search_concurrency(&self, searches: usize) {
        self.search_gate.set_limit(searches);
    }

    /// Sets how many answers the search result cache keeps (0: none).
    pub fn set_search_cache_entries(&self, entries: usize) {
        self.search_cache.resize(entries);
    }

    /// The public reviews most like public review `id`, or, for a finding id
    /// (`<review id>#L<n>`), the findings of other public reviews most like it.
    pub fn similar(&self, id: &str) -> ServiceResult<Vec<Hit>> {
        let found = self.similar_in_turn(id, SIMILAR_LIMIT)?;
        found.ok_or_else(|| ServiceError::NotFound(format!("no published review or finding {id}")))
    }

    /// `SearchIndex::similar`, timed, computed in its turn (`search_gate`).
    fn similar_in_turn(&self, id: &str, limit: usize) -> ServiceResult<Option<Vec<Hit>>> {
        Ok(self.search_gate.pass(|| {
            self.metrics.time_search(SearchKind::Similar, || {
                self.index.similar(id, today(), limit)
            })
        })?)
    }

    /// The finding `id` (`<review id>#L<n>`) of a public review and the findings most
    /// like it; not found unless that review is public today.
    pub fn similar_findings(&self, id: &str) -> ServiceResult<SimilarFindings> {
        let missing = || ServiceError::NotFound(format!("no published finding {id}"));
        let (review_id, _) = id.split_once("#L").ok_or_else(missing)?;
        let review = self
            .readable_review(None, review_id)
            .map_err(|error| match error {
                ServiceError::NotFound(_) => missing(),
                other => other,
            })?;
        let lesson = review
            .lessons
            .iter()
            .find(|l| l.id == id)
            .cloned()
            .ok_or_else(missing)?;
        let hits = self
            .similar_in_turn(id, SIMILAR_FINDINGS)?
            .ok_or_else(missing)?;
        Ok(SimilarFindings {
            review,
            lesson,
            hits,
        })
    }

    /// Reads and checks export parameters.
    pub fn export_request(&self, pairs: Vec<(String, String)>) -> ServiceResult<ExportRequest> {
        ExportRequest::from_pairs(pairs, &self.index.board_slugs())
    }

    /// Every public match of `search`, to read a batch at a time.
    pub fn export(&self, search: &SearchRequest) -> ServiceResult<ExportCursor> {
        Ok(self
            .metrics
            .time_search(SearchKind::Export, || self.index.export(search, today()))?)
    }

    /// Every public match of `search` as rows of `view` (the actions view: one row per
    /// action of the lessons-view matches), to read a batch at a time.
    pub fn export_as(
        &self,
        search: &SearchRequest,
        view: lessons_index::export::ExportView,
    ) -> ServiceResult<ExportCursor> {
        Ok(self.metrics.time_search(SearchKind::Export, || {
            self.index.export_as(search, view, today())
        })?)
    }

    /// Reads and checks statistics parameters; `defaults` fill missing axes (the
    /// insights page), else both are required (the API).
    pub fn stats_request(
        &self,
        pairs: &[(String, String)],
        defaults: Option<(lessons_index::FacetName, lessons_index::FacetName)>,
    ) -> ServiceResult<StatsRequest> {
        Ok(StatsRequest::from_pairs(
            pairs,
            &self.index.board_slugs(),
            defaults,
        )?)
    }

    /// The matches of a statistics request counted by its two facets.
    pub fn cross_tab(&self, request: &StatsRequest) -> ServiceResult<CrossTab> {
        Ok(self.metrics.time_search(SearchKind::CrossTab, || {
            self.index
                .cross_tab(&request.search, request.rows, request.cols, today())
        })?)
    }

    /// The id of the newest public review and of the newest public finding (examples
    /// for the API documents).
    pub fn newest_public_ids(&self) -> ServiceResult<(Option<String>, Option<String>)> {
        let newest = |view| -> ServiceResult<Option<String>> {
            let request = SearchRequest {
                view,
                sort: Sort::Newest,
                per_page: 1,
                ..SearchRequest::default()
            };
            Ok(self
                .search(&request)?
                .hits
                .into_iter()
                .next()
                .map(|hit| hit.display.id))
        };
        Ok((newest(View::Reviews)?, newest(View::Lessons)?))
    }

    /// The metrics as `audience` may read them, with the gauges read now.
    pub fn metrics_text(&self, audience: Audience) -> ServiceResult<String> {
        self.metrics
            .render(&self.gauges()?, audience)
            .map_err(|e| ServiceError::internal(&e, "cannot encode the metrics"))
    }

    /// The figures `/metrics` shows (see [`Gauges`]).
    fn gauges(&self) -> ServiceResult<Gauges> {
        Ok(Gauges {
            public_reviews: self.index.public_review_count(today())?,
            index_sequence: self.index.indexed_seq(),
            search_cache_entries: self.search_cache.len() as u64,
            searches_waiting: self.search_gate.waiting(),
            store_bytes: self.store.db_size_on_disk().unwrap_or(0),
            files_dir: self.store.files_dir().to_path_buf(),
            index_dir: self.dir().join("index"),
        })
    }
}
