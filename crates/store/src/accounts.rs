//! Accounts in the store: users (with their argon2 password hash), API tokens and login
//! sessions. Tokens and session ids are secrets the store never sees: callers hand it
//! their SHA-256, so a copy of the data directory cannot be used to log in.
//! A record module: it knows no other module of the crate (the writes are in
//! `ops/accounts.rs`).

use lessons_model::User;
use serde::{Deserialize, Serialize};

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
