//! Store tests: round trips, revisions, the change sequence, ids and open errors.

use lessons_model::validate::ValidationErrors;
use lessons_model::{Board, Review, Status};

use crate::codec::{decode_json, decode_u32, encode_json, COMPRESSED};
use crate::ids::review_id;
use crate::ops::reviews::RESTORED;
use crate::revision::revision_key;
use crate::store::KEY_FORMAT;
use crate::*;

fn board() -> Board {
    Board {
        slug: "barsetshire".into(),
        name: "Barsetshire Local Safeguarding Children Board".into(),
        region: "south_west".into(),
    }
}

fn review() -> Review {
    serde_json::from_str(
        r#"{"title":"Serious Case Review: Child M","board":"barsetshire","incident":"death",
            "child":{"age_band":"under_1","sex":"male"},"themes":["neglect"],
            "commissioned_on":"2007-12-04","completed_on":"2008-09-30","published_on":"2009-02-12",
            "lessons":[{"kind":"lesson","level":"inter_agency","text":"No agency asked who lived there."}]}"#,
    )
    .unwrap()
}

fn open_with_board() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.put_board(&board(), "cli").unwrap();
    (dir, store)
}

#[test]
fn a_review_round_trips_with_derived_fields() {
    let (_dir, store) = open_with_board();
    let created = store.create_review(review(), "import", "create").unwrap();
    assert_eq!(created.id, "scr-2009-barsetshire-0001");
    assert_eq!(created.region.as_deref(), Some("south_west"));
    assert_eq!(created.revision, 1);
    assert_eq!(created.duration_months, Some(9));
    assert_eq!(created.over_six_months, Some(true));
    assert_eq!(created.lessons[0].id, "scr-2009-barsetshire-0001#L1");
    assert_eq!(store.review(&created.id).unwrap(), Some(created));
    assert_eq!(store.review("scr-1999-nowhere-0001").unwrap(), None);
}

#[test]
fn ids_are_allocated_per_board_and_never_reused() {
    let (_dir, store) = open_with_board();
    let first = store.create_review(review(), "a", "create").unwrap();
    let mut later = review();
    later.published_on = Some("2011-03-01".into());
    let second = store.create_review(later, "a", "create").unwrap();
    assert_eq!(first.id, "scr-2009-barsetshire-0001");
    assert_eq!(second.id, "scr-2011-barsetshire-0002");
}

#[test]
fn every_revision_is_kept() {
    let (_dir, store) = open_with_board();
    let created = store.create_review(review(), "alice", "create").unwrap();
    let mut changed = created.clone();
    changed.title = "Serious Case Review: Child M (amended)".into();
    changed.status = Status::Published;
    let updated = store
        .update_review(&created.id, changed, "bob", "update")
        .unwrap();
    assert_eq!(updated.revision, 2);
    assert_eq!(updated.created_at, created.created_at);
    let history = store.revisions(&created.id).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].revision, history[0].by.as_str()), (1, "alice"));
    assert_eq!(
        (history[1].revision, history[1].action.as_str()),
        (2, "update")
    );
    let first = store.revision(&created.id, 1).unwrap().unwrap();
    assert_eq!(first.review.title, "Serious Case Review: Child M");
    assert!(store.revision(&created.id, 3).unwrap().is_none());
}

#[test]
fn a_review_is_stored_once_and_a_replaced_revision_keeps_its_copy() {
    let (_dir, store) = open_with_board();
    let stored_review = |id: &str, n: u32| -> Option<Review> {
        let bytes = store.revisions.get(revision_key(id, n)).unwrap().unwrap();
        decode_json::<crate::revision::StoredRevision>(&bytes, "revision")
            .unwrap()
            .review
    };
    let created = store.create_review(review(), "alice", "create").unwrap();
    assert_eq!(
        stored_review(&created.id, 1),
        None,
        "the current one is in `reviews`"
    );
    assert_eq!(
        store.revision(&created.id, 1).unwrap().unwrap().review,
        created
    );

    let mut changed = created.clone();
    changed.title = "Serious Case Review: Child M (amended)".into();
    let updated = store
        .update_review(&created.id, changed, "bob", "update")
        .unwrap();
    assert_eq!(stored_review(&created.id, 1), Some(created.clone()));
    assert_eq!(stored_review(&created.id, 2), None);
    assert_eq!(
        store.revision(&created.id, 1).unwrap().unwrap().review,
        created
    );
    assert_eq!(
        store.revision(&created.id, 2).unwrap().unwrap().review,
        updated
    );
    assert!(store.verify().unwrap().problems.is_empty());
}

