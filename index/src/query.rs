//! From what a practitioner types to a tantivy query (DESIGN §5).
//!
//! Parsing is lenient and never fails: quotes make phrases (an unclosed quote runs to
//! the end), `+word`, `AND` and quotes are required, `-word` and `NOT word` are excluded,
//! `OR` and plain words are optional; anything else (brackets, stray operators, symbols)
//! degrades to plain words.
//!
//! Plain words are not AND'd. Each word, or each synonym phrase found among the words
//! (longest first: "general practitioner", "toxic trio"), becomes a *concept* that
//! matches any of its alternatives in the text, and, for theme synonyms, reviews tagged
//! with those themes. A document's score adds, for every concept it matches, its BM25
//! score plus a fixed coverage bonus, so documents that match more of the words rank
//! first, then the rarer words and the phrase. Function words ("in", "who", "are")
//! never widen the match set on their own; they count only inside the phrase bonus.
//! A query word that public documents lack is searched as its best close spelling, and
//! a rare one also matches its close spellings below its own matches (`spelling.rs`).
//!
//! Everyday words ([`EVERYDAY`]: "too many cases", "not brought", "suicide") add what
//! they mean in the reviews' words and the themes they name, their own words still
//! counting; words anywhere in a question can together mean one concept
//! ([`COMBINATIONS`]: "dad ... never seen" is an unseen man). A match through a theme
//! tag alone earns part of a concept's bonus. In the lessons view a finding's review
//! (title, theme labels, keywords: the `context` field) counts a little.

use std::collections::HashMap;
use std::sync::OnceLock;

use lessons_model::vocab::{Theme, COMBINATIONS, EVERYDAY, TEXT_SYNONYMS, THEMES};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::bonus::BonusQuery;
use crate::known_phrases::KnownPhraseQuery;
use crate::params::View;
use crate::schema::{analyse, Fields};
use crate::spelling::Spellings;

/// Score added for each concept a document matches: coverage before term weight.
const COVERAGE_BONUS: f32 = 4.0;
/// The inverse document frequency (ln) from which a concept earns its full coverage
/// bonus: a word in one document in twenty.
const SPECIFIC_IDF: f32 = 3.0;
/// The smallest share of the coverage bonus a very common concept earns.
const MIN_SPECIFICITY: f32 = 0.25;
/// Score of a match through a theme tag rather than the text.
const TAG_SCORE: f32 = 1.5;
/// The share of a concept's coverage bonus that a match through a theme tag alone earns.
const TAG_SHARE: f32 = 0.5;
/// The coverage bonus of a meaning that several words of the query carry together
/// ([`COMBINATIONS`]), relative to one word's: it says what the whole question is about.
const COMBINATION_WEIGHT: f32 = 2.0;
/// Boost of a finding's review context (title, theme labels, keywords) in the lessons
/// view, relative to the finding's own text.
const CONTEXT_BOOST: f32 = 0.3;
/// The share of a concept's coverage bonus that a finding earns when only its review
/// context holds the concept.
const CONTEXT_SHARE: f32 = 0.3;
/// Boost of the whole plain query found as a phrase (with a little slop).
const PHRASE_BOOST: f32 = 3.0;
/// Boost of two neighbouring content words found close together.
const PAIR_BOOST: f32 = 1.0;
/// Boost of a close spelling relative to the exact word.
const FUZZY_BOOST: f32 = 0.5;
/// Words beyond this many are ignored (a pasted page must not become a huge query).
const MAX_CONCEPTS: usize = 32;
/// Longest synonym phrase, in words.
const MAX_SYNONYM_WORDS: usize = 8;

/// Words that do not widen the match set on their own.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "who",
    "what", "which", "that", "this", "these", "those", "is", "are", "was", "were", "be", "been",
    "being", "it", "its", "as", "from", "has", "have", "had", "do", "does", "did", "but", "if",
    "their", "they", "them", "he", "she", "his", "her", "we", "our", "you", "your", "not", "no",
    "yet", "there", "when", "where", "how", "why", "i", "me", "my", "so", "than", "then", "into",
    "about", "after", "before", "can", "could", "should", "would", "will", "may", "might", "must",
    "s", "any", "all", "some", "such",
];

/// Whether `token` is a function word ("the", "should"): it never widens the match set
/// on its own.
pub(crate) fn is_function_word(token: &str) -> bool {
    FUNCTION_WORDS.contains(&token)
}

/// The plain words of `text` (not quoted, not excluded) that are not function words:
/// how many things a query says ("what should a GP do when children miss
/// appointments" says five).
pub(crate) fn content_words(text: &str) -> usize {
    parse(text)
        .into_iter()
        .filter(|item| !item.quoted && item.mode != Mode::Excluded)
        .flat_map(|item| item.words)
        .filter(|w| !is_function_word(w))
        .count()
}

