//! The recurring lessons as the service keeps them (DESIGN §9): derived from the public
//! findings of the store, like the index, never a source of truth, and light.
//!
//! - **What is resident.** Only the grouping (ids, members, retired ids), the finding ->
//!   group map (badges), one [`Summarised`] per group (the listing's figures, label and
//!   representative text, the members' filter fields and the group's concept terms for
//!   `q`), the public reviews' revisions, embargo dates, and the document frequencies of
//!   the last full regrouping (for incremental placement). No finding text beyond one
//!   per group and no analysed corpus: members' texts (`/recurring/{id}`, briefings,
//!   exports) are read from the store on demand.
//! - **Persistence.** `DIR/recurring.json` ([`Saved`]) holds all of that, stamped with the
//!   store sequence it reflects (`seq`). It is written atomically (temporary file, sync,
//!   rename) by the keeper at most every [`SAVE_EVERY`] after a change, after a
//!   regrouping, and when the repository is dropped. Opening reads it and never waits for a regrouping:
//!   a file a few changes behind the store is brought up to date incrementally; a
//!   missing, unreadable or far-behind file is regrouped in the background (a small
//!   store, at most [`SYNC_REGROUP_FINDINGS`] findings, at once), the last known state
//!   (or none) serving meanwhile.
//! - **Writes.** `Repository::catch_up` hands the reviews it re-indexed to
//!   [`Derived::sync`] before the write returns. That does only what must not wait: a
//!   review that stops being public as reflected (withdrawn, embargoed again, amended)
//!   leaves its groups at once; a group left under two reviews is retired (410). The
//!   rest is queued for the **keeper** (the server's maintenance thread, woken by the
//!   write; [`Derived::keep_in_background`]), so the placing never holds up a commit:
//!   with no keeper (the CLI, tests) the write or the next read does it. New public
//!   findings are placed incrementally: their candidates are the index's most similar
//!   public findings (more-like-this, [`CANDIDATES`] each), the candidates' groups are
//!   read in full, and the crate places the new findings on that small corpus
//!   ([`Corpus::with_document_frequencies`]: IDF of the whole corpus). The placing is
//!   planned under the read lock and applied under the write lock, so readers wait for
//!   milliseconds; a removal in between makes it plan again. A bulk write
//!   ([`Derived::begin_bulk`], `lessons import`; or more than [`INCREMENTAL_MAX`]
//!   reviews at once, outside the keeper's rounds of the oldest 50) defers the additions
//!   to one full regrouping. The file is saved by the keeper after each round, with the
//!   sequence up to which every change is processed, so a crash before the round loses
//!   nothing (opening replays the changes since).
//! - **Embargoes.** Published reviews under embargo are kept with their date; a read, a
//!   write or the maintenance thread brings in those whose date has come.
//! - **Full regrouping.** A worker thread reads the store (its own handle), groups every
//!   public finding afresh (fresh IDF, ids carried over), summarises, drops the corpus
//!   and leaves the result ready; the next caller with the repository installs it under
//!   the write lock, replaying the store changes made since the worker's snapshot, so no
//!   write is lost and no id reused. One runs at a time, after [`REGROUP_AFTER`] changed
//!   reviews (or a tenth of the public reviews when that is more) once no review has
//!   changed for [`REGROUP_QUIET`] (a burst of writes is placed incrementally and the
//!   regrouping, a minute of CPU and hundreds of MB on a large store, runs after it, not
//!   during it), or [`REGROUP_EVERY`] after any change even while writes go on, after a
//!   bulk write and by `lessons reindex` (which waits for it).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lessons_index::SearchIndex;
use lessons_model::dates::today;
use lessons_model::{Review, Visibility};
use lessons_recurring::{regroup_corpus, Corpus, FindingInput, Group, Grouping, Params};
use lessons_store::{Change, Problem, Store, StoreError};
use serde::{Deserialize, Serialize};
use time::Date;

use super::recurring::{summarise, Summarised};

/// The file's name in the data directory.
pub const FILE_NAME: &str = "recurring.json";
/// Temporary files being written start so (a killed process may leave one).
const TEMP_PREFIX: &str = ".recurring.json.";
/// The file's format version (2: the light state with summaries).
const FORMAT: u32 = 2;
/// A full regrouping runs after this many changed reviews, or one in `REGROUP_SHARE`
/// of the public reviews when that is more (on a large store each regrouping holds
/// hundreds of MB for a minute, and incremental placement keeps the grouping close
/// in between)...
pub const REGROUP_AFTER: usize = 200;
pub const REGROUP_SHARE: usize = 10;
/// ...once no review has changed for this long...
pub const REGROUP_QUIET: Duration = Duration::from_secs(30);
/// ...or this long after the last one when anything changed since.
pub const REGROUP_EVERY: Duration = Duration::from_secs(15 * 60);
/// A write touching more reviews than this defers its additions to a regrouping.
pub const INCREMENTAL_MAX: usize = 50;
/// Stores with at most this many findings (by the index's count) are regrouped at once
/// rather than in the background (well under a second).
pub const SYNC_REGROUP_FINDINGS: u64 = 5_000;
/// The keeper writes the file at most this often (it is about 15 MB at 5,000 reviews;
/// a crash in between costs a replay of the changes since at the next start).
pub const SAVE_EVERY: Duration = Duration::from_secs(2);
/// Candidates taken from the index per new finding.
pub const CANDIDATES: usize = 200;

/// Why the derived state could not be loaded, saved or updated.
#[derive(Debug, thiserror::Error)]
pub enum DerivedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] lessons_index::IndexError),
    #[error("cannot write {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("the request for every public finding was refused: {0}")]
    Request(String),
    #[error("the recurring lessons' lock was poisoned by an earlier failure; restart the service")]
    Poisoned,
    #[error("new findings could not be placed: the recurring lessons changed while they were placed under the write lock")]
    Unplaced,
}

/// What `DIR/recurring.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Saved {
    pub format: u32,
    /// The store sequence the file reflects.
    pub seq: u64,
    /// Every public review the grouping reflects, with its revision.
    pub reviews: BTreeMap<String, u32>,
    /// Published reviews under embargo: the day they become public.
    #[serde(default)]
    pub pending: BTreeMap<String, Date>,
    pub grouping: Grouping,
    /// One per group of `grouping`, same order.
    #[serde(default)]
    pub summaries: Vec<Summarised>,
    /// The concept terms `summaries` refer to by number.
    #[serde(default)]
    pub terms: Vec<String>,
    /// The slugs `summaries` refer to by number.
    #[serde(default)]
    pub slugs: Vec<String>,
    /// Document frequencies of the last full regrouping, over `df_findings` findings.
    #[serde(default)]
    pub df: HashMap<String, u32>,
    #[serde(default)]
    pub df_findings: usize,
    #[serde(default)]
    pub latest_year: Option<i32>,
    /// Reviews changed since the last full regrouping.
    #[serde(default)]
    pub changes: usize,
    /// Whether additions were deferred to a regrouping that has not run yet.
    #[serde(default)]
    pub stale: bool,
}

/// Reads `DIR/recurring.json`: `Ok(None)` when it is missing, `Err` with the reason
/// when it cannot be read.
pub fn read_saved(dir: &Path) -> Result<Option<Saved>, String> {
    let path = dir.join(FILE_NAME);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let saved: Saved = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not a recurring-lessons file: {e}", path.display()))?;
    if saved.format != FORMAT {
        return Err(format!(
            "{} has format {}, this version reads {FORMAT}",
            path.display(),
            saved.format
        ));
    }
    if saved.summaries.len() != saved.grouping.groups.len() {
        return Err(format!(
            "{} lists {} groups but {} summaries",
            path.display(),
            saved.grouping.groups.len(),
            saved.summaries.len()
        ));
    }
    Ok(Some(saved))
}

/// Concept terms (for `q`) and slugs (board, kind, level, agency, theme of members) by
/// number, shared by the groups' summaries, so each is held once.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub names: Vec<String>,
    ids: HashMap<String, u32>,
    pub slugs: Vec<String>,
    slug_ids: HashMap<String, u32>,
}

fn numbered(names: &[String]) -> HashMap<String, u32> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as u32))
        .collect()
}

fn intern(names: &mut Vec<String>, ids: &mut HashMap<String, u32>, name: &str) -> u32 {
    if let Some(id) = ids.get(name) {
        return *id;
    }
    let id = names.len() as u32;
    names.push(name.to_string());
    ids.insert(name.to_string(), id);
    id
}

impl Terms {
    fn from_names(names: Vec<String>, slugs: Vec<String>) -> Terms {
        Terms {
            ids: numbered(&names),
            names,
            slug_ids: numbered(&slugs),
            slugs,
        }
    }

    /// The number of concept term `term`, added when new.
    pub fn intern(&mut self, term: &str) -> u32 {
        intern(&mut self.names, &mut self.ids, term)
    }

    /// The number of concept term `term`, if any group uses it.
    pub fn get(&self, term: &str) -> Option<u32> {
        self.ids.get(term).copied()
    }

    /// The number of slug `slug`, added when new.
    pub fn slug(&mut self, slug: &str) -> u32 {
        intern(&mut self.slugs, &mut self.slug_ids, slug)
    }

    /// The slug numbered `id` ("" for a number never given).
    pub fn slug_name(&self, id: u32) -> &str {
        self.slugs.get(id as usize).map_or("", String::as_str)
    }
}

/// The recurring lessons: the grouping with what the pages and the API read.
#[derive(Debug, Default)]
pub struct State {
    pub grouping: Grouping,
    /// One per group of `grouping.groups`, same order.
    pub summaries: Vec<Arc<Summarised>>,
    /// Finding id -> index in `grouping.groups`.
    pub group_of: HashMap<String, usize>,
    /// Board slug -> region slug.
    pub regions: HashMap<String, String>,
    pub terms: Terms,
    /// The latest year of any public finding (for `sort=rising`).
    pub latest_year: Option<i32>,
    /// Every public review reflected, with its revision.
    reviews: BTreeMap<String, u32>,
    pending: BTreeMap<String, Date>,
    df: HashMap<String, u32>,
    df_findings: usize,
    /// Reviews changed since the last full regrouping.
    changes: usize,
    /// The store sequence reflected.
    seq: u64,
    /// Additions deferred to a regrouping.
    stale: bool,
    last_regroup: Option<Instant>,
    /// When a review last changed (not saved: a restart starts quiet).
    last_change: Option<Instant>,
    /// Moves with every change of the grouping or of the reviews reflected (a placement
    /// planned on one version is applied only to the same).
    version: u64,
}