#[test]
fn the_sequence_increases_with_every_write() {
    let (_dir, store) = open_with_board();
    assert_eq!(store.last_seq().unwrap(), 1);
    let created = store.create_review(review(), "a", "create").unwrap();
    store
        .update_review(&created.id, created.clone(), "a", "update")
        .unwrap();
    assert_eq!(store.last_seq().unwrap(), 3);
    let changes = store.changes_since(1).unwrap();
    assert_eq!(
        changes,
        vec![
            (2, Change::Review(created.id.clone())),
            (3, Change::Review(created.id.clone()))
        ]
    );
    assert!(store.changes_since(3).unwrap().is_empty());
}

#[test]
fn invalid_reviews_are_refused_with_every_error_and_nothing_is_written() {
    let (_dir, store) = open_with_board();
    let mut bad = review();
    bad.board = "nowhere".into();
    bad.themes = vec!["negelct".into()];
    let Err(StoreError::Invalid(ValidationErrors(errors))) =
        store.create_review(bad, "a", "create")
    else {
        panic!("expected a validation error")
    };
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["board", "themes[0]"]);
    assert_eq!(
        errors[0].allowed.as_deref(),
        Some(&["barsetshire".to_string()][..])
    );
    assert_eq!(store.review_count(), 0);
    assert_eq!(store.last_seq().unwrap(), 1);
}

#[test]
fn updating_a_missing_review_is_not_found() {
    let (_dir, store) = open_with_board();
    let result = store.update_review("scr-2009-barsetshire-0009", review(), "a", "update");
    assert!(matches!(result, Err(StoreError::ReviewNotFound(_))));
}

#[test]
fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let store = Store::open(dir.path()).unwrap();
        store.put_board(&board(), "cli").unwrap();
        store.create_review(review(), "a", "create").unwrap().id
    };
    let store = Store::open(dir.path()).unwrap();
    assert!(store.review(&id).unwrap().is_some());
    assert_eq!(store.boards().unwrap(), vec![board()]);
}

#[test]
fn a_second_open_is_refused_as_locked() {
    let dir = tempfile::tempdir().unwrap();
    let _first = Store::open(dir.path()).unwrap();
    let second = Store::open(dir.path());
    assert!(
        matches!(second, Err(StoreError::Locked { .. })),
        "{:?}",
        second.err()
    );
}

#[test]
fn another_format_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.meta.insert(KEY_FORMAT, &99u32.to_be_bytes()).unwrap();
        store.flush().unwrap();
    }
    match Store::open(dir.path()) {
        Err(StoreError::IncompatibleVersion {
            found, supported, ..
        }) => {
            assert_eq!((found, supported), (99, FORMAT_VERSION));
        }
        other => panic!("expected a version error, got {:?}", other.err()),
    }
}

#[test]
fn a_file_in_place_of_the_directory_is_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    assert!(matches!(
        Store::open(&file),
        Err(StoreError::Unreadable { .. })
    ));
}

#[test]
fn settings_are_kept_and_counted_as_writes() {
    let (_dir, store) = open_with_board();
    assert_eq!(store.setting("demo").unwrap(), None);
    store.put_setting("demo", "loaded").unwrap();
    assert_eq!(store.setting("demo").unwrap().as_deref(), Some("loaded"));
    assert_eq!(
        store.changes_since(1).unwrap(),
        vec![(2, Change::Setting("demo".into()))]
    );
}

fn depositor(email: &str) -> lessons_model::User {
    lessons_model::User {
        email: email.into(),
        board: Some("barsetshire".into()),
        role: lessons_model::Role::Depositor,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    }
}

