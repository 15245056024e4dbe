//! What the index holds, read from its term dictionaries (no stored document is loaded):
//! every live review document's id and every live finding document's id, each with how
//! many times it is indexed. `lessons check` compares this with the store.

use std::collections::BTreeMap;

use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, SegmentReader, Term, TERMINATED};

use crate::error::IndexError;
use crate::schema::Fields;

/// The ids the index holds, each with the number of live documents carrying it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// Review id -> live review documents.
    pub reviews: BTreeMap<String, u32>,
    /// Finding id (`<review id>#L<n>`) -> live finding documents.
    pub findings: BTreeMap<String, u32>,
}

/// Every review and finding that `searcher`'s snapshot holds, whatever their visibility
/// date (see [`SearchIndex::inventory`](crate::SearchIndex::inventory)).
pub(crate) fn read(searcher: &Searcher, fields: &Fields) -> Result<Inventory, IndexError> {
    let mut inventory = Inventory::default();
    for segment in searcher.segment_readers() {
        let review_docs = live_docs_with(segment, fields.doc_kind, "review")?;
        count_terms(segment, fields.review_id, &mut inventory.reviews, |doc| {
            review_docs.binary_search(&doc).is_ok()
        })?;
        count_terms(segment, fields.lesson_id, &mut inventory.findings, |_| true)?;
    }
    Ok(inventory)
}

/// The live documents of `segment` whose `field` holds `value`, in order.
fn live_docs_with(
    segment: &SegmentReader,
    field: Field,
    value: &str,
) -> Result<Vec<u32>, IndexError> {
    let inverted = segment.inverted_index(field)?;
    let term = Term::from_field_text(field, value);
    let mut docs = Vec::new();
    if let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)? {
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if !segment.is_deleted(doc) {
                docs.push(doc);
            }
            doc = postings.advance();
        }
    }
    Ok(docs)
}

/// Adds to `counts`, for every term of `field` in `segment`, the live documents holding
/// it that `keep` accepts.
fn count_terms(
    segment: &SegmentReader,
    field: Field,
    counts: &mut BTreeMap<String, u32>,
    keep: impl Fn(u32) -> bool,
) -> Result<(), IndexError> {
    let inverted = segment.inverted_index(field)?;
    let mut terms = inverted.terms().stream()?;
    while terms.advance() {
        let mut postings =
            inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
        let mut live = 0;
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if !segment.is_deleted(doc) && keep(doc) {
                live += 1;
            }
            doc = postings.advance();
        }
        if live > 0 {
            let id = String::from_utf8_lossy(terms.key()).into_owned();
            *counts.entry(id).or_default() += live;
        }
    }
    Ok(())
}
