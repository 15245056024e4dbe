//! Exports: every match of a search, in the search's order, read a batch at a time so
//! that a caller can stream any number of rows with flat memory ([`ExportCursor`]), and
//! the columns of each [`ExportView`] with their names, types and vocabularies ([`Column`]; their
//! descriptions and the codebook are the web crate's `formats::codebook`). A row comes from one stored document (the hit's display
//! data, which carries the review's public metadata, plus its text), never from the
//! store, so an export sees exactly the public documents a search sees.
//!
//! Memory: the cursor keeps one (sort key, address) pair per match (16 bytes) to put
//! the matches in order, and one batch of rows at a time.
//!
//! The `actions` view (DESIGN §10) has one row per action of the matching findings of
//! a lessons-view search: only findings with actions are kept (from the `action_count`
//! fast field, which also gives the total without reading a document), each giving a
//! row per action in its plan's order. Whether an action was completed on time
//! (`updated_on` <= `due`) and whether it is overdue are worked out for the cursor's day.

use std::cmp::Ordering;
use std::mem::take;
use std::sync::Arc;

use lessons_model::dates::parse_date;
use lessons_model::vocab::Vocabulary;
use lessons_model::Action;
use serde::de::DeserializeOwned;
use serde::ser::{Serialize, SerializeMap, Serializer};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column as FastColumn;
use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument};

use crate::context::SearchContext;
use crate::document::{Display, ReviewMetadata};
use crate::error::IndexError;
use crate::params::{SearchRequest, Sort, View};
use crate::schema::{Fields, ACTION_COUNT_FIELD};
use crate::search::effective_sort;
use time::Date;

/// What one row of an export stands for: a review, a finding, or an action of a
/// recommendation's plan (the matches of a lessons-view search, one row per action).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportView {
    Reviews,
    Lessons,
    Actions,
}

impl ExportView {
    pub const ALL: [ExportView; 3] = [
        ExportView::Reviews,
        ExportView::Lessons,
        ExportView::Actions,
    ];

    /// The `view` parameter's value.
    pub fn key(self) -> &'static str {
        match self {
            ExportView::Reviews => "reviews",
            ExportView::Lessons => "lessons",
            ExportView::Actions => "actions",
        }
    }

    pub fn from_key(key: &str) -> Option<ExportView> {
        ExportView::ALL.into_iter().find(|v| v.key() == key)
    }

    /// The search view whose matches the rows come from.
    pub fn search_view(self) -> View {
        match self {
            ExportView::Reviews => View::Reviews,
            ExportView::Lessons | ExportView::Actions => View::Lessons,
        }
    }
}

impl From<View> for ExportView {
    fn from(view: View) -> ExportView {
        match view {
            View::Reviews => ExportView::Reviews,
            View::Lessons => ExportView::Lessons,
        }
    }
}

/// The kind of value a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    String,
    Integer,
    Boolean,
    /// `YYYY-MM-DD` (`incident_date` may be `YYYY-MM`).
    Date,
    /// Several strings: a JSON array, or joined with [`LIST_SEPARATOR`] in CSV.
    List,
}

impl ColumnType {
    pub fn key(self) -> &'static str {
        match self {
            ColumnType::String => "string",
            ColumnType::Integer => "integer",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::List => "list",
        }
    }
}

/// How the values of a list column are joined in a CSV cell.
pub const LIST_SEPARATOR: &str = "; ";

/// Every column an export can have. [`columns`] gives each view's, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Rank,
    Id,
    Permalink,
    ReviewId,
    Title,
    Pseudonyms,
    Board,
    BoardName,
    Region,
    ReviewType,
    Methodology,
    Incident,
    Abuse,
    SourceOfHarm,
    AgeBand,
    Sex,
    IncidentDate,
    CommissionedOn,
    CompletedOn,
    PublishedOn,
    Year,
    DurationMonths,
    OverSixMonths,
    ParallelProcesses,
    OfstedGrade,
    Themes,
    ReviewThemes,
    Agencies,
    ReviewAgencies,
    Keywords,
    LessonCount,
    Kind,
    Level,
    Agency,
    Text,
    Summary,
    /// The recurring lesson a finding belongs to: the index does not know groups, so
    /// its rows leave this empty and the web crate's encoder fills it.
    RecurringId,
    /// A recommendation's number of actions (empty for other findings).
    Actions,
    /// How many of them are completed.
    ActionsCompleted,
    /// A recommendation's progress (`no_plan`, `not_started`, ...).
    Progress,
    /// Whether an open action is past its due date on the day of the export.
    Overdue,
    /// The finding an action belongs to (`<review id>#L<n>`).
    FindingId,
    /// The finding's number in its review (from 1).
    FindingNumber,
    ActionId,
    ActionText,
    Owner,
    Due,
    ActionStatus,
    /// A completed action's `updated_on` on or before its `due` (empty unless completed).
    CompletedOnTime,
    Evidence,
    UpdatedOn,
}

