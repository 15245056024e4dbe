//! Deposited files: the parts of a multipart deposit as read from the body (a
//! `metadata` JSON part, one or more `file` parts and optional `document_type` parts in
//! the same order, default `executive_summary`), checked, paired with their document
//! types, and their text extracted. The summary is filled from the text. Nothing is kept
//! unless every part is acceptable.

use lessons_ingest::{Extracted, Limits};
use lessons_model::{FileRef, Review, Vocabulary};

use super::error::{ServiceError, ServiceResult};
use super::input::metadata_from_fields;

/// One uploaded file with what was found in it.
pub struct Upload {
    pub filename: String,
    pub document_type: String,
    pub bytes: Vec<u8>,
    pub extracted: Extracted,
}

/// The parts of a multipart body, as read (in order, names as sent).
#[derive(Debug, Default)]
pub struct DepositParts {
    /// The `metadata` part, parsed as JSON.
    pub metadata: Option<serde_json::Value>,
    /// Each `file` part: its (sanitised) file name and bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Each `document_type` part, trimmed.
    pub document_types: Vec<String>,
    /// Any other part, as text.
    pub fields: Vec<(String, String)>,
}

/// A checked deposit.
pub struct Deposit {
    /// The `metadata` JSON part, or (from the web form) the review built from its fields.
    pub metadata: serde_json::Value,
    pub uploads: Vec<Upload>,
    /// Plain form fields other than the metadata, files and document types.
    pub fields: Vec<(String, String)>,
}

/// Who sent the deposit: the API takes only `metadata`, `file` and `document_type`
/// parts; the web form sends the review as plain fields and may leave file inputs empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositSource {
    Api,
    WebForm,
}

/// Checks the parts and extracts each file's text (`max_bytes` bounds extraction).
pub fn read_deposit(
    parts: DepositParts,
    source: DepositSource,
    max_bytes: usize,
) -> ServiceResult<Deposit> {
    let strict = source == DepositSource::Api;
    let DepositParts {
        metadata,
        files,
        document_types,
        fields,
    } = parts;
    if document_types.len() > files.len() {
        return Err(ServiceError::invalid_field(
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
        None if !strict => metadata_from_fields(&fields),
        None => {
            return Err(ServiceError::invalid_field(
                "metadata",
                "a metadata part (JSON) is required",
            ))
        }
    };
    if strict && !fields.is_empty() {
        return Err(ServiceError::invalid_field(
            &fields[0].0,
            "unknown part (expected metadata, file, document_type)",
        ));
    }
    if typed.is_empty() {
        return Err(ServiceError::invalid_field(
            "file",
            "at least one file part is required",
        ));
    }
    let mut uploads = Vec::with_capacity(typed.len());
    for (i, (filename, bytes, document_type)) in typed.into_iter().enumerate() {
        if !Vocabulary::DocumentType.contains(&document_type) {
            return Err(ServiceError::invalid_choice(
                &format!("document_type[{i}]"),
                format!("unknown value \"{document_type}\""),
                Vocabulary::DocumentType.slugs(),
            ));
        }
        let limits = Limits {
            max_bytes: max_bytes.max(1),
            ..Limits::default()
        };
        let extracted =
            lessons_ingest::extract(&bytes, &limits).map_err(|error| ServiceError::Ingest {
                file: filename.clone(),
                error,
            })?;
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

impl Upload {
    /// The stored description of this upload.
    pub fn file_ref(&self) -> FileRef {
        FileRef {
            number: 0,
            public: false,
            document_type: self.document_type.clone(),
            filename: self.filename.clone(),
            media_type: self.extracted.format.media_type().to_string(),
            size: self.bytes.len() as u64,
            sha256: lessons_store::sha256_hex(&self.bytes),
        }
    }
}

/// Characters never kept in a file name: controls, and the bidirectional marks,
/// embeddings, overrides and isolates (which can disguise an extension).
pub fn is_unsafe_in_name(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// A file name without folders, quotes, control or bidirectional characters, at most
/// 150 characters.
pub fn sanitise_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !is_unsafe_in_name(*c))
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
        check("child\u{202E}fdp.txt", "childfdp.txt");
        check(&"a".repeat(400), &"a".repeat(150));
    }
}
