//! `lessons import`: reviews from JSON Lines, one review per line in the API's JSON
//! shape (a review fetched with `GET /api/v1/reviews/{id}` imports unchanged). Every
//! line is checked on its own; good lines are stored, bad lines are reported by line
//! number and field, and no review is ever half stored. `status` defaults to
//! `published`; other server-owned fields are ignored.

use std::io::BufRead;

use lessons_model::{FieldError, Review, Status, ValidationErrors};
use lessons_store::StoreError;

use super::input::review_from_value;
use super::repository::{Repository, RepositoryError};

/// Reviews stored per batch (one store flush and one index commit per batch). 500
/// rather than 200 took a quarter off importing 4,000 synthetic reviews (fewer small
/// segments to write and merge) for about 60 MB more memory.
const BATCH: usize = 500;
/// Allowed values listed in full only for short vocabularies.
const MAX_ALLOWED_SHOWN: usize = 12;

/// The problems of one refused line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub messages: Vec<String>,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: Vec<String>,
    pub refused: Vec<LineError>,
}

/// Imports every line of `reader`; `progress` receives the bytes read so far.
pub fn import_lines(
    repository: &Repository,
    reader: impl BufRead,
    by: &str,
    progress: impl FnMut(u64),
) -> Result<ImportReport, RepositoryError> {
    // One regrouping of the recurring lessons at the end, not a placement per batch.
    repository.bulk(|| import_all(repository, reader, by, progress))?
}

fn import_all(
    repository: &Repository,
    reader: impl BufRead,
    by: &str,
    mut progress: impl FnMut(u64),
) -> Result<ImportReport, RepositoryError> {
    let mut report = ImportReport::default();
    let mut batch: Vec<(usize, Review)> = Vec::new();
    let mut bytes = 0u64;
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = match line {
            Ok(line) => line,
            Err(error) => {
                report.refused.push(LineError {
                    line: number,
                    messages: vec![format!("cannot read the line: {error}")],
                });
                break;
            }
        };
        bytes += line.len() as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(&line) {
            Ok(review) => batch.push((number, review)),
            Err(messages) => report.refused.push(LineError {
                line: number,
                messages,
            }),
        }
        if batch.len() >= BATCH {
            store_batch(repository, std::mem::take(&mut batch), by, &mut report)?;
            progress(bytes);
        }
    }
    store_batch(repository, batch, by, &mut report)?;
    progress(bytes);
    report.refused.sort_by_key(|e| e.line);
    Ok(report)
}

fn store_batch(
    repository: &Repository,
    batch: Vec<(usize, Review)>,
    by: &str,
    report: &mut ImportReport,
) -> Result<(), RepositoryError> {
    if batch.is_empty() {
        return Ok(());
    }
    let (lines, reviews): (Vec<usize>, Vec<Review>) = batch.into_iter().unzip();
    let results = repository.create_reviews(reviews, by, "import")?;
    for (line, result) in lines.into_iter().zip(results) {
        match result {
            Ok(review) => report.imported.push(review.id),
            Err(StoreError::Invalid(errors)) => report.refused.push(LineError {
                line,
                messages: field_messages(&errors),
            }),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

/// Reads one line as a review, or says everything that is wrong with its shape.
pub fn parse_line(line: &str) -> Result<Review, Vec<String>> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| vec![format!("not valid JSON: {e}")])?;
    let (mut review, status_given) =
        review_from_value(value).map_err(|errors| shape_messages(&errors))?;
    if !status_given {
        review.status = Status::Published;
    }
    Ok(review)
}

/// One message per shape error: `field: message`, or the message alone for the whole line.
pub fn shape_messages(errors: &[FieldError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| match e.field.as_str() {
            "" => e.message.clone(),
            field => format!("{field}: {}", e.message),
        })
        .collect()
}

/// One message per field error: `field: message (allowed: ...)`.
pub fn field_messages(errors: &ValidationErrors) -> Vec<String> {
    errors
        .0
        .iter()
        .map(|e| match &e.allowed {
            Some(allowed) if allowed.len() <= MAX_ALLOWED_SHOWN => {
                format!(
                    "{}: {} (allowed: {})",
                    e.field,
                    e.message,
                    allowed.join(", ")
                )
            }
            Some(allowed) => format!(
                "{}: {} (one of {} values listed at /api/v1/vocabularies)",
                e.field,
                e.message,
                allowed.len()
            ),
            None => format!("{}: {}", e.field, e.message),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(line: &str) -> Vec<String> {
        parse_line(line).err().unwrap_or_default()
    }

    #[test]
    fn shape_errors_name_the_field() {
        assert_eq!(
            errors(r#"{"title": "x", "themes": 5}"#),
            ["themes: invalid type: integer `5`, expected a sequence"]
        );
        assert!(errors(r#"{"lessons": [{"text": 3}]}"#)[0].starts_with("lessons[0].text:"));
        assert_eq!(
            errors(r#"{"title": "x", "theme": ["neglect"], "tilte": "y"}"#),
            ["theme: unknown field", "tilte: unknown field"]
        );
        assert!(errors("[1, 2]")[0].contains("expected a JSON object"));
        assert!(errors("{oops")[0].starts_with("not valid JSON"));
    }

    #[test]
    fn status_defaults_to_published_and_server_fields_are_ignored() {
        let review = parse_line(r#"{"title": "x", "id": "scr-1-a-1", "revision": 9}"#).unwrap();
        assert_eq!(
            (review.status, review.id.as_str(), review.revision),
            (Status::Published, "", 0)
        );
        let draft = parse_line(r#"{"title": "x", "status": "draft"}"#).unwrap();
        assert_eq!(draft.status, Status::Draft);
    }
}
