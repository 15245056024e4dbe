//! The recurring lessons as the service keeps them (DESIGN §9): derived from the public
//! findings of the store, like the index, and never a source of truth.
//!
//! - **Persistence.** `DIR/recurring.json` ([`Saved`]) holds the grouping (groups with
//!   their `rl-N` ids, `next_id`, retired ids with their successors), the revision of
//!   every public review it reflects and the store sequence it was written at. It is
//!   written atomically (a temporary file in the same folder, synced, then renamed)
//!   after every change, so ids survive restarts; a missing or unreadable file is
//!   rebuilt from the store (`regroup`), keeping nothing.
//! - **Start-up.** [`Derived::load`] reads every review, builds the [`Corpus`] of the
//!   public findings, takes the saved grouping and brings it up to date review by review
//!   (a review whose revision or visibility differs from what the file reflects leaves
//!   its groups and is assigned again), before the server listens.
//! - **Writes.** `Repository::catch_up` (every write path: deposit, amend, publish,
//!   withdraw, import, restore) hands the reviews it re-indexed to [`Derived::sync`],
//!   which compares each with what the state holds and updates incrementally
//!   ([`Corpus::remove`], [`Corpus::assign`]) before the write returns: read your
//!   writes.
//! - **Embargoes.** A published review under embargo is remembered with its date
//!   (`pending`); every read first checks whether the earliest date has come
//!   ([`Derived::bring_in_due`]), and the maintenance thread checks too, so an embargo
//!   that ends with no write brings the review's findings in by itself.
//! - **Regrouping.** [`Derived::regroup_now`] (the maintenance thread, after
//!   [`REGROUP_AFTER`] changes or [`REGROUP_EVERY`] with any change; `lessons reindex`)
//!   groups every public finding afresh with fresh IDF, carrying ids over. It computes
//!   outside the lock from a snapshot, then, under the lock, replays what changed since
//!   the snapshot, so no write is lost and no id is ever reused.
//!
//! Readers take a read lock on [`State`] and see one consistent grouping; per-group
//! summaries ([`GroupView`]) are cached by membership and rebuilt only for groups that
//! changed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};

use lessons_model::dates::today;
use lessons_model::{Review, Visibility};
use lessons_recurring::{regroup_corpus, Corpus, FindingInput, Grouping, Params};
use lessons_store::{Problem, Store, StoreError};
use serde::{Deserialize, Serialize};
use time::Date;

use super::recurring::{GroupView, MemberInfo};

/// The file's name in the data directory.
pub const FILE_NAME: &str = "recurring.json";
/// Temporary files being written start so (a killed process may leave one; the next
/// load removes it).
const TEMP_PREFIX: &str = ".recurring.json.";
/// The file's format version.
const FORMAT: u32 = 1;
/// A full regrouping runs after this many changed reviews...
pub const REGROUP_AFTER: usize = 200;
/// ...or this long after the last one when anything changed since.
pub const REGROUP_EVERY: Duration = Duration::from_secs(15 * 60);
/// A change that adds more findings than half those the corpus's IDF was computed over
/// (a bulk import, the first reviews) regroups at once while the corpus holds at most
/// this many findings; beyond, it is assigned incrementally and a full regrouping is
/// made due for the maintenance thread.
pub const SYNC_REGROUP_MAX: usize = 20_000;

/// Why the derived state could not be loaded, saved or updated.
#[derive(Debug, thiserror::Error)]
pub enum DerivedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("the recurring lessons' lock was poisoned by an earlier failure; restart the service")]
    Poisoned,
}

/// What `DIR/recurring.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Saved {
    pub format: u32,
    /// The store sequence the file was written at.
    pub seq: u64,
    /// Every public review the grouping reflects, with its revision.
    pub reviews: BTreeMap<String, u32>,
    pub grouping: Grouping,
    /// Reviews changed since the last full regrouping (a regrouping is due at
    /// [`REGROUP_AFTER`]).
    #[serde(default)]
    pub changes: usize,
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
    Ok(Some(saved))
}

