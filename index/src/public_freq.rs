//! Document frequencies as the public sees the index today. tantivy's own frequencies
//! count every indexed document, embargoed and deleted ones included; anything that
//! decides what the public gets from them (is a query word rare, which close spelling
//! corrects it, what "did you mean" offers) would then change with embargoed text: a
//! yes/no oracle on it. [`PublicFrequencies`] counts a term's documents that are alive
//! and out of any embargo on the searcher's day, the filter every search applies
//! (`SearchContext::embargoed_today`).
//!
//! Cost: a segment without deletes or embargoed documents answers from the term's
//! dictionary entry; any other segment walks the term's postings, stopping at the
//! caller's cap, and checks each document against its (few) embargoed documents.

use std::collections::HashMap;

use tantivy::postings::TermInfo;
use tantivy::query::{DfaWrapper, EnableScoring, Query};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, InvertedIndexReader, SegmentReader, Term, TERMINATED};

use crate::context::SearchContext;
use crate::error::IndexError;

/// Public document counts for one searcher snapshot on one day.
pub(crate) struct PublicFrequencies<'a> {
    segments: &'a [SegmentReader],
    /// Per segment, in the searcher's order: its live documents under embargo, sorted.
    embargoed: Vec<Vec<DocId>>,
    /// Documents the public may see, of every kind.
    public_docs: u64,
}

impl<'a> PublicFrequencies<'a> {
    pub(crate) fn new(context: &SearchContext<'a>) -> Result<Self, IndexError> {
        let searcher = context.searcher;
        let segments = searcher.segment_readers();
        let hidden = context.embargoed_today();
        let weight = hidden.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let mut embargoed = Vec::with_capacity(segments.len());
        let mut public_docs = 0u64;
        for segment in segments {
            let mut docs = Vec::new();
            let mut scorer = weight.scorer(segment, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    docs.push(doc);
                }
                doc = scorer.advance();
            }
            docs.sort_unstable();
            public_docs += u64::from(segment.num_docs()).saturating_sub(docs.len() as u64);
            embargoed.push(docs);
        }
        Ok(PublicFrequencies {
            segments,
            embargoed,
            public_docs,
        })
    }

    /// Documents the public may see (reviews and findings).
    pub(crate) fn public_docs(&self) -> u64 {
        self.public_docs
    }

    /// Public documents whose `field` holds `word`, counted up to `cap`.
    pub(crate) fn count(&self, field: Field, word: &str, cap: u64) -> Result<u64, IndexError> {
        let term = Term::from_field_text(field, word);
        let mut total = 0;
        for (ord, segment) in self.segments.iter().enumerate() {
            if total >= cap {
                break;
            }
            let inverted = segment.inverted_index(field)?;
            if let Some(info) = inverted.get_term_info(&term)? {
                total += self.segment_count(ord, &inverted, &info, cap - total)?;
            }
        }
        Ok(total.min(cap))
    }

    /// Every term of `field` that `automaton` accepts, other than `except`, with its
    /// public document count (up to `cap`); terms no public document holds are left out.
    pub(crate) fn accepted_terms(
        &self,
        field: Field,
        automaton: &DfaWrapper,
        except: &str,
        cap: u64,
    ) -> Result<HashMap<String, u64>, IndexError> {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for (ord, segment) in self.segments.iter().enumerate() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().search(automaton).into_stream()?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if term == except {
                    continue;
                }
                let so_far = counts.get(term).copied().unwrap_or(0);
                if so_far >= cap {
                    continue;
                }
                let n = self.segment_count(ord, &inverted, stream.value(), cap - so_far)?;
                if n > 0 {
                    *counts.entry(term.to_string()).or_default() += n;
                }
            }
        }
        Ok(counts)
    }

    /// Public documents of segment `ord` holding the term of `info`, up to `cap`.
    fn segment_count(
        &self,
        ord: usize,
        inverted: &InvertedIndexReader,
        info: &TermInfo,
        cap: u64,
    ) -> Result<u64, IndexError> {
        let segment = &self.segments[ord];
        let embargoed = &self.embargoed[ord];
        if !segment.has_deletes() && embargoed.is_empty() {
            return Ok(u64::from(info.doc_freq).min(cap));
        }
        let mut postings = inverted.read_postings_from_terminfo(info, IndexRecordOption::Basic)?;
        let mut n = 0;
        let mut doc = postings.doc();
        while doc != TERMINATED && n < cap {
            if !segment.is_deleted(doc) && embargoed.binary_search(&doc).is_err() {
                n += 1;
            }
            doc = postings.advance();
        }
        Ok(n)
    }
}
