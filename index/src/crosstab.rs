//! Cross-tabulations: how many matches of a search carry each pair of values of two
//! facets ([`CrossTab`]), for `/api/v1/stats` and the insights page.
//!
//! The match set is exactly the search's (the same query, filters, view and public
//! filter), so nothing the public cannot see is ever counted, and the total equals the
//! search's total. Counting is one pass over the matches with the per-segment ordinal
//! tables of `facet_count`: each document adds one to every (row value, column value)
//! pair it carries. A document without any value of a facet counts under
//! [`NOT_RECORDED`] for that facet, so that for single-valued facets (year, region,
//! incident, ...) the cells add up to the total; multi-valued ones (theme, agency,
//! abuse, ...) add up to more. `progress` counts `overdue` beside a recommendation's
//! state (from the `open_due` fast field and the day of the search), so it adds up to
//! more too.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::context::SearchContext;
use crate::error::IndexError;
use crate::facet_count::{is_overdue, open_due_column, FacetTables, OrdinalTable};
use crate::facets::{FacetName, OVERDUE};
use crate::params::SearchRequest;
use crate::schema::FACETS_FIELD;
use crate::search::FacetCount;

/// The value under which documents without any value of a facet are counted.
pub const NOT_RECORDED: &str = "not_recorded";
/// The label of [`NOT_RECORDED`].
pub const NOT_RECORDED_LABEL: &str = "Not recorded";

/// The number of matches carrying one row value and one column value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrossCell {
    pub row: String,
    pub col: String,
    pub count: u64,
}

/// A cross-tabulation of the matches of a search by two facets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossTab {
    pub row_facet: FacetName,
    pub col_facet: FacetName,
    /// Every value of the rows facet that a match carries, in display order (years
    /// ascending, other facets most frequent first, ties by value; [`NOT_RECORDED`]
    /// last, present only when some match lacks a value). `count` is the row total:
    /// the matches carrying the value.
    pub rows: Vec<FacetCount>,
    /// The same for the columns facet; `count` is the column total.
    pub cols: Vec<FacetCount>,
    /// The non-zero cells, in row order then column order.
    pub cells: Vec<CrossCell>,
    /// The number of matches (the search's total).
    pub total: u64,
}

/// Cross-tabulates the matches of `request` by `rows` and `cols`.
pub(crate) fn cross_tab(
    context: &SearchContext,
    request: &SearchRequest,
    rows: FacetName,
    cols: FacetName,
) -> Result<CrossTab, IndexError> {
    let (text, _) = context.text_query(request)?;
    let counts = if text.nothing_searchable {
        Counts::default()
    } else {
        let query = context.full_query(request, &text, None);
        let counter = CrossCounter {
            field: FACETS_FIELD,
            tables: context.facet_tables,
            rows,
            cols,
            today: context.today_days(),
        };
        context.searcher.search(&query, &counter)?
    };
    Ok(assemble(context, rows, cols, counts))
}

/// Puts merged counts in display order with labels.
fn assemble(context: &SearchContext, rows: FacetName, cols: FacetName, counts: Counts) -> CrossTab {
    let row_values = ordered(context, rows, counts.rows);
    let col_values = ordered(context, cols, counts.cols);
    let position = |values: &[FacetCount]| -> HashMap<String, usize> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (v.value.clone(), i))
            .collect()
    };
    let (row_at, col_at) = (position(&row_values), position(&col_values));
    let mut cells: Vec<CrossCell> = counts
        .cells
        .into_iter()
        .map(|((row, col), count)| CrossCell { row, col, count })
        .collect();
    cells.sort_by_key(|c| (row_at.get(&c.row), col_at.get(&c.col)));
    CrossTab {
        row_facet: rows,
        col_facet: cols,
        rows: row_values,
        cols: col_values,
        cells,
        total: counts.total,
    }
}

/// The values of `facet` with their totals, in display order.
fn ordered(
    context: &SearchContext,
    facet: FacetName,
    totals: HashMap<String, u64>,
) -> Vec<FacetCount> {
    let mut values: Vec<FacetCount> = totals
        .into_iter()
        .map(|(value, count)| FacetCount {
            label: if value == NOT_RECORDED {
                NOT_RECORDED_LABEL.to_string()
            } else {
                context.label(facet, &value)
            },
            value,
            count,
        })
        .collect();
    values.sort_by(|a, b| {
        let last = |v: &FacetCount| v.value == NOT_RECORDED;
        last(a).cmp(&last(b)).then_with(|| match facet {
            FacetName::Year => year_of(a).cmp(&year_of(b)),
            _ => b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)),
        })
    });
    values
}

fn year_of(value: &FacetCount) -> i64 {
    value.value.parse().unwrap_or(i64::MAX)
}

/// Merged counts: matches, per row value, per column value, per pair.
#[derive(Debug, Default)]
struct Counts {
    total: u64,
    rows: HashMap<String, u64>,
    cols: HashMap<String, u64>,
    cells: HashMap<(String, String), u64>,
}

/// Counts the (row value, column value) pairs of every match.
struct CrossCounter<'a> {
    field: &'static str,
    tables: &'a FacetTables,
    rows: FacetName,
    cols: FacetName,
    /// Days since the epoch of the search's day (for `progress=overdue`).
    today: i64,
}

