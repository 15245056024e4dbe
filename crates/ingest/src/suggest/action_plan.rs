//! Action plans set out as a table at the end of an executive summary ("Recommendation
//! | Action | Lead agency | Timescale | Progress"), read into suggested actions on the
//! matching recommendations (DESIGN §10). A table is an action plan when its header
//! names an action column and a lead or a timescale column; its rows are actions, never
//! findings (the findings table reader skips such tables).
//!
//! Each row is matched to a recommendation by its number ("1", "R2", "Rec 3") or by the
//! words it shares with a recommendation's text; a row whose recommendation cell is
//! empty (a merged cell) belongs to the row above. Its lead agency comes from the lead
//! column, else from the recommendation; its due date from the timescale ("31/03/2012",
//! "March 2012" = the month's last day, "Q2 2012" = the quarter's); its status and
//! evidence from the progress column. A row without an action, a recommendation, a lead
//! agency or a date it can read is not suggested and is counted as missed.

use std::collections::HashSet;
use std::sync::LazyLock;

use lessons_model::{Action, Lesson};
use regex::Regex;
use time::{Date, Month};

use super::paragraphs;
use super::table::{agency_of, CellAgency};

/// How many rows of action-plan tables were read, and how many became actions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionPlanReport {
    pub rows: usize,
    pub recovered: usize,
}

/// The roles of an action plan's columns.
#[derive(Debug, Default, Clone, Copy)]
struct PlanColumns {
    recommendation: Option<usize>,
    action: usize,
    lead: Option<usize>,
    due: Option<usize>,
    progress: Option<usize>,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|_| Regex::new("$^").expect("an empty pattern compiles"))
}

static ACTION_HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bactions?\b(?:\s+(?:to be taken|required|agreed|planned))?"));
static RECOMMENDATION_HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^rec\b|\brecs?\.|\brecommend|^(?:no\.?|ref\.?|number|#)$"));
static LEAD_HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:lead|agenc(?:y|ies)|responsib\w*|owners?|by whom|who)\b"));
static DUE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:timescales?|target|due|deadline|by when|completion|dates?|when)\b")
});
static PROGRESS_HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:progress|status|update|rag|outcome|evidence)\b"));
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:r|rec\.?|recommendation|no\.?)?\s*(\d{1,2})(?:\.\d{1,2})*[.):]?$")
});
static NUMERIC_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})\b"));
static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{4})-(\d{2})-(\d{2})\b"));
static MONTH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b",
    )
});
static QUARTER: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bq([1-4])\s*(\d{4})\b"));

/// Reads the action-plan tables of `text` into suggested actions on the
/// recommendations of `lessons` (in order). Returns what was read and recovered.
pub fn suggest_actions(text: &str, lessons: &mut [Lesson]) -> ActionPlanReport {
    let mut report = ActionPlanReport::default();
    for paragraph in paragraphs(text) {
        let Some(rows) = table_rows(&paragraph) else {
            continue;
        };
        let rows: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let Some((head, body)) = rows.split_first() else {
            continue;
        };
        let Some(columns) = plan_columns(head) else {
            continue;
        };
        let body = joined_continuations(body, &columns);
        let mut previous: Option<usize> = None;
        for row in &body {
            let row: Vec<&str> = row.iter().map(String::as_str).collect();
            let row = row.as_slice();
            report.rows += 1;
            let target = recommendation_of(row, &columns, lessons).or(previous);
            previous = target;
            let Some(target) = target else { continue };
            if let Some(action) = action_of(row, &columns, &lessons[target]) {
                lessons[target].actions.push(action);
                report.recovered += 1;
            }
        }
    }
    report
}

