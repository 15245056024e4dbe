//! Reviews as their readers and their boards see them: who may read or change which
//! review, deposit (a new draft, with its files), amend, publish (now or under embargo),
//! withdraw, revisions, original files, withdrawal notices and a board's own list.
//!
//! Existence is not revealed: a review the caller may not read is "not found" on every
//! operation, whether it is missing, a draft or under embargo. Only a review that is
//! public already answers "forbidden" to a caller who may read but not change it.

use lessons_ingest::{anonymisation_warnings, suggest_actions, suggest_lessons, Warning};
use lessons_model::dates::{parse_date, today};
use lessons_model::{FieldError, FileRef, Review, RevisionInfo, Status, ValidationErrors};
use lessons_store::ReviewListing;

use super::accounts::Principal;
use super::actions::carry_actions;
use super::error::{ServiceError, ServiceResult};
use super::input::{review_from_json, PublishBody, Transition};
use super::repository::Repository;
use super::uploads::{self, Upload};

/// An original file and its bytes.
pub struct FileDownload {
    pub file: FileRef,
    pub bytes: Vec<u8>,
}

/// A new draft and the anonymisation and extraction warnings found in it.
pub struct Deposited {
    pub review: Review,
    pub warnings: Vec<Warning>,
}

/// A board's own review screen: the review, the anonymisation warnings of its text,
/// and those found in each original file's own text (in the files' order).
pub struct Editable {
    pub review: Review,
    pub warnings: Vec<Warning>,
    pub file_warnings: Vec<Vec<Warning>>,
}

impl Repository {
    /// The review `id` if `caller` may see it: public reviews for everyone, any status
    /// for the review's board and admins; anything else is not found.
    /// Files are numbered; a caller who may not change the review sees only the files
    /// marked public.
    pub fn readable_review(&self, caller: Option<&Principal>, id: &str) -> ServiceResult<Review> {
        match self.store.review(id)? {
            Some(review) if may_read(caller, &review) => Ok(as_seen_by(caller, review)),
            _ => Err(not_found(id)),
        }
    }

    /// As [`Repository::readable_review`], but a withdrawn review that was once public
    /// is [`ServiceError::Gone`] with its notice (the review's page and JSON).
    pub fn review_or_notice(&self, caller: Option<&Principal>, id: &str) -> ServiceResult<Review> {
        match self.store.review(id)? {
            Some(review) if may_read(caller, &review) => Ok(as_seen_by(caller, review)),
            Some(review) => match withdrawal_notice(&review) {
                Some(notice) => Err(ServiceError::Gone { notice }),
                None => Err(not_found(id)),
            },
            None => Err(not_found(id)),
        }
    }

    /// The review `id` if `principal` may change it. A review the caller may not read is
    /// not found; a public review of another board is forbidden.
    pub fn editable_review(&self, principal: &Principal, id: &str) -> ServiceResult<Review> {
        let mut review = self.store.review(id)?.ok_or_else(|| not_found(id))?;
        check_may_change(principal, &review)?;
        review.number_files();
        Ok(review)
    }

    /// The review screen of a board: the review and its anonymisation warnings.
    pub fn editable_with_warnings(
        &self,
        principal: &Principal,
        id: &str,
    ) -> ServiceResult<Editable> {
        let review = self.editable_review(principal, id)?;
        let warnings = review_warnings(&review);
        let mut file_warnings = Vec::with_capacity(review.files.len());
        for file in &review.files {
            file_warnings.push(self.file_warnings(&review, file)?);
        }
        Ok(Editable {
            review,
            warnings,
            file_warnings,
        })
    }

    /// The anonymisation warnings found in the text of one stored original (its text is
    /// extracted again: what the public would read in that file, not the edited text).
    fn file_warnings(&self, review: &Review, file: &FileRef) -> ServiceResult<Vec<Warning>> {
        let Some(bytes) = self.store.file(&file.sha256)? else {
            return Ok(vec![unreadable_file("the stored file is missing")]);
        };
        Ok(
            match lessons_ingest::extract(&bytes, &lessons_ingest::Limits::default()) {
                Ok(extracted) => {
                    let mut warnings = extracted.warnings;
                    warnings.extend(anonymisation_warnings(&extracted.text, &review.pseudonyms));
                    warnings
                }
                Err(error) => vec![unreadable_file(&error.to_string())],
            },
        )
    }

