//! Property tests of extraction (issue 7, fuzzing): `extract` never panics on arbitrary
//! bytes nor on mutated valid documents of each format (PDF, DOCX, HTML, text), and
//! respects its [`Limits`]: input over `max_bytes` and DOCX text inflating past
//! `max_decompressed_bytes` are refused as too large. The cargo-fuzz targets
//! `extract_*` (fuzz/, docs/fuzzing.md) cover the same ground for longer.

use std::io::{Cursor, Write};
use std::time::Duration;

use lessons_ingest::{extract, Format, IngestError, Limits};
use proptest::prelude::*;

fn limits() -> Limits {
    Limits {
        max_bytes: 1 << 20,
        max_decompressed_bytes: 8 << 20,
        pdf_time_limit: Duration::from_secs(5),
    }
}

/// A one-page PDF with its content stream, xref table computed here.
fn pdf(content: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn docx(document_xml: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(document_xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn document_xml(paragraphs: &[String]) -> String {
    let body: String = paragraphs
        .iter()
        .map(|p| {
            format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                escape(p)
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>"#
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn html(paragraphs: &[String]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    format!("<!DOCTYPE html><html><head><title>t</title><script>var a='<p>';</script></head><body><nav>Home</nav><main>{body}</main><footer>Page 1 of 2</footer></body></html>").into_bytes()
}

fn pdf_content(paragraphs: &[String]) -> String {
    let mut content = String::from("BT /F1 11 Tf 14 TL 72 770 Td\n");
    for p in paragraphs {
        let escaped = p
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        content.push_str(&format!("({escaped}) Tj T* T*\n"));
    }
    content.push_str("ET");
    content
}

/// Valid documents of every format built from a few paragraphs of words.
fn valid_document() -> impl Strategy<Value = (Format, Vec<u8>)> {
    let paragraphs = proptest::collection::vec("[A-Za-z][A-Za-z ,.'-]{0,60}", 1..5);
    (0..4usize, paragraphs).prop_map(|(kind, ps)| match kind {
        0 => (Format::Pdf, pdf(&pdf_content(&ps))),
        1 => (Format::Docx, docx(&document_xml(&ps))),
        2 => (Format::Html, html(&ps)),
        _ => (Format::Text, ps.join("\n\n").into_bytes()),
    })
}

/// Byte overwrites, a deletion and a cut, at positions taken modulo the length.
#[derive(Debug, Clone)]
struct Mutation {
    overwrites: Vec<(usize, u8)>,
    delete: Option<(usize, usize)>,
    cut: Option<usize>,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (
        proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        proptest::option::of((any::<usize>(), 1..64usize)),
        proptest::option::weighted(0.2, any::<usize>()),
    )
        .prop_map(|(overwrites, delete, cut)| Mutation {
            overwrites,
            delete,
            cut,
        })
}

fn mutate(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    for &(at, byte) in &m.overwrites {
        if !bytes.is_empty() {
            let len = bytes.len();
            bytes[at % len] = byte;
        }
    }
    if let Some((at, n)) = m.delete {
        if !bytes.is_empty() {
            let start = at % bytes.len();
            let end = (start + n).min(bytes.len());
            bytes.drain(start..end);
        }
    }
    if let Some(at) = m.cut {
        if !bytes.is_empty() {
            let len = bytes.len();
            bytes.truncate(at % len);
        }
    }
    bytes
}

/// Extracts and checks what any outcome must satisfy.
fn check(bytes: &[u8], limits: &Limits) -> Result<(), TestCaseError> {
    match extract(bytes, limits) {
        Ok(extracted) => {
            prop_assert!(bytes.len() <= limits.max_bytes);
            if matches!(extracted.format, Format::Html | Format::Text) {
                prop_assert!(extracted.text.len() <= 4 * bytes.len() + 64);
            }
        }
        Err(IngestError::Empty | IngestError::Encrypted) => {}
        Err(IngestError::TooLarge(m) | IngestError::Unsupported(m) | IngestError::Damaged(m)) => {
            prop_assert!(!m.is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&bytes, &limits())?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check(text.as_bytes(), &limits())?;
    }

    #[test]
    fn mutated_documents_never_panic((_, doc) in valid_document(), m in mutation()) {
        check(&mutate(doc, &m), &limits())?;
    }

    #[test]
    fn valid_documents_are_read_as_their_format((format, doc) in valid_document()) {
        let extracted = extract(&doc, &limits());
        prop_assert!(extracted.is_ok(), "{:?}: {:?}", format, extracted);
        let extracted = extracted.unwrap();
        prop_assert_eq!(extracted.format, format);
        prop_assert!(!extracted.text.trim().is_empty());
    }

    #[test]
    fn input_over_max_bytes_is_too_large((_, doc) in valid_document(), cut in 1..32usize) {
        let l = Limits { max_bytes: doc.len().saturating_sub(cut).max(1), ..limits() };
        prop_assume!(doc.len() > l.max_bytes);
        prop_assert!(matches!(extract(&doc, &l), Err(IngestError::TooLarge(_))));
    }

    #[test]
    fn docx_text_over_max_decompressed_bytes_is_too_large(
        paragraphs in proptest::collection::vec("[a-z ]{200,400}", 4..8),
    ) {
        let xml = document_xml(&paragraphs);
        let doc = docx(&xml);
        let l = Limits { max_decompressed_bytes: (xml.len() / 2) as u64, ..limits() };
        prop_assert!(matches!(extract(&doc, &l), Err(IngestError::TooLarge(_))));
    }
}
