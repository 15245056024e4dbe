//! People who deposit and administer reviews (DESIGN §3): [`User`] with its [`Role`].
//! The password hash and API tokens are produced and checked elsewhere; this module only
//! holds the record and checks its shape.

use serde::{Deserialize, Serialize};

use crate::validate::{is_board_slug, Checker, ValidationErrors};

/// What a user may do: a depositor works for one board; an admin may do anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Depositor,
    Admin,
}

/// An account. `password_hash` is a PHC string (argon2); it is never served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub email: String,
    /// The board a depositor works for (admins may have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<String>,
    pub role: Role,
    #[serde(default, skip_serializing)]
    pub password_hash: String,
}

/// Checks an account's email, board and role together.
pub fn validate_user(user: &User) -> Result<(), ValidationErrors> {
    let mut check = Checker::new();
    if !looks_like_email(&user.email) {
        check.error(
            "email",
            format!("\"{}\" is not an email address", user.email),
        );
    }
    match (&user.board, user.role) {
        (None, Role::Depositor) => check.error("board", "is required for a depositor"),
        (Some(board), _) if !is_board_slug(board) => {
            check.error("board", "must be lowercase letters, digits and hyphens")
        }
        _ => {}
    }
    check.finish()
}

fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && text.len() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(email: &str, board: Option<&str>, role: Role) -> User {
        User {
            email: email.into(),
            board: board.map(str::to_string),
            role,
            password_hash: "$argon2id$...".into(),
        }
    }

    #[test]
    fn depositors_need_a_board_and_an_email() {
        assert!(validate_user(&user(
            "officer@barsetshire.example",
            Some("barsetshire"),
            Role::Depositor
        ))
        .is_ok());
        assert!(validate_user(&user("admin@lessons.example", None, Role::Admin)).is_ok());
        let Err(ValidationErrors(errors)) =
            validate_user(&user("not an email", None, Role::Depositor))
        else {
            panic!("expected errors")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "board"]);
    }

    #[test]
    fn the_password_hash_is_never_serialised() {
        let json = serde_json::to_string(&user("a@b.example", Some("b"), Role::Depositor)).unwrap();
        assert!(!json.contains("argon2"), "{json}");
        assert!(json.contains("\"role\":\"depositor\""));
    }
}
