//! `multipart/form-data` deposits through the real reader, `lessons_web::http::body::read_multipart` and the service's `read_deposit`
//! (actix-multipart, part limits, document types, extraction of every file), driven
//! on one actix system kept for the whole run.
//!
//! The input's first line is the `Content-Type` header (so boundaries are fuzzed too),
//! the rest the body; a header ending in `origin=web` reads it as the web form does
//! (plain fields instead of `metadata`). Whatever the bytes, the answer is a deposit or a 4xx: never a
//! panic and never a 5xx.

#![no_main]

use std::cell::RefCell;

use actix_web::http::header::{HeaderValue, CONTENT_TYPE};
use actix_web::rt::System;
use actix_web::{test::TestRequest, web, FromRequest};
use lessons_web::http::body::read_multipart;
use lessons_web::http::errors::ApiError;
use lessons_web::service::uploads::{read_deposit, DepositSource};
use libfuzzer_sys::fuzz_target;

/// The API's own limit is larger; a smaller one reaches the 413 path more often.
const MAX_UPLOAD_BYTES: usize = 256 << 10;

thread_local! {
    static RUNNER: RefCell<actix_web::rt::SystemRunner> = RefCell::new(System::new());
}

fuzz_target!(|data: &[u8]| {
    let (head, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b"multipart/form-data; boundary=X"[..], data),
    };
    let Ok(content_type) = HeaderValue::from_bytes(head) else {
        return;
    };
    // The web form (not strict) when the header ends with an `origin=web` parameter.
    let strict = !head.ends_with(b"origin=web");
    let body = body.to_vec();
    RUNNER.with(|runner| {
        runner.borrow().block_on(async move {
            let (req, mut payload) = TestRequest::post()
                .insert_header((CONTENT_TYPE, content_type))
                .set_payload(body)
                .to_http_parts();
            let Ok(payload) = web::Payload::from_request(&req, &mut payload).await else {
                return;
            };
            let source = if strict {
                DepositSource::Api
            } else {
                DepositSource::WebForm
            };
            let read = match read_multipart(&req, payload, MAX_UPLOAD_BYTES).await {
                Ok(parts) => read_deposit(parts, source, MAX_UPLOAD_BYTES),
                Err(error) => Err(error),
            };
            match read.map_err(ApiError::from) {
                Ok(deposit) => assert!(!deposit.uploads.is_empty()),
                Err(error) => assert!(
                    error.status.is_client_error(),
                    "{} {}: {}",
                    error.status,
                    error.code,
                    error.message
                ),
            }
        })
    });
});
