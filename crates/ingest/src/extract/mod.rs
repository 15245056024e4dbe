//! Text extraction: sniff the format from the bytes, hand them to the reader for that
//! format, and normalise what comes back (see [`normalize`]).
//!
//! Every reader returns raw text in one shared shape: paragraphs separated by a blank
//! line, lines by `\n`, and pages (PDF, or form feeds in a text file) by `\x0C`.

mod bytes;
mod docx;
mod html;
pub(crate) mod normalize;
mod pdf;
mod pdf_layout;
mod sniff;
mod text;

use crate::extract::bytes::human_size;
use crate::types::{Extracted, Format, IngestError, Limits, Warning};

pub use sniff::sniff;

/// Extracts normalised text from an uploaded document.
///
/// The format is decided by the content alone (see [`sniff`]). PDF reading runs on its
/// own thread under `catch_unwind` and a time limit; DOCX reading is bounded by
/// `limits.max_decompressed_bytes`.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(IngestError::TooLarge(format!(
            "the file is {} bytes; the largest accepted is {} bytes ({})",
            bytes.len(),
            limits.max_bytes,
            human_size(limits.max_bytes as u64)
        )));
    }
    let format = sniff(bytes)?;
    let mut warnings = Vec::new();
    let text = match format {
        Format::Pdf => {
            let (raw, mut w) = pdf::extract(bytes, limits)?;
            warnings.append(&mut w);
            normalize::normalise(&raw, normalize::Mode::Flowing)
        }
        Format::Docx => {
            let raw = docx::extract(bytes, limits)?;
            normalize::normalise(&raw, normalize::Mode::Blocks)
        }
        Format::Html => {
            let decoded = text::decode(bytes, true)?;
            let raw = html::extract(&decoded);
            normalize::normalise(&raw, normalize::Mode::Blocks)
        }
        Format::Text => {
            let decoded = text::decode(bytes, false)?;
            if decoded.trim().is_empty() {
                return Err(IngestError::Empty);
            }
            normalize::normalise(&decoded, normalize::text_mode(&decoded))
        }
    };
    if text.trim().is_empty() && !warnings.iter().any(|w| w.code == "no_text") {
        warnings.push(Warning::no_text());
    }
    Ok(Extracted {
        format,
        text,
        warnings,
    })
}
