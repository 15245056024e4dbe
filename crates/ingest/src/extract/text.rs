//! Decoding bytes to text: a BOM (UTF-8, UTF-16) wins, then UTF-8, then for HTML a
//! declared `charset`, then Windows-1252. Text holding NULs or other control characters
//! (anything but tab, CR, LF and form feed) is refused as not being text.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use crate::extract::bytes::find;
use crate::types::IngestError;

/// Decodes a whole document. `html` lets a `<meta charset>` choose the fallback.
pub(crate) fn decode(bytes: &[u8], html: bool) -> Result<String, IngestError> {
    let text = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (cow, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        cow.into_owned()
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_owned()
    } else {
        let enc = if html {
            declared_charset(bytes).unwrap_or(WINDOWS_1252)
        } else {
            WINDOWS_1252
        };
        let (cow, _) = enc.decode_without_bom_handling(bytes);
        cow.into_owned()
    };
    check_is_text(&text)?;
    Ok(text)
}

/// Decodes the start of a file leniently, for sniffing.
pub(crate) fn decode_prefix(prefix: &[u8]) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(prefix) {
        let (cow, _) = enc.decode_without_bom_handling(&prefix[bom_len..]);
        return cow.into_owned();
    }
    String::from_utf8_lossy(prefix).into_owned()
}

/// Refuses text with control characters other than tab, LF, CR and form feed.
pub(crate) fn check_is_text(text: &str) -> Result<(), IngestError> {
    for (i, c) in text.chars().enumerate() {
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C') {
            let what = if c == '\0' {
                "NUL bytes".to_string()
            } else {
                format!("control characters (U+{:04X})", c as u32)
            };
            return Err(IngestError::Unsupported(format!(
                "this file is not text: it contains {what} (first at character {}); \
                 upload a PDF, Word (.docx), HTML or plain-text document",
                i + 1
            )));
        }
    }
    Ok(())
}

/// The encoding named by `charset=` near the start of an HTML document, if any and
/// if it is an ASCII-compatible one (UTF-16 declarations without a BOM are ignored).
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(2048)];
    let lower = head.to_ascii_lowercase();
    let at = find(&lower, b"charset=")? + b"charset=".len();
    let rest = &lower[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    let enc = Encoding::for_label(&rest[..end])?;
    if enc == UTF_8 || !enc.is_ascii_compatible() {
        None
    } else {
        Some(enc)
    }
}