/// A public review the state holds.
#[derive(Debug, Clone)]
pub struct ReviewEntry {
    pub revision: u32,
    pub title: String,
    pub findings: Vec<String>,
}

/// The grouping with everything needed to update and read it.
pub struct State {
    corpus: Corpus,
    pub grouping: Grouping,
    /// Every public finding by id.
    pub findings: HashMap<String, FindingInput>,
    /// Every public review the grouping reflects.
    pub reviews: BTreeMap<String, ReviewEntry>,
    /// Published reviews under embargo: the day they become public.
    pending: BTreeMap<String, Date>,
    /// Board slug -> region slug.
    pub regions: HashMap<String, String>,
    /// Finding id -> index in `grouping.groups`.
    pub group_of: HashMap<String, usize>,
    /// One per group of `grouping.groups`, same order.
    pub views: Vec<Arc<GroupView>>,
    /// Group id -> its view, for reuse when the membership is unchanged.
    cache: HashMap<String, Arc<GroupView>>,
    /// The latest year of any public finding (for `sort=rising`).
    pub latest_year: Option<i32>,
    /// Reviews changed since the last full regrouping.
    changes: usize,
    last_regroup: Instant,
    /// How many findings the corpus's IDF was computed over.
    idf_base: usize,
}

/// The recurring lessons of one data directory.
pub struct Derived {
    path: PathBuf,
    state: RwLock<Option<State>>,
    /// Held by a full regrouping, so that two never run at once.
    regrouping: std::sync::Mutex<()>,
    /// What was wrong with the file when it was last loaded (reported once by
    /// `lessons check`).
    complaint: std::sync::Mutex<Option<String>>,
}

/// What `lessons check` found.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    pub groups: usize,
    pub findings: usize,
    pub problems: Vec<Problem>,
}

/// What one review should contribute: its entry and findings when public today.
type Target = Option<(ReviewEntry, Vec<FindingInput>)>;

impl Derived {
    /// Not loaded yet: [`Derived::load`] fills it.
    pub fn new(dir: &Path) -> Derived {
        Derived {
            path: dir.join(FILE_NAME),
            state: RwLock::new(None),
            regrouping: std::sync::Mutex::new(()),
            complaint: std::sync::Mutex::new(None),
        }
    }

    /// Whether [`Derived::load`] has run.
    pub fn is_loaded(&self) -> bool {
        self.state.read().map(|s| s.is_some()).unwrap_or(false)
    }

