//! A Lessons data directory opened for use: the store (source of truth), the search
//! index derived from it, and the one place where the two are kept in step.
//!
//! Layout: `DIR/store` (sled) and `DIR/index` (tantivy). Every write goes through
//! [`Repository`]: under the write lock it is checked against the stored state, written
//! and flushed to the store; then, outside that lock, the index is made to reach the
//! write's sequence before the call returns, so a write is searchable by the time it is
//! acknowledged.
//!
//! **Group commit.** Replaying the store's change log into the index
//! ([`Repository::catch_up`]) takes its own lock and applies *every* change stored so
//! far in one index commit. Writers that stored while a commit was running wait for
//! that lock; when they get it, a commit that started after their write has usually
//! covered them already (`indexed_seq >= their seq`) and they return at once, so N
//! concurrent writes share one commit instead of queueing for N. The store's flush is
//! shared the same way: a write is stored under the write lock but flushed after the
//! lock is released (`lessons_store::with_deferred_flush`), and before it is
//! acknowledged: writers that stored while one flushed share the next flush, and
//! acknowledged still means flushed. The sequence the index records only ever moves forward, because catch-ups never overlap
//! and each applies the current stored state of every review changed since the last.
//!
//! A write that changes nothing searchable (a draft deposited or amended) is not
//! committed to the index at all (see `SearchIndex::apply`): it waits for no commit and
//! leaves the search cache's answers valid.
//!
//! The recurring lessons (`DIR/recurring.json`, `recurring_state`) follow: `catch_up`
//! hands them the reviews it re-indexed; a review that stopped being public leaves its
//! groups before the write returns, and the placing of new public findings is queued
//! for the keeper thread (or, inside [`Repository::bulk`], left to one regrouping at
//! its end), off the commit path.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use lessons_index::{IndexError, IndexUpdate, SearchIndex};
use lessons_model::{Board, Review};
use lessons_store::{BackupReport, Change, Store, StoreError};

use super::error::ServiceError;
use super::recurring_state::{Derived, DerivedError};
use super::search_cache::{self, SearchCache};
use super::search_gate::{self, SearchGate};
use crate::metrics::{IndexOperation, Metrics};

/// Why a data directory could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum RepositoryError {
    #[error("{path} is not empty and is not a Lessons data directory (expected store/ and index/ inside)")]
    NotADataDir { path: PathBuf },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Recurring(#[from] DerivedError),
    #[error("a write lock was poisoned by an earlier failure; restart the service")]
    Poisoned,
    #[error("the data directory is not empty (reviews: {reviews}, boards: {boards}); a dump is restored only into an empty data directory")]
    NotEmpty { reviews: usize, boards: usize },
}

pub type Result<T, E = RepositoryError> = std::result::Result<T, E>;

impl From<RepositoryError> for ServiceError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Store(e) => e.into(),
            other => ServiceError::internal(&other, "the service could not complete the request"),
        }
    }
}

/// The store and the index of one data directory.
pub struct Repository {
    pub(super) store: Store,
    pub(super) index: SearchIndex,
    /// What the service measures (`/metrics`); index updates and searches are timed here.
    pub(super) metrics: Arc<Metrics>,
    /// Recent search answers (see `search_cache`).
    pub(super) search_cache: SearchCache,
    /// How many searches are computed at once (see `search_gate`).
    pub(super) search_gate: SearchGate,
    /// The recurring lessons, derived from the public findings (`recurring_state`).
    pub(super) recurring: Derived,
    dir: PathBuf,
    write_lock: Mutex<()>,
    /// Held while the index catches up with the store (one catch-up at a time).
    catch_up_lock: Mutex<()>,
}

impl Drop for Repository {
    /// A regrouping running in the background is finished and saved, not lost.
    fn drop(&mut self) {
        if let Err(error) = self.recurring.wait_idle(&self.store, &self.index) {
            tracing::error!("the recurring lessons could not be saved: {error}");
        }
    }
}

impl Repository {
    /// Opens the data directory `dir` (creating it when missing) and catches the index
    /// up with the store.
    pub fn open(dir: &Path) -> Result<Repository> {
        check_data_dir(dir)?;
        let store = Store::open(&dir.join("store"))?;
        let index = SearchIndex::open(&dir.join("index"))?;
        let repository = Repository {
            store,
            index,
            metrics: Arc::new(Metrics::new()),
            search_cache: SearchCache::new(search_cache::DEFAULT_ENTRIES),
            search_gate: SearchGate::new(search_gate::default_limit()),
            recurring: Derived::new(dir),
            dir: dir.to_path_buf(),
            write_lock: Mutex::new(()),
            catch_up_lock: Mutex::new(()),
        };
        repository.refresh_board_names()?;
        repository.catch_up()?;
        repository.recurring.open(&repository.store)?;
        Ok(repository)
    }