const REVIEW_COLUMNS: &[Column] = &[
    Column::Rank,
    Column::Id,
    Column::Permalink,
    Column::Title,
    Column::Pseudonyms,
    Column::Board,
    Column::BoardName,
    Column::Region,
    Column::ReviewType,
    Column::Methodology,
    Column::Incident,
    Column::Abuse,
    Column::SourceOfHarm,
    Column::AgeBand,
    Column::Sex,
    Column::IncidentDate,
    Column::CommissionedOn,
    Column::CompletedOn,
    Column::PublishedOn,
    Column::Year,
    Column::DurationMonths,
    Column::OverSixMonths,
    Column::ParallelProcesses,
    Column::OfstedGrade,
    Column::Themes,
    Column::Agencies,
    Column::Keywords,
    Column::LessonCount,
    Column::Summary,
];

const LESSON_COLUMNS: &[Column] = &[
    Column::Rank,
    Column::Id,
    Column::Permalink,
    Column::ReviewId,
    Column::Title,
    Column::Board,
    Column::BoardName,
    Column::Region,
    Column::ReviewType,
    Column::Incident,
    Column::Abuse,
    Column::AgeBand,
    Column::PublishedOn,
    Column::Year,
    Column::OverSixMonths,
    Column::Kind,
    Column::Level,
    Column::Agency,
    Column::Themes,
    Column::ReviewThemes,
    Column::ReviewAgencies,
    Column::Text,
    Column::Actions,
    Column::ActionsCompleted,
    Column::Progress,
    Column::Overdue,
    // Last, as before action plans came (readers find it at the end).
    Column::RecurringId,
];

const ACTION_COLUMNS: &[Column] = &[
    Column::Rank,
    Column::Id,
    Column::Permalink,
    Column::ReviewId,
    Column::Title,
    Column::Board,
    Column::BoardName,
    Column::Region,
    Column::Year,
    Column::FindingId,
    Column::FindingNumber,
    Column::Agency,
    Column::ActionId,
    Column::ActionText,
    Column::Owner,
    Column::Due,
    Column::ActionStatus,
    Column::CompletedOnTime,
    Column::Overdue,
    Column::Evidence,
    Column::UpdatedOn,
];

/// The columns of an export in `view`, in order.
pub fn columns(view: impl Into<ExportView>) -> &'static [Column] {
    match view.into() {
        ExportView::Reviews => REVIEW_COLUMNS,
        ExportView::Lessons => LESSON_COLUMNS,
        ExportView::Actions => ACTION_COLUMNS,
    }
}

