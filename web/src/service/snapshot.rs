//! `lessons dump` and `lessons restore`: a versioned NDJSON snapshot of every public
//! review with its findings (the format is described in `docs/dump-format.md`).
//!
//! Line 1 is a [`Header`] (format, version, time, the boards the reviews use, how many
//! reviews follow); then one review per line, in id order, as `GET /api/v1/reviews/{id}`
//! returns it but without `files` (the original uploads are not in a dump) and with the
//! keys of every object in sorted order. [`Dump`] writes one; [`read_dump`] reads and
//! checks a whole file before anything is written, so that a refused restore leaves the
//! data directory as it was.

use std::collections::{BTreeSet, HashSet};
use std::io::{BufRead, Write};

use lessons_model::{validate_board, Board, Review, Status};
use lessons_store::{check_restorable, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use super::import::{field_messages, shape_messages, LineError};
use super::input::review_as_given;
use super::repository::Repository;

/// The `format` of every dump's header.
pub const FORMAT: &str = "lessons-dump";
/// The dump version this build writes and reads.
pub const VERSION: u32 = 1;

/// The first line of a dump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// When the dump was written (RFC 3339, UTC).
    pub generated_at: String,
    /// The boards the dumped reviews belong to, by slug.
    pub boards: Vec<Board>,
    /// How many review lines follow.
    pub reviews: usize,
}

