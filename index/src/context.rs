//! [`SearchContext`]: one searcher snapshot as the public sees the index on one day,
//! and what every reader of it (search, export, cross-tabulation, "did you mean") builds
//! the same way: the public filter, the full query with every filter, facet labels.

use std::collections::HashMap;
use std::ops::Bound;

use lessons_model::dates::days_since_epoch;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, InvertedIndexRangeQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};
use time::Date;

use crate::error::IndexError;
use crate::facet_count::FacetTables;
use crate::facets::{FacetName, OVERDUE};
use crate::params::{SearchRequest, View};
use crate::query::{build_text_query, TextQuery};
use crate::schema::Fields;
use crate::spelling::Spellings;

/// Everything needed to run one search against one searcher snapshot.
pub(crate) struct SearchContext<'a> {
    pub searcher: &'a Searcher,
    pub facet_tables: &'a FacetTables,
    pub fields: &'a Fields,
    pub board_names: &'a HashMap<String, String>,
    pub today: Date,
}

impl SearchContext<'_> {
    /// The text query of `request`, with its misspelt words judged on what the public
    /// may see today (so search, export and cross-tabulation match the same documents).
    pub(crate) fn text_query(
        &self,
        request: &SearchRequest,
    ) -> Result<(TextQuery, Spellings), IndexError> {
        let spellings = self.spellings(&request.q)?;
        let text = build_text_query(
            &request.q,
            request.view,
            self.fields,
            self.searcher,
            &spellings,
        );
        Ok((text, spellings))
    }

    /// The text query with every filter, optionally leaving one facet's filter out.
    pub(crate) fn full_query(
        &self,
        request: &SearchRequest,
        text: &TextQuery,
        without: Option<FacetName>,
    ) -> BooleanQuery {
        let fields = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(query) = &text.query {
            clauses.push((Occur::Must, query.box_clone()));
        }
        let kind = match request.view {
            View::Reviews => "review",
            View::Lessons => "lesson",
        };
        clauses.push(filter(Box::new(TermQuery::new(
            Term::from_field_text(fields.doc_kind, kind),
            IndexRecordOption::Basic,
        ))));
        clauses.push(self.public_today());
        if request.year_from.is_some() || request.year_to.is_some() {
            let bound = |year: Option<i32>| match year {
                Some(y) => Bound::Included(Term::from_field_u64(fields.year, y.max(0) as u64)),
                None => Bound::Unbounded,
            };
            let (lower, upper) = (bound(request.year_from), bound(request.year_to));
            let lower = match (&lower, &upper) {
                (Bound::Unbounded, _) => Bound::Included(Term::from_field_u64(fields.year, 0)),
                _ => lower,
            };
            clauses.push(filter(Box::new(RangeQuery::new(lower, upper))));
        }
        for (facet, values) in &request.filters {
            if Some(*facet) == without {
                continue;
            }
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|value| {
                    if *facet == FacetName::Progress && value == OVERDUE {
                        return (Occur::Should, self.overdue_today());
                    }
                    let term = Term::from_facet(fields.facets, &facet.path(value));
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push(filter(Box::new(BooleanQuery::new(any))));
        }
        BooleanQuery::new(clauses)
    }

    /// The documents with an open action due before today (`progress=overdue`): read
    /// from the `open_due` fast field against the day of this snapshot, so an action
    /// due tomorrow matches the day after without any write.
    pub(crate) fn overdue_today(&self) -> Box<dyn Query> {
        let today = Term::from_field_i64(self.fields.open_due, days_since_epoch(self.today));
        Box::new(RangeQuery::new(Bound::Unbounded, Bound::Excluded(today)))
    }

    /// Days since the epoch of this snapshot's day.
    pub(crate) fn today_days(&self) -> i64 {
        days_since_epoch(self.today)
    }

    pub(crate) fn label(&self, facet: FacetName, value: &str) -> String {
        if facet == FacetName::Board {
            return self
                .board_names
                .get(value)
                .cloned()
                .unwrap_or_else(|| value.to_string());
        }
        facet
            .vocabulary()
            .and_then(|v| v.label(value))
            .map(str::to_string)
            .unwrap_or_else(|| value.to_string())
    }

    /// Excludes what the public may not see today: documents under an embargo that has
    /// not ended. Few documents carry a future date, so the excluded set is read from the
    /// inverted index (a handful of terms) instead of scanning every document's date.
    pub(crate) fn public_today(&self) -> (Occur, Box<dyn Query>) {
        (Occur::MustNot, self.embargoed_today())
    }

    /// The documents under an embargo that has not ended today (what
    /// [`Self::public_today`] excludes).
    pub(crate) fn embargoed_today(&self) -> Box<dyn Query> {
        let after_today =
            Term::from_field_i64(self.fields.public_from, days_since_epoch(self.today));
        Box::new(InvertedIndexRangeQuery::new(
            Bound::Excluded(after_today),
            Bound::Unbounded,
        ))
    }
}

/// A clause that must match and adds nothing to the score.
pub(crate) fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}
