//! Exports of whole result sets (DESIGN §6): `GET /api/v1/export` streams every match
//! of a search as CSV, JSON, NDJSON, RIS or BibTeX, a batch of rows at a time, and
//! `GET /api/v1/codebook` describes every column. The [`Encoder`] is shared with
//! `lessons export`, so the command line writes the same bytes as the API.

use std::borrow::Cow;
use std::collections::HashSet;

use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use lessons_index::export::{columns, Cell, Column, ExportCursor, ExportRow, LIST_SEPARATOR};
use lessons_index::{SearchRequest, View};
use lessons_model::dates::{now_rfc3339, today};
use serde::Serialize;
use serde_json::json;

use crate::citation::{bibtex, ris, site_url, Citable};
use crate::errors::ApiError;
use crate::metrics::SearchKind;
use crate::repository::Repository;

/// Version of the export columns and shapes; bumped when a column changes or goes.
pub const CODEBOOK_VERSION: &str = "1";

/// Rows read from the index per chunk of the response: fewer for reviews, whose rows
/// carry whole summaries (tens of KB each), so a chunk stays a few MB in either view.
pub fn batch_rows(view: View) -> usize {
    match view {
        View::Reviews => 64,
        View::Lessons => 512,
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
    pub fn parse(format: Option<&str>, bom: Option<&str>) -> Result<Format, ApiError> {
        let bom = match bom {
            None | Some("0") | Some("") => false,
            Some("1") => true,
            Some(other) => {
                return Err(ApiError::invalid_field(
                    "bom",
                    format!("must be 0 or 1, not {other:?}"),
                ))
            }
        };
        let format = match format.unwrap_or("csv") {
            "csv" | "" => Format::Csv { bom },
            "json" => Format::Json,
            "ndjson" => Format::Ndjson,
            "ris" => Format::Ris,
            "bibtex" => Format::Bibtex,
            other => {
                return Err(ApiError::invalid_field(
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

/// An export as asked for: the search, the format and the parameters as given.
pub struct ExportRequest {
    pub search: SearchRequest,
    pub format: Format,
    /// Every parameter as given, for the JSON provenance.
    pub parameters: Vec<(String, String)>,
}

impl ExportRequest {
    /// Reads and checks export parameters: every search parameter except the paging
    /// ones (an export has every match), plus `format` and `bom`.
    pub fn from_pairs(
        pairs: Vec<(String, String)>,
        known_boards: &[String],
    ) -> Result<ExportRequest, ApiError> {
        if let Some((key, _)) = pairs.iter().find(|(k, _)| k == "page" || k == "per_page") {
            return Err(ApiError::invalid_field(
                key,
                "an export holds every match, so it takes no page or per_page",
            ));
        }
        for name in ["format", "bom"] {
            if pairs.iter().filter(|(k, _)| k == name).count() > 1 {
                return Err(ApiError::invalid_field(name, "give it once"));
            }
        }
        let value_of = |name: &str| {
            pairs
                .iter()
                .rfind(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let format = Format::parse(value_of("format"), value_of("bom"))?;
        let search = SearchRequest::from_pairs_with(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            known_boards,
            &["format", "bom"],
        )?;
        Ok(ExportRequest {
            search,
            format,
            parameters: pairs,
        })
    }

    /// A file name for the export: `lessons-<view>-<date>.<extension>`.
    pub fn file_name(&self) -> String {
        format!(
            "lessons-{}-{}.{}",
            self.search.view.key(),
            today(),
            self.format.extension()
        )
    }
}

/// Turns rows into the bytes of one format: a head, each batch of rows, a tail.
pub struct Encoder {
    format: Format,
    view: View,
    rows_written: u64,
    /// RIS and BibTeX cite each review once, however many of its findings match.
    cited: HashSet<String>,
    /// Scheme and host that permalinks start with.
    site_url: String,
}

impl Encoder {
    pub fn new(format: Format, view: View, site_url: &str) -> Encoder {
        Encoder {
            format,
            view,
            rows_written: 0,
            cited: HashSet::new(),
            site_url: site_url.to_string(),
        }
    }

    /// What comes before the first row: the CSV header (after the BOM, if asked for)
    /// or the JSON provenance.
    pub fn head(&self, request: &ExportRequest, total: u64) -> Vec<u8> {
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
                let provenance = self.provenance(request, total);
                let mut out = b"{\"provenance\":".to_vec();
                out.extend(serde_json::to_vec(&provenance).unwrap_or_default());
                out.extend(b",\"results\":[");
                out
            }
            Format::Ndjson | Format::Ris | Format::Bibtex => Vec::new(),
        }
    }

    fn provenance(&self, request: &ExportRequest, total: u64) -> serde_json::Value {
        let mut parameters = serde_json::Map::new();
        for (key, value) in &request.parameters {
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
            "source": crate::citation::REPOSITORY_NAME,
        })
    }

    /// The bytes of a batch of rows.
    pub fn rows(&mut self, rows: &[ExportRow]) -> Vec<u8> {
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

    /// What comes after the last row.
    pub fn tail(&self) -> Vec<u8> {
        match self.format {
            Format::Json => b"]}\n".to_vec(),
            _ => Vec::new(),
        }
    }

    fn cite(&mut self, row: &ExportRow, out: &mut Vec<u8>) {
        let review_column = match self.view {
            View::Reviews => Column::Id,
            View::Lessons => Column::ReviewId,
        };
        let review_id = text(row, review_column);
        if !self.cited.insert(review_id.to_string()) {
            return;
        }
        let url = format!("{}/reviews/{review_id}", self.site_url);
        let theme_column = match self.view {
            View::Reviews => Column::Themes,
            View::Lessons => Column::ReviewThemes,
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
fn csv_records<R, F>(records: impl IntoIterator<Item = R>) -> Vec<u8>
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
    )
}

/// The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
/// Injection"): `=`, `+`, `-`, `@`, tab and carriage return.
const FORMULA_STARTS: [u8; 6] = [b'=', b'+', b'-', b'@', b'\t', b'\r'];

/// A free-text cell that would start a formula, prefixed with a single quote (which
/// spreadsheets read as "this is text"); any other cell as it is.
fn neutralise_formula(cell: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
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

/// `GET /api/v1/export`: every public match, streamed a batch at a time.
pub async fn export(
    req: HttpRequest,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, ApiError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let request = ExportRequest::from_pairs(pairs, &repository.board_slugs())?;
    let site = site_url(&req);
    let search = request.search.clone();
    let index_site = site.clone();
    let cursor = web::block(move || {
        repository.metrics.time_search(SearchKind::Export, || {
            repository.index.export(&search, today(), &index_site)
        })
    })
    .await??;
    let encoder = Encoder::new(request.format, request.search.view, &site);
    let head = encoder.head(&request, cursor.total());
    let stream = futures_util::stream::unfold(
        Streaming::Head(head, Box::new((cursor, encoder))),
        next_chunk,
    );
    Ok(HttpResponse::Ok()
        .content_type(request.format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", request.file_name()),
        ))
        .streaming(stream))
}

/// Where a streamed export has got to.
enum Streaming {
    Head(Vec<u8>, Box<(ExportCursor, Encoder)>),
    Rows(Box<(ExportCursor, Encoder)>),
    Done,
}

async fn next_chunk(state: Streaming) -> Option<(Result<Bytes, actix_web::Error>, Streaming)> {
    match state {
        Streaming::Head(head, work) => Some((Ok(Bytes::from(head)), Streaming::Rows(work))),
        Streaming::Rows(work) => {
            let batch = web::block(move || {
                let (mut cursor, mut encoder) = *work;
                let rows = cursor.next_batch(batch_rows(encoder.view))?;
                let bytes = if rows.is_empty() {
                    None
                } else {
                    Some(encoder.rows(&rows))
                };
                Ok::<_, lessons_index::IndexError>((bytes, Box::new((cursor, encoder))))
            })
            .await;
            match batch {
                Ok(Ok((Some(bytes), work))) => {
                    Some((Ok(Bytes::from(bytes)), Streaming::Rows(work)))
                }
                Ok(Ok((None, work))) => Some((Ok(Bytes::from(work.1.tail())), Streaming::Done)),
                Ok(Err(e)) => {
                    tracing::error!("export stopped: {e}");
                    Some((
                        Err(actix_web::error::ErrorInternalServerError(e)),
                        Streaming::Done,
                    ))
                }
                Err(e) => {
                    tracing::error!("export stopped: {e}");
                    Some((
                        Err(actix_web::error::ErrorInternalServerError(e)),
                        Streaming::Done,
                    ))
                }
            }
        }
        Streaming::Done => None,
    }
}

/// One column as the codebook describes it.
#[derive(Serialize)]
struct CodebookColumn {
    name: &'static str,
    #[serde(rename = "type")]
    column_type: &'static str,
    description: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    vocabulary: Option<Vec<serde_json::Value>>,
}

/// The codebook as JSON: every column of each view, in export order.
pub fn codebook() -> serde_json::Value {
    let view_columns = |view: View| -> Vec<CodebookColumn> {
        columns(view)
            .iter()
            .map(|column| CodebookColumn {
                name: column.name(),
                column_type: column.column_type().key(),
                description: column.description(view),
                vocabulary: column.vocabulary().map(|vocabulary| {
                    vocabulary
                        .terms()
                        .iter()
                        .map(|t| json!({ "value": t.slug, "label": t.label }))
                        .collect()
                }),
            })
            .collect()
    };
    json!({
        "version": CODEBOOK_VERSION,
        "separator": LIST_SEPARATOR,
        "views": {
            "reviews": view_columns(View::Reviews),
            "lessons": view_columns(View::Lessons),
        }
    })
}

/// The codebook as Markdown: the text of `docs/codebook.md` (a test keeps the file
/// equal to this, so the published codebook never drifts from the code).
pub fn codebook_markdown() -> String {
    let mut out = String::from(
        "# Export codebook\n\n\
         The columns of `GET /api/v1/export` and `lessons export`, view by view, in file order. \
         Generated from the code (`web/src/export.rs`); the same list is served as JSON at \
         `GET /api/v1/codebook`.\n\n\
         - Types: `string`; `integer`; `boolean` (`true`/`false`); `date` (`YYYY-MM-DD`, \
         `incident_date` may be `YYYY-MM`); `list` (a JSON array, or in CSV one cell with the \
         values joined by `; `).\n\
         - An unknown or unrecorded value is an empty CSV cell, or `null` in JSON.\n\
         - CSV only: a cell of text people typed (`title`, `pseudonyms`, `board_name`, \
         `keywords`, `text`, `summary`) that starts with `=`, `+`, `-`, `@`, a tab or a carriage \
         return gets a single quote (`'`) in front, so that spreadsheet programs show it as text \
         instead of running it as a formula (OWASP's advice on CSV injection). Remove that one \
         leading quote to get the text as deposited; JSON, NDJSON, RIS and BibTeX give it \
         unchanged.\n\
         - Vocabulary columns hold slugs; their labels are at `GET /api/v1/vocabularies` and in \
         the JSON codebook.\n",
    );
    out.push_str(&format!("- Codebook version: {CODEBOOK_VERSION}.\n"));
    for view in [View::Reviews, View::Lessons] {
        let heading = match view {
            View::Reviews => "Reviews view (`view=reviews`, one row per review)",
            View::Lessons => "Lessons view (`view=lessons`, one row per finding)",
        };
        out.push_str(&format!(
            "\n## {heading}\n\n| column | type | vocabulary | description |\n|---|---|---|---|\n"
        ));
        for column in columns(view) {
            let vocabulary = column.vocabulary().map(vocabulary_name).unwrap_or_default();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                column.name(),
                column.column_type().key(),
                vocabulary,
                column.description(view)
            ));
        }
    }
    out
}

/// The name of a vocabulary as the codebook's Markdown shows it.
fn vocabulary_name(vocabulary: lessons_model::Vocabulary) -> &'static str {
    use lessons_model::Vocabulary as V;
    match vocabulary {
        V::Theme => "themes",
        V::Agency => "agencies",
        V::Region => "regions",
        V::ReviewType => "review types",
        V::Methodology => "methodologies",
        V::AgeBand => "age bands",
        V::Incident => "incidents",
        V::Abuse => "abuse",
        V::SourceOfHarm => "sources of harm",
        V::Sex => "sexes",
        V::ParallelProcess => "parallel processes",
        V::OfstedGrade => "Ofsted grades",
        V::LessonKind => "finding kinds",
        V::Level => "levels",
        V::DocumentType => "document types",
        V::Timeliness => "timeliness",
    }
}

/// `GET /api/v1/codebook`: takes no parameters.
pub async fn codebook_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if let Some((key, _)) = form_urlencoded::parse(req.query_string().as_bytes()).next() {
        return Err(ApiError::invalid_field(
            &key,
            "the codebook takes no parameters",
        ));
    }
    Ok(HttpResponse::Ok().json(codebook()))
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

    #[test]
    fn paging_is_refused() {
        let pairs = vec![("page".to_string(), "2".to_string())];
        assert!(ExportRequest::from_pairs(pairs, &[]).is_err());
    }

    /// `docs/codebook.md` is generated: run with UPDATE_DOCS=1 to rewrite it.
    #[test]
    fn the_published_codebook_matches_the_code() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/codebook.md");
        let expected = codebook_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let published = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            published == expected,
            "docs/codebook.md is out of date: run UPDATE_DOCS=1 cargo test -p lessons-web --lib codebook"
        );
    }

    #[test]
    fn the_codebook_lists_every_column_with_its_vocabulary() {
        let book = codebook();
        let lessons = book["views"]["lessons"].as_array().unwrap();
        assert_eq!(lessons.len(), columns(View::Lessons).len());
        let level = lessons.iter().find(|c| c["name"] == "level").unwrap();
        assert_eq!(level["vocabulary"][0]["value"], "individual");
        assert_eq!(book["separator"], "; ");
    }
}