/// Where new public findings go, planned on one version of the [`State`].
struct Placement {
    version: u64,
    /// The reviews placed.
    reviews: Vec<Review>,
    latest_year: Option<i32>,
    next_id: u64,
    /// Changed groups, by position.
    updates: Vec<(usize, Group)>,
    added: Vec<Group>,
    /// The members' texts (for the summaries).
    texts: HashMap<String, FindingInput>,
}

/// A full regrouping computed by the worker, waiting to be installed.
struct Fresh {
    state: State,
    /// The store sequence before the worker read the store.
    seq: u64,
    /// The grouping the worker carried ids over from.
    previous_next_id: u64,
}

/// The recurring lessons of one data directory.
pub struct Derived {
    path: PathBuf,
    state: RwLock<State>,
    /// A regrouping computed and not yet installed.
    ready: Arc<Mutex<Option<Result<Packed, String>>>>,
    worker: Mutex<Option<JoinHandle<()>>>,
    working: Arc<AtomicBool>,
    /// The process is about to exit: no regrouping starts, none is waited for
    /// ([`Derived::let_regrouping_go`]).
    exiting: AtomicBool,
    /// Bulk writes in progress (additions deferred).
    bulk: AtomicUsize,
    /// What was wrong with the file when it was loaded (reported once by
    /// `lessons check`).
    complaint: Mutex<Option<String>>,
    /// Whether [`Derived::ensure_open`] has finished (writes before it, while the
    /// repository opens, are covered by the file's sequence).
    opened: AtomicBool,
    /// The thread reading the file, started by [`Derived::open`].
    loader: Mutex<Option<JoinHandle<Loaded>>>,
    /// The file read without a thread (when none could be started).
    loaded_now: Mutex<Option<Loaded>>,
    /// Held while finishing the opening.
    opening: Mutex<()>,
    /// Reviews written and indexed whose additions are not placed yet.
    queue: Mutex<Queue>,
    /// Raised when there is work for the keeper (see [`Derived::wait_for_work`]).
    signal: Arc<Signal>,
    /// Whether a keeper thread processes the queue (else writes and reads do).
    kept: AtomicBool,
    /// Held while the queue is processed (one at a time).
    processing: Mutex<()>,
    /// A removal changed the state since it was last saved.
    dirty: AtomicBool,
    /// The state changed since it was last saved, and when it was last saved (the file
    /// is written at most every [`SAVE_EVERY`], and at shutdown).
    unsaved: AtomicBool,
    last_save: Mutex<Option<Instant>>,
}

/// Reviews waiting for [`Derived::process_queue`], oldest first, each with the index
/// sequence of the catch-up that queued it, and the sequence that covers them all.
#[derive(Debug, Default)]
struct Queue {
    /// In arrival order. A review queued again keeps its place: processing reads its
    /// current revision, which covers the later change too.
    order: VecDeque<(String, u64)>,
    queued: HashSet<String>,
    seq: u64,
}

impl Queue {
    /// Queues `ids`, changed by the catch-up that brought the index to `seq` (catch-ups
    /// queue one at a time, in sequence order).
    fn push(&mut self, ids: impl IntoIterator<Item = String>, seq: u64) {
        self.seq = self.seq.max(seq);
        for id in ids {
            if self.queued.insert(id.clone()) {
                self.order.push_back((id, seq));
            }
        }
    }

    /// Takes every queued review, with the sequence that covers them all.
    fn take_all(&mut self) -> (BTreeSet<String>, Option<u64>) {
        self.queued.clear();
        let ids = self.order.drain(..).map(|(id, _)| id).collect();
        (ids, Some(self.seq))
    }

    /// Takes the `most` oldest reviews, with the sequence the state may then reach: that
    /// of the newest catch-up all of whose reviews are taken (none when the oldest left
    /// came from the same catch-up as every one taken). A catch-up applies every change
    /// since the one before, so every change up to that sequence is then processed.
    fn take_oldest(&mut self, most: usize) -> (BTreeSet<String>, Option<u64>) {
        if self.order.len() <= most {
            return self.take_all();
        }
        let round: Vec<(String, u64)> = self.order.drain(..most).collect();
        let oldest_left = self.order.iter().map(|(_, seq)| *seq).min();
        let covered = round
            .iter()
            .map(|(_, seq)| *seq)
            .filter(|seq| oldest_left.is_none_or(|left| *seq < left))
            .max();
        let ids = round
            .into_iter()
            .map(|(id, _)| {
                self.queued.remove(&id);
                id
            })
            .collect();
        (ids, covered)
    }
}

/// How much of the queue [`Derived::process_queue_on`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Take {
    /// Everything (more than [`INCREMENTAL_MAX`] reviews are deferred to a regrouping).
    All,
    /// The keeper's round: outside a bulk write, the [`INCREMENTAL_MAX`] oldest reviews,
    /// the signal raised again for the rest. Under a steady stream of deposits a keeper
    /// that fell behind places its backlog incrementally instead of deferring it to a
    /// full regrouping (which at 5,000 reviews held some 200 MB for minutes of a load
    /// run; BENCHMARKS.md, round five).
    Round,
}

/// "Work is waiting": a flag and a condition variable the keeper waits on.
#[derive(Debug, Default)]
pub struct Signal {
    raised: Mutex<bool>,
    wake: std::sync::Condvar,
}

impl Signal {
    fn raise(&self) {
        if let Ok(mut raised) = self.raised.lock() {
            *raised = true;
            self.wake.notify_all();
        }
    }

    /// Waits until raised or `timeout` passed, and lowers the flag.
    pub fn wait(&self, timeout: Duration) {
        let Ok(raised) = self.raised.lock() else {
            return;
        };
        if let Ok((mut raised, _)) = self.wake.wait_timeout_while(raised, timeout, |r| !*r) {
            *raised = false;
        }
    }
}

/// What the loader hands over: the state read, what was wrong with the file, regions.
type Loaded = (Option<State>, Option<String>, HashMap<String, String>);

/// What `lessons check` found.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    pub groups: usize,
    pub findings: usize,
    pub problems: Vec<Problem>,
}

impl Derived {
    /// An empty state: [`Derived::open`] fills it.
    pub fn new(dir: &Path) -> Derived {
        Derived {
            path: dir.join(FILE_NAME),
            state: RwLock::new(State::default()),
            ready: Arc::new(Mutex::new(None)),
            worker: Mutex::new(None),
            working: Arc::new(AtomicBool::new(false)),
            exiting: AtomicBool::new(false),
            bulk: AtomicUsize::new(0),
            complaint: Mutex::new(None),
            opened: AtomicBool::new(false),
            loader: Mutex::new(None),
            loaded_now: Mutex::new(None),
            opening: Mutex::new(()),
            queue: Mutex::new(Queue::default()),
            signal: Arc::new(Signal::default()),
            kept: AtomicBool::new(false),
            processing: Mutex::new(()),
            dirty: AtomicBool::new(false),
            unsaved: AtomicBool::new(false),
            last_save: Mutex::new(None),
        }
    }

    /// What a keeper thread waits on; from now on writes and reads leave the placing of
    /// new findings, the installing of regroupings and the saving to it.
    pub fn keep_in_background(&self) -> Arc<Signal> {
        self.kept.store(true, Ordering::SeqCst);
        Arc::clone(&self.signal)
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Starts reading the saved state in a thread (start-up does not wait for it; the
    /// first reader or writer does, in [`Derived::ensure_open`]).
    pub fn open(&self, store: &Store) -> Result<(), DerivedError> {
        remove_stale_temporaries(self.dir());
        let regions = regions_of(store)?;
        let dir = self.dir().to_path_buf();
        let spawned = std::thread::Builder::new()
            .name("recurring-load".into())
            .spawn(move || {
                let loaded = match read_saved(&dir) {
                    Ok(saved) => (saved.map(|s| State::from_saved(s, regions.clone())), None),
                    Err(complaint) => (None, Some(complaint)),
                };
                (loaded.0, loaded.1, regions)
            });
        match spawned {
            Ok(handle) => {
                if let Ok(mut loader) = self.loader.lock() {
                    *loader = Some(handle);
                }
            }
            Err(error) => {
                let dir = self.dir();
                let regions = regions_of(store)?;
                tracing::warn!(
                    "cannot load the recurring lessons in a thread ({error}); loading now"
                );
                let loaded = match read_saved(dir) {
                    Ok(saved) => (saved.map(|s| State::from_saved(s, regions.clone())), None),
                    Err(complaint) => (None, Some(complaint)),
                };
                if let Ok(mut ready) = self.loaded_now.lock() {
                    *ready = Some((loaded.0, loaded.1, regions));
                }
            }
        }
        Ok(())
    }

    /// Finishes [`Derived::open`] (waiting for the file to be read, if it is not yet):
    /// brings the loaded state up to date with the store, a few changes incrementally,
    /// else by a regrouping (at once for a small store, else in the background). Does
    /// nothing before `open` or after it finished.
    fn ensure_open(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        if self.opened.load(Ordering::SeqCst) {
            return Ok(());
        }
        let _one = self.opening.lock().map_err(|_| DerivedError::Poisoned)?;
        if self.opened.load(Ordering::SeqCst) {
            return Ok(());
        }
        let handle = self.loader.lock().ok().and_then(|mut l| l.take());
        let loaded = match handle {
            Some(handle) => handle.join().ok(),
            None => self.loaded_now.lock().ok().and_then(|mut l| l.take()),
        };
        let Some((loaded, complaint, regions)) = loaded else {
            return Ok(()); // not opened yet
        };
        if let Some(complaint) = &complaint {
            tracing::warn!("{complaint}; the recurring lessons are grouped afresh");
        }
        let mut regroup = loaded.is_none();
        {
            let mut state = self.state.write().map_err(|_| DerivedError::Poisoned)?;
            *state = match loaded {
                Some(loaded) => loaded,
                None => State {
                    regions,
                    ..State::default()
                },
            };
            // A file ahead of the store (an older store put back) cannot be trusted.
            regroup |= state.stale || state.seq > store.last_seq()?;
            if !regroup {
                let behind = changed_reviews(store, state.seq)?;
                if behind.len() > INCREMENTAL_MAX {
                    regroup = true;
                } else if !behind.is_empty() {
                    let last = store.last_seq()?;
                    state.sync(store, index, &behind, today(), false)?;
                    state.seq = last;
                    self.save(&state)?;
                }
            }
        }
        if let Ok(mut kept) = self.complaint.lock() {
            kept.clone_from(&complaint);
        }
        self.opened.store(true, Ordering::SeqCst);
        if regroup {
            self.regroup_soon(store, index)?;
        }
        Ok(())
    }

    /// Regroups at once when the store is small, else starts the worker.
    fn regroup_soon(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        let (_, findings) = index.document_counts()?;
        if findings <= SYNC_REGROUP_FINDINGS {
            self.regroup_blocking(store, index)
        } else {
            self.start_worker(store, index);
            Ok(())
        }
    }

    /// Reads the state for a query, first bringing in reviews whose embargo has ended
    /// (and, with no keeper, processing the queue: read your writes).
    pub fn read(
        &self,
        store: &Store,
        index: &SearchIndex,
    ) -> Result<RwLockReadGuard<'_, State>, DerivedError> {
        self.ensure_open(store, index)?;
        if !self.kept.load(Ordering::SeqCst) {
            self.process_queue(store, index)?;
        }
        self.bring_in_due(store, index)?;
        self.state.read().map_err(|_| DerivedError::Poisoned)
    }

    /// Reads the state as it is (no installing, no embargo check).
    pub fn peek(&self) -> Result<RwLockReadGuard<'_, State>, DerivedError> {
        self.state.read().map_err(|_| DerivedError::Poisoned)
    }

