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
//! Trees: `reviews` (id -> review), `revisions` (id \0 revision -> [`RevisionRecord`]),
//! `boards` (slug -> board), `settings` (name -> value), `users` (email -> user),
//! `tokens` (SHA-256 of secret -> token), `sessions` (SHA-256 of cookie -> session),
//! `file_owners` (board \0 sha256 -> review id), `changes` (seq -> [`Change`]), `audit`
//! (seq -> [`AuditEntry`], see [`audit`]), `board_reviews` (board \0 id ->
//! [`ReviewListing`], see [`listing`]), `meta` (format version, sequences, per-board id
//! counters: the last number issued, never lowered).

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use lessons_model::dates::now_rfc3339;
use lessons_model::review::REVIEW_FIELDS;
use lessons_model::validate::is_board_slug;
use lessons_model::{
    validate_board, validate_review, Board, FieldError, Review, RevisionInfo, ValidationErrors,
};
use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;
use sled::Transactional;

use crate::codec::{decode_json, decode_u32, decode_u64, encode_json};
use crate::error::{abort, open_error, transaction_error, TxResult};
pub use crate::error::{Result, StoreError};

/// The on-disk format this build writes. Version 2 may hold compressed values; version
/// 3 adds the `board_reviews` listings. An older store is read as it is: its listings
/// are written when it is opened, and it is marked version 3.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest format this build opens.
const OLDEST_READABLE_VERSION: u32 = 1;

const KEY_FORMAT: &[u8] = b"format_version";
const KEY_SEQ: &[u8] = b"seq";
/// The action recorded for a review written by [`Store::restore_review`].
const RESTORED: &str = "restored";

/// One entry of the change log: which record a write touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Review(String),
    Board(String),
    Setting(String),
    User(String),
    Token(String),
}

/// One stored revision of a review, with who made it and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionRecord {
    pub revision: u32,
    pub at: String,
    pub by: String,
    pub action: String,
    pub review: Review,
}

/// The store. Cheap to clone (sled handles are reference counted).
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    reviews: sled::Tree,
    revisions: sled::Tree,
    boards: sled::Tree,
    settings: sled::Tree,
    users: sled::Tree,
    tokens: sled::Tree,
    sessions: sled::Tree,
    file_owners: sled::Tree,
    board_reviews: sled::Tree,
    changes: sled::Tree,
    audit: sled::Tree,
    meta: sled::Tree,
    files_dir: PathBuf,
    /// Taken shared by every write and exclusively by a backup (see [`backup`]).
    gate: Arc<RwLock<()>>,
}

impl Store {
    /// Opens (or creates) the store in `path`, checking its format version.
    pub fn open(path: &Path) -> Result<Store> {
        if let Err(source) = std::fs::create_dir_all(path).and_then(|_| std::fs::read_dir(path)) {
            return Err(StoreError::Unreadable {
                path: path.to_path_buf(),
                source,
            });
        }
        let db = sled::Config::new()
            .path(path.join("sled"))
            .open()
            .map_err(|e| open_error(path, e))?;
        let store = Store {
            reviews: db.open_tree("reviews")?,
            revisions: db.open_tree("revisions")?,
            boards: db.open_tree("boards")?,
            settings: db.open_tree("settings")?,
            users: db.open_tree("users")?,
            tokens: db.open_tree("tokens")?,
            sessions: db.open_tree("sessions")?,
            file_owners: db.open_tree("file_owners")?,
            board_reviews: db.open_tree("board_reviews")?,
            files_dir: path.join("files"),
            changes: db.open_tree("changes")?,
            audit: db.open_tree("audit")?,
            meta: db.open_tree("meta")?,
            gate: Arc::new(RwLock::new(())),
            db,
        };
        store.check_format(path)?;
        Ok(store)
    }

