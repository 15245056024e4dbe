//! Action plans of recommendations (DESIGN §10): adding an action to a finding and
//! changing one, without resending the review, for the review's board and admins, on
//! drafts and published reviews alike (progress is reported after publication; the
//! review's text does not change). Each change is a new revision audited as `actions`.
//! Also the rule every amendment keeps: actions are never removed (one that no longer
//! applies is marked `superseded`; only a suggested one, read from an action-plan table
//! and never confirmed, may be left out), and an action that changed is dated today.
//! Changing an action confirms it.

use std::collections::{HashMap, HashSet};

use lessons_model::dates::today;
use lessons_model::{validate_action, Action, FieldError, Review, Status, ValidationErrors};
use serde::Deserialize;

use super::accounts::Principal;
use super::error::{ServiceError, ServiceResult};
use super::repository::Repository;
use super::reviews::check_may_change;

/// The body of `POST /api/v1/reviews/{id}/findings/{n}/actions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAction {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub due: String,
    #[serde(default = "planned")]
    pub status: String,
    #[serde(default)]
    pub evidence: Option<String>,
}

fn planned() -> String {
    "planned".to_string()
}

/// The body of `PATCH /api/v1/reviews/{id}/actions/{action_id}`: the fields to change.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionChanges {
    pub text: Option<String>,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub status: Option<String>,
    /// An empty text removes the evidence.
    pub evidence: Option<String>,
}

impl ActionChanges {
    fn is_empty(&self) -> bool {
        self.text.is_none()
            && self.owner.is_none()
            && self.due.is_none()
            && self.status.is_none()
            && self.evidence.is_none()
    }

    fn apply(self, action: &mut Action) {
        if let Some(text) = self.text {
            action.text = text.trim().to_string();
        }
        if let Some(owner) = self.owner {
            action.owner = owner;
        }
        if let Some(due) = self.due {
            action.due = due;
        }
        if let Some(status) = self.status {
            action.status = status;
        }
        if let Some(evidence) = self.evidence {
            let evidence = evidence.trim().to_string();
            action.evidence = (!evidence.is_empty()).then_some(evidence);
        }
    }
}

/// An open action of one of a board's reviews, for `/my/actions`.
#[derive(Debug, Clone)]
pub struct OpenAction {
    pub review_id: String,
    pub review_title: String,
    /// The recommendation's place in the review, from 1.
    pub finding: usize,
    pub recommendation: String,
    pub action: Action,
}

/// How far ahead the reminders feed looks for actions falling due.
pub const DUE_SOON_DAYS: i64 = 30;

impl Repository {
    /// The open (planned or in progress) actions of every review `principal` may
    /// change (the board's, or all for an admin), earliest due date first.
    pub fn open_actions(&self, principal: &Principal) -> ServiceResult<Vec<OpenAction>> {
        self.open_actions_in(self.reviews_of(principal)?)
    }

    /// The open actions of board `board` that are overdue or fall due within
    /// [`DUE_SOON_DAYS`] of today, earliest due date first, for the reminders feed
    /// (`/feeds/actions.atom`): for the board's own users and admins only (403 for
    /// anyone else; 404 for a board that does not exist). Drafts and embargoed reviews
    /// are the board's own, so their actions are in; withdrawn reviews' are not.
    pub fn action_reminders(
        &self,
        principal: &Principal,
        board: &str,
    ) -> ServiceResult<Vec<OpenAction>> {
        if self.store.board(board)?.is_none() {
            return Err(ServiceError::NotFound(format!("no board \"{board}\"")));
        }
        if !principal.can_edit(board) {
            return Err(ServiceError::Forbidden(
                "only the board's own users may follow its action reminders".into(),
            ));
        }
        let horizon = today() + time::Duration::days(DUE_SOON_DAYS);
        let open = self.open_actions_in(self.store.board_listings(board)?)?;
        Ok(open
            .into_iter()
            .filter(|o| o.action.due_date().is_some_and(|due| due <= horizon))
            .collect())
    }

    fn open_actions_in(
        &self,
        listings: Vec<lessons_store::ReviewListing>,
    ) -> ServiceResult<Vec<OpenAction>> {
        let mut open = Vec::new();
        for listing in listings {
            let Some(review) = self.store.review(&listing.id)? else {
                continue;
            };
            if review.status == Status::Withdrawn {
                continue;
            }
            for (i, lesson) in review.lessons.iter().enumerate() {
                for action in lesson.actions.iter().filter(|a| a.is_open()) {
                    open.push(OpenAction {
                        review_id: review.id.clone(),
                        review_title: review.title.clone(),
                        finding: i + 1,
                        recommendation: lesson.text.clone(),
                        action: action.clone(),
                    });
                }
            }
        }
        open.sort_by(|a, b| {
            let due = |o: &OpenAction| (o.action.due_date().is_none(), o.action.due_date());
            due(a)
                .cmp(&due(b))
                .then_with(|| a.review_id.cmp(&b.review_id))
                .then_with(|| a.action.id.cmp(&b.action.id))
        });
        Ok(open)
    }

