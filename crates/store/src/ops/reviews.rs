//! Writing and reading reviews: create (with a new id), update (a new revision), restore
//! (as another store held it) and check, each write one transaction over the trees a
//! revision touches (see `write`); the current review, its revisions and its history.

use lessons_model::dates::now_rfc3339;
use lessons_model::validate::FieldError;
use lessons_model::{Board, Review, RevisionInfo};
use sled::Transactional;

use crate::codec::decode_json;
use crate::error::{abort, transaction_error, Result, StoreError, TxResult};
use crate::ids::{counter_key, last_number, review_id, review_id_parts};
use crate::revision::{revision_key, RevisionRecord, StoredRevision};
use crate::store::Store;
use crate::validation::{field_error, in_order, restore_errors, review_errors};
use crate::write::{write_revision, RevisionTrees};

/// The action recorded for a review written by [`Store::restore_review`].
pub(crate) const RESTORED: &str = "restored";

impl Store {
    /// Stores a new review as revision 1 with a newly allocated id. The review's
    /// `status` and `embargo_until` are kept as given; server-owned fields are replaced.
    pub fn create_review(&self, review: Review, by: &str, action: &str) -> Result<Review> {
        let _writing = self.writing();
        let stored = self.write_new_review(review, by, action)?;
        self.flush_write()?;
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
        self.flush_write()?;
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
        self.flush_write()?;
        Ok(stored)
    }

    /// Stores `review` as another store held it (from a dump): id, revision, status,
    /// embargo, timestamps and derived fields are kept exactly as given. The review must
    /// be new to this store and pass [`check_restorable`](crate::check_restorable). Its history here is one entry,
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
        let Some(bytes) = self.revisions.get(revision_key(id, n))? else {
            return Ok(None);
        };
        let stored: StoredRevision = decode_json(&bytes, "revision")?;
        let mut current = None;
        if stored.review.is_none() {
            current = self.review(id)?;
        }
        stored
            .with_review(|| current)
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("revision {id} {n}"),
                message: "leaves its review to the current one, which is at another revision \
                          or differs from it"
                    .into(),
            })
    }

    /// The history of review `id`, oldest first.
    pub fn revisions(&self, id: &str) -> Result<Vec<RevisionInfo>> {
        let mut prefix = id.as_bytes().to_vec();
        prefix.push(0);
        self.revisions
            .scan_prefix(prefix)
            .map(|entry| {
                let (_, value) = entry?;
                let record: StoredRevision = decode_json(&value, "revision")?;
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
}
