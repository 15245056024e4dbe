//! Writing one revision of a review inside a sled transaction: the review, its numbered
//! revision, the change log entry, the audit entry, its board's listing and its files'
//! owner, all or nothing. Knows the record modules (`audit`, `change`, `files`, `listing`,
//! `revision`) and the leaves.

use lessons_model::Review;
use sled::transaction::TransactionalTree;

use crate::audit::{append, AuditNote};
use crate::change::{next_seq, Change};
use crate::codec::decode_json;
use crate::codec::encode_json;
use crate::error::{abort, TxResult};
use crate::files::record_file_owners;
use crate::listing::record_listing;
use crate::revision::{review_digest, revision_key, StoredRevision};

/// The trees a new revision is written to, inside one transaction.
pub(crate) struct RevisionTrees<'a> {
    pub(crate) reviews: &'a TransactionalTree,
    pub(crate) revisions: &'a TransactionalTree,
    pub(crate) changes: &'a TransactionalTree,
    pub(crate) meta: &'a TransactionalTree,
    pub(crate) owners: &'a TransactionalTree,
    pub(crate) audit: &'a TransactionalTree,
    pub(crate) listings: &'a TransactionalTree,
}

/// Writes `review` as its current and its numbered revision (the review itself only once,
/// as the current; the revision it replaces gets its copy, see `revision`), records its
/// files' owner and its board's listing (out of `previous_board`'s when it moved), logs
/// the change and appends the audit entry.
pub(crate) fn write_revision(
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
    if let Some(previous) = reviews.get(review.id.as_bytes())? {
        keep_replaced_revision(revisions, decode_json(&previous, "review").map_err(abort)?)?;
    }
    let record = StoredRevision {
        revision: review.revision,
        at: at.to_string(),
        by: by.to_string(),
        action: action.to_string(),
        review: None,
        digest: Some(review_digest(review)),
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
    append(meta, audit_log, &note, at)?;
    record_listing(listings, review, previous_board)?;
    record_file_owners(owners, review)
}

/// Copies `previous` (the current review, about to be replaced) into its revision's
/// record, which left it out while it was current.
fn keep_replaced_revision(revisions: &TransactionalTree, previous: Review) -> TxResult<()> {
    let key = revision_key(&previous.id, previous.revision);
    let Some(bytes) = revisions.get(&key)? else {
        return Ok(());
    };
    let mut record: StoredRevision = decode_json(&bytes, "revision").map_err(abort)?;
    if record.review.is_none() {
        record.review = Some(previous);
        record.digest = None;
        revisions.insert(key, encode_json(&record).map_err(abort)?)?;
    }
    Ok(())
}
