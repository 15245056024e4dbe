//! Shared by the extraction targets: the limits a fuzz run uses and the checks every
//! extraction result must pass, whatever the bytes.

// Each target includes this file and uses only part of it.
#![allow(dead_code)]

use std::time::Duration;

use lessons_ingest::{extract, Extracted, Format, IngestError, Limits};

/// Small limits so that bombs are refused quickly; the PDF time limit stays well under
/// libFuzzer's `-timeout`.
pub fn limits() -> Limits {
    Limits {
        max_bytes: 1 << 20,
        max_decompressed_bytes: 8 << 20,
        pdf_time_limit: Duration::from_secs(3),
    }
}

/// Extracts `data` and checks the outcome: no panic (libFuzzer aborts on one), an
/// accepted document of the sniffed format whose text stays within the limits.
pub fn check_extract(data: &[u8]) {
    let limits = limits();
    match extract(data, &limits) {
        Ok(extracted) => check_accepted(data, &extracted, &limits),
        Err(IngestError::Empty) => {}
        Err(IngestError::TooLarge(m) | IngestError::Unsupported(m) | IngestError::Damaged(m)) => {
            assert!(!m.is_empty(), "a refusal explains itself");
        }
        Err(IngestError::Encrypted) => {}
    }
}

fn check_accepted(data: &[u8], extracted: &Extracted, limits: &Limits) {
    assert!(data.len() <= limits.max_bytes);
    let bound = match extracted.format {
        // Decoding Windows-1252 turns one byte into at most three; normalising adds
        // at most a paragraph break per line.
        Format::Html | Format::Text => 4 * data.len() + 64,
        Format::Pdf | Format::Docx => 4 * limits.max_decompressed_bytes as usize + 4 * data.len(),
    };
    assert!(
        extracted.text.len() <= bound,
        "{:?} text of {} bytes from {} input bytes",
        extracted.format,
        extracted.text.len(),
        data.len()
    );
}

/// A one-page PDF whose content stream is `content`, with a correct xref table, so
/// that mutations reach the content-stream reader instead of breaking the file.
pub fn pdf_with_content(content: &[u8]) -> Vec<u8> {
    let head: [&[u8]; 3] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
    ];
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    let font: &[u8] =
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
    let objects: Vec<&[u8]> = vec![head[0], head[1], head[2], stream.as_slice(), font];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A DOCX (zip, entries stored) whose `word/document.xml` is `document`, with
/// `word/numbering.xml` taken from after the first `\0` when there is one.
pub fn docx_with_document(data: &[u8]) -> Vec<u8> {
    use std::io::{Cursor, Write};
    let (document, numbering) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", &b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"[..]),
        ("word/document.xml", document),
    ];
    if let Some(numbering) = numbering {
        entries.push(("word/numbering.xml", numbering));
    }
    for (name, bytes) in entries {
        if zip.start_file(name, opts).is_err() || zip.write_all(bytes).is_err() {
            return Vec::new();
        }
    }
    zip.finish().map(|c| c.into_inner()).unwrap_or_default()
}