    /// Adds an action to the `n`-th finding (from 1) of review `id`, which must be a
    /// recommendation; returns the action as stored (with its id).
    pub fn add_action(
        &self,
        principal: &Principal,
        id: &str,
        n: &str,
        new: NewAction,
    ) -> ServiceResult<Action> {
        let action = Action {
            text: new.text.trim().to_string(),
            owner: new.owner,
            due: new.due,
            status: new.status,
            evidence: new
                .evidence
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty()),
            updated_on: today().to_string(),
            ..Action::default()
        };
        validate_action(&action)?;
        let mut position = 0;
        let stored = self.modify_review(id, &principal.email, "actions", |mut current| {
            check_may_change(principal, &current)?;
            check_not_withdrawn(&current)?;
            position = finding_position(&current, n)?;
            let finding = &mut current.lessons[position];
            if finding.kind != "recommendation" {
                return Err(invalid(
                    "finding",
                    format!(
                        "finding {n} is a {}: only a recommendation carries actions",
                        finding.kind
                    ),
                ));
            }
            finding.actions.push(action);
            Ok(current)
        })?;
        stored.lessons[position]
            .actions
            .last()
            .cloned()
            .ok_or_else(|| ServiceError::internal(&"no action", "the action was not stored"))
    }

    /// Changes the fields of action `action_id` of review `id` given in `changes`;
    /// returns the action as stored.
    pub fn change_action(
        &self,
        principal: &Principal,
        id: &str,
        action_id: &str,
        changes: ActionChanges,
    ) -> ServiceResult<Action> {
        if changes.is_empty() {
            return Err(invalid(
                "body",
                "name at least one of text, owner, due, status, evidence".into(),
            ));
        }
        let stored = self.modify_review(id, &principal.email, "actions", |mut current| {
            check_may_change(principal, &current)?;
            check_not_withdrawn(&current)?;
            let action = current
                .lessons
                .iter_mut()
                .flat_map(|l| l.actions.iter_mut())
                .find(|a| a.id == action_id)
                .ok_or_else(|| no_action(id, action_id))?;
            changes.apply(action);
            // Saving a suggested action (read from an action-plan table) confirms it.
            action.suggested = false;
            action.updated_on = today().to_string();
            validate_action(action)?;
            Ok(current)
        })?;
        stored
            .lessons
            .iter()
            .flat_map(|l| &l.actions)
            .find(|a| a.id == action_id)
            .cloned()
            .ok_or_else(|| no_action(id, action_id))
    }
}

/// Keeps the actions of `current` in `next` (an amendment): every action of `current`
/// must still be there (by id); an action that changed, or a new one, is dated today,
/// and an unchanged one keeps its date. An id `current` never had is refused.
pub(super) fn carry_actions(current: &Review, next: &mut Review) -> ServiceResult<()> {
    let before: HashMap<&str, &Action> = current
        .lessons
        .iter()
        .flat_map(|l| &l.actions)
        .map(|a| (a.id.as_str(), a))
        .collect();
    let today = today().to_string();
    let mut kept = HashSet::new();
    let mut problems = Vec::new();
    for (i, lesson) in next.lessons.iter_mut().enumerate() {
        for (j, action) in lesson.actions.iter_mut().enumerate() {
            if action.id.is_empty() {
                action.updated_on = today.clone();
                continue;
            }
            match before.get(action.id.as_str()) {
                Some(old) => {
                    kept.insert(old.id.as_str());
                    action.updated_on = if same_action(old, action) {
                        old.updated_on.clone()
                    } else {
                        today.clone()
                    };
                }
                None => problems.push(FieldError {
                    field: format!("lessons[{i}].actions[{j}].id"),
                    message: format!(
                        "this review has no action {}: leave the id out for a new action",
                        action.id
                    ),
                    allowed: None,
                }),
            }
        }
    }
    // A suggested action (never confirmed) may be left out: it was not on the record.
    let mut removed: Vec<&str> = before
        .iter()
        .filter(|(id, action)| !kept.contains(*id) && !action.suggested)
        .map(|(id, _)| *id)
        .collect();
    removed.sort_unstable();
    for id in removed {
        problems.push(FieldError {
            field: "lessons".into(),
            message: format!(
                "action {id} is missing: actions are kept for the record; mark one that no longer applies \"superseded\""
            ),
            allowed: None,
        });
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Invalid(ValidationErrors(problems)))
    }
}

fn same_action(a: &Action, b: &Action) -> bool {
    a.text == b.text
        && a.owner == b.owner
        && a.due == b.due
        && a.status == b.status
        && a.evidence == b.evidence
        && a.suggested == b.suggested
}

/// The index of finding `n` (from 1) of `review`, or not found.
fn finding_position(review: &Review, n: &str) -> ServiceResult<usize> {
    n.parse::<usize>()
        .ok()
        .filter(|n| (1..=review.lessons.len()).contains(n))
        .map(|n| n - 1)
        .ok_or_else(|| ServiceError::NotFound(format!("review {} has no finding {n}", review.id)))
}

fn check_not_withdrawn(review: &Review) -> ServiceResult<()> {
    if review.status == Status::Withdrawn {
        return Err(invalid(
            "status",
            "a withdrawn review's action plan can no longer change".into(),
        ));
    }
    Ok(())
}

fn no_action(id: &str, action_id: &str) -> ServiceError {
    ServiceError::NotFound(format!("review {id} has no action {action_id}"))
}

fn invalid(field: &str, message: String) -> ServiceError {
    ServiceError::Invalid(ValidationErrors(vec![FieldError {
        field: field.into(),
        message,
        allowed: None,
    }]))
}
