//! The search facets of DESIGN §5, the values each review or finding carries for each,
//! and the encoding of a facet value as a tantivy facet path (`/theme/neglect`).

use lessons_model::{Lesson, Review, Vocabulary};
use tantivy::schema::Facet;

/// A facet of the search page and API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FacetName {
    Theme,
    Agency,
    Level,
    Kind,
    Region,
    Board,
    AgeBand,
    Incident,
    Abuse,
    ReviewType,
    Year,
    Timeliness,
    /// A finding's review's themes (lessons view); a review's own themes (reviews view).
    ReviewTheme,
    /// A finding's review's agencies (lessons view); a review's own agencies (reviews view).
    ReviewAgency,
    /// A recommendation's follow-through (DESIGN §10): its derived progress, plus
    /// [`OVERDUE`], a flag beside it worked out on the day of the request from the
    /// `open_due` fast field, never stored as a facet value.
    Progress,
}

/// The `progress` value that is not a state but a flag decided on the day asked: a
/// recommendation with an open action whose due date has passed. It is counted beside
/// the recommendation's progress (an overdue recommendation in progress counts under
/// both `in_progress` and `overdue`).
pub const OVERDUE: &str = "overdue";

impl FacetName {
    /// Every facet, in display order.
    pub const ALL: [FacetName; 15] = [
        FacetName::Theme,
        FacetName::Agency,
        FacetName::Level,
        FacetName::Kind,
        FacetName::Region,
        FacetName::Board,
        FacetName::AgeBand,
        FacetName::Incident,
        FacetName::Abuse,
        FacetName::ReviewType,
        FacetName::Year,
        FacetName::Timeliness,
        FacetName::ReviewTheme,
        FacetName::ReviewAgency,
        FacetName::Progress,
    ];

    /// The query-string parameter and JSON key of this facet.
    pub fn key(self) -> &'static str {
        match self {
            FacetName::Theme => "theme",
            FacetName::Agency => "agency",
            FacetName::Level => "level",
            FacetName::Kind => "kind",
            FacetName::Region => "region",
            FacetName::Board => "board",
            FacetName::AgeBand => "age_band",
            FacetName::Incident => "incident",
            FacetName::Abuse => "abuse",
            FacetName::ReviewType => "review_type",
            FacetName::Year => "year",
            FacetName::Timeliness => "timeliness",
            FacetName::ReviewTheme => "review_theme",
            FacetName::ReviewAgency => "review_agency",
            FacetName::Progress => "progress",
        }
    }

    /// A heading for this facet on the search page.
    pub fn title(self) -> &'static str {
        match self {
            FacetName::Theme => "Theme",
            FacetName::Agency => "Agency",
            FacetName::Level => "Lesson level",
            FacetName::Kind => "Kind of finding",
            FacetName::Region => "Region",
            FacetName::Board => "Board",
            FacetName::AgeBand => "Age of child",
            FacetName::Incident => "Incident",
            FacetName::Abuse => "Abuse",
            FacetName::ReviewType => "Review type",
            FacetName::Year => "Year",
            FacetName::Timeliness => "Timeliness",
            FacetName::ReviewTheme => "Review theme",
            FacetName::ReviewAgency => "Review agency",
            FacetName::Progress => "Progress of recommendations",
        }
    }

    pub fn from_key(key: &str) -> Option<FacetName> {
        FacetName::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The vocabulary this facet's values come from (board and year have none).
    pub fn vocabulary(self) -> Option<Vocabulary> {
        match self {
            FacetName::Theme | FacetName::ReviewTheme => Some(Vocabulary::Theme),
            FacetName::Agency | FacetName::ReviewAgency => Some(Vocabulary::Agency),
            FacetName::Level => Some(Vocabulary::Level),
            FacetName::Kind => Some(Vocabulary::LessonKind),
            FacetName::Region => Some(Vocabulary::Region),
            FacetName::AgeBand => Some(Vocabulary::AgeBand),
            FacetName::Incident => Some(Vocabulary::Incident),
            FacetName::Abuse => Some(Vocabulary::Abuse),
            FacetName::ReviewType => Some(Vocabulary::ReviewType),
            FacetName::Timeliness => Some(Vocabulary::Timeliness),
            FacetName::Progress => Some(Vocabulary::Progress),
            FacetName::Board | FacetName::Year => None,
        }
    }

    /// The tantivy facet path of `value` under this facet.
    pub fn path(self, value: &str) -> Facet {
        Facet::from_path([self.key(), value])
    }

    /// The root path of this facet (`/theme`).
    pub fn root(self) -> String {
        format!("/{}", self.key())
    }
}

