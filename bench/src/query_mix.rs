//! A realistic mix of search requests for load runs, as a day's log of a national
//! service would look: a few popular searches asked again and again and a long tail
//! asked once. Used by `compare` (HTTP load) and `load` (the search share).
//!
//! Each request is a base query (plain words, a phrase, a question, a misspelling, an
//! acronym, two words with AND) with variations people make: the findings view, a
//! filter (theme, agency, region, incident, age band, years), a sort, page 2 or 3. Its
//! popularity is the base query's (Zipf over a seeded random order of the bases,
//! exponent 1) times how common each variation is (most people stay on page 1 of the
//! reviews view, sorted by relevance, without filters). [`QueryMix::new`] keeps the
//! [`QueryMix::DISTINCT`] most popular distinct requests; [`QueryMix::day`] draws a
//! sequence from them by popularity.

use lessons_model::vocab;
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One distinct request of the mix.
#[derive(Debug, Clone, PartialEq)]
pub struct MixRequest {
    /// The class of its base query (`plain`, `phrase`, `question`, ...).
    pub class: &'static str,
    /// The query string of `GET /api/v1/search` (URL-encoded).
    pub query: String,
    /// Relative popularity (the weights sum to 1 over the mix).
    pub weight: f64,
}

/// The distinct requests, most popular first.
#[derive(Debug, Clone)]
pub struct QueryMix {
    pub requests: Vec<MixRequest>,
}

/// Base queries by class: words the synthetic and demo corpora use, as practitioners
/// and researchers type them.
const BASES: &[(&str, &[&str])] = &[
    (
        "plain",
        &[
            "neglect",
            "bruising",
            "supervision",
            "domestic abuse",
            "information sharing",
            "school nurse",
            "housing",
            "mental health",
            "substance misuse",
            "missed appointments",
            "voice of the child",
            "escalation",
            "assessment",
            "referral",
            "strategy discussion",
            "child protection plan",
            "police",
            "health visitor",
            "young carers",
            "exploitation",
            "self harm",
            "non-accidental injury",
            "parental alcohol",
            "chronology",
            "thresholds",
            "early help",
            "transfer of records",
            "private fostering",
            "faltering growth",
            "home education",
            "sleeping arrangements",
            "interpreter",
            "disability",
            "teenage pregnancy",
            "running away",
        ],
    ),
    (
        "phrase",
        &[
            "\"disguised compliance\"",
            "\"was not brought\"",
            "\"start again syndrome\"",
            "\"think family\"",
            "\"hidden men\"",
            "\"professional curiosity\"",
            "\"toxic trio\"",
            "\"seen alone\"",
            "\"safe sleeping\"",
            "\"multi-agency working\"",
        ],
    ),
    (
        "question",
        &[
            "why was the baby not seen",
            "dad never seen by the health visitor",
            "school saw bruises but did not refer",
            "baby not brought to appointments",
            "what did the police know",
            "mother said the partner had left",
            "who checks on children in temporary accommodation",
            "why did nobody talk to the child",
            "health visitor could not get into the house",
            "teenager missing from care",
        ],
    ),
    (
        "misspelling",
        &[
            "neglact",
            "supervison",
            "domestc abuse",
            "helth visitor",
            "exploitaton",
            "bruisng",
            "safegaurding",
            "asessment",
            "chilren's social care",
            "teenage suicde",
        ],
    ),
    (
        "acronym",
        &[
            "GP", "MASH", "CAMHS", "DNA", "MARAC", "IDVA", "LADO", "CSE", "SUDI", "A&E", "NAI",
            "ICPC",
        ],
    ),
    (
        "two-term AND",
        &[
            "domestic AND abuse",
            "missed AND appointments",
            "neglect AND housing",
            "bruising AND baby",
            "school AND referral",
            "police AND alcohol",
        ],
    ),
];

/// How many requests each base query is varied into before the most popular are kept.
const VARIANTS_PER_BASE: usize = 80;

impl QueryMix {
    /// The number of distinct requests kept.
    pub const DISTINCT: usize = 2_400;

