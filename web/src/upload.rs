//! `POST /api/v1/reviews` as `multipart/form-data`: a `metadata` JSON part, one or more
//! `file` parts and optional `document_type` parts in the same order (default
//! `executive_summary`). Each file is sniffed and its text extracted; the summary is
//! filled from the text and the findings with suggestions, and the answer carries the
//! warnings (extraction problems, likely identifying details). Nothing is stored unless
//! every part is acceptable.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use lessons_ingest::{Extracted, IngestError, Limits};
use lessons_model::{FileRef, Review, Vocabulary};

use crate::errors::ApiError;

/// One uploaded file with what was found in it.
pub struct Upload {
    pub filename: String,
    pub document_type: String,
    pub bytes: Vec<u8>,
    pub extracted: Extracted,
}

/// The parts of a multipart deposit.
pub struct Deposit {
    /// The `metadata` JSON part, or (from the web form) the review built from its fields.
    pub metadata: serde_json::Value,
    pub uploads: Vec<Upload>,
    /// Plain form fields other than the metadata, files and document types.
    pub fields: Vec<(String, String)>,
}

/// Most plain fields a web deposit form may send.
const MAX_FORM_FIELDS: usize = 500;

/// Reads and checks every part; refuses the whole deposit at the first bad one.
/// `strict` (the API) accepts only `metadata`, `file` and `document_type` parts; the web
/// form sends the review as plain fields instead of `metadata`.
pub async fn read_deposit(
    req: &HttpRequest,
    payload: web::Payload,
    max_bytes: usize,
    strict: bool,
) -> Result<Deposit, ApiError> {
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut metadata: Option<serde_json::Value> = None;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut document_types: Vec<String> = Vec::new();
    let mut total = 0usize;
    while let Some(part) = multipart.next().await {
        let mut part = part
            .map_err(|e| ApiError::bad_request(format!("the multipart body is malformed: {e}")))?;
        let name = part.name().unwrap_or_default().to_string();
        let filename = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(sanitise_filename)
            .unwrap_or_else(|| "upload".to_string());
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk
                .map_err(|e| ApiError::bad_request(format!("the upload was interrupted: {e}")))?;
            total += chunk.len();
            if total > max_bytes {
                return Err(too_large(max_bytes));
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "metadata" => {
                let value = serde_json::from_slice(&bytes).map_err(|e| {
                    ApiError::bad_request(format!("the metadata part is not valid JSON: {e}"))
                })?;
                metadata = Some(value);
            }
            "file" => files.push((filename, bytes)),
            "document_type" => {
                document_types.push(String::from_utf8_lossy(&bytes).trim().to_string())
            }
            "" => return Err(ApiError::bad_request("a multipart part has no name")),
            _ if fields.len() < MAX_FORM_FIELDS => {
                fields.push((name, String::from_utf8_lossy(&bytes).into_owned()))
            }
            _ => return Err(ApiError::bad_request("too many form fields")),
        }
    }
    if document_types.len() > files.len() {
        return Err(ApiError::invalid_field(
            "document_type",
            format!(
                "{} document types for {} files",
                document_types.len(),
                files.len()
            ),
        ));
    }
    // Types go with files by position; browsers send an empty file part (and its type)
    // for a file input left empty, which the web form skips.
    let mut typed: Vec<(String, Vec<u8>, String)> = files
        .into_iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            let kind = document_types.get(i).filter(|t| !t.is_empty()).cloned();
            (
                name,
                bytes,
                kind.unwrap_or_else(|| "executive_summary".into()),
            )
        })
        .collect();
    if !strict {
        typed.retain(|(_, bytes, _)| !bytes.is_empty());
    }
    let metadata = match metadata {
        Some(metadata) => metadata,
        None if !strict => crate::deposit_form::metadata_from_fields(&fields),
        None => {
            return Err(ApiError::invalid_field(
                "metadata",
                "a metadata part (JSON) is required",
            ))
        }
    };
    if strict && !fields.is_empty() {
        return Err(ApiError::invalid_field(
            &fields[0].0,
            "unknown part (expected metadata, file, document_type)",
        ));
    }
    if typed.is_empty() {
        return Err(ApiError::invalid_field(
            "file",
            "at least one file part is required",
        ));
    }
    let mut uploads = Vec::with_capacity(typed.len());
    for (i, (filename, bytes, document_type)) in typed.into_iter().enumerate() {
        if !Vocabulary::DocumentType.contains(&document_type) {
            let mut error = ApiError::invalid_field(
                &format!("document_type[{i}]"),
                format!("unknown value \"{document_type}\""),
            );
            error.details[0].allowed = Some(Vocabulary::DocumentType.slugs());
            return Err(error);
        }
        let limits = Limits {
            max_bytes: max_bytes.max(1),
            ..Limits::default()
        };
        let for_extraction = bytes.clone();
        let extracted = web::block(move || lessons_ingest::extract(&for_extraction, &limits))
            .await?
            .map_err(|e| ingest_error(&filename, e))?;
        uploads.push(Upload {
            filename,
            document_type,
            bytes,
            extracted,
        });
    }
    Ok(Deposit {
        metadata,
        uploads,
        fields,
    })
}

/// Fills an empty summary from the executive summaries' text (else every file's).
pub fn fill_summary(review: &mut Review, uploads: &[Upload]) {
    if !review.summary.trim().is_empty() {
        return;
    }
    let chosen: Vec<&Upload> = uploads
        .iter()
        .filter(|u| u.document_type == "executive_summary")
        .collect();
    let sources: Vec<&Upload> = if chosen.is_empty() {
        uploads.iter().collect()
    } else {
        chosen
    };
    let texts: Vec<&str> = sources
        .iter()
        .map(|u| u.extracted.text.trim())
        .filter(|t| !t.is_empty())
        .collect();
    review.summary = texts.join("\n\n");
}

/// The stored description of an upload.
pub fn file_ref(upload: &Upload, sha256: String) -> FileRef {
    FileRef {
        document_type: upload.document_type.clone(),
        filename: upload.filename.clone(),
        media_type: upload.extracted.format.media_type().to_string(),
        size: upload.bytes.len() as u64,
        sha256,
    }
}

/// A file name without folders, quotes or control characters, at most 150 characters.
pub fn sanitise_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    let short: String = trimmed.chars().take(150).collect();
    if short.is_empty() {
        "upload".to_string()
    } else {
        short
    }
}

fn too_large(max_bytes: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "the upload is larger than the limit of {} MB",
            max_bytes / 1_000_000
        ),
    )
}

/// One status per kind of refusal (issue 3, "Bad input").
fn ingest_error(filename: &str, error: IngestError) -> ApiError {
    let message = format!("{filename}: {error}");
    match error {
        IngestError::Empty => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "empty_file", message)
        }
        IngestError::TooLarge(_) => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
        }
        IngestError::Unsupported(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            message,
        ),
        IngestError::Damaged(_) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "damaged_file", message)
        }
        IngestError::Encrypted => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "encrypted_file", message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_sanitised() {
        let check =
            |raw: &str, expected: &str| assert_eq!(sanitise_filename(raw), expected, "{raw}");
        check("child-m-es.pdf", "child-m-es.pdf");
        check("C:\\Users\\officer\\Desktop\\es.pdf", "es.pdf");
        check("../../etc/passwd", "passwd");
        check("\"quoted\"\n.pdf", "_quoted_.pdf");
        check("...", "upload");
        check(&"a".repeat(400), &"a".repeat(150));
    }
}
