//! Grouping over the candidate graph: pairs of findings from different reviews whose
//! cosine reaches the edge threshold are taken strongest first, and two groups merge
//! only when the *average* similarity over every pair of their members from different
//! reviews (a pair that is not a candidate counts as 0) reaches the link threshold.
//! That is average linkage restricted to the candidate graph; it stops chaining, since
//! A~B and B~C do not pull C to A unless C is close to the group as a whole. An edge
//! also needs some shared wording beyond a shared practice-point tag
//! (`Analysis::lexical_floor`); an optional second pass merges groups whose main known
//! point is the same at a lower average (`Analysis::point_link`, off by default). Also
//! the incremental placement of new findings with the same rule.

use std::collections::{HashMap, HashSet};

use crate::corpus::{Corpus, Scratch};
use crate::Params;

/// A finding keeps at most this many candidate neighbours among later findings.
const NEIGHBOURS: usize = 40;

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

/// A group being built: its members, how many come from each review, and the sum of
/// candidate similarities to each neighbouring group.
#[derive(Default)]
struct Cluster {
    members: Vec<usize>,
    reviews: HashMap<u32, u32>,
    links: HashMap<u32, f32>,
    /// The known practice point of the group when it was seeded by one
    /// (`Analysis::point_groups`): groups of two different points never merge.
    point: Option<u32>,
}