#[test]
fn users_are_kept_with_their_hash_and_found_in_any_case() {
    let (_dir, store) = open_with_board();
    store
        .put_user(&depositor("Officer@Barsetshire.Example"), "cli")
        .unwrap();
    let user = store.user("officer@barsetshire.example").unwrap().unwrap();
    assert_eq!(user.email, "officer@barsetshire.example");
    assert!(user.password_hash.starts_with("$argon2id$"));
    let mut stranger = depositor("x@y.example");
    stranger.board = Some("atlantis".into());
    assert!(matches!(
        store.put_user(&stranger, "cli"),
        Err(StoreError::Invalid(_))
    ));
}

#[test]
fn tokens_are_found_by_hash_listed_and_revoked() {
    let (_dir, store) = open_with_board();
    let token = TokenRecord {
        id: "t1".into(),
        email: "officer@barsetshire.example".into(),
        label: "laptop".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    store
        .add_token(&sha256_hex(b"secret"), &token, "cli")
        .unwrap();
    assert_eq!(
        store.token(&sha256_hex(b"secret")).unwrap(),
        Some(token.clone())
    );
    assert_eq!(
        store.tokens_of("OFFICER@barsetshire.example").unwrap(),
        vec![token]
    );
    assert!(!store
        .revoke_token("someone@else.example", "t1", "cli")
        .unwrap());
    assert!(store
        .revoke_token("officer@barsetshire.example", "t1", "cli")
        .unwrap());
    assert_eq!(store.token(&sha256_hex(b"secret")).unwrap(), None);
}

#[test]
fn files_are_kept_byte_for_byte_and_owned_per_board() {
    let (_dir, store) = open_with_board();
    let bytes = b"%PDF-1.4 pretend".to_vec();
    let sha = store.put_file(&bytes).unwrap();
    assert_eq!(sha, sha256_hex(&bytes));
    assert_eq!(store.put_file(&bytes).unwrap(), sha, "idempotent");
    assert_eq!(store.file(&sha).unwrap(), Some(bytes));
    assert_eq!(store.file(&"0".repeat(64)).unwrap(), None);
    assert_eq!(store.file("../../etc/passwd").unwrap(), None);
    let mut with_file = review();
    with_file.files.push(lessons_model::FileRef {
        number: 0,
        public: false,
        document_type: "executive_summary".into(),
        filename: "es.pdf".into(),
        media_type: "application/pdf".into(),
        size: 16,
        sha256: sha.clone(),
    });
    let created = store.create_review(with_file, "a", "create").unwrap();
    assert_eq!(
        store.file_owner("barsetshire", &sha).unwrap(),
        Some(created.id.clone())
    );
    assert_eq!(store.file_owner("wessex", &sha).unwrap(), None);
    // An update without files keeps them.
    let updated = store
        .update_review(&created.id, review(), "a", "update")
        .unwrap();
    assert_eq!(updated.files.len(), 1);
}

#[test]
fn sessions_come_and_go() {
    let (_dir, store) = open_with_board();
    let session = SessionRecord {
        email: "a@b.example".into(),
        csrf: "c".into(),
        expires_at: 1,
    };
    store.put_session("h", &session).unwrap();
    assert_eq!(store.session("h").unwrap(), Some(session));
    store.remove_session("h").unwrap();
    assert_eq!(store.session("h").unwrap(), None);
}

/// A review as another store held it: published, revision 4, with its own timestamps.
fn restorable(id: &str) -> Review {
    let mut review = review();
    review.id = id.into();
    review.status = Status::Published;
    review.embargo_until = Some("2009-03-01".into());
    review.revision = 4;
    review.region = Some("north_east".into()); // kept as given, not re-derived
    review.created_at = Some("2009-01-20T10:02:11Z".into());
    review.updated_at = Some("2009-02-12T09:00:00Z".into());
    review.fill_derived();
    review
}

#[test]
fn a_restored_review_keeps_every_field_and_has_one_restored_revision() {
    let (_dir, store) = open_with_board();
    let review = restorable("scr-2009-barsetshire-0007");
    store.restore_review(&review, "restore").unwrap();
    assert_eq!(
        store.review("scr-2009-barsetshire-0007").unwrap(),
        Some(review.clone())
    );
    let history = store.revisions(&review.id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (
            history[0].revision,
            history[0].by.as_str(),
            history[0].action.as_str()
        ),
        (4, "restore", RESTORED)
    );
    assert_eq!(
        store.revision(&review.id, 4).unwrap().unwrap().review,
        review
    );
    assert_eq!(
        store.changes_since(1).unwrap(),
        vec![(2, Change::Review(review.id.clone()))]
    );
    // The next revision follows on from the restored one.
    let updated = store
        .update_review(&review.id, review.clone(), "a", "update")
        .unwrap();
    assert_eq!(updated.revision, 5);
    assert_eq!(updated.created_at, review.created_at);
}

#[test]
fn restored_ids_are_never_issued_again() {
    let (_dir, store) = open_with_board();
    store
        .restore_review(&restorable("scr-2009-barsetshire-0007"), "restore")
        .unwrap();
    // A lower number does not move the counter back.
    store
        .restore_review(&restorable("scr-2008-barsetshire-0002"), "restore")
        .unwrap();
    // A review that moved board keeps its id; the counter of the id's board moves.
    let wessex = Board {
        slug: "wessex".into(),
        name: "Wessex LSCB".into(),
        region: "south_west".into(),
    };
    store.put_board(&wessex, "cli").unwrap();
    store
        .restore_review(&restorable("scr-2010-wessex-0003"), "restore")
        .unwrap();
    let created = store.create_review(review(), "a", "create").unwrap();
    assert_eq!(created.id, "scr-2009-barsetshire-0008");
    let mut other = review();
    other.board = "wessex".into();
    let created = store.create_review(other, "a", "create").unwrap();
    assert_eq!(created.id, "scr-2009-wessex-0004");
}

#[test]
fn a_restore_is_refused_whole_with_every_error() {
    let (_dir, store) = open_with_board();
    let existing = restorable("scr-2009-barsetshire-0001");
    store.restore_review(&existing, "restore").unwrap();
    let seq = store.last_seq().unwrap();
    assert!(matches!(
        store.restore_review(&existing, "restore"),
        Err(StoreError::AlreadyExists(id)) if id == existing.id
    ));

    let mut bad = restorable("child-m");
    bad.revision = u32::MAX;
    bad.board = "nowhere".into();
    bad.files.push(lessons_model::FileRef {
        number: 0,
        public: false,
        document_type: "executive_summary".into(),
        filename: "es.pdf".into(),
        media_type: "application/pdf".into(),
        size: 16,
        sha256: "0".repeat(64),
    });
    let Err(StoreError::Invalid(ValidationErrors(errors))) = store.restore_review(&bad, "restore")
    else {
        panic!("expected a validation error")
    };
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["id", "board", "files[0]", "revision"]);
    assert_eq!(store.last_seq().unwrap(), seq, "nothing was written");
    assert_eq!(store.review_count(), 1);
}

