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
/// ordinals, as plain arrays. Consecutive documents that share most of their values
/// (a review's findings: its region, board, themes and agencies) share them as one
/// *group*, counted once per matching document and expanded at harvest: a finding carries
/// some 25 values, of which only its own few (theme, agency, level) are counted one by
/// one. Which documents group is read from the values alone, for any facet.
pub(crate) struct SegmentFacets {
    pub table: OrdinalTable,
    /// Each ordinal's value as a number shared by every segment ([`Values`]; [`NO_VALUE`]
    /// for a path that is no facet value), so that segments' counts add up by index.
    shared_ids: Vec<u32>,
    /// The ordinals of document `d` outside its group: `own[own_starts[d]..own_starts[d + 1]]`.
    own_starts: Vec<u32>,
    own: Vec<u32>,
    /// Each document's group, or [`NO_GROUP`].
    group_of: Vec<u32>,
    /// The ordinals of group `g`: `group_ords[group_starts[g]..group_starts[g + 1]]`.
    group_starts: Vec<u32>,
    group_ords: Vec<u32>,
}

/// A document that shares its values with no neighbour.
const NO_GROUP: u32 = u32::MAX;
/// Fewest shared values worth a group.
const MIN_GROUP_VALUES: usize = 2;

impl SegmentFacets {
    fn read(
        segment: &SegmentReader,
        field: &str,
        values: &Values,
    ) -> tantivy::Result<SegmentFacets> {
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
        let mut facets = SegmentFacets::group(&starts, &ords);
        facets.shared_ids = values.ids(&table);
        facets.table = Arc::new(table);
        Ok(facets)
    }

    /// Splits each document's sorted distinct ordinals (those of `d` are
    /// `ords[starts[d]..starts[d + 1]]`) into a group shared with its neighbours and
    /// its own. A run of consecutive documents forms a group while the values they all
    /// share stay at least half of what its first two shared. Any split counts the same:
    /// a group's values plus a document's own are exactly the document's values.
    fn group(starts: &[u32], ords: &[u32]) -> SegmentFacets {
        let docs = starts.len().saturating_sub(1);
        let of = |d: usize| &ords[starts[d] as usize..starts[d + 1] as usize];
        let mut facets = SegmentFacets {
            table: Arc::new(Vec::new()),
            shared_ids: Vec::new(),
            own_starts: Vec::with_capacity(docs + 1),
            own: Vec::new(),
            group_of: Vec::with_capacity(docs),
            group_starts: vec![0],
            group_ords: Vec::new(),
        };
        let shared_with_next = |d: usize| {
            if d + 1 < docs {
                intersect(of(d), of(d + 1)).len()
            } else {
                0
            }
        };
        let mut d = 0;
        while d < docs {
            // A document that shares less with the next than the next does with its
            // own next (a review before its findings) starts no group.
            let alone = shared_with_next(d) < shared_with_next(d + 1);
            let mut shared: Vec<u32> = of(d).to_vec();
            let mut end = d + 1;
            let mut floor = 0;
            while end < docs && !alone {
                let next = intersect(&shared, of(end));
                if next.len() < MIN_GROUP_VALUES || next.len() < floor {
                    break;
                }
                if end == d + 1 {
                    floor = next.len().div_ceil(2);
                }
                shared = next;
                end += 1;
            }
            let group = if end - d >= 2 {
                facets.group_ords.extend_from_slice(&shared);
                facets.group_starts.push(facets.group_ords.len() as u32);
                (facets.group_starts.len() - 2) as u32
            } else {
                shared.clear();
                NO_GROUP
            };
            for doc in d..end {
                facets.own_starts.push(facets.own.len() as u32);
                facets.group_of.push(group);
                let own = of(doc).iter().filter(|o| shared.binary_search(o).is_err());
                facets.own.extend(own);
            }
            d = end;
        }
        facets.own_starts.push(facets.own.len() as u32);
        facets
    }

