//! Facet counting over a match set, in place of tantivy's `FacetCollector`, whose
//! harvest looks every counted ordinal up in the compressed facet dictionary (one block
//! decompression per value per segment: most of a search's time at 10,000 reviews).
//! Here a segment's ordinal → `(facet, value)` table is read once, by one pass over its
//! dictionary, and cached for as long as the segment lives (segments never change).
//! So is each document's list of distinct ordinals, as plain arrays: reading them through
//! tantivy's multi-valued column for every match cost more than the counting itself.
//!
//! `progress=overdue` is no stored facet value: a document counts under it when its
//! `open_due` fast field (the earliest due date of its open actions) is before the day
//! of the search, read per match beside its ordinals.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::facets::{FacetName, OVERDUE};
use crate::schema::OPEN_DUE_FIELD;

/// What one facet ordinal of a segment stands for (`None`: a path that is no facet value).
pub(crate) type OrdinalTable = Arc<Vec<Option<(FacetName, String)>>>;

/// One segment's facets: what each ordinal stands for, and each document's distinct
/// ordinals (those of document `d` are `ords[starts[d]..starts[d + 1]]`).
pub(crate) struct SegmentFacets {
    pub table: OrdinalTable,
    starts: Vec<u32>,
    ords: Vec<u32>,
}

impl SegmentFacets {
    fn read(segment: &SegmentReader, field: &str) -> tantivy::Result<SegmentFacets> {
        let reader = segment.facet_reader(field)?;
        let mut table = Vec::with_capacity(reader.num_facets());
        let mut terms = reader.facet_dict().stream()?;
        while terms.advance() {
            table.push(facet_value(terms.key()));
        }
        let mut starts = Vec::with_capacity(segment.max_doc() as usize + 1);
        let mut ords = Vec::new();
        for doc in 0..segment.max_doc() {
            starts.push(ords.len() as u32);
            let first = ords.len();
            // A document's ordinals come sorted, repeats included: keep each once.
            for ord in reader.facet_ords(doc) {
                if ords.len() == first || ords.last() != Some(&(ord as u32)) {
                    ords.push(ord as u32);
                }
            }
        }
        starts.push(ords.len() as u32);
        Ok(SegmentFacets {
            table: Arc::new(table),
            starts,
            ords,
        })
    }

    /// The distinct ordinals of `doc`.
    fn of(&self, doc: DocId) -> &[u32] {
        let at = doc as usize;
        match (self.starts.get(at), self.starts.get(at + 1)) {
            (Some(&start), Some(&end)) => {
                self.ords.get(start as usize..end as usize).unwrap_or(&[])
            }
            _ => &[],
        }
    }
}

/// Per-segment facets, shared by every search of one index.
#[derive(Default)]
pub(crate) struct FacetTables {
    by_segment: Mutex<HashMap<tantivy::index::SegmentId, Arc<SegmentFacets>>>,
}

impl FacetTables {
    pub(crate) fn table(
        &self,
        segment: &SegmentReader,
        field: &str,
    ) -> tantivy::Result<OrdinalTable> {
        Ok(self.segment(segment, field)?.table.clone())
    }

    /// Reads the facets of every segment of `searcher` not read yet, so that no search
    /// pays for it, and forgets the segments it no longer has (merged away or deleted):
    /// the cache holds the live segments only, so its memory follows the index's size
    /// however many commits and merges there are. (A search still running on an older
    /// snapshot reads a forgotten segment again, once.)
    pub(crate) fn warm(&self, searcher: &tantivy::Searcher, field: &str) -> tantivy::Result<()> {
        let live: std::collections::HashSet<tantivy::index::SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        self.lock().retain(|id, _| live.contains(id));
        for segment in searcher.segment_readers() {
            self.segment(segment, field)?;
        }
        Ok(())
    }

    /// The segment's facets, read on first use.
    pub(crate) fn segment(
        &self,
        segment: &SegmentReader,
        field: &str,
    ) -> tantivy::Result<Arc<SegmentFacets>> {
        let id = segment.segment_id();
        if let Some(facets) = self.lock().get(&id) {
            return Ok(facets.clone());
        }
        let facets = Arc::new(SegmentFacets::read(segment, field)?);
        let mut cache = self.lock();
        if cache.len() > MAX_CACHED_SEGMENTS {
            cache.clear();
        }
        cache.insert(id, facets.clone());
        Ok(facets)
    }