/// Whether `text` excludes anything (`-word`, `NOT word`): the related documents that
/// fill a short first page (`feedback.rs`) could not honour it, so it gets none.
pub(crate) fn excludes(text: &str) -> bool {
    parse(text).iter().any(|item| item.mode == Mode::Excluded)
}

/// The query built from the text a user typed.
pub struct TextQuery {
    /// Matches and scores documents; `None` when nothing was typed.
    pub query: Option<Box<dyn Query>>,
    /// The positive words and phrases, for highlighting.
    pub highlight: Box<dyn Query>,
    /// Phrase-proximity bonuses over the plain words (they never change what matches):
    /// added only to the best matches' scores (`rescore.rs`), not to every match's.
    pub proximity: Vec<Box<dyn Query>>,
    /// Something was typed but nothing in it is searchable (`***`).
    pub nothing_searchable: bool,
}

/// Builds the text query for `text` in `view`, reading document frequencies from
/// `searcher`; misspelt words are searched as `spellings` says.
pub(crate) fn build_text_query(
    text: &str,
    view: View,
    fields: &Fields,
    searcher: &Searcher,
    spellings: &Spellings,
) -> TextQuery {
    let items = corrected(parse(text), spellings);
    if text.trim().is_empty() {
        return TextQuery {
            query: None,
            highlight: Box::new(BooleanQuery::new(vec![])),
            proximity: Vec::new(),
            nothing_searchable: false,
        };
    }
    let builder = Builder {
        fields: text_fields(view, fields),
        own_themes: fields.own_themes,
        summary: fields.summary,
        spelling: fields.spelling,
        context: (view == View::Lessons).then_some(fields.context),
        phrases: fields.phrases,
        searcher,
        spellings,
    };
    builder.build(items)
}

/// `items` with each plain word that no public document holds replaced by its best
/// close spelling, so that it forms the phrases and synonyms the corrected word would.
fn corrected(mut items: Vec<Item>, spellings: &Spellings) -> Vec<Item> {
    for item in items.iter_mut() {
        if item.quoted || item.mode == Mode::Excluded {
            continue;
        }
        if let [word] = item.words.as_mut_slice() {
            if let Some(replacement) = spellings.replacement(word) {
                *word = replacement;
            }
        }
    }
    items
}

fn text_fields(view: View, fields: &Fields) -> Vec<(Field, f32)> {
    match view {
        View::Reviews => vec![
            (fields.title, 3.0),
            (fields.keywords, 2.0),
            (fields.lessons, 1.5),
            (fields.summary, 1.0),
        ],
        View::Lessons => vec![(fields.lessons, 1.0)],
    }
}

/// How an item of the query must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Optional,
    Required,
    Excluded,
}

/// One word or quoted phrase of the query, normalised to lower-case words.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    words: Vec<String>,
    quoted: bool,
    mode: Mode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String, Option<Mode>),
    Phrase(String, Option<Mode>),
    And,
    Or,
    Not,
}

fn lex(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '(' || c == ')' {
            i += 1;
            continue;
        }
        let mut sign = None;
        if (c == '+' || c == '-') && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            sign = Some(if c == '+' {
                Mode::Required
            } else {
                Mode::Excluded
            });
            i += 1;
        }
        if is_quote(chars[i]) {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && !is_quote(chars[end]) {
                end += 1;
            }
            tokens.push(Token::Phrase(chars[start..end].iter().collect(), sign));
            i = end + 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && !chars[i].is_whitespace()
            && !is_quote(chars[i])
            && !matches!(chars[i], '(' | ')')
        {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        tokens.push(match (word.as_str(), sign) {
            ("AND" | "&&", None) => Token::And,
            ("OR" | "||", None) => Token::Or,
            ("NOT", None) => Token::Not,
            _ => Token::Word(word, sign),
        });
    }
    tokens
}

/// Straight and typographic double quotes (phones and word processors type the latter).
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\u{201e}')
}

