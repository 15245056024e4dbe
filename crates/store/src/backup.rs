//! Online backups (`lessons backup`): a consistent copy of the store taken while the
//! service runs. Every write takes the store's write gate shared; a backup takes it
//! exclusively, so writes wait (reads go on) while every tree but the sessions is copied
//! into a new sled database and every original file is copied beside it. The copy is
//! built in a hidden sibling folder and renamed into place only once it is complete and
//! synced, with a `BACKUP.json` manifest.
//!
//! The result is a data directory without its index: point `--data` at a copy of it (the
//! index is rebuilt from the store when it is first opened) and `lessons check` passes.
//! Sign-in sessions are left out, so a restored service asks everyone to sign in again.
//!
//! This module holds the manifest and the file-system steps and knows only `error`; the
//! copy itself, under the write gate, is `Store::backup` (`ops/backup.rs`).

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};

/// The name of the manifest at the top of a backup.
pub const MANIFEST: &str = "BACKUP.json";
/// Trees a backup leaves out.
pub(crate) const SKIPPED_TREES: &[&[u8]] = &[b"sessions"];
/// Entries copied per sled batch.
pub(crate) const BATCH: usize = 1_000;

/// What a backup holds, as written to its manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupReport {
    pub kind: String,
    pub store_format_version: u32,
    pub created_at: String,
    /// The sequence number of the last write the backup holds.
    pub last_seq: u64,
    pub reviews: usize,
    pub revisions: usize,
    pub audit_entries: usize,
    pub files: usize,
    /// Bytes of original files copied.
    pub file_bytes: u64,
}

/// Reads a backup's manifest.
pub fn read_manifest(folder: &Path) -> Result<BackupReport> {
    let path = folder.join(MANIFEST);
    let bytes = fs::read(&path).map_err(io_error(&path))?;
    serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
        what: path.display().to_string(),
        message: e.to_string(),
    })
}

pub(crate) fn refuse_non_empty(destination: &Path) -> Result<()> {
    match fs::read_dir(destination) {
        Ok(entries) => match entries.count() {
            0 => Ok(()),
            _ => Err(backup_error(
                destination,
                "the folder is not empty; name a new one",
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(backup_error(
            destination,
            "a file is in the way; name a new folder",
        )),
        Err(e) => Err(io_error(destination)(e)),
    }
}

fn backup_error(path: &Path, message: &str) -> StoreError {
    StoreError::Backup {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// `.NAME.partial-PID` beside `destination`, whose parent must exist.
pub(crate) fn partial_path(destination: &Path) -> Result<PathBuf> {
    let name = destination
        .file_name()
        .ok_or_else(|| backup_error(destination, "the backup folder needs a name"))?
        .to_string_lossy()
        .into_owned();
    let parent = match destination.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(backup_error(
            &parent,
            "the folder to write the backup in does not exist",
        ));
    }
    let partial = parent.join(format!(".{name}.partial-{}", std::process::id()));
    if partial.exists() {
        fs::remove_dir_all(&partial).map_err(io_error(&partial))?;
    }
    Ok(partial)
}

pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = fs::File::create(path).map_err(io_error(path))?;
    file.write_all(bytes).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

pub(crate) fn sync_dir(path: &Path) -> Result<()> {
    fs::File::open(path)
        .and_then(|dir| dir.sync_all())
        .map_err(io_error(path))
}

pub(crate) fn sync_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
        _ => sync_dir(Path::new(".")),
    }
}

pub(crate) fn io_error(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Backup {
        path: path.to_path_buf(),
        message: source.to_string(),
    }
}
