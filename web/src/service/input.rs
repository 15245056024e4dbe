//! Input as people and programs send it, read into the model: a review from JSON in
//! the API's shape (unknown fields and wrong types named), and a review, its findings,
//! publication and withdrawal from the fields of the site's HTML forms.

use lessons_model::review::REVIEW_FIELDS;
use lessons_model::{FieldError, Lesson, Review};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// What publishing asks for: the anonymisation confirmation, an optional embargo and
/// publication date, and which original files (numbered from 1) the public gets, each
/// also listed in `anonymised_files` as confirmed anonymised. Files not listed in
/// `public_files` are private.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    #[serde(default)]
    pub anonymisation_checked: bool,
    #[serde(default)]
    pub embargo_until: Option<String>,
    #[serde(default)]
    pub published_on: Option<String>,
    #[serde(default)]
    pub public_files: Vec<usize>,
    #[serde(default)]
    pub anonymised_files: Vec<usize>,
}

/// What withdrawal asks for.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    #[serde(default)]
    pub reason: String,
}

/// The first value of `key` in form pairs.
pub fn field<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// A review from JSON in the API's shape, server-owned fields cleared (the API ignores
/// a given `status`).
pub fn review_from_json(value: Value) -> Result<Review, Vec<FieldError>> {
    review_from_value(value).map(|(review, _)| review)
}

/// Reads a review from JSON in the API's shape: unknown fields and wrong types are
/// errors naming the field; server-owned fields are cleared. Also says whether the
/// JSON gave a `status` (import honours it; the API does not).
pub fn review_from_value(value: serde_json::Value) -> Result<(Review, bool), Vec<FieldError>> {
    let (mut review, status_given) = review_as_given(value)?;
    review.clear_server_fields();
    Ok((review, status_given))
}

/// Reads a review from JSON in the API's shape as [`review_from_value`] does, but keeps
/// every field as given, server-owned ones included (for `lessons restore`).
pub fn review_as_given(value: serde_json::Value) -> Result<(Review, bool), Vec<FieldError>> {
    let Some(object) = value.as_object() else {
        return Err(vec![field_error("", "expected a JSON object (one review)")]);
    };
    let unknown: Vec<FieldError> = object
        .keys()
        .filter(|k| !REVIEW_FIELDS.contains(&k.as_str()))
        .map(|k| field_error(k, "unknown field"))
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let status_given = object.contains_key("status");
    let review: Review = serde_path_to_error::deserialize(value)
        .map_err(|e| vec![field_error(&e.path().to_string(), &e.inner().to_string())])?;
    Ok((review, status_given))
}

fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.to_string(),
        allowed: None,
    }
}

/// Single-valued review fields the form sends as they are (empty ones are left out).
const TEXT_FIELDS: &[&str] = &[
    "title",
    "board",
    "review_type",
    "methodology",
    "incident",
    "incident_date",
    "commissioned_on",
    "completed_on",
    "published_on",
    "ofsted_grade",
    "summary",
];
/// Review fields the form sends as repeated values.
const LIST_FIELDS: &[&str] = &[
    "abuse",
    "source_of_harm",
    "parallel_processes",
    "themes",
    "agencies",
];
/// Review fields the form sends as comma-separated text.
const COMMA_FIELDS: &[&str] = &["keywords", "pseudonyms"];

/// Builds the review JSON from the deposit form's fields.
pub fn metadata_from_fields(fields: &[(String, String)]) -> Value {
    let mut review = Map::new();
    for name in TEXT_FIELDS {
        if let Some(value) = field(fields, name).map(str::trim).filter(|v| !v.is_empty()) {
            review.insert(name.to_string(), json!(value));
        }
    }
    for name in LIST_FIELDS {
        let values: Vec<&str> = fields
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect();
        review.insert(name.to_string(), json!(values));
    }
    for name in COMMA_FIELDS {
        let values: Vec<&str> = field(fields, name)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        review.insert(name.to_string(), json!(values));
    }
    let age_band = field(fields, "age_band")
        .filter(|v| !v.is_empty())
        .unwrap_or("not_stated");
    let sex = field(fields, "sex")
        .filter(|v| !v.is_empty())
        .unwrap_or("not_stated");
    review.insert("child".into(), json!({ "age_band": age_band, "sex": sex }));
    Value::Object(review)
}

/// The review screen's metadata fields as changes to the stored review's JSON: a text
/// field sent with a value sets it, one sent empty removes it; lists (checkboxes) are
/// replaced whole (an unchecked box sends nothing); the child's age band and sex replace
/// `child` (not `children`). Other fields the form did not send (the board, the
/// summary) are left out: they stay as stored.
pub fn metadata_changes(fields: &[(String, String)]) -> Vec<(String, Option<Value>)> {
    let mut changes = Vec::new();
    for name in TEXT_FIELDS
        .iter()
        .filter(|name| !matches!(**name, "board" | "summary"))
    {
        if let Some(value) = field(fields, name).map(str::trim) {
            changes.push((name.to_string(), (!value.is_empty()).then(|| json!(value))));
        }
    }
    let metadata = metadata_from_fields(fields);
    for name in LIST_FIELDS {
        changes.push((name.to_string(), metadata.get(*name).cloned()));
    }
    for name in COMMA_FIELDS
        .iter()
        .filter(|name| field(fields, name).is_some())
    {
        changes.push((name.to_string(), metadata.get(*name).cloned()));
    }
    changes.push(("child".to_string(), metadata.get("child").cloned()));
    changes
}