/// The cells of a table paragraph's rows, all of one width, when it is a table. Unlike
/// the findings reader, a row may start or end with an empty cell (" | text", a merged
/// cell of the row above): the header's width says whether outer bars are Markdown's.
fn table_rows(lines: &[&str]) -> Option<Vec<Vec<String>>> {
    // Extraction writes no '|' inside a cell (it becomes '/'), so every bar separates.
    let split = |line: &str| -> Vec<String> {
        line.trim()
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let lines: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.trim().chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
        .collect();
    let mut rows: Vec<Vec<String>> = lines.iter().map(|l| split(l)).collect();
    let header = rows.first()?;
    let markdown = header.len() > 2
        && header.first().is_some_and(String::is_empty)
        && header.last().is_some_and(String::is_empty);
    if markdown {
        for row in &mut rows {
            if row.len() >= 2 {
                row.remove(0);
                row.pop();
            }
        }
    }
    let width = rows.first()?.len();
    (width >= 2 && rows.len() >= 2 && rows.iter().all(|r| r.len() == width)).then_some(rows)
}

/// The rows with the lines that continue a cell's text joined to the row above: a PDF
/// table whose cells wrap comes out a line at a time, and a line whose recommendation
/// cell is empty and whose action starts in lower case (or is empty) is the rest of
/// the row above ("| every GP practice. | practice | | reported to the Board.").
fn joined_continuations(body: &[Vec<&str>], columns: &PlanColumns) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for row in body {
        let empty = |column: Option<usize>| {
            column
                .and_then(|i| row.get(i))
                .is_none_or(|c| c.trim().is_empty())
        };
        let action = row.get(columns.action).map_or("", |c| c.trim());
        let continues = empty(columns.recommendation)
            && (action.is_empty() || action.starts_with(char::is_lowercase));
        match rows.last_mut() {
            Some(last) if continues => {
                for (cell, more) in last.iter_mut().zip(row.iter()) {
                    let more = more.trim();
                    if !more.is_empty() {
                        if !cell.is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(more);
                    }
                }
            }
            _ => rows.push(row.iter().map(|c| c.trim().to_string()).collect()),
        }
    }
    rows
}

/// Whether a header row is an action plan's (rows are actions, not findings).
pub(super) fn is_action_plan_header(row: &[&str]) -> bool {
    plan_columns(row).is_some()
}

fn plan_columns(row: &[&str]) -> Option<PlanColumns> {
    if row.iter().any(|cell| cell.split_whitespace().count() > 5) {
        return None;
    }
    let find = |re: &Regex, taken: &[Option<usize>]| {
        row.iter()
            .enumerate()
            .find(|(i, cell)| re.is_match(cell) && !taken.contains(&Some(*i)))
            .map(|(i, _)| i)
    };
    let action = find(&ACTION_HEADER, &[])?;
    let recommendation = find(&RECOMMENDATION_HEADER, &[Some(action)]);
    let lead = find(&LEAD_HEADER, &[Some(action), recommendation]);
    let due = find(&DUE_HEADER, &[Some(action), recommendation, lead]);
    let progress = find(&PROGRESS_HEADER, &[Some(action), recommendation, lead, due]);
    (lead.is_some() || due.is_some()).then_some(PlanColumns {
        recommendation,
        action,
        lead,
        due,
        progress,
    })
}

/// The index in `lessons` of the recommendation a row belongs to, if its cell says.
fn recommendation_of(row: &[&str], columns: &PlanColumns, lessons: &[Lesson]) -> Option<usize> {
    let recommendations: Vec<usize> = lessons
        .iter()
        .enumerate()
        .filter(|(_, l)| l.kind == "recommendation")
        .map(|(i, _)| i)
        .collect();
    let cell = columns
        .recommendation
        .and_then(|i| row.get(i))
        .map(|c| c.trim())
        .unwrap_or("");
    if cell.is_empty() {
        return if columns.recommendation.is_none() {
            closest(
                row.get(columns.action).copied().unwrap_or(""),
                &recommendations,
                lessons,
            )
        } else {
            None
        };
    }
    if let Some(number) = NUMBER
        .captures(cell)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse::<usize>().ok())
    {
        return number
            .checked_sub(1)
            .and_then(|n| recommendations.get(n).copied());
    }
    // "1. The Board should ..." or the recommendation's words.
    let leading = cell
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|d| d.parse::<usize>().ok())
        .filter(|_| cell.starts_with(|c: char| c.is_ascii_digit()));
    match leading {
        Some(number) => number
            .checked_sub(1)
            .and_then(|n| recommendations.get(n).copied()),
        None => closest(cell, &recommendations, lessons),
    }
}

