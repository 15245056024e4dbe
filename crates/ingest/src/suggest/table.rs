//! Tables of findings, as extraction writes them: one line per row, cells separated by
//! `" | "` ("No. | Recommendation | Agency", then "1 | The Board should ... | LSCB").
//! A paragraph whose lines are all rows of the same width is a table. Its header (when
//! it has one) says which column holds the number, the finding and the agency, and what
//! the findings are; without a header, the longest cells are the findings and a column of
//! short agency names is the agency. Each row becomes one item, its agency from the
//! agency column.

use std::sync::LazyLock;

use regex::Regex;

use super::action_plan::is_action_plan_header;
use super::guess::{agency_spans, names_inter_agency};
use super::LabelKind;

/// The cell separator extraction writes between the cells of a row.
pub(crate) const CELL_SEPARATOR: &str = " | ";

/// One row of a findings table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Row {
    pub text: String,
    /// What the header calls the findings ("Recommendation", "Finding").
    pub label: Option<LabelKind>,
    /// What the agency column says, read against the vocabulary.
    pub agency: Option<CellAgency>,
}

/// An agency cell, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CellAgency {
    One(&'static str),
    /// "All agencies", "LSCB", "Police and children's social care".
    Many,
}

fn re(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

static NUMBER_HEADER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(r"(?i)^(?:no\.?|number|num\.?|#|ref\.?|reference|rec(?:ommendation)?\.? no\.?|item)$")
});
static TEXT_HEADER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(r"(?i)\b(?:recommendations?|findings?|lessons?|learning|actions?|issues?|key points?)\b")
});
static AGENCY_HEADER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:agenc(?:y|ies)|lead|responsib\w*|organisations?|owners?|who|by whom|addressed to|partners?)\b",
    )
});
static NUMBER_CELL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(r"(?i)^(?:r|rec\.?|recommendation|finding|no\.?)?\s*\d{1,2}(?:\.\d{1,2})*[.):]?$")
});
static ALL_AGENCIES: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)\ball\b|\bpartners\b|\bpartnership\b|\bboard\b|\blscb\b|\bscp\b|\bmulti[- ]?agency\b|\bagencies\b",
    )
});

fn matches(re: &LazyLock<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(text))
}

/// The cells of a row line, trimmed; a Markdown row's outer bars ("| a | b |") are not
/// cells.
fn cells(line: &str) -> Vec<&str> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line.strip_suffix('|').unwrap_or(line);
    line.split(CELL_SEPARATOR.trim()).map(str::trim).collect()
}

/// A Markdown rule under a header row: "|---|:--:|".
fn is_rule(line: &str) -> bool {
    let line = line.trim();
    line.contains('-') && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// The rows of a paragraph, without Markdown rules.
fn row_lines<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    lines.iter().copied().filter(|l| !is_rule(l)).collect()
}

/// Whether the lines of a paragraph are a table: every line has the separator and the
/// same number of cells.
pub(super) fn is_table(lines: &[&str]) -> bool {
    let lines = row_lines(lines);
    let Some(first) = lines.first() else {
        return false;
    };
    let width = cells(first).len();
    // One line of short cells is a title ("Child A | Executive summary"), not a table.
    let one_title = lines.len() == 1 && cells(first).iter().all(|c| words(c) <= 4);
    width >= 2
        && !one_title
        && lines
            .iter()
            .all(|line| line.contains(CELL_SEPARATOR) && cells(line).len() == width)
}

/// The roles of a table's columns.
#[derive(Debug, Default)]
struct Columns {
    number: Option<usize>,
    text: Option<usize>,
    agency: Option<usize>,
    label: Option<LabelKind>,
}

fn words(cell: &str) -> usize {
    cell.split_whitespace().count()
}

/// A header row: short cells, one of which names the findings or the agency column.
fn header(row: &[&str]) -> Option<Columns> {
    if row.iter().any(|cell| words(cell) > 4) {
        return None;
    }
    let mut columns = Columns::default();
    for (i, cell) in row.iter().enumerate() {
        if matches(&NUMBER_HEADER, cell) {
            columns.number.get_or_insert(i);
        } else if matches(&TEXT_HEADER, cell) && columns.text.is_none() {
            columns.text = Some(i);
            let lower = cell.to_lowercase();
            columns.label = if lower.contains("recommend") || lower.contains("action") {
                Some(LabelKind::Recommendation)
            } else if lower.contains("good practice") {
                Some(LabelKind::GoodPractice)
            } else if lower.contains("finding")
                || lower.contains("lesson")
                || lower.contains("learning")
            {
                Some(LabelKind::Lesson)
            } else {
                None
            };
        } else if matches(&AGENCY_HEADER, cell) {
            columns.agency.get_or_insert(i);
        }
    }
    (columns.text.is_some() || columns.agency.is_some()).then_some(columns)
}

