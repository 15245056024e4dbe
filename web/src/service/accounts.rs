//! Who is asking, and what they may do. A caller presents an API token or a login
//! session's secret ([`Credentials`]); either gives a [`Principal`]. Passwords are argon2
//! hashes; tokens and session ids are random secrets of which the store keeps only the
//! SHA-256. Also: signing in and out, API tokens (create, list, revoke), users (from the
//! command line) and the audit log (admins).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use lessons_model::dates::now_rfc3339;
use lessons_model::{Role, User};
use lessons_store::{sha256_hex, AuditEntry, AuditFilter, SessionRecord, TokenRecord};
use subtle::ConstantTimeEq;

use super::error::{ServiceError, ServiceResult};
use super::repository::Repository;

/// Prefix of API tokens, so that a leaked one is recognisable.
const TOKEN_PREFIX: &str = "lsn_";
/// Shortest accepted password.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 8 * 60 * 60;

/// What a request carried to say who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// Nothing.
    None,
    /// `Authorization: Bearer <secret>`.
    Token(String),
    /// An `Authorization` header of another form.
    MalformedAuthorization,
    /// The secret of a login session (its cookie).
    Session(String),
}

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

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether `given` is this session's CSRF token (always true for a token-authenticated
    /// caller, whom another site cannot make a request for).
    pub fn csrf_matches(&self, given: Option<&str>) -> bool {
        match &self.csrf {
            None => true,
            Some(expected) => {
                given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected.as_bytes()))
            }
        }
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

/// A new login session: the secret for the cookie (shown once, stored as its hash).
pub struct NewSession {
    pub secret: String,
    pub email: String,
}

/// Compares two secrets in time that does not depend on where they differ (`subtle`;
/// only their lengths, which are public, may show).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// An argon2id PHC string for `password`.
pub fn hash_password(password: &str) -> ServiceResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| ServiceError::internal(&e, "cannot hash the password"))
}

/// Whether `password` matches the PHC string `hash` (false for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A new random secret: 32 bytes from the OS, as hex.
pub fn new_secret() -> ServiceResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::internal(&e, "no randomness available"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Repository {
    /// The principal of `credentials`: `Ok(None)` without credentials (or with a session
    /// that ended), unauthenticated for a token or header that is not valid.
    pub fn authenticate(&self, credentials: &Credentials) -> ServiceResult<Option<Principal>> {
        match credentials {
            Credentials::None => Ok(None),
            Credentials::MalformedAuthorization => Err(ServiceError::Unauthenticated(
                "the Authorization header must be \"Bearer <token>\"".into(),
            )),
            Credentials::Token(secret) => {
                let token = self
                    .store
                    .token(&sha256_hex(secret.as_bytes()))?
                    .ok_or_else(|| {
                        ServiceError::Unauthenticated(
                            "the API token is not valid (revoked or mistyped)".into(),
                        )
                    })?;
                let user = self.store.user(&token.email)?.ok_or_else(|| {
                    ServiceError::Unauthenticated("the API token's user no longer exists".into())
                })?;
                Ok(Some(Principal::from_user(user, None)))
            }
            Credentials::Session(secret) => self.session_principal(secret),
        }
    }

    fn session_principal(&self, secret: &str) -> ServiceResult<Option<Principal>> {
        let hash = sha256_hex(secret.as_bytes());
        let Some(session) = self.store.session(&hash)? else {
            return Ok(None);
        };
        if session.expires_at <= time::OffsetDateTime::now_utc().unix_timestamp() {
            self.store.remove_session(&hash)?;
            return Ok(None);
        }
        Ok(self
            .store
            .user(&session.email)?
            .map(|user| Principal::from_user(user, Some(session.csrf))))
    }

    /// Checks `password` for `email` and starts a session: `Ok(None)` when they do not
    /// match (the caller counts the failure).
    pub fn sign_in(&self, email: &str, password: &str) -> ServiceResult<Option<NewSession>> {
        let user = match self.store.user(email)? {
            Some(user) if verify_password(password, &user.password_hash) => user,
            _ => return Ok(None),
        };
        let secret = new_secret()?;
        let session = SessionRecord {
            email: user.email.clone(),
            csrf: new_secret()?,
            expires_at: time::OffsetDateTime::now_utc().unix_timestamp() + SESSION_SECONDS,
        };
        self.store
            .put_session(&sha256_hex(secret.as_bytes()), &session)?;
        Ok(Some(NewSession {
            secret,
            email: user.email,
        }))
    }

    /// Ends the session whose secret is `secret`.
    pub fn sign_out(&self, secret: &str) -> ServiceResult<()> {
        Ok(self.store.remove_session(&sha256_hex(secret.as_bytes()))?)
    }

    /// Creates an API token for `email` (`by` is who asked, for the audit log); returns
    /// the secret (shown once) and its record.
    pub fn create_token(
        &self,
        email: &str,
        label: &str,
        by: &str,
    ) -> ServiceResult<(String, TokenRecord)> {
        let user = self
            .store
            .user(email)?
            .ok_or_else(|| ServiceError::NotFound(format!("no user {email}")))?;
        let secret = format!("{TOKEN_PREFIX}{}", new_secret()?);
        let record = TokenRecord {
            id: secret[TOKEN_PREFIX.len()..TOKEN_PREFIX.len() + 8].to_string(),
            email: user.email,
            label: label.to_string(),
            created_at: now_rfc3339(),
        };
        self.store
            .add_token(&sha256_hex(secret.as_bytes()), &record, by)?;
        Ok((secret, record))
    }

    /// The tokens of `principal`.
    pub fn tokens_of(&self, principal: &Principal) -> ServiceResult<Vec<TokenRecord>> {
        Ok(self.store.tokens_of(&principal.email)?)
    }

    /// Revokes `principal`'s token `token_id` (nothing happens for another's token).
    pub fn revoke_token(&self, principal: &Principal, token_id: &str) -> ServiceResult<()> {
        self.store
            .revoke_token(&principal.email, token_id, &principal.email)?;
        Ok(())
    }

    /// Adds or replaces a user (`lessons user add`); refuses a short password.
    pub fn put_user(
        &self,
        email: String,
        board: Option<String>,
        role: Role,
        password: &str,
        by: &str,
    ) -> ServiceResult<String> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(ServiceError::invalid_field(
                "password",
                format!("must have at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        let user = User {
            email,
            board,
            role,
            password_hash: hash_password(password)?,
        };
        self.store.put_user(&user, by)?;
        Ok(user.email.trim().to_lowercase())
    }

    /// A page of the audit log, for admins only.
    pub fn audit(
        &self,
        principal: &Principal,
        filter: &AuditFilter,
        limit: usize,
    ) -> ServiceResult<Vec<AuditEntry>> {
        if !principal.is_admin() {
            return Err(ServiceError::Forbidden(
                "the audit log is for administrators".into(),
            ));
        }
        Ok(self.store.audit(filter, limit)?)
    }
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
    fn secrets_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
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

    #[test]
    fn a_session_must_send_its_csrf_token_and_a_token_need_not() {
        let session = Principal {
            email: "a@b.example".into(),
            role: Role::Depositor,
            board: None,
            csrf: Some("secret".into()),
        };
        assert!(session.csrf_matches(Some("secret")));
        assert!(!session.csrf_matches(Some("secreT")));
        assert!(!session.csrf_matches(None));
        let token = Principal {
            csrf: None,
            ..session
        };
        assert!(token.csrf_matches(None));
    }
}
