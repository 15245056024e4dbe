//! The file formats of exports (DESIGN §6): CSV, JSON, NDJSON, RIS and BibTeX. The
//! [`Encoder`] turns batches of export rows into bytes; `GET /api/v1/export` and
//! `lessons export` share it, so the command line writes the same bytes as the API.

use std::borrow::Cow;
use std::collections::HashSet;

use lessons_index::export::{columns, Cell, Column, ExportRow, ExportView, LIST_SEPARATOR};
use lessons_model::dates::{now_rfc3339, today};
use lessons_model::FieldError;
use serde_json::json;

use super::citation::{bibtex, ris, Citable, REPOSITORY_NAME};

/// Version of the export columns and shapes; bumped when a column changes or goes.
pub const CODEBOOK_VERSION: &str = "4";

/// Rows read from the index per chunk of the response: fewer for reviews, whose rows
/// carry whole summaries (tens of KB each), so a chunk stays a few MB in either view.
/// (In the actions view, a batch is this many recommendations, each with its actions.)
pub fn batch_rows(view: ExportView) -> usize {
    match view {
        ExportView::Reviews => 64,
        ExportView::Lessons => 512,
        ExportView::Actions => 128,
    }
}

/// The file formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 with a header row; `bom` starts the file with a UTF-8 byte-order mark
    /// (for spreadsheet programs that otherwise guess the encoding).
    Csv { bom: bool },
    /// `{ "provenance": {...}, "results": [...] }`.
    Json,
    /// One JSON object per line, nothing else.
    Ndjson,
    /// One RIS record per review (in the lessons view, per review the findings come from).
    Ris,
    /// One BibTeX entry per review, as for RIS.
    Bibtex,
}

impl Format {
    pub const KEYS: [&'static str; 5] = ["csv", "json", "ndjson", "ris", "bibtex"];

    /// Reads `format` and `bom` as given (`None` when absent); `bom` only changes CSV.
    pub fn parse(format: Option<&str>, bom: Option<&str>) -> Result<Format, FieldError> {
        let bom = match bom {
            None | Some("0") | Some("") => false,
            Some("1") => true,
            Some(other) => {
                return Err(field_error("bom", format!("must be 0 or 1, not {other:?}")))
            }
        };
        let format = match format.unwrap_or("csv") {
            "csv" | "" => Format::Csv { bom },
            "json" => Format::Json,
            "ndjson" => Format::Ndjson,
            "ris" => Format::Ris,
            "bibtex" => Format::Bibtex,
            other => {
                return Err(field_error(
                    "format",
                    format!(
                        "unknown value {other:?}: use one of {}",
                        Format::KEYS.join(", ")
                    ),
                ))
            }
        };
        // `bom` is accepted with every format and applies to CSV only: the OpenAPI
        // document cannot tie one parameter to another's value.
        Ok(format)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv { .. } => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Ndjson => "application/x-ndjson",
            Format::Ris => "application/x-research-info-systems",
            Format::Bibtex => "application/x-bibtex; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv { .. } => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Ris => "ris",
            Format::Bibtex => "bib",
        }
    }
}

/// Turns rows into the bytes of one format: a head, each batch of rows, a tail.
pub struct Encoder {
    format: Format,
    view: ExportView,
    rows_written: u64,
    /// RIS and BibTeX cite each review once, however many of its findings match.
    cited: HashSet<String>,
    /// Scheme and host that permalinks start with.
    site_url: String,
    /// Finding id -> recurring lesson id, for the lessons view's `recurring_id`.
    recurring: std::collections::HashMap<String, String>,
}

impl Encoder {
    pub fn new(format: Format, view: ExportView, site_url: &str) -> Encoder {
        Encoder {
            format,
            view,
            rows_written: 0,
            cited: HashSet::new(),
            site_url: site_url.to_string(),
            recurring: std::collections::HashMap::new(),
        }
    }

    /// Fills the lessons view's `recurring_id` from `recurring` (finding id -> id).
    pub fn with_recurring(
        mut self,
        recurring: std::collections::HashMap<String, String>,
    ) -> Encoder {
        self.recurring = recurring;
        self
    }

    /// The view whose rows this encodes.
    pub fn view(&self) -> ExportView {
        self.view
    }

