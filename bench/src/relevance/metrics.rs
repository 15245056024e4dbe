//! Graded ranking metrics: nDCG@k with exponential gain (2^grade - 1) and recall@k
//! over every judged item (grade 1 or more).

use std::collections::BTreeMap;

/// Normalised discounted cumulative gain of `ranked` at `k`; 0 when nothing is relevant.
pub fn ndcg(ranked: &[String], grades: &BTreeMap<String, u8>, k: usize) -> f64 {
    let gains: Vec<u8> = ranked
        .iter()
        .take(k)
        .map(|id| grades.get(id).copied().unwrap_or(0))
        .collect();
    let mut ideal: Vec<u8> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    ideal.truncate(k);
    let best = dcg(&ideal);
    if best == 0.0 {
        0.0
    } else {
        dcg(&gains) / best
    }
}

/// Share of the judged items found in the first `k` of `ranked`; 0 when none are judged.
pub fn recall(ranked: &[String], grades: &BTreeMap<String, u8>, k: usize) -> f64 {
    let relevant = grades.values().filter(|g| **g > 0).count();
    if relevant == 0 {
        return 0.0;
    }
    let found = ranked
        .iter()
        .take(k)
        .filter(|id| grades.get(*id).is_some_and(|g| *g > 0))
        .count();
    found as f64 / relevant as f64
}

fn dcg(grades: &[u8]) -> f64 {
    grades
        .iter()
        .enumerate()
        .map(|(rank, grade)| (f64::powi(2.0, i32::from(*grade)) - 1.0) / ((rank + 2) as f64).log2())
        .fold(0.0, |total, gain| total + gain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grades(pairs: &[(&str, u8)]) -> BTreeMap<String, u8> {
        pairs.iter().map(|(id, g)| (id.to_string(), *g)).collect()
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ideal_order_scores_one_and_reversed_scores_less() {
        let judged = grades(&[("a", 3), ("b", 2), ("c", 1)]);
        assert!((ndcg(&ids(&["a", "b", "c"]), &judged, 10) - 1.0).abs() < 1e-9);
        let reversed = ndcg(&ids(&["c", "b", "a"]), &judged, 10);
        assert!(reversed < 1.0 && reversed > 0.5, "{reversed}");
    }

    #[test]
    fn known_value_with_an_unjudged_item_first() {
        // DCG = 0 + 7/log2(3); IDCG = 7/log2(2) = 7.
        let judged = grades(&[("a", 3)]);
        let score = ndcg(&ids(&["x", "a"]), &judged, 10);
        assert!((score - 1.0 / 3f64.log2()).abs() < 1e-9, "{score}");
    }

    #[test]
    fn cut_off_and_empty_cases() {
        let judged = grades(&[("a", 3), ("b", 1)]);
        assert_eq!(ndcg(&ids(&["x", "y"]), &judged, 1), 0.0);
        assert_eq!(ndcg(&ids(&["a"]), &BTreeMap::new(), 10), 0.0);
        assert_eq!(recall(&ids(&["a", "x", "b"]), &judged, 2), 0.5);
        assert_eq!(recall(&ids(&["a", "x", "b"]), &judged, 20), 1.0);
        assert_eq!(recall(&[], &BTreeMap::new(), 20), 0.0);
    }
}