#[test]
fn a_restored_review_keeps_files_the_store_holds() {
    let (_dir, store) = open_with_board();
    let bytes = b"%PDF-1.4 pretend".to_vec();
    let sha = store.put_file(&bytes).unwrap();
    let mut review = restorable("scr-2009-barsetshire-0001");
    review.files.push(lessons_model::FileRef {
        number: 0,
        public: false,
        document_type: "executive_summary".into(),
        filename: "es.pdf".into(),
        media_type: "application/pdf".into(),
        size: 16,
        sha256: sha.clone(),
    });
    store.restore_review(&review, "restore").unwrap();
    assert_eq!(
        store.file_owner("barsetshire", &sha).unwrap(),
        Some(review.id.clone())
    );
}

#[test]
fn restorable_reviews_are_checked_against_boards_not_yet_stored() {
    let review = restorable("scr-2009-barsetshire-0001");
    assert_eq!(check_restorable(&review, &[board()]), Ok(()));
    let Err(ValidationErrors(errors)) = check_restorable(&review, &[]) else {
        panic!("expected an unknown board")
    };
    assert_eq!(errors[0].field, "board");
}

#[test]
fn issued_ids_parse_back_to_their_board_and_number() {
    for (year, slug, number) in [
        (2009, "barsetshire", 1),
        (2024, "stockton-on-tees", 12345),
        (1999, "area-51", 42),
        (2030, "x", u64::from(u32::MAX)),
    ] {
        let id = review_id(year, slug, number);
        assert_eq!(review_id_parts(&id), Some((slug, number)), "{id}");
    }
    for bad in [
        "",
        "scr-2009-barsetshire",
        "scr-2009--0001",
        "scr-x-barsetshire-0001",
        "scr-2009-Barsetshire-0001",
        "scr-2009-barsetshire-00a1",
        "scr-2009-barsetshire-",
        "rev-2009-barsetshire-0001",
        "scr-2009-barsetshire-99999999999999999999999",
        "scr-2009-barsetshire-4294967296",
    ] {
        assert_eq!(review_id_parts(bad), None, "{bad}");
    }
}

