//! Taking an online backup (`lessons backup`, see `backup`): the trees and files are copied
//! while the store's write gate is held exclusively.

use std::fs;
use std::path::Path;

use lessons_model::dates::now_rfc3339;

use crate::backup::{
    io_error, partial_path, refuse_non_empty, sync_dir, sync_parent, write_synced, BackupReport,
    BATCH, MANIFEST, SKIPPED_TREES,
};
use crate::error::{Result, StoreError};
use crate::store::{Store, FORMAT_VERSION};

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
