//! Cross-tabulations against searches: the same total, row totals equal to facet
//! counts, cells equal to the totals of both filters, single-valued facets adding up,
//! "not recorded" only when a match lacks a value, and nothing non-public counted.

use super::*;
use crate::crosstab::{CrossTab, NOT_RECORDED};

/// Facets with exactly one value per document (or none) in `view`.
fn single_valued(view: &str) -> Vec<FacetName> {
    let mut facets = vec![
        FacetName::Year,
        FacetName::Region,
        FacetName::Incident,
        FacetName::ReviewType,
        FacetName::Timeliness,
        FacetName::Board,
    ];
    if view == "lessons" {
        // A finding has at most one agency (inter-agency ones: none, "not recorded").
        facets.extend([FacetName::Kind, FacetName::Level, FacetName::Agency]);
    }
    facets
}

fn cross(index: &SearchIndex, query: &str, rows: FacetName, cols: FacetName) -> CrossTab {
    index
        .cross_tab(&request(query), rows, cols, today())
        .unwrap()
}

fn facet_count(results: &SearchResults, facet: FacetName, value: &str) -> Option<u64> {
    results
        .facets
        .iter()
        .find(|(f, _)| *f == facet)
        .and_then(|(_, values)| values.iter().find(|v| v.value == value))
        .map(|v| v.count)
}

/// A corpus where one review has no dates (no year, unknown timeliness) and no region.
fn corpus_with_gaps() -> Vec<Review> {
    let mut reviews = corpus();
    let undated = &mut reviews[4];
    undated.published_on = None;
    undated.completed_on = None;
    undated.region = None;
    undated.fill_derived();
    reviews
}