/// A store with one review at revision 2 that refers to a stored file.
fn store_with_history() -> (tempfile::TempDir, Store, Review, String) {
    let (dir, store) = open_with_board();
    let bytes = b"%PDF-1.4 pretend".to_vec();
    let sha = store.put_file(&bytes).unwrap();
    let mut with_file = review();
    with_file.files.push(lessons_model::FileRef {
        number: 0,
        public: false,
        document_type: "executive_summary".into(),
        filename: "es.pdf".into(),
        media_type: "application/pdf".into(),
        size: bytes.len() as u64,
        sha256: sha.clone(),
    });
    let created = store.create_review(with_file, "a", "create").unwrap();
    let updated = store
        .update_review(&created.id, review(), "a", "update")
        .unwrap();
    (dir, store, updated, sha)
}

fn problems(store: &Store) -> Vec<String> {
    store
        .verify()
        .unwrap()
        .problems
        .into_iter()
        .map(|p| format!("{}: {}", p.record, p.message))
        .collect()
}

#[test]
fn a_sound_store_verifies_clean() {
    let (_dir, store, review, _) = store_with_history();
    let report = store.verify().unwrap();
    assert_eq!(report.problems, vec![]);
    assert_eq!((report.reviews, report.revisions, report.files), (1, 2, 1));
    assert_eq!(review.revision, 2);
}

#[test]
fn a_missing_revision_and_an_unreadable_record_are_reported() {
    let (_dir, store, review, _) = store_with_history();
    store.revisions.remove(revision_key(&review.id, 1)).unwrap();
    store
        .reviews
        .insert(b"scr-2010-barsetshire-0009", &b"{not json"[..])
        .unwrap();
    let found = problems(&store);
    assert!(
        found
            .iter()
            .any(|p| p.contains(&review.id) && p.contains("stored revisions are 2")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("review scr-2010-barsetshire-0009: cannot be read")),
        "{found:?}"
    );
}

#[test]
fn a_current_review_unlike_its_last_revision_is_reported() {
    let (_dir, store, mut review, _) = store_with_history();
    review.title = "Changed behind the store's back".into();
    store
        .reviews
        .insert(review.id.as_bytes(), encode_json(&review).unwrap())
        .unwrap();
    let found = problems(&store);
    assert!(
        found
            .iter()
            .any(|p| p.contains("differs from the current review")),
        "{found:?}"
    );
}

#[test]
fn altered_or_missing_files_are_reported() {
    let (dir, store, _, sha) = store_with_history();
    let path = dir.path().join("files").join(&sha);
    std::fs::write(&path, b"%PDF-1.4 altered").unwrap();
    let found = problems(&store);
    assert!(
        found
            .iter()
            .any(|p| p.starts_with(&format!("file {sha}: cannot be read"))),
        "{found:?}"
    );
    std::fs::remove_file(&path).unwrap();
    let found = problems(&store);
    assert!(
        found
            .iter()
            .any(|p| p.starts_with(&format!("file {sha}: is missing"))),
        "{found:?}"
    );
}

/// Position, who, action, review or record, revision.
type AuditSummary<'a> = (u64, &'a str, &'a str, Option<&'a str>, Option<u32>);