/// Splits raw text into normalised query words: lower case, split on anything but
/// letters, digits, `&` and `'` inside a word.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '&' || c == '\'' || c == '’'))
        .map(|w| {
            w.replace('’', "'")
                .trim_matches(|c| c == '&' || c == '\'')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn parse(text: &str) -> Vec<Item> {
    let tokens = lex(text);
    let mut items: Vec<Item> = Vec::new();
    let mut pending_not = false;
    let mut pending_and = false;
    for token in tokens {
        let (raw, quoted, sign) = match token {
            Token::And => {
                pending_and = !items.is_empty();
                continue;
            }
            Token::Or => continue,
            Token::Not => {
                pending_not = true;
                continue;
            }
            Token::Word(raw, sign) => (raw, false, sign),
            Token::Phrase(raw, sign) => (raw, true, sign),
        };
        let mut mode = sign.unwrap_or(if quoted {
            Mode::Required
        } else {
            Mode::Optional
        });
        if pending_not {
            mode = Mode::Excluded;
        }
        let words = words_of(&raw);
        if words.is_empty() {
            continue;
        }
        if pending_and && mode != Mode::Excluded {
            mode = Mode::Required;
            if let Some(previous) = items.last_mut() {
                if previous.mode == Mode::Optional {
                    previous.mode = Mode::Required;
                }
            }
        }
        pending_not = false;
        pending_and = false;
        if quoted {
            items.push(Item {
                words,
                quoted,
                mode,
            });
        } else {
            // "A&E/ED" or "child-protection" split into several words of the same mode.
            items.extend(words.into_iter().map(|w| Item {
                words: vec![w],
                quoted: false,
                mode,
            }));
        }
    }
    items
}

/// What a synonym phrase expands to.
#[derive(Debug, Default, Clone)]
struct Expansion {
    alternatives: Vec<String>,
    themes: Vec<&'static str>,
}

/// Synonym phrases (as word lists) with their expansions, built once. Every phrase of
/// a synonym group, every theme synonym and every theme's label is a key; a phrase
/// expands to its group and to the themes it names.
fn synonyms() -> &'static HashMap<Vec<String>, Expansion> {
    static TABLE: OnceLock<HashMap<Vec<String>, Expansion>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut phrases: Vec<String> = TEXT_SYNONYMS
            .iter()
            .flat_map(|g| g.iter().map(|s| s.to_string()))
            .collect();
        phrases.extend(
            THEMES
                .iter()
                .flat_map(|t| t.synonyms.iter().map(|s| s.to_string())),
        );
        phrases.extend(THEMES.iter().map(|t| t.label.to_lowercase()));
        let mut table = HashMap::new();
        for phrase in phrases {
            let mut alternatives: Vec<String> = vec![phrase.clone()];
            for group in TEXT_SYNONYMS
                .iter()
                .filter(|g| g.contains(&phrase.as_str()))
            {
                alternatives.extend(group.iter().map(|s| s.to_string()));
            }
            alternatives.sort();
            alternatives.dedup();
            let names_theme = |t: &Theme| {
                let label = t.label.to_lowercase();
                alternatives
                    .iter()
                    .any(|a| *a == label || t.synonyms.contains(&a.as_str()))
            };
            let themes: Vec<&'static str> = THEMES
                .iter()
                .filter(|t| names_theme(t))
                .map(|t| t.slug)
                .collect();
            table.insert(
                words_of(&phrase),
                Expansion {
                    alternatives,
                    themes,
                },
            );
        }
        table
    })
}

/// The synonym table of [`synonyms`] widened by the everyday equivalents of
/// [`EVERYDAY`]: each everyday phrase is a key that expands to itself, to what it means
/// (with the acronyms and full forms of those), and to its themes and the themes that
/// its meanings name. Used to build queries only: [`concept_terms`] keeps to the
/// professional synonyms.
fn expansions() -> &'static HashMap<Vec<String>, Expansion> {
    static TABLE: OnceLock<HashMap<Vec<String>, Expansion>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = synonyms().clone();
        for entry in EVERYDAY {
            for say in entry.say {
                let key = words_of(say);
                let current = table.get(&key).cloned().unwrap_or_default();
                let mut phrases: Vec<&str> = vec![say];
                phrases.extend(entry.means.iter().copied());
                let mut alternatives = current.alternatives;
                alternatives.extend(phrases.iter().map(|p| p.to_string()));
                for group in TEXT_SYNONYMS
                    .iter()
                    .filter(|g| phrases.iter().any(|p| g.contains(p)))
                {
                    alternatives.extend(group.iter().map(|s| s.to_string()));
                }
                alternatives.sort();
                alternatives.dedup();
                let themes = THEMES
                    .iter()
                    .filter(|t| {
                        current.themes.contains(&t.slug)
                            || entry.themes.contains(&t.slug)
                            || names_theme(t, &alternatives)
                    })
                    .map(|t| t.slug)
                    .collect();
                table.insert(
                    key,
                    Expansion {
                        alternatives,
                        themes,
                    },
                );
            }
        }
        table
    })
}

/// Whether any of `alternatives` is the theme's label or one of its synonyms.
fn names_theme(theme: &Theme, alternatives: &[String]) -> bool {
    let label = theme.label.to_lowercase();
    alternatives
        .iter()
        .any(|a| *a == label || theme.synonyms.contains(&a.as_str()))
}