    /// The mix for `seed` (the same seed gives the same mix).
    pub fn new(seed: u64) -> QueryMix {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut bases: Vec<(&'static str, &'static str)> = BASES
            .iter()
            .flat_map(|(class, texts)| texts.iter().map(move |t| (*class, *t)))
            .collect();
        bases.shuffle(&mut rng);
        let mut requests: Vec<MixRequest> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (rank, (class, text)) in bases.iter().enumerate() {
            let base_weight = 1.0 / (rank + 1) as f64;
            let plain = Variation::default();
            for variation in std::iter::once(plain)
                .chain((0..VARIANTS_PER_BASE).map(|_| Variation::draw(&mut rng)))
            {
                let query = variation.query(text);
                if seen.insert(query.clone()) {
                    requests.push(MixRequest {
                        class,
                        query,
                        weight: base_weight * variation.likelihood(),
                    });
                }
            }
        }
        requests.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.query.cmp(&b.query)));
        requests.truncate(Self::DISTINCT);
        let total: f64 = requests.iter().map(|r| r.weight).sum();
        for request in &mut requests {
            request.weight /= total;
        }
        QueryMix { requests }
    }

    /// `n` requests drawn by popularity (indices into [`QueryMix::requests`]).
    pub fn day(&self, n: usize, seed: u64) -> Vec<usize> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        match WeightedIndex::new(self.requests.iter().map(|r| r.weight)) {
            Ok(popularity) => (0..n).map(|_| popularity.sample(&mut rng)).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The paths of `n` requests drawn by popularity.
    pub fn day_paths(&self, n: usize, seed: u64) -> Vec<String> {
        self.day(n, seed)
            .into_iter()
            .map(|i| format!("/api/v1/search?{}", self.requests[i].query))
            .collect()
    }

    /// How many distinct requests `day` holds.
    pub fn distinct_in(day: &[usize]) -> usize {
        day.iter().collect::<std::collections::HashSet<_>>().len()
    }
}

/// What a person changes about a search, beyond its words.
#[derive(Debug, Clone, Default)]
struct Variation {
    lessons_view: bool,
    filter: Option<(&'static str, String)>,
    years: Option<(i32, i32)>,
    sort: Option<&'static str>,
    page: u8,
}

impl Variation {
    fn draw(rng: &mut impl Rng) -> Variation {
        let filter = match rng.random_range(0..10) {
            0 => Some(("theme", pick(rng, vocab::THEMES.iter().map(|t| t.slug)))),
            1 => Some(("agency", pick(rng, vocab::AGENCIES.iter().map(|t| t.slug)))),
            2 => Some(("region", pick(rng, vocab::REGIONS.iter().map(|t| t.slug)))),
            3 => Some((
                "incident",
                pick(rng, vocab::INCIDENTS.iter().map(|t| t.slug)),
            )),
            4 => Some((
                "age_band",
                pick(rng, vocab::AGE_BANDS.iter().map(|t| t.slug)),
            )),
            _ => None,
        };
        let years = rng.random_bool(0.2).then(|| {
            let from = rng.random_range(2005..2022);
            (from, from + rng.random_range(0..5))
        });
        Variation {
            lessons_view: rng.random_bool(0.3),
            filter: filter.map(|(k, v)| (k, v.to_string())),
            years,
            sort: match rng.random_range(0..6) {
                0 => Some("newest"),
                1 => Some("oldest"),
                _ => None,
            },
            page: match rng.random_range(0..10) {
                0 => 3,
                1 | 2 => 2,
                _ => 1,
            },
        }
    }

    /// How common this variation is among all searches of one base query.
    fn likelihood(&self) -> f64 {
        let view = if self.lessons_view { 0.3 } else { 0.7 };
        let filter = if self.filter.is_some() { 0.1 } else { 0.5 };
        let years = if self.years.is_some() { 0.05 } else { 0.8 };
        let sort = if self.sort.is_some() { 0.1 } else { 0.8 };
        let page = match self.page {
            3 => 0.05,
            2 => 0.15,
            _ => 0.8,
        };
        view * filter * years * sort * page
    }

    fn query(&self, text: &str) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("q", text);
        if self.lessons_view {
            query.append_pair("view", "lessons");
        }
        if let Some((key, value)) = &self.filter {
            query.append_pair(key, value);
        }
        if let Some((from, to)) = self.years {
            query.append_pair("year_from", &from.to_string());
            query.append_pair("year_to", &to.to_string());
        }
        if let Some(sort) = self.sort {
            query.append_pair("sort", sort);
        }
        if self.page > 1 {
            query.append_pair("page", &self.page.to_string());
        }
        query.finish()
    }
}

fn pick(rng: &mut impl Rng, values: impl Iterator<Item = &'static str>) -> &'static str {
    let values: Vec<&'static str> = values.collect();
    values[rng.random_range(0..values.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_holds_enough_distinct_requests_with_a_long_tail() {
        let mix = QueryMix::new(7);
        assert_eq!(mix.requests.len(), QueryMix::DISTINCT);
        let distinct: std::collections::HashSet<_> =
            mix.requests.iter().map(|r| &r.query).collect();
        assert_eq!(distinct.len(), mix.requests.len());
        for class in ["plain", "phrase", "question", "misspelling", "acronym"] {
            assert!(mix.requests.iter().any(|r| r.class == class), "{class}");
        }
        assert!(mix
            .requests
            .iter()
            .any(|r| r.query.contains("view=lessons")));
        assert!(mix.requests.iter().any(|r| r.query.contains("page=3")));
        // Popular searches are asked often, the tail rarely.
        let day = mix.day(20_000, 1);
        let mut counts = vec![0usize; mix.requests.len()];
        for &i in &day {
            counts[i] += 1;
        }
        assert!(counts[0] > 200, "the most popular: {}", counts[0]);
        assert!(QueryMix::distinct_in(&day) > 1_000);
        assert_eq!(QueryMix::new(7).requests, mix.requests, "deterministic");
    }
}