    /// Reads the state for a query, bringing in reviews whose embargo has ended first.
    pub fn read(&self, store: &Store) -> Result<RwLockReadGuard<'_, Option<State>>, DerivedError> {
        self.bring_in_due(store)?;
        self.state.read().map_err(|_| DerivedError::Poisoned)
    }

    /// Loads the saved grouping and brings it up to date with the store (or groups from
    /// scratch when there is no usable file). Returns what was wrong with the file, if
    /// anything (logged by the caller).
    pub fn load(&self, store: &Store) -> Result<Option<String>, DerivedError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        remove_stale_temporaries(dir);
        let (mut saved, mut complaint) = match read_saved(dir) {
            Ok(saved) => (saved, None),
            Err(complaint) => (None, Some(complaint)),
        };
        let today = today();
        let mut targets: BTreeMap<String, Target> = BTreeMap::new();
        let mut pending = BTreeMap::new();
        for review in store.reviews() {
            let review = review?;
            if let Some(day) = embargo_ahead(&review, today) {
                pending.insert(review.id.clone(), day);
            }
            let target = target_of(&review, today);
            targets.insert(review.id.clone(), target);
        }
        let regions = regions_of(store)?;
        let seq = store.last_seq()?;
        let mut all: Vec<FindingInput> = Vec::new();
        let mut reviews = BTreeMap::new();
        for (id, target) in &targets {
            if let Some((entry, findings)) = target {
                all.extend(findings.iter().cloned());
                reviews.insert(id.clone(), entry.clone());
            }
        }
        let corpus = Corpus::new(&all);
        let idf_base = all.len();
        let mut state = State {
            corpus,
            grouping: Grouping::default(),
            findings: all.into_iter().map(|f| (f.finding_id.clone(), f)).collect(),
            reviews,
            pending,
            regions,
            group_of: HashMap::new(),
            views: Vec::new(),
            cache: HashMap::new(),
            latest_year: None,
            changes: 0,
            last_regroup: Instant::now(),
            idf_base,
        };
        if let Some(file) = &saved {
            let public: BTreeMap<String, (u32, HashSet<String>)> = state
                .reviews
                .iter()
                .map(|(id, e)| {
                    (
                        id.clone(),
                        (e.revision, e.findings.iter().cloned().collect()),
                    )
                })
                .collect();
            let problems = verify_grouping(file, &public);
            if !problems.is_empty() {
                let listed: Vec<String> = problems
                    .iter()
                    .take(3)
                    .map(|p| format!("{}: {}", p.record, p.message))
                    .collect();
                complaint = Some(format!(
                    "{} does not agree with the store ({} problem{}: {}{})",
                    self.path.display(),
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" },
                    listed.join("; "),
                    if problems.len() > 3 { "; ..." } else { "" }
                ));
            }
        }
        let regroup_from = match (&complaint, saved.take()) {
            // A damaged file: group afresh, taking ids from it where membership carries over.
            (Some(_), Some(file)) => Err(file.grouping),
            (Some(_), None) => Err(Grouping::default()),
            (None, file) => Ok(file),
        };
        match regroup_from {
            Err(previous) => {
                state.grouping = regroup_corpus(&state.corpus, &previous, &Params::default());
            }
            Ok(Some(saved)) => {
                state.changes = saved.changes;
                // Start from what the file reflects, then move each review that differs.
                let stale: Vec<String> = saved
                    .grouping
                    .groups
                    .iter()
                    .flat_map(|g| g.members.iter())
                    .filter(|m| {
                        let review = review_of(m);
                        match (saved.reviews.get(review), state.reviews.get(review)) {
                            (Some(was), Some(now)) => *was != now.revision,
                            _ => true,
                        }
                    })
                    .cloned()
                    .collect();
                let changed: Vec<FindingInput> = state
                    .reviews
                    .iter()
                    .filter(|(id, entry)| saved.reviews.get(*id) != Some(&entry.revision))
                    .flat_map(|(_, entry)| entry.findings.iter())
                    .filter_map(|f| state.findings.get(f).cloned())
                    .collect();
                let mut grouping = saved.grouping;
                if !stale.is_empty() {
                    grouping = state.corpus.remove(&stale, &grouping);
                }
                if !changed.is_empty() {
                    grouping = state.corpus.assign(&changed, &grouping, &Params::default());
                }
                state.grouping = grouping;
            }
            Ok(None) => {
                state.grouping =
                    regroup_corpus(&state.corpus, &Grouping::default(), &Params::default());
            }
        }
        state.refresh_views();
        self.save(&state, seq)?;
        *self.state.write().map_err(|_| DerivedError::Poisoned)? = Some(state);
        if let Ok(mut kept) = self.complaint.lock() {
            kept.clone_from(&complaint);
        }
        Ok(complaint)
    }

    /// Brings reviews `ids` (just written, or changed by a board) up to date: each that
    /// became public joins, each no longer public (or amended) leaves and is assigned
    /// again. Does nothing before [`Derived::load`].
    pub fn sync(&self, store: &Store, ids: &BTreeSet<String>) -> Result<(), DerivedError> {
        self.sync_on(store, ids, today())
    }

    /// [`Derived::sync`] as the public sees it on `today`.
    fn sync_on(
        &self,
        store: &Store,
        ids: &BTreeSet<String>,
        today: Date,
    ) -> Result<(), DerivedError> {
        let mut guard = self.state.write().map_err(|_| DerivedError::Poisoned)?;
        let Some(state) = guard.as_mut() else {
            return Ok(());
        };
        let mut targets = Vec::with_capacity(ids.len());
        for id in ids {
            let review = store.review(id)?;
            match review.as_ref().and_then(|r| embargo_ahead(r, today)) {
                Some(day) => state.pending.insert(id.clone(), day),
                None => state.pending.remove(id),
            };
            targets.push((id.clone(), review.and_then(|r| target_of(&r, today))));
        }
        if state.apply(targets) {
            state.refresh_views();
            self.save(state, store.last_seq()?)?;
        }
        Ok(())
    }

    /// The board regions changed: re-read them and rebuild every group's summary.
    pub fn refresh_regions(&self, store: &Store) -> Result<(), DerivedError> {
        let mut guard = self.state.write().map_err(|_| DerivedError::Poisoned)?;
        if let Some(state) = guard.as_mut() {
            state.regions = regions_of(store)?;
            state.cache.clear();
            state.refresh_views();
        }
        Ok(())
    }

    /// Brings in every review whose embargo has ended (cheap when none has).
    pub fn bring_in_due(&self, store: &Store) -> Result<(), DerivedError> {
        self.bring_in_due_on(store, today())
    }

    /// [`Derived::bring_in_due`] on `today`.
    fn bring_in_due_on(&self, store: &Store, today: Date) -> Result<(), DerivedError> {
        let due: BTreeSet<String> = {
            let guard = self.state.read().map_err(|_| DerivedError::Poisoned)?;
            match guard.as_ref() {
                Some(state) => state
                    .pending
                    .iter()
                    .filter(|(_, day)| **day <= today)
                    .map(|(id, _)| id.clone())
                    .collect(),
                None => return Ok(()),
            }
        };
        if due.is_empty() {
            return Ok(());
        }
        self.sync_on(store, &due, today)
    }

    /// Whether a full regrouping is due (enough changes, or time with any change).
    pub fn regroup_due(&self) -> bool {
        let Ok(guard) = self.state.read() else {
            return false;
        };
        match guard.as_ref() {
            Some(state) => {
                state.changes >= REGROUP_AFTER
                    || (state.changes > 0 && state.last_regroup.elapsed() >= REGROUP_EVERY)
            }
            None => false,
        }
    }

    /// Groups every public finding afresh (fresh IDF), carrying ids over; computed
    /// outside the lock from a snapshot, then reconciled with what changed meanwhile.
    /// `previous` replaces the state's grouping as the source of ids when given.
    pub fn regroup_now(&self, store: &Store) -> Result<(), DerivedError> {
        let _one = self.regrouping.lock().map_err(|_| DerivedError::Poisoned)?;
        let (inputs, snapshot_reviews, previous) = {
            let guard = self.state.read().map_err(|_| DerivedError::Poisoned)?;
            let Some(state) = guard.as_ref() else {
                return Ok(());
            };
            let mut inputs: Vec<FindingInput> = state.findings.values().cloned().collect();
            inputs.sort_by(|a, b| a.finding_id.cmp(&b.finding_id));
            (inputs, state.reviews.clone(), state.grouping.clone())
        };
        let corpus = Corpus::new(&inputs);
        let idf_base = inputs.len();
        let grouping = regroup_corpus(&corpus, &previous, &Params::default());
        let mut guard = self.state.write().map_err(|_| DerivedError::Poisoned)?;
        let Some(current) = guard.as_mut() else {
            return Ok(());
        };
        // What changed since the snapshot, as targets taken from the current state.
        let mut ids: BTreeSet<&String> = snapshot_reviews.keys().collect();
        ids.extend(current.reviews.keys());
        let targets: Vec<(String, Target)> = ids
            .into_iter()
            .filter(|id| {
                snapshot_reviews.get(*id).map(|e| e.revision)
                    != current.reviews.get(*id).map(|e| e.revision)
            })
            .map(|id| {
                let target = current.reviews.get(id).map(|entry| {
                    let findings = entry
                        .findings
                        .iter()
                        .filter_map(|f| current.findings.get(f).cloned())
                        .collect();
                    (entry.clone(), findings)
                });
                (id.clone(), target)
            })
            .collect();
        let mut fresh = State {
            corpus,
            grouping,
            findings: inputs
                .into_iter()
                .map(|f| (f.finding_id.clone(), f))
                .collect(),
            reviews: snapshot_reviews,
            pending: std::mem::take(&mut current.pending),
            regions: current.regions.clone(),
            group_of: HashMap::new(),
            views: Vec::new(),
            cache: std::mem::take(&mut current.cache),
            latest_year: None,
            changes: 0,
            last_regroup: Instant::now(),
            idf_base,
        };
        // Ids handed out since the snapshot are never handed out again.
        fresh.grouping.next_id = fresh.grouping.next_id.max(current.grouping.next_id);
        fresh.apply(targets);
        fresh.changes = 0;
        retire_vanished(&current.grouping, &mut fresh.grouping);
        fresh.refresh_views();
        self.save(&fresh, store.last_seq()?)?;
        *current = fresh;
        Ok(())
    }

    /// Throws the state away and groups every public finding of the store afresh,
    /// keeping ids from the saved file when it is readable (`lessons reindex`,
    /// `lessons check --repair`).
    pub fn rebuild(&self, store: &Store) -> Result<(), DerivedError> {
        self.load(store)?;
        if let Ok(mut complaint) = self.complaint.lock() {
            *complaint = None; // repaired: nothing left to report
        }
        self.regroup_now(store)
    }

    /// `lessons check`: the file on disk against the store (every member exists and is
    /// public, each finding at most once, every group spans two reviews or more, the
    /// reviews it reflects are the public ones at their current revisions, ids are
    /// consistent) and against what the service serves; plus what was wrong with the
    /// file when it was loaded (rebuilt then), reported once.
    pub fn verify(&self, store: &Store) -> Result<Verified, DerivedError> {
        self.bring_in_due(store)?;
        let mut verified = Verified::default();
        let record = FILE_NAME.to_string();
        if let Some(complaint) = self.complaint.lock().ok().and_then(|mut c| c.take()) {
            verified.problems.push(Problem {
                record: record.clone(),
                message: format!("{complaint}; it was rebuilt from the store when loaded"),
            });
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let saved = match read_saved(dir) {
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
        verified.problems.extend(verify_grouping(&saved, &public));
        for (id, revision) in &saved.reviews {
            match public.get(id) {
                None => verified.problems.push(Problem {
                    record: format!("review {id}"),
                    message: "is in the recurring lessons but not public in the store".into(),
                }),
                Some((current, _)) if current != revision => verified.problems.push(Problem {
                    record: format!("review {id}"),
                    message: format!(
                        "the recurring lessons reflect revision {revision}; the store holds {current}"
                    ),
                }),
                Some(_) => {}
            }
        }
        for id in public.keys().filter(|id| !saved.reviews.contains_key(*id)) {
            verified.problems.push(Problem {
                record: format!("review {id}"),
                message: "is public in the store but not in the recurring lessons".into(),
            });
        }
        let guard = self.state.read().map_err(|_| DerivedError::Poisoned)?;
        if let Some(state) = guard.as_ref() {
            if state.grouping != saved.grouping {
                verified.problems.push(Problem {
                    record: FILE_NAME.into(),
                    message: "differs from the recurring lessons the service serves".into(),
                });
            }
        }
        Ok(verified)
    }

    /// Writes the state to `DIR/recurring.json` atomically.
    fn save(&self, state: &State, seq: u64) -> Result<(), DerivedError> {
        let saved = SavedRef {
            format: FORMAT,
            seq,
            reviews: state
                .reviews
                .iter()
                .map(|(id, entry)| (id.as_str(), entry.revision))
                .collect(),
            grouping: &state.grouping,
            changes: state.changes,
        };
        let write_error = |error: std::io::Error| DerivedError::Write {
            path: self.path.clone(),
            error,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let mut file = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)
            .map_err(write_error)?;
        let bytes =
            serde_json::to_vec(&saved).map_err(|e| write_error(std::io::Error::other(e)))?;
        file.write_all(&bytes).map_err(write_error)?;
        file.as_file().sync_all().map_err(write_error)?;
        file.persist(&self.path).map_err(|e| write_error(e.error))?;
        Ok(())
    }
}

/// [`Saved`] borrowed, for writing without cloning the grouping.
#[derive(Serialize)]
struct SavedRef<'a> {
    format: u32,
    seq: u64,
    reviews: BTreeMap<&'a str, u32>,
    grouping: &'a Grouping,
    changes: usize,
}