    /// The ordinals of `doc` outside its group.
    fn own_of(&self, doc: DocId) -> &[u32] {
        let at = doc as usize;
        match (self.own_starts.get(at), self.own_starts.get(at + 1)) {
            (Some(&start), Some(&end)) => self.own.get(start as usize..end as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The ordinals of group `group`.
    fn group_ords(&self, group: usize) -> &[u32] {
        match (
            self.group_starts.get(group),
            self.group_starts.get(group + 1),
        ) {
            (Some(&start), Some(&end)) => self
                .group_ords
                .get(start as usize..end as usize)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    fn groups(&self) -> usize {
        self.group_starts.len() - 1
    }
}

/// The values in both sorted lists.
fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Per-segment facets, shared by every search of one index.
#[derive(Default)]
pub(crate) struct FacetTables {
    by_segment: Mutex<HashMap<tantivy::index::SegmentId, Arc<SegmentFacets>>>,
    values: Values,
}

/// A path that is no facet value.
const NO_VALUE: u32 = u32::MAX;

/// A number for every facet value any segment has held, the same in every segment.
#[derive(Default)]
struct Values {
    ids: Mutex<HashMap<(FacetName, String), u32>>,
}

impl Values {
    /// The shared number of each ordinal of `table`, numbering new values.
    fn ids(&self, table: &[Option<(FacetName, String)>]) -> Vec<u32> {
        // A poisoned map holds nothing wrong: numbers are inserted whole.
        let mut ids = self
            .ids
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        table
            .iter()
            .map(|value| match value {
                Some(value) => {
                    let next = ids.len() as u32;
                    *ids.entry(value.clone()).or_insert(next)
                }
                None => NO_VALUE,
            })
            .collect()
    }
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
        let facets = Arc::new(SegmentFacets::read(segment, field, &self.values)?);
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
    /// Matching documents per group, added to the group's values at harvest.
    group_hits: Vec<u64>,
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
            group_hits: vec![0; facets.groups()],
            facets,
            open_due: open_due_column(segment),
            today: self.today,
            overdue: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    /// Adds up the segments' counts by the values' shared numbers, then names each
    /// value counted once (not once per segment).
    fn merge_fruits(&self, fruits: Vec<SegmentFacetCounter>) -> tantivy::Result<Tally> {
        let mut sums: Vec<(u64, Option<&(FacetName, String)>)> = Vec::new();
        for fruit in &fruits {
            for (ord, &count) in fruit.counts.iter().enumerate() {
                if count == 0 {
                    continue;
                }
                let (Some(&id), Some(Some(value))) = (
                    fruit.facets.shared_ids.get(ord),
                    fruit.facets.table.get(ord),
                ) else {
                    continue;
                };
                let id = id as usize;
                if id >= sums.len() {
                    sums.resize(id + 1, (0, None));
                }
                sums[id].0 += count;
                sums[id].1 = Some(value);
            }
        }
        let mut total = Tally::new();
        for (count, value) in sums {
            if let (true, Some((facet, value))) = (count > 0, value) {
                total
                    .entry(*facet)
                    .or_default()
                    .insert(value.clone(), count);
            }
        }
        let overdue: u64 = fruits.iter().map(|fruit| fruit.overdue).sum();
        if overdue > 0 {
            total
                .entry(FacetName::Progress)
                .or_default()
                .insert(OVERDUE.to_string(), overdue);
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    /// The counts by ordinal, named in [`Collector::merge_fruits`].
    type Fruit = SegmentFacetCounter;

    /// Counts each of the document's values once (its group's at harvest), and whether
    /// it is overdue.
    fn collect(&mut self, doc: DocId, _: Score) {
        let facets = &self.facets;
        if let Some(&group) = facets.group_of.get(doc as usize) {
            if let Some(hits) = self.group_hits.get_mut(group as usize) {
                *hits += 1;
            }
        }
        for &ord in facets.own_of(doc) {
            if let Some(count) = self.counts.get_mut(ord as usize) {
                *count += 1;
            }
        }
        if is_overdue(self.open_due.as_ref(), doc, self.today) {
            self.overdue += 1;
        }
    }

    fn harvest(mut self) -> SegmentFacetCounter {
        for (group, &hits) in self.group_hits.iter().enumerate() {
            if hits == 0 {
                continue;
            }
            for &ord in self.facets.group_ords(group) {
                if let Some(count) = self.counts.get_mut(ord as usize) {
                    *count += hits;
                }
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Documents as (sorted, distinct) ordinal lists, in the arrays `group` reads.
    fn arrays(docs: &[Vec<u32>]) -> (Vec<u32>, Vec<u32>) {
        let mut starts = vec![0];
        let mut ords = Vec::new();
        for doc in docs {
            ords.extend_from_slice(doc);
            starts.push(ords.len() as u32);
        }
        (starts, ords)
    }

    #[test]
    fn groups_split_each_document_exactly_and_share_a_reviews_values() {
        // A review (its own kinds of values), then its findings sharing the review's
        // values 10..=15 with a few of their own; then a second review and its findings.
        let mut docs: Vec<Vec<u32>> = Vec::new();
        for review in 0..2u32 {
            let base = review * 100;
            docs.push(vec![base, base + 1, base + 10, base + 11, base + 50]);
            for finding in 0..5u32 {
                let mut values = vec![
                    base + 10,
                    base + 11,
                    base + 12,
                    base + 13,
                    base + 14,
                    base + 15,
                ];
                values.push(base + 20 + finding % 3);
                values.push(base + 30 + finding);
                values.sort_unstable();
                docs.push(values);
            }
        }
        docs.push(vec![]);
        docs.push(vec![7]);
        let (starts, ords) = arrays(&docs);
        let facets = SegmentFacets::group(&starts, &ords);
        for (d, expected) in docs.iter().enumerate() {
            let mut values = facets.own_of(d as DocId).to_vec();
            let group = facets.group_of[d];
            if group != NO_GROUP {
                let shared = facets.group_ords(group as usize);
                assert!(values.iter().all(|v| !shared.contains(v)), "document {d}");
                values.extend_from_slice(shared);
            }
            values.sort_unstable();
            assert_eq!(&values, expected, "document {d}");
        }
        // The reviews start no group; each one's findings share its six values.
        assert_eq!(facets.group_of[0], NO_GROUP);
        assert_eq!(facets.group_of[6], NO_GROUP);
        assert_eq!(facets.groups(), 2);
        assert_eq!(facets.group_ords(0), [10, 11, 12, 13, 14, 15]);
        assert_eq!(facets.group_ords(1), [110, 111, 112, 113, 114, 115]);
        assert_eq!(facets.own_of(1), [20, 30]);
    }
}