    /// A new draft of `principal`'s board from deposited metadata and uploads: the
    /// summary filled from the text, findings suggested when none were given, and the
    /// warnings found. Nothing is kept unless all of it is acceptable.
    pub fn deposit(
        &self,
        principal: &Principal,
        mut review: Review,
        uploads: Vec<Upload>,
    ) -> ServiceResult<Deposited> {
        check_board(principal, &review.board)?;
        review.status = Status::Draft;
        review.embargo_until = None;
        uploads::fill_summary(&mut review, &uploads);
        if review.lessons.is_empty() {
            review.lessons = suggest_lessons(&review.summary);
        }
        let plan = suggest_actions(&review.summary, &mut review.lessons);
        let mut warnings: Vec<Warning> = uploads
            .iter()
            .flat_map(|u| u.extracted.warnings.clone())
            .collect();
        if plan.rows > 0 {
            warnings.push(Warning {
                code: "action_plan".into(),
                message: format!(
                    "An action-plan table was found: {} of its {} rows were read as suggested actions on the recommendations; check and save each under Action plans (a row without a lead agency or a date it could read was left out)",
                    plan.recovered, plan.rows
                ),
                excerpt: String::new(),
            });
        }
        warnings.extend(review_warnings(&review));
        let files: Vec<(FileRef, &[u8])> = uploads
            .iter()
            .map(|u| (u.file_ref(), u.bytes.as_slice()))
            .collect();
        let review = self.create_review_with_files(review, files, &principal.email)?;
        Ok(Deposited { review, warnings })
    }

    /// Replaces the metadata and findings of review `id` with those of `review`, as a
    /// new revision; status, embargo, withdrawal and files stay as they are.
    pub fn amend(&self, principal: &Principal, id: &str, review: Review) -> ServiceResult<Review> {
        self.modify_review(id, &principal.email, "update", |current| {
            check_may_change(principal, &current)?;
            check_board(principal, &review.board)?;
            amended(current, review)
        })
    }

    /// The review screen's save: `changes` to the metadata (a field set to a value, or
    /// removed when `None`; every other field stays as stored), and the summary and
    /// findings as the form sent them, as a new revision.
    pub fn amend_screen(
        &self,
        principal: &Principal,
        id: &str,
        changes: Vec<(String, Option<serde_json::Value>)>,
        summary: String,
        lessons: Vec<lessons_model::Lesson>,
    ) -> ServiceResult<Review> {
        self.modify_review(id, &principal.email, "update", |current| {
            check_may_change(principal, &current)?;
            let mut value = serde_json::to_value(&current)
                .map_err(|e| ServiceError::internal(&e, "the review could not be read as JSON"))?;
            if let Some(object) = value.as_object_mut() {
                for (key, change) in changes {
                    match change {
                        Some(given) => object.insert(key, given),
                        None => object.remove(&key),
                    };
                }
            }
            let mut next = review_from_json(value)?;
            next.summary = summary;
            next.lessons = with_stored_actions(&current, lessons);
            amended(current, next)
        })
    }

    /// Publishes or withdraws review `id`.
    pub fn transition(
        &self,
        principal: &Principal,
        id: &str,
        transition: Transition,
    ) -> ServiceResult<Review> {
        let action = transition.action();
        self.modify_review(id, &principal.email, action, |current| {
            check_may_change(principal, &current)?;
            match transition {
                Transition::Publish(body) => publishable(current, body),
                Transition::Withdraw(body) => withdrawn(current, &body.reason),
            }
        })
    }

    /// Changes which original files of published review `id` the public gets: exactly
    /// `public_files` (numbered from 1), each of which must be listed in
    /// `anonymised_files` too; the same rules as at publishing, as a new revision
    /// (audited as `files`). Status, dates and text stay as they are.
    pub fn change_public_files(
        &self,
        principal: &Principal,
        id: &str,
        public_files: &[usize],
        anonymised_files: &[usize],
    ) -> ServiceResult<Review> {
        self.modify_review(id, &principal.email, "files", |mut current| {
            check_may_change(principal, &current)?;
            let mut problems = public_file_problems(&current, public_files, anonymised_files);
            if current.status != Status::Published {
                problems.push(field_error(
                    "status",
                    format!(
                        "only a published review's public files can be changed this way (this one is {}); choose them when you publish",
                        current.status.as_str()
                    ),
                ));
            }
            if !problems.is_empty() {
                return Err(ServiceError::Invalid(ValidationErrors(problems)));
            }
            mark_public_files(&mut current, public_files);
            Ok(current)
        })
    }