impl State {
    /// Moves each review to its target (public today with these findings, or gone);
    /// returns whether anything changed.
    fn apply(&mut self, targets: Vec<(String, Target)>) -> bool {
        let mut removed: Vec<String> = Vec::new();
        let mut added: Vec<FindingInput> = Vec::new();
        for (id, target) in targets {
            let same = match (self.reviews.get(&id), &target) {
                (Some(entry), Some((next, _))) => entry.revision == next.revision,
                (None, None) => true,
                _ => false,
            };
            if same {
                continue;
            }
            if let Some(entry) = self.reviews.remove(&id) {
                for finding in &entry.findings {
                    self.findings.remove(finding);
                }
                removed.extend(entry.findings);
            }
            if let Some((entry, findings)) = target {
                for finding in &findings {
                    self.findings
                        .insert(finding.finding_id.clone(), finding.clone());
                }
                self.reviews.insert(id, entry);
                added.extend(findings);
            }
            self.changes += 1;
        }
        if removed.is_empty() && added.is_empty() {
            return false;
        }
        if added.len() * 2 > self.idf_base {
            // Too many new findings for the corpus's IDF (the first reviews, a bulk
            // import): regroup now while that is quick, else soon.
            if self.findings.len() <= SYNC_REGROUP_MAX {
                self.regroup_in_place();
                return true;
            }
            self.changes = self.changes.max(REGROUP_AFTER);
        }
        // An amended finding keeps its id: it leaves its group here and is assigned
        // again below, so it must not stay forgotten.
        let readded: HashSet<&str> = added.iter().map(|f| f.finding_id.as_str()).collect();
        let gone: Vec<String> = removed
            .into_iter()
            .filter(|f| !readded.contains(f.as_str()))
            .collect();
        if !gone.is_empty() {
            self.grouping = self.corpus.remove(&gone, &self.grouping);
        }
        if !added.is_empty() {
            self.grouping = self
                .corpus
                .assign(&added, &self.grouping, &Params::default());
        }
        true
    }