/// Concepts carried by several words anywhere among the plain words of the query
/// ([`COMBINATIONS`]: "dad ... never seen" is an unseen man).
fn combination_concepts(items: &[Item]) -> Vec<Concept> {
    let words: Vec<&str> = items
        .iter()
        .filter(|it| !it.quoted && it.mode != Mode::Excluded)
        .flat_map(|it| it.words.iter().map(String::as_str))
        .collect();
    let holds = |phrase: &str| {
        let wanted = words_of(phrase);
        !wanted.is_empty()
            && words
                .windows(wanted.len())
                .any(|w| w.iter().zip(&wanted).all(|(a, b)| *a == b.as_str()))
    };
    COMBINATIONS
        .iter()
        .filter(|c| c.all_of.iter().all(|group| group.iter().any(|p| holds(p))))
        .filter_map(|c| {
            let (first, rest) = c.means.split_first()?;
            let mut alternatives: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
            for group in TEXT_SYNONYMS
                .iter()
                .filter(|g| c.means.iter().any(|m| g.contains(m)))
            {
                alternatives.extend(group.iter().map(|s| s.to_string()));
            }
            alternatives.sort();
            alternatives.dedup();
            let mut all = alternatives.clone();
            all.push(first.to_string());
            let themes = THEMES
                .iter()
                .filter(|t| c.themes.contains(&t.slug) || names_theme(t, &all))
                .map(|t| t.slug)
                .collect();
            let expansion = Expansion {
                alternatives,
                themes,
            };
            let mut combined = concept(first, expansion, Mode::Optional, false);
            combined.weight = COMBINATION_WEIGHT;
            Some(combined)
        })
        .collect()
}

/// The plain (unquoted, not excluded) words of `text` that may be misspelt, lower case:
/// not function words, not known acronyms or synonyms, and not typed in capitals
/// (`NSPCC`; unless the whole query is).
pub(crate) fn correctable_words(text: &str) -> Vec<String> {
    let table = synonyms();
    let capitals = words_in_capitals(text);
    let mut words: Vec<String> = parse(text)
        .into_iter()
        .filter(|item| !item.quoted && item.mode != Mode::Excluded)
        .flat_map(|item| item.words)
        .filter(|w| !FUNCTION_WORDS.contains(&w.as_str()))
        .filter(|w| !table.contains_key(std::slice::from_ref(w)))
        .filter(|w| !capitals.contains(w))
        .collect();
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    words.truncate(MAX_CONCEPTS);
    words
}

/// The words of `text` typed in capitals (two letters or more), lower case: acronyms,
/// never corrected. Empty when nothing in `text` is in lower case (a query typed with
/// caps lock on).
fn words_in_capitals(text: &str) -> std::collections::HashSet<String> {
    if !text.chars().any(char::is_lowercase) {
        return Default::default();
    }
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && w.chars().all(char::is_uppercase))
        .map(str::to_lowercase)
        .collect()
}

/// Whether `word` alone names a known concept (an acronym, a synonym or a theme), so
/// that searching it finds what its synonyms and themes find.
pub(crate) fn names_a_concept(word: &str) -> bool {
    synonyms().contains_key(&[word.to_string()][..])
}

/// The concepts of `text` as single terms, for comparing texts with one another (the
/// recurring lessons): a known synonym phrase or acronym, longest first, becomes one
/// term shared by its whole group ("GP" and "general practitioner" give the same term,
/// "was not brought" and "DNA" too); every other word is stemmed as the index stems it;
/// function words ("the", "should", "not") are left out.
pub fn concept_terms(text: &str) -> Vec<String> {
    static STARTS: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    let table = synonyms();
    let starts = STARTS.get_or_init(|| table.keys().filter_map(|k| k.first().cloned()).collect());
    let words = words_of(text);
    let mut analyzer = crate::schema::analyzer();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let longest = if starts.contains(words[i].as_str()) {
            MAX_SYNONYM_WORDS.min(words.len() - i)
        } else {
            0
        };
        let found = (1..=longest)
            .rev()
            .find_map(|len| table.get(&words[i..i + len]).map(|e| (len, e)));
        match found {
            Some((len, expansion)) => {
                // Alternatives are sorted: the first names the group.
                let name = expansion
                    .alternatives
                    .first()
                    .map(|a| words_of(a).join("_"))
                    .unwrap_or_else(|| words[i..i + len].join("_"));
                out.push(format!("={name}"));
                i += len;
            }
            None => {
                let word = &words[i];
                if !FUNCTION_WORDS.contains(&word.as_str()) {
                    let mut stream = analyzer.token_stream(word);
                    while let Some(token) = stream.next() {
                        let term = &token.text;
                        if term.chars().count() > 1 && !FUNCTION_WORDS.contains(&term.as_str()) {
                            out.push(term.clone());
                        }
                    }
                }
                i += 1;
            }
        }
    }
    out
}

