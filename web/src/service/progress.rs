//! The figures of `/progress` (DESIGN §10): for any search, the public recommendations
//! among its matches by progress over the years of publication and by the agency they
//! are addressed to (cross-tabulations, so `overdue` is counted beside the progress
//! value on the day asked), and their actions: how many are open, overdue, completed,
//! and completed by their due date. An action completed counts as on time when its
//! `updated_on` (the day it was last changed) is on or before its `due`. Everything
//! comes from the index, so only public reviews count.

use lessons_index::export::{Cell, Column, ExportView};
use lessons_index::{CrossTab, FacetName, SearchRequest, View};

use super::error::ServiceResult;
use super::requests::{StatsFormat, StatsRequest};
use super::Repository;

/// What `/progress` shows for one search.
pub struct ProgressFigures {
    /// The search as counted: the lessons view, recommendations unless the search
    /// chose kinds itself.
    pub search: SearchRequest,
    /// Progress (rows) by year (columns).
    pub by_year: CrossTab,
    /// Agency (rows) by progress (columns).
    pub by_agency: CrossTab,
    pub actions: ActionTally,
}

/// The actions of the matching recommendations, counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ActionTally {
    pub total: u64,
    /// Planned or in progress.
    pub open: u64,
    /// Open and past their due date today.
    pub overdue: u64,
    pub completed: u64,
    /// Completed on or before their due date.
    pub on_time: u64,
    /// Completed after it.
    pub late: u64,
}

impl ActionTally {
    /// The share of completed actions (with both dates known) completed on time, in
    /// whole per cent.
    pub fn on_time_percent(&self) -> Option<u64> {
        let judged = self.on_time + self.late;
        (judged > 0).then(|| (self.on_time * 100 + judged / 2) / judged)
    }
}

/// Actions read from the index per batch.
const BATCH: usize = 256;

impl Repository {
    /// The figures of `/progress` for `search` (its view, sort and paging ignored).
    pub fn progress_figures(&self, search: &SearchRequest) -> ServiceResult<ProgressFigures> {
        let mut search = SearchRequest {
            view: View::Lessons,
            page: 1,
            ..search.clone()
        };
        search
            .filters
            .entry(FacetName::Kind)
            .or_insert_with(|| vec!["recommendation".to_string()]);
        let cross = |rows, cols| {
            self.cross_tab(&StatsRequest {
                search: search.clone(),
                rows,
                cols,
                format: StatsFormat::Json,
            })
        };
        let by_year = cross(FacetName::Progress, FacetName::Year)?;
        let by_agency = cross(FacetName::Agency, FacetName::Progress)?;
        let mut cursor = self.export_as(&search, ExportView::Actions)?;
        let mut actions = ActionTally::default();
        loop {
            let rows = cursor.next_batch(BATCH)?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                actions.total += 1;
                let status = match row.get(Column::ActionStatus) {
                    Some(Cell::Text(status)) => status.as_str(),
                    _ => "",
                };
                match status {
                    "planned" | "in_progress" => actions.open += 1,
                    "completed" => actions.completed += 1,
                    _ => {}
                }
                if row.get(Column::Overdue) == Some(&Cell::Boolean(Some(true))) {
                    actions.overdue += 1;
                }
                match row.get(Column::CompletedOnTime) {
                    Some(Cell::Boolean(Some(true))) => actions.on_time += 1,
                    Some(Cell::Boolean(Some(false))) => actions.late += 1,
                    _ => {}
                }
            }
        }
        Ok(ProgressFigures {
            search,
            by_year,
            by_agency,
            actions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_on_time_share_is_of_completed_actions_with_dates() {
        let tally = ActionTally {
            on_time: 2,
            late: 1,
            ..ActionTally::default()
        };
        assert_eq!(tally.on_time_percent(), Some(67));
        assert_eq!(ActionTally::default().on_time_percent(), None);
    }
}
