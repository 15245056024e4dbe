//! Original uploaded files, kept byte for byte. Each file is written once under its
//! SHA-256 (`<store>/files/<sha256>`): to a temporary file, synced, renamed into place
//! and the folder synced, before the review that refers to it is committed. A crash in
//! between leaves at most an unreferenced file, never a reference without its bytes.

use std::fs::{self, File};
use std::io::Write;
use std::path::PathBuf;

use crate::error::{Result, StoreError};
use crate::files::{file_owner_key, sha256_hex};
use crate::store::Store;

/// Makes the names of files being written unique within the process.
static PARTIAL_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Store {
    /// Keeps `bytes` and returns their SHA-256.
    pub fn put_file(&self, bytes: &[u8]) -> Result<String> {
        let sha = sha256_hex(bytes);
        let path = self.file_path(&sha);
        if path.exists() {
            return Ok(sha);
        }
        let io = |e: std::io::Error| StoreError::Unreadable {
            path: self.files_dir.clone(),
            source: e,
        };
        let _writing = self.writing();
        fs::create_dir_all(&self.files_dir).map_err(io)?;
        let unique = PARTIAL_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temporary = self
            .files_dir
            .join(format!(".{sha}.{}.{unique}.partial", std::process::id()));
        let mut file = File::create(&temporary).map_err(io)?;
        file.write_all(bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        fs::rename(&temporary, &path).map_err(io)?;
        File::open(&self.files_dir)
            .and_then(|dir| dir.sync_all())
            .map_err(io)?;
        Ok(sha)
    }

    /// The bytes kept under `sha256`, checked against it.
    pub fn file(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let path = self.file_path(sha256);
        match fs::read(&path) {
            Ok(bytes) if sha256_hex(&bytes) == sha256 => Ok(Some(bytes)),
            Ok(_) => Err(StoreError::Corrupt {
                what: path.display().to_string(),
                message: "the file no longer matches its SHA-256".into(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Unreadable { path, source }),
        }
    }

    /// The review of `board` that already holds a file with this SHA-256.
    pub fn file_owner(&self, board: &str, sha256: &str) -> Result<Option<String>> {
        match self.file_owners.get(file_owner_key(board, sha256))? {
            Some(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            None => Ok(None),
        }
    }

    fn file_path(&self, sha256: &str) -> PathBuf {
        self.files_dir.join(sha256)
    }
}
