//! `lessons check`: the store verified record by record ([`lessons_store::Store::verify`])
//! and the index compared with it: the index must hold exactly the reviews the store
//! publishes (embargoed ones included, as they are filtered at query time) and each of
//! their findings, once each, and be caught up to the store's sequence number. With
//! The recurring lessons (`DIR/recurring.json`) are checked against the store too
//! (`recurring_state::Derived::verify`). With
//! `--repair`, what is derived (the index, the recurring lessons) is rebuilt from the store and checked again;
//! the store itself is never changed.

use std::collections::BTreeMap;

use lessons_model::Visibility;
use lessons_store::{Problem, StoreReport};

use super::repository::{Repository, Result};

/// What a check found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub store: StoreReport,
    /// Reviews and findings the index holds.
    pub indexed_reviews: usize,
    pub indexed_findings: usize,
    /// Where the index disagrees with the store (derived: `--repair` rebuilds it).
    pub index_problems: Vec<Problem>,
    /// Recurring lessons and their member findings in `DIR/recurring.json`.
    pub recurring_groups: usize,
    pub recurring_findings: usize,
    /// Where the recurring lessons disagree with the store (derived: `--repair`
    /// rebuilds them).
    pub recurring_problems: Vec<Problem>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.store.problems.is_empty()
            && self.index_problems.is_empty()
            && self.recurring_problems.is_empty()
    }

    /// Whether a rebuild of what is derived (index, recurring lessons) would help.
    pub fn derived_problems(&self) -> bool {
        !(self.index_problems.is_empty() && self.recurring_problems.is_empty())
    }
}

/// Checks the store and the index.
pub fn check(repository: &Repository) -> Result<CheckReport> {
    let store = repository.store.verify()?;
    let mut report = CheckReport {
        store,
        ..CheckReport::default()
    };
    let (expected_reviews, expected_findings) = indexable_ids(repository)?;
    let inventory = repository.index.inventory()?;
    report.indexed_reviews = inventory.reviews.len();
    report.indexed_findings = inventory.findings.len();
    compare(
        "review",
        &expected_reviews,
        &inventory.reviews,
        &mut report.index_problems,
    );
    compare(
        "finding",
        &expected_findings,
        &inventory.findings,
        &mut report.index_problems,
    );
    let (indexed, stored) = (repository.index.indexed_seq(), repository.store.last_seq()?);
    if indexed != stored {
        report.index_problems.push(Problem {
            record: "index".into(),
            message: format!("has caught up to change {indexed}; the store is at {stored}"),
        });
    }
    let recurring = repository
        .recurring
        .verify(&repository.store, &repository.index)?;
    report.recurring_groups = recurring.groups;
    report.recurring_findings = recurring.findings;
    report.recurring_problems = recurring.problems;
    Ok(report)
}

/// Rebuilds the index and the recurring lessons from the store (keeping recurring ids
/// where membership carries over), then checks everything again.
pub fn repair(repository: &Repository, progress: impl FnMut()) -> Result<CheckReport> {
    repository.reindex(progress)?;
    check(repository)
}

/// The review and finding ids the index should hold: every published review (any
/// embargo) and its findings.
fn indexable_ids(repository: &Repository) -> Result<(Vec<String>, Vec<String>)> {
    let mut reviews = Vec::new();
    let mut findings = Vec::new();
    for review in repository.store.reviews() {
        // A review that cannot be read is reported by the store check.
        let Ok(review) = review else { continue };
        if let Visibility::PublicFrom(_) = review.visibility() {
            findings.extend(review.lessons.iter().map(|l| l.id.clone()));
            reviews.push(review.id);
        }
    }
    Ok((reviews, findings))
}

/// Reports ids the index lacks, holds more than once, or holds without reason.
fn compare(
    kind: &str,
    expected: &[String],
    indexed: &BTreeMap<String, u32>,
    problems: &mut Vec<Problem>,
) {
    let mut unexpected = indexed.clone();
    for id in expected {
        match unexpected.remove(id) {
            None => problems.push(problem(
                kind,
                id,
                "is public in the store but not in the index",
            )),
            Some(1) => {}
            Some(n) => problems.push(problem(kind, id, &format!("is indexed {n} times"))),
        }
    }
    for id in unexpected.keys() {
        problems.push(problem(
            kind,
            id,
            "is in the index but not public in the store (it must not be searchable)",
        ));
    }
}

fn problem(kind: &str, id: &str, message: &str) -> Problem {
    Problem {
        record: format!("{kind} {id}"),
        message: message.to_string(),
    }
}
