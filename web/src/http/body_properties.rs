//! Property tests of multipart deposits (issue 7, fuzzing): whatever body arrives with
//! a `multipart/form-data` content type, reading it (`read_multipart`, then the service's
//! `read_deposit`) answers with a deposit or a 4xx
//! (malformed body, missing or unknown part, bad document type, unreadable file), never
//! a panic or a 5xx. Run on an actix system per case, as the handler runs. The
//! cargo-fuzz target `multipart` (fuzz/, docs/fuzzing.md) covers the same ground for
//! longer.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::rt::System;
use actix_web::{test::TestRequest, web, FromRequest};
use proptest::prelude::*;

use crate::http::body::read_multipart;
use crate::http::errors::ApiError;
use crate::service::uploads::{read_deposit, DepositSource};

const BOUNDARY: &str = "XyZ";
const MAX_BYTES: usize = 64 << 10;

/// What `read_deposit` answered: 200 for a deposit, else the error's status.
fn status_of(content_type: &str, body: Vec<u8>, strict: bool) -> u16 {
    System::new().block_on(async move {
        let (req, mut payload) = TestRequest::post()
            .insert_header((CONTENT_TYPE, content_type))
            .set_payload(body)
            .to_http_parts();
        let payload = web::Payload::from_request(&req, &mut payload)
            .await
            .unwrap();
        let source = if strict {
            DepositSource::Api
        } else {
            DepositSource::WebForm
        };
        let read = match read_multipart(&req, payload, MAX_BYTES).await {
            Ok(parts) => read_deposit(parts, source, MAX_BYTES),
            Err(error) => Err(error),
        };
        match read {
            Ok(deposit) => {
                assert!(!deposit.uploads.is_empty());
                200
            }
            Err(error) => ApiError::from(error).status.as_u16(),
        }
    })
}

fn part_content() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(br#"{"title":"Child Z","board":"wessex","incident":"death"}"#.to_vec()),
        Just(b"Executive summary\n\nLessons learned\n\n1. Share information.\n".to_vec()),
        Just(b"<html><body><p>Child Z</p></body></html>".to_vec()),
        Just(b"%PDF-1.4\n%%EOF\n".to_vec()),
        Just(b"PK\x03\x04".to_vec()),
        Just(b"executive_summary".to_vec()),
        Just(b"briefing".to_vec()),
        Just(Vec::new()),
        proptest::collection::vec(any::<u8>(), 0..200),
    ]
}

fn part() -> impl Strategy<Value = Vec<u8>> {
    let name = prop_oneof![
        Just("metadata"),
        Just("file"),
        Just("document_type"),
        Just(""),
        Just("title"),
        Just("board"),
        Just("other"),
    ];
    let filename = proptest::option::of(prop_oneof![
        Just("es.pdf".to_string()),
        Just("../../etc/passwd".to_string()),
        any::<String>(),
    ]);
    (name, filename, part_content()).prop_map(|(name, filename, content)| {
        let mut head = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"");
        if let Some(f) = filename {
            head.push_str(&format!(
                "; filename=\"{}\"",
                f.replace(['"', '\r', '\n'], "")
            ));
        }
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(b"\r\n\r\n");
        bytes.extend_from_slice(&content);
        bytes.extend_from_slice(b"\r\n");
        bytes
    })
}

/// Well-formed bodies of a few parts, then cut or overwritten here and there.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let parts = proptest::collection::vec(part(), 0..5);
    let edits = proptest::collection::vec((any::<usize>(), any::<u8>()), 0..3);
    (
        parts,
        any::<bool>(),
        edits,
        proptest::option::weighted(0.2, any::<usize>()),
    )
        .prop_map(|(parts, closed, edits, cut)| {
            let mut body = parts.concat();
            if closed {
                body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
            }
            for (at, byte) in edits {
                if !body.is_empty() {
                    let len = body.len();
                    body[at % len] = byte;
                }
            }
            if let Some(at) = cut {
                body.truncate(at % (body.len() + 1));
            }
            body
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_multipart_body_is_a_deposit_or_a_4xx(body in body(), strict in any::<bool>()) {
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        let status = status_of(&content_type, body, strict);
        prop_assert!(status == 200 || (400..500).contains(&status), "status {}", status);
    }

    #[test]
    fn arbitrary_bytes_and_boundaries_are_a_4xx(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        boundary in "[ -~]{0,80}",
    ) {
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let status = status_of(&content_type, body, true);
        prop_assert!((400..500).contains(&status), "status {}", status);
    }
}
