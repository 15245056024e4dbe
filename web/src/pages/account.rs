//! Signing in and out, and `/my`: the reviews of the user's board (every status, with
//! timeliness) and their API tokens (create, shown once; revoke).
//!
//! Sessions: a random secret in an HttpOnly, SameSite=Lax cookie (Secure when the site
//! is served over TLS), stored as its SHA-256 with an expiry and a CSRF token that every
//! form must carry. The sign-in form itself is protected by a double-submit cookie.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_model::{Review, Role, Status};
use lessons_store::{sha256_hex, SessionRecord};
use maud::{html, Markup};
use subtle::ConstantTimeEq;

use super::{error_page, layout, Section, SiteConfig};
use crate::auth::{
    authenticate, create_token, new_secret, verify_password, Principal, SESSION_COOKIE,
};
use crate::deposit_api::read_body;
use crate::errors::ApiError;
use crate::repository::Repository;
use crate::throttle::LoginThrottle;

/// How long a session lasts.
const SESSION_SECONDS: i64 = 8 * 60 * 60;
/// The double-submit cookie of the sign-in form.
const LOGIN_CSRF_COOKIE: &str = "lessons_login_csrf";
/// Largest form body accepted (the edit form carries a whole executive summary).
const MAX_FORM_BYTES: usize = 8 << 20;

/// The signed-in user of an HTML request, or a redirect to `/login` (or an error page).
pub fn signed_in(
    req: &HttpRequest,
    repository: &Repository,
    config: &SiteConfig,
) -> Result<Principal, Box<HttpResponse>> {
    match authenticate(req, repository) {
        Ok(Some(principal)) => Ok(principal),
        Ok(None) => {
            let next = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/my");
            let target = format!(
                "/login?{}",
                form_urlencoded::Serializer::new(String::new())
                    .append_pair("next", next)
                    .finish()
            );
            Err(Box::new(
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, target))
                    .finish(),
            ))
        }
        Err(error) => Err(Box::new(error_page(
            error.status,
            "You are not signed in",
            &error.message,
            &[],
            config,
        ))),
    }
}

/// Checks the CSRF token of a form posted in a session (token-authenticated requests
/// need none). A mismatch is a 403 page.
pub fn check_csrf(
    principal: &Principal,
    form_token: Option<&str>,
    config: &SiteConfig,
) -> Result<(), Box<HttpResponse>> {
    let Some(expected) = &principal.csrf else {
        return Ok(());
    };
    match form_token {
        Some(given) if constant_time_eq(given.as_bytes(), expected.as_bytes()) => Ok(()),
        _ => Err(Box::new(error_page(
            StatusCode::FORBIDDEN,
            "The form has expired",
            "The form was not sent from this session. Go back, reload the page and try again.",
            &[],
            config,
        ))),
    }
}

/// Compares two secrets in time that does not depend on where they differ (`subtle`;
/// only their lengths, which are public, may show).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// The signed-in principal and the CSRF-checked fields of a form posted to an HTML
/// route; otherwise the answer to send (a redirect to sign in, or an error page).
pub async fn signed_in_form(
    req: &HttpRequest,
    payload: web::Payload,
    repository: &Repository,
    config: &SiteConfig,
) -> Result<(Principal, Vec<(String, String)>), Box<HttpResponse>> {
    let principal = signed_in(req, repository, config)?;
    let pairs = read_form(payload).await.map_err(|e| {
        Box::new(error_page(
            e.status,
            "The form could not be read",
            &e.message,
            &[],
            config,
        ))
    })?;
    check_csrf(&principal, field(&pairs, "csrf"), config)?;
    Ok((principal, pairs))
}

/// Reads a urlencoded form body into pairs.
pub async fn read_form(payload: web::Payload) -> Result<Vec<(String, String)>, ApiError> {
    let body = read_body(payload, MAX_FORM_BYTES).await?;
    Ok(form_urlencoded::parse(&body).into_owned().collect())
}

