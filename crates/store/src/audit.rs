//! The audit log: one [`AuditEntry`] per write (who, when, what action, on which review
//! at which revision, or on which other record), appended to the `audit` tree in the
//! same sled transaction as the write itself, so an acknowledged write always has its
//! entry and an entry never names a write that did not happen. Keys are a counter of
//! their own (`meta`/`audit_seq`, big-endian), so the log reads oldest first.
//!
//! The log is operator data: it travels in backups (a copy of the whole store), never in
//! public dumps, and is read only through `Store::audit` (for `/admin/audit`).
//! A record module: it knows only `codec` and `error`.

use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;

use crate::codec::{decode_u64, encode_json};
use crate::error::{abort, TxResult};

const KEY_AUDIT_SEQ: &[u8] = b"audit_seq";

/// One write, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the log, from 1.
    pub seq: u64,
    /// RFC 3339 time of the write.
    pub at: String,
    /// Who made it: a user's email, or `cli`, `demo`, `restore`, `system`.
    pub by: String,
    /// What was done: `create`, `update`, `publish`, `withdraw`, `import`, `restored`,
    /// `board`, `user`, `token-create`, `token-revoke`, `setting`, `login`, `logout`.
    pub action: String,
    /// The review written, when the write was to a review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<String>,
    /// The revision the write produced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
    /// The other record written (`board barsetshire`, `user a@b.example`, `token 1a2b3c4d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

/// What a write tells the audit log; the store adds the position and time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditNote {
    pub by: String,
    pub action: String,
    pub review: Option<String>,
    pub revision: Option<u32>,
    pub record: Option<String>,
}

impl AuditNote {
    /// A write to a record other than a review.
    pub fn record(by: &str, action: &str, record: String) -> AuditNote {
        AuditNote {
            by: by.to_string(),
            action: action.to_string(),
            record: Some(record),
            ..AuditNote::default()
        }
    }

    /// A new revision of a review.
    pub fn review(by: &str, action: &str, id: &str, revision: u32) -> AuditNote {
        AuditNote {
            by: by.to_string(),
            action: action.to_string(),
            review: Some(id.to_string()),
            revision: Some(revision),
            record: None,
        }
    }
}

/// Which entries to read, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Entries whose `by` equals this (case-insensitive).
    pub by: Option<String>,
    /// Entries whose review equals this.
    pub review: Option<String>,
    /// Entries whose action equals this.
    pub action: Option<String>,
    /// Entries at or after this time (an RFC 3339 prefix such as `2026-11-27`).
    pub from: Option<String>,
    /// Entries at or before this time (a prefix matches the whole day, month or year).
    pub to: Option<String>,
    /// Entries before this position (for the next page).
    pub before: Option<u64>,
}

impl AuditFilter {
    pub(crate) fn matches(&self, entry: &AuditEntry) -> bool {
        let same = |wanted: &Option<String>, value: Option<&str>| match wanted {
            Some(wanted) => value.is_some_and(|v| v.eq_ignore_ascii_case(wanted)),
            None => true,
        };
        same(&self.by, Some(&entry.by))
            && same(&self.review, entry.review.as_deref())
            && same(&self.action, Some(&entry.action))
            && self
                .from
                .as_deref()
                .is_none_or(|from| entry.at.as_str() >= from)
            && self
                .to
                .as_deref()
                .is_none_or(|to| !after_prefix(&entry.at, to))
    }
}

/// Whether time `at` is later than every time that starts with `prefix`.
fn after_prefix(at: &str, prefix: &str) -> bool {
    at > prefix && !at.starts_with(prefix)
}

/// Appends `note` at time `at` inside a transaction over `meta` and `audit`.
pub(crate) fn append(
    meta: &TransactionalTree,
    audit: &TransactionalTree,
    note: &AuditNote,
    at: &str,
) -> TxResult<()> {
    let seq = match meta.get(KEY_AUDIT_SEQ)? {
        Some(bytes) => decode_u64(&bytes, "audit sequence").map_err(abort)? + 1,
        None => 1,
    };
    meta.insert(KEY_AUDIT_SEQ, &seq.to_be_bytes())?;
    let entry = AuditEntry {
        seq,
        at: at.to_string(),
        by: note.by.clone(),
        action: note.action.clone(),
        review: note.review.clone(),
        revision: note.revision,
        record: note.record.clone(),
    };
    audit.insert(&seq.to_be_bytes(), encode_json(&entry).map_err(abort)?)?;
    Ok(())
}