/// Why a dump could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(
        "not a Lessons dump: the first line must be a JSON header with \"format\": \"{FORMAT}\""
    )]
    NotADump,
    #[error("unsupported dump version {found}; this build reads version {VERSION}")]
    UnsupportedVersion { found: Value },
    #[error("{} line{} of the dump refused", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Refused(Vec<LineError>),
    #[error("the header announces {announced} reviews but the file holds {found}: the dump is incomplete")]
    WrongCount { announced: usize, found: usize },
    #[error("cannot read line {line}: {source}")]
    Read { line: usize, source: std::io::Error },
    #[error("cannot write the dump: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot encode the dump: {0}")]
    Encode(#[from] serde_json::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The reviews a dump holds (those public on the day it was planned) and their boards.
pub struct Dump {
    ids: Vec<String>,
    boards: Vec<Board>,
}

impl Repository {
    /// The reviews the public sees on `today`, to dump (see [`Dump::plan`]).
    pub fn plan_dump(&self, today: Date) -> Result<Dump, SnapshotError> {
        Dump::plan(&self.store, today)
    }

    /// Writes `plan` to `out` (see [`Dump::write`]).
    pub fn write_dump(
        &self,
        plan: &Dump,
        out: &mut dyn Write,
        generated_at: &str,
        progress: impl FnMut(),
    ) -> Result<(), SnapshotError> {
        plan.write(&self.store, out, generated_at, progress)
    }
}

impl Dump {
    /// Finds the reviews of `store` that the public sees on `today`, in id order.
    fn plan(store: &Store, today: Date) -> Result<Dump, SnapshotError> {
        let mut ids = Vec::new();
        let mut used = BTreeSet::new();
        for review in store.reviews() {
            let review = review?;
            if review.is_public_on(today) {
                used.insert(review.board);
                ids.push(review.id);
            }
        }
        let boards = store
            .boards()?
            .into_iter()
            .filter(|b| used.contains(&b.slug))
            .collect();
        Ok(Dump { ids, boards })
    }

    /// How many reviews the dump holds.
    pub fn review_count(&self) -> usize {
        self.ids.len()
    }

    /// How many boards the dump holds.
    pub fn board_count(&self) -> usize {
        self.boards.len()
    }

    /// Writes the header and every review to `out`; `progress` is called per review.
    fn write(
        &self,
        store: &Store,
        out: &mut dyn Write,
        generated_at: &str,
        mut progress: impl FnMut(),
    ) -> Result<(), SnapshotError> {
        let header = Header {
            format: FORMAT.into(),
            version: VERSION,
            generated_at: generated_at.into(),
            boards: self.boards.clone(),
            reviews: self.ids.len(),
        };
        writeln!(out, "{}", serde_json::to_string(&header)?)?;
        for id in &self.ids {
            let review = store
                .review(id)?
                .ok_or_else(|| StoreError::ReviewNotFound(id.clone()))?;
            writeln!(out, "{}", review_line(&review)?)?;
            progress();
        }
        Ok(())
    }
}

/// A review as one dump line: its public JSON without `files`, keys sorted.
fn review_line(review: &Review) -> Result<String, serde_json::Error> {
    // `Value` keeps object keys in sorted order (serde_json without `preserve_order`).
    let mut value = serde_json::to_value(review)?;
    if let Some(object) = value.as_object_mut() {
        object.remove("files");
    }
    serde_json::to_string(&value)
}

/// A whole dump, read and checked.
#[derive(Debug)]
pub struct Snapshot {
    pub boards: Vec<Board>,
    pub reviews: Vec<Review>,
}

/// Reads a dump and checks every line: the header, then each review as
/// [`lessons_store::check_restorable`] would, public on `today`, each id once, and as
/// many reviews as the header announces. `progress` receives the bytes read so far.
pub fn read_dump(
    reader: impl BufRead,
    today: Date,
    mut progress: impl FnMut(u64),
) -> Result<Snapshot, SnapshotError> {
    let mut lines = reader.lines();
    let first = lines.next().ok_or(SnapshotError::NotADump)?;
    let first = first.map_err(|source| SnapshotError::Read { line: 1, source })?;
    let header = read_header(&first)?;
    let mut bytes = first.len() as u64 + 1;
    let mut reviews = Vec::with_capacity(header.reviews.min(100_000));
    let mut refused = Vec::new();
    let mut seen = HashSet::new();
    for (index, line) in lines.enumerate() {
        let number = index + 2;
        let line = line.map_err(|source| SnapshotError::Read {
            line: number,
            source,
        })?;
        bytes += line.len() as u64 + 1;
        progress(bytes);
        if line.trim().is_empty() {
            continue;
        }
        match read_review(&line, &header.boards, today, &mut seen) {
            Ok(review) => reviews.push(review),
            Err(messages) => refused.push(LineError {
                line: number,
                messages,
            }),
        }
    }
    if !refused.is_empty() {
        return Err(SnapshotError::Refused(refused));
    }
    if reviews.len() != header.reviews {
        return Err(SnapshotError::WrongCount {
            announced: header.reviews,
            found: reviews.len(),
        });
    }
    Ok(Snapshot {
        boards: header.boards,
        reviews,
    })
}

/// Reads the header: a dump of this version, well formed, with valid boards.
fn read_header(line: &str) -> Result<Header, SnapshotError> {
    let value: Value = serde_json::from_str(line).map_err(|_| SnapshotError::NotADump)?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(SnapshotError::NotADump);
    }
    let version = value.get("version").cloned().unwrap_or(Value::Null);
    if version != VERSION {
        return Err(SnapshotError::UnsupportedVersion { found: version });
    }
    let header_error =
        |messages: Vec<String>| SnapshotError::Refused(vec![LineError { line: 1, messages }]);
    let header: Header = serde_path_to_error::deserialize(value)
        .map_err(|e| header_error(vec![format!("{}: {}", e.path(), e.inner())]))?;
    let messages = header_problems(&header);
    if messages.is_empty() {
        Ok(header)
    } else {
        Err(header_error(messages))
    }
}

