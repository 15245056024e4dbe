//! The `progress` facet (DESIGN §10): a recommendation's derived progress as a facet
//! value, `overdue` decided on the day of the search from the earliest due date of its
//! open actions (an action due tomorrow is overdue the day after, with no write),
//! counted beside the progress value, filterable, cross-tabulated, and the lesson hits'
//! `actions`, `progress` and `overdue`.

use super::*;
use lessons_model::Action;

fn action(id: &str, status: &str, due: &str) -> Action {
    Action {
        id: id.into(),
        text: format!("Action {id}"),
        owner: "police".into(),
        due: due.into(),
        status: status.into(),
        updated_on: "2026-11-01".into(),
        ..Action::default()
    }
}

fn recommendation(text: &str, actions: Vec<Action>) -> Lesson {
    Lesson {
        actions,
        ..lesson(
            "recommendation",
            "individual",
            Some("police"),
            &["neglect"],
            text,
        )
    }
}

/// Review 1: one recommendation due on 2026-11-27 (open) and one completed; review 2:
/// one without a plan, one not accepted, and a lesson (no progress at all).
fn plans() -> Vec<Review> {
    vec![
        review(
            1,
            "barsetshire",
            2010,
            &["neglect"],
            "Neglect was chronic.",
            vec![
                recommendation(
                    "Police should share notifications.",
                    vec![
                        action("A1", "in_progress", "2026-11-27"),
                        action("A2", "completed", "2026-01-01"),
                    ],
                ),
                recommendation(
                    "Health visitors should record home conditions.",
                    vec![action("A3", "completed", "2025-06-01")],
                ),
            ],
        ),
        review(
            2,
            "wessex",
            2011,
            &["neglect"],
            "Home conditions were poor.",
            vec![
                recommendation("Schools should report absences.", vec![]),
                recommendation(
                    "Housing should visit.",
                    vec![action("A1", "not_accepted", "2020-01-01")],
                ),
                lesson(
                    "lesson",
                    "inter_agency",
                    None,
                    &["neglect"],
                    "Nobody saw the home.",
                ),
            ],
        ),
    ]
}

fn on(index: &SearchIndex, query: &str, day: &str) -> SearchResults {
    index
        .search(&request(query), parse_date(day).unwrap())
        .unwrap()
}

fn progress_counts(results: &SearchResults) -> Vec<(String, u64)> {
    let mut counts: Vec<(String, u64)> = results
        .facets
        .iter()
        .find(|(f, _)| *f == FacetName::Progress)
        .map(|(_, values)| values.iter().map(|v| (v.value.clone(), v.count)).collect())
        .unwrap_or_default();
    counts.sort();
    counts
}

fn pairs(values: &[(&str, u64)]) -> Vec<(String, u64)> {
    values.iter().map(|(v, n)| (v.to_string(), *n)).collect()
}

#[test]
fn an_action_due_tomorrow_is_overdue_the_day_after_with_no_write() {
    let f = fixture_with(plans());
    let due_day = on(&f.index, "view=lessons&progress=overdue", "2026-11-27");
    assert_eq!(due_day.total, 0, "due that day: not overdue yet");
    let day_after = on(&f.index, "view=lessons&progress=overdue", "2026-11-28");
    assert_eq!(ids(&day_after), ["scr-2010-barsetshire-0001#L1"]);
    assert_eq!(day_after.hits[0].display.overdue, Some(true));
    let before = on(&f.index, "view=lessons&q=notifications", "2026-11-27");
    assert_eq!(before.hits[0].display.overdue, Some(false));
    // The reviews view: a review with an overdue recommendation.
    let reviews = on(&f.index, "progress=overdue", "2026-11-28");
    assert_eq!(ids(&reviews), ["scr-2010-barsetshire-0001"]);
}

#[test]
fn progress_is_counted_with_overdue_beside_it() {
    let f = fixture_with(plans());
    let before = on(&f.index, "view=lessons", "2026-11-27");
    assert_eq!(
        progress_counts(&before),
        pairs(&[
            ("completed", 1),
            ("in_progress", 1),
            ("no_plan", 1),
            ("not_accepted", 1)
        ])
    );
    let after = on(&f.index, "view=lessons", "2026-11-28");
    assert_eq!(
        progress_counts(&after),
        pairs(&[
            ("completed", 1),
            ("in_progress", 1),
            ("no_plan", 1),
            ("not_accepted", 1),
            ("overdue", 1)
        ])
    );
    // Every count equals the total of its filter, overdue included.
    for (value, count) in progress_counts(&after) {
        let filtered = on(
            &f.index,
            &format!("view=lessons&progress={value}"),
            "2026-11-28",
        );
        assert_eq!(filtered.total, count, "{value}");
    }
    // Values of one facet are OR'd: in progress or overdue is the one recommendation.
    let either = on(
        &f.index,
        "view=lessons&progress=in_progress&progress=overdue",
        "2026-11-28",
    );
    assert_eq!(either.total, 1);
    let or = on(
        &f.index,
        "view=lessons&progress=no_plan&progress=overdue",
        "2026-11-28",
    );
    assert_eq!(or.total, 2);
    // Multi-select: with progress chosen, its counts ignore its own filter.
    let chosen = on(&f.index, "view=lessons&progress=completed", "2026-11-28");
    assert_eq!(progress_counts(&chosen), progress_counts(&after));
}