/// The recommendation sharing most words with `text` (at least a third of the smaller
/// set of words of four letters or more).
fn closest(text: &str, candidates: &[usize], lessons: &[Lesson]) -> Option<usize> {
    let words = |t: &str| -> HashSet<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4)
            .map(str::to_lowercase)
            .collect()
    };
    let mine = words(text);
    candidates
        .iter()
        .map(|&i| {
            let theirs = words(&lessons[i].text);
            let shared = mine.intersection(&theirs).count() as f64;
            let smaller = mine.len().min(theirs.len()).max(1) as f64;
            (shared / smaller, i)
        })
        .filter(|(score, _)| *score >= 1.0 / 3.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, i)| i)
}

fn action_of(row: &[&str], columns: &PlanColumns, recommendation: &Lesson) -> Option<Action> {
    let get = |column: Option<usize>| column.and_then(|i| row.get(i)).map(|c| c.trim());
    let text = get(Some(columns.action)).filter(|t| !t.is_empty())?;
    let owner = match get(columns.lead).and_then(agency_of) {
        Some(CellAgency::One(slug)) => slug.to_string(),
        _ => recommendation.agency.clone()?,
    };
    let due = get(columns.due).and_then(due_date)?;
    let progress = get(columns.progress).unwrap_or("");
    let status = status_of(progress);
    let evidence = (progress.split_whitespace().count() > 3).then(|| progress.to_string());
    Some(Action {
        text: text.to_string(),
        owner,
        due: due.to_string(),
        status: status.to_string(),
        evidence,
        suggested: true,
        ..Action::default()
    })
}

/// The status a progress cell states; `planned` when it states none.
fn status_of(progress: &str) -> &'static str {
    let lower = progress.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["not accepted", "rejected", "declined"]) {
        "not_accepted"
    } else if has(&["superseded", "replaced by"]) {
        "superseded"
    } else if has(&["not started", "not yet started", "planned"]) {
        "planned"
    } else if has(&["complete", "achieved", "done", "green"]) && !has(&["partially", "incomplete"])
    {
        "completed"
    } else if has(&[
        "progress",
        "ongoing",
        "underway",
        "under way",
        "partially",
        "amber",
        "started",
    ]) {
        "in_progress"
    } else {
        "planned"
    }
}

/// The last date a timescale names (the end of a range), if any.
fn due_date(cell: &str) -> Option<Date> {
    let mut found: Vec<(usize, Date)> = Vec::new();
    for c in ISO_DATE.captures_iter(cell) {
        let (y, m, d) = (num(&c, 1)?, num(&c, 2)?, num(&c, 3)?);
        found.extend(date(y, m, d).map(|d| (c.get(0).map_or(0, |m| m.start()), d)));
    }
    for c in NUMERIC_DATE.captures_iter(cell) {
        let (d, m, y) = (num(&c, 1)?, num(&c, 2)?, num(&c, 3)?);
        let y = if y < 100 { 2000 + y } else { y };
        found.extend(date(y, m, d).map(|d| (c.get(0).map_or(0, |m| m.start()), d)));
    }
    for c in MONTH_DATE.captures_iter(cell) {
        let month = month_of(c.get(2)?.as_str())?;
        let year = num(&c, 3)?;
        let day = match c.get(1) {
            Some(d) => d.as_str().parse().ok()?,
            None => last_day(year, month)?,
        };
        found.extend(date(year, month as i32, day).map(|d| (c.get(0).map_or(0, |m| m.start()), d)));
    }
    for c in QUARTER.captures_iter(cell) {
        let (quarter, year) = (num(&c, 1)?, num(&c, 2)?);
        let month = Month::try_from((quarter * 3) as u8).ok()?;
        let day = last_day(year, month)?;
        found.extend(date(year, month as i32, day).map(|d| (c.get(0).map_or(0, |m| m.start()), d)));
    }
    found.into_iter().max_by_key(|(at, _)| *at).map(|(_, d)| d)
}

