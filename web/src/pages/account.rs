//! Signing in and out, and `/my`: the reviews of the user's board (every status, with
//! timeliness) and their API tokens (create, shown once; revoke).
//!
//! Sessions: a random secret in an HttpOnly, SameSite=Lax cookie (Secure when the site
//! is served over TLS), stored as its SHA-256 with an expiry and a CSRF token that every
//! form must carry. The sign-in form itself is protected by a double-submit cookie.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_model::dates::human_date;
use lessons_model::{Role, Status};
use lessons_store::{ReviewListing, TokenRecord};
use maud::{html, Markup};

use super::search::duration_label;
use crate::http::blocking::Pool;
use crate::http::body::read_form;
use crate::http::config::SiteConfig;
use crate::http::errors::{error_page, page_for, ApiError};
use crate::http::layout::{layout_as, Section, SignedInAs};
use crate::http::session::{session_removal, SignedIn, SignedInForm, Viewer, SESSION_COOKIE};
use crate::service::accounts::{constant_time_eq, new_secret, Principal, SESSION_SECONDS};
use crate::service::input::field;
use crate::throttle::LoginThrottle;

/// The double-submit cookie of the sign-in form.
const LOGIN_CSRF_COOKIE: &str = "lessons_login_csrf";

/// `GET /login`
pub async fn login_form(
    req: HttpRequest,
    viewer: Viewer,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let next = req
        .uri()
        .query()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "next")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_else(|| "/my".into());
    login_page(&config, &next, None, StatusCode::OK, viewer.who())
}

fn login_page(
    config: &SiteConfig,
    next: &str,
    problem: Option<&str>,
    status: StatusCode,
    who: Option<SignedInAs>,
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
        .body(layout_as("Sign in", config, Section::Other, who, body).into_string())
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
    pool: Pool,
    config: web::Data<SiteConfig>,
    throttle: web::Data<LoginThrottle>,
) -> HttpResponse {
    let pairs = match read_form(payload).await {
        Ok(pairs) => pairs,
        Err(error) => return form_unreadable(error, &config),
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
            None,
        );
    }
    let email = field(&pairs, "email").unwrap_or_default().to_string();
    let password = field(&pairs, "password").unwrap_or_default().to_string();
    let address = req.peer_addr().map(|a| a.ip());
    if let Err(wait) = throttle.check(&email, address) {
        return paused(&config, &next, wait);
    }
    let attempted = email.clone();
    let session = match pool
        .run(move |service| service.sign_in(&email, &password))
        .await
    {
        Ok(Some(session)) => session,
        Ok(None) => {
            throttle.failed(&attempted, address);
            tracing::warn!(email = %attempted, ?address, "failed sign-in");
            return login_page(
                &config,
                &next,
                Some("The email address or password is not right."),
                StatusCode::UNAUTHORIZED,
                None,
            );
        }
        Err(error) => return page_for(error, &config),
    };
    throttle.succeeded(&session.email);
    let cookie = Cookie::build(SESSION_COOKIE, session.secret)
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

/// A form body that could not be read (too large, broken).
fn form_unreadable(error: crate::service::ServiceError, config: &SiteConfig) -> HttpResponse {
    let error = ApiError::from(error);
    error_page(
        error.status,
        "The form could not be read",
        &error.message,
        &[],
        config,
    )
}