impl Column {
    pub fn name(self) -> &'static str {
        match self {
            Column::Rank => "rank",
            Column::Id => "id",
            Column::Permalink => "permalink",
            Column::ReviewId => "review_id",
            Column::Title => "title",
            Column::Pseudonyms => "pseudonyms",
            Column::Board => "board",
            Column::BoardName => "board_name",
            Column::Region => "region",
            Column::ReviewType => "review_type",
            Column::Methodology => "methodology",
            Column::Incident => "incident",
            Column::Abuse => "abuse",
            Column::SourceOfHarm => "source_of_harm",
            Column::AgeBand => "age_band",
            Column::Sex => "sex",
            Column::IncidentDate => "incident_date",
            Column::CommissionedOn => "commissioned_on",
            Column::CompletedOn => "completed_on",
            Column::PublishedOn => "published_on",
            Column::Year => "year",
            Column::DurationMonths => "duration_months",
            Column::OverSixMonths => "over_six_months",
            Column::ParallelProcesses => "parallel_processes",
            Column::OfstedGrade => "ofsted_grade",
            Column::Themes => "themes",
            Column::ReviewThemes => "review_themes",
            Column::Agencies => "agencies",
            Column::ReviewAgencies => "review_agencies",
            Column::Keywords => "keywords",
            Column::LessonCount => "lesson_count",
            Column::Kind => "kind",
            Column::Level => "level",
            Column::Agency => "agency",
            Column::Text => "text",
            Column::Summary => "summary",
            Column::RecurringId => "recurring_id",
            Column::Actions => "actions",
            Column::ActionsCompleted => "actions_completed",
            Column::Progress => "progress",
            Column::Overdue => "overdue",
            Column::FindingId => "finding_id",
            Column::FindingNumber => "finding_number",
            Column::ActionId => "action_id",
            Column::ActionText => "text",
            Column::Owner => "owner",
            Column::Due => "due",
            Column::ActionStatus => "status",
            Column::CompletedOnTime => "completed_on_time",
            Column::Evidence => "evidence",
            Column::UpdatedOn => "updated_on",
        }
    }

    pub fn column_type(self) -> ColumnType {
        match self {
            Column::Rank
            | Column::Year
            | Column::DurationMonths
            | Column::LessonCount
            | Column::Actions
            | Column::ActionsCompleted
            | Column::FindingNumber => ColumnType::Integer,
            Column::OverSixMonths | Column::Overdue | Column::CompletedOnTime => {
                ColumnType::Boolean
            }
            Column::IncidentDate
            | Column::CommissionedOn
            | Column::CompletedOn
            | Column::PublishedOn
            | Column::Due
            | Column::UpdatedOn => ColumnType::Date,
            Column::Pseudonyms
            | Column::Abuse
            | Column::SourceOfHarm
            | Column::AgeBand
            | Column::Sex
            | Column::ParallelProcesses
            | Column::Themes
            | Column::ReviewThemes
            | Column::Agencies
            | Column::ReviewAgencies
            | Column::Keywords => ColumnType::List,
            _ => ColumnType::String,
        }
    }

    /// The controlled vocabulary the column's values come from, if any.
    pub fn vocabulary(self) -> Option<Vocabulary> {
        Some(match self {
            Column::Region => Vocabulary::Region,
            Column::ReviewType => Vocabulary::ReviewType,
            Column::Methodology => Vocabulary::Methodology,
            Column::Incident => Vocabulary::Incident,
            Column::Abuse => Vocabulary::Abuse,
            Column::SourceOfHarm => Vocabulary::SourceOfHarm,
            Column::AgeBand => Vocabulary::AgeBand,
            Column::Sex => Vocabulary::Sex,
            Column::ParallelProcesses => Vocabulary::ParallelProcess,
            Column::OfstedGrade => Vocabulary::OfstedGrade,
            Column::Themes | Column::ReviewThemes => Vocabulary::Theme,
            Column::Agencies | Column::ReviewAgencies | Column::Agency | Column::Owner => {
                Vocabulary::Agency
            }
            Column::Progress => Vocabulary::Progress,
            Column::ActionStatus => Vocabulary::ActionStatus,
            Column::Kind => Vocabulary::LessonKind,
            Column::Level => Vocabulary::Level,
            _ => return None,
        })
    }
}

/// The site-relative path of a review's or finding's page (`/reviews/{id}`, with the
/// finding's `#L<n>`): the permalink column holds this, and whoever writes the file puts
/// the site's scheme and host in front ([`ExportRow::absolute_permalinks`]).
pub fn permalink_path(id: &str) -> String {
    format!("/reviews/{id}")
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(Option<i64>),
    Boolean(Option<bool>),
    List(Vec<String>),
}

impl Cell {
    fn optional(value: Option<String>) -> Cell {
        Cell::Text(value.unwrap_or_default())
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(text) if text.is_empty() => serializer.serialize_none(),
            Cell::Text(text) => serializer.serialize_str(text),
            Cell::Integer(value) => value.serialize(serializer),
            Cell::Boolean(value) => value.serialize(serializer),
            Cell::List(values) => values.serialize(serializer),
        }
    }
}

/// One exported row: a cell per column of its view, in the view's column order.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub view: ExportView,
    pub cells: Vec<Cell>,
}