/// What is wrong with a well-formed header's time and boards.
fn header_problems(header: &Header) -> Vec<String> {
    let mut messages = Vec::new();
    if OffsetDateTime::parse(&header.generated_at, &Rfc3339).is_err() {
        messages.push(format!(
            "generated_at: \"{}\" is not an RFC 3339 time",
            header.generated_at
        ));
    }
    let mut slugs = HashSet::new();
    for (i, board) in header.boards.iter().enumerate() {
        if let Err(errors) = validate_board(board) {
            for message in field_messages(&errors) {
                messages.push(format!("boards[{i}].{message}"));
            }
        }
        if !slugs.insert(board.slug.as_str()) {
            messages.push(format!("boards[{i}]: board {} is listed twice", board.slug));
        }
    }
    messages
}

/// Reads one review line, or says everything that is wrong with it.
fn read_review(
    line: &str,
    boards: &[Board],
    today: Date,
    seen: &mut HashSet<String>,
) -> Result<Review, Vec<String>> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| vec![format!("not valid JSON: {e}")])?;
    if value.get("files").is_some() {
        return Err(vec![
            "files: a dump carries no files (the original uploads are not in it)".into(),
        ]);
    }
    let (review, _) = review_as_given(value).map_err(|errors| shape_messages(&errors))?;
    let mut messages = match check_restorable(&review, boards) {
        Ok(()) => Vec::new(),
        Err(errors) => field_messages(&errors),
    };
    messages.extend(not_public(&review, today));
    if !seen.insert(review.id.clone()) {
        messages.push(format!("id: review {} appears twice", review.id));
    }
    if messages.is_empty() {
        Ok(review)
    } else {
        Err(messages)
    }
}

