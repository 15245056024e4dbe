//! The documents of the index: how one published review becomes one `review` document
//! and one `lesson` document per finding ([`documents`]), and what each stores as JSON
//! beside its indexed text: [`Display`] (what a hit shows) and [`ReviewMetadata`] (the
//! review's public metadata that an export row needs).

use std::collections::HashMap;

use lessons_model::dates::{days_since_epoch, parse_date};
use lessons_model::{Action, Lesson, Review, Visibility, Vocabulary};
use serde::{Deserialize, Serialize};
use tantivy::{doc, TantivyDocument};
use time::Date;

use crate::facets::{self, FacetName};
use crate::known_phrases;
use crate::schema::Fields;

/// What a document stores for display (the `display` field), written at indexing.
/// Changing it means bumping `SCHEMA_VERSION` (older indexes are then rebuilt); missing
/// fields read as empty all the same.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Display {
    /// Review id, or finding id (`<review id>#L<n>`).
    pub id: String,
    /// The review's id (stored for both kinds; a hit in the reviews view leaves it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_id: Option<String>,
    pub title: String,
    pub board: String,
    pub board_name: String,
    pub region: String,
    pub year: Option<i32>,
    pub published_on: Option<String>,
    pub incident: String,
    /// Reviews: the review's themes and its findings'. Findings: the finding's own.
    pub themes: Vec<String>,
    /// The themes of a finding's review (stored for both kinds; a hit in the reviews
    /// view leaves it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_themes: Option<Vec<String>>,
    /// The agencies involved in a finding's review (stored for both kinds; a hit in the
    /// reviews view leaves it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_agencies: Option<Vec<String>>,
    /// Whole months from commissioning to completion, when both are known.
    pub duration_months: Option<u32>,
    /// Whether the review took longer than the six-month timescale.
    pub over_six_months: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// A recommendation's actions (DESIGN §10; stored for findings that are
    /// recommendations only, empty for their other kinds and for reviews).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<Action>>,
    /// A recommendation's progress (`no_plan`, `not_started`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<String>,
    /// Whether an action of a recommendation is overdue: never stored, filled for the
    /// day of the request ([`Display::fill_overdue`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
}

impl Display {
    /// Fills `overdue` for `today` on a recommendation (one with `progress`).
    pub fn fill_overdue(&mut self, today: Date) {
        self.overdue = self.progress.is_some().then(|| {
            self.actions
                .iter()
                .flatten()
                .any(|action| action.is_overdue(today))
        });
    }
}

/// A review's public metadata beyond what a hit shows (the `metadata` field), stored
/// with each of its documents so that an export reads one document per row.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ReviewMetadata {
    pub pseudonyms: Vec<String>,
    pub review_type: String,
    pub methodology: Option<String>,
    pub abuse: Vec<String>,
    pub source_of_harm: Vec<String>,
    pub age_bands: Vec<String>,
    pub sexes: Vec<String>,
    pub incident_date: Option<String>,
    pub commissioned_on: Option<String>,
    pub completed_on: Option<String>,
    pub parallel_processes: Vec<String>,
    pub ofsted_grade: Option<String>,
    pub agencies: Vec<String>,
    pub keywords: Vec<String>,
    pub lesson_count: usize,
}

