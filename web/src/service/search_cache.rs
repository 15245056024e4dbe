//! The search result cache: whole answers of `/api/v1/search` and the search page, kept
//! by the checked request *and* the state they were computed from, as Elasticsearch's
//! request cache and Solr's query-result cache do.
//!
//! Correctness comes from the key, not from invalidation:
//! - the **index generation** ([`lessons_index::SearchIndex::generation`]) read *before*
//!   the search: every change to what is indexed (a publish, a public review amended,
//!   a withdrawal) is a commit that starts a new generation, so no answer from before
//!   a change is served after it; an answer stored under generation G was computed on
//!   G or later, never earlier. Writes to drafts (never indexed) commit nothing and
//!   keep the answers valid;
//! - **today's date**: the public filter depends on the day (an embargo ends at the
//!   start of its date), so an answer from yesterday is never served today;
//! - the board names, which hits and facet labels carry, change without a commit:
//!   [`SearchCache::clear`] is called when they are set.
//!
//! Searches are public only (no viewer-dependent answers), so the viewer is not part of
//! the key. Answers of an older generation or day can never be asked for again, so
//! they are all dropped when a newer one is first seen. The cache is bounded by
//! entries (least recently used out first); with
//! `capacity` 0 it holds nothing and every request is a miss (`--search-cache 0`).

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lessons_index::{SearchRequest, SearchResults};
use lru::LruCache;
use time::Date;

/// Entries kept by default (a page of hits with snippets and every facet is about
/// 20-40 KB, so about 20-40 MB at most).
pub const DEFAULT_ENTRIES: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    request: SearchRequest,
    generation: u64,
    today: Date,
}

/// Answers of recent searches (see the module documentation).
pub struct SearchCache {
    entries: Mutex<Entries>,
}

/// The kept answers, all of the newest (generation, day) seen: older ones can never be
/// asked for again, so they are dropped as soon as a newer state is seen (their memory
/// is not held until evicted one by one).
#[derive(Default)]
struct Entries {
    answers: Option<LruCache<Key, Arc<SearchResults>>>,
    newest: Option<(u64, Date)>,
}

impl Entries {
    fn sized(capacity: usize) -> Entries {
        Entries {
            answers: NonZeroUsize::new(capacity).map(LruCache::new),
            newest: None,
        }
    }

    /// Moves to the state (`generation`, `today`) when it is newer than any seen,
    /// dropping every answer; returns whether answers of that state may be kept.
    fn advance(&mut self, generation: u64, today: Date) -> bool {
        match self.newest {
            Some(newest) if newest == (generation, today) => true,
            Some((g, d)) if generation < g || today < d => false,
            _ => {
                self.newest = Some((generation, today));
                if let Some(answers) = self.answers.as_mut() {
                    answers.clear();
                }
                true
            }
        }
    }
}

impl std::fmt::Debug for SearchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchCache").finish_non_exhaustive()
    }
}

/// Whether a lookup found an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Hit,
    Miss,
}

impl SearchCache {
    /// A cache of at most `capacity` answers (none when 0).
    pub fn new(capacity: usize) -> SearchCache {
        SearchCache {
            entries: Mutex::new(Entries::sized(capacity)),
        }
    }

    /// Changes the capacity, dropping every answer.
    pub fn resize(&self, capacity: usize) {
        if let Ok(mut entries) = self.entries.lock() {
            *entries = Entries::sized(capacity);
        }
    }

    /// The kept answer to `request` on `generation` and `today`, if any.
    pub fn get(
        &self,
        request: &SearchRequest,
        generation: u64,
        today: Date,
    ) -> Option<Arc<SearchResults>> {
        self.find(&Key {
            request: request.clone(),
            generation,
            today,
        })
    }

