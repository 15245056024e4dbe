//! The best matches of a relevance-ordered search put in their final order: the
//! phrase-proximity bonuses of the query's plain words (`TextQuery::proximity`) are
//! added to the best [`WINDOW`] matches only, then, in the lessons view, feedback
//! (`feedback.rs`) reorders the best of those.
//!
//! Proximity only ranks (it never changes what matches), and scoring its phrases over
//! every match was the costliest part of a multi-word search: a phrase query reads the
//! positions of its words in every document that holds them all. Here each bonus is
//! read for the window's documents alone (one seek per phrase and candidate), with the
//! same weights a one-pass query gives (tantivy sums a boolean query's clauses), so a
//! document in the window scores exactly as before. What changes is only that a match
//! outside the plain best [`WINDOW`] can no longer be lifted into it by proximity (as
//! Elasticsearch's rescore and Vespa's second phase work). One order holds for every
//! page: the reordered window, then the plain order.

use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocSet, TERMINATED};

use crate::context::SearchContext;
use crate::error::IndexError;
use crate::feedback;
use crate::params::{SearchRequest, Sort, View};
use crate::query::TextQuery;
use crate::search::effective_sort;

/// The best matches (by the query without proximity) that proximity may reorder.
pub(crate) const WINDOW: usize = 300;

impl SearchContext<'_> {
    /// How many of the best plain matches [`SearchContext::best_first`] reorders for
    /// this request (`None`: it keeps the plain order).
    pub(crate) fn reorder_window(
        &self,
        request: &SearchRequest,
        text: &TextQuery,
    ) -> Option<usize> {
        if effective_sort(request, text) != Sort::Relevance {
            return None;
        }
        if !text.proximity.is_empty() {
            Some(WINDOW)
        } else if request.view == View::Lessons && feedback::applies(&request.q) {
            Some(feedback::WINDOW)
        } else {
            None
        }
    }

    /// `ranked` (matches in the plain order, best first; at least the reorder window
    /// of them, or all) in the search's final order: proximity added over the first
    /// [`WINDOW`], then feedback over the first `feedback::WINDOW` in the lessons view.
    /// `corrected` is the query as its misspellings were corrected, if they were.
    pub(crate) fn best_first(
        &self,
        request: &SearchRequest,
        text: &TextQuery,
        corrected: Option<&str>,
        mut ranked: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<(f32, DocAddress)>, IndexError> {
        if effective_sort(request, text) != Sort::Relevance {
            return Ok(ranked);
        }
        if !text.proximity.is_empty() {
            let beyond = ranked.split_off(ranked.len().min(WINDOW));
            ranked = self.add_scores(&text.proximity, ranked)?;
            ranked.extend(beyond);
        }
        if request.view == View::Lessons && feedback::applies(&request.q) {
            let beyond = ranked.split_off(ranked.len().min(feedback::WINDOW));
            let searched = [Some(request.q.as_str()), corrected];
            ranked = self.rerank(searched.into_iter().flatten(), ranked)?;
            ranked.extend(beyond);
        }
        Ok(ranked)
    }

    /// `ranked` with the scores of `queries` added where they match, re-sorted (best
    /// first; ties keep their order).
    fn add_scores(
        &self,
        queries: &[Box<dyn Query>],
        ranked: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<(f32, DocAddress)>, IndexError> {
        let mut candidates = Candidates::new(ranked);
        let scoring = EnableScoring::enabled_from_searcher(self.searcher);
        for query in queries {
            let weight = query.weight(scoring)?;
            for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
                let docs = candidates.of_segment(ord);
                if docs.is_empty() {
                    continue;
                }
                let mut scorer = weight.scorer(segment, 1.0)?;
                for (doc, at) in docs {
                    // `seek` must never go backwards (a debug assertion in tantivy).
                    let mut current = scorer.doc();
                    if current < doc {
                        current = scorer.seek(doc);
                    }
                    if current == TERMINATED {
                        break;
                    }
                    if current == doc {
                        candidates.add(at, scorer.score());
                    }
                }
            }
        }
        Ok(candidates.ranked())
    }
}

/// Ranked matches whose scores are being raised, read segment by segment.
pub(crate) struct Candidates(Vec<(f32, DocAddress)>);

impl Candidates {
    pub(crate) fn new(ranked: Vec<(f32, DocAddress)>) -> Candidates {
        Candidates(ranked)
    }

    /// The candidates in segment `ord` as (document, position), by document (the
    /// order postings and scorers can be sought in).
    pub(crate) fn of_segment(&self, ord: usize) -> Vec<(u32, usize)> {
        let mut docs: Vec<(u32, usize)> = self
            .0
            .iter()
            .enumerate()
            .filter(|(_, (_, a))| a.segment_ord as usize == ord)
            .map(|(at, (_, a))| (a.doc_id, at))
            .collect();
        docs.sort_unstable();
        docs
    }

    /// Adds `score` to the candidate at `position`.
    pub(crate) fn add(&mut self, position: usize, score: f32) {
        if let Some((current, _)) = self.0.get_mut(position) {
            *current += score;
        }
    }

    /// Best first; equal scores keep their first order (the sort is stable).
    pub(crate) fn ranked(mut self) -> Vec<(f32, DocAddress)> {
        self.0.sort_by(|a, b| b.0.total_cmp(&a.0));
        self.0
    }
}
