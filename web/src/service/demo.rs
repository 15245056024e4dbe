//! The bundled demo corpus (fiction written for this project; see `web/demo/README.md`):
//! 25 boards and 68 reviews, loaded by `lessons serve --demo` into an empty data dir.

use std::io::Cursor;

use lessons_model::Board;

use super::import::{import_lines, ImportReport};
use super::repository::{Repository, RepositoryError};

const BOARDS: &str = include_str!("../../demo/boards.jsonl");
const REVIEWS: &str = include_str!("../../demo/reviews.jsonl");
/// The store setting that records that this data dir holds the fictional demo corpus.
const DEMO_SETTING: &str = "demo_corpus";

/// What loading the demo did.
#[derive(Debug)]
pub enum DemoLoad {
    /// The data dir already held reviews; nothing was loaded.
    AlreadyFilled(usize),
    Loaded(ImportReport),
}

/// Loads the demo boards and reviews when the store holds no review yet.
pub fn load_demo(repository: &Repository) -> Result<DemoLoad, RepositoryError> {
    let existing = repository.store.review_count();
    if existing > 0 {
        return Ok(DemoLoad::AlreadyFilled(existing));
    }
    for line in BOARDS.lines().filter(|l| !l.trim().is_empty()) {
        let board: Board = serde_json::from_str(line).map_err(|e| {
            RepositoryError::Store(lessons_store::StoreError::Corrupt {
                what: "demo boards".into(),
                message: e.to_string(),
            })
        })?;
        repository.put_board(&board, "demo")?;
    }
    repository.put_setting(DEMO_SETTING, "loaded")?;
    let report = import_lines(repository, Cursor::new(REVIEWS), "demo", |_| {})?;
    Ok(DemoLoad::Loaded(report))
}

/// Whether this data dir holds the demo corpus (so pages must say it is fiction).
pub fn holds_demo(repository: &Repository) -> Result<bool, RepositoryError> {
    Ok(repository.store.setting(DEMO_SETTING)?.is_some())
}
