//! The prepared findings: each finding's text analysed once into concept terms (the
//! search analyzer's stems, synonym groups and acronyms, from `lessons-index`) and
//! term bigrams, weighted by TF-IDF over the findings and L2-normalised; an inverted
//! index over the informative terms gives candidate neighbours, and the exact cosine is
//! computed on candidates only.

use std::collections::HashMap;

use crate::FindingInput;

/// How findings are turned into vectors (the defaults were chosen on the judged set).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Analysis {
    /// Weight of a bigram of neighbouring concept terms relative to a single term.
    pub bigram_weight: f32,
    /// Weight of a finding's known practice point ([`crate::points`]) relative to the
    /// norm of all its other terms; 0 leaves the points out.
    pub point_weight: f32,
    /// Second grouping pass: two groups whose main known practice point is the same
    /// merge when their average similarity reaches this (0: no second pass).
    pub point_link: f32,
    /// Terms in fewer findings than this are left out of the vectors: a word no other
    /// finding uses cannot make two findings alike, it only dilutes the ones that do.
    pub min_df: u32,
    /// An edge (a pair that may start or join a group) also needs this cosine over the
    /// words alone, known practice points left out: a shared point tag is not enough
    /// without some shared wording.
    pub lexical_floor: f32,
    /// Whether good-practice findings (kind `good_practice`) may be grouped. A recurring
    /// lesson is a point found wanting again and again; a commendation of what one
    /// worker did in one case is not a lesson learnt again, so by default they stay out
    /// of groups (they still count for the IDF).
    pub group_good_practice: bool,
    /// Whether findings whose main point is a known practice point ([`crate::points`])
    /// are grouped by that point directly (every such finding joins its point's group),
    /// before the others are grouped by their words.
    pub point_groups: bool,
    /// A known point counts as a finding's main point only when it is read from one of
    /// its first this many sentences (1: the first sentence).
    pub point_sentences: usize,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            bigram_weight: 0.0,
            point_weight: 0.5,
            point_link: 0.0,
            min_df: 1,
            lexical_floor: 0.15,
            group_good_practice: false,
            point_groups: true,
            point_sentences: 1,
        }
    }
}
/// Candidate look-ups use at most this many of a finding's heaviest terms.
const LOOKUP_TERMS: usize = 12;
/// A term in more findings than this share (and more than [`MIN_POSTINGS_CAP`]) is not
/// used to find candidates: it is too common to say two findings share a point.
const MAX_DF_SHARE: f64 = 0.01;
/// The smallest posting-list cap, so that small corpora use every term.
const MIN_POSTINGS_CAP: usize = 400;
/// The largest posting-list cap, which bounds the cost of a look-up in a large corpus.
const MAX_POSTINGS_CAP: usize = 1500;

/// A candidate is scored exactly when its dot product over shared lookup terms reaches
/// this share of the similarity floor.
const PARTIAL_SHARE: f32 = 0.4;

/// At most this many candidates (the best partial scores) are scored exactly.
const EXACT_CANDIDATES: usize = 200;

/// Reusable accumulators for candidate search (one per thread).
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    acc: Vec<f32>,
    touched: Vec<u32>,
}

impl Scratch {
    fn fit(&mut self, n: usize) {
        if self.acc.len() < n {
            self.acc.resize(n, 0.0);
        }
    }
}

/// The findings, analysed once; see the crate documentation.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub(crate) ids: Vec<String>,
    pub(crate) reviews: Vec<u32>,
    pub(crate) years: Vec<Option<i32>>,
    /// False for a finding removed (withdrawn) since it was added.
    pub(crate) live: Vec<bool>,
    /// False for a finding that is never grouped (good practice, unless
    /// [`Analysis::group_good_practice`]).
    pub(crate) groupable: Vec<bool>,
    review_index: HashMap<String, u32>,
    pub(crate) by_id: HashMap<String, usize>,
    terms: HashMap<String, u32>,
    df: Vec<u32>,
    /// Whether each term is a bigram of two concept terms.
    bigram: Vec<bool>,
    /// Whether each term is a known practice point.
    point: Vec<bool>,
    pub(crate) analysis: Analysis,
    /// Each finding's known practice point (its term id), if any.
    pub(crate) points: Vec<Option<u32>>,
    /// Raw term frequencies per finding (term id, count), sorted by term id.
    counts: Vec<Vec<(u32, u32)>>,
    /// TF-IDF vectors, L2-normalised, sorted by term id.
    pub(crate) vectors: Vec<Vec<(u32, f32)>>,
    /// Per term: the findings that look it up, with their weight for it.
    postings: Vec<Vec<(u32, f32)>>,
    /// The number of findings the IDF was computed over.
    idf_n: usize,
}

