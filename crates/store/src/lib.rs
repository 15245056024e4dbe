//! The source of truth of Lessons, on sled 0.34: [`Store`] holds reviews (current
//! revision), every revision ever written, boards, and a change log whose sequence number
//! increases with every write. The search index is derived from it and catches up by
//! reading [`Store::changes_since`].
//!
//! Every write is one sled transaction across the trees it touches, flushed to disk
//! before the call returns. Values are JSON, LZ4-compressed when long (see `codec`:
//! a leading byte marks a compressed value, which JSON never starts with); keys
//! that carry numbers are big-endian so that sled's order is numeric order.
//!
//! Layout of the store folder: `sled/` (the database) and `files/` (original uploads,
//! named by SHA-256; see [`Store::put_file`]).
//!
//! Trees: `reviews` (id -> review), `revisions` (id \0 revision -> the revision's record;
//! the current one leaves its review to `reviews`, so a review is stored once: `revision`),
//! `boards` (slug -> board), `settings` (name -> value), `users` (email -> user),
//! `tokens` (SHA-256 of secret -> token), `sessions` (SHA-256 of cookie -> session),
//! `file_owners` (board \0 sha256 -> review id), `changes` (seq -> [`Change`]), `audit`
//! (seq -> [`AuditEntry`], see [`audit`]), `board_reviews` (board \0 id ->
//! [`ReviewListing`], see [`listing`]), `meta` (format version, sequences, per-board id
//! counters: the last number issued, never lowered).
//!
//! Modules import downwards only, each name from the module that defines it: the leaves
//! `error` and `codec`; the record modules (`audit`, `listing`, `files`, `accounts`,
//! `backup`, `change`, `revision`, `ids`), which know only the leaves; `write` (one
//! revision in a transaction) and `validation` (a review's checks), which know records;
//! `store` (the [`Store`] itself); and the operations in `ops`, on top. This file only
//! declares the modules and re-exports the public names.

mod accounts;
pub mod audit;
pub mod backup;
mod change;
mod codec;
mod error;
mod files;
mod ids;
pub mod listing;
mod ops;
mod revision;
mod store;
mod validation;
mod write;

pub use accounts::{SessionRecord, TokenRecord};
pub use audit::{AuditEntry, AuditFilter, AuditNote};
pub use backup::BackupReport;
pub use change::Change;
pub use error::{Result, StoreError};
pub use files::sha256_hex;
pub use ids::review_id_parts;
pub use listing::ReviewListing;
pub use ops::check::{Problem, StoreReport};
pub use revision::RevisionRecord;
pub use store::{with_deferred_flush, Store, FORMAT_VERSION};
pub use validation::check_restorable;

#[cfg(test)]
mod tests;
