//! Verifying the store (`lessons check`): every record parses, every review's revisions
//! run 1..=current with none missing or extra and the last equal to the current review,
//! every review's board exists, the change log is in step with the sequence number, and
//! every original file referred to by any revision is present with its SHA-256 and size,
//! and the audit log reads back without gaps.
//! Reading only; a problem is reported, never "fixed" here (the store is the truth).

use std::collections::{BTreeMap, BTreeSet};

use lessons_model::{Board, Review};

use crate::accounts::{SessionRecord, StoredUser, TokenRecord};
use crate::audit::AuditEntry;
use crate::change::{Change, KEY_SEQ};
use crate::codec::{decode_json, decode_u64};
use crate::error::{Result, StoreError};
use crate::listing::{listing_key, ReviewListing};
use crate::revision::{split_revision_key, StoredRevision};
use crate::store::Store;

/// One thing wrong in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The record: `review <id>`, `revision <id> <n>`, `file <sha256>`, `board <slug>`...
    pub record: String,
    pub message: String,
}

/// What a check read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreReport {
    pub reviews: usize,
    pub revisions: usize,
    pub files: usize,
    pub problems: Vec<Problem>,
}

impl Store {
    /// Reads every record and reports what is wrong. An error means the store could not
    /// be read at all.
    pub fn verify(&self) -> Result<StoreReport> {
        let mut report = StoreReport::default();
        let boards = self.check_boards(&mut report)?;
        let reviews = self.check_reviews(&boards, &mut report)?;
        let files = self.check_revisions(&reviews, &mut report)?;
        self.check_files(&files, &mut report);
        self.check_change_log(&mut report)?;
        self.check_listings(&mut report)?;
        self.check_accounts(&mut report)?;
        self.check_audit_log(&mut report)?;
        Ok(report)
    }

    fn check_boards(&self, report: &mut StoreReport) -> Result<BTreeSet<String>> {
        let mut slugs = BTreeSet::new();
        for entry in self.boards.iter() {
            let (key, value) = entry?;
            let key = String::from_utf8_lossy(&key).into_owned();
            match decode_json::<Board>(&value, "board") {
                Ok(board) if board.slug == key => {
                    slugs.insert(key);
                }
                Ok(board) => report.problem(
                    format!("board {key}"),
                    format!("is stored under another slug ({})", board.slug),
                ),
                Err(error) => report.unreadable(format!("board {key}"), error),
            }
        }
        Ok(slugs)
    }

    /// Every readable current review: id -> (revision, review).
    fn check_reviews(
        &self,
        boards: &BTreeSet<String>,
        report: &mut StoreReport,
    ) -> Result<BTreeMap<String, Review>> {
        let mut reviews = BTreeMap::new();
        for entry in self.reviews.iter() {
            let (key, value) = entry?;
            let key = String::from_utf8_lossy(&key).into_owned();
            report.reviews += 1;
            let review: Review = match decode_json(&value, "review") {
                Ok(review) => review,
                Err(error) => {
                    report.unreadable(format!("review {key}"), error);
                    continue;
                }
            };
            if review.id != key {
                report.problem(
                    format!("review {key}"),
                    format!("is stored under another id ({})", review.id),
                );
            }
            if review.revision == 0 {
                report.problem(format!("review {key}"), "has revision 0".into());
            }
            if !boards.contains(&review.board) {
                report.problem(
                    format!("review {key}"),
                    format!("belongs to board {}, which is not stored", review.board),
                );
            }
            reviews.insert(key, review);
        }
        Ok(reviews)
    }

    /// Checks every revision against its review; returns every file any revision refers
    /// to (SHA-256 -> size and where it was seen).
    fn check_revisions(
        &self,
        reviews: &BTreeMap<String, Review>,
        report: &mut StoreReport,
    ) -> Result<BTreeMap<String, (u64, String)>> {
        let mut numbers: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        let mut files = BTreeMap::new();
        for entry in self.revisions.iter() {
            let (key, value) = entry?;
            report.revisions += 1;
            let Some((id, n)) = split_revision_key(&key) else {
                report.problem(
                    format!("revision key {}", String::from_utf8_lossy(&key)),
                    "is not <id>\\0<number>".into(),
                );
                continue;
            };
            let record = format!("revision {id} {n}");
            let stored: StoredRevision = match decode_json(&value, "revision") {
                Ok(stored) => stored,
                Err(error) => {
                    report.unreadable(record, error);
                    continue;
                }
            };
            let current = reviews.get(&id).cloned();
            let Some(stored) = stored.with_review(|| current) else {
                report.problem(
                    record.clone(),
                    "differs from the current review (or the current review is at another \
                     revision)"
                        .into(),
                );
                numbers.entry(id).or_default().push(n);
                continue;
            };
            if stored.revision != n || stored.review.revision != n || stored.review.id != id {
                report.problem(
                    record.clone(),
                    format!(
                        "holds revision {} of {} under this key",
                        stored.review.revision, stored.review.id
                    ),
                );
            }
            if let Some(current) = reviews.get(&id) {
                if n == current.revision && stored.review != *current {
                    report.problem(record.clone(), "differs from the current review".into());
                }
            }
            for file in &stored.review.files {
                files
                    .entry(file.sha256.clone())
                    .or_insert((file.size, record.clone()));
            }
            numbers.entry(id).or_default().push(n);
        }
        for (id, review) in reviews {
            let found = numbers.remove(id).unwrap_or_default();
            let expected: Vec<u32> = (1..=review.revision).collect();
            if found != expected {
                report.problem(
                    format!("review {id}"),
                    format!(
                        "is at revision {} but its stored revisions are {}",
                        review.revision,
                        list(&found)
                    ),
                );
            }
        }
        for (id, found) in numbers {
            report.problem(
                format!("review {id}"),
                format!("has revisions {} but no current review", list(&found)),
            );
        }
        Ok(files)
    }

