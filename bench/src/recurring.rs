//! Measuring recurring lessons against the judged set (`bench/recurring/judged.json`):
//! the judged groups, pairwise and B-cubed scores restricted to a subset of reviews, and
//! the two baselines (same theme + same agency; TF-IDF cosine over stemmed words).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result};
use lessons_recurring::FindingInput;
use serde::Deserialize;

/// The judged set's file.
#[derive(Debug, Deserialize)]
pub struct Judged {
    pub version: u32,
    pub corpus: String,
    pub groups: Vec<JudgedGroup>,
}

/// One group found by reading.
#[derive(Debug, Deserialize)]
pub struct JudgedGroup {
    #[serde(default)]
    pub point: String,
    pub findings: Vec<String>,
}

/// Reads the judged set.
pub fn load_judged(path: &Path) -> Result<Judged> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a judged set", path.display()))
}

/// A clustering: finding index -> cluster label (singletons have their own label).
pub type Labels = Vec<usize>;

/// Labels from groups of finding indices; findings in no group are singletons.
pub fn labels_from_groups(n: usize, groups: &[Vec<usize>]) -> Labels {
    let mut labels: Labels = (0..n).collect();
    for group in groups {
        if let Some(&first) = group.first() {
            for &m in group {
                labels[m] = first;
            }
        }
    }
    labels
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(precision: f64, recall: f64) -> Prf {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

/// Pairwise and B-cubed scores of `predicted` against `gold` over the findings whose
/// review is in `subset`. Pairwise counts pairs of findings from different reviews in
/// the same cluster (precision 1 when nothing is predicted). B-cubed averages over the
/// findings that are grouped in either clustering (singletons in both would only add 1s).
pub fn score(
    findings: &[FindingInput],
    subset: &HashSet<String>,
    gold: &Labels,
    predicted: &Labels,
) -> (Prf, Prf) {
    let inside: Vec<usize> = (0..findings.len())
        .filter(|&i| subset.contains(&findings[i].review_id))
        .collect();
    let clusters = |labels: &Labels| {
        let mut map: HashMap<usize, Vec<usize>> = HashMap::new();
        for &i in &inside {
            map.entry(labels[i]).or_default().push(i);
        }
        map
    };
    let gold_clusters = clusters(gold);
    let predicted_clusters = clusters(predicted);
    let pairs = |map: &HashMap<usize, Vec<usize>>| {
        let mut out = HashSet::new();
        for members in map.values() {
            for (k, &a) in members.iter().enumerate() {
                for &b in &members[k + 1..] {
                    if findings[a].review_id != findings[b].review_id {
                        out.insert((a.min(b), a.max(b)));
                    }
                }
            }
        }
        out
    };
    let gold_pairs = pairs(&gold_clusters);
    let predicted_pairs = pairs(&predicted_clusters);
    let both = gold_pairs.intersection(&predicted_pairs).count() as f64;
    let pairwise = Prf::new(
        if predicted_pairs.is_empty() {
            1.0
        } else {
            both / predicted_pairs.len() as f64
        },
        if gold_pairs.is_empty() {
            1.0
        } else {
            both / gold_pairs.len() as f64
        },
    );

    let (mut p, mut r, mut counted) = (0.0, 0.0, 0usize);
    for &i in &inside {
        let g = &gold_clusters[&gold[i]];
        let c = &predicted_clusters[&predicted[i]];
        if g.len() < 2 && c.len() < 2 {
            continue;
        }
        let shared = c.iter().filter(|m| gold[**m] == gold[i]).count() as f64;
        p += shared / c.len() as f64;
        r += shared / g.len() as f64;
        counted += 1;
    }
    let bcubed = if counted == 0 {
        Prf::new(1.0, 1.0)
    } else {
        Prf::new(p / counted as f64, r / counted as f64)
    };
    (pairwise, bcubed)
}

/// Connected components over pairs of findings from different reviews that `linked`.
pub fn components(findings: &[FindingInput], linked: impl Fn(usize, usize) -> bool) -> Labels {
    let n = findings.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for a in 0..n {
        for b in a + 1..n {
            if findings[a].review_id != findings[b].review_id && linked(a, b) {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                if ra != rb {
                    parent[ra] = rb;
                }
            }
        }
    }
    (0..n).map(|i| find(&mut parent, i)).collect()
}

/// Baseline (a): any shared theme and the same agency (both none counts as the same).
pub fn theme_agency(findings: &[FindingInput]) -> Labels {
    components(findings, |a, b| {
        let (x, y) = (&findings[a], &findings[b]);
        x.agency == y.agency && x.themes.iter().any(|t| y.themes.contains(t))
    })
}

/// Baseline (b): TF-IDF vectors over the index's stemmed words, L2-normalised.
pub fn stemmed_tfidf(findings: &[FindingInput]) -> Vec<HashMap<String, f64>> {
    let docs: Vec<Vec<String>> = findings
        .iter()
        .map(|f| lessons_index::schema::analyse(&f.text))
        .collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for doc in &docs {
        for term in doc.iter().map(String::as_str).collect::<HashSet<_>>() {
            *df.entry(term).or_default() += 1;
        }
    }
    let n = docs.len() as f64;
    docs.iter()
        .map(|doc| {
            let mut tf: HashMap<String, f64> = HashMap::new();
            for term in doc {
                *tf.entry(term.clone()).or_default() += 1.0;
            }
            for (term, w) in tf.iter_mut() {
                *w *= ((n + 1.0) / df[term.as_str()] as f64).ln();
            }
            let norm = tf.values().map(|w| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                tf.values_mut().for_each(|w| *w /= norm);
            }
            tf
        })
        .collect()
}

/// The cosine of two sparse vectors.
pub fn cosine(a: &HashMap<String, f64>, b: &HashMap<String, f64>) -> f64 {
    a.iter().filter_map(|(t, w)| b.get(t).map(|v| w * v)).sum()
}

/// Peak resident memory of this process (VmHWM), in MiB.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