    /// The history of review `id`, for those who may change it.
    pub fn revisions(&self, principal: &Principal, id: &str) -> ServiceResult<Vec<RevisionInfo>> {
        self.editable_review(principal, id)?;
        Ok(self.store.revisions(id)?)
    }

    /// Review `id` as it was at revision `n` (as the path gave it).
    pub fn revision(&self, principal: &Principal, id: &str, n: &str) -> ServiceResult<Review> {
        self.editable_review(principal, id)?;
        let missing = || ServiceError::NotFound(format!("review {id} has no revision {n}"));
        let n: u32 = n.parse().map_err(|_| missing())?;
        match self.store.revision(id, n)? {
            Some(mut record) => {
                record.review.number_files();
                Ok(record.review)
            }
            None => Err(missing()),
        }
    }

    /// Original file `n` (from 1) of review `id`: every file for the review's board and
    /// admins; for anyone else, only a file marked public of a public review. A private
    /// file is "not found", exactly as a missing one.
    pub fn file(
        &self,
        caller: Option<&Principal>,
        id: &str,
        n: &str,
    ) -> ServiceResult<FileDownload> {
        let missing = || ServiceError::NotFound(format!("review {id} has no file {n}"));
        let n: usize = n.parse().ok().filter(|n| *n >= 1).ok_or_else(missing)?;
        let review = self.readable_review(caller, id)?;
        let file = review
            .files
            .iter()
            .find(|file| file.number == n)
            .cloned()
            .ok_or_else(missing)?;
        let bytes = self.store.file(&file.sha256)?.ok_or_else(|| {
            ServiceError::internal(
                &format!("file {} of {id}", file.sha256),
                "the stored file is missing",
            )
        })?;
        Ok(FileDownload { file, bytes })
    }

    /// The reviews `principal` may change (every status), read from the boards' lists:
    /// an admin's are every board's, a depositor's their board's.
    pub fn reviews_of(&self, principal: &Principal) -> ServiceResult<Vec<ReviewListing>> {
        let listings = match (&principal.role, &principal.board) {
            (lessons_model::Role::Admin, _) => self.store.all_listings()?,
            (_, Some(board)) => self.store.board_listings(board)?,
            (_, None) => Vec::new(),
        };
        Ok(listings)
    }
}

/// Likely identifying details in a review's summary and findings.
pub fn review_warnings(review: &Review) -> Vec<Warning> {
    let mut text = review.summary.clone();
    for lesson in &review.lessons {
        text.push_str("\n\n");
        text.push_str(&lesson.text);
    }
    anonymisation_warnings(&text, &review.pseudonyms)
}

/// "review {id} was withdrawn on DATE: REASON" for a withdrawn review that was public
/// once; `None` for anything else (a review withdrawn under embargo was never public).
pub fn withdrawal_notice(review: &Review) -> Option<String> {
    if review.status != Status::Withdrawn {
        return None;
    }
    if let (Some(embargo), Some(on)) = (&review.embargo_until, &review.withdrawn_on) {
        if embargo > on {
            return None;
        }
    }
    let id = &review.id;
    let on = review.withdrawn_on.as_deref().unwrap_or("an unknown date");
    Some(match &review.withdrawal_reason {
        Some(reason) => format!("review {id} was withdrawn on {on}: {reason}"),
        None => format!("review {id} was withdrawn on {on}"),
    })
}

/// `review` as `caller` may see it: numbered files, only the public ones unless the
/// caller may change the review; each recommendation's progress as of today.
fn as_seen_by(caller: Option<&Principal>, mut review: Review) -> Review {
    review.fill_progress(today());
    if caller.is_some_and(|p| p.can_edit(&review.board)) {
        review.number_files();
    } else {
        review.keep_public_files();
    }
    review
}