/// The first value of `key` in form pairs.
pub fn field<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `GET /login`
pub async fn login_form(req: HttpRequest, config: web::Data<SiteConfig>) -> HttpResponse {
    let next = req
        .uri()
        .query()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "next")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_else(|| "/my".into());
    login_page(&config, &next, None, StatusCode::OK)
}

fn login_page(
    config: &SiteConfig,
    next: &str,
    problem: Option<&str>,
    status: StatusCode,
) -> HttpResponse {
    let Ok(token) = new_secret() else {
        return error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sorry, something went wrong",
            "no randomness available",
            &[],
            config,
        );
    };
    let body = html! {
        h1 { "Sign in" }
        p.lede { "For officers of Local Safeguarding Children Boards who deposit reviews, and for administrators." }
        @if let Some(problem) = problem {
            div.error-list role="alert" { p { (problem) } }
        }
        form.stacked method="post" action="/login" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="next" value=(safe_next(next));
            label for="email" { "Email address" }
            input #email type="email" name="email" autocomplete="username" required;
            label for="password" { "Password" }
            input #password type="password" name="password" autocomplete="current-password" required;
            button type="submit" { "Sign in" }
        }
    };
    let cookie = Cookie::build(LOGIN_CSRF_COOKIE, token)
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(config.secure_cookies)
        .finish();
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .cookie(cookie)
        .body(layout("Sign in", config, Section::Other, body).into_string())
}

/// Only local paths are followed after signing in: one leading `/`, then no `/` or `\`,
/// and no whitespace or control characters anywhere (browsers drop tabs, which would
/// turn `/\t/evil.example` into `//evil.example`).
fn safe_next(next: &str) -> &str {
    let mut chars = next.chars();
    let local = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/') | Some('\\'))
        && !next
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    if local {
        next
    } else {
        "/my"
    }
}

/// `POST /login`
pub async fn login(
    req: HttpRequest,
    payload: web::Payload,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
    throttle: web::Data<LoginThrottle>,
) -> HttpResponse {
    let pairs = match read_form(payload).await {
        Ok(pairs) => pairs,
        Err(error) => {
            return error_page(
                error.status,
                "The form could not be read",
                &error.message,
                &[],
                &config,
            )
        }
    };
    let next = safe_next(field(&pairs, "next").unwrap_or("/my")).to_string();
    let cookie_token = req.cookie(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string());
    let form_token = field(&pairs, "csrf").unwrap_or_default();
    if !cookie_token.is_some_and(|c| constant_time_eq(c.as_bytes(), form_token.as_bytes())) {
        return login_page(
            &config,
            &next,
            Some("The form expired. Please sign in again."),
            StatusCode::FORBIDDEN,
        );
    }
    let email = field(&pairs, "email").unwrap_or_default().to_string();
    let password = field(&pairs, "password").unwrap_or_default().to_string();
    let address = req.peer_addr().map(|a| a.ip());
    if let Err(wait) = throttle.check(&email, address) {
        return paused(&config, &next, wait);
    }
    let store = repository.clone();
    let attempted = email.clone();
    let verified = web::block(move || match store.store.user(&email) {
        Ok(Some(user)) if verify_password(&password, &user.password_hash) => Some(user),
        _ => None,
    })
    .await
    .ok()
    .flatten();
    let Some(user) = verified else {
        throttle.failed(&attempted, address);
        tracing::warn!(email = %attempted, ?address, "failed sign-in");
        return login_page(
            &config,
            &next,
            Some("The email address or password is not right."),
            StatusCode::UNAUTHORIZED,
        );
    };
    throttle.succeeded(&user.email);
    match start_session(&repository, &user.email) {
        Ok(secret) => {
            let cookie = Cookie::build(SESSION_COOKIE, secret)
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(config.secure_cookies)
                .max_age(actix_web::cookie::time::Duration::seconds(SESSION_SECONDS))
                .finish();
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, next))
                .cookie(cookie)
                .finish()
        }
        Err(error) => error_page(
            error.status,
            "Sorry, something went wrong",
            &error.message,
            &[],
            &config,
        ),
    }
}