#[test]
fn lesson_hits_carry_actions_progress_and_overdue_for_recommendations_only() {
    let f = fixture_with(plans());
    let results = on(&f.index, "view=lessons&board=wessex", "2026-11-28");
    let by_id = |id: &str| {
        results
            .hits
            .iter()
            .find(|h| h.display.id == id)
            .unwrap()
            .display
            .clone()
    };
    let no_plan = by_id("scr-2011-wessex-0002#L1");
    assert_eq!(no_plan.progress.as_deref(), Some("no_plan"));
    assert_eq!(no_plan.actions, Some(vec![]));
    assert_eq!(no_plan.overdue, Some(false));
    let refused = by_id("scr-2011-wessex-0002#L2");
    assert_eq!(refused.progress.as_deref(), Some("not_accepted"));
    assert_eq!(refused.actions.as_ref().map(Vec::len), Some(1));
    let plain = by_id("scr-2011-wessex-0002#L3");
    assert_eq!(
        (plain.progress, plain.actions, plain.overdue),
        (None, None, None)
    );
    let json = serde_json::to_value(&results.hits[0]).unwrap();
    assert!(json.get("progress").is_some() && json.get("overdue").is_some());
}

#[test]
fn progress_cross_tabulates_with_overdue_by_the_day() {
    let f = fixture_with(plans());
    let day = parse_date("2026-11-28").unwrap();
    let tab = f
        .index
        .cross_tab(
            &request("view=lessons"),
            FacetName::Progress,
            FacetName::Board,
            day,
        )
        .unwrap();
    let cell = |row: &str, col: &str| {
        tab.cells
            .iter()
            .find(|c| c.row == row && c.col == col)
            .map(|c| c.count)
    };
    assert_eq!(cell("overdue", "barsetshire"), Some(1));
    assert_eq!(cell("in_progress", "barsetshire"), Some(1));
    assert_eq!(cell("completed", "barsetshire"), Some(1));
    assert_eq!(cell("not_accepted", "wessex"), Some(1));
    assert_eq!(cell("not_recorded", "wessex"), Some(1), "the plain lesson");
    let earlier = f
        .index
        .cross_tab(
            &request("view=lessons"),
            FacetName::Board,
            FacetName::Progress,
            parse_date("2026-11-27").unwrap(),
        )
        .unwrap();
    assert!(earlier.cols.iter().all(|c| c.value != "overdue"));
    assert_eq!(earlier.total, 5);
}

#[test]
fn an_unpublished_reviews_actions_are_not_counted() {
    let mut reviews = plans();
    reviews[0].status = Status::Draft;
    let f = fixture_with(reviews);
    let after = on(&f.index, "view=lessons", "2026-11-28");
    assert_eq!(
        progress_counts(&after),
        pairs(&[("no_plan", 1), ("not_accepted", 1)])
    );
    assert_eq!(
        on(&f.index, "view=lessons&progress=overdue", "2026-11-28").total,
        0
    );
}

fn export_rows(
    index: &SearchIndex,
    query: &str,
    view: export::ExportView,
    day: &str,
) -> (u64, Vec<export::ExportRow>) {
    let mut cursor = index
        .export_as(&request(query), view, parse_date(day).unwrap())
        .unwrap();
    let mut rows = Vec::new();
    loop {
        let batch = cursor.next_batch(1).unwrap();
        if batch.is_empty() {
            break;
        }
        rows.extend(batch);
    }
    assert_eq!(cursor.position(), rows.len() as u64);
    (cursor.total(), rows)
}

fn cell(row: &export::ExportRow, column: export::Column) -> export::Cell {
    row.get(column).cloned().unwrap()
}

