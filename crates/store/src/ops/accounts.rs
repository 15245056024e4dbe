//! Accounts in the store: users, API tokens and login sessions, each write with its
//! audit entry (the records are in `accounts`).

use lessons_model::dates::now_rfc3339;
use lessons_model::validate::{FieldError, ValidationErrors};
use lessons_model::{validate_user, User};
use sled::Transactional;

use crate::accounts::{SessionRecord, StoredUser, TokenRecord};
use crate::audit::{self, AuditNote};
use crate::change::Change;
use crate::codec::{decode_json, encode_json};
use crate::error::{transaction_error, Result, StoreError};
use crate::store::Store;

impl Store {
    /// Adds or replaces a user (emails are case-insensitive). A depositor's board must
    /// exist. `by` is who did it (for the audit log).
    pub fn put_user(&self, user: &User, by: &str) -> Result<()> {
        let mut user = user.clone();
        user.email = user.email.trim().to_lowercase();
        let mut errors = match validate_user(&user) {
            Ok(()) => Vec::new(),
            Err(ValidationErrors(errors)) => errors,
        };
        if let Some(board) = &user.board {
            if errors.iter().all(|e| e.field != "board") && self.board(board)?.is_none() {
                errors.push(FieldError {
                    field: "board".into(),
                    message: format!("unknown board \"{board}\""),
                    allowed: Some(self.boards()?.into_iter().map(|b| b.slug).collect()),
                });
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(ValidationErrors(errors)));
        }
        let value = encode_json(&StoredUser::from(&user))?;
        let change = Change::User(user.email.clone());
        let note = AuditNote::record(by, "user", format!("user {}", user.email));
        self.put_logged(
            &self.users,
            user.email.as_bytes(),
            Some(&value),
            &change,
            &note,
        )
    }

    /// The user with this email (any case).
    pub fn user(&self, email: &str) -> Result<Option<User>> {
        let key = email.trim().to_lowercase();
        match self.users.get(key.as_bytes())? {
            Some(bytes) => Ok(Some(decode_json::<StoredUser>(&bytes, "user")?.into())),
            None => Ok(None),
        }
    }

    /// Stores a new API token under the SHA-256 of its secret; `by` is who created it.
    pub fn add_token(&self, secret_hash: &str, token: &TokenRecord, by: &str) -> Result<()> {
        let value = encode_json(token)?;
        let change = Change::Token(token.id.clone());
        let note = token_note(by, "token-create", token);
        self.put_logged(
            &self.tokens,
            secret_hash.as_bytes(),
            Some(&value),
            &change,
            &note,
        )
    }

    /// The token stored under this secret hash.
    pub fn token(&self, secret_hash: &str) -> Result<Option<TokenRecord>> {
        match self.tokens.get(secret_hash.as_bytes())? {
            Some(bytes) => Ok(Some(decode_json(&bytes, "token")?)),
            None => Ok(None),
        }
    }

    /// Every token of a user, oldest first.
    pub fn tokens_of(&self, email: &str) -> Result<Vec<TokenRecord>> {
        let email = email.trim().to_lowercase();
        let mut tokens = Vec::new();
        for entry in self.tokens.iter() {
            let (_, value) = entry?;
            let token: TokenRecord = decode_json(&value, "token")?;
            if token.email == email {
                tokens.push(token);
            }
        }
        tokens.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        Ok(tokens)
    }

    /// Deletes a user's token by its public id; `by` is who did it. Returns whether one
    /// was deleted.
    pub fn revoke_token(&self, email: &str, token_id: &str, by: &str) -> Result<bool> {
        let email = email.trim().to_lowercase();
        for entry in self.tokens.iter() {
            let (key, value) = entry?;
            let token: TokenRecord = decode_json(&value, "token")?;
            if token.email == email && token.id == token_id {
                let note = token_note(by, "token-revoke", &token);
                let change = Change::Token(token.id);
                self.put_logged(&self.tokens, &key, None, &change, &note)?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Stores a session under the SHA-256 of its cookie value (a login, in the audit
    /// log). Sessions are not part of the change log (they are not content), but are
    /// flushed like every write.
    pub fn put_session(&self, id_hash: &str, session: &SessionRecord) -> Result<()> {
        let note = AuditNote::record(&session.email, "login", format!("user {}", session.email));
        self.write_session(id_hash, Some(encode_json(session)?), &note)
    }

    pub fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
        match self.sessions.get(id_hash.as_bytes())? {
            Some(bytes) => Ok(Some(decode_json(&bytes, "session")?)),
            None => Ok(None),
        }
    }

    /// Ends a session (a logout, in the audit log); nothing happens for an unknown one.
    pub fn remove_session(&self, id_hash: &str) -> Result<()> {
        let Some(session) = self.session(id_hash)? else {
            return Ok(());
        };
        let note = AuditNote::record(&session.email, "logout", format!("user {}", session.email));
        self.write_session(id_hash, None, &note)
    }

    /// Inserts (or, given no value, removes) a session with its audit entry, then flushes.
    fn write_session(&self, id_hash: &str, value: Option<Vec<u8>>, note: &AuditNote) -> Result<()> {
        let now = now_rfc3339();
        let _writing = self.writing();
        (&self.sessions, &self.meta, &self.audit)
            .transaction(|(sessions, meta, audit_log)| {
                match &value {
                    Some(value) => sessions.insert(id_hash.as_bytes(), value.clone())?,
                    None => sessions.remove(id_hash.as_bytes())?,
                };
                audit::append(meta, audit_log, note, &now)?;
                Ok(())
            })
            .map_err(transaction_error)?;
        self.flush()
    }
}

/// The audit note of a token write: the token's public id and owner, never its secret.
fn token_note(by: &str, action: &str, token: &TokenRecord) -> AuditNote {
    AuditNote::record(by, action, format!("token {} of {}", token.id, token.email))
}