impl Collector for CrossCounter<'_> {
    type Fruit = Counts;
    type Child = SegmentCrossCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let table = self.tables.table(segment, self.field)?;
        let rows = Axis::new(&table, self.rows);
        let cols = Axis::new(&table, self.cols);
        let wants_overdue = rows.overdue.is_some() || cols.overdue.is_some();
        Ok(SegmentCrossCounter {
            reader: segment.facet_reader(self.field)?,
            open_due: wants_overdue.then(|| open_due_column(segment)).flatten(),
            today: self.today,
            grid: vec![0; rows.width() * cols.width()],
            row_counts: vec![0; rows.width()],
            col_counts: vec![0; cols.width()],
            rows,
            cols,
            total: 0,
            row_buf: Vec::new(),
            col_buf: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut merged = Counts::default();
        for fruit in fruits {
            merged.total += fruit.total;
            add_all(&mut merged.rows, fruit.rows);
            add_all(&mut merged.cols, fruit.cols);
            add_all(&mut merged.cells, fruit.cells);
        }
        Ok(merged)
    }
}

fn add_all<K: std::hash::Hash + Eq>(into: &mut HashMap<K, u64>, from: HashMap<K, u64>) {
    for (key, count) in from {
        *into.entry(key).or_default() += count;
    }
}

/// One facet's values in one segment: segment ordinal → local index, with one more
/// index (the last) for [`NOT_RECORDED`]; for `progress`, one for [`OVERDUE`] too.
struct Axis {
    index_of_ord: Vec<Option<usize>>,
    values: Vec<String>,
    overdue: Option<usize>,
}

impl Axis {
    fn new(table: &OrdinalTable, facet: FacetName) -> Axis {
        let mut values = Vec::new();
        let index_of_ord = table
            .iter()
            .map(|entry| match entry {
                Some((name, value)) if *name == facet => {
                    values.push(value.clone());
                    Some(values.len() - 1)
                }
                _ => None,
            })
            .collect();
        let overdue = (facet == FacetName::Progress).then(|| {
            values.push(OVERDUE.to_string());
            values.len() - 1
        });
        Axis {
            index_of_ord,
            values,
            overdue,
        }
    }

    fn index(&self, ord: u64) -> Option<usize> {
        self.index_of_ord.get(ord as usize).copied().flatten()
    }

    fn missing(&self) -> usize {
        self.values.len()
    }

    fn width(&self) -> usize {
        self.values.len() + 1
    }

    fn value(&self, index: usize) -> String {
        self.values
            .get(index)
            .cloned()
            .unwrap_or_else(|| NOT_RECORDED.to_string())
    }

    /// Non-zero counts by value.
    fn named(&self, counts: &[u64]) -> HashMap<String, u64> {
        counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(i, count)| (self.value(i), *count))
            .collect()
    }
}

struct SegmentCrossCounter {
    reader: FacetReader,
    /// The `open_due` column, read only when an axis is `progress`.
    open_due: Option<Column<i64>>,
    today: i64,
    rows: Axis,
    cols: Axis,
    /// Row-major counts of (row index, column index), `cols.width()` per row.
    grid: Vec<u64>,
    row_counts: Vec<u64>,
    col_counts: Vec<u64>,
    total: u64,
    /// The current document's row and column indexes (kept to avoid an allocation
    /// per document).
    row_buf: Vec<usize>,
    col_buf: Vec<usize>,
}

impl SegmentCollector for SegmentCrossCounter {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.row_buf.clear();
        self.col_buf.clear();
        let mut previous = None;
        // Ordinals come sorted, repeats included: each value is counted once.
        for ord in self.reader.facet_ords(doc) {
            if previous == Some(ord) {
                continue;
            }
            previous = Some(ord);
            self.row_buf.extend(self.rows.index(ord));
            self.col_buf.extend(self.cols.index(ord));
        }
        if is_overdue(self.open_due.as_ref(), doc, self.today) {
            self.row_buf.extend(self.rows.overdue);
            self.col_buf.extend(self.cols.overdue);
        }
        if self.row_buf.is_empty() {
            self.row_buf.push(self.rows.missing());
        }
        if self.col_buf.is_empty() {
            self.col_buf.push(self.cols.missing());
        }
        self.total += 1;
        let width = self.cols.width();
        for &row in &self.row_buf {
            bump(&mut self.row_counts, row);
            for &col in &self.col_buf {
                bump(&mut self.grid, row * width + col);
            }
        }
        for &col in &self.col_buf {
            bump(&mut self.col_counts, col);
        }
    }

    fn harvest(self) -> Counts {
        let width = self.cols.width();
        let cells = self
            .grid
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(i, count)| {
                let pair = (self.rows.value(i / width), self.cols.value(i % width));
                (pair, *count)
            })
            .collect();
        Counts {
            total: self.total,
            rows: self.rows.named(&self.row_counts),
            cols: self.cols.named(&self.col_counts),
            cells,
        }
    }
}

fn bump(counts: &mut [u64], at: usize) {
    if let Some(count) = counts.get_mut(at) {
        *count += 1;
    }
}