    /// Groups every finding afresh (fresh IDF), carrying ids over.
    fn regroup_in_place(&mut self) {
        let mut inputs: Vec<FindingInput> = self.findings.values().cloned().collect();
        inputs.sort_by(|a, b| a.finding_id.cmp(&b.finding_id));
        self.corpus = Corpus::new(&inputs);
        self.idf_base = inputs.len();
        let previous = std::mem::take(&mut self.grouping);
        let mut grouping = regroup_corpus(&self.corpus, &previous, &Params::default());
        grouping.next_id = grouping.next_id.max(previous.next_id);
        retire_vanished(&previous, &mut grouping);
        self.grouping = grouping;
        self.changes = 0;
        self.last_regroup = Instant::now();
    }

    /// Rebuilds the finding -> group map and each changed group's view.
    fn refresh_views(&mut self) {
        self.latest_year = self.findings.values().filter_map(|f| f.year).max();
        self.group_of.clear();
        let mut views = Vec::with_capacity(self.grouping.groups.len());
        let mut cache = HashMap::with_capacity(self.grouping.groups.len());
        for (index, group) in self.grouping.groups.iter().enumerate() {
            for member in &group.members {
                self.group_of.insert(member.clone(), index);
            }
            let view = match self.cache.get(&group.id) {
                Some(view) if view.member_ids() == group.members.as_slice() => Arc::clone(view),
                _ => {
                    let members: Vec<MemberInfo> = group
                        .members
                        .iter()
                        .filter_map(|m| self.findings.get(m))
                        .map(|f| {
                            let entry = self.reviews.get(&f.review_id);
                            MemberInfo {
                                finding: f.clone(),
                                review_title: entry.map(|e| e.title.clone()).unwrap_or_default(),
                                region: self.regions.get(&f.board).cloned(),
                            }
                        })
                        .collect();
                    Arc::new(GroupView::build(group, members))
                }
            };
            cache.insert(group.id.clone(), Arc::clone(&view));
            views.push(view);
        }
        self.views = views;
        self.cache = cache;
    }
}