/// The sign-in page again, with 429 and `Retry-After`: too many recent failures.
fn paused(config: &SiteConfig, next: &str, wait: std::time::Duration) -> HttpResponse {
    let minutes = wait.as_secs().div_ceil(60);
    let message = format!(
        "Too many failed sign-in attempts. To protect the account, signing in is paused: try again in {minutes} minute{}.",
        if minutes == 1 { "" } else { "s" }
    );
    let mut response = login_page(config, next, Some(&message), StatusCode::TOO_MANY_REQUESTS);
    if let Ok(value) = header::HeaderValue::from_str(&wait.as_secs().to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn start_session(repository: &Repository, email: &str) -> Result<String, ApiError> {
    let secret = new_secret()?;
    let session = SessionRecord {
        email: email.to_string(),
        csrf: new_secret()?,
        expires_at: time::OffsetDateTime::now_utc().unix_timestamp() + SESSION_SECONDS,
    };
    repository
        .store
        .put_session(&sha256_hex(secret.as_bytes()), &session)?;
    Ok(secret)
}

/// `POST /logout`
pub async fn logout(
    req: HttpRequest,
    payload: web::Payload,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    if let Err(response) = signed_in_form(&req, payload, &repository, &config).await {
        return *response;
    }
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let _ = repository
            .store
            .remove_session(&sha256_hex(cookie.value().as_bytes()));
    }
    let mut removal = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    removal.make_removal();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(removal)
        .finish()
}

/// `GET /my`
pub async fn my(
    req: HttpRequest,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let principal = match signed_in(&req, &repository, &config) {
        Ok(principal) => principal,
        Err(response) => return *response,
    };
    my_page(&principal, &repository, &config, None)
}

fn my_page(
    principal: &Principal,
    repository: &Repository,
    config: &SiteConfig,
    new_token: Option<&str>,
) -> HttpResponse {
    let reviews: Vec<Review> = match repository.store.reviews().collect::<Result<Vec<_>, _>>() {
        Ok(all) => all
            .into_iter()
            .filter(|r| principal.can_edit(&r.board))
            .collect(),
        Err(error) => {
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, something went wrong",
                &error.to_string(),
                &[],
                config,
            )
        }
    };
    let board_names = repository.index.board_names();
    let tokens = repository
        .store
        .tokens_of(&principal.email)
        .unwrap_or_default();
    let csrf = principal.csrf.clone().unwrap_or_default();
    let scope = match (&principal.role, &principal.board) {
        (Role::Admin, _) => "every board".to_string(),
        (_, Some(board)) => repository.board_name(board),
        (_, None) => "no board".to_string(),
    };
    let body = html! {
        h1 { "My reviews" }
        p.lede { "Signed in as " strong { (principal.email) } " (" (if principal.role == Role::Admin { "administrator" } else { "depositor" }) ", " (scope) ")." }
        p {
            a href="/deposit" { "Deposit a review" }
            @if principal.role == Role::Admin { " · " a href="/admin/audit" { "Audit log" } }
        }
        form method="post" action="/logout" {
            input type="hidden" name="csrf" value=(csrf);
            button.secondary type="submit" { "Sign out" }
        }
        @for status in [Status::Draft, Status::Published, Status::Withdrawn] {
            @let listed: Vec<&Review> = reviews.iter().filter(|r| r.status == status).collect();
            h2 { (status_title(status)) " (" (listed.len()) ")" }
            @if listed.is_empty() { p.muted { "None." } }
            @else { (review_table(&listed, &board_names)) }
        }
        h2 #tokens { "API tokens" }
        p { "A token lets a program deposit and change your board's reviews through the API (" code { "Authorization: Bearer <token>" } "). Keep it secret." }
        @if let Some(token) = new_token {
            div.notice role="status" {
                p { strong { "Your new token: " } code { (token) } }
                p { "Copy it now: it will not be shown again." }
            }
        }
        @if tokens.is_empty() { p.muted { "You have no tokens." } }
        @else {
            table {
                caption.visually-hidden { "Your API tokens" }
                thead { tr { th scope="col" { "Token" } th scope="col" { "Label" } th scope="col" { "Created" } th scope="col" { span.visually-hidden { "Action" } } } }
                tbody {
                    @for token in &tokens {
                        tr {
                            td { code { "lsn_" (token.id) "…" } }
                            td { (token.label) }
                            td { (token.created_at) }
                            td {
                                form method="post" action={"/my/tokens/" (token.id) "/revoke"} {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button.secondary type="submit" aria-label={"Revoke token " (token.id)} { "Revoke" }
                                }
                            }
                        }
                    }
                }
            }
        }
        form.stacked method="post" action="/my/tokens" {
            input type="hidden" name="csrf" value=(csrf);
            label for="token-label" { "Label for a new token" }
            input #token-label type="text" name="label" maxlength="100" required;
            button type="submit" { "Create token" }
        }
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(layout("My reviews", config, Section::Other, body).into_string())
}

fn status_title(status: Status) -> &'static str {
    match status {
        Status::Draft => "Drafts",
        Status::Published => "Published",
        Status::Withdrawn => "Withdrawn",
    }
}

