//! The one error type of the index, [`IndexError`], and its [`Result`].

/// Everything that can go wrong in the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("the search index is in use by another lessons process")]
    Locked,
    #[error("cannot open the search index in {path}: {message}")]
    Open { path: String, message: String },
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index data is corrupt: {0}")]
    Corrupt(String),
    #[error("search index I/O error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;