/// The sign-in page again, with 429 and `Retry-After`: too many recent failures.
fn paused(config: &SiteConfig, next: &str, wait: std::time::Duration) -> HttpResponse {
    let minutes = wait.as_secs().div_ceil(60);
    let message = format!(
        "Too many failed sign-in attempts. To protect the account, signing in is paused: try again in {minutes} minute{}.",
        if minutes == 1 { "" } else { "s" }
    );
    let mut response = login_page(
        config,
        next,
        Some(&message),
        StatusCode::TOO_MANY_REQUESTS,
        None,
    );
    if let Ok(value) = header::HeaderValue::from_str(&wait.as_secs().to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// `POST /logout`
pub async fn logout(req: HttpRequest, _form: SignedInForm, pool: Pool) -> HttpResponse {
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let secret = cookie.value().to_string();
        // Signing out always clears the cookie; a session left in the store expires.
        let _ = pool.run(move |service| service.sign_out(&secret)).await;
    }
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(session_removal())
        .finish()
}

/// `GET /my`
pub async fn my(
    SignedIn(principal): SignedIn,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    my_page(principal, &pool, &config, None).await
}

/// What `/my` shows: the reviews the user may change, their boards' names, their tokens.
struct Overview {
    reviews: Vec<ReviewListing>,
    board_names: std::collections::HashMap<String, String>,
    tokens: Vec<TokenRecord>,
}

async fn my_page(
    principal: Principal,
    pool: &Pool,
    config: &SiteConfig,
    new_token: Option<&str>,
) -> HttpResponse {
    let site = config.clone();
    let new_token = new_token.map(str::to_string);
    // A board's list can be long: the page is rendered on the blocking pool too.
    let page = pool
        .run(move |service| {
            let mut reviews = service.reviews_of(&principal)?;
            reviews.sort_by(|a, b| a.id.cmp(&b.id));
            let overview = Overview {
                reviews,
                board_names: service.board_names(),
                tokens: service.tokens_of(&principal)?,
            };
            let body = my_body(&principal, overview, new_token.as_deref());
            let who = SignedInAs {
                email: &principal.email,
                csrf: principal.csrf.as_deref(),
            };
            Ok(layout_as("My reviews", &site, Section::Other, Some(who), body).into_string())
        })
        .await;
    match page {
        Ok(page) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(page),
        Err(error) => page_for(error, config),
    }
}

/// The body of `/my`.
fn my_body(principal: &Principal, overview: Overview, new_token: Option<&str>) -> Markup {
    let Overview {
        reviews,
        board_names,
        tokens,
    } = overview;
    let csrf = principal.csrf.clone().unwrap_or_default();
    let board_name = |slug: &str| {
        board_names
            .get(slug)
            .cloned()
            .unwrap_or_else(|| slug.to_string())
    };
    let scope = match (&principal.role, &principal.board) {
        (Role::Admin, _) => "every board".to_string(),
        (_, Some(board)) => board_name(board),
        (_, None) => "no board".to_string(),
    };
    html! {
        h1 { "My reviews" }
        p.lede { "Signed in as " strong { (principal.email) } " (" (if principal.role == Role::Admin { "administrator" } else { "depositor" }) ", " (scope) ")." }
        p {
            a href="/deposit" { "Deposit a review" }
            " · " a href="/my/actions" { "Open actions on recommendations" }
            @if principal.role == Role::Admin { " · " a href="/admin/audit" { "Audit log" } }
        }
        form method="post" action="/logout" {
            input type="hidden" name="csrf" value=(csrf);
            button.secondary type="submit" { "Sign out" }
        }
        @for status in [Status::Draft, Status::Published, Status::Withdrawn] {
            @let listed: Vec<&ReviewListing> = reviews.iter().filter(|r| r.status == status).collect();
            h2 { (status_title(status)) " (" (listed.len()) ")" }
            @if listed.is_empty() { p.muted { "None." } }
            @else {
                div.table-scroll role="region" aria-label=(status_title(status)) tabindex="0" { (review_table(&listed, &board_names)) }
            }
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
            div.table-scroll role="region" aria-label="Your API tokens" tabindex="0" { table {
                caption.visually-hidden { "Your API tokens" }
                thead { tr { th scope="col" { "Token" } th scope="col" { "Label" } th scope="col" { "Created" } th scope="col" { span.visually-hidden { "Action" } } } }
                tbody {
                    @for token in &tokens {
                        tr {
                            td { code { "lsn_" (token.id) "…" } }
                            td { (token.label) }
                            td { (human_date(&token.created_at)) }
                            td {
                                form method="post" action={"/my/tokens/" (token.id) "/revoke"} {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button.secondary type="submit" aria-label={"Revoke token " (token.id)} { "Revoke" }
                                }
                            }
                        }
                    }
                }
            } }
        }
        form.stacked method="post" action="/my/tokens" {
            input type="hidden" name="csrf" value=(csrf);
            label for="token-label" { "Label for a new token" }
            input #token-label type="text" name="label" maxlength="100" required;
            button type="submit" { "Create token" }
        }
    }
}

fn status_title(status: Status) -> &'static str {
    match status {
        Status::Draft => "Drafts",
        Status::Published => "Published",
        Status::Withdrawn => "Withdrawn",
    }
}

fn review_table(
    reviews: &[&ReviewListing],
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
                            @match review.timeliness {
                                Some((months, over)) => { (duration_label(months, over)) }
                                None => { "not known" }
                            }
                        }
                        td { (review.updated_at.as_deref().map(human_date).unwrap_or_default()) }
                    }
                }
            }
        }
    }
}

/// `POST /my/tokens`: creates a token and shows it once.
pub async fn add_token(
    form: SignedInForm,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let label: String = form
        .field("label")
        .unwrap_or_default()
        .trim()
        .chars()
        .take(100)
        .collect();
    let label = if label.is_empty() {
        "web".to_string()
    } else {
        label
    };
    let principal = form.principal;
    let email = principal.email.clone();
    match pool
        .run(move |service| service.create_token(&email, &label, &email))
        .await
    {
        Ok((secret, _)) => my_page(principal, &pool, &config, Some(&secret)).await,
        Err(error) => {
            let error = ApiError::from(error);
            error_page(
                error.status,
                "The token could not be created",
                &error.message,
                &[],
                &config,
            )
        }
    }
}

/// `POST /my/tokens/{id}/revoke`
pub async fn revoke_token(
    path: web::Path<String>,
    form: SignedInForm,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let token_id = path.into_inner();
    let principal = form.principal;
    match pool
        .run(move |service| service.revoke_token(&principal, &token_id))
        .await
    {
        Ok(()) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/my#tokens"))
            .finish(),
        Err(error) => page_for(error, &config),
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
}