#[test]
fn the_lessons_export_counts_actions_and_gives_progress() {
    use export::{Cell, Column, ExportView};
    let f = fixture_with(plans());
    let (total, rows) = export_rows(
        &f.index,
        "view=lessons&sort=oldest",
        ExportView::Lessons,
        "2026-11-28",
    );
    assert_eq!(total, 5);
    let first = &rows[0];
    assert_eq!(
        cell(first, Column::Id),
        Cell::Text("scr-2010-barsetshire-0001#L1".into())
    );
    assert_eq!(cell(first, Column::Actions), Cell::Integer(Some(2)));
    assert_eq!(
        cell(first, Column::ActionsCompleted),
        Cell::Integer(Some(1))
    );
    assert_eq!(
        cell(first, Column::Progress),
        Cell::Text("in_progress".into())
    );
    assert_eq!(cell(first, Column::Overdue), Cell::Boolean(Some(true)));
    let plain = rows
        .iter()
        .find(|r| cell(r, Column::Id) == Cell::Text("scr-2011-wessex-0002#L3".into()))
        .unwrap();
    assert_eq!(cell(plain, Column::Actions), Cell::Integer(None));
    assert_eq!(cell(plain, Column::Overdue), Cell::Boolean(None));
    let (_, before) = export_rows(
        &f.index,
        "view=lessons&sort=oldest",
        ExportView::Lessons,
        "2026-11-27",
    );
    assert_eq!(
        cell(&before[0], Column::Overdue),
        Cell::Boolean(Some(false))
    );
}

#[test]
fn the_actions_export_has_a_row_per_action_of_the_matches() {
    use export::{Cell, Column, ExportView};
    let f = fixture_with(plans());
    let (total, rows) = export_rows(&f.index, "sort=oldest", ExportView::Actions, "2026-11-28");
    assert_eq!((total, rows.len()), (4, 4));
    let ranks: Vec<Cell> = rows.iter().map(|r| cell(r, Column::Rank)).collect();
    assert_eq!(
        ranks,
        (1..=4).map(|n| Cell::Integer(Some(n))).collect::<Vec<_>>()
    );
    let ids: Vec<Cell> = rows.iter().map(|r| cell(r, Column::Id)).collect();
    assert_eq!(
        ids,
        [
            "scr-2010-barsetshire-0001#A1",
            "scr-2010-barsetshire-0001#A2",
            "scr-2010-barsetshire-0001#A3",
            "scr-2011-wessex-0002#A1"
        ]
        .map(|id| Cell::Text(id.into()))
    );
    let a1 = &rows[0];
    assert_eq!(cell(a1, Column::FindingNumber), Cell::Integer(Some(1)));
    assert_eq!(cell(a1, Column::Due), Cell::Text("2026-11-27".into()));
    assert_eq!(cell(a1, Column::Overdue), Cell::Boolean(Some(true)));
    assert_eq!(cell(a1, Column::CompletedOnTime), Cell::Boolean(None));
    // Completed 2026-11-01 against a due date of 2026-01-01: late; A3 was due 2025-06-01.
    assert_eq!(
        cell(&rows[1], Column::CompletedOnTime),
        Cell::Boolean(Some(false))
    );
    assert_eq!(
        cell(&rows[1], Column::Permalink),
        Cell::Text("/reviews/scr-2010-barsetshire-0001#L1".into())
    );
    assert_eq!(
        cell(&rows[3], Column::ActionStatus),
        Cell::Text("not_accepted".into())
    );
    // Filters narrow the actions as they narrow the findings.
    let (wessex, _) = export_rows(&f.index, "board=wessex", ExportView::Actions, "2026-11-28");
    assert_eq!(wessex, 1);
    let (overdue, rows) = export_rows(
        &f.index,
        "progress=overdue",
        ExportView::Actions,
        "2026-11-28",
    );
    assert_eq!(
        (overdue, rows.len()),
        (2, 2),
        "every action of the overdue recommendation"
    );
}

#[test]
fn an_action_completed_by_its_due_date_is_on_time() {
    let mut done = action("A1", "completed", "2026-03-01");
    done.updated_on = "2026-03-01".into();
    assert_eq!(export::completed_on_time(&done), Some(true));
    done.updated_on = "2026-03-02".into();
    assert_eq!(export::completed_on_time(&done), Some(false));
    done.status = "in_progress".into();
    assert_eq!(export::completed_on_time(&done), None);
}

#[test]
fn an_unpublished_reviews_actions_are_not_exported() {
    let mut reviews = plans();
    reviews[0].status = Status::Draft;
    reviews[1].embargo_until = Some("2099-01-01".into());
    let f = fixture_with(reviews);
    let (total, rows) = export_rows(&f.index, "", export::ExportView::Actions, "2026-11-28");
    assert_eq!((total, rows.len()), (0, 0));
}