/// A unit of meaning in the query: one word or phrase with its synonyms.
struct Concept {
    /// Each alternative as analysed tokens (one token: a term; several: a phrase).
    alternatives: Vec<Vec<String>>,
    themes: Vec<&'static str>,
    mode: Mode,
    /// A single plain word (as typed, lower case) that may also match close spellings.
    fuzzy_word: Option<String>,
    function_word: bool,
    /// How much of the coverage bonus it earns, relative to a word of the query.
    weight: f32,
    /// An everyday phrase's added meaning, not looked for in the long summaries: its
    /// phrases there cost more than they rank (the phrase's own words are).
    skip_summary: bool,
}

fn concepts(items: &[Item]) -> Vec<Concept> {
    let table = expansions();
    let mut out = Vec::new();
    let mut i = 0;
    while i < items.len() && out.len() < MAX_CONCEPTS {
        let item = &items[i];
        if item.quoted {
            // A quoted phrase means these words in this order, or, when it names a
            // known concept ("was not brought", "toxic trio"), that concept.
            let expansion = table.get(&item.words).cloned().unwrap_or_default();
            out.push(concept(&item.words.join(" "), expansion, item.mode, false));
            i += 1;
            continue;
        }
        if item.mode != Mode::Optional {
            let expansion = table.get(&item.words).cloned().unwrap_or_default();
            out.push(concept(&item.words.join(" "), expansion, item.mode, true));
            i += 1;
            continue;
        }
        // The longest synonym phrase starting here among consecutive plain words.
        let run = items[i..]
            .iter()
            .take_while(|it| !it.quoted && it.mode == Mode::Optional)
            .take(MAX_SYNONYM_WORDS)
            .count();
        let found = (2..=run).rev().find_map(|len| {
            let key: Vec<String> = items[i..i + len]
                .iter()
                .map(|it| it.words[0].clone())
                .collect();
            table.get(&key).map(|e| (len, key.join(" "), e.clone()))
        });
        match found {
            Some((_, phrase, expansion)) if !synonyms().contains_key(&words_of(&phrase)) => {
                // An everyday phrase ("too many cases") adds what it means; its words
                // still count on their own.
                let mut added = concept(&phrase, expansion, Mode::Optional, false);
                added.skip_summary = true;
                out.push(added);
                let word = &item.words[0];
                let expansion = table.get(&item.words).cloned().unwrap_or_default();
                out.push(concept(word, expansion, Mode::Optional, true));
                i += 1;
            }
            Some((len, phrase, expansion)) => {
                out.push(concept(&phrase, expansion, Mode::Optional, false));
                i += len;
            }
            None => {
                let word = &item.words[0];
                let expansion = table.get(&item.words).cloned().unwrap_or_default();
                out.push(concept(word, expansion, Mode::Optional, true));
                i += 1;
            }
        }
    }
    out
}

fn concept(text: &str, expansion: Expansion, mode: Mode, single: bool) -> Concept {
    let mut alternatives: Vec<Vec<String>> = vec![analyse(text)];
    for alternative in &expansion.alternatives {
        let tokens = analyse(alternative);
        if !alternatives.contains(&tokens) {
            alternatives.push(tokens);
        }
    }
    alternatives.retain(|tokens| !tokens.is_empty());
    let has_synonyms = !expansion.alternatives.is_empty() || !expansion.themes.is_empty();
    let words = words_of(text);
    let function_word = !has_synonyms && words.iter().all(|w| FUNCTION_WORDS.contains(&w.as_str()));
    Concept {
        alternatives,
        themes: expansion.themes,
        mode,
        fuzzy_word: (single && words.len() == 1).then(|| words[0].clone()),
        function_word,
        weight: 1.0,
        skip_summary: false,
    }
}

struct Builder<'a> {
    fields: Vec<(Field, f32)>,
    own_themes: Field,
    /// The long executive summary: too costly for phrase-proximity bonuses, which the
    /// title, keywords and findings carry.
    summary: Field,
    spelling: Field,
    /// The lessons view's review context of a finding ([`Fields::context`]).
    context: Option<Field>,
    /// The known phrases of every text field, as single terms (`known_phrases.rs`).
    phrases: Field,
    searcher: &'a Searcher,
    spellings: &'a Spellings,
}