impl Corpus {
    /// Analyses `findings` (their order is kept: finding `i` is index `i`).
    pub fn new(findings: &[FindingInput]) -> Corpus {
        Corpus::with_analysis(findings, Analysis::default())
    }

    /// [`Corpus::new`] with explicit weights.
    pub fn with_analysis(findings: &[FindingInput], analysis: Analysis) -> Corpus {
        let mut corpus = Corpus {
            analysis,
            ..Corpus::default()
        };
        for finding in findings {
            corpus.push_counts(finding);
        }
        corpus.reweigh();
        corpus
    }

    /// [`Corpus::new`] weighted with the IDF of a larger corpus: `df` (term -> how many
    /// of its `n` findings use it, from [`Corpus::document_frequencies`]), so that a
    /// small set of candidates and new findings weighs words as the whole corpus does.
    /// A term of `findings` unknown to `df` counts with its own frequency here.
    pub fn with_document_frequencies(
        findings: &[FindingInput],
        n: usize,
        df: &HashMap<String, u32>,
    ) -> Corpus {
        let mut corpus = Corpus::default();
        for finding in findings {
            corpus.push_counts(finding);
        }
        for (term, id) in &corpus.terms {
            if let Some(&global) = df.get(term) {
                let local = &mut corpus.df[*id as usize];
                *local = (*local).max(global);
            }
        }
        corpus.reweigh_over(n.max(corpus.ids.len()));
        corpus
    }

    /// Every term with the number of findings that use it, and the number of findings
    /// (for [`Corpus::with_document_frequencies`]).
    pub fn document_frequencies(&self) -> (usize, HashMap<String, u32>) {
        let df = self
            .terms
            .iter()
            .map(|(term, id)| (term.clone(), self.df[*id as usize]))
            .filter(|(_, df)| *df > 0)
            .collect();
        (self.ids.len(), df)
    }

    /// How many findings the corpus holds.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the corpus holds no finding.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The index of finding `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The finding id at `index`.
    pub fn id(&self, index: usize) -> &str {
        &self.ids[index]
    }

    /// Adds findings after the corpus was built, weighted with the IDF of the build
    /// (so existing vectors stay valid), and returns their indices. A finding whose id
    /// is already present is re-analysed in place (an amendment).
    pub fn extend(&mut self, findings: &[FindingInput]) -> Vec<usize> {
        let mut added = Vec::with_capacity(findings.len());
        for finding in findings {
            let index = self.push_counts(finding);
            let vector = self.weigh(&self.counts[index]);
            if index < self.vectors.len() {
                self.vectors[index] = vector;
            } else {
                self.vectors.push(vector);
            }
            self.index_postings(index);
            added.push(index);
        }
        added
    }

