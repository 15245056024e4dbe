//! Action plans (DESIGN §10): what a board said it would do about a recommendation, who
//! leads, by when, and how far it got. An [`Action`] belongs to a finding of kind
//! `recommendation`; a recommendation's [`Progress`] and whether it is overdue are
//! derived from its actions *on a given day* (never stored), so an action that falls
//! due tomorrow is overdue the day after without any write. Knows only `dates`.
//!
//! Ids (`A1`, `A2`, ...) are unique within a review and never reused: actions are never
//! removed (one that no longer applies is marked `superseded`), and a new action takes
//! the number after the highest in the review.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::dates::parse_date;

/// Longest action text and evidence, in characters.
pub const MAX_ACTION_CHARS: usize = 5_000;
pub const MAX_EVIDENCE_CHARS: usize = 20_000;
/// Most actions on one recommendation.
pub const MAX_ACTIONS: usize = 100;

/// One action of a recommendation's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Action {
    /// `A<n>`, assigned by the server when left out.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub text: String,
    /// The lead agency (an agency slug).
    #[serde(default)]
    pub owner: String,
    /// Target date, `YYYY-MM-DD`.
    #[serde(default)]
    pub due: String,
    /// `planned`, `in_progress`, `completed`, `not_accepted` or `superseded`.
    #[serde(default = "planned")]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// When the action last changed, `YYYY-MM-DD` (set by the server).
    #[serde(default)]
    pub updated_on: String,
    /// Read from an action-plan table of a deposited file, not yet confirmed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub suggested: bool,
}

fn planned() -> String {
    "planned".to_string()
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A recommendation's follow-through, derived from its actions: with an action still
/// open (planned or in progress), `in_progress` once any action is in progress or
/// completed, else `not_started`; with every action closed, `completed` when one was
/// completed, else `not_accepted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// No actions.
    NoPlan,
    /// Every action is still planned.
    NotStarted,
    InProgress,
    /// Every action completed, superseded or not accepted, at least one completed.
    Completed,
    /// Every action not accepted or superseded, none completed.
    NotAccepted,
}

impl Progress {
    pub fn as_str(self) -> &'static str {
        match self {
            Progress::NoPlan => "no_plan",
            Progress::NotStarted => "not_started",
            Progress::InProgress => "in_progress",
            Progress::Completed => "completed",
            Progress::NotAccepted => "not_accepted",
        }
    }
}

impl Action {
    /// The target date, when it is a valid date.
    pub fn due_date(&self) -> Option<Date> {
        parse_date(&self.due)
    }

    /// Still to be done: planned or in progress.
    pub fn is_open(&self) -> bool {
        matches!(self.status.as_str(), "planned" | "in_progress")
    }

    /// Open and past its due date on `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.is_open() && self.due_date().is_some_and(|due| due < today)
    }

    /// The number of an `A<n>` id.
    pub fn number(&self) -> Option<u32> {
        action_number(&self.id)
    }
}

/// The number of an action id `A<n>` (n >= 1, no leading zeros).
pub fn action_number(id: &str) -> Option<u32> {
    let digits = id.strip_prefix('A')?;
    if digits.starts_with('0') {
        return None;
    }
    digits.parse().ok().filter(|n| *n >= 1)
}

/// The follow-through of a recommendation with these actions.
pub fn progress(actions: &[Action]) -> Progress {
    let any = |status: &str| actions.iter().any(|a| a.status == status);
    if actions.is_empty() {
        Progress::NoPlan
    } else if actions.iter().any(Action::is_open) {
        if any("in_progress") || any("completed") {
            Progress::InProgress
        } else {
            Progress::NotStarted
        }
    } else if any("completed") {
        Progress::Completed
    } else {
        Progress::NotAccepted
    }
}

/// The earliest due date among the actions overdue on `today`.
pub fn overdue_since(actions: &[Action], today: Date) -> Option<Date> {
    actions
        .iter()
        .filter(|a| a.is_overdue(today))
        .filter_map(Action::due_date)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date;

    fn action(status: &str, due: &str) -> Action {
        Action {
            id: "A1".into(),
            text: "Audit the bruising protocol.".into(),
            owner: "health_visiting".into(),
            due: due.into(),
            status: status.into(),
            ..Action::default()
        }
    }

    fn progress_of(statuses: &[&str]) -> Progress {
        let actions: Vec<Action> = statuses.iter().map(|s| action(s, "2012-03-01")).collect();
        progress(&actions)
    }

    #[test]
    fn progress_follows_the_statuses_of_the_actions() {
        assert_eq!(progress_of(&[]), Progress::NoPlan);
        assert_eq!(progress_of(&["planned", "planned"]), Progress::NotStarted);
        assert_eq!(
            progress_of(&["planned", "in_progress"]),
            Progress::InProgress
        );
        assert_eq!(progress_of(&["planned", "completed"]), Progress::InProgress);
        assert_eq!(
            progress_of(&["completed", "superseded"]),
            Progress::Completed
        );
        assert_eq!(
            progress_of(&["completed", "not_accepted"]),
            Progress::Completed
        );
        assert_eq!(
            progress_of(&["not_accepted", "superseded"]),
            Progress::NotAccepted
        );
        assert_eq!(
            progress_of(&["planned", "superseded"]),
            Progress::NotStarted
        );
    }

    #[test]
    fn overdue_is_decided_by_the_day_asked() {
        let open = action("in_progress", "2012-03-01");
        let day = |s| parse_date(s).unwrap();
        assert!(!open.is_overdue(day("2012-03-01")), "due that day");
        assert!(open.is_overdue(day("2012-03-02")), "the day after");
        let actions = [open, action("planned", "2012-06-01")];
        assert_eq!(
            overdue_since(&actions, day("2013-01-01")),
            Some(day("2012-03-01"))
        );
        assert!(!action("completed", "2012-03-01").is_overdue(day("2013-01-01")));
    }

    #[test]
    fn action_ids_are_a_then_a_number() {
        assert_eq!(action_number("A1"), Some(1));
        assert_eq!(action_number("A42"), Some(42));
        for bad in ["A0", "A01", "a1", "A", "B1", "A-1", "A1x"] {
            assert_eq!(action_number(bad), None, "{bad}");
        }
    }
}
