//! The records of DESIGN §3: [`Review`], its findings ([`Lesson`]), the child, uploaded
//! files, [`Board`] and revision metadata, with their JSON shapes and derived fields
//! (year, timeliness, visibility).

use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime};

use crate::actions::{self, action_number, Action, Progress};
use crate::dates::{add_months, parse_date, parse_incident_date, whole_months_between};

/// Publication state of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Draft,
    Published,
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Withdrawn => "withdrawn",
        }
    }
}

/// The child (or one of the children) a review is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    #[serde(default = "not_stated")]
    pub age_band: String,
    #[serde(default = "not_stated")]
    pub sex: String,
}

impl Default for Child {
    fn default() -> Self {
        Child {
            age_band: not_stated(),
            sex: not_stated(),
        }
    }
}

fn not_stated() -> String {
    "not_stated".to_string()
}

fn serious_case_review() -> String {
    "serious_case_review".to_string()
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// One finding of a review: a lesson, a recommendation or an example of good practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Lesson {
    /// `<review id>#L<n>`, assigned by the server.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub suggested: bool,
    /// A recommendation's action plan (DESIGN §10; other kinds carry none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// Output only, filled for the day of the request ([`Lesson::fill_progress`]):
    /// a recommendation's progress, and whether an action of it is overdue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
}

impl Lesson {
    /// The follow-through of a recommendation (`None` for other kinds of finding).
    pub fn progress(&self) -> Option<Progress> {
        (self.kind == "recommendation").then(|| actions::progress(&self.actions))
    }

    /// Whether an action of this finding is overdue on `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.actions.iter().any(|a| a.is_overdue(today))
    }

    /// Fills the output-only fields `progress` and `overdue` for `today` (left empty
    /// for findings that are not recommendations).
    pub fn fill_progress(&mut self, today: Date) {
        self.progress = self.progress().map(|p| p.as_str().to_string());
        self.overdue = self.progress.is_some().then(|| self.is_overdue(today));
    }
}

/// An original file uploaded with a review, kept byte for byte. Files are private (to
/// the review's board and admins) unless the depositor marked the file as the public
/// version and confirmed it anonymised when publishing: a stored file without `public`
/// (every file of a store written before the flag existed) reads as private.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    /// Derived: the file's place in the review's full list, from 1 (`/files/{number}`),
    /// kept when the public sees only some of the files.
    #[serde(default)]
    pub number: usize,
    pub document_type: String,
    pub filename: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    /// Offered to the public (while the review is public); private otherwise.
    #[serde(default)]
    pub public: bool,
}

/// A serious case review with its findings. Every field defaults so that a partial
/// document deserialises and validation can report every missing field at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Review {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub pseudonyms: Vec<String>,
    #[serde(default)]
    pub board: String,
    /// Derived from the board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default = "serious_case_review")]
    pub review_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methodology: Option<String>,
    #[serde(default)]
    pub incident: String,
    #[serde(default)]
    pub abuse: Vec<String>,
    #[serde(default)]
    pub source_of_harm: Vec<String>,
    #[serde(default)]
    pub child: Child,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Child>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commissioned_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<String>,
    /// Derived: whole months from commissioning to completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_months: Option<u32>,
    /// Derived: whether completion came more than six months after commissioning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_six_months: Option<bool>,
    #[serde(default)]
    pub parallel_processes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ofsted_grade: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub agencies: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub lessons: Vec<Lesson>,
    #[serde(default)]
    pub files: Vec<FileRef>,
    #[serde(default)]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargo_until: Option<String>,
    /// Set by withdrawal: the day and the reason, shown on the public notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal_reason: Option<String>,
    #[serde(default)]
    pub revision: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// Every JSON field name of a review, as `GET` returns it and import accepts it.
pub const REVIEW_FIELDS: &[&str] = &[
    "id",
    "title",
    "pseudonyms",
    "board",
    "region",
    "review_type",
    "methodology",
    "incident",
    "abuse",
    "source_of_harm",
    "child",
    "children",
    "incident_date",
    "commissioned_on",
    "completed_on",
    "published_on",
    "duration_months",
    "over_six_months",
    "parallel_processes",
    "ofsted_grade",
    "themes",
    "agencies",
    "keywords",
    "summary",
    "lessons",
    "files",
    "status",
    "embargo_until",
    "withdrawn_on",
    "withdrawal_reason",
    "revision",
    "created_at",
    "updated_at",
];

/// A Local Safeguarding Children Board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub slug: String,
    pub name: String,
    pub region: String,
}

/// One entry of a review's history: `GET /api/v1/reviews/{id}/revisions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionInfo {
    pub revision: u32,
    pub at: String,
    pub by: String,
    pub action: String,
}

/// Whether a review can be seen by the public, judged on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Not published (draft or withdrawn): never indexed, never shown.
    Hidden,
    /// Published, visible from this day on (embargo end, or the epoch when none).
    PublicFrom(Date),
}

