//! Who is calling, as extractors, so that no handler repeats the preamble: the API's
//! [`Caller`] (anyone), [`ApiUser`] (credentials required) and [`ApiWriter`] (and a
//! session's CSRF header), and the site's [`Viewer`] (anyone), [`SignedIn`] (else a
//! redirect to sign in) and [`SignedInForm`] (a posted form whose CSRF field is the
//! session's). Credentials are an `Authorization: Bearer` token or the session cookie;
//! they are checked by the service on the blocking pool.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::Cookie;
use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};

use super::blocking::Pool;
use super::body::read_form;
use super::config::SiteConfig;
use super::errors::{error_page, form_expired_page, page_for, ApiError};
use super::layout::SignedInAs;
use crate::service::accounts::{Credentials, Principal};
use crate::service::input::field;
use crate::service::{ServiceError, ServiceResult};

/// What an extractor returns: a future on this thread (requests are not `Send`).
type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// The cookie that carries a login session.
pub const SESSION_COOKIE: &str = "lessons_session";
/// The header a session's API write carries its CSRF token in.
const CSRF_HEADER: &str = "x-csrf-token";

/// What `req` carries to say who it is.
pub fn credentials(req: &HttpRequest) -> Credentials {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let text = value.to_str().unwrap_or_default();
        return match text.strip_prefix("Bearer ").map(str::trim) {
            Some(secret) => Credentials::Token(secret.to_string()),
            None => Credentials::MalformedAuthorization,
        };
    }
    match req.cookie(SESSION_COOKIE) {
        Some(cookie) => Credentials::Session(cookie.value().to_string()),
        None => Credentials::None,
    }
}

/// Whether `req` carries a token or a session cookie (its answer is private).
pub fn is_credentialed(req: &HttpRequest) -> bool {
    req.headers().contains_key(header::AUTHORIZATION) || req.cookie(SESSION_COOKIE).is_some()
}

/// The principal of `req`'s credentials, checked by the service off the executor.
async fn authenticate(req: &HttpRequest) -> ServiceResult<Option<Principal>> {
    let credentials = credentials(req);
    if credentials == Credentials::None {
        return Ok(None);
    }
    Pool::of(req)?
        .run(move |service| service.authenticate(&credentials))
        .await
}

fn required(principal: Option<Principal>) -> ServiceResult<Principal> {
    principal.ok_or_else(|| {
        ServiceError::Unauthenticated(
            "sign in, or send an API token as \"Authorization: Bearer <token>\"".into(),
        )
    })
}

/// The caller of an API request, if any; credentials that are not valid are a 401.
pub struct Caller(pub Option<Principal>);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalFuture<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Caller(authenticate(&req).await?)) })
    }
}

/// The caller of an API request that needs one (401 without).
pub struct ApiUser(pub Principal);

impl FromRequest for ApiUser {
    type Error = ApiError;
    type Future = LocalFuture<Result<ApiUser, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(ApiUser(required(authenticate(&req).await?)?)) })
    }
}

/// The caller of an API write: 401 without credentials; a session (cookie) must also
/// send its CSRF token in `X-CSRF-Token` (403), so that another site cannot post in its
/// name.
pub struct ApiWriter(pub Principal);

impl FromRequest for ApiWriter {
    type Error = ApiError;
    type Future = LocalFuture<Result<ApiWriter, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let principal = required(authenticate(&req).await?)?;
            let given = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !principal.csrf_matches(given) {
                return Err(ServiceError::Forbidden(
                    "a write with a session cookie needs the session's X-CSRF-Token header (or use an API token)".into(),
                )
                .into());
            }
            Ok(ApiWriter(principal))
        })
    }
}

/// The site's settings of the app serving `req`.
pub fn site_config(req: &HttpRequest) -> SiteConfig {
    req.app_data::<web::Data<SiteConfig>>()
        .map(|config| config.get_ref().clone())
        .unwrap_or_default()
}

/// An extractor's refusal, answered with a page already made.
fn answer(response: HttpResponse) -> actix_web::Error {
    InternalError::from_response("refused", response).into()
}

/// The viewer of a page, if signed in (credentials that are not valid count as none).
pub struct Viewer(pub Option<Principal>);

impl FromRequest for Viewer {
    type Error = actix_web::Error;
    type Future = LocalFuture<Result<Viewer, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Viewer(authenticate(&req).await.ok().flatten())) })
    }
}

impl Viewer {
    /// Who the header says is signed in, if anyone.
    pub fn who(&self) -> Option<SignedInAs<'_>> {
        self.0.as_ref().map(signed_in_as)
    }
}

/// How the header shows `principal`: the email, and a sign-out button for a session.
pub fn signed_in_as(principal: &Principal) -> SignedInAs<'_> {
    SignedInAs {
        email: &principal.email,
        csrf: principal.csrf.as_deref(),
    }
}

/// The signed-in user of a page; without one, a redirect to `/login` that comes back
/// here; with credentials that are not valid, an error page.
pub struct SignedIn(pub Principal);

impl FromRequest for SignedIn {
    type Error = actix_web::Error;
    type Future = LocalFuture<Result<SignedIn, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { signed_in(&req).await.map(SignedIn) })
    }
}

async fn signed_in(req: &HttpRequest) -> Result<Principal, actix_web::Error> {
    match authenticate(req).await {
        Ok(Some(principal)) => Ok(principal),
        Ok(None) => Err(answer(sign_in_redirect(req))),
        Err(ServiceError::Unauthenticated(message)) => Err(answer(error_page(
            StatusCode::UNAUTHORIZED,
            "You are not signed in",
            &message,
            &[],
            &site_config(req),
        ))),
        Err(other) => Err(answer(page_for(other, &site_config(req)))),
    }
}

/// `303` to `/login?next=<this page>`.
fn sign_in_redirect(req: &HttpRequest) -> HttpResponse {
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
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish()
}

/// The refusal of a posted form whose `csrf` field is not `principal`'s session's (an
/// error page, 403), or `None` when it is.
pub fn csrf_refusal(
    principal: &Principal,
    form_token: Option<&str>,
    config: &SiteConfig,
) -> Option<HttpResponse> {
    (!principal.csrf_matches(form_token)).then(|| form_expired_page(config))
}

/// A form posted to the site by a signed-in user: the principal and the fields, the
/// `csrf` field checked against the session.
pub struct SignedInForm {
    pub principal: Principal,
    pub fields: Vec<(String, String)>,
}

impl SignedInForm {
    /// The first value of `key`.
    pub fn field(&self, key: &str) -> Option<&str> {
        field(&self.fields, key)
    }
}

impl FromRequest for SignedInForm {
    type Error = actix_web::Error;
    type Future = LocalFuture<Result<SignedInForm, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = web::Payload::from_request(&req, payload);
        Box::pin(async move {
            let payload = payload.await?;
            let principal = signed_in(&req).await?;
            let config = site_config(&req);
            let fields = read_form(payload).await.map_err(|error| {
                let error = ApiError::from(error);
                answer(error_page(
                    error.status,
                    "The form could not be read",
                    &error.message,
                    &[],
                    &config,
                ))
            })?;
            if let Some(refusal) = csrf_refusal(&principal, field(&fields, "csrf"), &config) {
                return Err(answer(refusal));
            }
            Ok(SignedInForm { principal, fields })
        })
    }
}

/// The session cookie removed (signing out).
pub fn session_removal() -> Cookie<'static> {
    let mut removal = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    removal.make_removal();
    removal
}
