//! Conditional GET (RFC 9110 §13) for review pages, the API's review JSON and feeds: a
//! strong `ETag` from the body's SHA-256 and `304 Not Modified` when `If-None-Match`
//! names it; `Last-Modified` only where the caller knows when the answer last changed
//! (none of today's answers do: they show derived figures, recurring lessons and overdue
//! actions, that change without a write), with `If-Modified-Since` honoured only when
//! `If-None-Match` is absent (as the RFC says). The tag is computed from the answer itself, so it can never vouch for a body
//! other than the one it was sent with.

use std::time::SystemTime;

use actix_web::http::header::{self, EntityTag, HttpDate, IfModifiedSince, IfNoneMatch};
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

/// The answer to a GET of `body`: 200 with `ETag` (and `Last-Modified` when given), or
/// 304 when the client's copy is current.
pub fn conditional(
    req: &HttpRequest,
    content_type: &str,
    body: String,
    last_modified: Option<SystemTime>,
) -> HttpResponse {
    let tag = EntityTag::new_strong(digest(&body));
    let last_modified = last_modified.map(HttpDate::from);
    let fresh = match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&tag)),
        None => match (req.get_header::<IfModifiedSince>(), last_modified) {
            (Some(IfModifiedSince(since)), Some(modified)) => {
                SystemTime::from(modified) <= SystemTime::from(since)
            }
            _ => false,
        },
    };
    let mut answer = HttpResponse::build(if fresh {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    });
    answer.insert_header(header::ETag(tag));
    if let Some(modified) = last_modified {
        answer.insert_header(header::LastModified(modified));
    }
    if fresh {
        answer.finish()
    } else {
        answer.content_type(content_type.to_string()).body(body)
    }
}

/// The first 128 bits of the body's SHA-256, in hex.
fn digest(body: &str) -> String {
    Sha256::digest(body.as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn a_current_copy_gets_304_and_a_changed_one_the_body() {
        let first = conditional(
            &TestRequest::get().to_http_request(),
            "text/plain",
            "one".into(),
            None,
        );
        assert_eq!(first.status(), StatusCode::OK);
        let tag = first
            .headers()
            .get(header::ETAG)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let again = TestRequest::get()
            .insert_header((header::IF_NONE_MATCH, tag.clone()))
            .to_http_request();
        assert_eq!(
            conditional(&again, "text/plain", "one".into(), None).status(),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            conditional(&again, "text/plain", "two".into(), None).status(),
            StatusCode::OK
        );
    }

    #[test]
    fn if_modified_since_counts_only_without_if_none_match() {
        let modified = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_335_866_400);
        let since = TestRequest::get()
            .insert_header((
                header::IF_MODIFIED_SINCE,
                HttpDate::from(SystemTime::now()).to_string(),
            ))
            .to_http_request();
        assert_eq!(
            conditional(&since, "text/plain", "x".into(), Some(modified)).status(),
            StatusCode::NOT_MODIFIED
        );
        let both = TestRequest::get()
            .insert_header((
                header::IF_MODIFIED_SINCE,
                HttpDate::from(SystemTime::now()).to_string(),
            ))
            .insert_header((header::IF_NONE_MATCH, "\"other\""))
            .to_http_request();
        assert_eq!(
            conditional(&both, "text/plain", "x".into(), Some(modified)).status(),
            StatusCode::OK
        );
        let long_ago = TestRequest::get()
            .insert_header((header::IF_MODIFIED_SINCE, "Tue, 01 May 2012 09:00:00 GMT"))
            .to_http_request();
        assert_eq!(
            conditional(&long_ago, "text/plain", "x".into(), Some(modified)).status(),
            StatusCode::OK
        );
    }
}