impl ExportRow {
    /// Puts `site_url` (scheme and host, no trailing slash) in front of the permalink.
    pub fn absolute_permalinks(&mut self, site_url: &str) {
        let view = self.view;
        for (column, cell) in columns(view).iter().zip(self.cells.iter_mut()) {
            if let (Column::Permalink, Cell::Text(path)) = (column, cell) {
                path.insert_str(0, site_url);
            }
        }
    }

    /// `(column, cell)` in column order.
    pub fn iter(&self) -> impl Iterator<Item = (Column, &Cell)> {
        columns(self.view).iter().copied().zip(&self.cells)
    }

    /// The cell of `column`, if the row's view has it.
    pub fn get(&self, column: Column) -> Option<&Cell> {
        self.iter()
            .find(|(c, _)| *c == column)
            .map(|(_, cell)| cell)
    }
}

/// A JSON object whose keys are the column names, in order (empty text is `null`).
impl Serialize for ExportRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.cells.len()))?;
        for (column, cell) in self.iter() {
            map.serialize_entry(column.name(), cell)?;
        }
        map.end()
    }
}

/// Every match of one search, in order, read [`ExportCursor::next_batch`] at a time.
/// Owns a searcher snapshot, so the rows stay consistent while the index changes.
pub struct ExportCursor {
    searcher: Searcher,
    fields: Fields,
    view: ExportView,
    /// The day the export is made (overdue actions).
    today: Date,
    order: Vec<DocAddress>,
    next: usize,
    /// Rows read so far, and rows in all (one per match, or per action).
    rows_read: u64,
    rows_total: u64,
    /// The metadata of the review of the last row read, with its id.
    last_metadata: Option<(String, Arc<ReviewMetadata>)>,
}

impl ExportCursor {
    /// Finds and orders every match of `request` (its page and page size are ignored)
    /// as the rows of `view` (the request's own view for reviews and lessons; the
    /// actions view reads the lessons view's matches that have actions).
    pub(crate) fn new(
        context: &SearchContext,
        request: &SearchRequest,
        view: ExportView,
    ) -> Result<ExportCursor, IndexError> {
        let request = SearchRequest {
            view: view.search_view(),
            ..request.clone()
        };
        let (text, spellings) = context.text_query(&request)?;
        let (order, actions) = if text.nothing_searchable {
            (Vec::new(), 0)
        } else {
            let query = context.full_query(&request, &text, None);
            let sort = effective_sort(&request, &text);
            let collector = AllMatches {
                sort,
                with_actions_only: view == ExportView::Actions,
            };
            let (mut matches, actions) = context.searcher.search(&query, &collector)?;
            matches.sort_by(|a, b| compare(sort, a, b));
            if sort == Sort::Relevance {
                // The search's own order: its best matches as proximity and feedback
                // reorder them (`rescore.rs`).
                let corrected = spellings.did_you_mean(&request.q);
                let ranked = matches
                    .into_iter()
                    .map(|(score, address)| (score as f32, address))
                    .collect();
                matches = context
                    .best_first(&request, &text, corrected.as_deref(), ranked)?
                    .into_iter()
                    .map(|(score, address)| (f64::from(score), address))
                    .collect();
            }
            let order: Vec<DocAddress> = matches.into_iter().map(|(_, address)| address).collect();
            (order, actions)
        };
        let rows_total = match view {
            ExportView::Actions => actions,
            _ => order.len() as u64,
        };
        Ok(ExportCursor {
            searcher: context.searcher.clone(),
            fields: *context.fields,
            view,
            today: context.today,
            order,
            next: 0,
            rows_read: 0,
            rows_total,
            last_metadata: None,
        })
    }