/// Problems of a saved grouping that no later write explains: a member of a review the
/// file does not list, or (for a review whose revision is unchanged) a finding the
/// review does not have; a finding in two groups or twice; a group spanning fewer than
/// two reviews; a malformed id, one at or beyond `next_id`, or one both active and
/// retired. `public`: review id -> (revision, finding ids) of the public reviews.
fn verify_grouping(
    saved: &Saved,
    public: &BTreeMap<String, (u32, HashSet<String>)>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut ids: HashSet<&str> = HashSet::new();
    let problem = |record: String, message: String| Problem { record, message };
    for group in &saved.grouping.groups {
        let record = || format!("recurring lesson {}", group.id);
        match group
            .id
            .strip_prefix("rl-")
            .and_then(|n| n.parse::<u64>().ok())
        {
            Some(n) if n < saved.grouping.next_id => {}
            _ => problems.push(problem(
                record(),
                format!("is not an id below rl-{}", saved.grouping.next_id),
            )),
        }
        if !ids.insert(&group.id) {
            problems.push(problem(record(), "is listed twice".into()));
        }
        if saved.grouping.retired.contains_key(&group.id) {
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
            match (saved.reviews.get(review), public.get(review)) {
                (None, _) => problems.push(problem(
                    format!("finding {member}"),
                    format!(
                        "is a member, but its review is not among the reviews {FILE_NAME} reflects"
                    ),
                )),
                (Some(revision), Some((current, findings)))
                    if revision == current && !findings.contains(member) =>
                {
                    problems.push(problem(
                        format!("finding {member}"),
                        "is a member, but its review has no such finding".into(),
                    ))
                }
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

/// A review's contribution when it is public on `today`.
fn target_of(review: &Review, today: Date) -> Target {
    if !review.is_public_on(today) {
        return None;
    }
    let findings = FindingInput::from_review(review);
    let entry = ReviewEntry {
        revision: review.revision,
        title: review.title.clone(),
        findings: findings.iter().map(|f| f.finding_id.clone()).collect(),
    };
    Some((entry, findings))
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
    use lessons_model::{Lesson, Review};

    use crate::service::Repository;
    use crate::test_fixtures::{board, review};

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
        let guard = repository.recurring.state.read().unwrap();
        let state = guard.as_ref().unwrap();
        state
            .grouping
            .groups
            .iter()
            .map(|g| g.members.clone())
            .collect()
    }

    #[test]
    fn an_embargo_that_ends_brings_its_findings_in_with_no_write() {
        let dir = tempfile::tempdir().unwrap();
        let repository = Repository::open(dir.path()).unwrap();
        repository.put_board(&board(), "cli").unwrap();
        let texts = [
            "Health visitors should ask at every contact who else lives in the household and record the name of any new partner.",
            "At each home visit the health visitor must ask who lives in the household and record the details of the new partner.",
            "Health visitors should ask at each contact who is living in the household and record the name of any new partner.",
        ];
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
            .bring_in_due_on(&repository.store, day("2098-12-31"))
            .unwrap();
        assert!(!members(&repository)[0]
            .iter()
            .any(|m| m.starts_with(&embargoed)));
        repository
            .recurring
            .bring_in_due_on(&repository.store, day("2099-01-01"))
            .unwrap();
        assert!(members(&repository)[0]
            .iter()
            .any(|m| m.starts_with(&embargoed)));
    }
}