fn num(captures: &regex::Captures, group: usize) -> Option<i32> {
    captures.get(group)?.as_str().parse().ok()
}

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

fn last_day(year: i32, month: Month) -> Option<i32> {
    Some(i32::from(time::util::days_in_month(month, year)))
}

fn month_of(name: &str) -> Option<Month> {
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_lowercase();
    let n = months.iter().position(|m| lower.starts_with(m))?;
    Month::try_from(n as u8 + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recommendation(text: &str, agency: Option<&str>) -> Lesson {
        Lesson {
            kind: "recommendation".into(),
            level: if agency.is_some() {
                "individual"
            } else {
                "inter_agency"
            }
            .into(),
            agency: agency.map(str::to_string),
            text: text.into(),
            ..Lesson::default()
        }
    }

    #[test]
    fn timescales_read_as_dates() {
        let d = |s: &str| due_date(s).map(|d| d.to_string());
        assert_eq!(d("31/03/2012").as_deref(), Some("2012-03-31"));
        assert_eq!(d("March 2012").as_deref(), Some("2012-03-31"));
        assert_eq!(d("By 30th June 2013").as_deref(), Some("2013-06-30"));
        assert_eq!(d("Q2 2012").as_deref(), Some("2012-06-30"));
        assert_eq!(
            d("January 2012 to April 2012").as_deref(),
            Some("2012-04-30")
        );
        assert_eq!(d("2012-09-01").as_deref(), Some("2012-09-01"));
        assert_eq!(d("Ongoing"), None);
        assert_eq!(d("Within three months"), None);
    }

    #[test]
    fn an_action_plan_table_gives_actions_on_its_recommendations() {
        let text = "\
Action plan

Rec | Action | Lead agency | Timescale | Progress
1 | Audit the bruising protocol in every practice. | General practice | March 2012 | Completed: audit of 12 practices reported to the Board.
 | Add the protocol to GP induction. | Primary care trust | Q3 2012 | In progress
2 | Train all staff on hidden men. | Health visiting | Ongoing | Not started
Record household members at every contact. | Record household members at every visit. | Health visiting | 30/09/2012 | Not started";
        let mut lessons = vec![
            Lesson {
                kind: "lesson".into(),
                text: "A lesson.".into(),
                ..Lesson::default()
            },
            recommendation(
                "GPs should follow the bruising protocol.",
                Some("general_practice"),
            ),
            recommendation(
                "Health visitors should record household members at every contact.",
                Some("health_visiting"),
            ),
        ];
        let report = suggest_actions(text, &mut lessons);
        assert_eq!(
            report,
            ActionPlanReport {
                rows: 4,
                recovered: 3
            },
            "'Ongoing' has no date"
        );
        let first: Vec<(&str, &str, &str, &str)> = lessons[1]
            .actions
            .iter()
            .map(|a| {
                (
                    a.text.as_str(),
                    a.owner.as_str(),
                    a.due.as_str(),
                    a.status.as_str(),
                )
            })
            .collect();
        assert_eq!(
            first,
            [
                (
                    "Audit the bruising protocol in every practice.",
                    "general_practice",
                    "2012-03-31",
                    "completed"
                ),
                (
                    "Add the protocol to GP induction.",
                    "general_practice",
                    "2012-09-30",
                    "in_progress"
                ),
            ]
        );
        assert_eq!(
            lessons[1].actions[0].evidence.as_deref(),
            Some("Completed: audit of 12 practices reported to the Board.")
        );
        assert!(lessons[1].actions.iter().all(|a| a.suggested));
        assert_eq!(lessons[2].actions.len(), 1);
        assert_eq!(lessons[2].actions[0].due, "2012-09-30");
        assert!(lessons[0].actions.is_empty());
    }

    #[test]
    fn a_findings_table_is_not_an_action_plan() {
        assert!(!is_action_plan_header(&["No.", "Recommendation", "Agency"]));
        assert!(is_action_plan_header(&[
            "Recommendation",
            "Action",
            "Lead",
            "By when"
        ]));
        assert!(is_action_plan_header(&["Action required", "Timescale"]));
    }
}
