//! Grouping over the candidate graph: pairs of findings from different reviews whose
//! cosine reaches the edge threshold are taken strongest first, and two groups merge
//! only when the *average* similarity over every pair of their members from different
//! reviews (a pair that is not a candidate counts as 0) reaches the link threshold.
//! That is average linkage restricted to the candidate graph; it stops chaining, since
//! A~B and B~C do not pull C to A unless C is close to the group as a whole. Also the
//! incremental placement of new findings with the same rule.

use std::collections::{HashMap, HashSet};

use crate::corpus::{Corpus, Scratch};
use crate::Params;

/// The similarity of every candidate pair (i < j) at or above the floor.
pub(crate) struct Graph {
    sims: HashMap<(u32, u32), f32>,
}

impl Graph {
    fn get(&self, a: usize, b: usize) -> f32 {
        let key = if a < b {
            (a as u32, b as u32)
        } else {
            (b as u32, a as u32)
        };
        self.sims.get(&key).copied().unwrap_or(0.0)
    }
}

/// Average similarity between `a`'s and `b`'s members over pairs from different
/// reviews; `None` when there is no such pair.
fn average(
    corpus: &Corpus,
    sim: impl Fn(usize, usize) -> f32,
    a: &[usize],
    b: &[usize],
) -> Option<f32> {
    let (mut total, mut pairs) = (0.0f32, 0u32);
    for &x in a {
        for &y in b {
            if corpus.cross_review(x, y) {
                total += sim(x, y);
                pairs += 1;
            }
        }
    }
    (pairs > 0).then(|| total / pairs as f32)
}

/// Groups every finding of `corpus` (each group as indices; groups spanning fewer than
/// two reviews are dropped).
pub(crate) fn group(corpus: &Corpus, params: &Params) -> Vec<Vec<usize>> {
    let floor = params.edge.min(params.link) * 0.5;
    let mut sims = HashMap::new();
    let mut edges: Vec<(u32, u32, f32)> = Vec::new();
    let mut scratch = Scratch::default();
    for index in 0..corpus.len() {
        for (other, sim) in corpus.neighbours(index, floor, &mut scratch, |o| o > index) {
            sims.insert((index as u32, other as u32), sim);
            if sim >= params.edge {
                edges.push((index as u32, other as u32, sim));
            }
        }
    }
    let graph = Graph { sims };
    edges.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));

    let mut cluster: Vec<u32> = (0..corpus.len() as u32).collect();
    let mut members: HashMap<u32, Vec<usize>> = HashMap::new();
    for (a, b, _) in edges {
        let (ca, cb) = (cluster[a as usize], cluster[b as usize]);
        if ca == cb {
            continue;
        }
        let (single_a, single_b) = ([a as usize], [b as usize]);
        let ma: &[usize] = members.get(&ca).map_or(&single_a, Vec::as_slice);
        let mb: &[usize] = members.get(&cb).map_or(&single_b, Vec::as_slice);
        if ma.len() + mb.len() > params.max_group {
            continue;
        }
        let avg = average(corpus, |x, y| graph.get(x, y), ma, mb).unwrap_or(0.0);
        if avg < params.link {
            continue;
        }
        let (keep, keep_one, gone, gone_one) = if ma.len() >= mb.len() {
            (ca, a, cb, b)
        } else {
            (cb, b, ca, a)
        };
        let moved = members
            .remove(&gone)
            .unwrap_or_else(|| vec![gone_one as usize]);
        for &m in &moved {
            cluster[m] = keep;
        }
        members
            .entry(keep)
            .or_insert_with(|| vec![keep_one as usize])
            .extend(moved);
    }
    let mut groups: Vec<Vec<usize>> = members
        .into_values()
        .filter(|m| spans_reviews(corpus, m))
        .collect();
    groups.sort();
    groups
}

pub(crate) fn spans_reviews(corpus: &Corpus, members: &[usize]) -> bool {
    members
        .iter()
        .map(|&m| corpus.reviews[m])
        .collect::<HashSet<_>>()
        .len()
        >= 2
}

/// Places each finding of `new` (indices into `corpus`, not in any group yet) into the
/// group whose members it is closest to on average, when that reaches the link
/// threshold, or else into a new group with its closest ungrouped finding of another
/// review. `groups` are indices; `group_of` maps a finding to its group's position.
pub(crate) fn place(
    corpus: &Corpus,
    params: &Params,
    new: &[usize],
    groups: &mut Vec<Vec<usize>>,
    group_of: &mut HashMap<usize, usize>,
) {
    let mut scratch = Scratch::default();
    for &x in new {
        if group_of.contains_key(&x) {
            continue;
        }
        let floor = params.edge.min(params.link) * 0.5;
        let neighbours = corpus.neighbours(x, floor, &mut scratch, |_| true);
        let near: HashMap<usize, f32> = neighbours.iter().copied().collect();
        let sim = |a: usize, b: usize| -> f32 {
            if a == x {
                near.get(&b).copied().unwrap_or(0.0)
            } else if b == x {
                near.get(&a).copied().unwrap_or(0.0)
            } else {
                corpus.similarity(a, b)
            }
        };
        let mut best: Option<(f32, usize)> = None;
        let tried: HashSet<usize> = neighbours
            .iter()
            .filter(|(_, s)| *s >= params.edge)
            .filter_map(|(o, _)| group_of.get(o).copied())
            .collect();
        for g in tried {
            if groups[g].len() + 1 > params.max_group {
                continue;
            }
            if let Some(avg) = average(corpus, sim, &[x], &groups[g]) {
                if avg >= params.link && best.is_none_or(|(b, _)| avg > b) {
                    best = Some((avg, g));
                }
            }
        }
        if let Some((_, g)) = best {
            groups[g].push(x);
            group_of.insert(x, g);
            continue;
        }
        let pair = neighbours
            .iter()
            .filter(|(o, s)| *s >= params.edge.max(params.link) && !group_of.contains_key(o))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some(&(o, _)) = pair {
            groups.push(vec![o, x]);
            group_of.insert(o, groups.len() - 1);
            group_of.insert(x, groups.len() - 1);
        }
    }
}