fn unreadable_file(why: &str) -> Warning {
    Warning {
        code: "unreadable_file".into(),
        message:
            "This file's text could not be read again to check it; open it and check it yourself"
                .into(),
        excerpt: why.to_string(),
    }
}

fn may_read(caller: Option<&Principal>, review: &Review) -> bool {
    review.is_public_now() || caller.is_some_and(|p| p.can_edit(&review.board))
}

fn not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("review {id} not found"))
}

/// `principal` may change `review`: its board's people and admins. Others get "not
/// found" unless the review is public (then its existence is no secret: forbidden).
pub(super) fn check_may_change(principal: &Principal, review: &Review) -> ServiceResult<()> {
    if principal.can_edit(&review.board) {
        return Ok(());
    }
    if review.is_public_now() || withdrawal_notice(review).is_some() {
        return Err(forbidden(principal, &review.board));
    }
    Err(not_found(&review.id))
}

/// `principal` may deposit into `board` (an empty board is left to validation).
pub fn check_board(principal: &Principal, board: &str) -> ServiceResult<()> {
    if board.is_empty() || principal.can_edit(board) {
        return Ok(());
    }
    Err(forbidden(principal, board))
}

fn forbidden(principal: &Principal, board: &str) -> ServiceError {
    ServiceError::Forbidden(format!(
        "{} may not deposit or change reviews of board \"{board}\"",
        principal.email
    ))
}

/// The review screen's findings with the actions of the stored finding each row shows
/// (rows carry the stored finding's id; new rows have none).
fn with_stored_actions(
    current: &Review,
    mut lessons: Vec<lessons_model::Lesson>,
) -> Vec<lessons_model::Lesson> {
    for lesson in &mut lessons {
        if let Some(stored) = current
            .lessons
            .iter()
            .find(|l| !l.id.is_empty() && l.id == lesson.id)
        {
            lesson.actions = stored.actions.clone();
        }
    }
    lessons
}

/// `(finding, action)` positions of the actions still suggested (read from an
/// action-plan table and not yet confirmed).
fn suggested_actions(review: &Review) -> impl Iterator<Item = (usize, usize)> + '_ {
    review.lessons.iter().enumerate().flat_map(|(i, lesson)| {
        lesson
            .actions
            .iter()
            .enumerate()
            .filter(|(_, a)| a.suggested)
            .map(move |(j, _)| (i, j))
    })
}

/// `review` as the new version of `current`: status, embargo, withdrawal and files are
/// kept; a published review may not gain unconfirmed (suggested) findings.
fn amended(current: Review, mut review: Review) -> ServiceResult<Review> {
    carry_actions(&current, &mut review)?;
    if current.status == Status::Published {
        let suggested: Vec<FieldError> = review
            .lessons
            .iter()
            .enumerate()
            .filter(|(_, l)| l.suggested)
            .map(|(i, _)| FieldError {
                field: format!("lessons[{i}].suggested"),
                message: "a published review may only hold confirmed findings".into(),
                allowed: None,
            })
            .chain(suggested_actions(&review).map(|(i, j)| FieldError {
                field: format!("lessons[{i}].actions[{j}].suggested"),
                message: "a published review may only hold confirmed actions".into(),
                allowed: None,
            }))
            .collect();
        if !suggested.is_empty() {
            return Err(ServiceError::Invalid(ValidationErrors(suggested)));
        }
    }
    review.status = current.status;
    review.embargo_until = current.embargo_until;
    review.withdrawn_on = current.withdrawn_on;
    review.withdrawal_reason = current.withdrawal_reason;
    review.files = current.files;
    Ok(review)
}

