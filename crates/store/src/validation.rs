//! The store's checks of a review before anything is written: the model's validation, a
//! board that exists and, for a restored review, an id the store issues and a revision it
//! can count on from. Errors come in document order. Knows `ids`.

use lessons_model::review::REVIEW_FIELDS;
use lessons_model::validate::{validate_review, FieldError, ValidationErrors};
use lessons_model::{Board, Review};

use crate::ids::review_id_parts;

/// Every reason [`Store::restore_review`](crate::Store::restore_review) would refuse `review`, given the boards that
/// exist (which need not be stored yet), apart from files: the checks of a new review, an
/// id of the form the store issues and a revision from 1 (below `u32::MAX`). Lets a
/// caller check a whole dump before writing any of it.
pub fn check_restorable(review: &Review, boards: &[Board]) -> Result<(), ValidationErrors> {
    in_order(restore_errors(review, boards))
}

/// The errors of a new review plus those of a restored one's id and revision.
pub(crate) fn restore_errors(review: &Review, boards: &[Board]) -> Vec<FieldError> {
    let mut errors = review_errors(review, boards);
    if review_id_parts(&review.id).is_none() {
        errors.push(field_error(
            "id",
            &format!("\"{}\" is not a review id (scr-YEAR-BOARD-NNNN)", review.id),
        ));
    }
    if review.revision == 0 || review.revision == u32::MAX {
        // The next change adds one: the largest revision is refused so that cannot overflow.
        let message = format!("must be a whole number from 1 to {}", u32::MAX - 1);
        errors.push(field_error("revision", &message));
    }
    errors
}

/// Every field error of `review` as a new review, its board checked against `boards`.
pub(crate) fn review_errors(review: &Review, boards: &[Board]) -> Vec<FieldError> {
    let mut errors = match validate_review(review) {
        Ok(()) => Vec::new(),
        Err(ValidationErrors(errors)) => errors,
    };
    let known = boards.iter().any(|b| b.slug == review.board);
    if !known && !errors.iter().any(|e| e.field == "board") {
        errors.push(FieldError {
            field: "board".into(),
            message: format!("unknown board \"{}\"", review.board),
            allowed: Some(boards.iter().map(|b| b.slug.clone()).collect()),
        });
    }
    errors
}

/// `Ok` when there are no errors, else every error in document order.
pub(crate) fn in_order(mut errors: Vec<FieldError>) -> Result<(), ValidationErrors> {
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort_by_key(|e| field_order(&e.field));
    Err(ValidationErrors(errors))
}

pub(crate) fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.to_string(),
        allowed: None,
    }
}

/// Orders validation errors by the position of their field in a review document.
fn field_order(field: &str) -> usize {
    let head = field.split(['.', '[']).next().unwrap_or(field);
    REVIEW_FIELDS
        .iter()
        .position(|f| *f == head)
        .unwrap_or(REVIEW_FIELDS.len())
}
