//! The English stemmer as a token filter that remembers the stems it has made. Review
//! text repeats a few thousand words endlessly: the Snowball algorithm was about a
//! quarter of the CPU time of an import and most of the cost of marking snippets, and a
//! hash lookup is far cheaper. Each thread keeps its own bounded cache (the indexing
//! thread and the blocking-pool threads live long), so nothing is shared or locked.
//! Gives exactly tantivy's `Stemmer` output.

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// More distinct words than this and a thread's cache starts again (a few MB at most).
const CACHE_LIMIT: usize = 100_000;

thread_local! {
    /// Stems by lower-case word.
    static STEMS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// The token filter: stems lower-cased tokens with the English Snowball stemmer.
#[derive(Clone, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { inner: tokenizer }
    }
}

/// A tokenizer followed by the cached stemmer.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerTokenStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerTokenStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

/// The token stream of [`CachedStemmerFilter`].
pub struct CachedStemmerTokenStream<S> {
    tail: S,
    stemmer: frostem::Stemmer,
}

impl<S: TokenStream> TokenStream for CachedStemmerTokenStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let stemmer = &self.stemmer;
        STEMS.with_borrow_mut(|stems| match stems.get(token.text.as_str()) {
            Some(stem) => token.text.clone_from(stem),
            None => {
                let stem = stemmer.stem(&token.text).into_owned();
                if stems.len() >= CACHE_LIMIT {
                    stems.clear();
                }
                let word = std::mem::replace(&mut token.text, stem.clone());
                stems.insert(word, stem);
            }
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    use super::*;

    fn tokens(mut analyzer: TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        out
    }

    #[test]
    fn gives_the_same_tokens_as_the_plain_stemmer_when_words_repeat() {
        let text = "Assessments were assessed; the assessing Social Workers' assessment of \
                    children's needs was not brought. Children CHILDREN children running runs ran \
                    caring carers cared. Assessments were assessed.";
        let plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let expected = tokens(plain, &text.repeat(3));
        assert_eq!(expected[0].0, "assess");
        assert_eq!(tokens(cached, &text.repeat(3)), expected);
    }
}