/// The `(facet, value)` pairs a review document carries: its own tags plus, for theme,
/// agency, level, kind and progress, those of every finding (DESIGN §5, reviews view);
/// for review theme and review agency, its own tags only.
pub fn review_facets(review: &Review) -> Vec<(FacetName, String)> {
    let mut out = shared_facets(review);
    push_all(&mut out, FacetName::Theme, &review.themes);
    push_all(&mut out, FacetName::Agency, &review.agencies);
    for lesson in &review.lessons {
        push_all(&mut out, FacetName::Theme, &lesson.themes);
        if let Some(agency) = &lesson.agency {
            push(&mut out, FacetName::Agency, agency);
        }
        push(&mut out, FacetName::Level, &lesson.level);
        push(&mut out, FacetName::Kind, &lesson.kind);
        if let Some(progress) = lesson.progress() {
            push(&mut out, FacetName::Progress, progress.as_str());
        }
    }
    out
}

/// The `(facet, value)` pairs a finding's document carries: its own themes, agency,
/// level, kind and, for a recommendation, progress (DESIGN §5 and §10, lessons view: an
/// inter-agency finding has no agency), its review's themes and agencies as review theme
/// and review agency, and its review's other facets.
pub fn lesson_facets(review: &Review, lesson: &Lesson) -> Vec<(FacetName, String)> {
    let mut out = shared_facets(review);
    push_all(&mut out, FacetName::Theme, &lesson.themes);
    if let Some(agency) = &lesson.agency {
        push(&mut out, FacetName::Agency, agency);
    }
    push(&mut out, FacetName::Level, &lesson.level);
    push(&mut out, FacetName::Kind, &lesson.kind);
    if let Some(progress) = lesson.progress() {
        push(&mut out, FacetName::Progress, progress.as_str());
    }
    out
}

/// Days since the epoch of the earliest due date among the open (planned or in
/// progress) actions of these recommendations, indexed as the `open_due` fast field:
/// a document is overdue on a day after it (DESIGN §10), decided at request time.
pub fn earliest_open_due<'a>(lessons: impl IntoIterator<Item = &'a Lesson>) -> Option<i64> {
    lessons
        .into_iter()
        .filter(|lesson| lesson.progress().is_some())
        .flat_map(|lesson| &lesson.actions)
        .filter(|action| action.is_open())
        .filter_map(|action| action.due_date())
        .map(lessons_model::dates::days_since_epoch)
        .min()
}

fn shared_facets(review: &Review) -> Vec<(FacetName, String)> {
    let mut out = Vec::new();
    if let Some(region) = &review.region {
        push(&mut out, FacetName::Region, region);
    }
    push(&mut out, FacetName::Board, &review.board);
    for child in review.all_children() {
        push(&mut out, FacetName::AgeBand, &child.age_band);
    }
    push(&mut out, FacetName::Incident, &review.incident);
    push_all(&mut out, FacetName::Abuse, &review.abuse);
    push(&mut out, FacetName::ReviewType, &review.review_type);
    if let Some(year) = review.year() {
        push(&mut out, FacetName::Year, &year.to_string());
    }
    push(&mut out, FacetName::Timeliness, review.timeliness_slug());
    push_all(&mut out, FacetName::ReviewTheme, &review.themes);
    push_all(&mut out, FacetName::ReviewAgency, &review.agencies);
    out
}

fn push(out: &mut Vec<(FacetName, String)>, facet: FacetName, value: &str) {
    if value.is_empty() || out.iter().any(|(f, v)| *f == facet && v == value) {
        return;
    }
    out.push((facet, value.to_string()));
}

fn push_all(out: &mut Vec<(FacetName, String)>, facet: FacetName, values: &[String]) {
    for value in values {
        push(out, facet, value);
    }
}
