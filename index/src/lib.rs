//! The search index of Lessons, on tantivy 0.27: [`SearchIndex`] holds one document per
//! public review and one per finding ([`schema`]), answers [`SearchRequest`]s with facets
//! and snippets ([`search`]) and cross-tabulates their matches by two facets
//! ([`crosstab`]), and records in its commit payload the store sequence it has caught up
//! to, so that the web crate can replay the store's change log after a crash. It is
//! derived data: it never writes to the store and can always be rebuilt.
//!
//! Drafts and withdrawn reviews are never indexed. Embargoed reviews are indexed with
//! the day they become public (`public_from`), and every search filters on it, so they
//! appear by themselves when the embargo ends.

mod bonus;
mod cached_stemmer;

mod context;
pub mod crosstab;
mod document;
mod error;
pub mod export;
mod facet_count;
pub mod facets;
mod feedback;
pub mod inventory;
mod known_phrases;
pub mod params;
mod public_freq;
pub mod query;
mod rescore;
pub mod schema;
pub mod search;
mod snippet;
mod spelling;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use lessons_model::Review;
use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};
use time::Date;

pub use crosstab::{CrossCell, CrossTab};
pub use document::Display;
pub use error::{IndexError, Result};
pub use facets::FacetName;
pub use inventory::Inventory;
pub use params::{SearchRequest, Sort, View};
pub use search::{FacetCount, Hit, SearchResults};

use crate::context::SearchContext;
use crate::document::documents;
use crate::schema::{build_schema, tokenizers, Fields, FACETS_FIELD, SCHEMA_VERSION};

const WRITER_MEMORY_BYTES: usize = 64 << 20;

/// A change to apply to the index.
#[derive(Debug, Clone)]
pub enum IndexUpdate {
    /// Index the review as it now is (removed if it is not published).
    Put(Box<Review>),
    /// Remove every document of this review.
    Remove(String),
}

/// What the commit payload records.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
struct Payload {
    seq: u64,
    schema: u32,
    /// The [`known_phrases::fingerprint`] of the vocabulary the index was built with.
    #[serde(default)]
    phrases: u64,
}

/// Board names by slug, and the slugs sorted.
type BoardNames = (Arc<HashMap<String, String>>, Arc<Vec<String>>);

