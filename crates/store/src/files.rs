//! Original uploaded files, kept byte for byte, and the per-board index of which review
//! holds which file (`file_owners`: board \0 sha256 -> review id). A record module: it
//! knows only `error`; the files themselves are written by the store (see `ops/files.rs`).

use lessons_model::Review;
use sha2::{Digest, Sha256};
use sled::transaction::TransactionalTree;

use crate::error::TxResult;

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Key of the per-board duplicate index: `board \0 sha256`.
pub(crate) fn file_owner_key(board: &str, sha256: &str) -> Vec<u8> {
    let mut key = board.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(sha256.as_bytes());
    key
}

/// Records `review` as the holder of each of its files, in its board.
pub(crate) fn record_file_owners(owners: &TransactionalTree, review: &Review) -> TxResult<()> {
    for file in &review.files {
        owners.insert(
            file_owner_key(&review.board, &file.sha256),
            review.id.as_bytes(),
        )?;
    }
    Ok(())
}