    /// Held by a write while it runs, so that a backup sees all of it or none of it.
    fn writing(&self) -> RwLockReadGuard<'_, ()> {
        // The gate guards no data: a panic elsewhere while holding it changes nothing.
        self.gate.read().unwrap_or_else(|e| e.into_inner())
    }

    fn check_format(&self, path: &Path) -> Result<()> {
        match self.meta.get(KEY_FORMAT)? {
            Some(bytes) => {
                let found = decode_u32(&bytes, "format version")?;
                if !(OLDEST_READABLE_VERSION..=FORMAT_VERSION).contains(&found) {
                    return Err(StoreError::IncompatibleVersion {
                        path: path.to_path_buf(),
                        found,
                        supported: FORMAT_VERSION,
                    });
                }
                if found < FORMAT_VERSION {
                    self.rebuild_listings()?;
                    self.meta
                        .insert(KEY_FORMAT, &FORMAT_VERSION.to_be_bytes())?;
                    self.db.flush()?;
                }
            }
            None => {
                self.meta
                    .insert(KEY_FORMAT, &FORMAT_VERSION.to_be_bytes())?;
                self.db.flush()?;
            }
        }
        Ok(())
    }

    /// The sequence number of the latest write (0 for an empty store).
    pub fn last_seq(&self) -> Result<u64> {
        match self.meta.get(KEY_SEQ)? {
            Some(bytes) => decode_u64(&bytes, "sequence"),
            None => Ok(0),
        }
    }

    /// Every change after `seq`, in order.
    pub fn changes_since(&self, seq: u64) -> Result<Vec<(u64, Change)>> {
        let start = seq.saturating_add(1).to_be_bytes();
        let mut out = Vec::new();
        for entry in self.changes.range(start..) {
            let (key, value) = entry?;
            out.push((
                decode_u64(&key, "change key")?,
                decode_json(&value, "change")?,
            ));
        }
        Ok(out)
    }

    /// Adds or replaces a board; `by` is who did it (for the audit log).
    pub fn put_board(&self, board: &Board, by: &str) -> Result<()> {
        validate_board(board)?;
        let value = encode_json(board)?;
        let change = Change::Board(board.slug.clone());
        let note = AuditNote::record(by, "board", format!("board {}", board.slug));
        self.put_logged(
            &self.boards,
            board.slug.as_bytes(),
            Some(&value),
            &change,
            &note,
        )
    }

    /// Inserts (or, given no value, removes) one key of `tree`, logs `change` and
    /// appends `note` to the audit log, in one transaction, then flushes.
    fn put_logged(
        &self,
        tree: &sled::Tree,
        key: &[u8],
        value: Option<&[u8]>,
        change: &Change,
        note: &AuditNote,
    ) -> Result<()> {
        let change = encode_json(change)?;
        let now = now_rfc3339();
        let _writing = self.writing();
        (tree, &self.changes, &self.meta, &self.audit)
            .transaction(|(tree, changes, meta, audit_log)| {
                match value {
                    Some(value) => tree.insert(key, value)?,
                    None => tree.remove(key)?,
                };
                let seq = next_seq(meta)?;
                changes.insert(&seq.to_be_bytes(), change.clone())?;
                audit::append(meta, audit_log, note, &now)?;
                Ok(())
            })
            .map_err(transaction_error)?;
        self.db.flush()?;
        Ok(())
    }

    pub fn board(&self, slug: &str) -> Result<Option<Board>> {
        match self.boards.get(slug.as_bytes())? {
            Some(bytes) => Ok(Some(decode_json(&bytes, "board")?)),
            None => Ok(None),
        }
    }

    /// Every board, by slug.
    pub fn boards(&self) -> Result<Vec<Board>> {
        self.boards
            .iter()
            .map(|entry| {
                let (_, value) = entry?;
                decode_json(&value, "board")
            })
            .collect()
    }

    /// Records a repository-wide setting (for example that the demo corpus was loaded).
    pub fn put_setting(&self, name: &str, value: &str) -> Result<()> {
        let change = Change::Setting(name.to_string());
        let note = AuditNote::record("system", "setting", format!("setting {name}"));
        self.put_logged(
            &self.settings,
            name.as_bytes(),
            Some(value.as_bytes()),
            &change,
            &note,
        )
    }

    /// A setting recorded with [`Store::put_setting`].
    pub fn setting(&self, name: &str) -> Result<Option<String>> {
        match self.settings.get(name.as_bytes())? {
            Some(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            None => Ok(None),
        }
    }

    /// Stores a new review as revision 1 with a newly allocated id. The review's
    /// `status` and `embargo_until` are kept as given; server-owned fields are replaced.
    pub fn create_review(&self, review: Review, by: &str, action: &str) -> Result<Review> {
        let _writing = self.writing();
        let stored = self.write_new_review(review, by, action)?;
        self.db.flush()?;
        Ok(stored)
    }

    /// Stores several new reviews as [`Store::create_review`] does, each in its own
    /// transaction (results in input order), and flushes once at the end: nothing is
    /// returned before every stored review is on disk.
    pub fn create_reviews(
        &self,
        reviews: Vec<Review>,
        by: &str,
        action: &str,
    ) -> Result<Vec<Result<Review>>> {
        let _writing = self.writing();
        let results = reviews
            .into_iter()
            .map(|review| self.write_new_review(review, by, action))
            .collect();
        self.db.flush()?;
        Ok(results)
    }

    /// Writes a new review (not flushed).
    fn write_new_review(&self, mut review: Review, by: &str, action: &str) -> Result<Review> {
        let board = self.prepare(&mut review)?;
        let now = now_rfc3339();
        review.revision = 1;
        review.created_at = Some(now.clone());
        review.updated_at = Some(now.clone());
        let year = review
            .year()
            .unwrap_or_else(|| lessons_model::dates::today().year());
        let counter_key = counter_key(&board.slug);
        self.revision_transaction(|trees| {
            let number = last_number(trees.meta, &counter_key)? + 1;
            trees
                .meta
                .insert(counter_key.clone(), &number.to_be_bytes())?;
            let mut review = review.clone();
            review.id = review_id(year, &board.slug, number);
            review.fill_derived();
            write_revision(trees, &review, None, (by, action, &now))?;
            Ok(review)
        })
    }

    /// Replaces review `id` with `review` as a new revision. `status` and
    /// `embargo_until` are taken from `review`; `created_at` is kept, and so are the
    /// files when `review` lists none.
    pub fn update_review(
        &self,
        id: &str,
        mut review: Review,
        by: &str,
        action: &str,
    ) -> Result<Review> {
        self.prepare(&mut review)?;
        let now = now_rfc3339();
        let _writing = self.writing();
        let stored = self.revision_transaction(|trees| {
            let Some(bytes) = trees.reviews.get(id.as_bytes())? else {
                return Err(abort(StoreError::ReviewNotFound(id.to_string())));
            };
            let current: Review = decode_json(&bytes, "review").map_err(abort)?;
            let mut review = review.clone();
            review.id = current.id.clone();
            review.revision = current.revision + 1;
            review.created_at = current.created_at.clone();
            review.updated_at = Some(now.clone());
            if review.files.is_empty() {
                review.files = current.files.clone();
            }
            review.fill_derived();
            write_revision(trees, &review, Some(&current.board), (by, action, &now))?;
            Ok(review)
        })?;
        self.db.flush()?;
        Ok(stored)
    }

    /// Stores `review` as another store held it (from a dump): id, revision, status,
    /// embargo, timestamps and derived fields are kept exactly as given. The review must
    /// be new to this store and pass [`check_restorable`]. Its history here is one entry,
    /// at `review.revision`, with action `restored`; the id counter of the board named in
    /// the id moves past the id's number, so the id is never issued again. Files are kept
    /// only when this store holds their bytes.
    pub fn restore_review(&self, review: &Review, by: &str) -> Result<()> {
        let mut errors = restore_errors(review, &self.boards_for(&review.board)?);
        errors.extend(self.missing_files(review)?);
        in_order(errors)?;
        let (slug, number) = review_id_parts(&review.id).ok_or_else(|| StoreError::Corrupt {
            what: "review id".into(),
            message: "checked id no longer parses".into(),
        })?;
        let counter_key = counter_key(slug);
        let now = now_rfc3339();
        let _writing = self.writing();
        self.revision_transaction(|trees| {
            if trees.reviews.get(review.id.as_bytes())?.is_some() {
                return Err(abort(StoreError::AlreadyExists(review.id.clone())));
            }
            if last_number(trees.meta, &counter_key)? < number {
                trees
                    .meta
                    .insert(counter_key.clone(), &number.to_be_bytes())?;
            }
            write_revision(trees, review, None, (by, RESTORED, &now))
        })?;
        self.db.flush()?;
        Ok(())
    }

    /// Runs `write` in one transaction over the trees a new revision touches.
    fn revision_transaction<T>(&self, write: impl Fn(&RevisionTrees) -> TxResult<T>) -> Result<T> {
        let trees = (
            &self.reviews,
            &self.revisions,
            &self.changes,
            &self.meta,
            &self.file_owners,
            &self.audit,
            &self.board_reviews,
        );
        trees
            .transaction(
                |(reviews, revisions, changes, meta, owners, audit, listings)| {
                    write(&RevisionTrees {
                        reviews,
                        revisions,
                        changes,
                        meta,
                        owners,
                        audit,
                        listings,
                    })
                },
            )
            .map_err(transaction_error)
    }

    /// One error per file of `review` whose bytes this store does not hold.
    fn missing_files(&self, review: &Review) -> Result<Vec<FieldError>> {
        let mut errors = Vec::new();
        for (i, file) in review.files.iter().enumerate() {
            if self.file(&file.sha256)?.is_none() {
                errors.push(field_error(
                    &format!("files[{i}]"),
                    &format!("this store does not hold the file {}", file.sha256),
                ));
            }
        }
        Ok(errors)
    }

    /// Checks a review as [`Store::create_review`] would, without writing anything.
    pub fn check_review(&self, review: &Review) -> Result<()> {
        self.prepare(&mut review.clone()).map(|_| ())
    }

    /// Validates a review and fills its region from its board.
    fn prepare(&self, review: &mut Review) -> Result<Board> {
        let boards = self.boards_for(&review.board)?;
        in_order(review_errors(review, &boards))?;
        let board = boards
            .into_iter()
            .find(|b| b.slug == review.board)
            .ok_or_else(|| StoreError::Corrupt {
                what: "board".into(),
                message: "board vanished during validation".into(),
            })?;
        review.region = Some(board.region.clone());
        Ok(board)
    }

    /// The board `slug` alone when it exists, else every board (to list as allowed).
    fn boards_for(&self, slug: &str) -> Result<Vec<Board>> {
        match self.board(slug)? {
            Some(board) => Ok(vec![board]),
            None => self.boards(),
        }
    }

    /// The current revision of review `id`.
    pub fn review(&self, id: &str) -> Result<Option<Review>> {
        match self.reviews.get(id.as_bytes())? {
            Some(bytes) => Ok(Some(decode_json(&bytes, "review")?)),
            None => Ok(None),
        }
    }

    /// Review `id` as it was at revision `n`.
    pub fn revision(&self, id: &str, n: u32) -> Result<Option<RevisionRecord>> {
        match self.revisions.get(revision_key(id, n))? {
            Some(bytes) => Ok(Some(decode_json(&bytes, "revision")?)),
            None => Ok(None),
        }
    }

    /// The history of review `id`, oldest first.
    pub fn revisions(&self, id: &str) -> Result<Vec<RevisionInfo>> {
        let mut prefix = id.as_bytes().to_vec();
        prefix.push(0);
        self.revisions
            .scan_prefix(prefix)
            .map(|entry| {
                let (_, value) = entry?;
                let record: RevisionRecord = decode_json(&value, "revision")?;
                Ok(RevisionInfo {
                    revision: record.revision,
                    at: record.at,
                    by: record.by,
                    action: record.action,
                })
            })
            .collect()
    }

    /// Every review (current revisions), in id order.
    pub fn reviews(&self) -> impl Iterator<Item = Result<Review>> + '_ {
        self.reviews.iter().map(|entry| {
            let (_, value) = entry?;
            decode_json(&value, "review")
        })
    }

    /// How many reviews are stored (any status).
    pub fn review_count(&self) -> usize {
        self.reviews.len()
    }

    /// Bytes on disk of the sled database (its log and blobs; a directory read, no walk
    /// of the data).
    pub fn db_size_on_disk(&self) -> Result<u64> {
        Ok(self.db.size_on_disk()?)
    }

    /// The folder that holds the original uploaded files (may not exist yet).
    pub fn files_dir(&self) -> &Path {
        &self.files_dir
    }

    /// Flushes everything to disk (writes already flush; this is for shutdown).
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }
}