/// Why a review that the public cannot see on `today` does not belong in a dump.
fn not_public(review: &Review, today: Date) -> Option<String> {
    if review.is_public_on(today) {
        return None;
    }
    Some(match (review.status, &review.embargo_until) {
        (Status::Published, Some(embargo)) => format!(
            "embargo_until: a dump holds only public reviews (this one is under embargo until {embargo})"
        ),
        (status, _) => format!(
            "status: a dump holds only public reviews (this one is {})",
            status.as_str()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{Repository, RepositoryError};
    use serde_json::json;

    const GENERATED_AT: &str = "2026-01-02T03:04:05Z";

    fn day(text: &str) -> Date {
        lessons_model::dates::parse_date(text).unwrap()
    }

    fn board(slug: &str) -> Board {
        Board {
            slug: slug.into(),
            name: format!("{slug} LSCB"),
            region: "south_west".into(),
        }
    }

    fn review(title: &str, status: &str, embargo: Option<&str>) -> Review {
        let mut value = json!({
            "title": title, "board": "barsetshire", "incident": "death", "status": status,
            "child": { "age_band": "under_1", "sex": "male" }, "themes": ["neglect"],
            "commissioned_on": "2008-01-10", "completed_on": "2008-09-30", "published_on": "2009-02-12",
            "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "No agency asked." }]
        });
        if let Some(embargo) = embargo {
            value["embargo_until"] = json!(embargo);
        }
        serde_json::from_value(value).unwrap()
    }

    /// A data dir with two boards (one unused) and reviews of every visibility.
    fn repository() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repository = Repository::open(dir.path()).unwrap();
        repository.put_board(&board("wessex"), "cli").unwrap();
        repository.put_board(&board("barsetshire"), "cli").unwrap();
        for (title, status, embargo) in [
            ("Child A", "published", None),
            ("Child B", "draft", None),
            ("Child C", "withdrawn", None),
            ("Child D", "published", Some("2030-01-01")),
            ("Child E", "published", Some("2020-01-01")),
        ] {
            let mut with_file = review(title, status, embargo);
            with_file.files.push(lessons_model::FileRef {
                number: 0,
                public: false,
                document_type: "executive_summary".into(),
                filename: "es.pdf".into(),
                media_type: "application/pdf".into(),
                size: 3,
                sha256: repository.store.put_file(title.as_bytes()).unwrap(),
            });
            repository
                .create_review(with_file, "test", "create")
                .unwrap();
        }
        (dir, repository)
    }

    fn dump(store: &Store) -> String {
        let plan = Dump::plan(store, day("2026-01-02")).unwrap();
        let mut out = Vec::new();
        plan.write(store, &mut out, GENERATED_AT, || {}).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_dump_holds_the_public_reviews_in_id_order_without_files() {
        let (_dir, repository) = repository();
        let text = dump(&repository.store);
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines[0],
            json!({ "format": "lessons-dump", "version": 1, "generated_at": GENERATED_AT,
                    "boards": [board("barsetshire")], "reviews": 2 })
        );
        let titles: Vec<&str> = lines[1..]
            .iter()
            .map(|r| r["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Child A", "Child E"]);
        assert_eq!(lines[1]["id"], "scr-2009-barsetshire-0001");
        for (line, value) in text.lines().zip(&lines).skip(1) {
            assert!(value.get("files").is_none(), "{line}");
            let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "sorted keys");
            assert!(line.starts_with(r#"{"abuse":[],"agencies":[],"board":"barsetshire""#));
        }
    }

    #[test]
    fn a_restored_dump_dumps_to_the_same_bytes() {
        let (_dir, repository) = repository();
        let first = dump(&repository.store);
        let snapshot = read_dump(first.as_bytes(), day("2026-01-02"), |_| {}).unwrap();
        assert_eq!(snapshot.reviews.len(), 2);
        let copy_dir = tempfile::tempdir().unwrap();
        let copy = Repository::open(copy_dir.path()).unwrap();
        copy.restore(&snapshot.boards, &snapshot.reviews, || {})
            .unwrap();
        assert_eq!(dump(&copy.store), first);
        assert!(matches!(
            copy.restore(&snapshot.boards, &snapshot.reviews, || {}),
            Err(RepositoryError::NotEmpty {
                reviews: 2,
                boards: 1
            })
        ));
    }

    /// A header announcing `reviews` reviews of board barsetshire.
    fn header(reviews: usize) -> Value {
        json!({ "format": FORMAT, "version": VERSION, "generated_at": GENERATED_AT,
                "boards": [board("barsetshire")], "reviews": reviews })
    }

    /// A valid review line with id number `n`.
    fn line(n: u32) -> Value {
        let mut review = review("Child A", "published", None);
        review.id = format!("scr-2009-barsetshire-{n:04}");
        review.revision = 3;
        review.fill_derived();
        serde_json::from_str(&review_line(&review).unwrap()).unwrap()
    }

    /// Reads `lines` as a dump: the error as text, with refused lines one per line.
    fn refusal(lines: &[Value]) -> String {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        match read_dump(text.as_bytes(), day("2026-01-02"), |_| {}) {
            Ok(snapshot) => panic!("accepted: {snapshot:?}"),
            Err(SnapshotError::Refused(lines)) => lines
                .iter()
                .flat_map(|l| {
                    l.messages
                        .iter()
                        .map(move |m| format!("line {}: {m}", l.line))
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Err(other) => other.to_string(),
        }
    }

    fn check(lines: &[Value], expected: &str) {
        let refusal = refusal(lines);
        assert!(
            refusal.contains(expected),
            "{expected:?} not in {refusal:?}"
        );
    }

    #[test]
    fn bad_dumps_are_refused_naming_the_line() {
        check(&[], "not a Lessons dump");
        check(&[json!({ "title": "a review" })], "not a Lessons dump");
        check(&[json!([1])], "not a Lessons dump");
        let mut newer = header(0);
        newer["version"] = json!(2);
        check(
            &[newer],
            "unsupported dump version 2; this build reads version 1",
        );
        let mut unversioned = header(0);
        unversioned.as_object_mut().unwrap().remove("version");
        check(&[unversioned], "unsupported dump version null");
        let mut extra = header(0);
        extra["note"] = json!("x");
        check(&[extra], "line 1: note: unknown field");
        let mut undated = header(0);
        undated["generated_at"] = json!("yesterday");
        check(
            &[undated],
            "line 1: generated_at: \"yesterday\" is not an RFC 3339 time",
        );
        let mut boards = header(0);
        boards["boards"] = json!([board("barsetshire"), board("barsetshire"), board("Bad")]);
        check(
            &[boards.clone()],
            "line 1: boards[1]: board barsetshire is listed twice",
        );
        check(&[boards], "line 1: boards[2].slug:");

        check(
            &[header(2), line(1)],
            "announces 2 reviews but the file holds 1",
        );
        check(
            &[header(2), line(1), line(1)],
            "line 3: id: review scr-2009-barsetshire-0001 appears twice",
        );
        let mut with_files = line(1);
        with_files["files"] = json!([]);
        check(
            &[header(1), with_files],
            "line 2: files: a dump carries no files",
        );
        let mut draft = line(1);
        draft["status"] = json!("draft");
        check(
            &[header(1), draft],
            "line 2: status: a dump holds only public reviews (this one is draft)",
        );
        let mut embargoed = line(1);
        embargoed["embargo_until"] = json!("2030-01-01");
        check(&[header(1), embargoed], "line 2: embargo_until: a dump holds only public reviews (this one is under embargo until 2030-01-01)");
        let mut elsewhere = line(1);
        elsewhere["board"] = json!("wessex");
        check(
            &[header(1), elsewhere],
            "line 2: board: unknown board \"wessex\" (allowed: barsetshire)",
        );
        let mut unnumbered = line(1);
        unnumbered["id"] = json!("child-a");
        unnumbered["revision"] = json!(0);
        check(
            &[header(1), unnumbered.clone()],
            "line 2: id: \"child-a\" is not a review id",
        );
        check(
            &[header(1), unnumbered],
            "line 2: revision: must be a whole number from 1 to 4294967294",
        );
        let mut typo = line(1);
        typo["tilte"] = json!("x");
        check(&[header(1), typo], "line 2: tilte: unknown field");
    }

    /// A review field added or removed changes the format: raise [`VERSION`], describe
    /// the change in docs/dump-format.md, then update this list.
    #[test]
    fn the_review_fields_of_version_1_are_pinned() {
        let dumped: Vec<&str> = lessons_model::review::REVIEW_FIELDS
            .iter()
            .copied()
            .filter(|field| *field != "files")
            .collect();
        assert_eq!(VERSION, 1);
        assert_eq!(
            dumped,
            [
                "id",
                "title",
                "pseudonyms",
                "board",
                "region",
                "review_type",
                "methodology",
                "incident",
                "abuse",
                "source_of_harm",
                "child",
                "children",
                "incident_date",
                "commissioned_on",
                "completed_on",
                "published_on",
                "duration_months",
                "over_six_months",
                "parallel_processes",
                "ofsted_grade",
                "themes",
                "agencies",
                "keywords",
                "summary",
                "lessons",
                "status",
                "embargo_until",
                "withdrawn_on",
                "withdrawal_reason",
                "revision",
                "created_at",
                "updated_at",
            ],
            "the review fields changed: this is a new dump version"
        );
    }

    #[test]
    fn a_truncated_line_is_refused_with_its_number() {
        let text = format!("{}\n{}\n{}", header(2), line(1), &line(2).to_string()[..40]);
        match read_dump(text.as_bytes(), day("2026-01-02"), |_| {}) {
            Err(SnapshotError::Refused(lines)) => {
                assert_eq!(lines.len(), 1);
                assert_eq!(lines[0].line, 3);
                assert!(
                    lines[0].messages[0].starts_with("not valid JSON"),
                    "{lines:?}"
                );
            }
            other => panic!("expected a refused line, got {other:?}"),
        }
        let invalid_utf8 = [format!("{}\n", header(1)).into_bytes(), vec![0xff, b'\n']].concat();
        assert!(matches!(
            read_dump(&invalid_utf8[..], day("2026-01-02"), |_| {}),
            Err(SnapshotError::Read { line: 2, .. })
        ));
    }
}
