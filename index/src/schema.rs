//! The one tantivy schema that serves both views: every review is indexed as one
//! `review` document and one `lesson` document per finding, told apart by `doc_kind`.
//! Also the English analyzer (`en_lessons`), registered on every open because tantivy
//! does not persist tokenizers.

use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
    STORED, STRING,
};
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenizerManager,
};

use crate::cached_stemmer::CachedStemmer;

/// Name of the English analyzer: lower case and Snowball stemming, with no stop-word
/// filter ("was not brought", "not yet mobile" and "A&E" carry meaning here).
pub const ANALYZER: &str = "en_lessons";

/// Name of the spelling analyzer: lower case, no stemming, for close-spelling matches
/// (a misspelt word stems unpredictably, so fuzzy matching runs on the words as written).
pub const SPELLING_ANALYZER: &str = "en_spelling";

/// Name of the fast field with the earliest due date of a document's open actions.
pub(crate) const OPEN_DUE_FIELD: &str = "open_due";

/// Name of the fast field with a recommendation's number of actions.
pub(crate) const ACTION_COUNT_FIELD: &str = "action_count";

/// Name of the facet field.
pub(crate) const FACETS_FIELD: &str = "facets";

/// Bumped whenever the schema, the analysis or the stored display data changes; a
/// mismatch triggers a rebuild from the store.
pub const SCHEMA_VERSION: u32 = 10;

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `review` or `lesson`.
    pub doc_kind: Field,
    pub review_id: Field,
    pub lesson_id: Field,
    /// Review title (review documents only).
    pub title: Field,
    /// Executive summary (review documents only).
    pub summary: Field,
    /// All findings' text (review documents) or the one finding (lesson documents).
    pub lessons: Field,
    /// Keywords and pseudonyms (review documents only).
    pub keywords: Field,
    /// A finding's review as context (lesson documents only): its title, the labels of
    /// its themes and its keywords, which rank a finding a little in the lessons view.
    pub context: Field,
    /// All text, unstemmed and unstored, for close-spelling matches.
    pub spelling: Field,
    /// Every facet value as `/<facet>/<value>` (a finding's `/theme` and `/agency` are
    /// its own; its review's are `/review_theme` and `/review_agency`).
    pub facets: Field,
    /// The document's own themes, for ranking (a finding's review's themes, its
    /// `/review_theme` facets, say little about the finding itself).
    pub own_themes: Field,
    pub year: Field,
    /// Days since the epoch of publication (or completion): the sort key for newest/oldest.
    pub sort_date: Field,
    /// Days since the epoch from which the public may see the document (embargo).
    pub public_from: Field,
    /// Days since the epoch of the earliest due date among the open actions of a
    /// recommendation (lesson documents) or of all a review's recommendations (review
    /// documents); absent without one. Overdue on any later day (DESIGN §10): compared
    /// with the day of the request, so nothing is written when a date passes.
    pub open_due: Field,
    /// A recommendation's number of actions (lesson documents with actions only), so
    /// that an export of actions finds and counts them without reading documents.
    pub action_count: Field,
    /// JSON with what a hit displays.
    pub display: Field,
    /// JSON with the review's other public metadata, read only by exports.
    pub metadata: Field,
    /// Each known phrase of each text field as one term (`known_phrases.rs`), unstored,
    /// with term frequencies: what a phrase query on a known phrase reads.
    pub phrases: Field,
}

/// Builds the schema and returns it with its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        doc_kind: builder.add_text_field("doc_kind", STRING),
        review_id: builder.add_text_field("review_id", STRING | STORED),
        lesson_id: builder.add_text_field("lesson_id", STRING | STORED),
        title: builder.add_text_field("title", text.clone()),
        summary: builder.add_text_field("summary", text.clone()),
        lessons: builder.add_text_field("lessons", text.clone()),
        keywords: builder.add_text_field("keywords", text.clone()),
        context: builder.add_text_field(
            "context",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        ),
        spelling: builder.add_text_field(
            "spelling",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(SPELLING_ANALYZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        facets: builder.add_facet_field(FACETS_FIELD, FacetOptions::default()),
        own_themes: builder.add_text_field("own_themes", STRING),
        year: builder.add_u64_field("year", INDEXED | FAST),
        sort_date: builder.add_i64_field("sort_date", FAST),
        public_from: builder.add_i64_field("public_from", INDEXED | FAST),
        open_due: builder.add_i64_field(OPEN_DUE_FIELD, FAST),
        action_count: builder.add_u64_field(ACTION_COUNT_FIELD, FAST),
        display: builder.add_text_field("display", STORED),
        metadata: builder.add_text_field("metadata", STORED),
        phrases: builder.add_text_field(
            "phrases",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("raw")
                    .set_fieldnorms(false)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
    };
    (builder.build(), fields)
}

/// The English analyzer used for indexing and for queries.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(CachedStemmer)
        .build()
}

/// A tokenizer manager with the default tokenizers plus [`ANALYZER`] and
/// [`SPELLING_ANALYZER`].
pub fn tokenizers() -> TokenizerManager {
    let manager = TokenizerManager::default();
    manager.register(ANALYZER, analyzer());
    manager.register(
        SPELLING_ANALYZER,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .build(),
    );
    manager
}

/// The analysed tokens of `text`, as the index stores them.
pub fn analyse(text: &str) -> Vec<String> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push(token.text.clone());
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_keeps_meaningful_short_words() {
        assert_eq!(analyse("Assessments"), analyse("assessment"));
        assert_eq!(analyse("was not brought"), ["was", "not", "brought"]);
        assert_eq!(analyse("A&E"), ["a", "e"]);
        assert_eq!(analyse("bruising babies"), analyse("bruised baby"));
    }
}