    /// The public findings among `ids` (`<review id>#L<n>`), in index order, as rows of
    /// the lessons view: what the recurring lessons read their members' texts from.
    pub(crate) fn of_findings(
        context: &SearchContext,
        ids: &[String],
    ) -> Result<ExportCursor, IndexError> {
        use tantivy::query::{BooleanQuery, Occur, Query, TermQuery, TermSetQuery};
        use tantivy::schema::IndexRecordOption;
        use tantivy::Term;
        let fields = context.fields;
        let wanted = TermSetQuery::new(
            ids.iter()
                .map(|id| Term::from_field_text(fields.lesson_id, id)),
        );
        let lesson = TermQuery::new(
            Term::from_field_text(fields.doc_kind, "lesson"),
            IndexRecordOption::Basic,
        );
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(wanted) as Box<dyn Query>),
            (Occur::Must, Box::new(lesson)),
            context.public_today(),
        ]);
        let mut order: Vec<DocAddress> = context
            .searcher
            .search(&query, &tantivy::collector::DocSetCollector)?
            .into_iter()
            .collect();
        order.sort();
        Ok(ExportCursor {
            searcher: context.searcher.clone(),
            fields: *context.fields,
            view: ExportView::Lessons,
            today: context.today,
            rows_total: order.len() as u64,
            order,
            next: 0,
            rows_read: 0,
            last_metadata: None,
        })
    }

    /// How many rows the export has in all (the search's total; in the actions view,
    /// the actions of its matches).
    pub fn total(&self) -> u64 {
        self.rows_total
    }

    /// How many rows have been read so far.
    pub fn position(&self) -> u64 {
        self.rows_read
    }

    /// The next rows, from at most `max` matches (in the actions view, every action of
    /// each); empty at the end. Documents are read in address order within the batch
    /// (the document store decompresses blocks in sequence) and returned in the
    /// export's order.
    pub fn next_batch(&mut self, max: usize) -> Result<Vec<ExportRow>, IndexError> {
        let end = (self.next + max.max(1)).min(self.order.len());
        let addresses = self.order[self.next..end].to_vec();
        let mut by_address: Vec<usize> = (0..addresses.len()).collect();
        by_address.sort_by_key(|&i| addresses[i]);
        let mut rows: Vec<Vec<ExportRow>> = vec![Vec::new(); addresses.len()];
        for i in by_address {
            rows[i] = self.rows_of(addresses[i])?;
        }
        self.next = end;
        let mut rows: Vec<ExportRow> = rows.into_iter().flatten().collect();
        for row in &mut rows {
            self.rows_read += 1;
            if let Some(Cell::Integer(rank)) = row.cells.first_mut() {
                *rank = Some(self.rows_read as i64);
            }
        }
        Ok(rows)
    }

    /// The rows of one matching document (rank left for [`Self::next_batch`]).
    fn rows_of(&mut self, address: DocAddress) -> Result<Vec<ExportRow>, IndexError> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let display: Display = parse_stored(&doc, self.fields.display)?;
        if self.view == ExportView::Actions {
            return Ok(self.action_rows(display));
        }
        // A review's findings lie next to each other in the index, so the batch (read in
        // address order) meets each review's metadata many times in a row.
        let metadata = match &self.last_metadata {
            Some((review_id, metadata)) if Some(review_id) == display.review_id.as_ref() => {
                metadata.clone()
            }
            _ => {
                let metadata: Arc<ReviewMetadata> =
                    Arc::new(parse_stored(&doc, self.fields.metadata)?);
                self.last_metadata = Some((
                    display.review_id.clone().unwrap_or_default(),
                    metadata.clone(),
                ));
                metadata
            }
        };
        let text_field = match self.view {
            ExportView::Reviews => self.fields.summary,
            _ => self.fields.lessons,
        };
        let text = doc
            .get_first(text_field)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        Ok(vec![ExportRow {
            view: self.view,
            cells: self.cells(display, &metadata, text),
        }])
    }

    /// The row's cells in column order, moving the document's values into them.
    fn cells(&self, mut d: Display, review: &ReviewMetadata, text: String) -> Vec<Cell> {
        let mut text = Some(text);
        let list = |values: &Vec<String>| Cell::List(values.clone());
        d.fill_overdue(self.today);
        let actions = d.actions.take();
        let count = |completed_only: bool| {
            Cell::Integer(actions.as_ref().map(|actions| {
                actions
                    .iter()
                    .filter(|a| !completed_only || a.status == "completed")
                    .count() as i64
            }))
        };
        columns(self.view)
            .iter()
            .map(|column| match column {
                Column::Rank => Cell::Integer(None),
                Column::Id => Cell::Text(d.id.clone()),
                Column::Permalink => Cell::Text(permalink_path(&d.id)),
                Column::ReviewId => Cell::optional(d.review_id.take()),
                Column::Title => Cell::Text(take(&mut d.title)),
                Column::Pseudonyms => list(&review.pseudonyms),
                Column::Board => Cell::Text(take(&mut d.board)),
                Column::BoardName => Cell::Text(take(&mut d.board_name)),
                Column::Region => Cell::Text(take(&mut d.region)),
                Column::ReviewType => Cell::Text(review.review_type.clone()),
                Column::Methodology => Cell::optional(review.methodology.clone()),
                Column::Incident => Cell::Text(take(&mut d.incident)),
                Column::Abuse => list(&review.abuse),
                Column::SourceOfHarm => list(&review.source_of_harm),
                Column::AgeBand => list(&review.age_bands),
                Column::Sex => list(&review.sexes),
                Column::IncidentDate => Cell::optional(review.incident_date.clone()),
                Column::CommissionedOn => Cell::optional(review.commissioned_on.clone()),
                Column::CompletedOn => Cell::optional(review.completed_on.clone()),
                Column::PublishedOn => Cell::optional(d.published_on.take()),
                Column::Year => Cell::Integer(d.year.map(i64::from)),
                Column::DurationMonths => Cell::Integer(d.duration_months.map(i64::from)),
                Column::OverSixMonths => Cell::Boolean(d.over_six_months),
                Column::ParallelProcesses => list(&review.parallel_processes),
                Column::OfstedGrade => Cell::optional(review.ofsted_grade.clone()),
                Column::Themes => Cell::List(take(&mut d.themes)),
                Column::ReviewThemes => Cell::List(d.review_themes.take().unwrap_or_default()),
                Column::Agencies | Column::ReviewAgencies => list(&review.agencies),
                Column::Keywords => list(&review.keywords),
                Column::LessonCount => Cell::Integer(Some(review.lesson_count as i64)),
                Column::Kind => Cell::optional(d.kind.take()),
                Column::Level => Cell::optional(d.level.take()),
                Column::Agency => Cell::optional(d.agency.take()),
                Column::Text | Column::Summary => Cell::Text(text.take().unwrap_or_default()),
                Column::RecurringId => Cell::Text(String::new()),
                Column::Actions => count(false),
                Column::ActionsCompleted => count(true),
                Column::Progress => Cell::optional(d.progress.take()),
                Column::Overdue => Cell::Boolean(d.overdue),
                // Columns of the actions view only.
                _ => Cell::Text(String::new()),
            })
            .collect()
    }

    /// One row per action of a recommendation, in its plan's order.
    fn action_rows(&self, mut d: Display) -> Vec<ExportRow> {
        let actions = d.actions.take().unwrap_or_default();
        let finding_number =
            d.id.rsplit_once("#L")
                .and_then(|(_, n)| n.parse::<i64>().ok());
        let review_id = d.review_id.take().unwrap_or_default();
        actions
            .into_iter()
            .map(|action| {
                let cells = ACTION_COLUMNS
                    .iter()
                    .map(|column| match column {
                        Column::Rank => Cell::Integer(None),
                        Column::Id => Cell::Text(format!("{review_id}#{}", action.id)),
                        Column::Permalink => Cell::Text(permalink_path(&d.id)),
                        Column::ReviewId => Cell::Text(review_id.clone()),
                        Column::Title => Cell::Text(d.title.clone()),
                        Column::Board => Cell::Text(d.board.clone()),
                        Column::BoardName => Cell::Text(d.board_name.clone()),
                        Column::Region => Cell::Text(d.region.clone()),
                        Column::Year => Cell::Integer(d.year.map(i64::from)),
                        Column::FindingId => Cell::Text(d.id.clone()),
                        Column::FindingNumber => Cell::Integer(finding_number),
                        Column::Agency => Cell::optional(d.agency.clone()),
                        Column::ActionId => Cell::Text(action.id.clone()),
                        Column::ActionText => Cell::Text(action.text.clone()),
                        Column::Owner => Cell::Text(action.owner.clone()),
                        Column::Due => Cell::Text(action.due.clone()),
                        Column::ActionStatus => Cell::Text(action.status.clone()),
                        Column::CompletedOnTime => Cell::Boolean(completed_on_time(&action)),
                        Column::Overdue => Cell::Boolean(Some(action.is_overdue(self.today))),
                        Column::Evidence => Cell::optional(action.evidence.clone()),
                        Column::UpdatedOn => Cell::Text(action.updated_on.clone()),
                        _ => Cell::Text(String::new()),
                    })
                    .collect();
                ExportRow {
                    view: ExportView::Actions,
                    cells,
                }
            })
            .collect()
    }
}

