//! Recurring lessons: groups of public findings from different reviews that make the
//! same practice point (DESIGN §9). No I/O: the caller hands in the public findings and
//! the previous grouping, and keeps what comes back.
//!
//! # Method
//! 1. **Points first.** `points` is a catalogue of the practice points national analyses
//!    of serious case reviews keep naming (hidden men, "was not brought", a bruise on a
//!    non-mobile baby, start again syndrome, think family, exploited young people
//!    treated as offenders, safe sleep advice to every carer, records when a family
//!    moves, ...), each with a slug, a short label and cue patterns over concept terms.
//!    A finding's *main point* is the known point its first sentence makes (cues must
//!    match within one sentence; [`Analysis::point_sentences`]). Every groupable
//!    finding with a main point joins that point's group directly
//!    ([`Analysis::point_groups`]): the point says they teach the same thing, however
//!    differently worded.
//! 2. **Then words, strictly.** [`Corpus`] analyses each finding's text once with the
//!    search analyzer's concept terms (`lessons_index::query::concept_terms`: English
//!    stems, the safeguarding synonym groups and acronyms as one term each, function
//!    words left out) and weighs them by TF-IDF over the findings (words every finding
//!    uses weigh next to nothing); a finding's main point is one extra term weighing
//!    [`Analysis::point_weight`] of the norm of its words; the vector is
//!    L2-normalised. Good-practice findings (kind `good_practice`) count for the IDF but
//!    are never grouped: a commendation of one worker is not a lesson learnt again
//!    ([`Analysis::group_good_practice`]).
//! 3. Candidate pairs come from an inverted index over each finding's heaviest
//!    informative terms (terms in more than 1% of findings are not looked up); the
//!    exact cosine is computed on candidates only.
//! 4. Grouping (`cluster`): after the point groups are seeded, candidate pairs from
//!    *different* reviews whose cosine reaches [`Params::edge`] and whose cosine over
//!    the words alone, point tags left out, reaches [`Analysis::lexical_floor`] are
//!    taken strongest first; two groups merge only when the average similarity over all
//!    their cross-review member pairs reaches [`Params::link`] (average linkage over the
//!    candidate graph, so no chaining), and never when they are the groups of two
//!    different known points. Groups spanning fewer than two reviews are dropped; a
//!    finding is in at most one group. An optional pass ([`Analysis::point_link`], off
//!    by default) merges groups with the same main point at a lower average.
//! 5. Ids (`ids`): after [`regroup`], each new group takes the id of the old group it
//!    shares most findings with (largest overlap first, each old id once); others get
//!    `rl-{next_id}`; a vanished id is kept in [`Grouping::retired`] with its successor.
//!
//! # Use
//! - Full rebuild: [`regroup`] (or [`regroup_corpus`] with a [`Corpus`] you keep).
//! - After a publish: keep the [`Corpus`] and call [`Corpus::assign`] with the newly
//!   public findings (0.08 s for a review of 25 findings at 250,000 findings: only
//!   their candidates are compared). The free function [`assign`] does the same from
//!   scratch, but it analyses `all` first (7.6 s at 250,000 findings on the
//!   development machine), so a service that must reflect a publish within 5 s keeps a
//!   `Corpus` in memory (rebuilt with each full [`regroup`], 43 s at that size).
//! - Bounds: each finding looks up at most 12 terms, terms in more than 1% of the
//!   findings (at most 1,500 findings) are not looked up, at most 200 candidates per
//!   finding are scored exactly and 40 kept; groups stop at [`Params::max_group`].
//! - After a withdrawal or an amendment: [`Corpus::remove`] (then `assign` the amended
//!   findings again). A periodic [`regroup`] refreshes the IDF and the groups.
//! - [`representative`]: the member whose words are most shared by the others;
//!   [`label`]: the known point's label when most members make it ([`group_point`]),
//!   otherwise the representative's first sentence, cut to about 90 characters.
//! - [`Corpus::assign`] follows the same method: a new finding whose main point is a
//!   known point joins that point's group, or forms it with the ungrouped findings of
//!   other reviews that make the point; the others are placed by their words.

mod cluster;
mod corpus;
mod ids;
mod points;

use std::collections::{BTreeMap, HashMap, HashSet};

use lessons_model::Review;
use serde::{Deserialize, Serialize};

pub use corpus::{Analysis, Corpus};

/// One public finding, as the grouping sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingInput {
    /// `<review id>#L<n>`.
    pub finding_id: String,
    pub review_id: String,
    pub board: String,
    pub year: Option<i32>,
    pub kind: String,
    pub level: String,
    pub agency: Option<String>,
    pub themes: Vec<String>,
    pub text: String,
}

