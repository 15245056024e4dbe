//! Highlighted snippets of hits: escaped text with the query's words in `<mark>`, taken
//! from the first field (in the view's order of preference) where the query's words
//! occur, else the start of the text. tantivy's snippet generator analyses all the text
//! it is given, so a long text is first narrowed to the window where most of the query's
//! words lie close together, found by an Aho-Corasick scan ([`focus`]).

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Searcher, TantivyDocument, Term};

use crate::error::IndexError;
use crate::params::View;
use crate::schema::Fields;

const REVIEW_SNIPPET_CHARS: usize = 240;
const LESSON_SNIPPET_CHARS: usize = 2_000;

/// Snippet generators for the fields a hit's snippet may come from, best first.
pub(crate) struct Snippets {
    /// In order of preference: a field, its snippet generator and a pattern finding the
    /// query's words in it (see [`focus`]); none when the query has no words.
    generators: Vec<(Field, SnippetGenerator, Option<AhoCorasick>)>,
    fallback: Field,
    fallback_chars: usize,
    /// Bytes of a long text handed to a generator (see [`focus`]).
    focus_bytes: usize,
}

impl Snippets {
    pub(crate) fn new(
        searcher: &Searcher,
        fields: &Fields,
        view: View,
        highlight: &dyn Query,
    ) -> Result<Snippets, IndexError> {
        let (order, chars) = match view {
            View::Reviews => (
                vec![
                    fields.summary,
                    fields.lessons,
                    fields.title,
                    fields.keywords,
                ],
                REVIEW_SNIPPET_CHARS,
            ),
            View::Lessons => (vec![fields.lessons], LESSON_SNIPPET_CHARS),
        };
        let analyzer = crate::schema::analyzer();
        let mut generators = Vec::new();
        // The fields usually look for the same words: build each finder once (a clone
        // shares it).
        let mut finders: Vec<(Vec<String>, Option<AhoCorasick>)> = Vec::new();
        for field in &order {
            let mut words: Vec<String> = Vec::new();
            highlight.query_terms(&mut |term, _| {
                if term.field() == *field {
                    if let Some(word) = term.value().as_str() {
                        words.push(word.to_string());
                    }
                }
            });
            let weights = word_weights(searcher, *field, &words)?;
            let generator = SnippetGenerator::new(weights, analyzer.clone(), *field, chars);
            let finder = match finders.iter().find(|(w, _)| *w == words) {
                Some((_, finder)) => finder.clone(),
                None => {
                    let finder = word_finder(&words);
                    finders.push((words, finder.clone()));
                    finder
                }
            };
            generators.push((*field, generator, finder));
        }
        Ok(Snippets {
            generators,
            fallback: order[0],
            fallback_chars: chars,
            focus_bytes: chars * FOCUS_PER_SNIPPET_CHAR,
        })
    }

    pub(crate) fn for_doc(&self, doc: &TantivyDocument) -> String {
        for (field, generator, words) in &self.generators {
            let text = doc.get_first(*field).and_then(|v| v.as_str()).unwrap_or("");
            let Some(part) = focus(text, words.as_ref(), self.focus_bytes) else {
                continue;
            };
            let mut snippet = generator.snippet(part);
            if !snippet.highlighted().is_empty() {
                snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                return snippet.to_html();
            }
        }
        let text = doc
            .get_first(self.fallback)
            .and_then(|v| v.as_str())
            .unwrap_or("");
        escape_html(&truncate_words(text, self.fallback_chars))
    }
}

/// The weight of each of `words` (analysed) that `field` holds, as tantivy's
/// `SnippetGenerator::create` gives it: the rarer, the heavier.
fn word_weights(
    searcher: &Searcher,
    field: Field,
    words: &[String],
) -> Result<BTreeMap<String, f32>, IndexError> {
    let mut weights = BTreeMap::new();
    for word in words {
        let doc_freq = searcher.doc_freq(&Term::from_field_text(field, word))?;
        if doc_freq > 0 {
            weights.insert(word.clone(), 1.0 / (1.0 + doc_freq as f32));
        }
    }
    Ok(weights)
}

/// Bytes of a long text handed to the snippet generator per character of snippet: the
/// generator analyses all it is given, and analysing a whole 50 KB summary for each of
/// 20 hits would cost more than the search.
const FOCUS_PER_SNIPPET_CHAR: usize = 4;

/// A case-insensitive searcher for any of the analysed query `words` in plain text: a
/// stem is a prefix of the forms it matches ("bruis" of "bruising"; "babi" is looked
/// for as "bab", for "baby"). Matches must start a word (checked in [`focus`]).
fn word_finder(words: &[String]) -> Option<AhoCorasick> {
    let mut prefixes: Vec<&str> = words
        .iter()
        .map(|word| {
            word.strip_suffix(['i', 'e'])
                .filter(|p| p.len() >= 2)
                .unwrap_or(word)
        })
        .collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    if prefixes.is_empty() {
        return None;
    }
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(prefixes)
        .ok()
}