    /// What comes before the first row: the CSV header (after the BOM, if asked for)
    /// or the JSON provenance.
    pub fn head(&self, parameters: &[(String, String)], total: u64) -> Vec<u8> {
        match self.format {
            Format::Csv { bom } => {
                let mut out = if bom {
                    "\u{feff}".as_bytes().to_vec()
                } else {
                    Vec::new()
                };
                let names = columns(self.view).iter().map(|c| c.name());
                out.extend(csv_records([names]));
                out
            }
            Format::Json => {
                let provenance = self.provenance(parameters, total);
                let mut out = b"{\"provenance\":".to_vec();
                out.extend(serde_json::to_vec(&provenance).unwrap_or_default());
                out.extend(b",\"results\":[");
                out
            }
            Format::Ndjson | Format::Ris | Format::Bibtex => Vec::new(),
        }
    }

    fn provenance(&self, given: &[(String, String)], total: u64) -> serde_json::Value {
        let mut parameters = serde_json::Map::new();
        for (key, value) in given {
            let values = parameters.entry(key.clone()).or_insert_with(|| json!([]));
            if let Some(list) = values.as_array_mut() {
                list.push(json!(value));
            }
        }
        json!({
            "parameters": parameters,
            "view": self.view.key(),
            "generated_at": now_rfc3339(),
            "total": total,
            "version": format!("lessons {}; codebook {CODEBOOK_VERSION}", env!("CARGO_PKG_VERSION")),
            "codebook": format!("{}/api/v1/codebook", self.site_url),
            "source": REPOSITORY_NAME,
        })
    }

    /// The bytes of a batch of rows (their permalinks made absolute first).
    pub fn rows(&mut self, rows: &mut [ExportRow]) -> Vec<u8> {
        for row in rows.iter_mut() {
            row.absolute_permalinks(&self.site_url);
            self.fill_recurring(row);
        }
        if let Format::Csv { .. } = self.format {
            self.rows_written += rows.len() as u64;
            return csv_records(
                rows.iter()
                    .map(|row| row.iter().map(|(column, cell)| csv_cell(column, cell))),
            );
        }
        let mut out = Vec::with_capacity(rows.len() * 1024);
        for row in rows {
            // Serialising to a Vec cannot fail.
            match self.format {
                Format::Json => {
                    if self.rows_written > 0 {
                        out.push(b',');
                    }
                    let _ = serde_json::to_writer(&mut out, row);
                }
                Format::Ndjson => {
                    let _ = serde_json::to_writer(&mut out, row);
                    out.push(b'\n');
                }
                _ => self.cite(row, &mut out),
            }
            self.rows_written += 1;
        }
        out
    }

    /// Puts the finding's recurring lesson in a lessons-view row's `recurring_id`.
    fn fill_recurring(&self, row: &mut ExportRow) {
        if self.view != ExportView::Lessons {
            return;
        }
        let id = text(row, Column::Id).to_string();
        let Some(group) = self.recurring.get(&id) else {
            return;
        };
        for (column, cell) in columns(ExportView::Lessons)
            .iter()
            .zip(row.cells.iter_mut())
        {
            if *column == Column::RecurringId {
                *cell = Cell::Text(group.clone());
            }
        }
    }

    /// What comes after the last row.
    pub fn tail(&self) -> Vec<u8> {
        match self.format {
            Format::Json => b"]}\n".to_vec(),
            _ => Vec::new(),
        }
    }

    fn cite(&mut self, row: &ExportRow, out: &mut Vec<u8>) {
        let review_column = match self.view {
            ExportView::Reviews => Column::Id,
            ExportView::Lessons | ExportView::Actions => Column::ReviewId,
        };
        let review_id = text(row, review_column);
        if !self.cited.insert(review_id.to_string()) {
            return;
        }
        let url = format!("{}/reviews/{review_id}", self.site_url);
        let theme_column = match self.view {
            ExportView::Reviews => Column::Themes,
            ExportView::Lessons | ExportView::Actions => Column::ReviewThemes,
        };
        let mut keywords = list(row, theme_column);
        keywords.extend(list(row, Column::Keywords));
        let year = match row.get(Column::Year) {
            Some(Cell::Integer(year)) => year.and_then(|y| i32::try_from(y).ok()),
            _ => None,
        };
        let published_on = text(row, Column::PublishedOn);
        let cite = Citable {
            id: review_id,
            title: text(row, Column::Title),
            board_name: text(row, Column::BoardName),
            year,
            published_on: (!published_on.is_empty()).then_some(published_on),
            keywords,
            url: &url,
            accessed: today(),
        };
        match self.format {
            Format::Bibtex => {
                if self.cited.len() > 1 {
                    out.push(b'\n');
                }
                out.extend(bibtex(&cite).into_bytes());
            }
            _ => out.extend(ris(&cite).into_bytes()),
        }
    }
}

fn text(row: &ExportRow, column: Column) -> &str {
    match row.get(column) {
        Some(Cell::Text(text)) => text,
        _ => "",
    }
}