/// Whether a completed action was completed by its due date: its `updated_on` (the
/// day it was last changed, so the day it was marked completed unless changed since)
/// on or before `due`. `None` unless completed with both dates valid.
pub fn completed_on_time(action: &Action) -> Option<bool> {
    if action.status != "completed" {
        return None;
    }
    let updated = parse_date(&action.updated_on)?;
    Some(updated <= action.due_date()?)
}

/// Reads a stored JSON field of a document.
fn parse_stored<T: DeserializeOwned>(doc: &TantivyDocument, field: Field) -> Result<T, IndexError> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .and_then(|json| serde_json::from_str(json).ok())
        .ok_or_else(|| IndexError::Corrupt("a document without its stored display data".into()))
}

/// A match with what orders it: its score (relevance) or its date (newest, oldest).
type Match = (f64, DocAddress);

fn compare(sort: Sort, a: &Match, b: &Match) -> Ordering {
    let by_key = match sort {
        Sort::Relevance | Sort::Newest => b.0.total_cmp(&a.0),
        Sort::Oldest => a.0.total_cmp(&b.0),
    };
    by_key.then_with(|| a.1.cmp(&b.1))
}

/// Collects every match with its sort key; with `with_actions_only`, only the matches
/// with actions, and how many actions they have in all.
struct AllMatches {
    sort: Sort,
    with_actions_only: bool,
}

