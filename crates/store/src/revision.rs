//! Stored revisions: the `revisions` tree holds `id \0 revision (u32, big-endian)` ->
//! [`StoredRevision`], one per revision ever written. The current revision's record
//! holds who made it and why but not the review itself, which is in the `reviews` tree
//! (a review with one revision is stored once, not twice); when a newer revision is
//! written, the one it replaces gets its review copied in, and is never changed again.
//! Stores written before this hold the review in every record, which reads the same.
//! A record module: it knows no other module of the crate.

use lessons_model::Review;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One stored revision of a review, with who made it and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionRecord {
    pub revision: u32,
    pub at: String,
    pub by: String,
    pub action: String,
    pub review: Review,
}

/// A revision as stored: the review is left out of the current revision's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredRevision {
    pub revision: u32,
    pub at: String,
    pub by: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
    /// With the review left out: the SHA-256 of its JSON, so that `lessons check` can
    /// still tell a current review changed behind the store's back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// The lowercase hex SHA-256 of `review`'s JSON.
pub(crate) fn review_digest(review: &Review) -> String {
    let json = serde_json::to_vec(review).unwrap_or_default();
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl StoredRevision {
    /// The full record, with `current` standing in for a review left out.
    pub(crate) fn with_review(
        self,
        current: impl FnOnce() -> Option<Review>,
    ) -> Option<RevisionRecord> {
        let review = match self.review {
            Some(review) => review,
            None => current().filter(|c| {
                c.revision == self.revision
                    && self.digest.as_ref().is_none_or(|d| *d == review_digest(c))
            })?,
        };
        Some(RevisionRecord {
            revision: self.revision,
            at: self.at,
            by: self.by,
            action: self.action,
            review,
        })
    }
}

/// `<id>\0<revision, 4 bytes big-endian>`, so that a review's revisions are in order.
pub(crate) fn revision_key(id: &str, revision: u32) -> Vec<u8> {
    let mut key = id.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(&revision.to_be_bytes());
    key
}

/// `<id>\0<revision, 4 bytes big-endian>` -> (id, revision).
pub(crate) fn split_revision_key(key: &[u8]) -> Option<(String, u32)> {
    let split = key.len().checked_sub(5)?;
    if key[split] != 0 {
        return None;
    }
    let id = std::str::from_utf8(&key[..split]).ok()?.to_string();
    let n = u32::from_be_bytes(key[split + 1..].try_into().ok()?);
    Some((id, n))
}
