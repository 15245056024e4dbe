//! Measurements of Lessons, kept out of the service's crates:
//!
//! - [`relevance`]: the judged query set over the demo corpus, nDCG@10 and recall@20
//!   for our ranking and for a plain BM25 baseline (`cargo run -p lessons-bench --bin relevance`).
//! - [`synth`]: a deterministic synthetic corpus of any size (`--bin synth`).

pub mod corpus;
pub mod relevance;
pub mod synth;