    /// A bulk write begins: additions are deferred to one regrouping at
    /// [`Derived::end_bulk`] (removals still apply at once).
    pub fn begin_bulk(&self) {
        self.bulk.fetch_add(1, Ordering::SeqCst);
    }

    /// A bulk write ended: regroup (at once when small, else in the background) if
    /// anything was deferred.
    pub fn end_bulk(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        self.ensure_open(store, index)?;
        if self.bulk.fetch_sub(1, Ordering::SeqCst) > 1 {
            return Ok(());
        }
        let stale = self.peek()?.stale;
        if stale {
            self.regroup_soon(store, index)?;
        }
        Ok(())
    }

    /// Reviews `ids` were just written and indexed (the commit path): each that is no
    /// longer public as reflected (withdrawn, embargoed again, amended) leaves its groups
    /// now, before the write is acknowledged; the rest (placing what became public,
    /// embargo dates, saving) is queued for the keeper, or done now when there is none.
    pub fn sync(
        &self,
        store: &Store,
        index: &SearchIndex,
        ids: &BTreeSet<String>,
    ) -> Result<(), DerivedError> {
        if self.opened.load(Ordering::SeqCst) {
            self.remove_leaving(store, index, ids, today())?;
        }
        {
            let mut queue = self.queue.lock().map_err(|_| DerivedError::Poisoned)?;
            queue.push(ids.iter().cloned(), index.indexed_seq());
        }
        if self.kept.load(Ordering::SeqCst) {
            self.signal.raise();
            Ok(())
        } else {
            self.process_queue(store, index)
        }
    }

