//! Close spellings of what people type (issue 17): which query words look misspelt,
//! what corrects them, and the "did you mean" built from that. Every count here is a
//! *public* document count ([`PublicFrequencies`]), so embargoed text never changes
//! what a search finds or suggests.
//!
//! A plain query word (not quoted, not excluded, not typed in capitals, not a function
//! word, not a word of the safeguarding vocabulary or of its everyday equivalents) of
//! at least five letters may be misspelt when public documents hold it rarely: never,
//! or in at most one document in [`MAX_SHARE_INVERSE`] while a close spelling (same
//! first letter, another stem) is in [`RATIO`] times as many. Its corrections are the
//! words within one edit (two from eight letters; a transposition is one edit) that
//! public documents hold, or that the vocabulary names (themes, agencies, acronyms and
//! synonyms: valid targets even when the corpus is small), best first: fewest edits,
//! vocabulary words, most documents.
//! The thresholds are shares and ratios, not document counts, so they mean the same on
//! a fresh repository of 40 reviews and on 10,000: on the small one, a word that any
//! public document holds is never corrected.
//!
//! A word no public document holds is searched as its best correction (the query is
//! then the corrected query, synonyms and phrases included) and its other corrections
//! match too, below it. A rare word keeps its exact matches first and matches its
//! corrections below them.

use std::collections::HashSet;
use std::sync::OnceLock;

use lessons_model::vocab::{AGENCIES, COMBINATIONS, EVERYDAY, TEXT_SYNONYMS, THEMES};
use tantivy::query::FuzzyTermQuery;
use tantivy::Term;

use crate::context::SearchContext;
use crate::error::IndexError;
use crate::public_freq::PublicFrequencies;
use crate::query::{correctable_words, names_a_concept};
use crate::schema::analyse;

/// A word held by at most one public document in this many may be a misspelling
/// (when a close spelling is far more frequent).
const MAX_SHARE_INVERSE: u64 = 20_000;
/// A correction of a word that public documents do hold must be in this many times as
/// many public documents (a vocabulary word: in more).
const RATIO: u64 = 20;
/// Counts above this are not told apart when ranking corrections (they are counted
/// only this far in segments with deleted or embargoed documents).
const RANK_CAP: u64 = 1_000;
/// Close spellings matched per misspelt word, besides the one it is searched as.
const MAX_CLOSE: usize = 6;

/// The misspelt words of one query and their corrections.
#[derive(Debug, Default)]
pub(crate) struct Spellings {
    misspelt: Vec<Misspelling>,
}

#[derive(Debug)]
struct Misspelling {
    /// The word as typed, lower case, without a possessive `'s` ("chilren" of "chilren's").
    typed: String,
    /// Public documents holding it.
    public_docs: u64,
    /// Close spellings, best first, with their public document counts (capped).
    corrections: Vec<(String, u64)>,
}

impl Misspelling {
    /// The word to search instead: the best correction of a word no public document holds.
    fn replacement(&self) -> Option<&str> {
        if self.public_docs > 0 {
            return None;
        }
        self.corrections.first().map(|(w, _)| w.as_str())
    }
}

impl Spellings {
    /// `word` (a query word, lower case) as it is to be searched: its best correction,
    /// keeping a possessive `'s`, when no public document holds it.
    pub(crate) fn replacement(&self, word: &str) -> Option<String> {
        let (form, suffix) = spelling_form(word)?;
        let found = self.misspelt.iter().find(|m| m.typed == form)?;
        found.replacement().map(|r| format!("{r}{suffix}"))
    }

    /// The close spellings that a query word (as typed, or as its replacement) also
    /// matches, below its own matches: unstemmed words, public ones only.
    pub(crate) fn close_spellings(&self, word: &str) -> Vec<&str> {
        let Some((form, _)) = spelling_form(word) else {
            return Vec::new();
        };
        let Some(found) = self
            .misspelt
            .iter()
            .find(|m| m.typed == form || m.replacement() == Some(form))
        else {
            return Vec::new();
        };
        let replacement = found.replacement();
        found
            .corrections
            .iter()
            .filter(|(w, n)| *n > 0 && Some(w.as_str()) != replacement)
            .map(|(w, _)| w.as_str())
            .take(MAX_CLOSE)
            .collect()
    }

    /// `q` with each misspelt word replaced by its best correction, or `None` when no
    /// word is (whole words only; quoted and excluded ones are kept).
    pub(crate) fn did_you_mean(&self, q: &str) -> Option<String> {
        let mut corrected = q.to_string();
        for misspelling in &self.misspelt {
            if let Some((best, _)) = misspelling.corrections.first() {
                corrected = replace_word(&corrected, &misspelling.typed, best);
            }
        }
        (corrected != q).then_some(corrected)
    }
}