/// Checks the publication rules and returns the review as published.
fn publishable(mut review: Review, body: PublishBody) -> ServiceResult<Review> {
    let mut problems = Vec::new();
    if !body.anonymisation_checked {
        problems.push(field_error(
            "anonymisation_checked",
            "confirm that the anonymisation check was done (true)".into(),
        ));
    }
    let embargo = match body.embargo_until.as_deref() {
        None | Some("") => None,
        Some(text) => match parse_date(text) {
            Some(date) => Some((text.to_string(), date)),
            None => {
                problems.push(field_error(
                    "embargo_until",
                    format!("\"{text}\" is not a date (YYYY-MM-DD)"),
                ));
                None
            }
        },
    };
    let published_on = match body.published_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => match parse_date(text) {
            Some(_) => Some(text.to_string()),
            None => {
                problems.push(field_error(
                    "published_on",
                    format!("\"{text}\" is not a date (YYYY-MM-DD)"),
                ));
                None
            }
        },
    };
    for (i, lesson) in review.lessons.iter().enumerate() {
        if lesson.suggested {
            problems.push(field_error(
                &format!("lessons[{i}].suggested"),
                "confirm, edit or delete this suggested finding first".into(),
            ));
        }
    }
    for (i, j) in suggested_actions(&review) {
        problems.push(field_error(
            &format!("lessons[{i}].actions[{j}].suggested"),
            "confirm (save) or edit this suggested action first".into(),
        ));
    }
    problems.extend(public_file_problems(
        &review,
        &body.public_files,
        &body.anonymised_files,
    ));
    if review.status == Status::Withdrawn {
        problems.push(field_error(
            "status",
            "a withdrawn review cannot be published again; deposit a new one".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(ValidationErrors(problems)));
    }
    review.status = Status::Published;
    let public_day = embargo
        .as_ref()
        .map(|(_, date)| *date)
        .unwrap_or_else(today);
    review.embargo_until = embargo.map(|(text, _)| text);
    if published_on.is_some() {
        review.published_on = published_on;
    } else if review.published_on.is_none() {
        review.published_on = Some(public_day.to_string());
    }
    mark_public_files(&mut review, &body.public_files);
    Ok(review)
}

/// Exactly the files numbered in `public_files` are public from now on; every other
/// file is private.
fn mark_public_files(review: &mut Review, public_files: &[usize]) {
    for (i, file) in review.files.iter_mut().enumerate() {
        file.public = public_files.contains(&(i + 1));
    }
}

/// Each file listed as public must exist and be confirmed anonymised (listed in
/// `anonymised_files` too); each file confirmed anonymised must exist.
fn public_file_problems(
    review: &Review,
    public_files: &[usize],
    anonymised_files: &[usize],
) -> Vec<FieldError> {
    let count = review.files.len();
    let mut problems = Vec::new();
    for (i, &n) in public_files.iter().enumerate() {
        let field = format!("public_files[{i}]");
        match n.checked_sub(1).and_then(|index| review.files.get(index)) {
            None if count == 0 => {
                problems.push(field_error(&field, format!("this review has no files (not even file {n})")))
            }
            None => problems.push(field_error(
                &field,
                format!("this review has no file {n} (its files are numbered 1 to {count})"),
            )),
            Some(file) if !anonymised_files.contains(&n) => problems.push(field_error(
                &field,
                format!(
                    "file {n} ({}) is marked public but not confirmed anonymised: list it in anonymised_files too, or keep it private",
                    file.filename
                ),
            )),
            Some(_) => {}
        }
    }
    for (i, &n) in anonymised_files.iter().enumerate() {
        if n == 0 || n > count {
            problems.push(field_error(
                &format!("anonymised_files[{i}]"),
                format!("this review has no file {n} (its files are numbered 1 to {count})"),
            ));
        }
    }
    problems
}

/// `review` withdrawn today for `reason`. Only a published review can be withdrawn (a
/// draft was never public; it simply stays a draft).
fn withdrawn(mut review: Review, reason: &str) -> ServiceResult<Review> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::invalid_field(
            "reason",
            "say why the review is withdrawn",
        ));
    }
    if reason.chars().count() > 2_000 {
        return Err(ServiceError::invalid_field(
            "reason",
            "is longer than 2000 characters",
        ));
    }
    if review.status != Status::Published {
        return Err(ServiceError::invalid_field(
            "status",
            format!(
                "only a published review can be withdrawn (this one is {})",
                review.status.as_str()
            ),
        ));
    }
    review.status = Status::Withdrawn;
    review.withdrawn_on = Some(today().to_string());
    review.withdrawal_reason = Some(reason.to_string());
    Ok(review)
}

fn field_error(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_string(),
        message,
        allowed: None,
    }
}
