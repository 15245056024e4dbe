//! Who is asking, and what they may do. A request is authenticated by an API token
//! (`Authorization: Bearer <token>`) or by a login session cookie; either gives a
//! [`Principal`]. Passwords are argon2 hashes; tokens and session ids are random secrets
//! of which the store keeps only the SHA-256.

use actix_web::http::header;
use actix_web::HttpRequest;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use lessons_model::dates::now_rfc3339;
use lessons_model::{Role, User};
use lessons_store::{sha256_hex, TokenRecord};

use crate::errors::ApiError;
use crate::repository::{Repository, RepositoryError};

/// The cookie that carries a login session.
pub const SESSION_COOKIE: &str = "lessons_session";
/// Prefix of API tokens, so that a leaked one is recognisable.
const TOKEN_PREFIX: &str = "lsn_";
/// Shortest accepted password.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// An authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub email: String,
    pub role: Role,
    pub board: Option<String>,
    /// The CSRF token of the session, when authenticated by a session cookie.
    pub csrf: Option<String>,
}

impl Principal {
    /// Whether this user may create or change reviews of `board`, and read its drafts.
    pub fn can_edit(&self, board: &str) -> bool {
        self.role == Role::Admin || self.board.as_deref() == Some(board)
    }

    fn from_user(user: User, csrf: Option<String>) -> Principal {
        Principal {
            email: user.email,
            role: user.role,
            board: user.board,
            csrf,
        }
    }
}

/// An argon2id PHC string for `password`.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| ApiError::internal(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches the PHC string `hash` (false for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A new random secret: 32 bytes from the OS, as hex.
pub fn new_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Creates an API token for `email` (`by` is who asked, for the audit log); returns the
/// secret (shown once) and its record.
pub fn create_token(
    repository: &Repository,
    email: &str,
    label: &str,
    by: &str,
) -> Result<(String, TokenRecord), ApiError> {
    let user = repository
        .store
        .user(email)?
        .ok_or_else(|| ApiError::not_found(format!("no user {email}")))?;
    let secret = format!("{TOKEN_PREFIX}{}", new_secret()?);
    let record = TokenRecord {
        id: secret[TOKEN_PREFIX.len()..TOKEN_PREFIX.len() + 8].to_string(),
        email: user.email,
        label: label.to_string(),
        created_at: now_rfc3339(),
    };
    repository
        .store
        .add_token(&sha256_hex(secret.as_bytes()), &record, by)
        .map_err(RepositoryError::from)?;
    Ok((secret, record))
}

/// The principal of a request: `Ok(None)` when it carries no credentials, an error
/// (401) when it carries credentials that are not valid.
pub fn authenticate(
    req: &HttpRequest,
    repository: &Repository,
) -> Result<Option<Principal>, ApiError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let text = value.to_str().unwrap_or_default();
        let Some(secret) = text.strip_prefix("Bearer ").map(str::trim) else {
            return Err(ApiError::unauthorized(
                "the Authorization header must be \"Bearer <token>\"",
            ));
        };
        let token = repository
            .store
            .token(&sha256_hex(secret.as_bytes()))?
            .ok_or_else(|| {
                ApiError::unauthorized("the API token is not valid (revoked or mistyped)")
            })?;
        let user = repository
            .store
            .user(&token.email)?
            .ok_or_else(|| ApiError::unauthorized("the API token's user no longer exists"))?;
        return Ok(Some(Principal::from_user(user, None)));
    }
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = sha256_hex(cookie.value().as_bytes());
    let Some(session) = repository.store.session(&hash)? else {
        return Ok(None);
    };
    if session.expires_at <= time::OffsetDateTime::now_utc().unix_timestamp() {
        repository.store.remove_session(&hash)?;
        return Ok(None);
    }
    match repository.store.user(&session.email)? {
        Some(user) => Ok(Some(Principal::from_user(user, Some(session.csrf)))),
        None => Ok(None),
    }
}

/// The principal of a request that needs one: 401 without credentials.
pub fn require(req: &HttpRequest, repository: &Repository) -> Result<Principal, ApiError> {
    authenticate(req, repository)?.ok_or_else(|| {
        ApiError::unauthorized("sign in, or send an API token as \"Authorization: Bearer <token>\"")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn secrets_are_long_and_different() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn admins_edit_everything_depositors_their_board() {
        let depositor = Principal {
            email: "a@b.example".into(),
            role: Role::Depositor,
            board: Some("barsetshire".into()),
            csrf: None,
        };
        assert!(depositor.can_edit("barsetshire"));
        assert!(!depositor.can_edit("wessex"));
        let admin = Principal {
            role: Role::Admin,
            board: None,
            ..depositor
        };
        assert!(admin.can_edit("wessex"));
    }
}