    /// Takes the findings of reviews `ids` that stopped being public as reflected out of
    /// their groups (cheap: a look under the read lock, the write lock only for those).
    fn remove_leaving(
        &self,
        store: &Store,
        index: &SearchIndex,
        ids: &BTreeSet<String>,
        today: Date,
    ) -> Result<(), DerivedError> {
        let reflected: Vec<(String, u32)> = {
            let state = self.peek()?;
            ids.iter()
                .filter_map(|id| state.reviews.get(id).map(|rev| (id.clone(), *rev)))
                .collect()
        };
        let mut leaving = HashSet::new();
        for (id, revision) in reflected {
            let now = store.review(&id)?.filter(|r| r.is_public_on(today));
            if now.map(|r| r.revision) != Some(revision) {
                leaving.insert(id);
            }
        }
        if leaving.is_empty() {
            return Ok(());
        }
        let mut state = self.state.write().map_err(|_| DerivedError::Poisoned)?;
        leaving.retain(|id| state.reviews.remove(id).is_some());
        state.changes += leaving.len();
        state.last_change = Some(Instant::now());
        state.version += 1;
        state.remove_reviews(index, &leaving, today)?;
        self.dirty.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Brings the queued reviews up to date (placing new public findings incrementally,
    /// or deferring them to a regrouping during a bulk write or for many reviews at
    /// once), installs a finished regrouping, saves, and starts a regrouping when the
    /// additions were deferred.
    pub fn process_queue(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        self.process_queue_on(store, index, today(), Take::All)
    }

    /// [`Derived::process_queue`] on `today`. New findings are placed in three steps so
    /// that readers and the commit path's removals wait for milliseconds, not for the
    /// placing: the queued reviews are reflected under the write lock, the placement
    /// is planned under the read lock, and applied under the write lock (planned again
    /// under it when a removal changed the state meanwhile).
    fn process_queue_on(
        &self,
        store: &Store,
        index: &SearchIndex,
        today: Date,
        take: Take,
    ) -> Result<(), DerivedError> {
        let _one = self.processing.lock().map_err(|_| DerivedError::Poisoned)?;
        self.ensure_open(store, index)?;
        if !self.opened.load(Ordering::SeqCst) {
            return Ok(());
        }
        self.install_ready(store, index)?;
        let (ids, seq) = self.take_queue(take)?;
        let dirty = self.dirty.swap(false, Ordering::SeqCst);
        if ids.is_empty() && !dirty {
            return Ok(());
        }
        let (changed, advanced) = match self.place_taken(store, index, &ids, seq, today) {
            Ok(done) => done,
            Err(error) => {
                // The reviews taken may be reflected and not placed: rather than lose
                // them until some later regrouping, start one (it reads every public
                // finding afresh; after the bulk write, if one runs).
                self.state
                    .write()
                    .map_err(|_| DerivedError::Poisoned)?
                    .stale = true;
                self.unsaved.store(true, Ordering::SeqCst);
                if self.bulk.load(Ordering::SeqCst) == 0 {
                    self.start_worker(store, index);
                }
                return Err(error);
            }
        };
        if changed || dirty || advanced {
            self.unsaved.store(true, Ordering::SeqCst);
            self.save_if_due(false)?;
        }
        if self.peek()?.stale && self.bulk.load(Ordering::SeqCst) == 0 {
            self.start_worker(store, index);
        }
        Ok(())
    }

    /// Reflects the reviews taken from the queue and places the findings that became
    /// public (see [`Derived::process_queue_on`]); whether the state changed, and
    /// whether its sequence advanced.
    fn place_taken(
        &self,
        store: &Store,
        index: &SearchIndex,
        ids: &BTreeSet<String>,
        seq: Option<u64>,
        today: Date,
    ) -> Result<(bool, bool), DerivedError> {
        let defer = self.bulk.load(Ordering::SeqCst) > 0 || ids.len() > INCREMENTAL_MAX;
        let (changed, arriving, advanced) = {
            let mut state = self.state.write().map_err(|_| DerivedError::Poisoned)?;
            let (changed, arriving) = state.reflect(store, index, ids, today, defer)?;
            let advanced = seq.is_some_and(|seq| seq > state.seq);
            state.seq = state.seq.max(seq.unwrap_or(0));
            (changed, arriving, advanced)
        };
        if !arriving.is_empty() {
            let plan = self.peek()?.plan_placement(index, arriving, today)?;
            let mut state = self.state.write().map_err(|_| DerivedError::Poisoned)?;
            if let Err(plan) = state.apply_placement(plan) {
                let still: Vec<Review> = plan
                    .reviews
                    .into_iter()
                    .filter(|r| state.reviews.get(&r.id) == Some(&r.revision))
                    .collect();
                let plan = state.plan_placement(index, still, today)?;
                if state.apply_placement(plan).is_err() {
                    return Err(DerivedError::Unplaced);
                }
            }
        }
        Ok((changed, advanced))
    }

    /// Takes the queued reviews (see [`Take`]), and the sequence the state reaches once
    /// they are processed (none when older changes are left in the queue).
    fn take_queue(&self, take: Take) -> Result<(BTreeSet<String>, Option<u64>), DerivedError> {
        let mut queue = self.queue.lock().map_err(|_| DerivedError::Poisoned)?;
        if take == Take::Round && self.bulk.load(Ordering::SeqCst) == 0 {
            let round = queue.take_oldest(INCREMENTAL_MAX);
            if !queue.order.is_empty() {
                self.signal.raise();
            }
            Ok(round)
        } else {
            Ok(queue.take_all())
        }
    }

    /// The board regions changed: re-read them.
    pub fn refresh_regions(&self, store: &Store) -> Result<(), DerivedError> {
        let regions = regions_of(store)?;
        self.state
            .write()
            .map_err(|_| DerivedError::Poisoned)?
            .regions = regions;
        Ok(())
    }

    /// Brings in every review whose embargo has ended (cheap when none has).
    pub fn bring_in_due(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        self.bring_in_due_on(store, index, today())
    }

    /// [`Derived::bring_in_due`] on `today`.
    pub(crate) fn bring_in_due_on(
        &self,
        store: &Store,
        index: &SearchIndex,
        today: Date,
    ) -> Result<(), DerivedError> {
        self.ensure_open(store, index)?;
        if !self.opened.load(Ordering::SeqCst) {
            return Ok(());
        }
        let due: BTreeSet<String> = self
            .peek()?
            .pending
            .iter()
            .filter(|(_, day)| **day <= today)
            .map(|(id, _)| id.clone())
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        let mut queue = self.queue.lock().map_err(|_| DerivedError::Poisoned)?;
        let seq = queue.seq;
        queue.push(due, seq);
        drop(queue);
        if self.kept.load(Ordering::SeqCst) {
            self.signal.raise();
            Ok(())
        } else {
            self.process_queue_on(store, index, today, Take::All)
        }
    }

    /// Whether a full regrouping is due (see [`State::regroup_due`]).
    pub fn regroup_due(&self) -> bool {
        self.state
            .read()
            .is_ok_and(|state| state.regroup_due(Instant::now()))
    }

    /// The maintenance thread's round: place the oldest queued reviews (at most
    /// [`INCREMENTAL_MAX`], see [`Take::Round`]), install a finished regrouping, bring
    /// in ended embargoes, start a regrouping when one is due.
    pub fn maintain(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        self.process_queue_on(store, index, today(), Take::Round)?;
        self.save_if_due(false)?;
        self.install_ready(store, index)?;
        self.bring_in_due(store, index)?;
        if self.regroup_due() && self.bulk.load(Ordering::SeqCst) == 0 {
            self.start_worker(store, index);
        }
        Ok(())
    }

    /// Starts the worker unless it is running or the process is exiting.
    fn start_worker(&self, store: &Store, index: &SearchIndex) {
        if self.exiting.load(Ordering::SeqCst) || self.working.swap(true, Ordering::SeqCst) {
            return;
        }
        let today = today();
        let source = match Source::of(index, today) {
            Ok(source) => source,
            Err(error) => {
                tracing::error!("cannot read the public findings to regroup: {error}");
                self.working.store(false, Ordering::SeqCst);
                return;
            }
        };
        let previous = match self.state.read() {
            Ok(state) => state.grouping.clone(),
            Err(_) => {
                self.working.store(false, Ordering::SeqCst);
                return;
            }
        };
        tracing::info!("regrouping the recurring lessons in the background");
        let store = store.clone();
        let ready = Arc::clone(&self.ready);
        let working = Arc::clone(&self.working);
        let signal = Arc::clone(&self.signal);
        let spawned = std::thread::Builder::new()
            .name("recurring-regroup".into())
            .spawn(move || {
                let started = Instant::now();
                // Packed as bytes: the worker's memory (the corpus, every text) is freed
                // whole when it ends, and the state is rebuilt compactly where installed.
                let fresh = compute_fresh(&store, source, previous, today)
                    .and_then(Packed::of)
                    .map_err(|e| e.to_string());
                if fresh.is_ok() {
                    tracing::info!(
                        "recurring lessons regrouped in {:.1} s",
                        started.elapsed().as_secs_f64()
                    );
                }
                if let Ok(mut slot) = ready.lock() {
                    *slot = Some(fresh);
                }
                working.store(false, Ordering::SeqCst);
                signal.raise();
            });
        match spawned {
            Ok(handle) => {
                if let Ok(mut worker) = self.worker.lock() {
                    // Checked again under the lock `let_regrouping_go` takes: a worker
                    // started while the server stopped is let go, not waited for.
                    if !self.exiting.load(Ordering::SeqCst) {
                        *worker = Some(handle);
                    }
                }
            }
            Err(error) => {
                tracing::error!("cannot start the recurring lessons' regrouping: {error}");
                self.working.store(false, Ordering::SeqCst);
            }
        }
    }

    /// The process is about to exit: a running regrouping is let go rather than waited
    /// for (at 100,000 reviews one takes minutes, past any service manager's stop
    /// timeout), and none starts. Nothing is lost: the state saved at shutdown is the
    /// incrementally kept one, and a regrouping still due runs after the next start.
    /// The detached worker holds a handle on the store until the process ends.
    pub fn let_regrouping_go(&self) {
        self.exiting.store(true, Ordering::SeqCst);
        if let Ok(mut worker) = self.worker.lock() {
            worker.take();
        }
    }

    /// [`Derived::wait`] until no regrouping runs (installing one can find the state
    /// stale again and start another): at shutdown, so that no worker outlives the
    /// repository and its store (which would keep the data directory locked).
    pub fn wait_idle(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        for _ in 0..3 {
            self.wait(store, index)?;
            let running = self.worker.lock().map(|w| w.is_some()).unwrap_or(false);
            if !running {
                return Ok(());
            }
        }
        self.wait(store, index)
    }

    /// Waits for a running worker (nothing when none runs), installs its result and
    /// processes the queue.
    pub fn wait(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        self.ensure_open(store, index)?;
        self.wait_worker(store, index)?;
        self.process_queue(store, index)?;
        self.save_if_due(true)
    }

    /// Waits for a running worker (nothing when none runs) and installs its result.
    fn wait_worker(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        let handle = self.worker.lock().ok().and_then(|mut w| w.take());
        if let Some(handle) = handle {
            let _ = handle.join();
        }
        self.install_ready(store, index)
    }

    /// Installs a regrouping the worker finished, replaying what changed since its
    /// snapshot (up to what the index has applied).
    fn install_ready(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        let fresh = match self.ready.lock() {
            Ok(mut slot) => slot.take(),
            Err(_) => return Err(DerivedError::Poisoned),
        };
        match fresh {
            None => Ok(()),
            Some(Err(message)) => {
                tracing::error!("the recurring lessons' regrouping failed: {message}");
                Ok(())
            }
            Some(Ok(packed)) => {
                // Unpacked here, outside the lock, into this thread's memory.
                let saved: Saved = match serde_json::from_slice(&packed.bytes) {
                    Ok(saved) => saved,
                    Err(error) => {
                        tracing::error!("the recurring lessons' regrouping is unreadable: {error}");
                        return Ok(());
                    }
                };
                drop(packed.bytes);
                let fresh = Fresh {
                    state: State::from_saved(saved, HashMap::new()),
                    seq: packed.seq,
                    previous_next_id: packed.previous_next_id,
                };
                let mut current = self.state.write().map_err(|_| DerivedError::Poisoned)?;
                self.install(&mut current, fresh, store, index)?;
                let again = current.stale && self.bulk.load(Ordering::SeqCst) == 0;
                drop(current);
                if again {
                    self.start_worker(store, index);
                }
                Ok(())
            }
        }
    }

    fn install(
        &self,
        current: &mut State,
        fresh: Fresh,
        store: &Store,
        index: &SearchIndex,
    ) -> Result<(), DerivedError> {
        let Fresh {
            state: mut next,
            seq,
            previous_next_id,
        } = fresh;
        next.carry_ids_from(current, previous_next_id);
        next.regions = std::mem::take(&mut current.regions);
        next.version = current.version;
        next.rebuild_group_of();
        // Replay what changed since the snapshot, up to what the index has applied
        // (later writes are synced by their own catch_up).
        let upto = index.indexed_seq();
        let behind: BTreeSet<String> = store
            .changes_since(seq)?
            .into_iter()
            .filter(|(s, _)| *s <= upto)
            .filter_map(|(_, change)| match change {
                Change::Review(id) => Some(id),
                _ => None,
            })
            .collect();
        next.seq = seq;
        for id in &behind {
            // Read again whatever changed after the snapshot, even at the same revision.
            if let Some(revision) = next.reviews.get_mut(id) {
                *revision = u32::MAX;
            }
        }
        if !behind.is_empty() {
            // Many changes meanwhile (an import went on): deferred to another round.
            let defer = behind.len() > INCREMENTAL_MAX;
            next.sync(store, index, &behind, today(), defer)?;
        }
        next.seq = next.seq.max(upto);
        next.changes = 0;
        next.last_regroup = Some(Instant::now());
        *current = next;
        self.save(current)?;
        Ok(())
    }

    /// Groups every public finding of the store afresh and installs the result before
    /// returning, carrying ids over from the current state.
    pub fn regroup_blocking(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        self.wait_worker(store, index)?;
        let previous = self.peek()?.grouping.clone();
        let fresh = compute_fresh(store, Source::of(index, today())?, previous, today())?;
        let mut current = self.state.write().map_err(|_| DerivedError::Poisoned)?;
        self.install(&mut current, fresh, store, index)
    }

    /// `lessons reindex`, `lessons check --repair`: groups afresh at once, keeping ids
    /// from the current state (or the damaged file's, when it could be read).
    pub fn rebuild(&self, store: &Store, index: &SearchIndex) -> Result<(), DerivedError> {
        self.ensure_open(store, index)?;
        if !self.opened.load(Ordering::SeqCst) {
            return Ok(()); // opening regroups what it cannot trust
        }
        if let Ok(mut complaint) = self.complaint.lock() {
            *complaint = None; // repaired: nothing left to report
        }
        self.regroup_blocking(store, index)
    }

    /// `lessons check`: the saved file against the store (every member a public finding
    /// of a public review, each finding at most once, every group spanning two reviews
    /// or more, ids consistent, the reviews reflected the public ones at their current
    /// revisions) and against what the service serves; plus what was wrong with the
    /// file when it was loaded, reported once. A file with problems is regrouped (ids
    /// carried over where membership carries over), so the next check is clean.
    pub fn verify(&self, store: &Store, index: &SearchIndex) -> Result<Verified, DerivedError> {
        self.ensure_open(store, index)?;
        self.install_ready(store, index)?;
        self.bring_in_due(store, index)?;
        // What the keeper has not done or saved yet is done and saved first: the file
        // is checked as it stands once the service is at rest.
        self.process_queue(store, index)?;
        self.save_if_due(true)?;
        let mut verified = Verified::default();
        let record = FILE_NAME.to_string();
        if let Some(complaint) = self.complaint.lock().ok().and_then(|mut c| c.take()) {
            verified.problems.push(Problem {
                record: record.clone(),
                message: format!("{complaint}; it was rebuilt from the store when loaded"),
            });
        }
        let saved = match read_saved(self.dir()) {
            Ok(Some(saved)) => saved,
            Ok(None) => {
                verified.problems.push(Problem {
                    record,
                    message: "is missing (it is rebuilt at start-up, by lessons reindex or lessons check --repair)".into(),
                });
                return Ok(verified);
            }
            Err(message) => {
                verified.problems.push(Problem { record, message });
                return Ok(verified);
            }
        };
        verified.groups = saved.grouping.groups.len();
        verified.findings = saved.grouping.groups.iter().map(|g| g.members.len()).sum();
        let today = today();
        let mut public: BTreeMap<String, (u32, HashSet<String>)> = BTreeMap::new();
        for review in store.reviews() {
            // A review that cannot be read is reported by the store check.
            let Ok(review) = review else { continue };
            if review.is_public_on(today) {
                let findings = review.lessons.iter().map(|l| l.id.clone()).collect();
                public.insert(review.id.clone(), (review.revision, findings));
            }
        }
        let mut problems = verify_grouping(&saved.grouping, &public);
        let working = self.working.load(Ordering::SeqCst) || saved.stale;
        if !working {
            for (id, revision) in &saved.reviews {
                match public.get(id) {
                    None => problems.push(Problem {
                        record: format!("review {id}"),
                        message: "is in the recurring lessons but not public in the store".into(),
                    }),
                    Some((current, _)) if current != revision => problems.push(Problem {
                        record: format!("review {id}"),
                        message: format!(
                            "the recurring lessons reflect revision {revision}; the store holds {current}"
                        ),
                    }),
                    Some(_) => {}
                }
            }
            for id in public.keys().filter(|id| !saved.reviews.contains_key(*id)) {
                problems.push(Problem {
                    record: format!("review {id}"),
                    message: "is public in the store but not in the recurring lessons".into(),
                });
            }
        }
        let serving = self.peek()?.grouping == saved.grouping;
        if !serving {
            problems.push(Problem {
                record: FILE_NAME.into(),
                message: "differs from the recurring lessons the service serves".into(),
            });
        }
        if !problems.is_empty() {
            problems.push(Problem {
                record: FILE_NAME.into(),
                message: format!(
                    "does not agree with the store ({} problem{} above); regrouped from the store, ids carried over",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                ),
            });
            // Regroup from the file's ids, so the next check is clean.
            let fresh = compute_fresh(
                store,
                Source::of(index, today)?,
                saved.grouping.clone(),
                today,
            )?;
            let mut current = self.state.write().map_err(|_| DerivedError::Poisoned)?;
            current.grouping = saved.grouping;
            self.install(&mut current, fresh, store, index)?;
        }
        verified.problems.extend(problems);
        Ok(verified)
    }

    /// Saves the state when it changed since the last save and `force` is set or
    /// [`SAVE_EVERY`] has passed.
    fn save_if_due(&self, force: bool) -> Result<(), DerivedError> {
        if !self.unsaved.load(Ordering::SeqCst) {
            return Ok(());
        }
        let mut last = self.last_save.lock().map_err(|_| DerivedError::Poisoned)?;
        if !force && last.is_some_and(|at| at.elapsed() < SAVE_EVERY) {
            return Ok(());
        }
        self.unsaved.store(false, Ordering::SeqCst);
        self.save(&*self.peek()?)?;
        *last = Some(Instant::now());
        Ok(())
    }

    /// Writes the state to `DIR/recurring.json` atomically.
    fn save(&self, state: &State) -> Result<(), DerivedError> {
        let saved = SavedRef::of(state);
        let write_error = |error: std::io::Error| DerivedError::Write {
            path: self.path.clone(),
            error,
        };
        let mut file = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(self.dir())
            .map_err(write_error)?;
        {
            let mut out = std::io::BufWriter::new(file.as_file_mut());
            serde_json::to_writer(&mut out, &saved)
                .map_err(|e| write_error(std::io::Error::other(e)))?;
            out.flush().map_err(write_error)?;
        }
        file.as_file().sync_all().map_err(write_error)?;
        file.persist(&self.path).map_err(|e| write_error(e.error))?;
        Ok(())
    }
}

/// [`Saved`] borrowed, for writing without cloning.
#[derive(Serialize)]
struct SavedRef<'a> {
    format: u32,
    seq: u64,
    reviews: &'a BTreeMap<String, u32>,
    pending: &'a BTreeMap<String, Date>,
    grouping: &'a Grouping,
    summaries: Vec<&'a Summarised>,
    terms: &'a [String],
    slugs: &'a [String],
    df: &'a HashMap<String, u32>,
    df_findings: usize,
    latest_year: Option<i32>,
    changes: usize,
    stale: bool,
}

impl<'a> SavedRef<'a> {
    fn of(state: &'a State) -> SavedRef<'a> {
        SavedRef {
            format: FORMAT,
            seq: state.seq,
            reviews: &state.reviews,
            pending: &state.pending,
            grouping: &state.grouping,
            summaries: state.summaries.iter().map(|s| s.as_ref()).collect(),
            terms: &state.terms.names,
            slugs: &state.terms.slugs,
            df: &state.df,
            df_findings: state.df_findings,
            latest_year: state.latest_year,
            changes: state.changes,
            stale: state.stale,
        }
    }
}

/// A regrouping done by the worker, as the bytes of a [`Saved`].
struct Packed {
    bytes: Vec<u8>,
    seq: u64,
    previous_next_id: u64,
}

impl Packed {
    fn of(fresh: Fresh) -> Result<Packed, DerivedError> {
        let bytes = serde_json::to_vec(&SavedRef::of(&fresh.state))
            .map_err(|e| DerivedError::Request(format!("cannot pack the regrouping: {e}")))?;
        Ok(Packed {
            bytes,
            seq: fresh.seq,
            previous_next_id: fresh.previous_next_id,
        })
    }
}

impl State {
    /// Whether a full regrouping is due at `now`: additions were deferred to one (a bulk
    /// write), enough reviews changed and none for [`REGROUP_QUIET`], or
    /// [`REGROUP_EVERY`] passed since the last one with any change (even mid-burst).
    fn regroup_due(&self, now: Instant) -> bool {
        let since = |at: Option<Instant>| at.map(|at| now.saturating_duration_since(at));
        let enough = self.changes >= REGROUP_AFTER.max(self.reviews.len() / REGROUP_SHARE);
        let quiet = since(self.last_change).is_none_or(|quiet| quiet >= REGROUP_QUIET);
        let overdue = since(self.last_regroup).is_none_or(|age| age >= REGROUP_EVERY);
        self.stale || (enough && quiet) || (self.changes > 0 && overdue)
    }