/// The index, shared by every request (searches take a snapshot; writes are serialised).
pub struct SearchIndex {
    reader: IndexReader,
    /// Facet ordinal tables per segment (see `facet_count`).
    facet_tables: facet_count::FacetTables,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// Board names by slug, and the slugs sorted (searches read them; boards rarely
    /// change, so each is shared, not copied per search).
    board_names: RwLock<BoardNames>,
    indexed_seq: RwLock<u64>,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (empty, at sequence 0) when it is missing,
    /// from another schema version, or unreadable as an index.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = build_schema();
        let index = match open_existing(dir, &schema) {
            Some(index) => index,
            None => {
                clear_dir(dir)?;
                create(dir, &schema)?
            }
        };
        let writer: IndexWriter = index
            .writer_with_num_threads(1, WRITER_MEMORY_BYTES)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => IndexError::Locked,
                other => IndexError::Tantivy(other),
            })?;
        // A writer killed inside a commit leaves files that the committed meta.json does
        // not name, among them deletes named `<segment>.<opstamp>.del`. This writer
        // restarts from the committed opstamp, so replaying the same changes would write
        // the same name and fail with FileAlreadyExists: the data directory could not be
        // opened after such a crash. Remove them before anything is written.
        writer.garbage_collect_files().wait()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let seq = read_payload(&index).map(|p| p.seq).unwrap_or(0);
        let facet_tables = facet_count::FacetTables::default();
        facet_tables.warm(&reader.searcher(), FACETS_FIELD)?;
        Ok(SearchIndex {
            facet_tables,
            reader,
            writer: Mutex::new(writer),
            fields,
            board_names: RwLock::new(Default::default()),
            indexed_seq: RwLock::new(seq),
        })
    }

    /// Which committed state of the index searches read now: it changes with every
    /// commit that is made visible (and never goes back), so a result computed after
    /// reading generation G reflects every change committed up to G.
    pub fn generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    /// The store sequence the index has caught up to.
    pub fn indexed_seq(&self) -> u64 {
        self.indexed_seq.read().map(|s| *s).unwrap_or(0)
    }

    /// Sets the board names used for facet labels and hits.
    pub fn set_board_names(&self, names: HashMap<String, String>) {
        let mut slugs: Vec<String> = names.keys().cloned().collect();
        slugs.sort();
        if let Ok(mut current) = self.board_names.write() {
            *current = (Arc::new(names), Arc::new(slugs));
        }
    }

    /// The board names set with [`SearchIndex::set_board_names`].
    pub fn board_names(&self) -> Arc<HashMap<String, String>> {
        self.board_names
            .read()
            .map(|n| Arc::clone(&n.0))
            .unwrap_or_default()
    }

    /// The slugs of the boards set with [`SearchIndex::set_board_names`], sorted.
    pub fn board_slugs(&self) -> Arc<Vec<String>> {
        self.board_names
            .read()
            .map(|n| Arc::clone(&n.1))
            .unwrap_or_default()
    }

    /// Applies `updates`, commits with `seq` as the caught-up sequence, and makes the
    /// result visible to searches before returning.
    ///
    /// Updates that change no indexed document (a draft deposited or amended: drafts are
    /// never indexed) are not committed: only the caught-up sequence moves, in memory,
    /// so the searches' generation (and the search cache's answers) stay as they are.
    /// The sequence on disk then lags; replaying those changes after a restart is
    /// harmless, as every update is idempotent.
    pub fn apply(&self, updates: &[IndexUpdate], seq: u64) -> Result<()> {
        let names = self.board_names();
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| IndexError::Corrupt("index writer lock poisoned".into()))?;
        let searcher = self.reader.searcher();
        let mut changed = false;
        for update in updates {
            let id = match update {
                IndexUpdate::Put(review) => &review.id,
                IndexUpdate::Remove(id) => id,
            };
            let term = Term::from_field_text(self.fields.review_id, id);
            if searcher.doc_freq(&term)? > 0 {
                writer.delete_term(term);
                changed = true;
            }
            if let IndexUpdate::Put(review) = update {
                for document in documents(&self.fields, review, &names) {
                    writer.add_document(document)?;
                    changed = true;
                }
            }
        }
        if !changed {
            self.set_indexed_seq(seq);
            return Ok(());
        }
        self.commit(&mut writer, seq)
    }

    fn set_indexed_seq(&self, seq: u64) {
        if let Ok(mut indexed) = self.indexed_seq.write() {
            *indexed = (*indexed).max(seq);
        }
    }

    /// Replaces the whole index with `reviews`, recording `seq`. `progress` is called
    /// after each review.
    pub fn rebuild(
        &self,
        reviews: impl IntoIterator<Item = Review>,
        seq: u64,
        mut progress: impl FnMut(),
    ) -> Result<()> {
        let names = self.board_names();
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| IndexError::Corrupt("index writer lock poisoned".into()))?;
        writer.delete_all_documents()?;
        for review in reviews {
            for document in documents(&self.fields, &review, &names) {
                writer.add_document(document)?;
            }
            progress();
        }
        self.commit(&mut writer, seq)
    }

    fn commit(&self, writer: &mut IndexWriter, seq: u64) -> Result<()> {
        let payload = serde_json::to_string(&Payload {
            seq,
            schema: SCHEMA_VERSION,
            phrases: known_phrases::fingerprint(),
        })
        .map_err(|e| IndexError::Corrupt(e.to_string()))?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        self.facet_tables
            .warm(&self.reader.searcher(), FACETS_FIELD)?;
        if let Ok(mut indexed) = self.indexed_seq.write() {
            *indexed = seq;
        }
        Ok(())
    }

    /// Runs a search as the public sees the repository on `today`.
    pub fn search(&self, request: &SearchRequest, today: Date) -> Result<SearchResults> {
        self.with_context(today, |context| context.run(request))
    }

    /// The matches of `request` as the public sees the index on `today` (the search's
    /// match set), counted by the values of two facets (see [`crosstab`]).
    pub fn cross_tab(
        &self,
        request: &SearchRequest,
        rows: FacetName,
        cols: FacetName,
        today: Date,
    ) -> Result<CrossTab> {
        self.with_context(today, |context| {
            crosstab::cross_tab(context, request, rows, cols)
        })
    }

    /// Every match of `request` as the public sees the index on `today`, in the
    /// search's order, to be read in batches (see [`export::ExportCursor`]).
    pub fn export(&self, request: &SearchRequest, today: Date) -> Result<export::ExportCursor> {
        self.export_as(request, request.view.into(), today)
    }

    /// Like [`SearchIndex::export`], with rows of `view`: in the actions view, one row
    /// per action of the lessons-view matches (DESIGN §10).
    pub fn export_as(
        &self,
        request: &SearchRequest,
        view: export::ExportView,
        today: Date,
    ) -> Result<export::ExportCursor> {
        self.with_context(today, |context| {
            export::ExportCursor::new(context, request, view)
        })
    }

    /// The public findings among `ids` (`<review id>#L<n>`) on `today`, as rows of the
    /// lessons view's export, in index order.
    pub fn export_findings(&self, ids: &[String], today: Date) -> Result<export::ExportCursor> {
        self.with_context(today, |context| {
            export::ExportCursor::of_findings(context, ids)
        })
    }

    /// Public reviews most like public review `id`, or public findings of other reviews
    /// most like finding `id` (`<review id>#L<n>`), best first; `None` when `id` is not
    /// public on `today`.
    pub fn similar(&self, id: &str, today: Date, limit: usize) -> Result<Option<Vec<Hit>>> {
        self.with_context(today, |context| context.similar(id, limit))
    }

    /// Runs `work` on a fresh searcher snapshot as the public sees the index on `today`.
    fn with_context<T>(
        &self,
        today: Date,
        work: impl FnOnce(&SearchContext) -> Result<T>,
    ) -> Result<T> {
        let searcher = self.reader.searcher();
        let names = self.board_names();
        let context = SearchContext {
            searcher: &searcher,
            facet_tables: &self.facet_tables,
            fields: &self.fields,
            board_names: &names,
            today,
        };
        work(&context)
    }

    /// How many reviews the public can read on `today`: published and out of any embargo
    /// (the same filter as every search), so the number is public information.
    pub fn public_review_count(&self, today: Date) -> Result<u64> {
        self.with_context(today, |context| {
            let kind = tantivy::query::TermQuery::new(
                Term::from_field_text(self.fields.doc_kind, "review"),
                tantivy::schema::IndexRecordOption::Basic,
            );
            let query = tantivy::query::BooleanQuery::new(vec![
                (tantivy::query::Occur::Must, Box::new(kind)),
                context.public_today(),
            ]);
            Ok(context
                .searcher
                .search(&query, &tantivy::collector::Count)? as u64)
        })
    }

    /// Every review and finding the index holds, whatever their visibility date.
    pub fn inventory(&self) -> Result<Inventory> {
        inventory::read(&self.reader.searcher(), &self.fields)
    }

    /// How many review and lesson documents the index holds (any visibility date).
    pub fn document_counts(&self) -> Result<(u64, u64)> {
        let searcher = self.reader.searcher();
        let count = |kind: &str| -> Result<u64> {
            let query = tantivy::query::TermQuery::new(
                Term::from_field_text(self.fields.doc_kind, kind),
                tantivy::schema::IndexRecordOption::Basic,
            );
            Ok(searcher.search(&query, &tantivy::collector::Count)? as u64)
        };
        Ok((count("review")?, count("lesson")?))
    }
}

fn open_existing(dir: &Path, schema: &Schema) -> Option<Index> {
    if !dir.join("meta.json").exists() {
        return None;
    }
    let directory = MmapDirectory::open(dir).ok()?;
    let index = Index::builder()
        .schema(schema.clone())
        .tokenizers(tokenizers())
        .open_or_create(directory)
        .ok()?;
    match read_payload(&index) {
        Some(payload)
            if payload.schema == SCHEMA_VERSION
                && payload.phrases == known_phrases::fingerprint() =>
        {
            Some(index)
        }
        Some(_) => None,
        None if index.load_metas().ok()?.segments.is_empty() => Some(index),
        None => None,
    }
}

fn create(dir: &Path, schema: &Schema) -> Result<Index> {
    let directory = MmapDirectory::open(dir).map_err(|e| IndexError::Open {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(Index::builder()
        .schema(schema.clone())
        .tokenizers(tokenizers())
        .open_or_create(directory)?)
}

fn read_payload(index: &Index) -> Option<Payload> {
    let metas = index.load_metas().ok()?;
    serde_json::from_str(metas.payload.as_deref()?).ok()
}

/// Removes every file of an old or unreadable index (the directory holds nothing else).
fn clear_dir(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
