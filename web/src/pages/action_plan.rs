//! A recommendation's action plan as the public reads it on a review page (DESIGN §10):
//! a one-line progress summary ("3 of 4 actions completed; 1 overdue since March
//! 2012") and a table of the actions (what, lead agency, due, status, evidence, last
//! updated), with "overdue" worked out for the day the page is shown.

use lessons_model::dates::parse_date;
use lessons_model::review::month_name;
use lessons_model::{Action, Lesson, Vocabulary};
use maud::{html, Markup};
use time::Date;

use super::label;

/// The action plan of `lesson` (nothing for findings that are not recommendations).
pub fn action_plan(lesson: &Lesson, today: Date) -> Markup {
    if lesson.kind != "recommendation" {
        return html! {};
    }
    html! {
        div.action-plan {
            p.progress-summary.no-plan[lesson.actions.is_empty()] { (summary(&lesson.actions, today)) }
            @if !lesson.actions.is_empty() {
                div.table-scroll role="region" aria-label="Actions on this recommendation" tabindex="0" { table {
                    caption.visually-hidden { "Actions on this recommendation" }
                    thead { tr { th scope="col" { "Action" } th scope="col" { "Lead" } th scope="col" { "Due" } th scope="col" { "Status" } th scope="col" { "Evidence" } th scope="col" { "Updated" } } }
                    tbody {
                        @for action in &lesson.actions {
                            tr {
                                td { (action.text) }
                                td { (label(Vocabulary::Agency, &action.owner)) }
                                td { (day(&action.due)) }
                                td {
                                    (label(Vocabulary::ActionStatus, &action.status))
                                    @if action.is_overdue(today) { " " strong.overdue { "overdue" } }
                                }
                                td { (action.evidence.as_deref().unwrap_or("")) }
                                td { (day(&action.updated_on)) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

/// "3 of 4 actions completed; 1 overdue since March 2012", or that there is no plan.
pub fn summary(actions: &[Action], today: Date) -> String {
    if actions.is_empty() {
        return "No action plan has been recorded for this recommendation.".into();
    }
    let completed = actions.iter().filter(|a| a.status == "completed").count();
    let mut text = format!(
        "{completed} of {} action{} completed",
        actions.len(),
        if actions.len() == 1 { "" } else { "s" }
    );
    let overdue: Vec<Date> = actions
        .iter()
        .filter(|a| a.is_overdue(today))
        .filter_map(Action::due_date)
        .collect();
    if let Some(since) = overdue.iter().min() {
        text.push_str(&format!(
            "; {} overdue since {} {}",
            overdue.len(),
            month_name(since.month()),
            since.year()
        ));
    }
    text
}

fn day(text: &str) -> String {
    match parse_date(text) {
        Some(date) => format!(
            "{} {} {}",
            date.day(),
            month_name(date.month()),
            date.year()
        ),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(status: &str, due: &str) -> Action {
        Action {
            status: status.into(),
            due: due.into(),
            ..Action::default()
        }
    }

    #[test]
    fn the_summary_counts_completed_and_overdue_actions() {
        let today = parse_date("2012-06-01").unwrap();
        assert_eq!(
            summary(&[], today),
            "No action plan has been recorded for this recommendation."
        );
        let actions = [
            action("completed", "2012-01-31"),
            action("completed", "2012-02-28"),
            action("completed", "2012-02-28"),
            action("in_progress", "2012-03-15"),
        ];
        assert_eq!(
            summary(&actions, today),
            "3 of 4 actions completed; 1 overdue since March 2012"
        );
        assert_eq!(summary(&actions[..1], today), "1 of 1 action completed");
    }
}