fn review_table(
    reviews: &[&Review],
    board_names: &std::collections::HashMap<String, String>,
) -> Markup {
    html! {
        table {
            thead {
                tr { th scope="col" { "Review" } th scope="col" { "Board" } th scope="col" { "Revision" } th scope="col" { "Timeliness" } th scope="col" { "Updated" } }
            }
            tbody {
                @for review in reviews {
                    tr {
                        td { a href={"/my/reviews/" (review.id)} { (review.title) } br; code { (review.id) } }
                        td { (board_names.get(&review.board).cloned().unwrap_or_else(|| review.board.clone())) }
                        td { (review.revision) }
                        td {
                            @match review.timeliness() {
                                Some((months, true)) => { span.over { (months) " months (over six)" } }
                                Some((months, false)) => { (months) " months" }
                                None => { "not known" }
                            }
                        }
                        td { (review.updated_at.clone().unwrap_or_default()) }
                    }
                }
            }
        }
    }
}

/// `POST /my/tokens`: creates a token and shows it once.
pub async fn add_token(
    req: HttpRequest,
    payload: web::Payload,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let (principal, pairs) = match signed_in_form(&req, payload, &repository, &config).await {
        Ok(parts) => parts,
        Err(response) => return *response,
    };
    let label_text = field(&pairs, "label")
        .unwrap_or_default()
        .trim()
        .chars()
        .take(100)
        .collect::<String>();
    let label_text = if label_text.is_empty() {
        "web".to_string()
    } else {
        label_text
    };
    match create_token(&repository, &principal.email, &label_text, &principal.email) {
        Ok((secret, _)) => my_page(&principal, &repository, &config, Some(&secret)),
        Err(error) => error_page(
            error.status,
            "The token could not be created",
            &error.message,
            &[],
            &config,
        ),
    }
}

/// `POST /my/tokens/{id}/revoke`
pub async fn revoke_token(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let (principal, _) = match signed_in_form(&req, payload, &repository, &config).await {
        Ok(parts) => parts,
        Err(response) => return *response,
    };
    match repository
        .store
        .revoke_token(&principal.email, &path.into_inner(), &principal.email)
    {
        Ok(_) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/my#tokens"))
            .finish(),
        Err(error) => error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The token could not be revoked",
            &error.to_string(),
            &[],
            &config,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for good in ["/my", "/my/reviews/scr-2010-x-0001", "/search?q=a%20b", "/"] {
            assert_eq!(safe_next(good), good);
        }
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "https://evil.example",
            "evil",
            "/a b",
            "",
            "\\\\evil",
        ] {
            assert_eq!(safe_next(bad), "/my", "{bad:?}");
        }
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