/// The documents of one review: none unless published, else the review and each finding.
pub(crate) fn documents(
    fields: &Fields,
    review: &Review,
    board_names: &HashMap<String, String>,
) -> Vec<TantivyDocument> {
    let Visibility::PublicFrom(from) = review.visibility() else {
        return Vec::new();
    };
    let public_from = if from == Date::MIN {
        i64::MIN
    } else {
        days_since_epoch(from)
    };
    let sort_date = review
        .published_date()
        .or_else(|| review.completed_date())
        .or_else(|| {
            review
                .created_at
                .as_deref()
                .and_then(|t| t.get(..10))
                .and_then(parse_date)
        })
        .map(days_since_epoch)
        .unwrap_or(0);
    let board_name = board_names
        .get(&review.board)
        .cloned()
        .unwrap_or_else(|| review.board.clone());
    let mut base = Display {
        id: review.id.clone(),
        review_id: Some(review.id.clone()),
        title: review.title.clone(),
        board: review.board.clone(),
        board_name,
        region: review.region.clone().unwrap_or_default(),
        year: review.year(),
        published_on: review.published_on.clone(),
        incident: review.incident.clone(),
        themes: all_themes(review),
        review_themes: Some(review.themes.clone()),
        review_agencies: Some(review.agencies.clone()),
        duration_months: review.timeliness().map(|(months, _)| months),
        over_six_months: review.timeliness().map(|(_, over)| over),
        ..Display::default()
    };
    let f = fields;
    let metadata = serde_json::to_string(&review_metadata(review)).unwrap_or_default();
    let all_lesson_text: Vec<&str> = review.lessons.iter().map(|l| l.text.as_str()).collect();
    let keywords = [review.keywords.clone(), review.pseudonyms.clone()]
        .concat()
        .join("\n");
    let lesson_text = all_lesson_text.join("\n\n");
    let mut review_doc = doc!(
        f.doc_kind => "review",
        f.review_id => review.id.as_str(),
        f.title => review.title.as_str(),
        f.summary => review.summary.as_str(),
        f.lessons => lesson_text.as_str(),
        f.keywords => keywords.as_str(),
        f.spelling => format!("{}\n{}\n{}", review.title, review.summary, all_lesson_text.join("\n")),
        f.sort_date => sort_date,
        f.public_from => public_from,
        f.display => to_json(&base),
        f.metadata => metadata.as_str(),
    );
    if let Some(due) = facets::earliest_open_due(&review.lessons) {
        review_doc.add_i64(f.open_due, due);
    }
    review_doc.add_pre_tokenized_text(
        f.phrases,
        known_phrases::phrases_value(&[
            ("title", review.title.as_str()),
            ("summary", review.summary.as_str()),
            ("lessons", lesson_text.as_str()),
            ("keywords", keywords.as_str()),
        ]),
    );
    add_common(&mut review_doc, f, review, facets::review_facets(review));
    for theme in all_themes(review) {
        review_doc.add_text(f.own_themes, theme);
    }
    let mut documents = vec![review_doc];
    let context = lesson_context(review);
    for lesson in &review.lessons {
        base.id = lesson.id.clone();
        base.themes = lesson.themes.clone();
        base.kind = Some(lesson.kind.clone());
        base.level = Some(lesson.level.clone());
        base.agency = lesson.agency.clone();
        let progress = lesson.progress();
        base.progress = progress.map(|p| p.as_str().to_string());
        base.actions = progress.map(|_| lesson.actions.clone());
        let mut lesson_doc = doc!(
            f.doc_kind => "lesson",
            f.review_id => review.id.as_str(),
            f.lesson_id => lesson.id.as_str(),
            f.lessons => lesson.text.as_str(),
            f.context => context.as_str(),
            f.spelling => lesson.text.as_str(),
            f.sort_date => sort_date,
            f.public_from => public_from,
            f.display => to_json(&base),
            f.metadata => metadata.as_str(),
        );
        if let Some(due) = facets::earliest_open_due([lesson]) {
            lesson_doc.add_i64(f.open_due, due);
        }
        if progress.is_some() && !lesson.actions.is_empty() {
            lesson_doc.add_u64(f.action_count, lesson.actions.len() as u64);
        }
        lesson_doc.add_pre_tokenized_text(
            f.phrases,
            known_phrases::phrases_value(&[
                ("lessons", lesson.text.as_str()),
                ("context", context.as_str()),
            ]),
        );
        add_common(
            &mut lesson_doc,
            f,
            review,
            facets::lesson_facets(review, lesson),
        );
        for theme in &lesson.themes {
            lesson_doc.add_text(f.own_themes, theme);
        }
        documents.push(lesson_doc);
    }
    documents
}

fn add_common(
    document: &mut TantivyDocument,
    f: &Fields,
    review: &Review,
    facet_values: Vec<(FacetName, String)>,
) {
    if let Some(year) = review.year() {
        document.add_u64(f.year, year.max(0) as u64);
    }
    for (facet, value) in facet_values {
        document.add_facet(f.facets, facet.path(&value));
    }
}

fn review_metadata(review: &Review) -> ReviewMetadata {
    let children = review.all_children();
    ReviewMetadata {
        pseudonyms: review.pseudonyms.clone(),
        review_type: review.review_type.clone(),
        methodology: review.methodology.clone(),
        abuse: review.abuse.clone(),
        source_of_harm: review.source_of_harm.clone(),
        age_bands: children.iter().map(|c| c.age_band.clone()).collect(),
        sexes: children.iter().map(|c| c.sex.clone()).collect(),
        incident_date: review.incident_date.clone(),
        commissioned_on: review.commissioned_on.clone(),
        completed_on: review.completed_on.clone(),
        parallel_processes: review.parallel_processes.clone(),
        ofsted_grade: review.ofsted_grade.clone(),
        agencies: review.agencies.clone(),
        keywords: review.keywords.clone(),
        lesson_count: review.lessons.len(),
    }
}

/// What a finding's review says about it, indexed with the finding as context: the
/// review's title, the labels of its themes and its keywords (not its long summary,
/// which would be indexed again for every finding).
fn lesson_context(review: &Review) -> String {
    let mut parts: Vec<&str> = vec![review.title.as_str()];
    parts.extend(
        review
            .themes
            .iter()
            .filter_map(|slug| Vocabulary::Theme.label(slug)),
    );
    parts.extend(review.keywords.iter().map(String::as_str));
    parts.join("\n")
}

/// The review's themes followed by any its findings add.
fn all_themes(review: &Review) -> Vec<String> {
    let mut themes = review.themes.clone();
    for theme in review.lessons.iter().flat_map(|l: &Lesson| &l.themes) {
        if !themes.contains(theme) {
            themes.push(theme.clone());
        }
    }
    themes
}

fn to_json(display: &Display) -> String {
    serde_json::to_string(display).unwrap_or_default()
}
