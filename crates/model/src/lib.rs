//! The data model of Lessons, with no I/O: [`Review`] and its findings ([`Lesson`]),
//! [`Board`], [`User`], the controlled vocabularies of DESIGN §4 as data ([`vocab`]), date helpers
//! ([`dates`]) and validation that reports every field error at once ([`validate`]).
//!
//! Modules import downwards only, each through the module that defines the name: `dates`
//! and `vocab` know no other module, `actions` (action plans) knows `dates`, `review`
//! knows `dates` and `actions`, `validate` knows those,
//! `user` knows `validate`, and `theme_notes` stands apart; this file only declares the
//! modules and re-exports their names.

pub mod actions;
pub mod dates;
pub mod review;
pub mod theme_notes;
pub mod user;
pub mod validate;
pub mod vocab;

pub use actions::{Action, Progress};
pub use review::{Board, Child, FileRef, Lesson, Review, RevisionInfo, Status, Visibility};
pub use user::{validate_user, Role, User};
pub use validate::{
    validate_action, validate_board, validate_review, FieldError, ValidationErrors,
};
pub use vocab::Vocabulary;
