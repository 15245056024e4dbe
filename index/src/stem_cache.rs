//! The English analyzer for snippets, with a memory: stemming was most of the cost of
//! marking a snippet, and the words of snippets repeat a lot, so each thread keeps the
//! stems it has computed (up to [`MAX_STEMS`] words, then it starts afresh). Gives
//! exactly the tokens of [`crate::schema::analyzer`].

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::tokenizer::{
    LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter,
    TokenStream, Tokenizer,
};

use crate::schema::stemmer;

/// Words whose stems a thread keeps.
const MAX_STEMS: usize = 50_000;

thread_local! {
    /// Stems by lower-case word.
    static STEMS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// [`crate::schema::analyzer`] with the stem cache.
pub(crate) fn caching_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(CachedStemmer::default())
        .build()
}

/// Stems through the thread's cache of the words already seen.
#[derive(Clone)]
struct CachedStemmer {
    /// Stems one word (a raw tokenizer followed by the stemmer).
    stemmer: TextAnalyzer,
}

impl Default for CachedStemmer {
    fn default() -> Self {
        CachedStemmer {
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(stemmer())
                .build(),
        }
    }
}

impl CachedStemmer {
    /// Replaces the text of `token` (a lower-case word) by its stem.
    fn stem(&mut self, token: &mut Token) {
        STEMS.with_borrow_mut(|stems| {
            if let Some(stem) = stems.get(&token.text) {
                token.text.clone_from(stem);
                return;
            }
            let stem = self.stem_uncached(&token.text);
            if stems.len() >= MAX_STEMS {
                stems.clear();
            }
            stems.insert(std::mem::replace(&mut token.text, stem.clone()), stem);
        });
    }

    fn stem_uncached(&mut self, word: &str) -> String {
        let mut stream = self.stemmer.token_stream(word);
        match stream.next() {
            Some(stemmed) => stemmed.text.clone(),
            None => word.to_string(),
        }
    }
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemFilter<T> {
        CachedStemFilter {
            inner: tokenizer,
            stemmer: self,
        }
    }
}

#[derive(Clone)]
struct CachedStemFilter<T> {
    inner: T,
    stemmer: CachedStemmer,
}

impl<T: Tokenizer> Tokenizer for CachedStemFilter<T> {
    type TokenStream<'a> = CachedStemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemStream {
            tail: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
        }
    }
}

struct CachedStemStream<'a, T> {
    tail: T,
    stemmer: &'a mut CachedStemmer,
}

impl<T: TokenStream> TokenStream for CachedStemStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.stemmer.stem(self.tail.token_mut());
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
    use super::caching_analyzer;
    use crate::schema::analyzer;

    fn tokens(mut analyzer: tantivy::tokenizer::TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.text.clone(), token.position));
        }
        out
    }

    #[test]
    fn gives_the_tokens_of_the_index_analyzer() {
        let text = "Babies bruised; the baby's BRUISING was not explained. Running runs ran \
                    A&E and é-accented Ünïcode words, babies again";
        assert_eq!(tokens(caching_analyzer(), text), tokens(analyzer(), text));
        // Again, now from the cache.
        assert_eq!(tokens(caching_analyzer(), text), tokens(analyzer(), text));
    }
}
