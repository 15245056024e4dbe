//! A review as the deposit API reads it: bytes parsed as JSON, then
//! `lessons_web::service::input::review_from_value` (unknown fields refused, the review
//! deserialised through serde_path_to_error, server fields cleared) and
//! `validate_review`. Never a panic; a refusal names its field; an accepted review
//! survives a JSON round trip unchanged and still validates.

#![no_main]

use lessons_model::{validate_review, Review};
use lessons_web::service::input::review_from_value;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let review = match review_from_value(value) {
        Ok((review, _)) => review,
        Err(errors) => {
            assert!(!errors.is_empty(), "a refusal lists at least one error");
            return;
        }
    };
    let verdict = validate_review(&review);
    if let Err(errors) = &verdict {
        assert!(!errors.0.is_empty(), "a refusal lists at least one error");
    }
    let json = serde_json::to_string(&review).expect("a review serialises");
    let again: Review = serde_json::from_str(&json).expect("a serialised review reads back");
    assert_eq!(again, review, "JSON round trip of {json}");
    assert_eq!(validate_review(&again).is_ok(), verdict.is_ok());
});
