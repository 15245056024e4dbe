//! The [`Store`]: its trees, opening and the format check, the write gate, the change
//! log, boards and settings, and the one-record logged write every other write of a
//! record but a review goes through. Knows the record modules and the leaves; the
//! operations in `ops` build on it.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use lessons_model::dates::now_rfc3339;
use lessons_model::{validate_board, Board};
use sled::Transactional;

use crate::audit::{append, AuditNote};
use crate::change::{next_seq, Change, KEY_SEQ};
use crate::codec::{decode_json, decode_u32, decode_u64, encode_json};
use crate::error::{open_error, transaction_error, Result, StoreError};
use crate::listing::rebuild_listings;

/// sled's page cache, in bytes (its default is 1 GiB, which a long-running service fills
/// with every review it ever read: resident memory that looks like a leak). Searches
/// and exports read the index; the store serves review pages and writes, for which the
/// hot reviews fit well within this.
const CACHE_BYTES: u64 = 128 * 1024 * 1024;

thread_local! {
    /// Set by [`with_deferred_flush`] for the writes of one thread.
    static FLUSH_DEFERRED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `write` with this thread's store writes not flushed: the caller must call
/// [`Store::flush`] before it acknowledges any of them. This is group commit: a writer
/// that stores while another flushes does not wait for that flush before storing, and
/// the next flush covers every write stored so far, so concurrent writers share
/// flushes instead of queueing one flush each behind a lock.
pub fn with_deferred_flush<T>(write: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            FLUSH_DEFERRED.with(|deferred| deferred.set(self.0));
        }
    }
    let _restore = Restore(FLUSH_DEFERRED.with(|deferred| deferred.replace(true)));
    write()
}

/// The on-disk format this build writes. Version 2 may hold compressed values; version
/// 3 adds the `board_reviews` listings. An older store is read as it is: its listings
/// are written when it is opened, and it is marked version 3.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest format this build opens.
const OLDEST_READABLE_VERSION: u32 = 1;

pub(crate) const KEY_FORMAT: &[u8] = b"format_version";

/// The store. Cheap to clone (sled handles are reference counted).
#[derive(Clone)]
pub struct Store {
    pub(crate) db: sled::Db,
    pub(crate) reviews: sled::Tree,
    pub(crate) revisions: sled::Tree,
    pub(crate) boards: sled::Tree,
    pub(crate) settings: sled::Tree,
    pub(crate) users: sled::Tree,
    pub(crate) tokens: sled::Tree,
    pub(crate) sessions: sled::Tree,
    pub(crate) file_owners: sled::Tree,
    pub(crate) board_reviews: sled::Tree,
    pub(crate) changes: sled::Tree,
    pub(crate) audit: sled::Tree,
    pub(crate) meta: sled::Tree,
    pub(crate) files_dir: PathBuf,
    /// Taken shared by every write and exclusively by a backup (see `ops/backup.rs`).
    pub(crate) gate: Arc<RwLock<()>>,
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
            .cache_capacity(CACHE_BYTES)
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
    pub(crate) fn writing(&self) -> RwLockReadGuard<'_, ()> {
        // The gate guards no data: a panic elsewhere while holding it changes nothing.
        self.gate.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Holds every write back (reads go on) until the guard is dropped: for a check of a
    /// store in use, which must see one moment. Never call a write while holding it.
    pub fn pause_writes(&self) -> RwLockWriteGuard<'_, ()> {
        self.gate.write().unwrap_or_else(|e| e.into_inner())
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
                    rebuild_listings(&self.reviews, &self.board_reviews)?;
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
    pub(crate) fn put_logged(
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
                append(meta, audit_log, note, &now)?;
                Ok(())
            })
            .map_err(transaction_error)?;
        self.flush_write()?;
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

    /// Bytes on disk of the sled database (its log and blobs; a directory read, no walk
    /// of the data).
    pub fn db_size_on_disk(&self) -> Result<u64> {
        Ok(self.db.size_on_disk()?)
    }

    /// The folder that holds the original uploaded files (may not exist yet).
    pub fn files_dir(&self) -> &Path {
        &self.files_dir
    }

    /// Flushes a write just made, unless the caller deferred it
    /// ([`with_deferred_flush`]).
    pub(crate) fn flush_write(&self) -> Result<()> {
        if !FLUSH_DEFERRED.with(Cell::get) {
            self.db.flush()?;
        }
        Ok(())
    }

    /// Flushes everything to disk: at shutdown, and after writes made inside
    /// [`with_deferred_flush`].
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }
}
