//! Pseudo-relevance feedback in the lessons view (issue 17): the words that the best
//! few findings of a question share, and that the question does not say, rank the
//! findings near them a little higher. A question in everyday words ("how do agencies
//! share information about a family that moves area") finds a few findings in the
//! reviews' words ("transfer", "authority"), and those words then lift the other
//! findings that say them.
//!
//! It reorders only the best [`WINDOW`] matches, which the one ranking pass already
//! collects: the best [`FEEDBACK_DOCS`] findings are read, their shared words chosen,
//! and each candidate's BM25 score for those words (read from the postings of the few
//! candidates only) is added, low-weighted, to its score. No second pass runs, the
//! match set never changes (total, facets and exports are the same), and a page beyond
//! the window keeps the plain order. Every lessons-view query with a plain word that is
//! not a function word gets it (a quoted phrase alone does not): it was measured to help
//! the lessons view on both judged sets, and the reviews view on one only, which does
//! not get it.
//!
//! The same words also fill the first page of a search that matched fewer documents
//! than a page ([`SearchContext::related`]): after every match come the documents that
//! hold the words the matches share, marked as related (`Hit::related`), so a quoted
//! phrase or an acronym that few reviews say also reaches those that describe the same
//! thing in other words. The match set, total, facets and exports stay the matches.

use std::collections::{HashMap, HashSet};

use tantivy::collector::TopDocs;
use tantivy::postings::Postings;
use tantivy::query::{Bm25Weight, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, TantivyDocument, Term};

use crate::context::SearchContext;
use crate::error::IndexError;
use crate::params::SearchRequest;
use crate::query::{content_words, is_function_word, TextQuery};
use crate::rescore::Candidates;
use crate::schema::analyse;

/// The best matches that feedback may reorder.
pub(crate) const WINDOW: usize = 50;
/// Queries with fewer content words (plain words that are not function words) get no
/// feedback.
const MIN_CONTENT_WORDS: usize = 1;
/// Best matches read for feedback.
const FEEDBACK_DOCS: usize = 8;
/// A word must be in at least this many of them.
const MIN_SHARED: usize = 2;
/// Words added at most.
const FEEDBACK_TERMS: usize = 10;
/// Boost of the best feedback word (the others in proportion to their weight).
const FEEDBACK_WEIGHT: f32 = 0.5;

/// Whether a relevance-ordered lessons-view search for `q` is reordered by feedback.
pub(crate) fn applies(q: &str) -> bool {
    content_words(q) >= MIN_CONTENT_WORDS
}

