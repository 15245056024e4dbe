//! Stored revisions: the `revisions` tree holds `id \0 revision (u32, big-endian)` ->
//! [`RevisionRecord`], one per revision ever written, never overwritten. A record module:
//! it knows no other module of the crate.

use lessons_model::Review;
use serde::{Deserialize, Serialize};

/// One stored revision of a review, with who made it and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionRecord {
    pub revision: u32,
    pub at: String,
    pub by: String,
    pub action: String,
    pub review: Review,
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
