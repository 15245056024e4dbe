//! Deciding the format from the bytes alone: magic numbers for PDF, zip (DOCX) and the
//! common binary formats we refuse, markup at the start for HTML, and text otherwise.
//! The client's media type and file name are never consulted.

use std::io::Cursor;

use crate::extract::bytes::find;
use crate::extract::text::decode_prefix;
use crate::types::{Format, IngestError};

/// How far into the file `%PDF-` may start (some producers put junk before it).
const PDF_HEADER_WINDOW: usize = 1024;
/// How much of the start is inspected for HTML markup and binary bytes.
const PREFIX: usize = 8192;

const ALLOWED: &str = "a PDF, Word (.docx), HTML or plain-text document";

/// Decides which [`Format`] the bytes are, without extracting anything.
///
/// Errors: [`IngestError::Empty`] for no bytes, [`IngestError::Unsupported`] for content
/// that is none of the four formats (images, executables, archives, binary data), and
/// [`IngestError::Damaged`] for a zip archive that cannot be read.
pub fn sniff(bytes: &[u8]) -> Result<Format, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let head = &bytes[..bytes.len().min(PDF_HEADER_WINDOW)];
    if find(head, b"%PDF-").is_some() {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || bytes.starts_with(b"PK\x07\x08")
    {
        return sniff_zip(bytes);
    }
    if let Some(what) = binary_kind(bytes) {
        return Err(unsupported(what));
    }
    let prefix = &bytes[..bytes.len().min(PREFIX)];
    let start = decode_prefix(prefix);
    if starts_with_markup(&start) {
        return Ok(Format::Html);
    }
    let utf16 = prefix.starts_with(&[0xFF, 0xFE]) || prefix.starts_with(&[0xFE, 0xFF]);
    if !utf16 && prefix.contains(&0) {
        return Err(unsupported("binary data, not text (it contains NUL bytes)"));
    }
    Ok(Format::Text)
}

fn unsupported(what: &str) -> IngestError {
    IngestError::Unsupported(format!("this file is {what}; upload {ALLOWED}"))
}

fn sniff_zip(bytes: &[u8]) -> Result<Format, IngestError> {
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => {
            let names: Vec<String> = archive
                .file_names()
                .filter_map(Result::ok)
                .map(|n| n.into_owned())
                .collect();
            let has = |n: &str| names.iter().any(|x| x == n);
            if has("word/document.xml") {
                Ok(Format::Docx)
            } else if has("content.xml") && has("mimetype") {
                Err(unsupported(
                    "an OpenDocument file (.odt; save it as .docx or PDF)",
                ))
            } else if names
                .iter()
                .any(|n| n.starts_with("xl/") || n.starts_with("ppt/"))
            {
                Err(unsupported("an Excel or PowerPoint file"))
            } else {
                Err(unsupported("a zip archive, not a Word document"))
            }
        }
        Err(e) => {
            let what = if find(bytes, b"word/document.xml").is_some() {
                "the Word document is damaged"
            } else {
                "the file is a damaged zip archive"
            };
            Err(IngestError::Damaged(format!(
                "{what} and cannot be read ({e})"
            )))
        }
    }
}

/// Names a binary format we recognise and refuse.
fn binary_kind(b: &[u8]) -> Option<&'static str> {
    let has_nul_early = b[..b.len().min(64)].contains(&0);
    let kinds: &[(&[u8], &str, bool)] = &[
        (b"\x7fELF", "an executable program (ELF)", false),
        (b"MZ", "a Windows executable program", true),
        (
            b"\xCA\xFE\xBA\xBE",
            "an executable program (Mach-O or Java class)",
            false,
        ),
        (b"\xCF\xFA\xED\xFE", "an executable program (Mach-O)", false),
        (b"\xCE\xFA\xED\xFE", "an executable program (Mach-O)", false),
        (b"\x89PNG", "a PNG image", false),
        (b"\xFF\xD8\xFF", "a JPEG image", false),
        (b"GIF87a", "a GIF image", false),
        (b"GIF89a", "a GIF image", false),
        (b"II*\x00", "a TIFF image", false),
        (b"MM\x00*", "a TIFF image", false),
        (b"BM", "a BMP image", true),
        (b"\x1F\x8B", "a gzip archive", false),
        (b"BZh", "a bzip2 archive", true),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive", false),
        (b"Rar!\x1A\x07", "a RAR archive", false),
        (b"\xFD7zXZ\x00", "an xz archive", false),
        (b"\x28\xB5\x2F\xFD", "a zstd archive", false),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an old-format Office file (.doc, .xls; save it as .docx or PDF)",
            false,
        ),
        (
            b"{\\rtf",
            "a Rich Text Format file (save it as .docx or PDF)",
            false,
        ),
        (b"%!PS", "a PostScript file", false),
    ];
    for (magic, what, needs_nul) in kinds {
        if b.starts_with(magic) && (!needs_nul || has_nul_early) {
            return Some(what);
        }
    }
    if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP" {
        return Some("a WebP image");
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return Some("a video or image (MP4/HEIC)");
    }
    None
}

/// True when the text starts (after a BOM and whitespace) with HTML markup.
fn starts_with_markup(s: &str) -> bool {
    let t = s.trim_start_matches('\u{FEFF}').trim_start();
    if !t.starts_with('<') {
        return false;
    }
    let lower: String = t
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_lowercase();
    const OPENERS: &[&str] = &[
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<meta",
        "<title",
        "<p>",
        "<p ",
        "<div",
        "<h1",
        "<h2",
        "<h3",
        "<table",
        "<ul",
        "<ol",
        "<section",
        "<article",
        "<main",
        "<header",
        "<nav",
        "<span",
        "<br",
        "<style",
        "<link",
        "<script",
    ];
    if OPENERS.iter().any(|o| lower.starts_with(o)) {
        return true;
    }
    // `<?xml ...?>` or a comment first: HTML if the markup follows soon after.
    (lower.starts_with("<?xml") || lower.starts_with("<!--"))
        && (lower.contains("<html") || lower.contains("<body") || lower.contains("<!doctype html"))
}