impl Review {
    /// The year searches and facets use: of `published_on`, else of `completed_on`.
    pub fn year(&self) -> Option<i32> {
        self.published_date()
            .or_else(|| self.completed_date())
            .map(|date| date.year())
    }

    pub fn published_date(&self) -> Option<Date> {
        self.published_on.as_deref().and_then(parse_date)
    }

    pub fn completed_date(&self) -> Option<Date> {
        self.completed_on.as_deref().and_then(parse_date)
    }

    pub fn commissioned_date(&self) -> Option<Date> {
        self.commissioned_on.as_deref().and_then(parse_date)
    }

    /// The first day of the incident (a month-only date counts from its first day).
    pub fn incident_day(&self) -> Option<Date> {
        self.incident_date.as_deref().and_then(parse_incident_date)
    }

    /// `(duration_months, over_six_months)` from commissioning to completion.
    pub fn timeliness(&self) -> Option<(u32, bool)> {
        let commissioned = self.commissioned_date()?;
        let completed = self.completed_date()?;
        if completed < commissioned {
            return None;
        }
        let months = whole_months_between(commissioned, completed);
        let over = completed > add_months(commissioned, 6);
        Some((months, over))
    }

    /// The timeliness facet value: `within_6_months`, `over_6_months` or `unknown`.
    pub fn timeliness_slug(&self) -> &'static str {
        match self.timeliness() {
            Some((_, true)) => "over_6_months",
            Some((_, false)) => "within_6_months",
            None => "unknown",
        }
    }

    /// Every child the review is about (`child` plus `children`, without repeats).
    pub fn all_children(&self) -> Vec<&Child> {
        let mut all = vec![&self.child];
        for child in &self.children {
            if !all.contains(&child) {
                all.push(child);
            }
        }
        all
    }

    /// Who may see this review.
    pub fn visibility(&self) -> Visibility {
        if self.status != Status::Published {
            return Visibility::Hidden;
        }
        match self.embargo_until.as_deref() {
            None => Visibility::PublicFrom(Date::MIN),
            Some(text) => match parse_date(text) {
                Some(from) => Visibility::PublicFrom(from),
                // An embargo that cannot be read is kept: hidden rather than exposed.
                None => Visibility::Hidden,
            },
        }
    }

    /// Whether the public may see this review on `today`.
    pub fn is_public_on(&self, today: Date) -> bool {
        match self.visibility() {
            Visibility::Hidden => false,
            Visibility::PublicFrom(from) => from <= today,
        }
    }

    /// Whether the public may see this review now.
    pub fn is_public_now(&self) -> bool {
        self.is_public_on(OffsetDateTime::now_utc().date())
    }

    /// Clears the fields the server owns, so that a review sent back unchanged
    /// (from `GET`) is treated exactly like a new one. `status` is left to the caller.
    pub fn clear_server_fields(&mut self) {
        self.id.clear();
        self.region = None;
        self.duration_months = None;
        self.over_six_months = None;
        self.revision = 0;
        self.files.clear();
        self.withdrawn_on = None;
        self.withdrawal_reason = None;
        self.created_at = None;
        self.updated_at = None;
        for lesson in &mut self.lessons {
            lesson.id.clear();
            lesson.progress = None;
            lesson.overdue = None;
        }
    }

    /// Fills the derived fields: duration, timeliness, lesson ids.
    pub fn fill_derived(&mut self) {
        match self.timeliness() {
            Some((months, over)) => {
                self.duration_months = Some(months);
                self.over_six_months = Some(over);
            }
            None => {
                self.duration_months = None;
                self.over_six_months = None;
            }
        }
        for (n, lesson) in self.lessons.iter_mut().enumerate() {
            lesson.id = format!("{}#L{}", self.id, n + 1);
            lesson.progress = None;
            lesson.overdue = None;
        }
        self.number_actions();
        self.number_files();
    }

    /// Gives every action without an id the number after the highest in the review
    /// (`A1` for the first), so ids are never reused while actions are never removed,
    /// and dates an action without `updated_on` today.
    pub fn number_actions(&mut self) {
        let mut highest = self
            .lessons
            .iter()
            .flat_map(|l| &l.actions)
            .filter_map(|a| action_number(&a.id))
            .max()
            .unwrap_or(0);
        for action in self.lessons.iter_mut().flat_map(|l| l.actions.iter_mut()) {
            if action.id.is_empty() {
                highest += 1;
                action.id = format!("A{highest}");
            }
            if action.updated_on.is_empty() {
                action.updated_on = crate::dates::today().to_string();
            }
        }
    }

    /// Fills each finding's output-only progress fields for `today`.
    pub fn fill_progress(&mut self, today: Date) {
        for lesson in &mut self.lessons {
            lesson.fill_progress(today);
        }
    }

    /// Gives each file its place in the full list, from 1 (stored records written
    /// before files were numbered have none).
    pub fn number_files(&mut self) {
        for (n, file) in self.files.iter_mut().enumerate() {
            file.number = n + 1;
        }
    }

    /// The review as the public may see it: numbered files, only those marked public.
    pub fn keep_public_files(&mut self) {
        self.number_files();
        self.files.retain(|file| file.public);
    }
}

