//! Service tests: the repository keeps the index in step with the store across a crash,
//! rebuilds a lost or newer index, and `lessons check` finds and repairs a stale one.

use lessons_index::SearchRequest;
use lessons_model::dates::today;
use lessons_model::Status;

use super::Repository;
use crate::test_fixtures::{board, review};

fn total(repository: &Repository, q: &str) -> u64 {
    let request = SearchRequest {
        q: q.into(),
        ..SearchRequest::default()
    };
    repository.index.search(&request, today()).unwrap().total
}

#[test]
fn a_store_write_the_index_missed_is_indexed_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let repository = Repository::open(dir.path()).unwrap();
        repository.put_board(&board(), "cli").unwrap();
        // As if the process died after the store flushed and before the index committed.
        repository
            .store
            .create_review(review("Child W"), "test", "create")
            .unwrap();
        assert_eq!(total(&repository, "wombat"), 0);
    }
    let repository = Repository::open(dir.path()).unwrap();
    assert_eq!(total(&repository, "wombat"), 1);
}

#[test]
fn writes_are_searchable_when_they_return_and_drafts_never() {
    let dir = tempfile::tempdir().unwrap();
    let repository = Repository::open(dir.path()).unwrap();
    repository.put_board(&board(), "cli").unwrap();
    repository
        .create_review(review("Child V"), "test", "create")
        .unwrap();
    assert_eq!(total(&repository, "wombat"), 1);
    let mut draft = review("Child U");
    draft.status = Status::Draft;
    repository.create_review(draft, "test", "create").unwrap();
    assert_eq!(total(&repository, "wombat"), 1);
    assert_eq!(repository.index.document_counts().unwrap(), (1, 0));
}

#[test]
fn a_lost_index_is_rebuilt_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    {
        let repository = Repository::open(dir.path()).unwrap();
        repository.put_board(&board(), "cli").unwrap();
        repository
            .create_review(review("Child T"), "test", "create")
            .unwrap();
    }
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let repository = Repository::open(dir.path()).unwrap();
    assert_eq!(total(&repository, "wombat"), 1);
}

#[test]
fn an_index_ahead_of_its_store_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let older = tempfile::tempdir().unwrap();
    {
        let repository = Repository::open(dir.path()).unwrap();
        repository.put_board(&board(), "cli").unwrap();
        repository
            .create_review(review("Child R"), "test", "create")
            .unwrap();
    }
    copy_dir(&dir.path().join("store"), &older.path().join("store"));
    {
        let repository = Repository::open(dir.path()).unwrap();
        let mut later = review("Child Q");
        later.summary = "A platypus was seen.".into();
        repository.create_review(later, "test", "create").unwrap();
        assert_eq!(total(&repository, "platypus"), 1);
    }
    // Put the older store back, as a restore from an older backup would.
    std::fs::remove_dir_all(dir.path().join("store")).unwrap();
    copy_dir(&older.path().join("store"), &dir.path().join("store"));
    let repository = Repository::open(dir.path()).unwrap();
    assert_eq!(total(&repository, "platypus"), 0);
    assert_eq!(total(&repository, "wombat"), 1);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `lessons check` over a repository with a published, an embargoed, a draft and a
/// withdrawn review: clean at first; an index that lost a review, or holds one the
/// store does not publish, is reported and `repair` makes it clean again.
#[test]
fn check_finds_an_index_out_of_step_with_the_store_and_repair_rebuilds_it() {
    use lessons_index::IndexUpdate;
    use lessons_model::Lesson;

    let dir = tempfile::tempdir().unwrap();
    let repository = Repository::open(dir.path()).unwrap();
    repository.put_board(&board(), "cli").unwrap();
    let with_finding = |title: &str, status: Status, embargo: Option<&str>| {
        let mut review = review(title);
        review.status = status;
        review.embargo_until = embargo.map(str::to_string);
        review.lessons = vec![Lesson {
            kind: "lesson".into(),
            level: "inter_agency".into(),
            text: "Ask who lives in the house.".into(),
            ..Lesson::default()
        }];
        repository.create_review(review, "test", "create").unwrap()
    };
    let published = with_finding("Child P", Status::Published, None);
    with_finding("Child E", Status::Published, Some("2099-01-01"));
    let draft = with_finding("Child D", Status::Draft, None);
    with_finding("Child W", Status::Withdrawn, None);

    let report = super::check::check(&repository).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!((report.indexed_reviews, report.indexed_findings), (2, 2));

    let seq = repository.store.last_seq().unwrap();
    let mut stray = draft.clone();
    stray.status = Status::Published;
    repository
        .index
        .apply(
            &[
                IndexUpdate::Remove(published.id.clone()),
                IndexUpdate::Put(Box::new(stray)),
            ],
            seq,
        )
        .unwrap();
    let report = super::check::check(&repository).unwrap();
    let found: Vec<String> = report
        .index_problems
        .iter()
        .map(|p| format!("{}: {}", p.record, p.message))
        .collect();
    assert!(report.store.problems.is_empty());
    for expected in [
        format!(
            "review {}: is public in the store but not in the index",
            published.id
        ),
        format!(
            "finding {}#L1: is public in the store but not in the index",
            published.id
        ),
        format!(
            "review {}: is in the index but not public in the store",
            draft.id
        ),
    ] {
        assert!(
            found.iter().any(|p| p.starts_with(&expected)),
            "{expected} in {found:?}"
        );
    }

    let repaired = super::check::repair(&repository, || {}).unwrap();
    assert!(repaired.is_clean(), "{repaired:?}");
    assert_eq!(total(&repository, "wombat"), 1);
}

#[test]
fn concurrent_writes_share_index_commits_and_each_is_searchable_when_it_returns() {
    const WRITERS: usize = 24;
    let dir = tempfile::tempdir().unwrap();
    let repository = Repository::open(dir.path()).unwrap();
    repository.put_board(&board(), "cli").unwrap();
    let generation_before = repository.index.generation();
    let start = std::sync::Barrier::new(WRITERS);
    std::thread::scope(|scope| {
        for n in 0..WRITERS {
            let (repository, start) = (&repository, &start);
            scope.spawn(move || {
                let mut written = review(&format!("Child {n}"));
                written.summary = format!("A numbat{n} was seen at every visit.");
                start.wait();
                repository.create_review(written, "test", "create").unwrap();
                // Read your writes: acknowledged means searchable.
                assert_eq!(total(repository, &format!("numbat{n}")), 1, "writer {n}");
            });
        }
    });
    assert_eq!(
        repository.index.document_counts().unwrap().0,
        WRITERS as u64
    );
    let commits = repository.index.generation() - generation_before;
    assert!(
        (1..=WRITERS as u64 / 2).contains(&commits),
        "{WRITERS} concurrent writes took {commits} index commits"
    );
}