/// Groups every finding of `corpus` (each group as indices; groups spanning fewer than
/// two reviews are dropped). Each finding keeps its [`NEIGHBOURS`] closest candidates
/// among later findings; the merge test reads the similarity sums kept between groups,
/// so it costs no more than the groups' neighbour lists.
pub(crate) fn group(corpus: &Corpus, params: &Params) -> Vec<Vec<usize>> {
    let floor = floor(corpus, params);
    let n = corpus.len();
    let mut clusters: Vec<Cluster> = (0..n)
        .map(|index| Cluster {
            members: vec![index],
            reviews: HashMap::from([(corpus.reviews[index], 1)]),
            links: HashMap::new(),
            point: None,
        })
        .collect();
    let mut edges: Vec<(u32, u32, f32)> = Vec::new();
    let mut point_pairs: Vec<(u32, u32, f32)> = Vec::new();
    let mut scratch = Scratch::default();
    for index in 0..n {
        if !corpus.live[index] || !corpus.groupable[index] {
            continue;
        }
        let mut near = corpus.neighbours(index, floor, &mut scratch, |o| o > index);
        if near.len() > NEIGHBOURS {
            near.select_nth_unstable_by(NEIGHBOURS - 1, |a, b| b.1.total_cmp(&a.1));
            near.truncate(NEIGHBOURS);
        }
        for (other, sim) in near {
            clusters[index].links.insert(other as u32, sim);
            clusters[other].links.insert(index as u32, sim);
            if sim >= params.edge && corpus.lexical_support(index, other, sim) {
                edges.push((index as u32, other as u32, sim));
            } else if corpus.analysis.point_link > 0.0
                && corpus.points[index].is_some()
                && corpus.points[index] == corpus.points[other]
            {
                point_pairs.push((index as u32, other as u32, sim));
            }
        }
    }
    edges.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));

    // cluster[i]: the cluster finding i is in (named by the position of one member).
    let mut cluster: Vec<u32> = (0..n as u32).collect();
    if corpus.analysis.point_groups {
        seed_points(corpus, params, &mut clusters, &mut cluster);
    }
    for (a, b, _) in edges {
        let (ca, cb) = (cluster[a as usize], cluster[b as usize]);
        if ca == cb || different_points(&clusters, ca, cb) {
            continue;
        }
        if average_link(&clusters, ca, cb, params.max_group).is_some_and(|avg| avg >= params.link) {
            merge(&mut clusters, &mut cluster, ca, cb);
        }
    }

    // Second pass: groups whose main known practice point is the same merge at a lower
    // average similarity (the point says they teach the same thing; the words needed
    // only to confirm it).
    let point_link = corpus.analysis.point_link;
    if point_link > 0.0 {
        let mut point_edges: Vec<(u32, u32, f32)> = point_pairs
            .into_iter()
            .filter(|e| e.2 >= point_link)
            .collect();
        point_edges.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
        for (a, b, _) in point_edges {
            let (ca, cb) = (cluster[a as usize], cluster[b as usize]);
            if ca == cb {
                continue;
            }
            let main_a = main_point_of(corpus, &clusters[ca as usize].members);
            if main_a.is_none() || main_a != main_point_of(corpus, &clusters[cb as usize].members) {
                continue;
            }
            if average_link(&clusters, ca, cb, params.max_group)
                .is_some_and(|avg| avg >= point_link)
            {
                merge(&mut clusters, &mut cluster, ca, cb);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = clusters
        .into_iter()
        .filter(|c| c.reviews.len() >= 2)
        .map(|mut c| {
            c.members.sort_unstable();
            c.members
        })
        .collect();
    groups.sort();
    groups
}

/// Points first: every groupable finding whose main point is a known practice point
/// joins that point's group (up to `max_group` findings, in corpus order; the rest are
/// left to the words).
fn seed_points(corpus: &Corpus, params: &Params, clusters: &mut [Cluster], cluster: &mut [u32]) {
    let mut seed: HashMap<u32, u32> = HashMap::new();
    for index in 0..corpus.len() {
        if !corpus.live[index] || !corpus.groupable[index] {
            continue;
        }
        let Some(point) = corpus.points[index] else {
            continue;
        };
        let c = match seed.get(&point) {
            Some(&c) if clusters[c as usize].members.len() < params.max_group => {
                merge(clusters, cluster, c, index as u32);
                cluster[index]
            }
            Some(_) => continue,
            None => index as u32,
        };
        clusters[c as usize].point = Some(point);
        seed.insert(point, c);
    }
}

/// Whether two clusters were seeded by different known points.
fn different_points(clusters: &[Cluster], ca: u32, cb: u32) -> bool {
    matches!(
        (clusters[ca as usize].point, clusters[cb as usize].point),
        (Some(x), Some(y)) if x != y
    )
}

/// The similarity below which candidate pairs are not kept.
fn floor(corpus: &Corpus, params: &Params) -> f32 {
    let mut floor = params.edge.min(params.link);
    if corpus.analysis.point_link > 0.0 {
        floor = floor.min(corpus.analysis.point_link);
    }
    floor * 0.5
}

/// The known practice point held by more than half of `members`, if any.
fn main_point_of(corpus: &Corpus, members: &[usize]) -> Option<u32> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for &m in members {
        if let Some(p) = corpus.points[m] {
            *counts.entry(p).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .find(|(_, c)| 2 * c > members.len())
        .map(|(p, _)| p)
}

/// The average similarity between clusters `ca` and `cb` over their cross-review member
/// pairs (pairs that are not kept candidates count as 0); `None` when they may not merge
/// (too large together, or no cross-review pair).
fn average_link(clusters: &[Cluster], ca: u32, cb: u32, max_group: usize) -> Option<f32> {
    let (x, y) = (&clusters[ca as usize], &clusters[cb as usize]);
    if x.members.len() + y.members.len() > max_group {
        return None;
    }
    let (small, large) = if x.reviews.len() <= y.reviews.len() {
        (x, y)
    } else {
        (y, x)
    };
    let same_review: u64 = small
        .reviews
        .iter()
        .map(|(r, c)| *c as u64 * large.reviews.get(r).copied().unwrap_or(0) as u64)
        .sum();
    let cross = x.members.len() as u64 * y.members.len() as u64 - same_review;
    if cross == 0 {
        return None;
    }
    let sum = x.links.get(&cb).copied().unwrap_or(0.0);
    Some(sum / cross as f32)
}

/// Merges clusters `ca` and `cb` (the larger keeps its name).
fn merge(clusters: &mut [Cluster], cluster: &mut [u32], ca: u32, cb: u32) {
    let (keep, gone) = if clusters[ca as usize].members.len() >= clusters[cb as usize].members.len()
    {
        (ca, cb)
    } else {
        (cb, ca)
    };
    let moved = std::mem::take(&mut clusters[gone as usize]);
    for &m in &moved.members {
        cluster[m] = keep;
    }
    for (&c, &s) in &moved.links {
        if c != keep {
            let neighbour = &mut clusters[c as usize].links;
            neighbour.remove(&gone);
            *neighbour.entry(keep).or_default() += s;
        }
    }
    let kept = &mut clusters[keep as usize];
    kept.links.remove(&gone);
    for (c, s) in moved.links {
        if c != keep {
            *kept.links.entry(c).or_default() += s;
        }
    }
    for (r, c) in moved.reviews {
        *kept.reviews.entry(r).or_default() += c;
    }
    kept.members.extend(moved.members);
    if kept.point.is_none() {
        kept.point = moved.point;
    }
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
    let by_points = corpus.analysis.point_groups;
    // The group of each known point: the largest group most of whose members make it.
    let mut point_group: HashMap<u32, usize> = HashMap::new();
    if by_points {
        for (g, members) in groups.iter().enumerate() {
            if let Some(p) = main_point_of(corpus, members) {
                let larger = point_group
                    .get(&p)
                    .is_none_or(|&other| groups[other].len() < members.len());
                if larger {
                    point_group.insert(p, g);
                }
            }
        }
    }
    for &x in new {
        if group_of.contains_key(&x) || !corpus.groupable[x] || !corpus.live[x] {
            continue;
        }
        let point = if by_points { corpus.points[x] } else { None };
        if let Some(p) = point {
            // Points first: join the point's group, or form it with the findings of
            // other reviews that make the point and are in no group yet.
            if let Some(&g) = point_group.get(&p) {
                if groups[g].len() < params.max_group {
                    groups[g].push(x);
                    group_of.insert(x, g);
                    continue;
                }
            } else {
                let mut members: Vec<usize> = (0..corpus.len())
                    .filter(|&o| {
                        o != x
                            && corpus.points[o] == Some(p)
                            && corpus.live[o]
                            && corpus.groupable[o]
                            && !group_of.contains_key(&o)
                    })
                    .take(params.max_group.saturating_sub(1))
                    .collect();
                members.push(x);
                if spans_reviews(corpus, &members) {
                    let g = groups.len();
                    for &m in &members {
                        group_of.insert(m, g);
                    }
                    groups.push(members);
                    point_group.insert(p, g);
                    continue;
                }
            }
        }
        let floor = floor(corpus, params);
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
            .filter(|(o, s)| *s >= params.edge && corpus.lexical_support(x, *o, *s))
            .filter_map(|(o, _)| group_of.get(o).copied())
            .collect();
        for g in tried {
            if groups[g].len() + 1 > params.max_group {
                continue;
            }
            if by_points {
                // A group of another known point is not this finding's group.
                let theirs = main_point_of(corpus, &groups[g]);
                if theirs.is_some() && point.is_some() && theirs != point {
                    continue;
                }
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
            .filter(|(o, s)| {
                *s >= params.edge.max(params.link)
                    && !group_of.contains_key(o)
                    && (point.is_none()
                        || corpus.points[*o].is_none()
                        || corpus.points[*o] == point)
                    && corpus.lexical_support(x, *o, *s)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some(&(o, _)) = pair {
            groups.push(vec![o, x]);
            group_of.insert(o, groups.len() - 1);
            group_of.insert(x, groups.len() - 1);
        }
    }
}
