//! Exports of recurring lessons (DESIGN §9): `GET /api/v1/recurring/export` as CSV,
//! JSON or NDJSON, one row per recurring lesson (`what=lessons`) or per member finding
//! (`what=members`), with the columns described here (and listed in the codebook).
//! The filters are those of `/api/v1/recurring` (no paging: every match).

use lessons_index::export::{Cell, ColumnType, LIST_SEPARATOR};
use lessons_model::dates::{now_rfc3339, today};
use lessons_model::{FieldError, Vocabulary};
use serde_json::json;

use super::citation::REPOSITORY_NAME;
use super::export::{csv_records, neutralise_formula, Format, CODEBOOK_VERSION};
use crate::service::recurring::{RecurringDetail, RecurringRequest};
use crate::service::{ServiceError, ServiceResult};

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// One row per recurring lesson.
    Lessons,
    /// One row per member finding of each recurring lesson.
    Members,
}

impl What {
    pub const ALL: [What; 2] = [What::Lessons, What::Members];

    pub fn key(self) -> &'static str {
        match self {
            What::Lessons => "lessons",
            What::Members => "members",
        }
    }
}

/// The formats a recurring export takes.
pub const FORMATS: [&str; 3] = ["csv", "json", "ndjson"];

/// One column of a recurring export.
pub struct RecurringColumn {
    pub name: &'static str,
    pub column_type: ColumnType,
    pub vocabulary: Option<Vocabulary>,
    pub description: &'static str,
    /// Text people typed (guarded against formulas in CSV).
    free_text: bool,
}

const fn column(
    name: &'static str,
    column_type: ColumnType,
    vocabulary: Option<Vocabulary>,
    description: &'static str,
    free_text: bool,
) -> RecurringColumn {
    RecurringColumn {
        name,
        column_type,
        vocabulary,
        description,
        free_text,
    }
}

/// The columns of `what=lessons`.
pub const LESSON_COLUMNS: &[RecurringColumn] = &[
    column("id", ColumnType::String, None, "The recurring lesson's id (rl-N), stable across regroupings where its membership carries over.", false),
    column("permalink", ColumnType::String, None, "Web address of the recurring lesson's page.", false),
    column("label", ColumnType::String, None, "A short name: the first sentence of the representative text.", true),
    column("text", ColumnType::String, None, "The text of the member finding most representative of the group (verbatim).", true),
    column("reviews", ColumnType::Integer, None, "How many distinct public reviews made this point.", false),
    column("boards", ColumnType::Integer, None, "How many distinct boards' reviews made it.", false),
    column("findings", ColumnType::Integer, None, "How many public findings are members (a review may make the point more than once).", false),
    column("first_year", ColumnType::Integer, None, "The earliest year of a member's review (publication year, else completion year).", false),
    column("last_year", ColumnType::Integer, None, "The latest year of a member's review.", false),
    column("years", ColumnType::List, None, "Reviews per year as YEAR:COUNT, oldest first (years without a review left out).", false),
    column("themes", ColumnType::List, Some(Vocabulary::Theme), "Themes of the member findings, most frequent first.", false),
    column("agencies", ColumnType::List, Some(Vocabulary::Agency), "Agencies the member findings address, most frequent first.", false),
    column("levels", ColumnType::List, Some(Vocabulary::Level), "Levels of the member findings, most frequent first.", false),
];

/// The columns of `what=members`.
pub const MEMBER_COLUMNS: &[RecurringColumn] = &[
    column(
        "recurring_id",
        ColumnType::String,
        None,
        "The recurring lesson the finding belongs to (rl-N).",
        false,
    ),
    column(
        "finding_id",
        ColumnType::String,
        None,
        "The finding's citable id: the review id, '#L' and the finding's number.",
        false,
    ),
    column(
        "permalink",
        ColumnType::String,
        None,
        "Web address of the finding on its review's page.",
        false,
    ),
    column(
        "review_id",
        ColumnType::String,
        None,
        "Id of the review the finding comes from.",
        false,
    ),
    column(
        "review_title",
        ColumnType::String,
        None,
        "That review's title as published.",
        true,
    ),
    column(
        "board",
        ColumnType::String,
        None,
        "Slug of the board that ran the review.",
        false,
    ),
    column(
        "year",
        ColumnType::Integer,
        None,
        "The review's year (publication year, else completion year).",
        false,
    ),
    column(
        "kind",
        ColumnType::String,
        Some(Vocabulary::LessonKind),
        "Whether the finding is a lesson or a recommendation.",
        false,
    ),
    column(
        "level",
        ColumnType::String,
        Some(Vocabulary::Level),
        "Whether the finding concerns individual practice, an agency or the partnership.",
        false,
    ),
    column(
        "agency",
        ColumnType::String,
        Some(Vocabulary::Agency),
        "The agency the finding is addressed to, where recorded.",
        false,
    ),
    column(
        "text",
        ColumnType::String,
        None,
        "The finding as written in the review.",
        true,
    ),
];

