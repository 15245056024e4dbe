//! The service layer: synchronous functions with no HTTP in them, and the only code that
//! touches the store and the index. [`Repository`] is a data directory opened for use
//! (the store, the index kept in step with it, the metrics); the modules below add its
//! operations:
//!
//! - [`reviews`]: who may read or change a review; deposit, amend, publish, withdraw,
//!   revisions, original files, withdrawal notices, a board's own list.
//! - [`search`]: searches, similar reviews, exports, cross-tabulations, public figures;
//!   `search_cache` keeps recent answers by request, index generation and day;
//!   `search_gate` bounds how many searches are computed at once.
//! - [`actions`]: recommendations' action plans (add, change; never removed);
//!   [`progress`] the figures of `/progress` (recommendations by progress, actions
//!   completed on time), from the index.
//! - [`accounts`]: credentials to [`accounts::Principal`], sign-in sessions, tokens,
//!   users, the audit log.
//! - [`requests`] and [`input`]: reading what people and programs send (query strings,
//!   review JSON, the site's form fields); [`uploads`] checks deposited files and
//!   extracts their text.
//! - [`oai`]: the records OAI-PMH harvesters see (public reviews; withdrawn ones as
//!   deleted) and the key resumption tokens are signed with.
//! - [`recurring`]: recurring lessons (groups of public findings making the same
//!   point), derived from the store like the index and kept by `recurring_state`.
//! - [`import`], [`snapshot`], [`check`], [`demo`]: the command line's bulk work (JSON
//!   Lines import, public dumps and restores, `lessons check`, the demo corpus).
//!
//! Every failure is a [`ServiceError`]; `http::errors` maps it to HTTP once. Handlers
//! reach the service only through `http::blocking::Pool`, which runs it on the
//! blocking thread pool.

pub mod accounts;
pub mod actions;
pub mod check;
pub mod demo;
mod error;
pub mod import;
pub mod input;
pub mod oai;
pub mod progress;
pub mod recurring;
mod recurring_state;
mod repository;
pub mod requests;
pub mod reviews;
pub mod search;
mod search_cache;
mod search_gate;
pub mod snapshot;
pub mod uploads;

pub use error::{ServiceError, ServiceResult};
pub use repository::{backup_closed, Repository, RepositoryError};
pub use search_cache::DEFAULT_ENTRIES as DEFAULT_SEARCH_CACHE;
pub use search_gate::default_limit as default_search_concurrency;

#[cfg(test)]
mod tests;
