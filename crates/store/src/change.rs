//! The change log: one [`Change`] per write, under a sequence number that increases by
//! one with every write (`meta`/`seq`, big-endian); the search index catches up by
//! reading it. A record module: it knows only `codec` and `error`.

use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;

use crate::codec::decode_u64;
use crate::error::{abort, TxResult};

/// Key in `meta` of the sequence number of the latest write.
pub(crate) const KEY_SEQ: &[u8] = b"seq";

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

/// Takes the next sequence number (inside the write's transaction).
pub(crate) fn next_seq(meta: &TransactionalTree) -> TxResult<u64> {
    let seq = match meta.get(KEY_SEQ)? {
        Some(bytes) => decode_u64(&bytes, "sequence").map_err(abort)? + 1,
        None => 1,
    };
    meta.insert(KEY_SEQ, &seq.to_be_bytes())?;
    Ok(seq)
}
