//! Reading request bodies, with limits: whole bodies ([`read_body`]), JSON of an expected
//! shape ([`read_json`]), urlencoded forms ([`read_form`]) and multipart deposits
//! ([`read_multipart`], whose parts the service then checks). Every refusal is a
//! [`ServiceError`]: too large, not the media type asked for, or unreadable.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;

use crate::service::uploads::{sanitise_filename, DepositParts};
use crate::service::{ServiceError, ServiceResult};

/// Largest JSON body accepted (a review with a long summary fits many times over).
pub const MAX_JSON_BYTES: usize = 8 << 20;
/// Largest form body accepted (the review screen carries a whole executive summary).
pub const MAX_FORM_BYTES: usize = 8 << 20;
/// Most plain fields a web deposit form may send.
const MAX_FORM_FIELDS: usize = 500;

/// The request's content type, trimmed and in lower case.
pub fn content_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether the request is a multipart upload.
pub fn is_multipart(req: &HttpRequest) -> bool {
    content_type(req).starts_with("multipart/form-data")
}

/// Reads a whole body, refusing more than `limit` bytes.
pub async fn read_body(mut payload: web::Payload, limit: usize) -> ServiceResult<web::BytesMut> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ServiceError::Malformed(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ServiceError::TooLarge(format!(
                "the body is larger than {} MiB",
                limit >> 20
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads a JSON body: unsupported unless `application/json`, too large over
/// [`MAX_JSON_BYTES`], malformed when it is not JSON, invalid (naming the field) when it
/// is JSON of another shape. An empty body reads as `{}`.
pub async fn read_json<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
) -> ServiceResult<T> {
    let given = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type(req).starts_with("application/json") {
        return Err(ServiceError::Unsupported(format!(
            "send JSON with Content-Type: application/json (got \"{given}\")"
        )));
    }
    let bytes = read_body(payload, MAX_JSON_BYTES).await?;
    let value: serde_json::Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        serde_json::json!({})
    } else {
        serde_json::from_slice(&bytes)
            .map_err(|e| ServiceError::Malformed(format!("the body is not valid JSON: {e}")))?
    };
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        ServiceError::invalid_field(
            if field == "." { "" } else { &field },
            e.inner().to_string(),
        )
    })
}

/// Reads a urlencoded form body into pairs.
pub async fn read_form(payload: web::Payload) -> ServiceResult<Vec<(String, String)>> {
    let body = read_body(payload, MAX_FORM_BYTES).await?;
    Ok(form_urlencoded::parse(&body).into_owned().collect())
}

/// Reads every part of a multipart body (at most `max_bytes` in all), as sent; the
/// service checks them ([`crate::service::uploads::read_deposit`]).
pub async fn read_multipart(
    req: &HttpRequest,
    payload: web::Payload,
    max_bytes: usize,
) -> ServiceResult<DepositParts> {
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut parts = DepositParts::default();
    let mut total = 0usize;
    while let Some(part) = multipart.next().await {
        let mut part = part.map_err(|e| {
            ServiceError::Malformed(format!("the multipart body is malformed: {e}"))
        })?;
        let name = part.name().unwrap_or_default().to_string();
        let filename = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(sanitise_filename)
            .unwrap_or_else(|| "upload".to_string());
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk
                .map_err(|e| ServiceError::Malformed(format!("the upload was interrupted: {e}")))?;
            total += chunk.len();
            if total > max_bytes {
                return Err(ServiceError::TooLarge(format!(
                    "the upload is larger than the limit of {} MB",
                    max_bytes / 1_000_000
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "metadata" => {
                let value = serde_json::from_slice(&bytes).map_err(|e| {
                    ServiceError::Malformed(format!("the metadata part is not valid JSON: {e}"))
                })?;
                parts.metadata = Some(value);
            }
            "file" => parts.files.push((filename, bytes)),
            "document_type" => parts
                .document_types
                .push(String::from_utf8_lossy(&bytes).trim().to_string()),
            "" => {
                return Err(ServiceError::Malformed(
                    "a multipart part has no name".into(),
                ))
            }
            _ if parts.fields.len() < MAX_FORM_FIELDS => parts
                .fields
                .push((name, String::from_utf8_lossy(&bytes).into_owned())),
            _ => return Err(ServiceError::Malformed("too many form fields".into())),
        }
    }
    Ok(parts)
}
