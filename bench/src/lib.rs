//! Measurements of Lessons, kept out of the service's crates:
//!
//! - [`relevance`]: the judged query set over the demo corpus, nDCG@10 and recall@20
//!   for our ranking and for a plain BM25 baseline (`cargo run -p lessons-bench --bin relevance`).
//! - [`synth`]: a deterministic synthetic corpus of any size (`--bin synth`).
//! - [`recurring`]: the judged recurring-lesson groups, pairwise and B-cubed scores and the
//!   baselines (`--bin recurring_quality`; `--bin recurring_speed` on the synthetic corpus).
//! - [`corpus`]: loading a corpus folder, or generated reviews, through the real import path.
//! - The side-by-side benchmark (`--features fts5 --bin compare`): [`queries`] the fixed
//!   query set in both forms, [`fts5`] the SQLite FTS5 peer, [`bare_tantivy`] the floor
//!   for import speed, [`http_load`] the server process, wrk and RssAnon (also used by
//!   `load` and `responsiveness`, which drive the server with their own clients).

pub mod bare_tantivy;
pub mod corpus;
#[cfg(feature = "fts5")]
pub mod fts5;
pub mod http_load;
pub mod queries;
pub mod query_mix;
pub mod recurring;
pub mod relevance;
pub mod synth;
