//! Facet counting over a match set, in place of tantivy's `FacetCollector`, whose
//! harvest looks every counted ordinal up in the compressed facet dictionary (one block
//! decompression per value per segment: most of a search's time at 10,000 reviews).
//! Here a segment's ordinal → `(facet, value)` table is read once, by one pass over its
//! dictionary, and cached for as long as the segment lives (segments never change).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::facets::FacetName;

/// What one facet ordinal of a segment stands for (`None`: a path that is no facet value).
pub(crate) type OrdinalTable = Arc<Vec<Option<(FacetName, String)>>>;

/// Ordinal tables by segment, shared by every search of one index.
#[derive(Default)]
pub(crate) struct FacetTables {
    by_segment: Mutex<HashMap<tantivy::index::SegmentId, OrdinalTable>>,
}

impl FacetTables {
    pub(crate) fn table(
        &self,
        segment: &SegmentReader,
        field: &str,
    ) -> tantivy::Result<OrdinalTable> {
        let id = segment.segment_id();
        if let Some(table) = self.lock().get(&id) {
            return Ok(table.clone());
        }
        let reader = segment.facet_reader(field)?;
        let mut table = Vec::with_capacity(reader.num_facets());
        let mut terms = reader.facet_dict().stream()?;
        while terms.advance() {
            table.push(facet_value(terms.key()));
        }
        let table = Arc::new(table);
        let mut tables = self.lock();
        if tables.len() > MAX_CACHED_SEGMENTS {
            tables.clear();
        }
        tables.insert(id, table.clone());
        Ok(table)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<tantivy::index::SegmentId, OrdinalTable>> {
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
}

/// Counts per facet value.
pub(crate) type Tally = HashMap<(FacetName, String), u64>;

pub(crate) struct SegmentFacetCounter {
    reader: tantivy::fastfield::FacetReader,
    table: OrdinalTable,
    counts: Vec<u64>,
}

impl Collector for FacetCounter<'_> {
    type Fruit = Tally;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let table = self.tables.table(segment, self.field)?;
        Ok(SegmentFacetCounter {
            reader: segment.facet_reader(self.field)?,
            counts: vec![0; table.len()],
            table,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut total = Tally::new();
        for fruit in fruits {
            for (key, count) in fruit {
                *total.entry(key).or_default() += count;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = Tally;

    /// Counts each of the document's values once (its ordinals come sorted, repeats
    /// included).
    fn collect(&mut self, doc: DocId, _: Score) {
        let mut previous = None;
        for ord in self.reader.facet_ords(doc) {
            if previous == Some(ord) {
                continue;
            }
            previous = Some(ord);
            if let Some(count) = self.counts.get_mut(ord as usize) {
                *count += 1;
            }
        }
    }

    fn harvest(self) -> Tally {
        let mut tally = Tally::new();
        for (ord, count) in self.counts.into_iter().enumerate() {
            if count == 0 {
                continue;
            }
            if let Some(Some(key)) = self.table.get(ord) {
                *tally.entry(key.clone()).or_default() += count;
            }
        }
        tally
    }
}