    /// How many segments' facets are cached.
    #[cfg(test)]
    pub(crate) fn cached_segments(&self) -> usize {
        self.lock().len()
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<tantivy::index::SegmentId, Arc<SegmentFacets>>> {
        // A poisoned cache holds nothing wrong: tables are inserted whole.
        self.by_segment
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Beyond this many cached segments (merges retire old ones) the cache starts afresh.
const MAX_CACHED_SEGMENTS: usize = 256;

fn facet_value(encoded: &[u8]) -> Option<(FacetName, String)> {
    let facet = Facet::from_encoded(encoded.to_vec()).ok()?;
    match facet.to_path().as_slice() {
        [key, value] => Some((FacetName::from_key(key)?, value.to_string())),
        _ => None,
    }
}

/// Counts every facet value over the documents a query matches.
pub(crate) struct FacetCounter<'a> {
    pub field: &'static str,
    pub tables: &'a FacetTables,
    /// Days since the epoch of the search's day: documents with an open action due
    /// before it count as `progress=overdue`.
    pub today: i64,
}

/// A segment's `open_due` column, when some document of the segment has a value (so a
/// segment without open actions costs nothing per match).
pub(crate) fn open_due_column(segment: &SegmentReader) -> Option<Column<i64>> {
    segment
        .fast_fields()
        .i64(OPEN_DUE_FIELD)
        .ok()
        .filter(|column| column.values.num_vals() > 0)
}

/// Whether `doc` has an open action due before `today` (days since the epoch).
pub(crate) fn is_overdue(column: Option<&Column<i64>>, doc: DocId, today: i64) -> bool {
    column
        .and_then(|column| column.first(doc))
        .is_some_and(|due| due < today)
}

/// Counts per facet, per value.
pub(crate) type Tally = HashMap<FacetName, HashMap<String, u64>>;

pub(crate) struct SegmentFacetCounter {
    facets: Arc<SegmentFacets>,
    counts: Vec<u64>,
    open_due: Option<Column<i64>>,
    today: i64,
    overdue: u64,
}

impl Collector for FacetCounter<'_> {
    type Fruit = Tally;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let facets = self.tables.segment(segment, self.field)?;
        Ok(SegmentFacetCounter {
            counts: vec![0; facets.table.len()],
            facets,
            open_due: open_due_column(segment),
            today: self.today,
            overdue: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    /// Adds up the segments' counts by value (a value's name is copied once, not once
    /// per segment).
    fn merge_fruits(&self, fruits: Vec<SegmentFacetCounter>) -> tantivy::Result<Tally> {
        let mut total = Tally::new();
        let overdue: u64 = fruits.iter().map(|fruit| fruit.overdue).sum();
        if overdue > 0 {
            total
                .entry(FacetName::Progress)
                .or_default()
                .insert(OVERDUE.to_string(), overdue);
        }
        for fruit in fruits {
            for (ord, &count) in fruit.counts.iter().enumerate() {
                let Some(Some((facet, value))) = fruit.facets.table.get(ord) else {
                    continue;
                };
                if count == 0 {
                    continue;
                }
                let values = total.entry(*facet).or_default();
                match values.get_mut(value.as_str()) {
                    Some(sum) => *sum += count,
                    None => {
                        values.insert(value.clone(), count);
                    }
                }
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    /// The counts by ordinal, named in [`Collector::merge_fruits`].
    type Fruit = SegmentFacetCounter;

    /// Counts each of the document's values once, and whether it is overdue.
    fn collect(&mut self, doc: DocId, _: Score) {
        for &ord in self.facets.of(doc) {
            if let Some(count) = self.counts.get_mut(ord as usize) {
                *count += 1;
            }
        }
        if is_overdue(self.open_due.as_ref(), doc, self.today) {
            self.overdue += 1;
        }
    }

    fn harvest(self) -> SegmentFacetCounter {
        self
    }
}
