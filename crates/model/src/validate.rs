//! Validation of a review against DESIGN §3-4. It never stops at the first problem:
//! [`validate_review`] returns every field error at once, each with its field path
//! (`lessons[2].agency`), a message and, for vocabulary fields, the allowed values.

use serde::Serialize;

use crate::actions::{action_number, Action, MAX_ACTIONS, MAX_ACTION_CHARS, MAX_EVIDENCE_CHARS};
use crate::dates::{parse_date, parse_incident_date};
use crate::review::{Board, Lesson, Review};
use crate::vocab::Vocabulary;

/// Longest accepted title, summary and finding, in characters.
pub const MAX_TITLE_CHARS: usize = 500;
pub const MAX_SUMMARY_CHARS: usize = 500_000;
pub const MAX_LESSON_CHARS: usize = 20_000;
pub const MAX_LESSONS: usize = 500;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

/// Every problem found in one document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", summarise(.0))]
pub struct ValidationErrors(pub Vec<FieldError>);

fn summarise(errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    parts.join("; ")
}

/// Collects field errors while a document is checked.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a plain error on `field`.
    pub fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
            allowed: None,
        });
    }

    /// Attaches the list of allowed values to the error recorded last.
    pub fn set_allowed_on_last(&mut self, allowed: Vec<String>) {
        if let Some(last) = self.errors.last_mut() {
            last.allowed = Some(allowed);
        }
    }

    /// Checks that `value` is a slug of `vocabulary`.
    pub fn slug(&mut self, field: impl Into<String>, value: &str, vocabulary: Vocabulary) {
        if !vocabulary.contains(value) {
            self.errors.push(FieldError {
                field: field.into(),
                message: format!("unknown value \"{value}\""),
                allowed: Some(vocabulary.slugs()),
            });
        }
    }

    /// Checks every element of a list field against `vocabulary`, and that none repeats.
    pub fn slugs(&mut self, field: &str, values: &[String], vocabulary: Vocabulary) {
        for (i, value) in values.iter().enumerate() {
            self.slug(format!("{field}[{i}]"), value, vocabulary);
            if values[..i].contains(value) {
                self.error(
                    format!("{field}[{i}]"),
                    format!("\"{value}\" is listed twice"),
                );
            }
        }
    }

    fn required_text(&mut self, field: &str, value: &str, max_chars: usize) {
        if value.trim().is_empty() {
            self.error(field, "is required");
        } else if value.chars().count() > max_chars {
            self.error(field, format!("is longer than {max_chars} characters"));
        }
    }

    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(self.errors))
        }
    }
}

/// Checks a review's deposited fields (not the server-owned ones).
pub fn validate_review(review: &Review) -> Result<(), ValidationErrors> {
    let mut check = Checker::new();
    check.required_text("title", &review.title, MAX_TITLE_CHARS);
    if review.board.trim().is_empty() {
        check.error("board", "is required");
    } else if !is_board_slug(&review.board) {
        check.error("board", "must be lowercase letters, digits and hyphens");
    }
    check.slug("review_type", &review.review_type, Vocabulary::ReviewType);
    if let Some(methodology) = &review.methodology {
        check.slug("methodology", methodology, Vocabulary::Methodology);
    }
    if review.incident.is_empty() {
        check.errors.push(FieldError {
            field: "incident".into(),
            message: "is required".into(),
            allowed: Some(Vocabulary::Incident.slugs()),
        });
    } else {
        check.slug("incident", &review.incident, Vocabulary::Incident);
    }
    check.slugs("abuse", &review.abuse, Vocabulary::Abuse);
    check.slugs(
        "source_of_harm",
        &review.source_of_harm,
        Vocabulary::SourceOfHarm,
    );
    check.slug(
        "child.age_band",
        &review.child.age_band,
        Vocabulary::AgeBand,
    );
    check.slug("child.sex", &review.child.sex, Vocabulary::Sex);
    for (i, child) in review.children.iter().enumerate() {
        check.slug(
            format!("children[{i}].age_band"),
            &child.age_band,
            Vocabulary::AgeBand,
        );
        check.slug(format!("children[{i}].sex"), &child.sex, Vocabulary::Sex);
    }
    check_dates(&mut check, review);
    check.slugs(
        "parallel_processes",
        &review.parallel_processes,
        Vocabulary::ParallelProcess,
    );
    if let Some(grade) = &review.ofsted_grade {
        check.slug("ofsted_grade", grade, Vocabulary::OfstedGrade);
    }
    check.slugs("themes", &review.themes, Vocabulary::Theme);
    check.slugs("agencies", &review.agencies, Vocabulary::Agency);
    if review.summary.chars().count() > MAX_SUMMARY_CHARS {
        check.error(
            "summary",
            format!("is longer than {MAX_SUMMARY_CHARS} characters"),
        );
    }
    check_lessons(&mut check, review);
    check.finish()
}