/// The part of `text` worth handing to the snippet generator: `None` when there are no
/// query words (the snippet is then the text's start) or `finder` finds none in it; the
/// whole of a short text; for a long one, the `focus_bytes` around the first place where
/// most of the different words occur close together. Finding words this way costs a
/// scan, not an analysis, of the text, and the scan stops at the first place where every
/// word occurs.
fn focus<'t>(text: &'t str, finder: Option<&AhoCorasick>, focus_bytes: usize) -> Option<&'t str> {
    let finder = finder?;
    if text.len() <= focus_bytes {
        return finds_word(text, finder).then_some(text);
    }
    let start = densest_place(text, finder, focus_bytes / 2)?;
    let start = floor_boundary(text, start.saturating_sub(focus_bytes / 4));
    let end = floor_boundary(text, (start + focus_bytes).min(text.len()));
    Some(&text[start..end])
}

/// Whether `finder` finds a word in `text` (a match that starts a word).
fn finds_word(text: &str, finder: &AhoCorasick) -> bool {
    word_starts(text, finder).next().is_some()
}

/// Matches of `finder` in `text` that start a word: (offset, word).
fn word_starts<'t>(
    text: &'t str,
    finder: &'t AhoCorasick,
) -> impl Iterator<Item = (usize, usize)> + 't {
    let bytes = text.as_bytes();
    finder
        .find_iter(text)
        .filter(move |m| m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric())
        .map(|m| (m.start(), m.pattern().as_usize()))
}

/// The offset of the first match of `finder` whose following `span` bytes hold the most
/// different words, among the first [`MAX_PLACES`] matches; `None` without matches.
fn densest_place(text: &str, finder: &AhoCorasick, span: usize) -> Option<usize> {
    let all_words = finder.patterns_len();
    let mut places: Vec<(usize, usize)> = Vec::new();
    let mut best: Option<(usize, usize)> = None;
    let mut next = 0;
    let mut matches = word_starts(text, finder).take(MAX_PLACES).peekable();
    loop {
        let reached = matches.peek().map(|(at, _)| *at);
        // Score every window that the places seen so far complete.
        while next < places.len() && reached.is_none_or(|at| at >= places[next].0 + span) {
            let distinct = distinct_words(&places[next..], places[next].0 + span);
            if best.is_none_or(|(_, most)| distinct > most) {
                best = Some((places[next].0, distinct));
            }
            if distinct == all_words {
                return best.map(|(at, _)| at);
            }
            next += 1;
        }
        match matches.next() {
            Some(place) => places.push(place),
            None => return best.map(|(at, _)| at),
        }
    }
}

/// The number of different words among `places` before offset `end`.
fn distinct_words(places: &[(usize, usize)], end: usize) -> usize {
    let mut seen: Vec<usize> = places
        .iter()
        .take_while(|(at, _)| *at < end)
        .map(|(_, word)| *word)
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// Matches of the query's words looked at per text.
const MAX_PLACES: usize = 256;

/// The largest char boundary of `text` at or before `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The start of `text`, cut at a word boundary, with an ellipsis when cut.
fn truncate_words(text: &str, max_chars: usize) -> String {
    // Only the start matters: never flatten a whole 50 KB summary.
    let head = &text[..floor_boundary(text, text.len().min(max_chars * 4 + 64))];
    let flat: String = head.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars && head.len() == text.len() {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars).collect();
    let head = cut.rsplit_once(' ').map(|(head, _)| head).unwrap_or(&cut);
    format!("{head} …")
}

/// Escapes text for HTML.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod focus_tests {
    use super::{focus, word_finder};

    const FOCUS_BYTES: usize = 1_000;

    #[test]
    fn a_long_text_is_cut_around_the_densest_matches() {
        let filler = "Assessments were completed on time and reviewed by managers. ".repeat(200);
        let text = format!("{filler}The bruising on the baby was not explained. {filler}é");
        let finder = word_finder(&["bruis".to_string(), "babi".to_string()]);
        let words = finder.as_ref();
        let zebra = word_finder(&["zebra".to_string()]);
        let window = focus(&text, words, FOCUS_BYTES).unwrap();
        assert!(window.len() <= FOCUS_BYTES);
        assert!(window.contains("bruising on the baby"));
        // Short texts are handed over whole; a text without the words is skipped.
        assert_eq!(focus("The bruise", words, FOCUS_BYTES), Some("The bruise"));
        assert_eq!(focus(&text, zebra.as_ref(), FOCUS_BYTES), None);
        // Never cuts inside a character.
        let accented = format!("{}bruised{}", "é".repeat(4000), "é".repeat(4000));
        assert!(focus(&accented, words, FOCUS_BYTES)
            .unwrap()
            .contains("bruised"));
    }
}