impl Builder<'_> {
    fn build(&self, items: Vec<Item>) -> TextQuery {
        let concepts: Vec<Concept> = concepts(&items)
            .into_iter()
            .chain(combination_concepts(&items))
            .filter(|c| !c.alternatives.is_empty() || !c.themes.is_empty())
            .collect();
        let mut highlight: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut required: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut optional: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let only_function_words = concepts
            .iter()
            .filter(|c| c.mode == Mode::Optional)
            .all(|c| c.function_word);
        for concept in &concepts {
            match concept.mode {
                Mode::Required => {
                    required.push((Occur::Must, self.concept_query(concept)));
                    // The finding's context ranks among the findings that hold it.
                    if let Some(context) = self.context_query(concept) {
                        optional.push((Occur::Should, context));
                    }
                }
                Mode::Excluded => {
                    required.push((Occur::MustNot, self.concept_query(concept)));
                    continue;
                }
                Mode::Optional if concept.function_word && !only_function_words => {}
                Mode::Optional => {
                    let bonus = COVERAGE_BONUS * self.specificity(concept) * concept.weight;
                    optional.push((Occur::Should, self.optional_query(concept, bonus)));
                }
            }
            highlight.extend(
                self.highlight_queries(concept)
                    .into_iter()
                    .map(|q| (Occur::Should, q)),
            );
        }
        let has_positive = required.iter().any(|(occur, _)| *occur == Occur::Must);
        let mut clauses = required;
        if has_positive {
            clauses.extend(optional);
        } else if !optional.is_empty() {
            // At least one of the optional concepts must match; proximity only ranks.
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(optional))));
        } else if !clauses.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        } else {
            return TextQuery {
                query: Some(Box::new(BooleanQuery::new(vec![]))),
                highlight: Box::new(BooleanQuery::new(vec![])),
                proximity: Vec::new(),
                nothing_searchable: true,
            };
        }
        TextQuery {
            query: Some(Box::new(BooleanQuery::new(clauses))),
            highlight: Box::new(BooleanQuery::new(highlight)),
            proximity: self.proximity_queries(&items),
            nothing_searchable: false,
        }
    }

    /// Matches any alternative of the concept in any text field, or any of its themes.
    fn concept_query(&self, concept: &Concept) -> Box<dyn Query> {
        let mut any: Vec<(Occur, Box<dyn Query>)> = self
            .text_queries(concept)
            .into_iter()
            .map(|q| (Occur::Should, q))
            .collect();
        any.extend(
            self.tag_queries(concept)
                .into_iter()
                .map(|q| (Occur::Should, q)),
        );
        Box::new(BooleanQuery::new(any))
    }

    /// An optional concept with its coverage bonus: a document that says it earns the
    /// whole bonus; one only tagged with a theme it names earns [`TAG_SHARE`] of it (a
    /// finding tagged "thresholds and escalation" need not be about escalating).
    fn optional_query(&self, concept: &Concept, bonus: f32) -> Box<dyn Query> {
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(context) = self.context_query(concept) {
            // A share of the coverage bonus when the finding's context holds the concept.
            any.push((
                Occur::Should,
                Box::new(BonusQuery::new(context, bonus * CONTEXT_SHARE)),
            ));
        }
        let own = self.own_query(concept, bonus);
        if any.is_empty() {
            return own;
        }
        any.push((Occur::Should, own));
        Box::new(BooleanQuery::new(any))
    }

    /// In the lessons view, the concept in the finding's review context
    /// ([`Fields::context`]), at a low weight.
    fn context_query(&self, concept: &Concept) -> Option<Box<dyn Query>> {
        let context = self.context?;
        let queries: Vec<(Occur, Box<dyn Query>)> = concept
            .alternatives
            .iter()
            .map(|tokens| {
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    self.phrase_or_term(context, tokens, 0),
                    CONTEXT_BOOST,
                ));
                (Occur::Should, q)
            })
            .collect();
        (!queries.is_empty()).then(|| Box::new(BooleanQuery::new(queries)) as Box<dyn Query>)
    }

    fn own_query(&self, concept: &Concept, bonus: f32) -> Box<dyn Query> {
        let tags = self.tag_queries(concept);
        let text: Vec<(Occur, Box<dyn Query>)> = self
            .text_queries(concept)
            .into_iter()
            .map(|q| (Occur::Should, q))
            .collect();
        if tags.is_empty() {
            return Box::new(BonusQuery::new(Box::new(BooleanQuery::new(text)), bonus));
        }
        let tagged = BooleanQuery::new(tags.into_iter().map(|q| (Occur::Should, q)).collect());
        let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Should,
            Box::new(BonusQuery::new(Box::new(tagged), bonus * TAG_SHARE)),
        )];
        if !text.is_empty() {
            any.push((
                Occur::Should,
                Box::new(BonusQuery::new(Box::new(BooleanQuery::new(text)), bonus)),
            ));
        }
        Box::new(BooleanQuery::new(any))
    }

    /// The documents tagged with a theme the concept names, each at [`TAG_SCORE`].
    fn tag_queries(&self, concept: &Concept) -> Vec<Box<dyn Query>> {
        concept
            .themes
            .iter()
            .map(|theme| {
                let term = Term::from_field_text(self.own_themes, theme);
                let tagged = TermQuery::new(term, IndexRecordOption::Basic);
                Box::new(ConstScoreQuery::new(Box::new(tagged), TAG_SCORE)) as Box<dyn Query>
            })
            .collect()
    }

    /// The words to mark in snippets: every token of every alternative, except function
    /// words and single letters (marking each "a" of "A&E" helps nobody).
    fn highlight_queries(&self, concept: &Concept) -> Vec<Box<dyn Query>> {
        let mut tokens: Vec<&String> = concept
            .alternatives
            .iter()
            .flatten()
            .filter(|t| t.chars().count() > 1 && !FUNCTION_WORDS.contains(&t.as_str()))
            .collect();
        tokens.sort();
        tokens.dedup();
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        for token in tokens {
            for &(field, _) in &self.fields {
                out.push(self.phrase_or_term(field, std::slice::from_ref(token), 0));
            }
        }
        out
    }

    fn text_queries(&self, concept: &Concept) -> Vec<Box<dyn Query>> {
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        for tokens in &concept.alternatives {
            for &(field, boost) in &self.fields {
                if concept.skip_summary && field == self.summary {
                    continue;
                }
                out.push(Box::new(BoostQuery::new(
                    self.phrase_or_term(field, tokens, 0),
                    boost,
                )));
            }
        }
        out.extend(self.fuzzy_query(concept));
        out
    }

    /// The close spellings of a misspelt word (see `spelling.rs`), matched on the
    /// unstemmed words below the word's own matches.
    fn fuzzy_query(&self, concept: &Concept) -> Option<Box<dyn Query>> {
        let word = concept.fuzzy_word.as_ref()?;
        let close: Vec<(Occur, Box<dyn Query>)> = self
            .spellings
            .close_spellings(word)
            .into_iter()
            .map(|w| {
                let term = Term::from_field_text(self.spelling, w);
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, query)
            })
            .collect();
        if close.is_empty() {
            return None;
        }
        let any = Box::new(BooleanQuery::new(close));
        Some(Box::new(BoostQuery::new(any, FUZZY_BOOST)))
    }

    /// How much matching this concept says about a document, from 1 (a word in at most
    /// one document in twenty) down to [`MIN_SPECIFICITY`] (a word in most documents):
    /// in "when should a child be spoken to alone", matching "alone" counts for more
    /// than matching "child".
    fn specificity(&self, concept: &Concept) -> f32 {
        let documents = self.searcher.num_docs() as f32;
        if documents == 0.0 {
            return 1.0;
        }
        let doc_freq: u64 = concept
            .alternatives
            .iter()
            .map(|tokens| {
                tokens
                    .iter()
                    .map(|t| self.field_doc_freqs(t).max().unwrap_or(0))
                    .min()
                    .unwrap_or(0)
            })
            .sum();
        let idf = ((documents + 1.0) / (doc_freq as f32 + 1.0)).ln();
        (idf / SPECIFIC_IDF).clamp(MIN_SPECIFICITY, 1.0)
    }

    /// Documents containing `token`, per searched field.
    fn field_doc_freqs<'t>(&'t self, token: &'t str) -> impl Iterator<Item = u64> + 't {
        self.fields.iter().map(move |&(field, _)| {
            self.searcher
                .doc_freq(&Term::from_field_text(field, token))
                .unwrap_or(0)
        })
    }

    /// A term query for one token, a phrase query (with `slop`) for several; a known
    /// phrase with no slop reads its single term (`known_phrases.rs`), which matches and
    /// scores the same documents the same way at a fraction of the cost.
    fn phrase_or_term(&self, field: Field, tokens: &[String], slop: u32) -> Box<dyn Query> {
        if let [token] = tokens {
            return Box::new(TermQuery::new(
                Term::from_field_text(field, token),
                IndexRecordOption::WithFreqs,
            ));
        }
        if slop == 0 {
            if let Some(known) =
                KnownPhraseQuery::for_tokens(self.searcher.schema(), field, self.phrases, tokens)
            {
                return Box::new(known);
            }
        }
        let terms: Vec<(usize, Term)> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (i, Term::from_field_text(field, t)))
            .collect();
        Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
    }

    /// Phrase bonuses over the plain words: the whole run, and neighbouring content words.
    fn proximity_queries(&self, items: &[Item]) -> Vec<Box<dyn Query>> {
        let plain: Vec<&Item> = items
            .iter()
            .filter(|it| !it.quoted && it.mode == Mode::Optional)
            .take(MAX_CONCEPTS)
            .collect();
        let tokens: Vec<String> = plain.iter().flat_map(|it| analyse(&it.words[0])).collect();
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        if tokens.len() < 2 {
            return out;
        }
        for &(field, boost) in self.fields.iter().filter(|(f, _)| *f != self.summary) {
            out.push(Box::new(BoostQuery::new(
                self.phrase_or_term(field, &tokens, 2),
                boost * PHRASE_BOOST,
            )));
        }
        let content: Vec<(usize, String)> = plain
            .iter()
            .enumerate()
            .filter(|(_, it)| !FUNCTION_WORDS.contains(&it.words[0].as_str()))
            .filter_map(|(i, it)| analyse(&it.words[0]).into_iter().next().map(|t| (i, t)))
            .collect();
        if content.len() < 3 {
            return out;
        }
        for pair in content.windows(2) {
            let gap = (pair[1].0 - pair[0].0) as u32;
            let pair_tokens = [pair[0].1.clone(), pair[1].1.clone()];
            for &(field, boost) in self.fields.iter().filter(|(f, _)| *f != self.summary) {
                out.push(Box::new(BoostQuery::new(
                    self.phrase_or_term(field, &pair_tokens, gap + 1),
                    boost * PAIR_BOOST,
                )));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(text: &str) -> Vec<String> {
        parse(text)
            .into_iter()
            .map(|it| {
                let mode = match it.mode {
                    Mode::Optional => "",
                    Mode::Required => "+",
                    Mode::Excluded => "-",
                };
                let quote = if it.quoted { "\"" } else { "" };
                format!("{mode}{quote}{}{quote}", it.words.join(" "))
            })
            .collect()
    }

    #[test]
    fn parses_operators_phrases_and_junk() {
        let check =
            |input: &str, expected: &[&str]| assert_eq!(summary(input), expected, "{input}");
        check("bruising babies", &["bruising", "babies"]);
        check(
            "\"disguised compliance\" GP",
            &["+\"disguised compliance\"", "gp"],
        );
        check(
            "neglect AND housing OR school",
            &["+neglect", "+housing", "school"],
        );
        check(
            "-police +health NOT school",
            &["-police", "+health", "-school"],
        );
        check("\"unbalanced (", &["+\"unbalanced\""]);
        check("AND", &[]);
        check("***", &[]);
        check("A&E attendances", &["a&e", "attendances"]);
        check("children's social-care", &["children's", "social", "care"]);
        check("(toxic OR trio) AND", &["toxic", "trio"]);
        check(
            "\u{201c}disguised compliance\u{201d} GP",
            &["+\"disguised compliance\"", "gp"],
        );
    }

    #[test]
    fn finds_synonym_phrases_longest_first() {
        let found: Vec<(Vec<Vec<String>>, Vec<&str>)> =
            concepts(&parse("general practitioner toxic trio bruising"))
                .into_iter()
                .map(|c| (c.alternatives, c.themes))
                .collect();
        assert_eq!(found.len(), 3);
        assert!(found[0].0.contains(&vec!["gp".to_string()]));
        assert_eq!(
            found[1].1,
            [
                "domestic_abuse",
                "parental_mental_health",
                "parental_substance_misuse"
            ]
        );
        assert_eq!(found[2].0, [vec!["bruis".to_string()]]);
    }

    #[test]
    fn hidden_men_means_unseen_men() {
        let found = concepts(&parse("invisible men"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].themes, ["unseen_men"]);
        assert!(found[0]
            .alternatives
            .contains(&vec!["unseen".to_string(), "men".to_string()]));
    }

    #[test]
    fn concept_terms_share_synonyms_and_stems() {
        assert_eq!(
            concept_terms("The GP was not told"),
            concept_terms("general practitioners were not told")
        );
        assert_eq!(
            concept_terms("appointments was not brought"),
            concept_terms("Appointment DNA")
        );
        assert_eq!(
            concept_terms("should ensure the records"),
            ["ensur", "record"]
        );
        assert_ne!(concept_terms("health visitor"), concept_terms("health"));
    }

    #[test]
    fn function_words_are_marked() {
        let found = concepts(&parse("babies who are not yet mobile"));
        let marks: Vec<bool> = found.iter().map(|c| c.function_word).collect();
        // The everyday phrase "not yet mobile" adds a concept before its own words.
        assert_eq!(marks, [false, true, true, false, true, true, false]);
    }
}