impl FindingInput {
    /// The findings of `review` (the caller decides whether the review is public).
    pub fn from_review(review: &Review) -> Vec<FindingInput> {
        let year = review.year();
        review
            .lessons
            .iter()
            .map(|lesson| FindingInput {
                finding_id: lesson.id.clone(),
                review_id: review.id.clone(),
                board: review.board.clone(),
                year,
                kind: lesson.kind.clone(),
                level: lesson.level.clone(),
                agency: lesson.agency.clone(),
                themes: lesson.themes.clone(),
                text: lesson.text.clone(),
            })
            .collect()
    }
}

/// A recurring lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// `rl-N`.
    pub id: String,
    /// Finding ids, oldest year first (then by id; findings without a year last).
    pub members: Vec<String>,
}

/// Every recurring lesson, with what is needed to keep ids stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grouping {
    /// Ordered by id number.
    pub groups: Vec<Group>,
    /// The number of the next new id.
    pub next_id: u64,
    /// Vanished id -> the id of its successor, if any.
    pub retired: BTreeMap<String, Option<String>>,
}

impl Default for Grouping {
    fn default() -> Self {
        Grouping {
            groups: Vec::new(),
            next_id: 1,
            retired: BTreeMap::new(),
        }
    }
}

/// The thresholds of the method (the defaults were tuned on the judged set; see
/// BENCHMARKS.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// A pair of findings from different reviews is an edge at this cosine.
    pub edge: f32,
    /// Two groups merge (a finding joins a group) when the average cosine over their
    /// cross-review member pairs reaches this.
    pub link: f32,
    /// No group grows beyond this many findings.
    pub max_group: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            edge: 0.35,
            link: 0.30,
            max_group: 500,
        }
    }
}

/// Groups `findings` from scratch, carrying ids over from `previous`.
pub fn regroup(findings: &[FindingInput], previous: &Grouping) -> Grouping {
    regroup_corpus(&Corpus::new(findings), previous, &Params::default())
}

/// [`regroup`] over a prepared corpus with explicit thresholds.
pub fn regroup_corpus(corpus: &Corpus, previous: &Grouping, params: &Params) -> Grouping {
    let groups = cluster::group(corpus, params)
        .into_iter()
        .map(|members| ordered(corpus, members))
        .collect();
    ids::name(groups, previous)
}

/// Places newly public findings `new` into the groups of `current` or new ones, with
/// `all` the public findings already grouped (those of `new` may be among them). Builds
/// a [`Corpus`] first; keep one and call [`Corpus::assign`] to skip that.
pub fn assign(new: &[FindingInput], all: &[FindingInput], current: &Grouping) -> Grouping {
    let fresh: HashSet<&str> = new.iter().map(|f| f.finding_id.as_str()).collect();
    let old: Vec<FindingInput> = all
        .iter()
        .filter(|f| !fresh.contains(f.finding_id.as_str()))
        .cloned()
        .collect();
    let mut corpus = Corpus::new(&old);
    corpus.assign(new, current, &Params::default())
}

/// The known practice point a finding's text makes, if any (see the `points` module):
/// a slug such as `non_mobile_bruising`. Read as the grouping reads it: from the first
/// sentences ([`Analysis::point_sentences`] of the default analysis).
pub fn practice_point(text: &str) -> Option<&'static str> {
    points::main_point(&points::sentences(text))
        .filter(|m| m.sentence < Analysis::default().point_sentences)
        .map(|m| m.point.slug)
}

/// The short human label of a known practice point (`hidden_men` -> "Men in the
/// household unseen"), if the slug is known.
pub fn point_label(slug: &str) -> Option<&'static str> {
    points::by_slug(slug).map(|p| p.label)
}

/// The known practice point (slug) that more than half of the group's members make,
/// if any (members not found among `findings` count as making none).
pub fn group_point(group: &Group, findings: &[FindingInput]) -> Option<&'static str> {
    let wanted: HashSet<&str> = group.members.iter().map(String::as_str).collect();
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    for finding in findings {
        if wanted.contains(finding.finding_id.as_str()) {
            if let Some(slug) = practice_point(&finding.text) {
                *counts.entry(slug).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, c)| 2 * c > group.members.len())
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(slug, _)| slug)
}

/// The longest a label built from a member's text gets, in characters (before " …").
const LABEL_CHARS: usize = 90;

/// A short label for a group: the known point's label when most members make that
/// point ([`group_point`]), otherwise the first sentence of the [`representative`]
/// member, cut at a word boundary to about 90 characters ("…" marks a cut).
pub fn label(group: &Group, findings: &[FindingInput]) -> String {
    if let Some(label) = group_point(group, findings).and_then(point_label) {
        return label.to_string();
    }
    short_label(representative(group, findings))
}