/// Column roles read from the cells when there is no header.
fn guess_columns(rows: &[Vec<&str>]) -> Columns {
    let width = rows.first().map_or(0, Vec::len);
    let mut columns = Columns::default();
    let mean_words = |i: usize| {
        rows.iter()
            .map(|r| r.get(i).map_or(0, |c| words(c)))
            .sum::<usize>() as f64
            / rows.len().max(1) as f64
    };
    columns.text = (0..width).max_by(|a, b| mean_words(*a).total_cmp(&mean_words(*b)));
    columns.number = (0..width).find(|i| {
        rows.iter()
            .all(|r| r.get(*i).is_some_and(|c| matches(&NUMBER_CELL, c)))
    });
    columns.agency = (0..width).find(|i| {
        Some(*i) != columns.text
            && Some(*i) != columns.number
            && rows.iter().all(|r| {
                r.get(*i).is_some_and(|c| {
                    words(c) <= 8 && (agency_of(c).is_some() || c.trim().is_empty())
                })
            })
    });
    columns
}

/// What an agency cell names: one agency of the vocabulary, or several, all of them or
/// the Board; `None` when it names none that is known.
pub(super) fn agency_of(cell: &str) -> Option<CellAgency> {
    let spans = agency_spans(cell);
    let mut specific: Vec<&'static str> = Vec::new();
    for (slug, _, _) in &spans {
        if *slug != "lscb" && !specific.contains(slug) {
            specific.push(slug);
        }
    }
    match specific.len() {
        1 if !matches(&ALL_AGENCIES, cell) => Some(CellAgency::One(specific[0])),
        0 if spans.is_empty() && !matches(&ALL_AGENCIES, cell) && !names_inter_agency(cell) => None,
        _ => Some(CellAgency::Many),
    }
}

/// The rows of a table paragraph that hold findings, in order. A table with no column
/// of findings gives none.
pub(super) fn rows(lines: &[&str]) -> Vec<Row> {
    let all: Vec<Vec<&str>> = row_lines(lines).iter().map(|l| cells(l)).collect();
    let Some(first) = all.first() else {
        return Vec::new();
    };
    if is_action_plan_header(first) {
        // An action plan's rows are actions on the recommendations (`action_plan`).
        return Vec::new();
    }
    let (columns, body) = match header(first) {
        Some(columns) => (columns, &all[1..]),
        None => (guess_columns(&all), &all[..]),
    };
    let columns = if columns.text.is_none() {
        // A header naming only the agency column: the findings are the longest cells.
        let guessed = guess_columns(body);
        Columns {
            text: guessed.text.filter(|t| Some(*t) != columns.agency),
            ..columns
        }
    } else {
        columns
    };
    let Some(text_column) = columns.text else {
        return Vec::new();
    };
    body.iter()
        .filter_map(|row| {
            let text = row.get(text_column)?.trim();
            if text.is_empty() {
                return None;
            }
            let agency = columns
                .agency
                .and_then(|i| row.get(i))
                .and_then(|cell| agency_of(cell));
            Some(Row {
                text: text.to_string(),
                label: columns.label,
                agency,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        for pattern in [
            &NUMBER_HEADER,
            &TEXT_HEADER,
            &AGENCY_HEADER,
            &NUMBER_CELL,
            &ALL_AGENCIES,
        ] {
            assert!(pattern.is_some());
        }
    }

    #[test]
    fn a_table_with_a_header() {
        let lines = [
            "No. | Recommendation | Agency",
            "1 | Agree a protocol for moves between areas. | LSCB",
            "2 | Record every child at the address. | Thornmere Police",
            "3 | Weigh every child admitted. | Acute trust",
        ];
        assert!(is_table(&lines));
        let rows = rows(&lines);
        let got: Vec<_> = rows.iter().map(|r| (r.text.as_str(), r.agency)).collect();
        assert_eq!(
            got,
            [
                (
                    "Agree a protocol for moves between areas.",
                    Some(CellAgency::Many)
                ),
                (
                    "Record every child at the address.",
                    Some(CellAgency::One("police"))
                ),
                (
                    "Weigh every child admitted.",
                    Some(CellAgency::One("acute_paediatrics"))
                ),
            ]
        );
        assert!(rows
            .iter()
            .all(|r| r.label == Some(LabelKind::Recommendation)));
    }

    #[test]
    fn a_table_without_a_header() {
        let lines = [
            "1. | The GP practice should code every plan on the child's record. | GP",
            "2. | The school should keep a record of every concern. | Schools",
        ];
        let rows = rows(&lines);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].agency, Some(CellAgency::One("school")));
        assert!(!is_table(&["Just a line", "another | line"]));
        assert!(!is_table(&["Child A | Executive summary"]));
    }

    #[test]
    fn a_markdown_table() {
        let lines = [
            "| No. | Recommendation | Lead agency |",
            "|-----|:---------------|-------------|",
            "| 1 | CAMHS should see every child who self-harms within a week. | CAMHS |",
        ];
        assert!(is_table(&lines));
        let rows = rows(&lines);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].text,
            "CAMHS should see every child who self-harms within a week."
        );
        assert_eq!(rows[0].agency, Some(CellAgency::One("camhs")));
    }
}
