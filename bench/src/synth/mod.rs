//! A deterministic synthetic corpus of any size, for benchmarks (fiction throughout:
//! invented places, pseudonyms such as "Child A", prose drawn from word lists).
//!
//! This module owns the public API: [`SynthConfig`], [`boards()`] and [`reviews`], a
//! streaming iterator of [`Review`]s in the import shape (`lessons import` reads them
//! as JSON Lines). Review `i` is generated from its own ChaCha8 stream (the seed, with
//! stream number `i`), so the same `(seed, N)` always gives the same reviews, the first
//! `n` reviews of a corpus of `N` are the corpus of `n`, and nothing is held in memory.
//!
//! The parts: `boards` (invented boards over every region), `meta` (facets
//! and dates), `text` (the summary and findings), `topics` (what each theme and agency
//! sounds like), `words` (the Zipf vocabulary) and `random` (small choices).

mod boards;
mod meta;
mod random;
mod text;
mod topics;
mod words;

use lessons_model::Review;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use boards::{boards, BOARD_COUNT};

/// What to generate: `reviews` reviews from `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthConfig {
    pub seed: u64,
    pub reviews: usize,
}

/// The reviews of `config`, generated one at a time.
pub fn reviews(config: SynthConfig) -> Reviews {
    Reviews {
        seed: config.seed,
        next: 0,
        end: config.reviews,
    }
}

/// The streaming iterator returned by [`reviews`].
#[derive(Debug, Clone)]
pub struct Reviews {
    seed: u64,
    next: usize,
    end: usize,
}

impl Iterator for Reviews {
    type Item = Review;

    fn next(&mut self) -> Option<Review> {
        if self.next >= self.end {
            return None;
        }
        let review = review(self.seed, self.next);
        self.next += 1;
        Some(review)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Reviews {}

/// Review number `index` (0-based) of every corpus generated from `seed`.
pub fn review(seed: u64, index: usize) -> Review {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64);
    let case = meta::draw_case(&mut rng);
    let summary = text::summary(&mut rng, &case);
    let lessons = text::findings(&mut rng, &case);
    meta::into_review(&mut rng, case, summary, lessons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lessons_model::validate_review;
    use lessons_model::vocab::{
        AGENCIES, AGE_BANDS, INCIDENTS, LESSON_KINDS, LEVELS, METHODOLOGIES, PARALLEL_PROCESSES,
        REGIONS, REVIEW_TYPES, SEXES, SOURCES_OF_HARM, THEMES,
    };
    use std::collections::{HashMap, HashSet};
    use std::sync::OnceLock;

    const SAMPLE: usize = 500;

    /// The first reviews of seed 1, generated once for every test.
    fn sample() -> &'static [Review] {
        static SAMPLE_REVIEWS: OnceLock<Vec<Review>> = OnceLock::new();
        SAMPLE_REVIEWS.get_or_init(|| {
            reviews(SynthConfig {
                seed: 1,
                reviews: SAMPLE,
            })
            .collect()
        })
    }

    fn json(reviews: impl Iterator<Item = Review>) -> Vec<String> {
        reviews
            .map(|r| serde_json::to_string(&r).unwrap_or_default())
            .collect()
    }

    fn words(text: &str) -> usize {
        text.split_whitespace().count()
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let config = SynthConfig {
            seed: 42,
            reviews: 5,
        };
        assert_eq!(json(reviews(config)), json(reviews(config)));
        let other = SynthConfig { seed: 43, ..config };
        assert_ne!(json(reviews(config)), json(reviews(other)));
        assert_eq!(reviews(config).len(), 5);
    }

    #[test]
    fn a_small_corpus_is_the_prefix_of_a_larger_one() {
        let small = reviews(SynthConfig {
            seed: 1,
            reviews: 20,
        });
        assert_eq!(json(small), json(sample().iter().take(20).cloned()));
        assert_eq!(
            json(std::iter::once(review(1, 123))),
            json(std::iter::once(sample()[123].clone()))
        );
    }

    #[test]
    fn sizes_are_in_range() {
        for review in sample() {
            let summary = words(&review.summary);
            assert!((2_000..=8_000).contains(&summary), "{summary} words");
            assert!((10..=40).contains(&review.lessons.len()));
            for lesson in &review.lessons {
                let n = words(&lesson.text);
                assert!((30..=120).contains(&n), "{n} words: {}", lesson.text);
                assert!((1..=3).contains(&lesson.themes.len()));
                assert_eq!(lesson.agency.is_some(), lesson.level == "individual");
            }
            assert!(review.summary.starts_with("1. Introduction\n\n1.1 The "));
            assert!(review.summary.contains("\n\n5. Conclusions\n\n5.1 "));
        }
        let mean = sample().iter().map(|r| words(&r.summary)).sum::<usize>() / SAMPLE;
        assert!((4_000..=6_000).contains(&mean), "mean {mean}");
    }

    #[test]
    fn every_review_validates_against_a_synthetic_board() {
        let boards: HashSet<String> = boards().into_iter().map(|b| b.slug).collect();
        for review in sample() {
            assert_eq!(validate_review(review), Ok(()), "{}", review.title);
            assert!(boards.contains(&review.board));
            assert_eq!(review.status, lessons_model::Status::Published);
        }
    }

    /// How many sample reviews carry each value of a facet.
    fn counts<'a>(values: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
        let mut counts = HashMap::new();
        for value in values {
            *counts.entry(value).or_insert(0) += 1;
        }
        counts
    }