/// Every reason [`Store::restore_review`] would refuse `review`, given the boards that
/// exist (which need not be stored yet), apart from files: the checks of a new review, an
/// id of the form the store issues and a revision from 1 (below `u32::MAX`). Lets a
/// caller check a whole dump before writing any of it.
pub fn check_restorable(review: &Review, boards: &[Board]) -> Result<(), ValidationErrors> {
    in_order(restore_errors(review, boards))
}

/// The board slug and the number of an id the store issues (`scr-YEAR-BOARD-NNNN`,
/// the number at most `u32::MAX`, so that counting on from it cannot overflow).
pub fn review_id_parts(id: &str) -> Option<(&str, u64)> {
    let rest = id.strip_prefix("scr-")?;
    let (year, rest) = rest.split_once('-')?;
    let (slug, number) = rest.rsplit_once('-')?;
    let all_digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(year) || !all_digits(number) || !is_board_slug(slug) {
        return None;
    }
    let number: u32 = number.parse().ok()?;
    Some((slug, u64::from(number)))
}

/// The id of the `number`-th review of board `slug`, dated `year`.
fn review_id(year: i32, slug: &str, number: u64) -> String {
    format!("scr-{year}-{slug}-{number:04}")
}

/// The errors of a new review plus those of a restored one's id and revision.
fn restore_errors(review: &Review, boards: &[Board]) -> Vec<FieldError> {
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
fn review_errors(review: &Review, boards: &[Board]) -> Vec<FieldError> {
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
fn in_order(mut errors: Vec<FieldError>) -> Result<(), ValidationErrors> {
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort_by_key(|e| field_order(&e.field));
    Err(ValidationErrors(errors))
}

fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.to_string(),
        allowed: None,
    }
}