    /// Runs `work` (many writes, e.g. an import) with the recurring lessons' additions
    /// deferred to one regrouping at its end (at once for a small store, else in the
    /// background); removals still apply at every write.
    pub fn bulk<T>(&self, work: impl FnOnce() -> T) -> Result<T> {
        self.recurring.begin_bulk();
        let out = work();
        self.recurring.end_bulk(&self.store, &self.index)?;
        Ok(out)
    }

    /// Waits for a regrouping of the recurring lessons running in the background, and
    /// installs it.
    pub fn wait_for_recurring(&self) -> Result<()> {
        Ok(self.recurring.wait(&self.store, &self.index)?)
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The metrics registry the service records into (shared with the HTTP middleware).
    pub fn metrics(&self) -> Arc<Metrics> {
        Arc::clone(&self.metrics)
    }

    /// Applies every store change the index has not seen yet, in one commit. Returns
    /// how many reviews were re-indexed.
    pub fn catch_up(&self) -> Result<usize> {
        let _turn = self
            .catch_up_lock
            .lock()
            .map_err(|_| RepositoryError::Poisoned)?;
        self.catch_up_now()
    }

    /// Returns once the index has applied the store's change `seq` (a write just stored):
    /// at once when a commit since covered it, else after a catch-up of everything
    /// stored so far (see the module documentation: group commit).
    fn make_visible(&self, seq: u64) -> Result<()> {
        let _turn = self
            .catch_up_lock
            .lock()
            .map_err(|_| RepositoryError::Poisoned)?;
        if self.index.indexed_seq() < seq {
            self.catch_up_now()?;
        }
        Ok(())
    }

    /// Runs `write` (a store write) under the write lock, then makes it searchable.
    fn write<T, E>(&self, write: impl FnOnce() -> Result<T, E>) -> Result<T, E>
    where
        E: From<RepositoryError>,
    {
        let (written, seq) = {
            let _guard = self
                .write_lock
                .lock()
                .map_err(|_| RepositoryError::Poisoned)?;
            let written = lessons_store::with_deferred_flush(write);
            (
                written,
                self.store.last_seq().map_err(RepositoryError::from)?,
            )
        };
        // Outside the lock: writers that stored meanwhile share this flush or the next.
        self.store.flush().map_err(RepositoryError::from)?;
        let written = written?;
        self.make_visible(seq)?;
        Ok(written)
    }

    /// [`Repository::catch_up`] for a caller holding `catch_up_lock`.
    fn catch_up_now(&self) -> Result<usize> {
        if self.index.indexed_seq() > self.store.last_seq()? {
            // The index is ahead of this store (an older store was put back): it may hold
            // reviews the store no longer has or no longer publishes. Rebuild it.
            let seq = self.store.last_seq()?;
            let reviews: Vec<Review> = self.store.reviews().collect::<Result<_, _>>()?;
            let count = reviews.len();
            let started = Instant::now();
            self.index.rebuild(reviews, seq, || {})?;
            self.metrics
                .observe_index_update(IndexOperation::Rebuild, count, started.elapsed());
            self.recurring.rebuild(&self.store, &self.index)?;
            return Ok(count);
        }
        let changes = self.store.changes_since(self.index.indexed_seq())?;
        let Some((last_seq, _)) = changes.last() else {
            return Ok(0);
        };
        let mut review_ids = BTreeSet::new();
        let mut boards_changed = BTreeSet::new();
        for (_, change) in &changes {
            match change {
                Change::Review(id) => {
                    review_ids.insert(id.clone());
                }
                Change::Board(slug) => {
                    boards_changed.insert(slug.clone());
                }
                Change::Setting(_) | Change::User(_) | Change::Token(_) => {}
            }
        }
        if !boards_changed.is_empty() {
            self.refresh_board_names()?;
            for review in self.store.reviews() {
                let review = review?;
                if boards_changed.contains(&review.board) {
                    review_ids.insert(review.id);
                }
            }
        }
        let mut updates = Vec::with_capacity(review_ids.len());
        for id in &review_ids {
            updates.push(match self.store.review(id)? {
                Some(review) => IndexUpdate::Put(Box::new(review)),
                None => IndexUpdate::Remove(id.clone()),
            });
        }
        let started = Instant::now();
        self.index.apply(&updates, *last_seq)?;
        self.metrics
            .observe_index_update(IndexOperation::Apply, updates.len(), started.elapsed());
        if !boards_changed.is_empty() {
            self.recurring.refresh_regions(&self.store)?;
        }
        self.recurring.sync(&self.store, &self.index, &review_ids)?;
        Ok(review_ids.len())
    }

    /// Runs `work` on the repository at rest: every write waits (through this repository
    /// or the store's account writes; reads go on) and the index has caught up first.
    /// For `lessons check` on a running service. `work` must not write.
    pub fn at_rest<T>(&self, work: impl FnOnce(&Repository) -> T) -> Result<T> {
        let _guard = self
            .write_lock
            .lock()
            .map_err(|_| RepositoryError::Poisoned)?;
        let _paused = self.store.pause_writes();
        self.catch_up()?;
        Ok(work(self))
    }

    /// Rebuilds the whole index from the store; `progress` is called per review.
    pub fn reindex(&self, progress: impl FnMut()) -> Result<usize> {
        let _guard = self
            .write_lock
            .lock()
            .map_err(|_| RepositoryError::Poisoned)?;
        let _turn = self
            .catch_up_lock
            .lock()
            .map_err(|_| RepositoryError::Poisoned)?;
        self.refresh_board_names()?;
        let seq = self.store.last_seq()?;
        let reviews: Vec<Review> = self.store.reviews().collect::<Result<_, _>>()?;
        let count = reviews.len();
        let started = Instant::now();
        self.index.rebuild(reviews, seq, progress)?;
        self.metrics
            .observe_index_update(IndexOperation::Rebuild, count, started.elapsed());
        self.recurring.rebuild(&self.store, &self.index)?;
        Ok(count)
    }

    fn refresh_board_names(&self) -> Result<()> {
        let names: HashMap<String, String> = self
            .store
            .boards()?
            .into_iter()
            .map(|b| (b.slug, b.name))
            .collect();
        self.index.set_board_names(names);
        self.search_cache.clear();
        Ok(())
    }

    /// Adds or replaces a board; `by` is who did it (for the audit log).
    pub fn put_board(&self, board: &Board, by: &str) -> Result<()> {
        self.write(|| Ok(self.store.put_board(board, by)?))
    }

    /// Stores a new review (server-owned fields replaced) and indexes it.
    pub fn create_review(&self, review: Review, by: &str, action: &str) -> Result<Review> {
        let mut stored = self.create_reviews(vec![review], by, action)?;
        Ok(stored.pop().ok_or(RepositoryError::Poisoned)??)
    }

    /// Stores several new reviews, each on its own (results in input order), then
    /// indexes them in one commit. An outer error means the index could not catch up:
    /// the stored reviews are safe and are indexed at the next start.
    pub fn create_reviews(
        &self,
        reviews: Vec<Review>,
        by: &str,
        action: &str,
    ) -> Result<Vec<Result<Review, StoreError>>> {
        self.write(|| Ok(self.store.create_reviews(reviews, by, action)?))
    }

    /// Records a setting in the store.
    pub fn put_setting(&self, name: &str, value: &str) -> Result<()> {
        self.write(|| Ok(self.store.put_setting(name, value)?))
    }

    /// The setting `name`, first recorded as `value` when there is none (checked and
    /// written under the write lock, so concurrent first calls agree on one value).
    pub fn setting_or_init(&self, name: &str, value: &str) -> Result<String> {
        self.write(|| {
            if let Some(existing) = self.store.setting(name)? {
                return Ok(existing);
            }
            self.store.put_setting(name, value)?;
            Ok(value.to_string())
        })
    }

    /// Reads review `id`, lets `change` return its new version (or refuse), and stores and
    /// indexes that as a new revision, all under the write lock, so that two changes of
    /// one review cannot overwrite each other.
    pub fn modify_review(
        &self,
        id: &str,
        by: &str,
        action: &str,
        change: impl FnOnce(Review) -> Result<Review, ServiceError>,
    ) -> Result<Review, ServiceError> {
        self.write(|| {
            let current = self
                .store
                .review(id)
                .map_err(RepositoryError::from)?
                .ok_or_else(|| {
                    RepositoryError::Store(StoreError::ReviewNotFound(id.to_string()))
                })?;
            let next = change(current)?;
            Ok(self
                .store
                .update_review(id, next, by, action)
                .map_err(RepositoryError::from)?)
        })
    }

    /// Stores a new review with its original files: the per-board duplicate check, the
    /// files and the review are written under the write lock. A file the board already
    /// holds is a [`ServiceError::Conflict`] naming the review that holds it.
    pub fn create_review_with_files(
        &self,
        review: Review,
        files: Vec<(lessons_model::FileRef, &[u8])>,
        by: &str,
    ) -> Result<Review, ServiceError> {
        self.write(|| self.store_review_with_files(review, files, by))
    }

    /// The store side of [`Repository::create_review_with_files`] (under the write lock).
    fn store_review_with_files(
        &self,
        mut review: Review,
        files: Vec<(lessons_model::FileRef, &[u8])>,
        by: &str,
    ) -> Result<Review, ServiceError> {
        self.store
            .check_review(&review)
            .map_err(RepositoryError::from)?;
        for (file, _) in &files {
            if let Some(existing) = self
                .store
                .file_owner(&review.board, &file.sha256)
                .map_err(RepositoryError::from)?
            {
                return Err(ServiceError::Conflict {
                    file: file.filename.clone(),
                    review: existing,
                });
            }
        }
        for (_, bytes) in &files {
            self.store.put_file(bytes).map_err(RepositoryError::from)?;
        }
        review.files = files.into_iter().map(|(file, _)| file).collect();
        Ok(self
            .store
            .create_review(review, by, "create")
            .map_err(RepositoryError::from)?)
    }

    /// Refuses unless the store holds no review and no board.
    pub fn check_empty(&self) -> Result<()> {
        let reviews = self.store.review_count();
        let boards = self.store.boards()?.len();
        if reviews > 0 || boards > 0 {
            return Err(RepositoryError::NotEmpty { reviews, boards });
        }
        Ok(())
    }

    /// Loads boards and reviews from a dump into an empty data directory, every field
    /// of every review kept (see [`Store::restore_review`]), then indexes them. The
    /// caller checks the dump first ([`lessons_store::check_restorable`]); a storage
    /// failure part way leaves the reviews stored so far, each whole.
    pub fn restore(
        &self,
        boards: &[Board],
        reviews: &[Review],
        mut progress: impl FnMut(),
    ) -> Result<()> {
        let _guard = self
            .write_lock
            .lock()
            .map_err(|_| RepositoryError::Poisoned)?;
        self.check_empty()?;
        for board in boards {
            self.store.put_board(board, "restore")?;
        }
        for review in reviews {
            self.store.restore_review(review, "restore")?;
            progress();
        }
        self.catch_up()?;
        Ok(())
    }

    /// Every stored review (current revisions, any status), in id order: for benches and
    /// tools that read the whole store.
    pub fn reviews(&self) -> impl Iterator<Item = Result<Review>> + '_ {
        self.store
            .reviews()
            .map(|r| r.map_err(RepositoryError::from))
    }