#[test]
fn every_write_is_in_the_audit_log_with_who_what_and_which_revision() {
    let (_dir, store) = open_with_board();
    let created = store
        .create_review(review(), "alice@b.example", "create")
        .unwrap();
    store
        .update_review(&created.id, created.clone(), "bob@b.example", "publish")
        .unwrap();
    store
        .put_user(&depositor("officer@barsetshire.example"), "cli")
        .unwrap();
    let session = SessionRecord {
        email: "officer@barsetshire.example".into(),
        csrf: "c".into(),
        expires_at: 1,
    };
    store.put_session("h", &session).unwrap();
    store.remove_session("h").unwrap();
    store.remove_session("unknown").unwrap();

    let log = store.audit(&AuditFilter::default(), 100).unwrap();
    let summary: Vec<AuditSummary> = log
        .iter()
        .map(|e| {
            let what = e.review.as_deref().or(e.record.as_deref());
            (e.seq, e.by.as_str(), e.action.as_str(), what, e.revision)
        })
        .collect();
    let officer = "officer@barsetshire.example";
    let user = Some("user officer@barsetshire.example");
    assert_eq!(
        summary,
        vec![
            (6, officer, "logout", user, None),
            (5, officer, "login", user, None),
            (4, "cli", "user", user, None),
            (
                3,
                "bob@b.example",
                "publish",
                Some(created.id.as_str()),
                Some(2)
            ),
            (
                2,
                "alice@b.example",
                "create",
                Some(created.id.as_str()),
                Some(1)
            ),
            (1, "cli", "board", Some("board barsetshire"), None),
        ]
    );
    assert!(log.iter().all(|e| e.at.starts_with("20")));
    assert_eq!(store.audit_len(), 6);
}

#[test]
fn the_audit_log_filters_and_pages_newest_first() {
    let (_dir, store) = open_with_board();
    let first = store
        .create_review(review(), "alice@b.example", "create")
        .unwrap();
    let second = store
        .create_review(review(), "bob@b.example", "create")
        .unwrap();
    store
        .update_review(&first.id, first.clone(), "Alice@B.example", "update")
        .unwrap();
    let by_alice = AuditFilter {
        by: Some("alice@b.example".into()),
        ..AuditFilter::default()
    };
    let seqs = |entries: Vec<AuditEntry>| entries.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(store.audit(&by_alice, 10).unwrap()), vec![4, 2]);
    let of_second = AuditFilter {
        review: Some(second.id.clone()),
        ..AuditFilter::default()
    };
    assert_eq!(seqs(store.audit(&of_second, 10).unwrap()), vec![3]);
    let updates = AuditFilter {
        action: Some("update".into()),
        ..AuditFilter::default()
    };
    assert_eq!(seqs(store.audit(&updates, 10).unwrap()), vec![4]);
    let page_two = AuditFilter {
        before: Some(3),
        ..AuditFilter::default()
    };
    assert_eq!(seqs(store.audit(&page_two, 1).unwrap()), vec![2]);
    let today = &first.created_at.clone().unwrap()[..10];
    let until_today = AuditFilter {
        from: Some(today.to_string()),
        to: Some(today.to_string()),
        ..AuditFilter::default()
    };
    assert_eq!(
        seqs(store.audit(&until_today, 10).unwrap()),
        vec![4, 3, 2, 1]
    );
    let before_today = AuditFilter {
        to: Some("2000-01-01".into()),
        ..AuditFilter::default()
    };
    assert!(store.audit(&before_today, 10).unwrap().is_empty());
}

#[test]
fn a_failed_write_leaves_no_audit_entry() {
    let (_dir, store) = open_with_board();
    let mut bad = review();
    bad.title = String::new();
    assert!(store
        .create_review(bad, "alice@b.example", "create")
        .is_err());
    assert!(store
        .update_review("scr-2009-barsetshire-0099", review(), "a", "update")
        .is_err());
    assert_eq!(store.audit_len(), 1, "only the board write is logged");
}