    fn from_saved(saved: Saved, regions: HashMap<String, String>) -> State {
        let mut state = State {
            grouping: saved.grouping,
            summaries: saved.summaries.into_iter().map(Arc::new).collect(),
            group_of: HashMap::new(),
            regions,
            terms: Terms::from_names(saved.terms, saved.slugs),
            latest_year: saved.latest_year,
            reviews: saved.reviews,
            pending: saved.pending,
            df: saved.df,
            df_findings: saved.df_findings,
            changes: saved.changes,
            seq: saved.seq,
            stale: saved.stale,
            // The clock of `REGROUP_EVERY` starts when the file is read: a restart is not
            // a reason to regroup at the first change (it made every restarted server
            // regroup, hundreds of MB for a minute, at its first publish).
            last_regroup: Some(Instant::now()),
            last_change: None,
            version: 0,
        };
        state.rebuild_group_of();
        state
    }

    /// Takes over what `current` handed out: ids are never reused, and ids `current`
    /// holds that this grouping does not are retired (with a successor when one holds
    /// most of their members).
    fn carry_ids_from(&mut self, current: &State, previous_next_id: u64) {
        self.grouping.next_id = self
            .grouping
            .next_id
            .max(current.grouping.next_id)
            .max(previous_next_id);
        retire_vanished(&current.grouping, &mut self.grouping);
        for (id, successor) in &current.grouping.retired {
            if !self.grouping.groups.iter().any(|g| &g.id == id) {
                self.grouping
                    .retired
                    .entry(id.clone())
                    .or_insert_with(|| successor.clone());
            }
        }
    }

    fn rebuild_group_of(&mut self) {
        self.version += 1;
        self.group_of.clear();
        for (index, group) in self.grouping.groups.iter().enumerate() {
            for member in &group.members {
                self.group_of.insert(member.clone(), index);
            }
        }
    }

    /// The summary of the group `finding_id` belongs to.
    pub fn summary_of(&self, finding_id: &str) -> Option<&Summarised> {
        self.summaries
            .get(*self.group_of.get(finding_id)?)
            .map(|s| s.as_ref())
    }

    /// Moves reviews `ids` to what the store holds on `today`; `defer` leaves additions
    /// to a regrouping (marking the state stale). Returns whether anything changed.
    fn sync(
        &mut self,
        store: &Store,
        index: &SearchIndex,
        ids: &BTreeSet<String>,
        today: Date,
        defer: bool,
    ) -> Result<bool, DerivedError> {
        let (changed, arriving) = self.reflect(store, index, ids, today, defer)?;
        if !arriving.is_empty() {
            let plan = self.plan_placement(index, arriving, today)?;
            if self.apply_placement(plan).is_err() {
                return Err(DerivedError::Unplaced); // nothing changed in between
            }
        }
        Ok(changed)
    }