fn list(row: &ExportRow, column: Column) -> Vec<&str> {
    match row.get(column) {
        Some(Cell::List(values)) => values.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}

/// CSV records (RFC 4180: fields quoted when needed, CRLF line ends).
pub(crate) fn csv_records<R, F>(records: impl IntoIterator<Item = R>) -> Vec<u8>
where
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(64 * 1024));
    for record in records {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(record);
    }
    writer.into_inner().unwrap_or_default()
}

/// Columns of text typed by people (depositors, administrators), whose CSV cells are
/// guarded against formula injection (see [`neutralise_formula`]).
fn is_free_text(column: Column) -> bool {
    matches!(
        column,
        Column::Title
            | Column::Pseudonyms
            | Column::BoardName
            | Column::Keywords
            | Column::Text
            | Column::Summary
            | Column::ActionText
            | Column::Evidence
    )
}

/// The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
/// Injection"): `=`, `+`, `-`, `@`, tab and carriage return.
const FORMULA_STARTS: [u8; 6] = [b'=', b'+', b'-', b'@', b'\t', b'\r'];

/// A free-text cell that would start a formula, prefixed with a single quote (which
/// spreadsheets read as "this is text"); any other cell as it is.
pub(crate) fn neutralise_formula(cell: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
    match cell.first() {
        Some(first) if FORMULA_STARTS.contains(first) => {
            let mut quoted = Vec::with_capacity(cell.len() + 1);
            quoted.push(b'\'');
            quoted.extend_from_slice(&cell);
            Cow::Owned(quoted)
        }
        _ => cell,
    }
}

/// A cell of `column` as CSV text: lists joined with `; `, unknown values empty, free
/// text guarded against formula injection.
fn csv_cell(column: Column, cell: &Cell) -> Cow<'_, [u8]> {
    let text = csv_text(cell);
    if is_free_text(column) {
        neutralise_formula(text)
    } else {
        text
    }
}

/// A cell as CSV text: lists joined with `; `, unknown values empty.
fn csv_text(cell: &Cell) -> Cow<'_, [u8]> {
    match cell {
        Cell::Text(text) => Cow::Borrowed(text.as_bytes()),
        Cell::Integer(value) => Cow::Owned(
            value
                .map(|v| v.to_string())
                .unwrap_or_default()
                .into_bytes(),
        ),
        Cell::Boolean(value) => Cow::Borrowed(match value {
            Some(true) => b"true",
            Some(false) => b"false",
            None => b"",
        }),
        Cell::List(values) => Cow::Owned(values.join(LIST_SEPARATOR).into_bytes()),
    }
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.into(),
        allowed: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_ends_lines_with_crlf() {
        let line = csv_records([["plain", "with, comma", "with \"quotes\"", "two\nlines"]]);
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "plain,\"with, comma\",\"with \"\"quotes\"\"\",\"two\nlines\"\r\n"
        );
    }

    #[test]
    fn free_text_cells_never_start_a_formula() {
        let cell = |column, text: &str| {
            String::from_utf8(csv_cell(column, &Cell::Text(text.into())).into_owned()).unwrap()
        };
        for start in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(cell(Column::Title, start), format!("'{start}"));
            assert_eq!(cell(Column::Text, start), format!("'{start}"));
        }
        assert_eq!(cell(Column::Summary, "Child A =1"), "Child A =1");
        assert_eq!(cell(Column::Summary, "'=1"), "'=1");
        assert_eq!(cell(Column::Id, "-1"), "-1", "only free text is touched");
        let list = Cell::List(vec!["@a".into(), "b".into()]);
        assert_eq!(csv_cell(Column::Keywords, &list).as_ref(), b"'@a; b");
        assert_eq!(csv_cell(Column::Themes, &list).as_ref(), b"@a; b");
    }

    #[test]
    fn formats_and_byte_order_marks_are_checked() {
        assert_eq!(
            Format::parse(None, None).unwrap(),
            Format::Csv { bom: false }
        );
        assert_eq!(
            Format::parse(Some("csv"), Some("1")).unwrap(),
            Format::Csv { bom: true }
        );
        assert!(Format::parse(Some("xlsx"), None).is_err());
        assert_eq!(
            Format::parse(Some("json"), Some("1")).unwrap(),
            Format::Json
        );
        assert!(Format::parse(None, Some("yes")).is_err());
        assert!(
            Format::parse(Some(" json"), None).is_err(),
            "values are not trimmed"
        );
        assert!(Format::parse(None, Some(" ")).is_err());
    }
}