#[test]
fn totals_and_row_totals_match_the_search() {
    let f = fixture_with(corpus_with_gaps());
    for view in ["reviews", "lessons"] {
        for base in [
            "",
            "q=neglect",
            "theme=neglect",
            "q=general+practitioner&incident=death",
        ] {
            let query = format!("{base}&view={view}");
            let searched = search(&f.index, &format!("{query}&per_page=1"));
            for rows in FacetName::ALL {
                for cols in [FacetName::Theme, FacetName::Year, FacetName::Agency] {
                    let table = cross(&f.index, &query, rows, cols);
                    assert_eq!(table.total, searched.total, "{query} {rows:?}");
                    let filtered = request(&query).filters.contains_key(&rows);
                    for row in table.rows.iter().filter(|r| r.value != NOT_RECORDED) {
                        if !filtered {
                            assert_eq!(
                                Some(row.count),
                                facet_count(&searched, rows, &row.value),
                                "{query} {rows:?}={}",
                                row.value
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn each_cell_is_the_total_of_both_filters() {
    let f = fixture();
    for view in ["reviews", "lessons"] {
        let base = format!("view={view}&q=neglect");
        for (rows, cols) in [
            (FacetName::Theme, FacetName::Agency),
            (FacetName::Year, FacetName::Incident),
            (FacetName::Level, FacetName::Board),
        ] {
            let table = cross(&f.index, &base, rows, cols);
            assert!(!table.cells.is_empty());
            // "Not recorded" is no filter value (inter-agency findings have no agency).
            let recorded = |c: &&CrossCell| c.row != NOT_RECORDED && c.col != NOT_RECORDED;
            for cell in table.cells.iter().filter(recorded) {
                let both = format!(
                    "{base}&{}={}&{}={}",
                    rows.key(),
                    cell.row,
                    cols.key(),
                    cell.col
                );
                assert_eq!(cell.count, search(&f.index, &both).total, "{both}");
            }
        }
    }
}

#[test]
fn single_valued_facets_add_up_to_the_total() {
    let f = fixture_with(corpus_with_gaps());
    for view in ["reviews", "lessons"] {
        let query = format!("view={view}");
        for rows in single_valued(view) {
            for cols in single_valued(view) {
                let table = cross(&f.index, &query, rows, cols);
                let cells: u64 = table.cells.iter().map(|c| c.count).sum();
                let row_totals: u64 = table.rows.iter().map(|r| r.count).sum();
                assert_eq!(cells, table.total, "{view} {rows:?} x {cols:?}");
                assert_eq!(row_totals, table.total, "{view} {rows:?}");
            }
        }
        // Multi-valued ones count a match once per value it carries.
        let themes = cross(&f.index, &query, FacetName::Theme, FacetName::Year);
        assert!(themes.cells.iter().map(|c| c.count).sum::<u64>() > themes.total);
    }
}

#[test]
fn not_recorded_appears_only_when_a_match_lacks_a_value() {
    let f = fixture_with(corpus_with_gaps());
    let table = cross(&f.index, "", FacetName::Year, FacetName::Region);
    let years: Vec<&str> = table.rows.iter().map(|r| r.value.as_str()).collect();
    assert_eq!(years, ["2008", "2009", "2010", "2011", NOT_RECORDED]);
    assert_eq!(table.rows[4].label, "Not recorded");
    assert_eq!(
        table.cols.last().map(|c| c.value.as_str()),
        Some(NOT_RECORDED)
    );
    assert!(table.cells.contains(&CrossCell {
        row: NOT_RECORDED.into(),
        col: NOT_RECORDED.into(),
        count: 1
    }));
    let dated = cross(
        &f.index,
        "year_from=2000",
        FacetName::Year,
        FacetName::Region,
    );
    assert!(dated.rows.iter().all(|r| r.value != NOT_RECORDED));
    assert!(dated.cols.iter().all(|c| c.value != NOT_RECORDED));
}

#[test]
fn values_are_ordered_for_reading() {
    let f = fixture();
    let table = cross(&f.index, "", FacetName::Theme, FacetName::Year);
    let counts: Vec<u64> = table.rows.iter().map(|r| r.count).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(table.rows[0].value, "neglect");
    assert_eq!(table.rows[0].label, "Neglect");
    let years: Vec<&str> = table.cols.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(years, ["2008", "2009", "2010", "2011", "2012"]);
    let position = |value: &str| table.rows.iter().position(|r| r.value == value);
    assert!(table
        .cells
        .windows(2)
        .all(|w| position(&w[0].row) <= position(&w[1].row)));
}

#[test]
fn hidden_reviews_are_never_counted() {
    let mut reviews = corpus();
    reviews[0].status = Status::Draft;
    reviews[1].status = Status::Withdrawn;
    reviews[2].embargo_until = Some("2099-01-01".into());
    let f = fixture_with(reviews);
    for view in ["reviews", "lessons"] {
        let query = format!("view={view}");
        let table = cross(&f.index, &query, FacetName::Board, FacetName::Year);
        assert_eq!(table.total, search(&f.index, &query).total);
        let boards: Vec<&str> = table.rows.iter().map(|r| r.value.as_str()).collect();
        assert_eq!(boards, ["wessex"], "{view}");
        let years: Vec<&str> = table.cols.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(years, ["2011", "2012"], "{view}");
        let themes = cross(&f.index, &query, FacetName::Theme, FacetName::Theme);
        assert!(themes.rows.iter().all(|r| r.value != "unseen_men"));
    }
}

#[test]
fn a_query_with_nothing_searchable_counts_nothing() {
    let f = fixture();
    let table = cross(&f.index, "q=***", FacetName::Theme, FacetName::Year);
    assert_eq!(
        (table.total, table.rows.len(), table.cells.len()),
        (0, 0, 0)
    );
}

#[test]
fn counts_from_several_segments_are_merged_by_value() {
    let one = fixture();
    let dir = tempfile::tempdir().unwrap();
    let several = SearchIndex::open(dir.path()).unwrap();
    for (seq, review) in corpus().into_iter().enumerate() {
        several
            .apply(&[IndexUpdate::Put(Box::new(review))], seq as u64 + 1)
            .unwrap();
    }
    assert!(several.reader.searcher().segment_readers().len() > 1);
    for view in ["reviews", "lessons"] {
        let query = format!("view={view}");
        for (rows, cols) in [
            (FacetName::Theme, FacetName::Agency),
            (FacetName::Board, FacetName::Year),
        ] {
            assert_eq!(
                cross(&several, &query, rows, cols),
                cross(&one.index, &query, rows, cols)
            );
        }
    }
}
