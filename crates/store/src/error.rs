//! What can go wrong in the store: [`StoreError`] in the user's terms, the crate's
//! [`Result`], and the conversions from sled's errors (opening, transactions). A leaf: it
//! imports no other module of the crate.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use lessons_model::validate::ValidationErrors;
use sled::transaction::{ConflictableTransactionError, TransactionError};

/// Everything that can go wrong in the store, in the user's terms.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the data directory {path} is in use by another lessons process (stop the server first)"
    )]
    Locked { path: PathBuf },
    #[error("cannot read the data directory {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the data directory {path} has format version {found}; this build reads version {supported}")]
    IncompatibleVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("stored data is corrupt ({what}): {message}")]
    Corrupt { what: String, message: String },
    #[error("review {0} not found")]
    ReviewNotFound(String),
    #[error("review {0} already exists")]
    AlreadyExists(String),
    #[error("invalid review: {0}")]
    Invalid(#[from] ValidationErrors),
    #[error("cannot write the backup at {path}: {message}")]
    Backup { path: PathBuf, message: String },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What a step inside a sled transaction returns.
pub(crate) type TxResult<T> = std::result::Result<T, ConflictableTransactionError<StoreError>>;

/// Aborts the transaction with `error`.
pub(crate) fn abort(error: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(error)
}

/// The error a transaction ended with.
pub(crate) fn transaction_error(error: TransactionError<StoreError>) -> StoreError {
    match error {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => StoreError::Sled(e),
    }
}

/// Why the database at `path` could not be opened.
pub(crate) fn open_error(path: &Path, error: sled::Error) -> StoreError {
    match error {
        sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
            StoreError::Locked {
                path: path.to_path_buf(),
            }
        }
        sled::Error::Io(io) if io.kind() == ErrorKind::PermissionDenied => StoreError::Unreadable {
            path: path.to_path_buf(),
            source: io,
        },
        sled::Error::Corruption { .. } => StoreError::Corrupt {
            what: path.display().to_string(),
            message: error.to_string(),
        },
        other => StoreError::Sled(other),
    }
}