/// The columns of `what`.
pub fn columns(what: What) -> &'static [RecurringColumn] {
    match what {
        What::Lessons => LESSON_COLUMNS,
        What::Members => MEMBER_COLUMNS,
    }
}

/// A recurring export as asked for.
pub struct RecurringExport {
    pub filters: RecurringRequest,
    pub format: Format,
    pub what: What,
    /// Every parameter as given, for the JSON provenance.
    pub parameters: Vec<(String, String)>,
}

impl RecurringExport {
    /// Reads and checks the filters of `/api/v1/recurring` (no paging) plus `format`
    /// (`csv`, `json`, `ndjson`), `what` (`lessons`, `members`) and `bom`.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> ServiceResult<RecurringExport> {
        let mut errors: Vec<FieldError> = Vec::new();
        let filters = match RecurringRequest::from_pairs(&pairs, &["format", "what", "bom"], false)
        {
            Ok(filters) => Some(filters),
            Err(ServiceError::Invalid(found)) => {
                errors.extend(found.0);
                None
            }
            Err(other) => return Err(other),
        };
        let value_of = |name: &str| {
            pairs
                .iter()
                .rfind(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let format = match value_of("format") {
            None | Some("") | Some("csv") | Some("json") | Some("ndjson") => {
                match Format::parse(value_of("format"), value_of("bom")) {
                    Ok(format) => Some(format),
                    Err(error) => {
                        errors.push(error);
                        None
                    }
                }
            }
            Some(other) => {
                errors.push(FieldError {
                    field: "format".into(),
                    message: format!("unknown value \"{other}\""),
                    allowed: Some(FORMATS.iter().map(|s| s.to_string()).collect()),
                });
                None
            }
        };
        let what = match value_of("what") {
            None | Some("") | Some("lessons") => Some(What::Lessons),
            Some("members") => Some(What::Members),
            Some(other) => {
                errors.push(FieldError {
                    field: "what".into(),
                    message: format!("unknown value \"{other}\""),
                    allowed: Some(What::ALL.iter().map(|w| w.key().to_string()).collect()),
                });
                None
            }
        };
        match (filters, format, what) {
            (Some(filters), Some(format), Some(what)) if errors.is_empty() => Ok(RecurringExport {
                filters,
                format,
                what,
                parameters: pairs,
            }),
            _ => Err(errors.into()),
        }
    }

    /// `recurring-lessons-2026-12-07.csv`, `recurring-members-2026-12-07.json`.
    pub fn file_name(&self) -> String {
        format!(
            "recurring-{}-{}.{}",
            self.what.key(),
            today(),
            self.format.extension()
        )
    }

    /// The whole export as bytes (recurring lessons are few: a listing, not a corpus).
    pub fn encode(&self, lessons: &[RecurringDetail], site_url: &str) -> Vec<u8> {
        let columns = columns(self.what);
        let rows: Vec<Vec<Cell>> = match self.what {
            What::Lessons => lessons.iter().map(|l| lesson_row(l, site_url)).collect(),
            What::Members => lessons
                .iter()
                .flat_map(|l| member_rows(l, site_url))
                .collect(),
        };
        match self.format {
            Format::Csv { bom } => {
                let mut out = if bom {
                    "\u{feff}".as_bytes().to_vec()
                } else {
                    Vec::new()
                };
                out.extend(csv_records([columns.iter().map(|c| c.name.as_bytes())]));
                out.extend(csv_records(rows.iter().map(|row| {
                    columns.iter().zip(row).map(|(column, cell)| {
                        let text = csv_text(cell);
                        if column.free_text {
                            neutralise_formula(text.into()).into_owned()
                        } else {
                            text
                        }
                    })
                })));
                out
            }
            Format::Json => {
                let results: Vec<serde_json::Value> =
                    rows.iter().map(|row| object(columns, row)).collect();
                let body = json!({
                    "provenance": self.provenance(rows.len()),
                    "results": results,
                });
                let mut out = serde_json::to_vec(&body).unwrap_or_default();
                out.push(b'\n');
                out
            }
            _ => {
                let mut out = Vec::new();
                for row in &rows {
                    out.extend(serde_json::to_vec(&object(columns, row)).unwrap_or_default());
                    out.push(b'\n');
                }
                out
            }
        }
    }

    fn provenance(&self, total: usize) -> serde_json::Value {
        let mut parameters = serde_json::Map::new();
        for (key, value) in &self.parameters {
            let values = parameters.entry(key.clone()).or_insert_with(|| json!([]));
            if let Some(list) = values.as_array_mut() {
                list.push(json!(value));
            }
        }
        json!({
            "parameters": parameters,
            "what": self.what.key(),
            "generated_at": now_rfc3339(),
            "total": total,
            "version": format!("lessons {}; codebook {CODEBOOK_VERSION}", env!("CARGO_PKG_VERSION")),
            "source": REPOSITORY_NAME,
        })
    }
}

fn object(columns: &[RecurringColumn], row: &[Cell]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (column, cell) in columns.iter().zip(row) {
        map.insert(
            column.name.to_string(),
            serde_json::to_value(cell).unwrap_or_default(),
        );
    }
    serde_json::Value::Object(map)
}

fn csv_text(cell: &Cell) -> Vec<u8> {
    match cell {
        Cell::Text(text) => text.as_bytes().to_vec(),
        Cell::Integer(value) => value
            .map(|v| v.to_string())
            .unwrap_or_default()
            .into_bytes(),
        Cell::Boolean(value) => value
            .map(|v| v.to_string())
            .unwrap_or_default()
            .into_bytes(),
        Cell::List(values) => values.join(LIST_SEPARATOR).into_bytes(),
    }
}

fn int(value: impl TryInto<i64>) -> Cell {
    Cell::Integer(value.try_into().ok())
}

fn lesson_row(lesson: &RecurringDetail, site_url: &str) -> Vec<Cell> {
    let s = &lesson.summary;
    vec![
        Cell::Text(s.id.clone()),
        Cell::Text(format!("{site_url}/recurring/{}", s.id)),
        Cell::Text(s.label.clone()),
        Cell::Text(s.text.clone()),
        int(s.reviews),
        int(s.boards),
        int(s.findings),
        Cell::Integer(s.first_year.map(i64::from)),
        Cell::Integer(s.last_year.map(i64::from)),
        Cell::List(
            s.years
                .iter()
                .map(|y| format!("{}:{}", y.year, y.count))
                .collect(),
        ),
        Cell::List(s.themes.clone()),
        Cell::List(s.agencies.clone()),
        Cell::List(s.levels.clone()),
    ]
}

fn member_rows(lesson: &RecurringDetail, site_url: &str) -> Vec<Vec<Cell>> {
    lesson
        .members
        .iter()
        .map(|m| {
            vec![
                Cell::Text(lesson.summary.id.clone()),
                Cell::Text(m.finding_id.clone()),
                Cell::Text(format!("{site_url}/reviews/{}", m.finding_id)),
                Cell::Text(m.review_id.clone()),
                Cell::Text(m.review_title.clone()),
                Cell::Text(m.board.clone()),
                Cell::Integer(m.year.map(i64::from)),
                Cell::Text(m.kind.clone()),
                Cell::Text(m.level.clone()),
                Cell::Text(m.agency.clone().unwrap_or_default()),
                Cell::Text(m.text.clone()),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::recurring::{RecurringMember, RecurringSummary, YearCount};

    fn pairs(query: &str) -> Vec<(String, String)> {
        crate::service::requests::query_pairs(query)
    }

    fn sample() -> RecurringDetail {
        RecurringDetail {
            summary: RecurringSummary {
                id: "rl-1".into(),
                label: "=Father not seen".into(),
                text: "=Father not seen.".into(),
                reviews: 2,
                boards: 2,
                findings: 2,
                first_year: Some(2009),
                last_year: Some(2011),
                years: vec![
                    YearCount {
                        year: 2009,
                        count: 1,
                    },
                    YearCount {
                        year: 2011,
                        count: 1,
                    },
                ],
                themes: vec!["unseen_men".into()],
                agencies: vec![],
                levels: vec!["practice".into()],
            },
            members: vec![RecurringMember {
                finding_id: "scr-2009-a-0001#L1".into(),
                review_id: "scr-2009-a-0001".into(),
                review_title: "A".into(),
                board: "a".into(),
                year: Some(2009),
                kind: "lesson".into(),
                level: "practice".into(),
                agency: None,
                text: "The father was not seen.".into(),
            }],
        }
    }

    #[test]
    fn every_row_has_every_column_and_free_text_is_guarded() {
        let export = RecurringExport::from_pairs(pairs("format=csv")).unwrap();
        let csv = String::from_utf8(export.encode(&[sample()], "http://x")).unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next().unwrap().split(',').count(),
            LESSON_COLUMNS.len()
        );
        let row = lines.next().unwrap();
        assert!(
            row.starts_with("rl-1,http://x/recurring/rl-1,'=Father"),
            "{row}"
        );
        assert!(row.contains("2009:1; 2011:1"));
        let members = RecurringExport::from_pairs(pairs("what=members&format=ndjson")).unwrap();
        let line = String::from_utf8(members.encode(&[sample()], "http://x")).unwrap();
        let value: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
        assert_eq!(value.as_object().unwrap().len(), MEMBER_COLUMNS.len());
        assert_eq!(value["recurring_id"], "rl-1");
        assert_eq!(value["agency"], serde_json::Value::Null);
    }

    #[test]
    fn parameters_are_checked_together() {
        let Err(ServiceError::Invalid(errors)) =
            RecurringExport::from_pairs(pairs("format=ris&what=all&page=2&theme=nope"))
        else {
            panic!("expected errors")
        };
        let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["format", "page", "theme", "what"]);
    }
}