/// Key of a board's id counter in `meta`: the last number issued.
fn counter_key(slug: &str) -> Vec<u8> {
    format!("next/{slug}").into_bytes()
}

/// The last id number issued under `counter_key` (0 when none).
fn last_number(meta: &TransactionalTree, counter_key: &[u8]) -> TxResult<u64> {
    match meta.get(counter_key)? {
        Some(bytes) => decode_u64(&bytes, "id counter").map_err(abort),
        None => Ok(0),
    }
}

/// The trees a new revision is written to, inside one transaction.
struct RevisionTrees<'a> {
    reviews: &'a TransactionalTree,
    revisions: &'a TransactionalTree,
    changes: &'a TransactionalTree,
    meta: &'a TransactionalTree,
    owners: &'a TransactionalTree,
    audit: &'a TransactionalTree,
    listings: &'a TransactionalTree,
}

/// Writes `review` as its current and its numbered revision, records its files' owner
/// and its board's listing (out of `previous_board`'s when it moved), logs the change and
/// appends the audit entry.
fn write_revision(
    trees: &RevisionTrees,
    review: &Review,
    previous_board: Option<&str>,
    (by, action, at): (&str, &str, &str),
) -> TxResult<()> {
    let RevisionTrees {
        reviews,
        revisions,
        changes,
        meta,
        owners,
        audit: audit_log,
        listings,
    } = trees;
    let record = RevisionRecord {
        revision: review.revision,
        at: at.to_string(),
        by: by.to_string(),
        action: action.to_string(),
        review: review.clone(),
    };
    reviews.insert(review.id.as_bytes(), encode_json(review).map_err(abort)?)?;
    revisions.insert(
        revision_key(&review.id, review.revision),
        encode_json(&record).map_err(abort)?,
    )?;
    let seq = next_seq(meta)?;
    let change = encode_json(&Change::Review(review.id.clone())).map_err(abort)?;
    changes.insert(&seq.to_be_bytes(), change)?;
    let note = AuditNote::review(by, action, &review.id, review.revision);
    audit::append(meta, audit_log, &note, at)?;
    listing::record_listing(listings, review, previous_board)?;
    record_file_owners(owners, review)
}

