//! What wraps every request: the security headers, `Cache-Control: private, no-store`
//! on answers to requests that carry credentials, the metrics of each request
//! (counted by method, matched route pattern and status; see `crate::metrics`), and the
//! request line as the access log writes it (a `token` in the query string, which the
//! reminders feed accepts, is never written).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::web;

use super::session::is_credentialed;
use crate::metrics::{Metrics, RequestRecord};

/// Answers to requests that carry credentials may hold drafts or tokens: no cache may
/// keep them.
pub async fn private_when_credentialed(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let credentialed = is_credentialed(req.request());
    let mut response = next.call(req).await?;
    if credentialed {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("private, no-store"),
        );
    }
    Ok(response)
}

/// Headers sent with every answer: no inline script or style, no framing, no sniffing.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
}

/// Counts and times every request by method, matched route pattern and status. Does
/// nothing when the app has no [`Metrics`].
pub async fn record_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    let credentialed = is_credentialed(req.request());
    let result = next.call(req).await;
    if let Some(metrics) = metrics {
        let (route, status) = match &result {
            Ok(response) => (
                response.request().match_pattern(),
                response.status().as_u16(),
            ),
            // An error that no handler turned into a response: no route to name.
            Err(error) => (None, error.as_response_error().status_code().as_u16()),
        };
        metrics.observe_request(&RequestRecord {
            method,
            route,
            status,
            elapsed: started.elapsed(),
            credentialed,
        });
    }
    result
}

/// The request line for the access log (`GET /path?query HTTP/1.1`), with the value of
/// any `token` query parameter replaced by `REDACTED`.
pub fn logged_request_line(req: &ServiceRequest) -> String {
    let path = req.path();
    let query = redact_tokens(req.query_string());
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{} {path}{query} {:?}", req.method(), req.version())
}

/// A query string with every `token=...` value replaced.
fn redact_tokens(query: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            // The key as the server reads it (`%74oken` is `token` too).
            let key = form_urlencoded::parse(pair.as_bytes())
                .next()
                .map(|(key, _)| key.into_owned());
            match (key, pair.split_once('=')) {
                (Some(key), Some((raw, _))) if key.eq_ignore_ascii_case("token") => {
                    format!("{raw}=REDACTED")
                }
                _ => pair.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod log_tests {
    use super::*;

    #[test]
    fn tokens_in_query_strings_are_not_logged() {
        let req = actix_web::test::TestRequest::get()
            .uri("/feeds/actions.atom?board=barsetshire&token=secret123&TOKEN=x&%74oken=y")
            .to_srv_request();
        let line = logged_request_line(&req);
        assert_eq!(
            line,
            "GET /feeds/actions.atom?board=barsetshire&token=REDACTED&TOKEN=REDACTED&%74oken=REDACTED HTTP/1.1"
        );
        assert_eq!(redact_tokens(""), "");
        assert_eq!(redact_tokens("q=token&tokens=1"), "q=token&tokens=1");
    }
}