/// The findings of the edit form, in order, without the deleted ones.
pub fn lessons_from_fields(pairs: &[(String, String)]) -> Vec<Lesson> {
    let mut lessons = Vec::new();
    for i in 0.. {
        let Some(state) = field(pairs, &format!("state_{i}")) else {
            break;
        };
        let text = field(pairs, &format!("text_{i}"))
            .unwrap_or_default()
            .trim()
            .to_string();
        if state == "delete" || text.is_empty() {
            continue;
        }
        let get = |name: &str| {
            field(pairs, &format!("{name}_{i}"))
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let agency = get("agency");
        // Themes come as checked boxes (one value each) or as comma-separated text.
        let themes_key = format!("themes_{i}");
        let themes: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| *k == themes_key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        lessons.push(Lesson {
            // The stored finding this row shows (its actions are kept with it).
            id: get("id"),
            kind: get("kind"),
            level: get("level"),
            agency: (!agency.is_empty()).then_some(agency),
            themes,
            text,
            suggested: state == "suggested",
            ..Lesson::default()
        });
    }
    lessons
}

/// A change of a review's state, as the API and the forms ask for it.
#[derive(Debug)]
pub enum Transition {
    Publish(PublishBody),
    Withdraw(WithdrawBody),
}

impl Transition {
    /// The action recorded in the revision history and the audit log.
    pub(super) fn action(&self) -> &'static str {
        match self {
            Transition::Publish(_) => "publish",
            Transition::Withdraw(_) => "withdraw",
        }
    }
}

/// A change of a review's state as the API's JSON body or the site's form asks for it.
pub trait TransitionRequest: serde::de::DeserializeOwned + Send + 'static {
    /// Read from the fields of the site's form.
    fn from_fields(pairs: &[(String, String)]) -> Self;
    fn into_transition(self) -> Transition;
}

impl TransitionRequest for PublishBody {
    fn from_fields(pairs: &[(String, String)]) -> PublishBody {
        PublishBody {
            anonymisation_checked: field(pairs, "anonymisation_checked") == Some("true"),
            embargo_until: field(pairs, "embargo_until")
                .map(str::to_string)
                .filter(|d| !d.is_empty()),
            published_on: field(pairs, "published_on")
                .map(str::to_string)
                .filter(|d| !d.is_empty()),
            public_files: numbers(pairs, "public_file"),
            anonymised_files: numbers(pairs, "anonymised_file"),
        }
    }

    fn into_transition(self) -> Transition {
        Transition::Publish(self)
    }
}

impl TransitionRequest for WithdrawBody {
    fn from_fields(pairs: &[(String, String)]) -> WithdrawBody {
        WithdrawBody {
            reason: field(pairs, "reason")
                .unwrap_or_default()
                .trim()
                .to_string(),
        }
    }

    fn into_transition(self) -> Transition {
        Transition::Withdraw(self)
    }
}

/// Every value of the repeated field `key` as a file number (text that is not a number
/// reads as 0, which no file has, so it is refused by name rather than dropped).
fn numbers(pairs: &[(String, String)], key: &str) -> Vec<usize> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.trim().parse().unwrap_or(0))
        .collect()
}

/// The summary of the review screen's form, with the browser's line ends made plain.
pub fn summary_from_fields(pairs: &[(String, String)]) -> String {
    field(pairs, "summary")
        .unwrap_or_default()
        .replace("\r\n", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_publish_form_gives_file_numbers_and_the_publication_date() {
        let body = PublishBody::from_fields(&pairs(&[
            ("public_file", "2"),
            ("public_file", "x"),
            ("anonymised_file", "2"),
            ("published_on", "2013-05-01"),
        ]));
        assert_eq!(
            body.public_files,
            [2, 0],
            "text that is no number is kept, as 0"
        );
        assert_eq!(body.anonymised_files, [2]);
        assert_eq!(body.published_on.as_deref(), Some("2013-05-01"));
        assert!(!body.anonymisation_checked);
    }

    #[test]
    fn the_review_screen_changes_only_what_it_sent() {
        let changes = metadata_changes(&pairs(&[
            ("title", " Child M "),
            ("methodology", ""),
            ("themes", "neglect"),
            ("age_band", "under_1"),
        ]));
        let get = |name: &str| {
            changes
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("title"), Some(Some(json!("Child M"))));
        assert_eq!(get("methodology"), Some(None), "sent empty: removed");
        assert_eq!(get("themes"), Some(Some(json!(["neglect"]))));
        assert_eq!(get("abuse"), Some(Some(json!([]))), "no box checked: none");
        assert_eq!(get("board"), None);
        assert_eq!(get("pseudonyms"), None, "not sent: kept");
        assert_eq!(
            get("child"),
            Some(Some(json!({ "age_band": "under_1", "sex": "not_stated" })))
        );
    }

    #[test]
    fn a_findings_themes_come_from_its_checkboxes() {
        let lessons = lessons_from_fields(&pairs(&[
            ("state_0", "confirmed"),
            ("text_0", "Share it."),
            ("themes_0", "neglect"),
            ("themes_0", "unseen_men"),
        ]));
        assert_eq!(lessons[0].themes, ["neglect", "unseen_men"]);
    }
}