    /// How many reviews are stored (any status).
    pub fn review_count(&self) -> usize {
        self.store.review_count()
    }

    /// Reviews and findings the index holds (public or under embargo).
    pub fn document_counts(&self) -> Result<(u64, u64)> {
        Ok(self.index.document_counts()?)
    }

    /// Flushes the store (writes flush already; this is for shutdown).
    pub fn flush(&self) -> Result<()> {
        Ok(self.store.flush()?)
    }

    /// The process is about to exit (the server stopped): a running regrouping of the
    /// recurring lessons is let go instead of waited for when the repository is dropped
    /// (see `Derived::let_regrouping_go`).
    pub fn prepare_to_exit(&self) {
        self.recurring.let_regrouping_go();
    }

    /// Backs up this open store into the new folder `output` (`lessons backup` through
    /// the control socket, while the server holds the store).
    pub fn backup(&self, output: &Path) -> Result<BackupReport, StoreError> {
        self.store.backup(output)
    }

    /// Every board (slug, name, region), in slug order, from the store.
    pub fn boards(&self) -> Result<Vec<Board>> {
        Ok(self.store.boards()?)
    }

    /// Board slugs, for checking search parameters (from memory; no disk read).
    pub fn board_slugs(&self) -> Vec<String> {
        self.index.board_slugs().to_vec()
    }

    /// Every board's name by slug (from memory).
    pub fn board_names(&self) -> HashMap<String, String> {
        HashMap::clone(&self.index.board_names())
    }

    /// A board's name (from memory), or its slug when unknown.
    pub fn board_name(&self, slug: &str) -> String {
        self.index
            .board_names()
            .get(slug)
            .cloned()
            .unwrap_or_else(|| slug.to_string())
    }
}

/// Backs up the store of data directory `data` into `output` when no server holds it
/// (`Err(StoreError::Locked)` when one does: ask it through its control socket).
pub fn backup_closed(data: &Path, output: &Path) -> Result<BackupReport, StoreError> {
    Store::open(&data.join("store"))?.backup(output)
}

/// Refuses to turn an unrelated non-empty directory into a data directory.
fn check_data_dir(dir: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(()); // missing (created by the store) or unreadable (the store says so)
    };
    let names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let ours = names.iter().any(|n| n == "store" || n == "index");
    if names.is_empty() || ours {
        Ok(())
    } else {
        Err(RepositoryError::NotADataDir {
            path: dir.to_path_buf(),
        })
    }
}
