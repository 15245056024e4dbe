//! Text from uploaded executive summaries, and what can be found in it, with no I/O
//! beyond the bytes handed in:
//!
//! - [`extract`]: sniff the format from the bytes (never the client's type or name) and
//!   extract normalised text: paragraphs kept, whitespace and hyphenation normalised,
//!   running headers, footers and "Page N of M" lines dropped, paragraphs joined across
//!   page breaks. PDF, DOCX, HTML and plain text (UTF-8 or Windows-1252).
//! - [`suggest_lessons`]: findings proposed from sections such as "Lessons learned" or
//!   "Recommendations", each marked `suggested: true`.
//! - [`suggest_actions`]: actions read from action-plan tables ("Recommendation | Action
//!   | Lead | Timescale | Progress") onto the matching recommendations, `suggested`.
//! - [`anonymisation_warnings`]: likely identifying details (names, dates of birth,
//!   addresses, postcodes, phone numbers, emails, NHS numbers) with their context.

mod extract;
mod types;
pub use extract::{extract, sniff};
pub use types::{Extracted, Format, IngestError, Limits, Warning};

mod anonymise;
mod suggest;
pub use anonymise::anonymisation_warnings;
pub use suggest::{
    evaluate_suggestions, suggest_actions, suggest_lessons, ActionPlanReport, DocScore, EvalReport,
};
