//! What the crate's functions take and give back: the formats it reads ([`Format`]), the
//! text of a document with its warnings ([`Extracted`], [`Warning`]), the bounds on the
//! work one document may cause ([`Limits`]) and why a document is refused
//! ([`IngestError`]). `lib.rs` re-exports each of them; this module uses no other.

use std::time::Duration;

use serde::Serialize;

/// A document format this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Pdf,
    Docx,
    Html,
    Text,
}

impl Format {
    /// Every format, for lists of accepted and served media types.
    pub const ALL: [Format; 4] = [Format::Pdf, Format::Docx, Format::Html, Format::Text];

    /// The media type stored with the original file.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Html => "text/html",
            Format::Text => "text/plain",
        }
    }
}

/// A problem worth the depositor's attention that does not stop the deposit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// e.g. `no_text`, `possible_name`, `postcode`, `date_of_birth`.
    pub code: String,
    pub message: String,
    /// The text found, with some context around it.
    pub excerpt: String,
}

impl Warning {
    /// The warning for a readable document with no text in it.
    pub(crate) fn no_text() -> Warning {
        Warning {
            code: "no_text".to_string(),
            message: "no text found (scanned document?)".to_string(),
            excerpt: String::new(),
        }
    }
}

/// The text of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub format: Format,
    /// Normalised plain text; paragraphs separated by a blank line.
    pub text: String,
    /// E.g. "no text found (scanned document?)" for a PDF without a text layer.
    pub warnings: Vec<Warning>,
}

/// Bounds on the work one document may cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted.
    pub max_bytes: usize,
    /// Largest total decompressed size (zip entries, PDF streams).
    pub max_decompressed_bytes: u64,
    /// Longest a PDF extraction may run.
    pub pdf_time_limit: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 50 << 20,
            max_decompressed_bytes: 200 << 20,
            pdf_time_limit: Duration::from_secs(30),
        }
    }
}

/// Why a document was refused. Each variant maps to one HTTP status in the web crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// Nothing was uploaded (400/422).
    #[error("the file is empty")]
    Empty,
    /// Larger than the limits (413).
    #[error("{0}")]
    TooLarge(String),
    /// Not PDF, DOCX, HTML or text by its content (415).
    #[error("{0}")]
    Unsupported(String),
    /// Claims a format and then breaks it: truncated, corrupt, bad zip (422).
    #[error("{0}")]
    Damaged(String),
    /// A password-protected PDF (422).
    #[error("the PDF is password-protected; upload an unprotected copy")]
    Encrypted,
}
