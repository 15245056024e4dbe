//! The floor for import speed: a bare tantivy index of the same text (title, keywords,
//! summary and findings of each review, and each finding as its own document), with the
//! English stemmer, positions, the stored text a snippet needs, one writer thread and
//! the same writer memory as ours, committed once. No store, no facets, no ranking
//! fields: what our import costs beyond this is what the durable store and the richer
//! index add.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{doc, Index, IndexWriter};

use crate::corpus::{disk_bytes, for_each_review};

/// The writer memory our index uses (`index/src/lib.rs`).
const WRITER_MEMORY_BYTES: usize = 64 << 20;

/// What the build took.
#[derive(Debug, Clone, Copy)]
pub struct BuildReport {
    pub reviews: u64,
    pub json_bytes: u64,
    pub seconds: f64,
    pub disk_bytes: u64,
}

/// Indexes the corpus folder into a new index in `dir`.
pub fn build(corpus_dir: &Path, dir: &Path) -> Result<BuildReport> {
    let started = Instant::now();
    let stemmed = |stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let mut builder = Schema::builder();
    let title = builder.add_text_field("title", stemmed(true));
    let keywords = builder.add_text_field("keywords", stemmed(false));
    let summary = builder.add_text_field("summary", stemmed(true));
    let findings = builder.add_text_field("findings", stemmed(false));
    let lesson = builder.add_text_field("lesson", stemmed(true));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let index = Index::create_in_dir(dir, builder.build())?;
    let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
    let mut reviews = 0;
    let json_bytes = for_each_review(corpus_dir, |review, _| {
        reviews += 1;
        let texts: Vec<&str> = review.lessons.iter().map(|l| l.text.as_str()).collect();
        writer.add_document(doc!(
            title => review.title.as_str(),
            keywords => review.keywords.join("; "),
            summary => review.summary.as_str(),
            findings => texts.join("\n"),
        ))?;
        for text in texts {
            writer.add_document(doc!(lesson => text, title => review.title.as_str()))?;
        }
        Ok(())
    })?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(BuildReport {
        reviews,
        json_bytes,
        seconds: started.elapsed().as_secs_f64(),
        disk_bytes: disk_bytes(dir),
    })
}