#[test]
fn a_backup_holds_everything_but_sessions_and_verifies_clean() {
    let (_dir, store) = open_with_board();
    let sha = store.put_file(b"%PDF-1.4 the executive summary").unwrap();
    let mut with_file = review();
    with_file.files = vec![lessons_model::FileRef {
        number: 0,
        public: false,
        document_type: "executive_summary".into(),
        filename: "summary.pdf".into(),
        media_type: "application/pdf".into(),
        size: 30,
        sha256: sha.clone(),
    }];
    let created = store
        .create_review(with_file, "alice@b.example", "create")
        .unwrap();
    store
        .update_review(&created.id, created.clone(), "alice@b.example", "update")
        .unwrap();
    let session = SessionRecord {
        email: "alice@b.example".into(),
        csrf: "c".into(),
        expires_at: 1,
    };
    store.put_session("h", &session).unwrap();

    let out = tempfile::tempdir().unwrap();
    let destination = out.path().join("backup");
    let report = store.backup(&destination).unwrap();
    assert_eq!(
        (
            report.reviews,
            report.revisions,
            report.files,
            report.audit_entries
        ),
        (1, 2, 1, 4)
    );
    assert_eq!(report.last_seq, store.last_seq().unwrap());
    assert_eq!(backup::read_manifest(&destination).unwrap(), report);

    let copy = Store::open(&destination.join("store")).unwrap();
    assert!(copy.verify().unwrap().problems.is_empty());
    assert_eq!(
        copy.review(&created.id).unwrap(),
        store.review(&created.id).unwrap()
    );
    assert_eq!(copy.revisions(&created.id).unwrap().len(), 2);
    assert_eq!(
        copy.audit(&AuditFilter::default(), 10).unwrap(),
        store.audit(&AuditFilter::default(), 10).unwrap()
    );
    assert_eq!(
        copy.file(&sha).unwrap().as_deref(),
        Some(&b"%PDF-1.4 the executive summary"[..])
    );
    assert_eq!(copy.session("h").unwrap(), None, "sessions stay behind");
    let leftovers: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no partial folder is left beside the backup"
    );
}

#[test]
fn a_backup_refuses_a_folder_in_use_and_a_missing_parent() {
    let (_dir, store) = open_with_board();
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("keep.txt"), "mine").unwrap();
    let error = store.backup(out.path()).unwrap_err().to_string();
    assert!(error.contains("not empty"), "{error}");
    assert_eq!(
        std::fs::read_to_string(out.path().join("keep.txt")).unwrap(),
        "mine"
    );
    let error = store
        .backup(&out.path().join("no/such/place"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("does not exist"), "{error}");
    let empty = out.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    store.backup(&empty).unwrap();
    assert!(backup::read_manifest(&empty).is_ok());
}

#[test]
fn a_backup_taken_during_writes_is_consistent() {
    let (_dir, store) = open_with_board();
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || {
            for _ in 0..40 {
                let created = store.create_review(review(), "a", "create").unwrap();
                let id = created.id.clone();
                store.update_review(&id, created, "a", "update").unwrap();
            }
        })
    };
    let out = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    for n in 0..4 {
        let destination = out.path().join(format!("backup-{n}"));
        reports.push((store.backup(&destination).unwrap(), destination));
    }
    writer.join().unwrap();
    for (report, destination) in reports {
        let copy = Store::open(&destination.join("store")).unwrap();
        assert_eq!(copy.verify().unwrap().problems, Vec::new());
        assert_eq!(copy.last_seq().unwrap(), report.last_seq);
        assert_eq!(
            copy.audit_len() as u64,
            report.last_seq,
            "one audit entry per logged write"
        );
        let revisions: u32 = copy.reviews().map(|r| r.unwrap().revision).sum();
        assert_eq!(copy.revisions.len(), revisions as usize);
    }
}

#[test]
fn long_values_are_stored_compressed_and_read_back() {
    let (_dir, store) = open_with_board();
    let mut long = review();
    long.summary = "The health visitor saw the family at home. ".repeat(400);
    let created = store.create_review(long, "a", "create").unwrap();
    let raw = store.reviews.get(created.id.as_bytes()).unwrap().unwrap();
    assert_eq!(raw[0], COMPRESSED);
    assert!(
        raw.len() * 5 < created.summary.len(),
        "{} bytes stored",
        raw.len()
    );
    assert_eq!(store.review(&created.id).unwrap(), Some(created));
    let short = store.boards.get(b"barsetshire").unwrap().unwrap();
    assert_eq!(short[0], b'{', "short values stay plain JSON");
}

#[test]
fn damaged_compressed_values_are_reported_not_trusted() {
    for bytes in [
        vec![COMPRESSED],
        vec![COMPRESSED, 1, 2],
        vec![COMPRESSED, 0xff, 0xff, 0xff, 0xff, 0],
        vec![COMPRESSED, 10, 0, 0, 0, 0xf0],
    ] {
        let error = decode_json::<Board>(&bytes, "board").unwrap_err();
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    }
}

