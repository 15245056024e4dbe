//! The judged relevance sets and their evaluation: every query runs in both views
//! through the real search (the code behind `/api/v1/search`) and through a plain BM25
//! [`baseline::Baseline`]; the result is nDCG@10 and recall@20 per query class and
//! overall. Two sets are kept apart ([`default_sets`]): `bench/relevance/judgements.jsonl`,
//! judged on the corpus the synonym list was extended on (tune on it), and
//! `bench/relevance/judgements-apart.jsonl`, written and judged apart (never tune on it).

pub mod baseline;
pub mod metrics;

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use lessons_index::{SearchRequest, View};
use lessons_web::service::Repository;
use serde::Deserialize;

use self::baseline::Baseline;

/// Depth of the nDCG cut-off.
pub const NDCG_AT: usize = 10;
/// Depth of the recall cut-off (and of every ranking fetched).
pub const RECALL_AT: usize = 20;

/// One judged query set: its name in reports and its JSON Lines file.
#[derive(Debug, Clone)]
pub struct JudgedSet {
    pub name: &'static str,
    pub path: PathBuf,
}

/// The judged sets the `relevance` command runs by default, in order: the first set
/// (tuned on) and the second, written apart (tested on only).
pub fn default_sets() -> Vec<JudgedSet> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("relevance");
    vec![
        JudgedSet {
            name: "First judged set",
            path: dir.join("judgements.jsonl"),
        },
        JudgedSet {
            name: "Second judged set, written apart",
            path: dir.join("judgements-apart.jsonl"),
        },
    ]
}

/// One judged query: grades 3 (central), 2 (substantial) or 1 (mentions) for reviews
/// and for findings; anything not listed is not relevant.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judgement {
    pub id: String,
    pub class: String,
    pub query: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub reviews: BTreeMap<String, u8>,
    #[serde(default)]
    pub lessons: BTreeMap<String, u8>,
}

impl Judgement {
    fn grades(&self, view: View) -> &BTreeMap<String, u8> {
        match view {
            View::Reviews => &self.reviews,
            View::Lessons => &self.lessons,
        }
    }
}

/// Reads a JSON Lines judgement file and checks every grade and id against `known_ids`
/// (review ids and finding ids of the corpus).
pub fn load_judgements(path: &Path, known_ids: &HashSet<String>) -> Result<Vec<Judgement>> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut judgements: Vec<Judgement> = Vec::new();
    let mut seen = HashSet::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let where_ = || format!("{} line {}", path.display(), number + 1);
        let judgement: Judgement = serde_json::from_str(line).with_context(where_)?;
        if !seen.insert(judgement.id.clone()) {
            bail!("{}: query id {} is used twice", where_(), judgement.id);
        }
        for (id, grade) in judgement.reviews.iter().chain(&judgement.lessons) {
            if !(1..=3).contains(grade) {
                bail!("{}: {id} has grade {grade}; grades are 1 to 3", where_());
            }
            if !known_ids.contains(id) {
                bail!(
                    "{}: {id} is not a review or finding of the corpus",
                    where_()
                );
            }
        }
        if judgement.reviews.is_empty() {
            bail!("{}: {} judges no review", where_(), judgement.id);
        }
        judgements.push(judgement);
    }
    Ok(judgements)
}

/// Every review and finding id held by `repository`.
pub fn corpus_ids(repository: &Repository) -> Result<HashSet<String>> {
    let mut ids = HashSet::new();
    for review in repository.reviews() {
        let review = review?;
        ids.extend(review.lessons.iter().map(|l| l.id.clone()));
        ids.insert(review.id);
    }
    Ok(ids)
}

/// The scores of one ranking of one query.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scores {
    pub ndcg: f64,
    pub recall: f64,
}

/// Ours and the baseline's scores for one query in one view.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub id: String,
    pub class: String,
    pub query: String,
    pub view: View,
    pub ours: Scores,
    pub baseline: Scores,
}

/// Runs every judgement in both views (the lessons view only where findings are judged).
pub fn evaluate(
    repository: &Repository,
    baseline: &Baseline,
    judgements: &[Judgement],
) -> Result<Vec<QueryResult>> {
    let boards = repository.board_slugs();
    let mut results = Vec::new();
    for judgement in judgements {
        for view in [View::Reviews, View::Lessons] {
            let grades = judgement.grades(view);
            if grades.is_empty() {
                continue;
            }
            let ours = rank_ours(repository, &boards, &judgement.query, view)?;
            let theirs = baseline.rank(&judgement.query, view, RECALL_AT)?;
            results.push(QueryResult {
                id: judgement.id.clone(),
                class: judgement.class.clone(),
                query: judgement.query.clone(),
                view,
                ours: score(&ours, grades),
                baseline: score(&theirs, grades),
            });
        }
    }
    Ok(results)
}

fn rank_ours(
    repository: &Repository,
    boards: &[String],
    query: &str,
    view: View,
) -> Result<Vec<String>> {
    let per_page = RECALL_AT.to_string();
    let pairs = [
        ("q", query),
        ("view", view.key()),
        ("per_page", per_page.as_str()),
    ];
    let request = SearchRequest::from_pairs(pairs, boards)
        .map_err(|e| anyhow::anyhow!("query {query:?} was refused: {e:?}"))?;
    let results = repository.search(&request)?;
    Ok(results.hits.into_iter().map(|hit| hit.display.id).collect())
}