    fn check_files(&self, files: &BTreeMap<String, (u64, String)>, report: &mut StoreReport) {
        for (sha256, (size, seen_in)) in files {
            report.files += 1;
            let record = format!("file {sha256}");
            match self.file(sha256) {
                Ok(Some(bytes)) if bytes.len() as u64 == *size => {}
                Ok(Some(bytes)) => report.problem(
                    record,
                    format!("has {} bytes; {seen_in} says {size}", bytes.len()),
                ),
                Ok(None) => report.problem(record, format!("is missing (named in {seen_in})")),
                Err(error) => report.unreadable(record, error),
            }
        }
    }

    /// Every review is listed once, under its board, as it is now; nothing else is listed.
    fn check_listings(&self, report: &mut StoreReport) -> Result<()> {
        let mut expected = BTreeMap::new();
        for entry in self.reviews.iter() {
            let (_, value) = entry?;
            // A review that cannot be read is reported by the review check.
            if let Ok(review) = decode_json::<Review>(&value, "review") {
                expected.insert(
                    listing_key(&review.board, &review.id),
                    ReviewListing::of(&review),
                );
            }
        }
        for entry in self.board_reviews.iter() {
            let (key, value) = entry?;
            let record = format!(
                "listing {}",
                String::from_utf8_lossy(&key).replace('\0', "/")
            );
            match (
                expected.remove(key.as_ref()),
                decode_json::<ReviewListing>(&value, "listing"),
            ) {
                (None, _) => report.problem(record, "lists no stored review".into()),
                (Some(_), Err(error)) => report.unreadable(record, error),
                (Some(listing), Ok(found)) if listing != found => {
                    report.problem(record, "differs from the review it lists".into())
                }
                (Some(_), Ok(_)) => {}
            }
        }
        for listing in expected.values() {
            report.problem(
                format!("review {}", listing.id),
                format!("is missing from the list of board {}", listing.board),
            );
        }
        Ok(())
    }

    fn check_change_log(&self, report: &mut StoreReport) -> Result<()> {
        let seq = match self.meta.get(KEY_SEQ)? {
            Some(bytes) => match decode_u64(&bytes, "sequence") {
                Ok(seq) => seq,
                Err(error) => {
                    report.unreadable("sequence number".into(), error);
                    return Ok(());
                }
            },
            None => 0,
        };
        let mut last = 0;
        for entry in self.changes.iter() {
            let (key, value) = entry?;
            match decode_u64(&key, "change key") {
                Ok(n) => last = n,
                Err(error) => report.unreadable("change log key".into(), error),
            }
            if let Err(error) = decode_json::<Change>(&value, "change") {
                report.unreadable(format!("change {last}"), error);
            }
        }
        if last > seq {
            report.problem(
                "change log".into(),
                format!("reaches {last}, past the sequence number {seq}"),
            );
        }
        Ok(())
    }

    fn check_accounts(&self, report: &mut StoreReport) -> Result<()> {
        for entry in self.users.iter() {
            let (key, value) = entry?;
            if let Err(error) = decode_json::<StoredUser>(&value, "user") {
                report.unreadable(format!("user {}", String::from_utf8_lossy(&key)), error);
            }
        }
        for entry in self.tokens.iter() {
            let (_, value) = entry?;
            if let Err(error) = decode_json::<TokenRecord>(&value, "token") {
                report.unreadable("an API token".into(), error);
            }
        }
        for entry in self.sessions.iter() {
            let (_, value) = entry?;
            if let Err(error) = decode_json::<SessionRecord>(&value, "session") {
                report.unreadable("a session".into(), error);
            }
        }
        Ok(())
    }
}

impl Store {
    /// Every audit entry parses and sits under its own position, and the positions run
    /// from 1 without a gap.
    fn check_audit_log(&self, report: &mut StoreReport) -> Result<()> {
        let mut expected = 1;
        for entry in self.audit.iter() {
            let (key, value) = entry?;
            let Ok(seq) = decode_u64(&key, "audit key") else {
                report.problem(
                    "audit log".into(),
                    "has a key that is not a position".into(),
                );
                continue;
            };
            match decode_json::<AuditEntry>(&value, "audit entry") {
                Ok(entry) if entry.seq == seq => {}
                Ok(entry) => report.problem(
                    format!("audit entry {seq}"),
                    format!("says it is entry {}", entry.seq),
                ),
                Err(error) => report.unreadable(format!("audit entry {seq}"), error),
            }
            if seq != expected {
                report.problem(
                    "audit log".into(),
                    format!("jumps from entry {} to {seq}", expected - 1),
                );
            }
            expected = seq + 1;
        }
        Ok(())
    }
}

impl StoreReport {
    fn problem(&mut self, record: String, message: String) {
        self.problems.push(Problem { record, message });
    }

    fn unreadable(&mut self, record: String, error: StoreError) {
        self.problem(record, format!("cannot be read: {error}"));
    }
}

fn list(numbers: &[u32]) -> String {
    if numbers.is_empty() {
        return "none".into();
    }
    numbers
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