#[test]
fn a_version_1_store_of_plain_json_opens_and_is_marked_version_2() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.put_board(&board(), "cli").unwrap();
        let plain = serde_json::to_vec(&review()).unwrap();
        store
            .reviews
            .insert("scr-2009-barsetshire-0001", plain)
            .unwrap();
        store.meta.insert(KEY_FORMAT, &1u32.to_be_bytes()).unwrap();
        store.flush().unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let review = store.review("scr-2009-barsetshire-0001").unwrap().unwrap();
    assert_eq!(review.title, "Serious Case Review: Child M");
    let version = store.meta.get(KEY_FORMAT).unwrap().unwrap();
    assert_eq!(decode_u32(&version, "format").unwrap(), FORMAT_VERSION);
}

#[test]
fn each_board_lists_its_reviews_as_they_are_now() {
    let (_dir, store) = open_with_board();
    store
        .put_board(
            &Board {
                slug: "wessex".into(),
                name: "Wessex LSCB".into(),
                region: "south_west".into(),
            },
            "cli",
        )
        .unwrap();
    let first = store.create_review(review(), "import", "create").unwrap();
    let second = store.create_review(review(), "import", "create").unwrap();
    let mut moved = first.clone();
    moved.board = "wessex".into();
    moved.title = "Serious Case Review: Child N".into();
    store
        .update_review(&first.id, moved, "cli", "update")
        .unwrap();

    let barsetshire = store.board_listings("barsetshire").unwrap();
    assert_eq!(
        barsetshire
            .iter()
            .map(|l| l.id.as_str())
            .collect::<Vec<_>>(),
        [second.id.as_str()]
    );
    let wessex = store.board_listings("wessex").unwrap();
    assert_eq!(wessex.len(), 1);
    assert_eq!(
        (
            wessex[0].id.as_str(),
            wessex[0].title.as_str(),
            wessex[0].revision
        ),
        (first.id.as_str(), "Serious Case Review: Child N", 2)
    );
    assert_eq!(wessex[0].timeliness, Some((9, true)));
    assert_eq!(store.all_listings().unwrap().len(), 2);
    assert!(store.verify().unwrap().problems.is_empty());
}

#[test]
fn a_store_without_listings_gets_them_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let created = {
        let store = Store::open(dir.path()).unwrap();
        store.put_board(&board(), "cli").unwrap();
        let created = store.create_review(review(), "import", "create").unwrap();
        // As a version 2 store was: no listings.
        store.board_reviews.clear().unwrap();
        store.meta.insert(KEY_FORMAT, &2u32.to_be_bytes()).unwrap();
        store.flush().unwrap();
        let problems = store.verify().unwrap().problems;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("missing from the list"));
        created
    };
    let store = Store::open(dir.path()).unwrap();
    let listed = store.board_listings("barsetshire").unwrap();
    assert_eq!(listed, vec![ReviewListing::of(&created)]);
    assert!(store.verify().unwrap().problems.is_empty());
}

#[test]
fn files_of_a_store_written_before_the_public_flag_read_as_private() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let store = Store::open(dir.path()).unwrap();
        store.put_board(&board(), "cli").unwrap();
        let bytes = b"Child M lived at 14 Acacia Road.".to_vec();
        let sha = store.put_file(&bytes).unwrap();
        let mut published = review();
        published.status = Status::Published;
        let created = store.create_review(published, "a", "create").unwrap();
        // The record as the previous format wrote it: files without `number` or `public`.
        let mut old = serde_json::to_value(&created).unwrap();
        old["files"] = serde_json::json!([{ "document_type": "executive_summary",
            "filename": "child-m.txt", "media_type": "text/plain", "size": bytes.len(), "sha256": sha }]);
        store
            .reviews
            .insert(created.id.as_bytes(), encode_json(&old).unwrap())
            .unwrap();
        store.flush().unwrap();
        created.id
    };
    let store = Store::open(dir.path()).unwrap();
    let review = store.review(&id).unwrap().unwrap();
    assert_eq!(review.files.len(), 1);
    assert!(!review.files[0].public, "an upgraded file is private");
    // A later revision keeps the file, still private, now numbered.
    let mut next = review.clone();
    next.keywords = vec!["acacia".into()];
    let updated = store.update_review(&id, next, "a", "update").unwrap();
    assert_eq!(
        (updated.files[0].number, updated.files[0].public),
        (1, false)
    );
}