    /// [`State::sync`] but for the placing: returns the newly public reviews to place
    /// (already reflected in `reviews`).
    fn reflect(
        &mut self,
        store: &Store,
        index: &SearchIndex,
        ids: &BTreeSet<String>,
        today: Date,
        defer: bool,
    ) -> Result<(bool, Vec<Review>), DerivedError> {
        let mut leaving: HashSet<String> = HashSet::new();
        let mut arriving: Vec<Review> = Vec::new();
        let mut changed = false;
        for id in ids {
            if defer && !self.reviews.contains_key(id) {
                // Nothing to take out, and the regrouping reads it (embargo included).
                self.stale = true;
                changed = true;
                continue;
            }
            let review = store.review(id)?;
            let embargo = review.as_ref().and_then(|r| embargo_ahead(r, today));
            changed |= match embargo {
                Some(day) => self.pending.insert(id.clone(), day) != Some(day),
                None => self.pending.remove(id).is_some(),
            };
            let target = review.filter(|r| r.is_public_on(today));
            let had = self.reviews.get(id).copied();
            if had == target.as_ref().map(|r| r.revision) {
                continue;
            }
            changed = true;
            self.changes += 1;
            self.last_change = Some(Instant::now());
            if had.is_some() {
                self.reviews.remove(id);
                leaving.insert(id.clone());
            }
            if let Some(review) = target {
                if defer {
                    self.stale = true;
                } else {
                    self.reviews.insert(id.clone(), review.revision);
                    arriving.push(review);
                }
            }
        }
        let arriving_findings: usize = arriving.iter().map(|r| r.lessons.len()).sum();
        if arriving_findings * 2 > self.df_findings {
            // Too many new findings for the IDF of the last regrouping (the first
            // reviews): regroup now while that is quick, else leave it to the worker.
            if (self.df_findings + arriving_findings) as u64 <= SYNC_REGROUP_FINDINGS {
                let fresh = compute_fresh(
                    store,
                    Source::of(index, today)?,
                    self.grouping.clone(),
                    today,
                )?;
                let mut next = fresh.state;
                next.carry_ids_from(self, fresh.previous_next_id);
                next.regions = std::mem::take(&mut self.regions);
                next.seq = self.seq;
                next.version = self.version + 1;
                next.rebuild_group_of();
                *self = next;
                return Ok((true, Vec::new()));
            }
            for review in &arriving {
                self.reviews.remove(&review.id);
            }
            arriving.clear();
            self.stale = true;
        }
        if !leaving.is_empty() {
            self.remove_reviews(index, &leaving, today)?;
        }
        Ok((changed, arriving))
    }

    /// Takes every finding of reviews `gone` out of its group; a group left under two
    /// reviews is retired without a successor; the others are summarised again.
    fn remove_reviews(
        &mut self,
        index: &SearchIndex,
        gone: &HashSet<String>,
        today: Date,
    ) -> Result<(), DerivedError> {
        let mut touched: Vec<usize> = Vec::new();
        for (index, group) in self.grouping.groups.iter_mut().enumerate() {
            let before = group.members.len();
            group.members.retain(|m| !gone.contains(review_of(m)));
            if group.members.len() != before {
                touched.push(index);
            }
        }
        if touched.is_empty() {
            return Ok(());
        }
        let mut keep = vec![true; self.grouping.groups.len()];
        for &index in &touched {
            let group = &self.grouping.groups[index];
            let reviews: HashSet<&str> = group.members.iter().map(|m| review_of(m)).collect();
            if reviews.len() < 2 {
                keep[index] = false;
                self.grouping.retired.insert(group.id.clone(), None);
            }
        }
        let wanted: Vec<&str> = touched
            .iter()
            .filter(|&&i| keep[i])
            .flat_map(|&i| self.grouping.groups[i].members.iter().map(String::as_str))
            .collect();
        let texts = findings_in_index(index, wanted, today)?;
        for &index in touched.iter().filter(|&&i| keep[i]) {
            let summary = summarise(&self.grouping.groups[index], &texts, &mut self.terms);
            self.summaries[index] = Arc::new(summary);
        }
        let mut keep_iter = keep.iter();
        self.grouping
            .groups
            .retain(|_| *keep_iter.next().unwrap_or(&true));
        let mut keep_iter = keep.iter();
        self.summaries
            .retain(|_| *keep_iter.next().unwrap_or(&true));
        self.rebuild_group_of();
        Ok(())
    }

    /// Plans where the findings of newly public `reviews` go among the groups (the
    /// costly part, under the read lock): candidates from the index, their groups in
    /// full, the crate's placement on that small corpus. Reviews no longer reflected
    /// (withdrawn since) are left out.
    fn plan_placement(
        &self,
        index: &SearchIndex,
        mut reviews: Vec<Review>,
        today: Date,
    ) -> Result<Placement, DerivedError> {
        reviews.retain(|r| self.reviews.get(&r.id) == Some(&r.revision));
        let new: Vec<FindingInput> = reviews.iter().flat_map(FindingInput::from_review).collect();
        let latest_year = new.iter().filter_map(|f| f.year).max();
        let fresh: HashSet<&str> = new.iter().map(|f| f.finding_id.as_str()).collect();
        let mut candidates: BTreeSet<String> = BTreeSet::new();
        for finding in &new {
            if finding.kind == "good_practice" {
                continue;
            }
            if let Some(hits) = index.similar(&finding.finding_id, today, CANDIDATES)? {
                candidates.extend(
                    hits.into_iter()
                        .map(|h| h.display.id)
                        .filter(|id| !fresh.contains(id.as_str())),
                );
            }
        }
        // The candidates' groups, whole.
        let groups: BTreeSet<usize> = candidates
            .iter()
            .filter_map(|c| self.group_of.get(c).copied())
            .collect();
        let mut wanted: BTreeSet<String> = candidates;
        for &g in &groups {
            wanted.extend(self.grouping.groups[g].members.iter().cloned());
        }
        let texts = findings_in_index(index, wanted.iter().map(String::as_str), today)?;
        let mut old: Vec<FindingInput> = wanted
            .iter()
            .filter_map(|id| texts.get(id.as_str()).cloned())
            .collect();
        old.sort_by(|a, b| a.finding_id.cmp(&b.finding_id));
        let mut corpus = Corpus::with_document_frequencies(&old, self.df_findings, &self.df);
        let sub = Grouping {
            groups: groups
                .iter()
                .map(|&g| self.grouping.groups[g].clone())
                .collect(),
            next_id: self.grouping.next_id,
            retired: BTreeMap::new(),
        };
        let placed = corpus.assign(&new, &sub, &Params::default());
        drop(corpus);
        let mut texts: HashMap<String, FindingInput> = texts;
        texts.extend(new.into_iter().map(|f| (f.finding_id.clone(), f)));
        let position: HashMap<&str, usize> = groups
            .iter()
            .map(|&g| (self.grouping.groups[g].id.as_str(), g))
            .collect();
        let mut updates: Vec<(usize, Group)> = Vec::new();
        let mut added: Vec<Group> = Vec::new();
        for group in placed.groups {
            match position.get(group.id.as_str()) {
                Some(&g) if self.grouping.groups[g].members != group.members => {
                    updates.push((g, group))
                }
                Some(_) => {}
                None => added.push(group),
            }
        }
        Ok(Placement {
            version: self.version,
            reviews,
            latest_year,
            next_id: placed.next_id,
            updates,
            added,
            texts,
        })
    }

