//! Accounts in the store: users (with their argon2 password hash), API tokens and login
//! sessions. Tokens and session ids are secrets the store never sees: callers hand it
//! their SHA-256, so a copy of the data directory cannot be used to log in.

use lessons_model::{validate_user, FieldError, User, ValidationErrors};
use serde::{Deserialize, Serialize};

use crate::{decode_json, encode_json, Change, Result, Store, StoreError};

/// An API token as stored (under the SHA-256 of the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// A short public id, to list and revoke the token without its secret.
    pub id: String,
    pub email: String,
    pub label: String,
    pub created_at: String,
}

/// A login session as stored (under the SHA-256 of the cookie value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub email: String,
    /// The token every form of this session must carry.
    pub csrf: String,
    /// Unix seconds after which the session is void.
    pub expires_at: i64,
}

impl Store {
    /// Adds or replaces a user (emails are case-insensitive). A depositor's board must exist.
    pub fn put_user(&self, user: &User) -> Result<()> {
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
        self.put_logged(&self.users, user.email.as_bytes(), &value, &change)
    }

    /// The user with this email (any case).
    pub fn user(&self, email: &str) -> Result<Option<User>> {
        let key = email.trim().to_lowercase();
        match self.users.get(key.as_bytes())? {
            Some(bytes) => Ok(Some(decode_json::<StoredUser>(&bytes, "user")?.into())),
            None => Ok(None),
        }
    }

    /// Stores a new API token under the SHA-256 of its secret.
    pub fn add_token(&self, secret_hash: &str, token: &TokenRecord) -> Result<()> {
        let value = encode_json(token)?;
        let change = Change::Token(token.id.clone());
        self.put_logged(&self.tokens, secret_hash.as_bytes(), &value, &change)
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

    /// Deletes a user's token by its public id. Returns whether one was deleted.
    pub fn revoke_token(&self, email: &str, token_id: &str) -> Result<bool> {
        let email = email.trim().to_lowercase();
        for entry in self.tokens.iter() {
            let (key, value) = entry?;
            let token: TokenRecord = decode_json(&value, "token")?;
            if token.email == email && token.id == token_id {
                self.remove_logged(&self.tokens, &key, &Change::Token(token.id))?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Stores a session under the SHA-256 of its cookie value. Sessions are not part of
    /// the change log (they are not content), but are flushed like every write.
    pub fn put_session(&self, id_hash: &str, session: &SessionRecord) -> Result<()> {
        self.sessions
            .insert(id_hash.as_bytes(), encode_json(session)?)?;
        self.flush()
    }

    pub fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
        match self.sessions.get(id_hash.as_bytes())? {
            Some(bytes) => Ok(Some(decode_json(&bytes, "session")?)),
            None => Ok(None),
        }
    }

    pub fn remove_session(&self, id_hash: &str) -> Result<()> {
        self.sessions.remove(id_hash.as_bytes())?;
        self.flush()
    }
}

/// A user as stored: the model's `User` skips its hash when serialised for display.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredUser {
    email: String,
    #[serde(default)]
    board: Option<String>,
    role: lessons_model::Role,
    password_hash: String,
}

impl From<&User> for StoredUser {
    fn from(user: &User) -> Self {
        StoredUser {
            email: user.email.clone(),
            board: user.board.clone(),
            role: user.role,
            password_hash: user.password_hash.clone(),
        }
    }
}

impl From<StoredUser> for User {
    fn from(stored: StoredUser) -> Self {
        User {
            email: stored.email,
            board: stored.board,
            role: stored.role,
            password_hash: stored.password_hash,
        }
    }
}
