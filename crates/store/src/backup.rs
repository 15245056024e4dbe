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

use std::fs;
use std::path::{Path, PathBuf};

use lessons_model::dates::now_rfc3339;
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::{Store, FORMAT_VERSION};

/// The name of the manifest at the top of a backup.
pub const MANIFEST: &str = "BACKUP.json";
/// Trees a backup leaves out.
const SKIPPED_TREES: &[&[u8]] = &[b"sessions"];
/// Entries copied per sled batch.
const BATCH: usize = 1_000;

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

impl Store {
    /// Writes a consistent backup of this store to `destination` (a folder that must not
    /// exist yet, or be empty): `store/sled`, `store/files` and the manifest.
    pub fn backup(&self, destination: &Path) -> Result<BackupReport> {
        refuse_non_empty(destination)?;
        let partial = partial_path(destination)?;
        let result = self.write_backup(&partial);
        if result.is_err() {
            let _ = fs::remove_dir_all(&partial);
        }
        let report = result?;
        if destination.exists() {
            fs::remove_dir(destination).map_err(io_error(destination))?;
        }
        fs::rename(&partial, destination).map_err(io_error(destination))?;
        sync_parent(destination)?;
        Ok(report)
    }

    fn write_backup(&self, folder: &Path) -> Result<BackupReport> {
        let _exclusive = self.gate.write().unwrap_or_else(|e| e.into_inner());
        let store_dir = folder.join("store");
        fs::create_dir_all(&store_dir).map_err(io_error(&store_dir))?;
        self.copy_trees(&store_dir.join("sled"))?;
        let (files, file_bytes) = self.copy_files(&store_dir.join("files"))?;
        let report = BackupReport {
            kind: "lessons-backup".into(),
            store_format_version: FORMAT_VERSION,
            created_at: now_rfc3339(),
            last_seq: self.last_seq()?,
            reviews: self.reviews.len(),
            revisions: self.revisions.len(),
            audit_entries: self.audit.len(),
            files,
            file_bytes,
        };
        let manifest = folder.join(MANIFEST);
        let text = serde_json::to_vec_pretty(&report).map_err(|e| StoreError::Corrupt {
            what: "backup manifest".into(),
            message: e.to_string(),
        })?;
        write_synced(&manifest, &text)?;
        sync_dir(folder)?;
        Ok(report)
    }

    /// Copies every tree but the skipped ones into a new sled database at `path`.
    fn copy_trees(&self, path: &Path) -> Result<()> {
        let copy = sled::Config::new().path(path).open()?;
        for name in self.db.tree_names() {
            if SKIPPED_TREES.contains(&name.as_ref()) {
                continue;
            }
            let source = self.db.open_tree(&name)?;
            let target = copy.open_tree(&name)?;
            let mut batch = sled::Batch::default();
            let mut pending = 0;
            for entry in source.iter() {
                let (key, value) = entry?;
                batch.insert(key, value);
                pending += 1;
                if pending == BATCH {
                    target.apply_batch(std::mem::take(&mut batch))?;
                    pending = 0;
                }
            }
            target.apply_batch(batch)?;
        }
        copy.flush()?;
        Ok(())
    }

    /// Copies every original file (not files being written); returns count and bytes.
    fn copy_files(&self, target: &Path) -> Result<(usize, u64)> {
        fs::create_dir_all(target).map_err(io_error(target))?;
        let entries = match fs::read_dir(&self.files_dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, 0)),
            Err(e) => return Err(io_error(&self.files_dir)(e)),
        };
        let (mut count, mut bytes) = (0, 0);
        for entry in entries {
            let entry = entry.map_err(io_error(&self.files_dir))?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue; // a file still being written by put_file
            }
            let to = target.join(&name);
            let content = fs::read(entry.path()).map_err(io_error(&entry.path()))?;
            write_synced(&to, &content)?;
            count += 1;
            bytes += content.len() as u64;
        }
        sync_dir(target)?;
        Ok((count, bytes))
    }
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

fn refuse_non_empty(destination: &Path) -> Result<()> {
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
fn partial_path(destination: &Path) -> Result<PathBuf> {
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

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = fs::File::create(path).map_err(io_error(path))?;
    file.write_all(bytes).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

fn sync_dir(path: &Path) -> Result<()> {
    fs::File::open(path)
        .and_then(|dir| dir.sync_all())
        .map_err(io_error(path))
}

fn sync_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
        _ => sync_dir(Path::new(".")),
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Backup {
        path: path.to_path_buf(),
        message: source.to_string(),
    }
}