impl SearchContext<'_> {
    /// The misspelt words of `q`, judged on what the public may see today.
    pub(crate) fn spellings(&self, q: &str) -> Result<Spellings, IndexError> {
        let words: Vec<(String, u8)> = correctable_words(q)
            .into_iter()
            .filter_map(|w| {
                let (form, _) = spelling_form(&w)?;
                let budget = edit_budget(form)?;
                let known = vocabulary().contains(form) || everyday_words().contains(form);
                (!known).then(|| (form.to_string(), budget))
            })
            .collect();
        let mut spellings = Spellings::default();
        if words.is_empty() {
            return Ok(spellings);
        }
        let frequencies = PublicFrequencies::new(self)?;
        let max_rare = frequencies.public_docs() / MAX_SHARE_INVERSE;
        for (word, budget) in words {
            if spellings.misspelt.iter().any(|m| m.typed == word) {
                continue;
            }
            let typed = self.presence(&frequencies, &word, max_rare + 1)?;
            if typed > max_rare {
                continue;
            }
            let corrections = self.corrections(&frequencies, &word, budget, typed)?;
            if !corrections.is_empty() {
                spellings.misspelt.push(Misspelling {
                    typed: word,
                    public_docs: typed,
                    corrections,
                });
            }
        }
        Ok(spellings)
    }

    /// Public documents holding `word` as written, or else its stem in a text field
    /// (keywords are searched but not spelt out in the `spelling` field), up to `cap`.
    fn presence(
        &self,
        frequencies: &PublicFrequencies,
        word: &str,
        cap: u64,
    ) -> Result<u64, IndexError> {
        let written = frequencies.count(self.fields.spelling, word, cap)?;
        if written > 0 {
            return Ok(written);
        }
        let [stem] = analyse(word).try_into().unwrap_or_default();
        if stem.is_empty() {
            return Ok(0);
        }
        let fields = &self.fields;
        let mut most = 0;
        for field in [
            fields.title,
            fields.keywords,
            fields.lessons,
            fields.summary,
        ] {
            most = most.max(frequencies.count(field, &stem, cap)?);
        }
        Ok(most)
    }

    /// The corrections of `word` (held by `typed` public documents), best first.
    fn corrections(
        &self,
        frequencies: &PublicFrequencies,
        word: &str,
        budget: u8,
        typed: u64,
    ) -> Result<Vec<(String, u64)>, IndexError> {
        let automaton = FuzzyTermQuery::new(
            Term::from_field_text(self.fields.spelling, word),
            budget,
            true,
        )
        .automaton()?;
        let cap = RANK_CAP.max(typed.saturating_mul(RATIO));
        let mut counts = frequencies.accepted_terms(self.fields.spelling, &automaton, word, cap)?;
        // Vocabulary words close enough are candidates even when no public text spells
        // them so (a keyword may hold "suicide", a text only "suicides").
        for known in vocabulary() {
            if known != word
                && !counts.contains_key(known)
                && edit_distance(word, known) <= usize::from(budget)
            {
                let count = self.presence(frequencies, known, cap)?;
                counts.insert(known.clone(), count);
            }
        }
        let stem = analyse(word);
        let first = word.chars().next();
        let mut candidates: Vec<(usize, bool, u64, String)> = counts
            .into_iter()
            .filter(|(candidate, count)| {
                let known = vocabulary().contains(candidate);
                corrects(
                    typed,
                    *count,
                    known,
                    known && names_a_concept(candidate),
                    candidate.chars().next() == first,
                    typed > 0 && analyse(candidate) == stem,
                )
            })
            .map(|(candidate, count)| {
                let distance = edit_distance(word, &candidate);
                let known = vocabulary().contains(&candidate);
                (distance, known, count, candidate)
            })
            .collect();
        candidates.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.cmp(&a.1))
                .then(b.2.cmp(&a.2))
                .then_with(|| a.3.cmp(&b.3))
        });
        Ok(candidates
            .into_iter()
            .map(|(_, _, count, candidate)| (candidate, count))
            .collect())
    }
}

/// Whether a close spelling held by `count` public documents corrects a word held by
/// `typed`: `known` when the vocabulary has it, `names_concept` when it alone is an
/// acronym, synonym or theme, `same_first` when both start with the same letter,
/// `same_stem` when both stem alike (then it is another form of the same word).
fn corrects(
    typed: u64,
    count: u64,
    known: bool,
    names_concept: bool,
    same_first: bool,
    same_stem: bool,
) -> bool {
    if typed == 0 {
        // Nothing public holds the word: any public spelling, or a vocabulary concept
        // whose synonyms and themes may find what its own spelling does not.
        return count > 0 || names_concept;
    }
    // The word is in the public index: only a far more frequent spelling of another
    // word with the same first letter corrects it ("heath" is not "health" misspelt
    // when the repository is small, and "dover" never "over").
    let enough = if known {
        count > typed
    } else {
        count >= typed.saturating_mul(RATIO)
    };
    enough && same_first && !same_stem
}

/// Edits allowed for a word of this spelling: one from five letters, two from eight.
fn edit_budget(word: &str) -> Option<u8> {
    match word.chars().count() {
        0..=4 => None,
        5..=7 => Some(1),
        _ => Some(2),
    }
}

