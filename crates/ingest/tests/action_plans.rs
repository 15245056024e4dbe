//! Action plans set out as a table after the recommendations ("Recommendation | Action |
//! Lead agency | Timescale | Progress"), in documents laid out by other producers' code:
//! python-docx (with a merged recommendation cell), reportlab (cells that wrap over
//! several lines), and an HTML
//! table (`tests/fixtures/make_action_plans.py` made them). Every row with a date is
//! read as a suggested action on its recommendation, none becomes a finding, and the
//! report says how many rows were read and recovered.

use lessons_ingest::{extract, suggest_actions, suggest_lessons, ActionPlanReport, Limits};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");

/// (recommendation number from 1, action, owner, due, status) of the rows with a date.
const EXPECTED: [(usize, &str, &str, &str, &str); 4] = [
    (1, "Audit the bruising protocol in every GP practice.", "general_practice", "2012-03-31", "completed"),
    (1, "Add the protocol to the induction of every new GP.", "general_practice", "2012-06-30", "in_progress"),
    (2, "Add a household members section to the health visiting record.", "health_visiting", "2012-09-30", "planned"),
    (3, "Change the notification policy so that no domestic incident with a child present goes unreported.", "police", "2012-09-01", "completed"),
];

/// (recommendation number, text, owner, due, status) of a recovered action.
type Recovered = (usize, String, String, String, String);

fn recovered(file: &str) -> (ActionPlanReport, Vec<Recovered>, usize) {
    let bytes = std::fs::read(format!("{FIXTURES}{file}")).unwrap();
    let extracted = extract(&bytes, &Limits::default()).unwrap();
    let mut lessons = suggest_lessons(&extracted.text);
    let report = suggest_actions(&extracted.text, &mut lessons);
    let recommendations: Vec<_> = lessons
        .iter()
        .filter(|l| l.kind == "recommendation")
        .collect();
    let mut actions = Vec::new();
    for (n, lesson) in recommendations.iter().enumerate() {
        for a in &lesson.actions {
            assert!(a.suggested, "{file}: suggested, to be confirmed");
            actions.push((
                n + 1,
                a.text.clone(),
                a.owner.clone(),
                a.due.clone(),
                a.status.clone(),
            ));
        }
    }
    let findings_from_the_plan = lessons
        .iter()
        .filter(|l| {
            l.text.contains("Audit the bruising protocol") || l.text.contains("Lead agency")
        })
        .count();
    (report, actions, findings_from_the_plan)
}

fn check(file: &str) {
    let (report, actions, plan_findings) = recovered(file);
    eprintln!(
        "{file}: {} of {} rows recovered",
        report.recovered, report.rows
    );
    assert_eq!(
        report,
        ActionPlanReport {
            rows: 5,
            recovered: 4
        },
        "{file}: {actions:#?}"
    );
    let expected: Vec<_> = EXPECTED
        .iter()
        .map(|(n, t, o, d, s)| {
            (
                *n,
                t.to_string(),
                o.to_string(),
                d.to_string(),
                s.to_string(),
            )
        })
        .collect();
    assert_eq!(actions, expected, "{file}");
    assert_eq!(plan_findings, 0, "{file}: the plan's rows are not findings");
}

#[test]
fn a_python_docx_action_plan_with_a_merged_cell() {
    check("action-plan-python-docx.docx");
}

#[test]
fn an_html_action_plan() {
    check("action-plan.html");
}

#[test]
fn a_reportlab_action_plan_whose_cells_wrap() {
    check("action-plan-reportlab.pdf");
}