    /// The answer to `request` on `generation` and `today`: the kept one, or the one
    /// `compute` gives (kept when it succeeds).
    pub fn get_or_compute<E>(
        &self,
        request: &SearchRequest,
        generation: u64,
        today: Date,
        compute: impl FnOnce() -> Result<SearchResults, E>,
    ) -> Result<(Arc<SearchResults>, Lookup), E> {
        let key = Key {
            request: request.clone(),
            generation,
            today,
        };
        if let Some(found) = self.find(&key) {
            return Ok((found, Lookup::Hit));
        }
        let computed = Arc::new(compute()?);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.advance(generation, today) {
                if let Some(answers) = entries.answers.as_mut() {
                    answers.put(key, Arc::clone(&computed));
                }
            }
        }
        Ok((computed, Lookup::Miss))
    }

    /// Drops every answer (the board names changed).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            if let Some(answers) = entries.answers.as_mut() {
                answers.clear();
            }
        }
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .ok()
            .and_then(|entries| entries.answers.as_ref().map(LruCache::len))
            .unwrap_or(0)
    }

    fn find(&self, key: &Key) -> Option<Arc<SearchResults>> {
        let mut entries = self.entries.lock().ok()?;
        if !entries.advance(key.generation, key.today) {
            return None;
        }
        entries.answers.as_mut()?.get(key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    fn answer(total: u64) -> SearchResults {
        SearchResults {
            total,
            page: 1,
            per_page: 20,
            hits: Vec::new(),
            facets: Vec::new(),
            did_you_mean: None,
            took_ms: 3,
        }
    }

    fn request(q: &str) -> SearchRequest {
        SearchRequest {
            q: q.into(),
            ..SearchRequest::default()
        }
    }

    fn day(d: u8) -> Date {
        Date::from_calendar_date(2026, time::Month::December, d).unwrap()
    }

    fn ask(
        cache: &SearchCache,
        q: &str,
        generation: u64,
        today: Date,
        total: u64,
    ) -> (u64, Lookup) {
        let (found, lookup) = cache
            .get_or_compute(&request(q), generation, today, || {
                Ok::<_, Infallible>(answer(total))
            })
            .unwrap();
        (found.total, lookup)
    }

    #[test]
    fn a_repeated_request_is_answered_from_the_cache() {
        let cache = SearchCache::new(10);
        assert_eq!(ask(&cache, "neglect", 1, day(7), 5), (5, Lookup::Miss));
        assert_eq!(ask(&cache, "neglect", 1, day(7), 99), (5, Lookup::Hit));
        assert_eq!(ask(&cache, "bruising", 1, day(7), 7), (7, Lookup::Miss));
    }

    #[test]
    fn a_new_generation_or_a_new_day_is_never_answered_from_before() {
        let cache = SearchCache::new(10);
        ask(&cache, "neglect", 1, day(7), 5);
        assert_eq!(ask(&cache, "neglect", 2, day(7), 6), (6, Lookup::Miss));
        assert_eq!(ask(&cache, "neglect", 2, day(8), 7), (7, Lookup::Miss));
    }

    #[test]
    fn answers_of_an_older_state_are_dropped_when_a_newer_one_is_seen() {
        let cache = SearchCache::new(10);
        ask(&cache, "neglect", 1, day(7), 5);
        ask(&cache, "bruising", 1, day(7), 5);
        assert_eq!(cache.len(), 2);
        assert_eq!(ask(&cache, "neglect", 2, day(7), 6), (6, Lookup::Miss));
        assert_eq!(cache.len(), 1, "generation 1's answers went");
        // A search that read the generation before the commit is not kept.
        assert_eq!(ask(&cache, "bruising", 1, day(7), 5), (5, Lookup::Miss));
        assert_eq!(cache.len(), 1);
        ask(&cache, "neglect", 2, day(8), 7);
        assert_eq!(cache.len(), 1, "yesterday's answers went");
    }

    #[test]
    fn it_is_bounded_and_can_be_cleared_or_switched_off() {
        let cache = SearchCache::new(2);
        for q in ["a", "b", "c"] {
            ask(&cache, q, 1, day(7), 1);
        }
        assert_eq!(cache.len(), 2);
        assert_eq!(ask(&cache, "a", 1, day(7), 2), (2, Lookup::Miss));
        cache.clear();
        assert_eq!(cache.len(), 0);
        cache.resize(0);
        ask(&cache, "a", 1, day(7), 1);
        assert_eq!(ask(&cache, "a", 1, day(7), 3), (3, Lookup::Miss));
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn a_failed_search_is_not_kept() {
        let cache = SearchCache::new(10);
        let failed = cache.get_or_compute(&request("x"), 1, day(7), || Err("broken"));
        assert!(failed.is_err());
        assert_eq!(cache.len(), 0);
    }
}