/// The first sentence of `text`, cut at a word boundary to [`LABEL_CHARS`].
fn short_label(text: &str) -> String {
    let text = text.trim();
    let mut end = text.len();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '.' | '?' | '!' | ';') && chars.peek().is_none_or(|(_, n)| n.is_whitespace())
        {
            end = if c == ';' { i } else { i + c.len_utf8() };
            break;
        }
    }
    let sentence = text[..end].trim();
    if sentence.chars().count() <= LABEL_CHARS {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(LABEL_CHARS).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(space) if space > LABEL_CHARS / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    let trimmed = at_word.trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    format!("{trimmed} …")
}

/// The text of the member that shares most of its concept terms with the other members
/// (the first member when none is found among `findings`).
pub fn representative<'a>(group: &Group, findings: &'a [FindingInput]) -> &'a str {
    let wanted: HashSet<&str> = group.members.iter().map(String::as_str).collect();
    let members: Vec<&FindingInput> = findings
        .iter()
        .filter(|f| wanted.contains(f.finding_id.as_str()))
        .collect();
    let terms: Vec<HashSet<String>> = members
        .iter()
        .map(|f| {
            lessons_index::query::concept_terms(&f.text)
                .into_iter()
                .collect()
        })
        .collect();
    let mut best: Option<(f32, usize)> = None;
    for (i, mine) in terms.iter().enumerate() {
        let score: f32 = terms
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, theirs)| {
                let shared = mine.intersection(theirs).count() as f32;
                let union = mine.union(theirs).count().max(1) as f32;
                shared / union
            })
            .sum();
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, i));
        }
    }
    match best {
        Some((_, i)) => &members[i].text,
        None => "",
    }
}

impl Corpus {
    /// Adds the newly public findings `new` to the corpus (with the IDF of its build)
    /// and places each as [`regroup`] would: a finding whose main point is a known
    /// practice point joins that point's group, or forms it (`rl-{next_id}`) with the
    /// ungrouped findings of other reviews that make the point; any other finding joins
    /// the group of `current` whose members it is closest to on average, or a new group
    /// with its closest ungrouped finding of another review, when the thresholds of
    /// `params` are met. A finding of `new` already in a group (an amendment) leaves it
    /// first.
    pub fn assign(
        &mut self,
        new: &[FindingInput],
        current: &Grouping,
        params: &Params,
    ) -> Grouping {
        let fresh: Vec<String> = new.iter().map(|f| f.finding_id.clone()).collect();
        let without = self.remove(&fresh, current);
        let added = self.extend(new);
        let mut groups: Vec<Vec<usize>> = without
            .groups
            .iter()
            .map(|g| g.members.iter().filter_map(|m| self.index_of(m)).collect())
            .collect();
        let mut group_of: HashMap<usize, usize> = HashMap::new();
        for (g, members) in groups.iter().enumerate() {
            for &m in members {
                group_of.insert(m, g);
            }
        }
        let known = groups.len();
        cluster::place(self, params, &added, &mut groups, &mut group_of);
        let mut next_id = without.next_id;
        let mut named = Vec::with_capacity(groups.len());
        for (g, members) in groups.into_iter().enumerate() {
            let id = if g < known {
                without.groups[g].id.clone()
            } else {
                let id = format!("rl-{next_id}");
                next_id += 1;
                id
            };
            named.push(Group {
                id,
                members: ordered(self, members),
            });
        }
        Grouping {
            groups: named,
            next_id,
            retired: without.retired,
        }
    }

    /// Removes findings (withdrawn, or amended and to be assigned again) from the corpus
    /// and from their groups; a group left spanning fewer than two reviews is retired
    /// without a successor.
    pub fn remove(&mut self, ids: &[String], current: &Grouping) -> Grouping {
        self.forget(ids);
        let gone: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut out = Grouping {
            groups: Vec::new(),
            next_id: current.next_id,
            retired: current.retired.clone(),
        };
        for group in &current.groups {
            let members: Vec<String> = group
                .members
                .iter()
                .filter(|m| !gone.contains(m.as_str()))
                .cloned()
                .collect();
            let indices: Vec<usize> = members.iter().filter_map(|m| self.index_of(m)).collect();
            if cluster::spans_reviews(self, &indices) {
                out.groups.push(Group {
                    id: group.id.clone(),
                    members,
                });
            } else {
                out.retired.insert(group.id.clone(), None);
            }
        }
        out
    }
}

/// Member ids, oldest year first, then by id; findings without a year last.
fn ordered(corpus: &Corpus, mut members: Vec<usize>) -> Vec<String> {
    members.sort_by(|&a, &b| {
        let key = |i: usize| (corpus.years[i].is_none(), corpus.years[i]);
        key(a)
            .cmp(&key(b))
            .then_with(|| corpus.id(a).cmp(corpus.id(b)))
    });
    members
        .into_iter()
        .map(|i| corpus.id(i).to_string())
        .collect()
}

#[cfg(test)]
mod tests;