struct SegmentMatches {
    segment: SegmentOrdinal,
    dates: Option<FastColumn<i64>>,
    action_counts: Option<FastColumn<u64>>,
    actions: u64,
    matches: Vec<Match>,
}

impl Collector for AllMatches {
    type Fruit = (Vec<Match>, u64);
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        let dates = match self.sort {
            Sort::Relevance => None,
            Sort::Newest | Sort::Oldest => Some(reader.fast_fields().i64("sort_date")?),
        };
        let action_counts = match self.with_actions_only {
            true => Some(reader.fast_fields().u64(ACTION_COUNT_FIELD)?),
            false => None,
        };
        Ok(SegmentMatches {
            segment,
            dates,
            action_counts,
            actions: 0,
            matches: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<Match>, u64)>) -> tantivy::Result<(Vec<Match>, u64)> {
        let actions = fruits.iter().map(|(_, n)| n).sum();
        let matches = fruits.into_iter().flat_map(|(m, _)| m).collect();
        Ok((matches, actions))
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = (Vec<Match>, u64);

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(counts) = &self.action_counts {
            match counts.first(doc) {
                Some(n) if n > 0 => self.actions += n,
                _ => return,
            }
        }
        let key = match &self.dates {
            Some(dates) => dates.first(doc).unwrap_or(0) as f64,
            None => f64::from(score),
        };
        self.matches.push((key, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> (Vec<Match>, u64) {
        (self.matches, self.actions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_a_distinct_name() {
        for view in ExportView::ALL {
            let names: Vec<&str> = columns(view).iter().map(|c| c.name()).collect();
            let mut distinct = names.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), names.len(), "{names:?}");
            assert_eq!(names[..3], ["rank", "id", "permalink"]);
        }
    }

    #[test]
    fn empty_text_serialises_as_null_and_lists_as_arrays() {
        let row = ExportRow {
            view: ExportView::Lessons,
            cells: columns(View::Lessons)
                .iter()
                .map(|c| match c.column_type() {
                    ColumnType::List => Cell::List(vec!["a".into(), "b".into()]),
                    ColumnType::Integer => Cell::Integer(Some(3)),
                    ColumnType::Boolean => Cell::Boolean(None),
                    _ => Cell::Text(String::new()),
                })
                .collect(),
        };
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["rank"], 3);
        assert_eq!(json["themes"], serde_json::json!(["a", "b"]));
        assert!(json["text"].is_null() && json["over_six_months"].is_null());
        assert_eq!(row.get(Column::Summary), None);
    }
}
