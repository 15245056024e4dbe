//! The plain BM25 baseline the judged set is compared against: tantivy's default
//! analyzer (split on non-alphanumerics, lower case, no stemming), the same text
//! fields, words OR'd by tantivy's query parser (quotes still make phrases), no
//! synonyms, no boosts, no typo tolerance.

use anyhow::{Context, Result};
use lessons_index::View;
use lessons_model::Review;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, Schema, Value, STORED, STRING, TEXT};
use tantivy::{doc, Index, IndexReader, TantivyDocument};

/// One in-memory index for one view.
struct ViewIndex {
    reader: IndexReader,
    parser: QueryParser,
    id: Field,
}

/// Both views' baseline indexes.
pub struct Baseline {
    reviews: ViewIndex,
    lessons: ViewIndex,
}

impl Baseline {
    /// Indexes every review in `reviews` (the caller passes the public ones): one document per review (title,
    /// keywords, summary and findings) and one per finding (its text).
    pub fn build(reviews: impl IntoIterator<Item = Review>) -> Result<Baseline> {
        let mut review_schema = Schema::builder();
        let review_id = review_schema.add_text_field("id", STRING | STORED);
        let title = review_schema.add_text_field("title", TEXT);
        let keywords = review_schema.add_text_field("keywords", TEXT);
        let summary = review_schema.add_text_field("summary", TEXT);
        let findings = review_schema.add_text_field("findings", TEXT);
        let review_index = Index::create_in_ram(review_schema.build());

        let mut lesson_schema = Schema::builder();
        let lesson_id = lesson_schema.add_text_field("id", STRING | STORED);
        let text = lesson_schema.add_text_field("text", TEXT);
        let lesson_index = Index::create_in_ram(lesson_schema.build());

        let mut review_writer = review_index.writer_with_num_threads(1, 50_000_000)?;
        let mut lesson_writer = lesson_index.writer_with_num_threads(1, 50_000_000)?;
        for review in reviews {
            let all_findings: Vec<&str> = review.lessons.iter().map(|l| l.text.as_str()).collect();
            review_writer.add_document(doc!(
                review_id => review.id.clone(),
                title => review.title.clone(),
                keywords => review.keywords.join(" "),
                summary => review.summary.clone(),
                findings => all_findings.join("\n"),
            ))?;
            for lesson in &review.lessons {
                lesson_writer.add_document(
                    doc!(lesson_id => lesson.id.clone(), text => lesson.text.clone()),
                )?;
            }
        }
        review_writer.commit()?;
        lesson_writer.commit()?;
        Ok(Baseline {
            reviews: ViewIndex::new(
                &review_index,
                review_id,
                vec![title, keywords, summary, findings],
            )?,
            lessons: ViewIndex::new(&lesson_index, lesson_id, vec![text])?,
        })
    }

    /// The ids of the best `depth` documents for `query` in `view`.
    pub fn rank(&self, query: &str, view: View, depth: usize) -> Result<Vec<String>> {
        match view {
            View::Reviews => self.reviews.rank(query, depth),
            View::Lessons => self.lessons.rank(query, depth),
        }
    }
}

impl ViewIndex {
    fn new(index: &Index, id: Field, fields: Vec<Field>) -> Result<ViewIndex> {
        Ok(ViewIndex {
            reader: index.reader().context("cannot open the baseline index")?,
            parser: QueryParser::for_index(index, fields),
            id,
        })
    }

    fn rank(&self, query: &str, depth: usize) -> Result<Vec<String>> {
        let (query, _errors) = self.parser.parse_query_lenient(query);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(depth).order_by_score())?;
        let mut ids = Vec::with_capacity(top.len());
        for (_score, address) in top {
            let document: TantivyDocument = searcher.doc(address)?;
            if let Some(id) = document.get_first(self.id).and_then(|v| v.as_str()) {
                ids.push(id.to_string());
            }
        }
        Ok(ids)
    }
}