fn score(ranked: &[String], grades: &BTreeMap<String, u8>) -> Scores {
    Scores {
        ndcg: metrics::ndcg(ranked, grades, NDCG_AT),
        recall: metrics::recall(ranked, grades, RECALL_AT),
    }
}

/// One row of the summary table: the mean scores of a group of query results.
#[derive(Debug, Clone)]
pub struct Row {
    pub view: View,
    pub class: String,
    pub queries: usize,
    pub ours: Scores,
    pub baseline: Scores,
}

/// Mean scores per view and class (classes in order of first appearance), then per
/// view over all classes.
pub fn summarise(results: &[QueryResult]) -> Vec<Row> {
    let mut rows = Vec::new();
    for view in [View::Reviews, View::Lessons] {
        let in_view: Vec<&QueryResult> = results.iter().filter(|r| r.view == view).collect();
        let mut classes: Vec<&str> = Vec::new();
        for result in &in_view {
            if !classes.contains(&result.class.as_str()) {
                classes.push(&result.class);
            }
        }
        for class in classes {
            let group: Vec<&QueryResult> = in_view
                .iter()
                .copied()
                .filter(|r| r.class == class)
                .collect();
            rows.push(mean_row(view, class, &group));
        }
        rows.push(mean_row(view, "all", &in_view));
    }
    rows
}

fn mean_row(view: View, class: &str, group: &[&QueryResult]) -> Row {
    let n = group.len().max(1) as f64;
    let mean = |f: &dyn Fn(&QueryResult) -> f64| group.iter().map(|r| f(r)).sum::<f64>() / n;
    Row {
        view,
        class: class.to_string(),
        queries: group.len(),
        ours: Scores {
            ndcg: mean(&|r| r.ours.ndcg),
            recall: mean(&|r| r.ours.recall),
        },
        baseline: Scores {
            ndcg: mean(&|r| r.baseline.ndcg),
            recall: mean(&|r| r.baseline.recall),
        },
    }
}

/// The summary as a Markdown table (what the command prints and BENCHMARKS.md records).
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| view | class | queries | nDCG@10 | baseline nDCG@10 | recall@20 | baseline recall@20 |\n\
         |---|---|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let class = if row.class == "all" {
            "**all**".to_string()
        } else {
            row.class.clone()
        };
        out.push_str(&format!(
            "| {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |\n",
            row.view.key(),
            class,
            row.queries,
            row.ours.ndcg,
            row.baseline.ndcg,
            row.ours.recall,
            row.baseline.recall,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("judgements.jsonl");
        fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_grade_for_an_id_the_corpus_lacks_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let known: HashSet<String> = ["scr-2004-a-0001", "scr-2004-a-0001#L1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let good = r#"{"id": "q1", "class": "plain", "query": "x", "reviews": {"scr-2004-a-0001": 3}, "lessons": {"scr-2004-a-0001#L1": 2}}"#;
        assert_eq!(
            load_judgements(&write(dir.path(), good), &known)
                .unwrap()
                .len(),
            1
        );
        for (line, expected) in [
            (
                r#"{"id": "q1", "class": "plain", "query": "x", "reviews": {"scr-2004-a-0001": 3}, "lessons": {"scr-2004-a-0001#L9": 2}}"#,
                "scr-2004-a-0001#L9 is not a review or finding of the corpus",
            ),
            (
                r#"{"id": "q1", "class": "plain", "query": "x", "reviews": {"scr-2004-b-0001": 3}}"#,
                "scr-2004-b-0001 is not a review or finding of the corpus",
            ),
            (
                r#"{"id": "q1", "class": "plain", "query": "x", "reviews": {"scr-2004-a-0001": 4}}"#,
                "grades are 1 to 3",
            ),
        ] {
            let error = load_judgements(&write(dir.path(), line), &known).unwrap_err();
            assert!(format!("{error:#}").contains(expected), "{error:#}");
        }
    }

    /// Both bundled sets load against the demo corpus (every graded id exists), the
    /// second has at least 40 queries covering every class of the first, and no query
    /// of the second repeats one of the first.
    #[test]
    fn both_default_sets_are_valid_for_the_demo_corpus() {
        let data = tempfile::tempdir().unwrap();
        let repository = corpus::load(&corpus::demo_dir(), data.path(), |_| {}).unwrap();
        let known = corpus_ids(&repository).unwrap();
        let sets = default_sets();
        assert_eq!(sets.len(), 2);
        let first = load_judgements(&sets[0].path, &known).unwrap();
        let second = load_judgements(&sets[1].path, &known).unwrap();
        assert!(second.len() >= 40, "{}", second.len());
        for judgement in &first {
            assert!(
                second.iter().any(|j| j.class == judgement.class),
                "class {} missing from the second set",
                judgement.class
            );
        }
        for judgement in &second {
            assert!(
                !judgement.lessons.is_empty(),
                "{} judges no finding",
                judgement.id
            );
            let query = judgement.query.to_lowercase();
            assert!(
                !first.iter().any(|j| j.query.to_lowercase() == query),
                "{} repeats a query of the first set",
                judgement.id
            );
        }
    }
}