fn check_dates(check: &mut Checker, review: &Review) {
    let fields = [
        ("commissioned_on", &review.commissioned_on),
        ("completed_on", &review.completed_on),
        ("published_on", &review.published_on),
        ("embargo_until", &review.embargo_until),
    ];
    for (field, value) in fields {
        if let Some(text) = value {
            if parse_date(text).is_none() {
                check.error(field, format!("\"{text}\" is not a date (YYYY-MM-DD)"));
            }
        }
    }
    if let Some(text) = &review.incident_date {
        if parse_incident_date(text).is_none() {
            check.error(
                "incident_date",
                format!("\"{text}\" is not a date (YYYY-MM-DD or YYYY-MM)"),
            );
        }
    }
    if let (Some(commissioned), Some(completed)) =
        (review.commissioned_date(), review.completed_date())
    {
        if completed < commissioned {
            check.error("completed_on", "is before commissioned_on");
        }
    }
    if let (Some(completed), Some(published)) = (review.completed_date(), review.published_date()) {
        if published < completed {
            check.error("published_on", "is before completed_on");
        }
    }
}

fn check_lessons(check: &mut Checker, review: &Review) {
    if review.lessons.len() > MAX_LESSONS {
        check.error("lessons", format!("has more than {MAX_LESSONS} findings"));
        return;
    }
    for (i, lesson) in review.lessons.iter().enumerate() {
        let at = |field: &str| format!("lessons[{i}].{field}");
        check.slug(at("kind"), &lesson.kind, Vocabulary::LessonKind);
        check.slug(at("level"), &lesson.level, Vocabulary::Level);
        match &lesson.agency {
            Some(agency) => check.slug(at("agency"), agency, Vocabulary::Agency),
            None if lesson.level == "individual" => check.errors.push(FieldError {
                field: at("agency"),
                message: "is required when level is \"individual\"".into(),
                allowed: Some(Vocabulary::Agency.slugs()),
            }),
            None => {}
        }
        check.slugs(&at("themes"), &lesson.themes, Vocabulary::Theme);
        check.required_text(&at("text"), &lesson.text, MAX_LESSON_CHARS);
        check_actions(check, &at("actions"), lesson);
    }
    check_action_ids(check, review);
}

/// A finding's actions (DESIGN §10): only on recommendations, each with text, an owner
/// agency, a due date and a status.
fn check_actions(check: &mut Checker, field: &str, lesson: &Lesson) {
    if lesson.actions.is_empty() {
        return;
    }
    if lesson.kind != "recommendation" {
        check.error(field, "only a recommendation carries actions");
        return;
    }
    if lesson.actions.len() > MAX_ACTIONS {
        check.error(field, format!("has more than {MAX_ACTIONS} actions"));
        return;
    }
    for (j, action) in lesson.actions.iter().enumerate() {
        check_action(check, &format!("{field}[{j}]."), action);
    }
}

/// Checks one action on its own (the fields a client sends to add or change one).
pub fn validate_action(action: &Action) -> Result<(), ValidationErrors> {
    let mut check = Checker::new();
    check_action(&mut check, "", action);
    check.finish()
}

/// One action's fields, each named `{prefix}{field}`.
fn check_action(check: &mut Checker, prefix: &str, action: &Action) {
    let at = |name: &str| format!("{prefix}{name}");
    if !action.id.is_empty() && action_number(&action.id).is_none() {
        check.error(
            at("id"),
            "must be A followed by a number (or left out for a new action)",
        );
    }
    check.required_text(&at("text"), &action.text, MAX_ACTION_CHARS);
    if action.owner.is_empty() {
        check.error(at("owner"), "is required (the lead agency)");
        check.set_allowed_on_last(Vocabulary::Agency.slugs());
    } else {
        check.slug(at("owner"), &action.owner, Vocabulary::Agency);
    }
    if parse_date(&action.due).is_none() {
        check.error(
            at("due"),
            format!("\"{}\" is not a date (YYYY-MM-DD)", action.due),
        );
    }
    check.slug(at("status"), &action.status, Vocabulary::ActionStatus);
    if let Some(evidence) = &action.evidence {
        if evidence.chars().count() > MAX_EVIDENCE_CHARS {
            check.error(
                at("evidence"),
                format!("is longer than {MAX_EVIDENCE_CHARS} characters"),
            );
        }
    }
    if !action.updated_on.is_empty() && parse_date(&action.updated_on).is_none() {
        check.error(
            at("updated_on"),
            format!("\"{}\" is not a date (YYYY-MM-DD)", action.updated_on),
        );
    }
}