fn record_file_owners(owners: &TransactionalTree, review: &Review) -> TxResult<()> {
    for file in &review.files {
        owners.insert(
            files::file_owner_key(&review.board, &file.sha256),
            review.id.as_bytes(),
        )?;
    }
    Ok(())
}

fn next_seq(meta: &TransactionalTree) -> TxResult<u64> {
    let seq = match meta.get(KEY_SEQ)? {
        Some(bytes) => decode_u64(&bytes, "sequence").map_err(abort)? + 1,
        None => 1,
    };
    meta.insert(KEY_SEQ, &seq.to_be_bytes())?;
    Ok(seq)
}

fn revision_key(id: &str, revision: u32) -> Vec<u8> {
    let mut key = id.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(&revision.to_be_bytes());
    key
}

/// Orders validation errors by the position of their field in a review document.
fn field_order(field: &str) -> usize {
    let head = field.split(['.', '[']).next().unwrap_or(field);
    REVIEW_FIELDS
        .iter()
        .position(|f| *f == head)
        .unwrap_or(REVIEW_FIELDS.len())
}

mod accounts;
pub mod audit;
pub mod backup;
mod check;
mod codec;
mod error;
mod files;
pub mod listing;

pub use accounts::{SessionRecord, TokenRecord};
pub use audit::{AuditEntry, AuditFilter, AuditNote};
pub use backup::BackupReport;
pub use check::{Problem, StoreReport};
pub use files::sha256_hex;
pub use listing::ReviewListing;

#[cfg(test)]
mod tests;