    /// Applies a [`Placement`] planned on this very state (same version; else hands
    /// it back to be planned again).
    fn apply_placement(&mut self, plan: Placement) -> Result<(), Box<Placement>> {
        if plan.version != self.version {
            return Err(Box::new(plan));
        }
        let Placement {
            latest_year,
            next_id,
            updates,
            added,
            texts: all,
            ..
        } = plan;
        self.latest_year = self.latest_year.max(latest_year);
        self.grouping.next_id = self.grouping.next_id.max(next_id);
        for (g, group) in updates {
            self.summaries[g] = Arc::new(summarise(&group, &all, &mut self.terms));
            self.grouping.groups[g] = group;
        }
        for group in added {
            self.summaries
                .push(Arc::new(summarise(&group, &all, &mut self.terms)));
            self.grouping.groups.push(group);
        }
        self.rebuild_group_of();
        Ok(())
    }
}

/// Where a full regrouping reads the public findings: an export cursor over every
/// public finding of the index (its stored text and fields, one document each; the
/// store's cache is not filled with every review), and the index sequence it reflects.
struct Source {
    cursor: lessons_index::export::ExportCursor,
    seq: u64,
}

impl Source {
    fn of(index: &SearchIndex, today: Date) -> Result<Source, DerivedError> {
        let seq = index.indexed_seq();
        let request = lessons_index::SearchRequest::from_pairs([("view", "lessons")], &[])
            .map_err(|e| DerivedError::Request(format!("{e:?}")))?;
        let cursor = index.export(&request, today)?;
        Ok(Source { cursor, seq })
    }
}

/// The finding of an export row of the lessons view.
fn finding_of(row: &lessons_index::export::ExportRow) -> Option<FindingInput> {
    use lessons_index::export::{Cell, Column};
    let text = |column| match row.get(column) {
        Some(Cell::Text(text)) => Some(text.clone()),
        _ => None,
    };
    Some(FindingInput {
        finding_id: text(Column::Id)?,
        review_id: text(Column::ReviewId)?,
        board: text(Column::Board).unwrap_or_default(),
        year: match row.get(Column::Year) {
            Some(Cell::Integer(year)) => year.and_then(|y| i32::try_from(y).ok()),
            _ => None,
        },
        kind: text(Column::Kind).unwrap_or_default(),
        level: text(Column::Level).unwrap_or_default(),
        agency: text(Column::Agency).filter(|a| !a.is_empty()),
        themes: match row.get(Column::Themes) {
            Some(Cell::List(themes)) => themes.clone(),
            _ => Vec::new(),
        },
        text: text(Column::Text).unwrap_or_default(),
    })
}

/// The public findings among `ids` with their texts and fields, read from the index
/// (the store would decode each whole review and fill its page cache with them).
fn findings_in_index<'a>(
    index: &SearchIndex,
    ids: impl IntoIterator<Item = &'a str>,
    today: Date,
) -> Result<HashMap<String, FindingInput>, DerivedError> {
    let ids: Vec<String> = ids.into_iter().map(str::to_string).collect();
    let mut cursor = index.export_findings(&ids, today)?;
    let mut out = HashMap::with_capacity(ids.len());
    loop {
        let batch = cursor.next_batch(1_000)?;
        if batch.is_empty() {
            return Ok(out);
        }
        for finding in batch.iter().filter_map(finding_of) {
            out.insert(finding.finding_id.clone(), finding);
        }
    }
}

/// Groups every public finding afresh (read from `source`; ids carried over from
/// `previous`) and summarises the groups; the corpus is dropped before returning. The
/// reviews' revisions come from the store's listings; published reviews with no public
/// finding are read to learn their embargo.
fn compute_fresh(
    store: &Store,
    mut source: Source,
    previous: Grouping,
    today: Date,
) -> Result<Fresh, DerivedError> {
    let seq = source.seq;
    let mut inputs: Vec<FindingInput> = Vec::new();
    loop {
        let batch = source.cursor.next_batch(2_000)?;
        if batch.is_empty() {
            break;
        }
        inputs.extend(batch.iter().filter_map(finding_of));
    }
    drop(source);
    let public: HashSet<&str> = inputs.iter().map(|f| f.review_id.as_str()).collect();
    let mut reviews = BTreeMap::new();
    let mut pending = BTreeMap::new();
    for listing in store.all_listings()? {
        if public.contains(listing.id.as_str()) {
            reviews.insert(listing.id, listing.revision);
        } else if listing.status == lessons_model::Status::Published {
            // Under embargo, or public with no finding.
            if let Some(review) = store.review(&listing.id)? {
                if let Some(day) = embargo_ahead(&review, today) {
                    pending.insert(review.id.clone(), day);
                } else if review.is_public_on(today) {
                    reviews.insert(review.id.clone(), review.revision);
                }
            }
        }
    }
    drop(public);
    inputs.sort_by(|a, b| a.finding_id.cmp(&b.finding_id));
    let latest_year = inputs.iter().filter_map(|f| f.year).max();
    let corpus = Corpus::new(&inputs);
    let mut grouping = regroup_corpus(&corpus, &previous, &Params::default());
    grouping.next_id = grouping.next_id.max(previous.next_id);
    retire_vanished(&previous, &mut grouping);
    let (df_findings, df) = corpus.document_frequencies();
    drop(corpus);
    let members: HashSet<&str> = grouping
        .groups
        .iter()
        .flat_map(|g| g.members.iter().map(String::as_str))
        .collect();
    let texts: HashMap<String, FindingInput> = inputs
        .into_iter()
        .filter(|f| members.contains(f.finding_id.as_str()))
        .map(|f| (f.finding_id.clone(), f))
        .collect();
    let mut terms = Terms::default();
    let summaries = grouping
        .groups
        .iter()
        .map(|g| Arc::new(summarise(g, &texts, &mut terms)))
        .collect();
    drop(texts);
    let mut state = State {
        grouping,
        summaries,
        group_of: HashMap::new(),
        regions: HashMap::new(),
        terms,
        latest_year,
        reviews,
        pending,
        df,
        df_findings,
        changes: 0,
        seq,
        stale: false,
        last_regroup: Some(Instant::now()),
        last_change: None,
        version: 0,
    };
    state.rebuild_group_of();
    Ok(Fresh {
        state,
        seq,
        previous_next_id: previous.next_id,
    })
}

/// The review ids changed in the store after `seq`.
fn changed_reviews(store: &Store, seq: u64) -> Result<BTreeSet<String>, StoreError> {
    Ok(store
        .changes_since(seq)?
        .into_iter()
        .filter_map(|(_, change)| match change {
            Change::Review(id) => Some(id),
            _ => None,
        })
        .collect())
}

/// Problems of a saved grouping: a member of a review that is not public, or a finding
/// the review does not have; a finding in two groups or twice; a group spanning fewer
/// than two reviews; a malformed id, one at or beyond `next_id`, or one both active
/// and retired. `public`: review id -> (revision, finding ids) of the public reviews.
fn verify_grouping(
    grouping: &Grouping,
    public: &BTreeMap<String, (u32, HashSet<String>)>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut ids: HashSet<&str> = HashSet::new();
    let problem = |record: String, message: String| Problem { record, message };
    for group in &grouping.groups {
        let record = || format!("recurring lesson {}", group.id);
        match group
            .id
            .strip_prefix("rl-")
            .and_then(|n| n.parse::<u64>().ok())
        {
            Some(n) if n < grouping.next_id => {}
            _ => problems.push(problem(
                record(),
                format!("is not an id below rl-{}", grouping.next_id),
            )),
        }
        if !ids.insert(&group.id) {
            problems.push(problem(record(), "is listed twice".into()));
        }
        if grouping.retired.contains_key(&group.id) {
            problems.push(problem(record(), "is both current and retired".into()));
        }
        let mut reviews: BTreeSet<&str> = BTreeSet::new();
        for member in &group.members {
            let review = review_of(member);
            reviews.insert(review);
            if !seen.insert(member) {
                problems.push(problem(
                    format!("finding {member}"),
                    "is in more than one recurring lesson (or twice in one)".into(),
                ));
            }
            match public.get(review) {
                None => problems.push(problem(
                    format!("finding {member}"),
                    "is a member, but its review is not public".into(),
                )),
                Some((_, findings)) if !findings.contains(member) => problems.push(problem(
                    format!("finding {member}"),
                    "is a member, but its review has no such finding".into(),
                )),
                _ => {}
            }
        }
        if reviews.len() < 2 {
            problems.push(problem(
                record(),
                format!(
                    "spans {} review(s); a recurring lesson spans two or more",
                    reviews.len()
                ),
            ));
        }
    }
    problems
}

/// Ids of `old` that `new` neither holds nor has retired are retired, with the group of
/// `new` holding most of their members as successor.
fn retire_vanished(old: &Grouping, new: &mut Grouping) {
    let active: HashSet<String> = new.groups.iter().map(|g| g.id.clone()).collect();
    for group in &old.groups {
        if active.contains(&group.id) || new.retired.contains_key(&group.id) {
            continue;
        }
        let members: HashSet<&str> = group.members.iter().map(String::as_str).collect();
        let successor = new
            .groups
            .iter()
            .map(|g| {
                let shared = g
                    .members
                    .iter()
                    .filter(|m| members.contains(m.as_str()))
                    .count();
                (shared, g)
            })
            .filter(|(shared, _)| *shared > 0)
            .max_by_key(|(shared, _)| *shared)
            .map(|(_, g)| g.id.clone());
        new.retired.insert(group.id.clone(), successor);
    }
    for id in &active {
        new.retired.remove(id);
    }
}

/// Removes temporary files a killed writer left behind.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The review id of a finding id (`<review id>#L<n>`).
pub fn review_of(finding_id: &str) -> &str {
    finding_id
        .split_once("#L")
        .map_or(finding_id, |(review, _)| review)
}

/// The day a published review's embargo ends, when that is after `today`.
fn embargo_ahead(review: &Review, today: Date) -> Option<Date> {
    match review.visibility() {
        Visibility::PublicFrom(day) if day > today => Some(day),
        _ => None,
    }
}

fn regions_of(store: &Store) -> Result<HashMap<String, String>, StoreError> {
    Ok(store
        .boards()?
        .into_iter()
        .map(|b| (b.slug, b.region))
        .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use lessons_model::{Lesson, Review};

    use crate::service::Repository;
    use crate::test_fixtures::{board, review};

    /// Three findings that make one point (about new partners), worded apart.
    const THE_POINT: [&str; 3] = [
        "Health visitors should ask at every contact who else lives in the household and record the name of any new partner.",
        "At each home visit the health visitor must ask who lives in the household and record the details of the new partner.",
        "Health visitors should ask at each contact who is living in the household and record the name of any new partner.",
    ];

    /// A repository in `dir` holding the test board.
    fn with_board(dir: &std::path::Path) -> Repository {
        let repository = Repository::open(dir).unwrap();
        repository.put_board(&board(), "cli").unwrap();
        repository
    }

    /// A published review whose one finding makes the point about new partners.
    fn making_the_point(title: &str, text: &str, embargo: Option<&str>) -> Review {
        let mut review = review(title);
        review.published_on = Some("2012-03-01".into());
        review.embargo_until = embargo.map(str::to_string);
        review.lessons = vec![Lesson {
            kind: "lesson".into(),
            level: "individual".into(),
            agency: Some("health_visiting".into()),
            themes: vec!["unseen_men".into()],
            text: text.into(),
            ..Lesson::default()
        }];
        review
    }

    fn members(repository: &Repository) -> Vec<Vec<String>> {
        let state = repository.recurring.peek().unwrap();
        state
            .grouping
            .groups
            .iter()
            .map(|g| g.members.clone())
            .collect()
    }

    #[test]
    fn a_bulk_write_defers_additions_to_one_regrouping_at_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let repository = with_board(dir.path());
        let texts = THE_POINT;
        repository
            .bulk(|| {
                for (title, text) in [("Child A", texts[0]), ("Child B", texts[1])] {
                    repository
                        .create_reviews(vec![making_the_point(title, text, None)], "test", "import")
                        .unwrap();
                }
                // Inside the bulk write nothing is placed: the state waits for the end.
                assert!(members(&repository).is_empty());
                assert!(repository.recurring.peek().unwrap().stale);
            })
            .unwrap();
        let groups = members(&repository);
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(groups[0].len(), 2);
        assert!(!repository.recurring.peek().unwrap().stale);
    }

    #[test]
    fn an_embargo_that_ends_brings_its_findings_in_with_no_write() {
        let dir = tempfile::tempdir().unwrap();
        let repository = with_board(dir.path());
        let texts = THE_POINT;
        let stored = repository
            .create_reviews(
                vec![
                    making_the_point("Child A", texts[0], None),
                    making_the_point("Child B", texts[1], None),
                    making_the_point("Child C", texts[2], Some("2099-01-01")),
                    making_the_point("Child D", "Officers attending a domestic incident should look for toys and cots that show a young child lives there.", None),
                    making_the_point("Child E", "Social workers should see the kitchen and the bedrooms on every home visit where neglect is suspected.", None),
                    making_the_point("Child F", "GPs prescribing methadone to a parent should ask where the medicine is stored at home.", None),
                ],
                "test",
                "import",
            )
            .unwrap();
        let embargoed = stored[2].as_ref().unwrap().id.clone();
        let groups = members(&repository);
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert!(!groups[0].iter().any(|m| m.starts_with(&embargoed)));

        // The day before the embargo ends: still out. The day it ends: in.
        let day = |text: &str| lessons_model::dates::parse_date(text).unwrap();
        repository
            .recurring
            .bring_in_due_on(&repository.store, &repository.index, day("2098-12-31"))
            .unwrap();
        assert!(!members(&repository)[0]
            .iter()
            .any(|m| m.starts_with(&embargoed)));
        repository
            .recurring
            .bring_in_due_on(&repository.store, &repository.index, day("2099-01-01"))
            .unwrap();
        assert!(members(&repository)[0]
            .iter()
            .any(|m| m.starts_with(&embargoed)));
    }

    #[test]
    fn with_a_keeper_placing_waits_for_it_and_removals_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let repository = with_board(dir.path());
        let texts = THE_POINT;
        repository
            .create_reviews(
                vec![
                    making_the_point("Child A", texts[0], None),
                    making_the_point("Child B", texts[1], None),
                    making_the_point("Child D", "Officers attending a domestic incident should look for toys and cots that show a young child lives there.", None),
                    making_the_point("Child E", "Social workers should see the kitchen and the bedrooms on every home visit where neglect is suspected.", None),
                ],
                "test",
                "import",
            )
            .unwrap();
        assert_eq!(members(&repository).len(), 1);
        let signal = repository.keep_recurring_in_background();

        // A publish is acknowledged before its findings are placed; the keeper places them.
        let third = repository
            .create_review(
                making_the_point("Child C", texts[2], None),
                "test",
                "create",
            )
            .unwrap();
        assert_eq!(
            members(&repository)[0].len(),
            2,
            "placed on the commit path"
        );
        signal.wait(std::time::Duration::from_secs(5));
        repository.recurring_maintenance().unwrap();
        assert_eq!(members(&repository)[0].len(), 3);

        // A withdrawal takes the findings out before it is acknowledged.
        repository
            .modify_review(&third.id, "test", "withdraw", |mut review| {
                review.status = lessons_model::Status::Withdrawn;
                Ok(review)
            })
            .unwrap();
        assert_eq!(members(&repository)[0].len(), 2);
        // Saved by the keeper at most every SAVE_EVERY, and when waited for (shutdown).
        repository.wait_for_recurring().unwrap();
        let saved = super::read_saved(dir.path()).unwrap().unwrap();
        assert!(!saved.reviews.contains_key(&third.id));
        assert_eq!(saved.seq, repository.index.indexed_seq());
    }