/// No action id is used twice in one review.
fn check_action_ids(check: &mut Checker, review: &Review) {
    let mut seen = std::collections::HashSet::new();
    for (i, lesson) in review.lessons.iter().enumerate() {
        for (j, action) in lesson.actions.iter().enumerate() {
            if !action.id.is_empty() && !seen.insert(action.id.as_str()) {
                check.error(
                    format!("lessons[{i}].actions[{j}].id"),
                    format!("\"{}\" is used by another action of this review", action.id),
                );
            }
        }
    }
}

/// Whether `slug` is a valid board slug: lowercase letters, digits and single hyphens.
pub fn is_board_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

/// Checks a board record.
pub fn validate_board(board: &Board) -> Result<(), ValidationErrors> {
    let mut check = Checker::new();
    if !is_board_slug(&board.slug) {
        check.error(
            "slug",
            "must be lowercase letters, digits and single hyphens",
        );
    }
    check.required_text("name", &board.name, 200);
    check.slug("region", &board.region, Vocabulary::Region);
    check.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::Lesson;

    fn valid() -> Review {
        serde_json::from_str(
            r#"{"title":"Serious Case Review: Child M","board":"barsetshire","incident":"death",
                "child":{"age_band":"under_1","sex":"male"},"themes":["neglect"],
                "commissioned_on":"2007-12-04","completed_on":"2008-09-30","incident_date":"2007-11",
                "lessons":[{"kind":"lesson","level":"inter_agency","text":"No agency asked who lived there."},
                           {"kind":"recommendation","level":"individual","agency":"general_practice","text":"Adopt the protocol."}]}"#,
        )
        .unwrap()
    }

    fn fields(review: &Review) -> Vec<String> {
        match validate_review(review) {
            Ok(()) => vec![],
            Err(ValidationErrors(errors)) => errors.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn a_valid_review_passes() {
        assert_eq!(fields(&valid()), Vec::<String>::new());
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let mut review = valid();
        review.title.clear();
        review.themes = vec!["negelct".into(), "neglect".into(), "neglect".into()];
        review.child.age_band = "toddler".into();
        review.completed_on = Some("2008-02-30".into());
        review.lessons.push(Lesson {
            kind: "advice".into(),
            level: "individual".into(),
            ..Lesson::default()
        });
        assert_eq!(
            fields(&review),
            [
                "title",
                "child.age_band",
                "completed_on",
                "themes[0]",
                "themes[2]",
                "lessons[2].kind",
                "lessons[2].agency",
                "lessons[2].text"
            ]
        );
    }

    #[test]
    fn vocabulary_errors_list_the_allowed_values() {
        let mut review = valid();
        review.incident = "accident".into();
        let Err(ValidationErrors(errors)) = validate_review(&review) else {
            panic!("expected an error")
        };
        assert_eq!(errors[0].field, "incident");
        assert_eq!(
            errors[0].allowed.as_deref(),
            Some(&["death".to_string(), "serious_harm".into(), "other".into()][..])
        );
    }

    #[test]
    fn date_order_is_checked() {
        let mut review = valid();
        review.completed_on = Some("2007-01-01".into());
        review.published_on = Some("2006-01-01".into());
        assert_eq!(fields(&review), ["completed_on", "published_on"]);
    }

    #[test]
    fn actions_are_checked_field_by_field() {
        use crate::actions::Action;
        let mut review = valid();
        let good = Action {
            text: "Audit the protocol.".into(),
            owner: "general_practice".into(),
            due: "2012-03-31".into(),
            status: "planned".into(),
            ..Action::default()
        };
        review.lessons[1].actions = vec![good.clone()];
        assert_eq!(fields(&review), Vec::<String>::new());
        review.lessons[1].actions = vec![
            Action {
                id: "A1".into(),
                ..good.clone()
            },
            Action {
                id: "A1".into(),
                text: " ".into(),
                owner: "gp".into(),
                due: "2012-02-30".into(),
                status: "done".into(),
                ..good.clone()
            },
            Action {
                id: "X7".into(),
                owner: String::new(),
                ..good.clone()
            },
        ];
        review.lessons[0].actions = vec![good];
        assert_eq!(
            fields(&review),
            [
                "lessons[0].actions",
                "lessons[1].actions[1].text",
                "lessons[1].actions[1].owner",
                "lessons[1].actions[1].due",
                "lessons[1].actions[1].status",
                "lessons[1].actions[2].id",
                "lessons[1].actions[2].owner",
                "lessons[1].actions[1].id",
            ]
        );
    }

    #[test]
    fn board_slugs() {
        for good in ["barsetshire", "stockton-on-tees", "b2"] {
            assert!(is_board_slug(good), "{good}");
        }
        for bad in ["", "Barsetshire", "a b", "-a", "a-", "a--b", "a_b"] {
            assert!(!is_board_slug(bad), "{bad}");
        }
    }
}