    fn assert_covers(
        facet: &str,
        seen: HashMap<&str, usize>,
        slugs: impl Iterator<Item = &'static str>,
    ) {
        for slug in slugs {
            assert!(seen.contains_key(slug), "{facet} {slug} never appears");
        }
    }

    #[test]
    fn every_facet_value_appears() {
        let all = sample();
        let region_of: HashMap<String, String> =
            boards().into_iter().map(|b| (b.slug, b.region)).collect();
        let lessons = || all.iter().flat_map(|r| &r.lessons);
        assert_covers(
            "theme",
            counts(all.iter().flat_map(|r| &r.themes).map(String::as_str)),
            THEMES.iter().map(|t| t.slug),
        );
        assert_covers(
            "lesson theme",
            counts(lessons().flat_map(|l| &l.themes).map(String::as_str)),
            THEMES.iter().map(|t| t.slug),
        );
        assert_covers(
            "region",
            counts(all.iter().map(|r| region_of[&r.board].as_str())),
            REGIONS.iter().map(|t| t.slug),
        );
        assert_covers(
            "agency",
            counts(all.iter().flat_map(|r| &r.agencies).map(String::as_str)),
            AGENCIES.iter().map(|t| t.slug),
        );
        assert_covers(
            "lesson agency",
            counts(lessons().filter_map(|l| l.agency.as_deref())),
            AGENCIES.iter().map(|t| t.slug),
        );
        assert_covers(
            "kind",
            counts(lessons().map(|l| l.kind.as_str())),
            LESSON_KINDS.iter().map(|t| t.slug),
        );
        assert_covers(
            "level",
            counts(lessons().map(|l| l.level.as_str())),
            LEVELS.iter().map(|t| t.slug),
        );
        assert_covers(
            "review type",
            counts(all.iter().map(|r| r.review_type.as_str())),
            REVIEW_TYPES.iter().map(|t| t.slug),
        );
        assert_covers(
            "methodology",
            counts(all.iter().filter_map(|r| r.methodology.as_deref())),
            METHODOLOGIES.iter().map(|t| t.slug),
        );
        assert_covers(
            "incident",
            counts(all.iter().map(|r| r.incident.as_str())),
            INCIDENTS.iter().map(|t| t.slug),
        );
        assert_covers(
            "source",
            counts(
                all.iter()
                    .flat_map(|r| &r.source_of_harm)
                    .map(String::as_str),
            ),
            SOURCES_OF_HARM.iter().map(|t| t.slug),
        );
        assert_covers(
            "process",
            counts(
                all.iter()
                    .flat_map(|r| &r.parallel_processes)
                    .map(String::as_str),
            ),
            PARALLEL_PROCESSES.iter().map(|t| t.slug),
        );
        assert_covers(
            "age band",
            counts(
                all.iter()
                    .flat_map(|r| r.all_children())
                    .map(|c| c.age_band.as_str()),
            ),
            AGE_BANDS.iter().map(|t| t.slug),
        );
        assert_covers(
            "sex",
            counts(all.iter().map(|r| r.child.sex.as_str())),
            SEXES.iter().map(|t| t.slug),
        );
        assert_covers(
            "abuse",
            counts(all.iter().flat_map(|r| &r.abuse).map(String::as_str)),
            ["neglect", "physical", "sexual", "emotional"].into_iter(),
        );
        assert!(all.iter().any(|r| r.ofsted_grade.is_some()));
        assert!(all.iter().any(|r| !r.children.is_empty()));
        assert!(all
            .iter()
            .all(|r| !r.keywords.is_empty() || r.themes.len() < 3));
    }

    #[test]
    fn dates_span_the_years_and_both_sides_of_six_months() {
        let mut years = HashSet::new();
        let mut over = 0;
        for review in sample() {
            let published = review.published_date().map(|d| d.year()).unwrap_or(0);
            assert!((2004..=2025).contains(&published), "{published}");
            years.insert(published);
            assert!(review.incident_day().is_some_and(|d| d.year() >= 2004));
            if let Some((months, over_six)) = review.timeliness() {
                assert!((3..=24).contains(&months), "{months} months");
                over += usize::from(over_six);
            }
        }
        assert!((2005..=2024).all(|year| years.contains(&year)), "{years:?}");
        assert!(
            (SAMPLE / 2..SAMPLE * 9 / 10).contains(&over),
            "{over} over six months"
        );
        assert!(sample().iter().any(|r| r.timeliness().is_none()));
    }

    /// Share of sample reviews whose text contains every one of `needles` (lower case;
    /// a needle with a space is a phrase, otherwise a whole word).
    fn share(needles: &[&str]) -> f64 {
        let hits = sample()
            .iter()
            .filter(|review| {
                let mut text = review.summary.to_lowercase();
                for lesson in &review.lessons {
                    text.push('\n');
                    text.push_str(&lesson.text.to_lowercase());
                }
                let words: HashSet<&str> = text
                    .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '&'))
                    .collect();
                needles.iter().all(|needle| {
                    if needle.contains(' ') {
                        text.contains(needle)
                    } else {
                        words.contains(needle)
                    }
                })
            })
            .count();
        hits as f64 / SAMPLE as f64
    }

    #[test]
    fn practitioner_queries_find_some_reviews_but_not_all() {
        let queries: &[&[&str]] = &[
            &["baby", "bruising", "not yet mobile"],
            &["gp", "missed appointments"],
            &["domestic abuse", "pregnancy"],
            &["disguised compliance"],
            &["neglect of an adolescent"],
            &["co-sleeping"],
            &["camhs", "self-harm"],
        ];
        for query in queries {
            let share = share(query);
            assert!((0.01..=0.6).contains(&share), "{query:?}: {share}");
        }
    }
}