/// A query word's spelling as the `spelling` field holds it (lower-case ASCII letters,
/// a possessive `'s` or `'` left off), with what was left off; `None` for words with
/// digits or symbols.
fn spelling_form(word: &str) -> Option<(&str, &str)> {
    let form = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix('\''))
        .unwrap_or(word);
    let valid = !form.is_empty() && form.chars().all(|c| c.is_ascii_lowercase());
    valid.then(|| (form, &word[form.len()..]))
}

/// Every word of the safeguarding vocabulary (theme labels and synonyms, agency labels,
/// acronyms and synonym phrases), lower case, as the `spelling` field holds them.
fn vocabulary() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let phrases = THEMES
            .iter()
            .flat_map(|t| std::iter::once(t.label).chain(t.synonyms.iter().copied()))
            .chain(AGENCIES.iter().map(|a| a.label))
            .chain(TEXT_SYNONYMS.iter().flat_map(|g| g.iter().copied()));
        phrases
            .flat_map(|p| {
                p.split(|c: char| !c.is_alphanumeric())
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .filter(|w| w.chars().count() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
            .collect()
    })
}

/// Every word of the everyday equivalents ([`EVERYDAY`], [`COMBINATIONS`]): words that
/// people type and the reviews may never use ("worrying", "smelly"), so a query word
/// among them is never corrected (it is not a correction target either: the
/// professional [`vocabulary`] decides those).
fn everyday_words() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let phrases = EVERYDAY
            .iter()
            .flat_map(|e| e.say.iter().chain(e.means.iter()).copied())
            .chain(COMBINATIONS.iter().flat_map(|c| {
                c.all_of
                    .iter()
                    .flat_map(|group| group.iter().copied())
                    .chain(c.means.iter().copied())
            }));
        phrases
            .flat_map(|p| {
                p.split(|c: char| !c.is_alphanumeric())
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .filter(|w| w.chars().count() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
            .collect()
    })
}

/// Edits between `a` and `b`: insertions, deletions, substitutions and transpositions
/// of neighbours, each one (optimal string alignment, as tantivy's automaton counts).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return a.len().abs_diff(b.len());
    }
    let mut rows: Vec<Vec<usize>> = vec![(0..=b.len()).collect()];
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (rows[i - 1][j] + 1)
                .min(row[j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(rows[i - 2][j - 2] + 1);
            }
        }
        rows.push(row);
    }
    rows[a.len()][b.len()]
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
    use super::*;

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
        assert_eq!(
            replace_word("chilren's social care", "chilren", "children"),
            "children's social care"
        );
    }

    #[test]
    fn counts_transpositions_as_one_edit() {
        assert_eq!(edit_distance("suicde", "suicide"), 1);
        assert_eq!(edit_distance("safegaurding", "safeguarding"), 1);
        assert_eq!(edit_distance("helth", "health"), 1);
        assert_eq!(edit_distance("exploitaton", "exploitation"), 1);
        assert_eq!(edit_distance("neglact", "neglect"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("ca", "abc"), 3);
        assert_eq!(edit_distance("pregnacy", "pregnancy"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_word_in_the_public_index_needs_a_far_more_frequent_correction() {
        // Absent: any public spelling, or a vocabulary concept, corrects it.
        assert!(corrects(0, 1, false, false, true, false));
        assert!(corrects(0, 0, true, true, false, false));
        assert!(!corrects(0, 0, true, false, true, false));
        // Present in 2 documents: 20 times as many, or more for a vocabulary word.
        assert!(corrects(2, 40, false, false, true, false));
        assert!(!corrects(2, 39, false, false, true, false));
        assert!(corrects(2, 3, true, false, true, false));
        // Never another first letter or another form of the same word.
        assert!(!corrects(2, 4_000, false, false, false, false));
        assert!(!corrects(2, 4_000, true, false, true, true));
    }

    #[test]
    fn edit_budget_grows_with_length() {
        assert_eq!(edit_budget("harm"), None);
        assert_eq!(edit_budget("helth"), Some(1));
        assert_eq!(edit_budget("neglact"), Some(1));
        assert_eq!(edit_budget("pregnacy"), Some(2));
    }

    #[test]
    fn spelling_forms_drop_possessives_and_refuse_symbols() {
        assert_eq!(spelling_form("chilren's"), Some(("chilren", "'s")));
        assert_eq!(spelling_form("parents'"), Some(("parents", "'")));
        assert_eq!(spelling_form("suicde"), Some(("suicde", "")));
        assert_eq!(spelling_form("a&e"), None);
        assert_eq!(spelling_form("s47"), None);
    }

    #[test]
    fn the_vocabulary_holds_theme_agency_and_synonym_words() {
        for word in [
            "suicide",
            "exploitation",
            "health",
            "children",
            "marac",
            "midwifery",
        ] {
            assert!(vocabulary().contains(word), "{word}");
        }
        assert!(!vocabulary().contains("a&e"));
    }
}
