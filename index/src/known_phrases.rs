//! Known phrases indexed as single terms. The synonym and everyday phrases of the
//! vocabulary ("was not brought", "did not attend", "information sharing") are searched
//! in every text field of nearly every query that names them, and a phrase query reads
//! the positions of every word for each document holding them all: with words as common
//! as "was" and "not" in 50 KB summaries that was most of a search's cost. So at indexing
//! time each occurrence of a known phrase in a text field is also written, as one term
//! `<field name>:<tokens>`, to the unstored `phrases` field (term frequencies only), and
//! [`KnownPhraseQuery`] reads that term's postings instead of intersecting positions.
//!
//! It scores exactly as tantivy's `PhraseQuery` with no slop: the same BM25 weight (the
//! phrase words' summed idf and the text field's average length, from the text field's
//! statistics), the text field's own length norms, and a term frequency that is the
//! phrase's number of occurrences, which is what `PhraseScorer` counts. The set of
//! known phrases is part of the index: its [`fingerprint`] is kept in the commit payload,
//! and an index built with another vocabulary is rebuilt on open.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use lessons_model::vocab::{COMBINATIONS, EVERYDAY, TEXT_SYNONYMS, THEMES};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::SegmentPostings;
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption, Schema};
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use crate::schema::analyse;

/// Every phrase of two words or more (as analysed tokens) that a query built from the
/// vocabulary may look for: the synonym groups, theme labels and synonyms, everyday
/// phrases and what they mean, and what combinations mean.
pub(crate) fn known_phrases() -> &'static HashSet<Vec<String>> {
    static SET: OnceLock<HashSet<Vec<String>>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut texts: Vec<String> = Vec::new();
        texts.extend(
            TEXT_SYNONYMS
                .iter()
                .flat_map(|g| g.iter().map(|s| s.to_string())),
        );
        for theme in THEMES {
            texts.push(theme.label.to_lowercase());
            texts.extend(theme.synonyms.iter().map(|s| s.to_string()));
        }
        for entry in EVERYDAY {
            texts.extend(entry.say.iter().map(|s| s.to_string()));
            texts.extend(entry.means.iter().map(|s| s.to_string()));
        }
        for combination in COMBINATIONS {
            texts.extend(combination.means.iter().map(|s| s.to_string()));
        }
        texts
            .iter()
            .map(|text| analyse(text))
            .filter(|tokens| tokens.len() >= 2)
            .collect()
    })
}

/// The known phrases by their first token, for the scan at indexing time.
fn by_first_token() -> &'static HashMap<String, Vec<Vec<String>>> {
    static MAP: OnceLock<HashMap<String, Vec<Vec<String>>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for phrase in known_phrases() {
            map.entry(phrase[0].clone())
                .or_default()
                .push(phrase.clone());
        }
        map
    })
}

/// A stable digest of the set of known phrases (FNV-1a over the sorted phrases), kept
/// with the index so that a change of vocabulary rebuilds it.
pub(crate) fn fingerprint() -> u64 {
    let mut phrases: Vec<String> = known_phrases().iter().map(|p| p.join(" ")).collect();
    phrases.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in phrases.join("\n").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The term of `tokens` found in `field_name`, as the `phrases` field holds it.
fn phrase_term_text(field_name: &str, tokens: &[String]) -> String {
    format!("{field_name}:{}", tokens.join(" "))
}

/// Appends to `out` one token for each occurrence of a known phrase in `text`, analysed
/// as the text field `field_name` is (words at consecutive positions, as a phrase query
/// with no slop requires).
pub(crate) fn phrase_tokens(field_name: &str, text: &str, out: &mut Vec<Token>) {
    let map = by_first_token();
    let mut analyzer = crate::schema::analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut tokens: Vec<(String, usize)> = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push((token.text.clone(), token.position));
    }
    for (i, (first, position)) in tokens.iter().enumerate() {
        let Some(phrases) = map.get(first) else {
            continue;
        };
        for phrase in phrases {
            let Some(window) = tokens.get(i..i + phrase.len()) else {
                continue;
            };
            let holds = window
                .iter()
                .zip(phrase)
                .enumerate()
                .all(|(j, ((text, at), word))| text == word && *at == position + j);
            if holds {
                let next = out.len();
                out.push(Token {
                    offset_from: 0,
                    offset_to: 0,
                    position: next,
                    text: phrase_term_text(field_name, phrase),
                    position_length: 1,
                });
            }
        }
    }
}

/// The `phrases` value of a document: the known phrases of each of its text fields.
pub(crate) fn phrases_value(texts: &[(&str, &str)]) -> PreTokenizedString {
    let mut tokens = Vec::new();
    for (field_name, text) in texts {
        phrase_tokens(field_name, text, &mut tokens);
    }
    PreTokenizedString {
        text: String::new(),
        tokens,
    }
}

/// A known phrase in one text field, with no slop, matched through the `phrases` field.
#[derive(Clone)]
pub(crate) struct KnownPhraseQuery {
    /// The text field's terms, in order, for the BM25 weight and highlighting.
    terms: Vec<Term>,
    /// The phrase's term in the `phrases` field.
    phrase: Term,
}

impl KnownPhraseQuery {
    /// The query for `tokens` in `field`, when they are a known phrase.
    pub(crate) fn for_tokens(
        schema: &Schema,
        field: Field,
        phrases: Field,
        tokens: &[String],
    ) -> Option<KnownPhraseQuery> {
        if tokens.len() < 2 || !known_phrases().contains(tokens) {
            return None;
        }
        let field_name = schema.get_field_name(field);
        Some(KnownPhraseQuery {
            terms: tokens
                .iter()
                .map(|t| Term::from_field_text(field, t))
                .collect(),
            phrase: Term::from_field_text(phrases, &phrase_term_text(field_name, tokens)),
        })
    }
}

impl fmt::Debug for KnownPhraseQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "KnownPhrase({:?})", self.phrase)
    }
}

impl Query for KnownPhraseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.terms)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(KnownPhraseWeight {
            field: self.terms[0].field(),
            phrase: self.phrase.clone(),
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.terms {
            visitor(term, true);
        }
    }
}

struct KnownPhraseWeight {
    /// The text field, whose length norms score the phrase.
    field: Field,
    phrase: Term,
    bm25: Option<Bm25Weight>,
}

impl KnownPhraseWeight {
    fn phrase_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<KnownPhraseScorer>> {
        let Some(postings) = reader
            .inverted_index(self.phrase.field())?
            .read_postings(&self.phrase, IndexRecordOption::WithFreqs)?
        else {
            return Ok(None);
        };
        let fieldnorms = match &self.bm25 {
            Some(_) => reader.fieldnorms_readers().get_field(self.field)?,
            None => None,
        }
        .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        Ok(Some(KnownPhraseScorer {
            postings,
            fieldnorms,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
        }))
    }
}

impl Weight for KnownPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.phrase_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(tantivy::query::EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let Some(mut scorer) = self.phrase_scorer(reader, 1.0)? else {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        };
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        Ok(Explanation::new("known phrase", scorer.score()))
    }
}

struct KnownPhraseScorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl DocSet for KnownPhraseScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for KnownPhraseScorer {
    fn score(&mut self) -> Score {
        use tantivy::postings::Postings;
        let doc = self.doc();
        if doc == TERMINATED {
            return 0.0;
        }
        match &self.bm25 {
            Some(bm25) => bm25.score(self.fieldnorms.fieldnorm_id(doc), self.postings.term_freq()),
            None => 1.0,
        }
    }
}