/// The month an incident happened in, for display ("November 2007").
pub fn month_name(month: Month) -> &'static str {
    match month {
        Month::January => "January",
        Month::February => "February",
        Month::March => "March",
        Month::April => "April",
        Month::May => "May",
        Month::June => "June",
        Month::July => "July",
        Month::August => "August",
        Month::September => "September",
        Month::October => "October",
        Month::November => "November",
        Month::December => "December",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dated(commissioned: &str, completed: &str) -> Review {
        Review {
            commissioned_on: Some(commissioned.into()),
            completed_on: Some(completed.into()),
            ..Review::default()
        }
    }

    #[test]
    fn timeliness_counts_whole_months() {
        assert_eq!(
            dated("2007-12-04", "2008-09-30").timeliness(),
            Some((9, true))
        );
        assert_eq!(
            dated("2008-01-10", "2008-07-10").timeliness(),
            Some((6, false))
        );
        assert_eq!(
            dated("2008-01-10", "2008-07-11").timeliness(),
            Some((6, true))
        );
        assert_eq!(
            dated("2008-01-31", "2008-03-01").timeliness(),
            Some((1, false))
        );
        assert_eq!(dated("2008-05-01", "2008-04-01").timeliness(), None);
        assert_eq!(Review::default().timeliness_slug(), "unknown");
    }

    #[test]
    fn year_prefers_publication() {
        let mut review = dated("2007-12-04", "2008-09-30");
        assert_eq!(review.year(), Some(2008));
        review.published_on = Some("2009-02-12".into());
        assert_eq!(review.year(), Some(2009));
    }

    #[test]
    fn visibility_follows_status_and_embargo() {
        let day = |s: &str| parse_date(s).unwrap();
        let mut review = Review::default();
        assert!(!review.is_public_on(day("2010-01-01")));
        review.status = Status::Published;
        assert!(review.is_public_on(day("2010-01-01")));
        review.embargo_until = Some("2010-06-01".into());
        assert!(!review.is_public_on(day("2010-05-31")));
        assert!(review.is_public_on(day("2010-06-01")));
        review.embargo_until = Some("2010-06-31".into());
        assert!(
            !review.is_public_on(day("2011-01-01")),
            "an unreadable embargo hides"
        );
        review.embargo_until = None;
        review.status = Status::Withdrawn;
        assert!(!review.is_public_on(day("2011-01-01")));
    }

    #[test]
    fn review_fields_lists_every_serialised_field() {
        let mut review: Review = serde_json::from_str(
            r#"{"methodology":"silp","children":[{"age_band":"1_to_5","sex":"female"}],"incident_date":"2007-11",
                "commissioned_on":"2007-12-04","completed_on":"2008-09-30","published_on":"2009-02-12",
                "ofsted_grade":"good","embargo_until":"2009-03-01","withdrawn_on":"2010-01-01","withdrawal_reason":"r","created_at":"x","updated_at":"y","region":"london"}"#,
        )
        .unwrap();
        review.fill_derived();
        review.files.push(FileRef {
            number: 1,
            document_type: "executive_summary".into(),
            filename: "es.pdf".into(),
            media_type: "application/pdf".into(),
            size: 1,
            sha256: "00".into(),
            public: false,
        });
        let value = serde_json::to_value(&review).unwrap();
        let mut keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = REVIEW_FIELDS.to_vec();
        keys.sort();
        expected.sort();
        assert_eq!(keys, expected);
    }

    #[test]
    fn json_round_trip_keeps_every_field() {
        let json = r#"{"title":"Serious Case Review: Child M","board":"barsetshire","incident":"death",
            "child":{"age_band":"under_1","sex":"male"},"lessons":[{"kind":"lesson","level":"inter_agency","text":"x"}]}"#;
        let review: Review = serde_json::from_str(json).unwrap();
        assert_eq!(review.review_type, "serious_case_review");
        assert_eq!(review.status, Status::Draft);
        let again: Review = serde_json::from_str(&serde_json::to_string(&review).unwrap()).unwrap();
        assert_eq!(again, review);
    }

    #[test]
    fn files_without_the_flag_are_private_and_the_public_sees_only_marked_ones() {
        let mut review: Review = serde_json::from_str(
            r#"{"files":[{"document_type":"executive_summary","filename":"a.txt","media_type":"text/plain","size":1,"sha256":"00"},
                         {"document_type":"overview_report","filename":"b.txt","media_type":"text/plain","size":1,"sha256":"11","public":true}]}"#,
        )
        .unwrap();
        assert!(
            !review.files[0].public,
            "a file stored without the flag is private"
        );
        review.keep_public_files();
        assert_eq!(review.files.len(), 1);
        assert_eq!(
            (review.files[0].number, review.files[0].filename.as_str()),
            (2, "b.txt")
        );
    }
}