impl SearchContext<'_> {
    /// `ranked` (the best matches of a query, best first) reordered by the words the
    /// best of them share. `queries` are the query as typed and as corrected: their
    /// words are never feedback (a misspelt query then reorders as its correction does).
    pub(crate) fn rerank<'q>(
        &self,
        queries: impl IntoIterator<Item = &'q str>,
        ranked: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<(f32, DocAddress)>, IndexError> {
        let own: HashSet<String> = queries.into_iter().flat_map(analyse).collect();
        let best: Vec<DocAddress> = ranked.iter().take(FEEDBACK_DOCS).map(|(_, a)| *a).collect();
        let words = self.feedback_words(&own, &best)?;
        if words.is_empty() {
            return Ok(ranked);
        }
        let field = self.fields.lessons;
        let mut candidates = Candidates::new(ranked);
        for (boost, word) in words {
            let term = Term::from_field_text(field, &word);
            let bm25 = Bm25Weight::for_terms(self.searcher, std::slice::from_ref(&term))?;
            for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
                let docs = candidates.of_segment(ord);
                if docs.is_empty() {
                    continue;
                }
                let inverted = segment.inverted_index(field)?;
                let Some(mut postings) =
                    inverted.read_postings(&term, IndexRecordOption::WithFreqs)?
                else {
                    continue;
                };
                let fieldnorms = segment.get_fieldnorms_reader(field)?;
                for (doc, at) in docs {
                    // `seek` must never go backwards (a debug assertion in tantivy):
                    // the postings may already stand past this candidate.
                    let current = if postings.doc() < doc {
                        postings.seek(doc)
                    } else {
                        postings.doc()
                    };
                    if current == doc {
                        let tf = postings.term_freq();
                        candidates.add(at, boost * bm25.score(fieldnorms.fieldnorm_id(doc), tf));
                    }
                }
            }
        }
        Ok(candidates.ranked())
    }

    /// The words (stems) that at least [`MIN_SHARED`] of the `best` findings hold and
    /// the query (`own`) does not, weighted by how many hold them and how rare they are,
    /// each with its boost.
    fn feedback_words(
        &self,
        own: &HashSet<String>,
        best: &[DocAddress],
    ) -> Result<Vec<(f32, String)>, IndexError> {
        if best.len() < MIN_SHARED {
            return Ok(Vec::new());
        }
        let field = self.fields.lessons;
        let mut shared: HashMap<String, usize> = HashMap::new();
        for address in best {
            let doc: TantivyDocument = self.searcher.doc(*address)?;
            let text = doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
            // Each distinct word is checked once (a review's findings repeat theirs).
            let mut words: HashSet<String> = analyse(text).into_iter().collect();
            words.retain(|t| {
                t.chars().count() > 2
                    && t.chars().all(char::is_alphabetic)
                    && !is_function_word(t)
                    && !own.contains(t)
            });
            for word in words {
                *shared.entry(word).or_default() += 1;
            }
        }
        let documents = self.searcher.num_docs() as f32;
        let mut weighted: Vec<(f32, String)> = shared
            .into_iter()
            .filter(|(_, n)| *n >= MIN_SHARED)
            .map(|(word, n)| {
                let doc_freq = self
                    .searcher
                    .doc_freq(&Term::from_field_text(field, &word))
                    .unwrap_or(0) as f32;
                let idf = ((documents + 1.0) / (doc_freq + 1.0)).ln();
                (n as f32 * idf, word)
            })
            .filter(|(weight, _)| *weight > 0.0)
            .collect();
        weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        weighted.truncate(FEEDBACK_TERMS);
        let Some(top) = weighted.first().map(|(w, _)| *w) else {
            return Ok(Vec::new());
        };
        Ok(weighted
            .into_iter()
            .map(|(weight, word)| (FEEDBACK_WEIGHT * weight / top, word))
            .collect())
    }
}

impl SearchContext<'_> {
    /// Documents like the `matches` of a search that found fewer than a page (all of
    /// them, best first), to fill the rest of the first page: the public documents of
    /// the view that pass the request's filters and hold the words the best matches
    /// share and the query does not say (the feedback words of [`Self::rerank`], each at
    /// its weight), best first, at most `want`, none of the matches. Empty when fewer
    /// than [`MIN_SHARED`] matches give words. A quoted phrase, an acronym or a rare word
    /// that few documents say then also reaches the reviews that describe the same
    /// thing in other words, after every match.
    pub(crate) fn related<'q>(
        &self,
        request: &SearchRequest,
        queries: impl IntoIterator<Item = &'q str>,
        matches: &[DocAddress],
        want: usize,
    ) -> Result<Vec<(f32, DocAddress)>, IndexError> {
        let own: HashSet<String> = queries.into_iter().flat_map(analyse).collect();
        let best: Vec<DocAddress> = matches.iter().take(FEEDBACK_DOCS).copied().collect();
        let words = self.feedback_words(&own, &best)?;
        if words.is_empty() || want == 0 {
            return Ok(Vec::new());
        }
        let field = self.fields.lessons;
        let any: Vec<(Occur, Box<dyn Query>)> = words
            .into_iter()
            .map(|(boost, word)| {
                let term = TermQuery::new(
                    Term::from_field_text(field, &word),
                    IndexRecordOption::WithFreqs,
                );
                let query: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), boost));
                (Occur::Should, query)
            })
            .collect();
        let text = TextQuery {
            query: Some(Box::new(BooleanQuery::new(any))),
            highlight: Box::new(BooleanQuery::new(vec![])),
            proximity: Vec::new(),
            nothing_searchable: false,
        };
        let query = self.full_query(request, &text, None);
        let limit = TopDocs::with_limit(want + matches.len()).order_by_score();
        Ok(self
            .searcher
            .search(&query, &limit)?
            .into_iter()
            .filter(|(_, address)| !matches.contains(address))
            .take(want)
            .collect())
    }
}
