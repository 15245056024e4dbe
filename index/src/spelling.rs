//! "Did you mean": for each plain query word that public documents (almost) never
//! contain, the close spelling (one edit, else two) that public documents contain most,
//! found with a Levenshtein automaton over the unstemmed `spelling` field. A candidate
//! is counted only over documents the public may see, so a word that occurs only in an
//! embargoed review is never suggested.

use std::collections::HashMap;

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use crate::context::SearchContext;
use crate::error::IndexError;
use crate::query::correctable_words;

/// A word in at most this many public documents may be a misspelling.
const RARE: usize = 2;
/// A correction must be in at least this many public documents...
const MIN_CORRECTION_DOCS: usize = 3;
/// ...and in this many times as many as the typed word.
const MIN_CORRECTION_RATIO: usize = 5;
/// Close spellings examined per word (the most frequent in the whole index first).
const MAX_CANDIDATES: usize = 8;

impl SearchContext<'_> {
    /// The query with its misspelt words corrected, or `None` when none is.
    pub fn did_you_mean(&self, q: &str) -> Result<Option<String>, IndexError> {
        let mut corrected = q.to_string();
        let mut changed = false;
        for word in correctable_words(q) {
            let typed = self.public_count(&word)?;
            if typed > RARE {
                continue;
            }
            if let Some(better) = self.best_correction(&word, typed)? {
                let replaced = replace_word(&corrected, &word, &better);
                changed |= replaced != corrected;
                corrected = replaced;
            }
        }
        Ok(changed.then_some(corrected))
    }

    fn best_correction(&self, word: &str, typed: usize) -> Result<Option<String>, IndexError> {
        for distance in [1, 2] {
            if distance == 2 && word.chars().count() < 8 {
                break;
            }
            let mut best: Option<(usize, String)> = None;
            for candidate in self.close_spellings(word, distance)? {
                let count = self.public_count(&candidate)?;
                let enough =
                    count >= MIN_CORRECTION_DOCS && count >= typed.max(1) * MIN_CORRECTION_RATIO;
                if enough && best.as_ref().is_none_or(|(n, _)| count > *n) {
                    best = Some((count, candidate));
                }
            }
            if let Some((_, candidate)) = best {
                return Ok(Some(candidate));
            }
        }
        Ok(None)
    }

    /// Indexed words within `distance` edits of `word` (other than it), most frequent first.
    fn close_spellings(&self, word: &str, distance: u8) -> Result<Vec<String>, IndexError> {
        let query = FuzzyTermQuery::new(
            Term::from_field_text(self.fields.spelling, word),
            distance,
            true,
        );
        let automaton = query.automaton()?;
        let mut frequencies: HashMap<String, u32> = HashMap::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.spelling)?;
            let mut stream = inverted.terms().search(&automaton).into_stream()?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if term != word {
                    *frequencies.entry(term.to_string()).or_default() += stream.value().doc_freq;
                }
            }
        }
        let mut candidates: Vec<(String, u32)> = frequencies.into_iter().collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(candidates
            .into_iter()
            .take(MAX_CANDIDATES)
            .map(|(term, _)| term)
            .collect())
    }

    /// Documents the public may see today that contain `word` as written.
    fn public_count(&self, word: &str) -> Result<usize, IndexError> {
        let contains: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(self.fields.spelling, word),
            IndexRecordOption::Basic,
        ));
        let query = BooleanQuery::new(vec![(Occur::Must, contains), self.public_today()]);
        Ok(self.searcher.search(&query, &Count)?)
    }
}

/// `text` with the first whole-word, case-insensitive occurrence of `word` (ASCII) that
/// is neither quoted nor excluded (`-word`) replaced by `replacement`.
fn replace_word(text: &str, word: &str, replacement: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let is_word_char = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    let mut from = 0;
    while let Some(found) = lower[from..].find(word) {
        let start = from + found;
        let end = start + word.len();
        let before = lower[..start].chars().next_back();
        let after = lower[end..].chars().next();
        let quoted = lower[..start].matches('"').count() % 2 == 1;
        let excluded = before == Some('-');
        if !is_word_char(before) && !is_word_char(after) && !quoted && !excluded {
            return format!("{}{}{}", &text[..start], replacement, &text[end..]);
        }
        from = end;
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::replace_word;

    #[test]
    fn replaces_whole_words_only_keeping_the_rest() {
        assert_eq!(
            replace_word("Neglekt and \"neglekt\"", "neglekt", "neglect"),
            "neglect and \"neglekt\""
        );
        assert_eq!(
            replace_word("unneglekt neglekt", "neglekt", "neglect"),
            "unneglekt neglect"
        );
        assert_eq!(replace_word("bruising", "neglekt", "neglect"), "bruising");
        assert_eq!(
            replace_word("-neglekt \"neglekt\" neglekt", "neglekt", "neglect"),
            "-neglekt \"neglekt\" neglect"
        );
    }
}