    #[test]
    fn a_keeper_behind_places_its_backlog_in_rounds_instead_of_regrouping() {
        use super::INCREMENTAL_MAX;
        let dir = tempfile::tempdir().unwrap();
        let repository = with_board(dir.path());
        let topics = [
            "housing",
            "school attendance",
            "a missed appointment",
            "bruising",
        ];
        let text = |i: usize| {
            format!(
                "Practitioners should record {} at contact {i} and share it with the named nurse.",
                topics[i % topics.len()]
            )
        };
        // Enough findings that the backlog does not outweigh the last regrouping's IDF.
        let base = (0..3 * INCREMENTAL_MAX)
            .map(|i| making_the_point(&format!("Child {i}"), &text(i), None))
            .collect();
        repository.create_reviews(base, "test", "import").unwrap();
        repository.wait_for_recurring().unwrap();
        let _signal = repository.keep_recurring_in_background();
        let seq_before = repository.recurring.peek().unwrap().seq;
        // Written newest year first, so that arrival order is not review-id order.
        let backlog = INCREMENTAL_MAX + 10;
        let later: Vec<String> = (0..backlog)
            .map(|i| {
                let mut review = making_the_point(&format!("Later child {i}"), &text(i + 7), None);
                review.published_on = Some(format!("{}-03-01", 2020 - i / 5));
                repository
                    .create_review(review, "test", "create")
                    .unwrap()
                    .id
            })
            .collect();
        let reflected = |id: &String| {
            repository
                .recurring
                .peek()
                .unwrap()
                .reviews
                .contains_key(id)
        };
        let raised = || std::mem::take(&mut *repository.recurring.signal.raised.lock().unwrap());
        raised();
        repository.recurring_maintenance().unwrap();
        let (first, rest) = later.split_at(INCREMENTAL_MAX);
        assert!(first.iter().all(reflected), "the oldest placed first");
        assert!(!rest.iter().any(reflected));
        assert!(raised(), "the keeper signals itself for the rest");
        let seq = repository.recurring.peek().unwrap().seq;
        assert!(seq > seq_before && seq < repository.index.indexed_seq());
        repository.recurring_maintenance().unwrap();
        assert!(later.iter().all(reflected));
        let seq = repository.recurring.peek().unwrap().seq;
        assert_eq!(
            seq,
            repository.index.indexed_seq(),
            "every change processed"
        );
        let working = &repository.recurring.working;
        assert!(
            !working.load(std::sync::atomic::Ordering::SeqCst),
            "no regrouping"
        );
        assert!(!repository.recurring.peek().unwrap().stale);
    }

    #[test]
    fn a_round_takes_the_oldest_and_moves_the_sequence_only_past_whole_catch_ups() {
        let ids = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let taken = |round: (BTreeSet<String>, Option<u64>)| {
            (round.0.into_iter().collect::<Vec<_>>(), round.1)
        };
        let mut queue = super::Queue::default();
        queue.push(ids(&["zeta", "alpha", "mu"]), 5);
        queue.push(ids(&["beta", "alpha"]), 7);
        // "mu" is left behind from catch-up 5: the sequence cannot move.
        assert_eq!(taken(queue.take_oldest(2)), (ids(&["alpha", "zeta"]), None));
        // "alpha", queued again at 7, kept its first place and is not queued twice.
        assert_eq!(taken(queue.take_oldest(1)), (ids(&["mu"]), Some(5)));
        queue.push(ids(&["gamma"]), 9);
        assert_eq!(
            taken(queue.take_oldest(5)),
            (ids(&["beta", "gamma"]), Some(9))
        );
        assert_eq!(taken(queue.take_oldest(5)), (vec![], Some(9)));
    }

    #[test]
    fn a_repository_about_to_exit_starts_no_regrouping_and_the_next_opening_does_it() {
        let dir = tempfile::tempdir().unwrap();
        {
            let repository = with_board(dir.path());
            let reviews = THE_POINT[..2]
                .iter()
                .enumerate()
                .map(|(i, text)| making_the_point(&format!("Child {i}"), text, None))
                .collect();
            repository
                .create_reviews(reviews, "test", "import")
                .unwrap();
            repository.wait_for_recurring().unwrap();
            // A regrouping is due (as after deferred additions), but the server stopped.
            repository.recurring.state.write().unwrap().stale = true;
            let unsaved = &repository.recurring.unsaved;
            unsaved.store(true, std::sync::atomic::Ordering::SeqCst);
            repository.prepare_to_exit();
            repository.recurring_maintenance().unwrap();
            let working = &repository.recurring.working;
            assert!(
                !working.load(std::sync::atomic::Ordering::SeqCst),
                "none started"
            );
            assert!(repository.recurring.peek().unwrap().stale);
        }
        let saved = super::read_saved(dir.path()).unwrap().unwrap();
        assert!(saved.stale, "saved as still due");
        let reopened = Repository::open(dir.path()).unwrap();
        reopened.wait_for_recurring().unwrap();
        assert!(
            !reopened.recurring.peek().unwrap().stale,
            "regrouped after the start"
        );
        assert_eq!(members(&reopened).len(), 1);
    }

    #[test]
    fn a_burst_of_writes_regroups_after_it_and_a_long_one_by_the_clock() {
        let now = std::time::Instant::now();
        let after = |d: u64| now + std::time::Duration::from_secs(d);
        let mut state = super::State {
            changes: super::REGROUP_AFTER,
            last_change: Some(now),
            last_regroup: Some(now),
            ..super::State::default()
        };
        assert!(!state.regroup_due(now), "not while reviews change");
        assert!(!state.regroup_due(after(super::REGROUP_QUIET.as_secs() - 1)));
        assert!(state.regroup_due(after(super::REGROUP_QUIET.as_secs())));
        // Writes that never pause still regroup when the clock says so.
        state.last_change = Some(after(super::REGROUP_EVERY.as_secs()));
        assert!(!state.regroup_due(after(super::REGROUP_EVERY.as_secs() - 1)));
        assert!(state.regroup_due(after(super::REGROUP_EVERY.as_secs())));
        // Fewer changes than the threshold wait for the clock, quiet or not.
        state.changes = super::REGROUP_AFTER - 1;
        assert!(!state.regroup_due(after(super::REGROUP_EVERY.as_secs() - 1)));
        // Deferred additions (a bulk write) regroup at once.
        state.stale = true;
        assert!(state.regroup_due(now));
    }

    #[test]
    fn a_restart_is_no_reason_to_regroup_at_the_first_change() {
        let dir = tempfile::tempdir().unwrap();
        {
            let repository = with_board(dir.path());
            repository
                .create_reviews(
                    vec![
                        making_the_point("Child A", "Health visitors should ask at every contact who else lives in the household.", None),
                        making_the_point("Child B", "At each home visit the health visitor must ask who lives in the household.", None),
                    ],
                    "test",
                    "import",
                )
                .unwrap();
        }
        let repository = Repository::open(dir.path()).unwrap();
        repository
            .create_review(
                making_the_point(
                    "Child C",
                    "GPs prescribing methadone to a parent should ask where it is stored.",
                    None,
                ),
                "test",
                "create",
            )
            .unwrap();
        repository.wait_for_recurring().unwrap();
        assert!(!repository.recurring.regroup_due());
    }
}