    /// Analyses one finding into term counts; returns its index.
    fn push_counts(&mut self, finding: &FindingInput) -> usize {
        let review = match self.review_index.get(&finding.review_id) {
            Some(r) => *r,
            None => {
                let r = self.review_index.len() as u32;
                self.review_index.insert(finding.review_id.clone(), r);
                r
            }
        };
        let sentences = crate::points::sentences(&finding.text);
        let concepts: Vec<String> = sentences.iter().flatten().cloned().collect();
        let groupable = self.analysis.group_good_practice || finding.kind != "good_practice";
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for (i, term) in concepts.iter().enumerate() {
            let id = self.term_id(term);
            *counts.entry(id).or_default() += 1;
            if self.analysis.bigram_weight <= 0.0 {
                continue;
            }
            if let Some(next) = concepts.get(i + 1) {
                if next != term {
                    let id = self.term_id(&format!("{term} {next}"));
                    *counts.entry(id).or_default() += 1;
                }
            }
        }
        let mut point = None;
        if self.analysis.point_weight > 0.0
            || self.analysis.point_link > 0.0
            || self.analysis.point_groups
        {
            let main = crate::points::main_point(&sentences)
                .filter(|m| m.sentence < self.analysis.point_sentences);
            if let Some(main) = main {
                let id = self.term_id(&format!("point:{}", main.point.slug));
                point = Some(id);
                if self.analysis.point_weight > 0.0 {
                    counts.insert(id, 1);
                }
            }
        }
        let mut counts: Vec<(u32, u32)> = counts.into_iter().collect();
        counts.sort_unstable();
        for (term, _) in &counts {
            self.df[*term as usize] += 1;
        }
        match self.by_id.get(&finding.finding_id) {
            Some(&index) => {
                for (term, _) in &self.counts[index] {
                    self.df[*term as usize] = self.df[*term as usize].saturating_sub(1);
                }
                self.reviews[index] = review;
                self.years[index] = finding.year;
                self.live[index] = true;
                self.groupable[index] = groupable;
                self.points[index] = point;
                self.counts[index] = counts;
                index
            }
            None => {
                let index = self.ids.len();
                self.ids.push(finding.finding_id.clone());
                self.by_id.insert(finding.finding_id.clone(), index);
                self.reviews.push(review);
                self.years.push(finding.year);
                self.live.push(true);
                self.groupable.push(groupable);
                self.points.push(point);
                self.counts.push(counts);
                index
            }
        }
    }

    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(id) = self.terms.get(term) {
            return *id;
        }
        let id = self.df.len() as u32;
        self.terms.insert(term.to_string(), id);
        self.df.push(0);
        self.bigram.push(term.contains(' '));
        self.point.push(term.starts_with("point:"));
        id
    }

    fn idf(&self, term: u32) -> f32 {
        let n = self.idf_n.max(1) as f32;
        let df = self.df[term as usize].max(1) as f32;
        ((n + 1.0) / df).ln().max(0.0)
    }

    fn weigh(&self, counts: &[(u32, u32)]) -> Vec<(u32, f32)> {
        let mut vector: Vec<(u32, f32)> = counts
            .iter()
            .map(|&(term, count)| {
                let tf = 1.0 + (count as f32).ln();
                let kind = if self.bigram[term as usize] {
                    self.analysis.bigram_weight
                } else if self.df[term as usize] < self.analysis.min_df
                    && !self.point[term as usize]
                {
                    0.0
                } else {
                    1.0
                };
                (term, tf * self.idf(term) * kind)
            })
            .filter(|(_, w)| *w > 0.0)
            .collect();
        let rest = vector
            .iter()
            .filter(|(t, _)| !self.point[*t as usize])
            .map(|(_, w)| w * w)
            .sum::<f32>()
            .sqrt();
        for (term, weight) in &mut vector {
            if self.point[*term as usize] {
                *weight = self.analysis.point_weight * if rest > 0.0 { rest } else { 1.0 };
            }
        }
        let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut vector {
                *w /= norm;
            }
        }
        vector
    }

    /// Recomputes IDF, every vector and the inverted index.
    fn reweigh(&mut self) {
        self.reweigh_over(self.ids.len());
    }

    /// [`Corpus::reweigh`] with the IDF computed over `n` findings.
    fn reweigh_over(&mut self, n: usize) {
        self.idf_n = n;
        self.vectors = self.counts.iter().map(|c| self.weigh(c)).collect();
        self.postings = vec![Vec::new(); self.df.len()];
        for index in 0..self.ids.len() {
            self.index_postings(index);
        }
    }

    fn postings_cap(&self) -> usize {
        ((self.idf_n as f64 * MAX_DF_SHARE) as usize).clamp(MIN_POSTINGS_CAP, MAX_POSTINGS_CAP)
    }

    /// The terms of `index` used to find candidates: its heaviest informative terms.
    fn lookup_terms(&self, index: usize) -> Vec<(u32, f32)> {
        let cap = self.postings_cap();
        let mut terms: Vec<(u32, f32)> = self.vectors[index]
            .iter()
            .copied()
            .filter(|(t, _)| (self.df[*t as usize] as usize) <= cap)
            .collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        terms.truncate(LOOKUP_TERMS);
        terms
    }

    fn index_postings(&mut self, index: usize) {
        if self.postings.len() < self.df.len() {
            self.postings.resize(self.df.len(), Vec::new());
        }
        for (term, weight) in self.lookup_terms(index) {
            let list = &mut self.postings[term as usize];
            if list.last().map(|l| l.0) != Some(index as u32) {
                list.push((index as u32, weight));
            }
        }
    }

    /// Marks findings as gone (withdrawn): they are no longer anyone's candidate.
    pub fn forget(&mut self, ids: &[String]) {
        for id in ids {
            if let Some(&index) = self.by_id.get(id) {
                self.live[index] = false;
            }
        }
    }

    /// Whether two findings share enough words, practice points left out, for an edge
    /// ([`Analysis::lexical_floor`]).
    /// `sim` is their cosine (the words-only cosine when neither has a point).
    pub(crate) fn lexical_support(&self, a: usize, b: usize, sim: f32) -> bool {
        let floor = self.analysis.lexical_floor;
        if floor <= 0.0 {
            return true;
        }
        if self.points[a].is_none() && self.points[b].is_none() {
            return sim >= floor;
        }
        // Vectors are unit length and hold at most one point term: the words-only
        // cosine follows from `sim` and the two point weights, without copying.
        let point_term = |i: usize| -> Option<(u32, f32)> {
            let p = self.points[i]?;
            let v = &self.vectors[i];
            v.binary_search_by_key(&p, |e| e.0).ok().map(|k| v[k])
        };
        let (pa, pb) = (point_term(a), point_term(b));
        let shared = match (pa, pb) {
            (Some((x, wx)), Some((y, wy))) if x == y => wx * wy,
            _ => 0.0,
        };
        let rest = |p: Option<(u32, f32)>| (1.0 - p.map_or(0.0, |(_, w)| w * w)).max(0.0).sqrt();
        let (nx, ny) = (rest(pa), rest(pb));
        nx > 0.0 && ny > 0.0 && (sim - shared) / (nx * ny) >= floor
    }

    /// The exact cosine of two findings.
    pub fn similarity(&self, a: usize, b: usize) -> f32 {
        cosine(&self.vectors[a], &self.vectors[b])
    }

    /// Findings of other reviews whose cosine with `index` is at least `floor`: the
    /// dot product over shared lookup terms is accumulated through the inverted index,
    /// and the exact cosine is computed for candidates whose partial score reaches
    /// [`PARTIAL_SHARE`] of the floor; `accept` filters candidates first.
    pub(crate) fn neighbours(
        &self,
        index: usize,
        floor: f32,
        scratch: &mut Scratch,
        mut accept: impl FnMut(usize) -> bool,
    ) -> Vec<(usize, f32)> {
        scratch.fit(self.len());
        let review = self.reviews[index];
        for (term, weight) in self.lookup_terms(index) {
            for &(other, theirs) in &self.postings[term as usize] {
                let o = other as usize;
                if o == index
                    || self.reviews[o] == review
                    || !self.live[o]
                    || !self.groupable[o]
                    || !accept(o)
                {
                    continue;
                }
                if scratch.acc[o] == 0.0 {
                    scratch.touched.push(other);
                }
                scratch.acc[o] += weight * theirs;
            }
        }
        let mut scored: Vec<(u32, f32)> = Vec::new();
        for &other in &scratch.touched {
            let partial = scratch.acc[other as usize];
            if partial >= floor * PARTIAL_SHARE {
                scored.push((other, partial));
            }
            scratch.acc[other as usize] = 0.0;
        }
        scratch.touched.clear();
        if scored.len() > EXACT_CANDIDATES {
            scored.select_nth_unstable_by(EXACT_CANDIDATES - 1, |a, b| b.1.total_cmp(&a.1));
            scored.truncate(EXACT_CANDIDATES);
        }
        scored
            .into_iter()
            .map(|(o, _)| (o as usize, self.similarity(index, o as usize)))
            .filter(|(_, sim)| *sim >= floor)
            .collect()
    }

    /// Whether two findings come from different reviews.
    pub(crate) fn cross_review(&self, a: usize, b: usize) -> bool {
        self.reviews[a] != self.reviews[b]
    }
}

fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}
