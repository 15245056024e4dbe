//! Integration tests for `lessons_ingest::extract`: documents from several producers
//! (PDFs written with lopdf's writer and by hand, DOCX files built with the zip crate,
//! HTML with page chrome, Windows-1252 text) and every kind of bad input.

use std::io::{Cursor, Write};
use std::time::Duration;

use lessons_ingest::{extract, sniff, Format, IngestError, Limits};
use pdf_extract::{Dictionary, Document, Object, Stream};

fn limits() -> Limits {
    Limits::default()
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

fn pdf_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)")
}

/// Producer 1: lopdf's writer, Helvetica, one content stream per page, compressed
/// streams. Each page is a list of lines; an empty line leaves a paragraph gap.
fn lopdf_pdf(pages: &[Vec<&str>]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut font = Dictionary::new();
    font.set("Type", name("Font"));
    font.set("Subtype", name("Type1"));
    font.set("BaseFont", name("Helvetica"));
    font.set("Encoding", name("WinAnsiEncoding"));
    let font_id = doc.add_object(font);
    let mut fonts = Dictionary::new();
    fonts.set("F1", font_id);
    let mut resources = Dictionary::new();
    resources.set("Font", fonts);
    let resources_id = doc.add_object(resources);
    let mut kids = Vec::new();
    for lines in pages {
        let mut content = String::from("BT /F1 11 Tf 14 TL 72 770 Td\n");
        for line in lines {
            if line.is_empty() {
                content.push_str("T*\n");
            } else {
                content.push_str(&format!("({}) Tj T*\n", pdf_escape(line)));
            }
        }
        content.push_str("ET\n");
        let content_id = doc.add_object(Stream::new(Dictionary::new(), content.into_bytes()));
        let mut page = Dictionary::new();
        page.set("Type", name("Page"));
        page.set("Parent", pages_id);
        page.set("Contents", content_id);
        page.set("Resources", resources_id);
        page.set("MediaBox", vec![0.into(), 0.into(), 595.into(), 842.into()]);
        kids.push(Object::from(doc.add_object(page)));
    }
    let mut pages_dict = Dictionary::new();
    pages_dict.set("Type", name("Pages"));
    pages_dict.set("Count", kids.len() as i64);
    pages_dict.set("Kids", kids);
    doc.objects.insert(pages_id, Object::Dictionary(pages_dict));
    let mut catalog = Dictionary::new();
    catalog.set("Type", name("Catalog"));
    catalog.set("Pages", pages_id);
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("lopdf writes the test PDF");
    out
}

/// Producer 2: a PDF written by hand: MediaBox inherited from the page tree, Courier,
/// text shown with TJ arrays, an uncompressed stream, an xref table computed here.
/// `extra_trailer` is added to the trailer dictionary.
fn hand_pdf(content: &str, extra_objects: &[&str], extra_trailer: &str) -> Vec<u8> {
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] /Resources << /Font << /F2 5 0 R >> >> >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{}\nendstream", content.len(), content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    objects.extend(extra_objects.iter().map(|s| s.to_string()));
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, body).as_bytes());
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
            "trailer\n<< /Size {} /Root 1 0 R {extra_trailer} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn hand_text_pdf() -> Vec<u8> {
    let content = "BT /F2 10 Tf 12 TL 50 740 Td\n\
        [(Recommendations)] TJ T* T*\n\
        [(1. The Board should ) -20 (review its ) (threshold guidance.)] TJ T*\n\
        [(2. Agencies must share information about the ) (child.)] TJ T*\n\
        ET";
    hand_pdf(content, &[], "")
}

fn assert_err(r: Result<lessons_ingest::Extracted, IngestError>, want: &str) -> String {
    match r {
        Ok(e) => panic!("expected {want}, got Ok({:?})", e.text),
        Err(e) => {
            let kind = match &e {
                IngestError::Empty => "Empty",
                IngestError::TooLarge(_) => "TooLarge",
                IngestError::Unsupported(_) => "Unsupported",
                IngestError::Damaged(_) => "Damaged",
                IngestError::Encrypted => "Encrypted",
            };
            assert_eq!(kind, want, "{e}");
            e.to_string()
        }
    }
}

fn three_page_report() -> Vec<u8> {
    lopdf_pdf(&[
        vec![
            "Serious Case Review: Child A",
            "",
            "Executive summary",
            "",
            "The review considered the work of all agencies with the fam-",
            "ily between 2019 and 2021. Practitioners did not",
            "",
            "Page 1 of 3",
        ],
        vec![
            "Serious Case Review: Child A",
            "",
            "share concerns about neglect with each other.",
            "",
            "Lessons learned",
            "",
            "1. Agencies did not share information.",
            "2. The health visitor was not told about the referral.",
            "",
            "Page 2 of 3",
        ],
        vec![
            "Serious Case Review: Child A",
            "",
            "The Board accepts the findings (\"all of them\").",
            "",
            "Page 3 of 3",
        ],
    ])
}

#[test]
fn pdf_from_lopdf_writer() {
    let bytes = three_page_report();
    assert_eq!(sniff(&bytes).ok(), Some(Format::Pdf));
    let got = extract(&bytes, &limits()).expect("a sound PDF");
    assert_eq!(got.format, Format::Pdf);
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    let t = &got.text;
    assert!(!t.contains("Page 1 of 3") && !t.contains("Page 2"), "{t}");
    assert_eq!(t.matches("Serious Case Review: Child A").count(), 0, "{t}");
    assert!(t.contains("with the family between 2019"), "{t}");
    assert!(
        t.contains("Practitioners did not share concerns about neglect with each other."),
        "{t}"
    );
    assert!(t.contains("\n\nLessons learned\n\n"), "{t}");
    assert!(
        t.contains("\n\n1. Agencies did not share information.\n\n2. The health visitor"),
        "{t}"
    );
    assert!(t.contains("(\"all of them\")"), "{t}");
}

#[test]
fn pdf_written_by_hand() {
    let got = extract(&hand_text_pdf(), &limits()).expect("a sound PDF");
    assert_eq!(got.format, Format::Pdf);
    let t = &got.text;
    assert!(
        t.starts_with("Recommendations\n\n1. The Board should"),
        "{t}"
    );
    assert!(t.contains("threshold guidance."), "{t}");
    assert!(t.contains("\n\n2. Agencies must share information"), "{t}");
}

#[test]
fn pdf_without_text_layer_is_accepted_with_warning() {
    let bytes = hand_pdf("q 0 0 1 rg 100 100 200 300 re f Q", &[], "");
    let got = extract(&bytes, &limits()).expect("a sound PDF without text");
    assert_eq!(got.text, "");
    assert_eq!(got.warnings.len(), 1);
    assert_eq!(got.warnings[0].code, "no_text");
    assert_eq!(got.warnings[0].message, "no text found (scanned document?)");
}

#[test]
fn truncated_pdf_is_damaged_not_scanned() {
    let bytes = three_page_report();
    for cut in [bytes.len() / 2, bytes.len() - 20, 40] {
        let msg = assert_err(extract(&bytes[..cut], &limits()), "Damaged");
        assert!(msg.contains("damaged"), "{msg}");
        assert!(!msg.contains("scanned"), "{msg}");
    }
}

#[test]
fn corrupt_pdf_is_damaged() {
    let mut junk = b"%PDF-1.7\n".to_vec();
    let mut x: u32 = 12345;
    for _ in 0..4000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        junk.push((x >> 16) as u8);
    }
    junk.extend_from_slice(b"\nstartxref\n2000\n%%EOF\n");
    assert_err(extract(&junk, &limits()), "Damaged");

    // A sound file whose cross-reference table points at the wrong places.
    let good = hand_text_pdf();
    let text = String::from_utf8_lossy(&good).into_owned();
    let broken = text.replace("0000000009", "0000000300");
    let mut bytes = broken.into_bytes();
    // Overwrite the objects themselves with noise.
    for b in bytes.iter_mut().skip(20).take(300) {
        *b = b'#';
    }
    assert_err(extract(&bytes, &limits()), "Damaged");
}

#[test]
fn encrypted_pdf_is_refused() {
    let encrypt = "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 \
        /O <6E1C4A2B9F0D3E5A7C8B1D2E3F405162738495A6B7C8D9EAFB0C1D2E3F405161> \
        /U <0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9> >>";
    let bytes = hand_pdf(
        "BT /F2 10 Tf 50 740 Td (secret) Tj ET",
        &[encrypt],
        "/Encrypt 6 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]",
    );
    let msg = assert_err(extract(&bytes, &limits()), "Encrypted");
    assert!(msg.contains("password-protected"), "{msg}");
}

#[test]
fn pdf_over_time_limit_is_damaged() {
    let l = Limits {
        pdf_time_limit: Duration::from_nanos(1),
        ..limits()
    };
    let msg = assert_err(extract(&three_page_report(), &l), "Damaged");
    assert!(msg.contains("too long"), "{msg}");
}

#[test]
fn pdf_stream_bomb_is_too_large() {
    let l = Limits {
        max_decompressed_bytes: 100,
        ..limits()
    };
    assert_err(extract(&three_page_report(), &l), "TooLarge");
}

fn docx(document_xml: &str, numbering_xml: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts)
        .expect("zip entry");
    zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>")
        .expect("zip write");
    zip.start_file("word/document.xml", opts)
        .expect("zip entry");
    zip.write_all(document_xml.as_bytes()).expect("zip write");
    if let Some(n) = numbering_xml {
        zip.start_file("word/numbering.xml", opts)
            .expect("zip entry");
        zip.write_all(n.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

#[test]
fn docx_word_style_with_numbering() {
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Lessons learned</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Health &amp; social </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>care</w:t></w:r><w:r><w:tab/><w:t>worked</w:t><w:br/><w:t>together.</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Share information.</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>With the GP.</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Record decisions.</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t>A bullet.</w:t></w:r></w:p>
<w:p><w:r><w:delText>deleted</w:delText><w:instrText>PAGE</w:instrText></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cell one</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#
    );
    let numbering = format!(
        r#"<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>"#
    );
    let bytes = docx(&doc, Some(&numbering));
    assert_eq!(sniff(&bytes).ok(), Some(Format::Docx));
    let got = extract(&bytes, &limits()).expect("a sound DOCX");
    assert_eq!(got.format, Format::Docx);
    assert_eq!(
        got.text,
        "Lessons learned\n\nHealth & social care worked\ntogether.\n\n1. Share information.\n\n(a) With the GP.\n\n2. Record decisions.\n\n• A bullet.\n\nCell one"
    );
}

#[test]
fn docx_other_producer_prefixes() {
    // Another producer's style: a different namespace prefix, no numbering part,
    // a list paragraph without numbering.xml gets a bullet.
    let doc = format!(
        r#"<ns0:document xmlns:ns0="{W_NS}"><ns0:body>
<ns0:p><ns0:r><ns0:t>Findings</ns0:t></ns0:r></ns0:p>
<ns0:p><ns0:pPr><ns0:numPr><ns0:ilvl ns0:val="0"/><ns0:numId ns0:val="3"/></ns0:numPr></ns0:pPr><ns0:r><ns0:t>Thresholds were unclear.</ns0:t></ns0:r></ns0:p>
</ns0:body></ns0:document>"#
    );
    let got = extract(&docx(&doc, None), &limits()).expect("a sound DOCX");
    assert_eq!(got.text, "Findings\n\n• Thresholds were unclear.");
}

#[test]
fn docx_zip_bomb_is_refused_quickly() {
    let filler = " ".repeat(8 << 20);
    let doc = format!(
        r#"<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{filler}</w:t></w:r></w:p></w:body></w:document>"#
    );
    let bytes = docx(&doc, None);
    assert!(bytes.len() < 100_000, "bomb is {} bytes", bytes.len());
    let l = Limits {
        max_decompressed_bytes: 1 << 20,
        ..limits()
    };
    let start = std::time::Instant::now();
    let msg = assert_err(extract(&bytes, &l), "TooLarge");
    assert!(msg.contains("zip bomb"), "{msg}");
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn bad_zip_is_damaged() {
    let good = docx(
        &format!(r#"<w:document xmlns:w="{W_NS}"><w:body/></w:document>"#),
        None,
    );
    // Cut off the central directory.
    assert_err(extract(&good[..good.len() - 30], &limits()), "Damaged");
    // Zip magic then noise.
    let mut noise = b"PK\x03\x04".to_vec();
    noise.extend((0..500u32).map(|i| (i * 7 + 3) as u8));
    assert_err(extract(&noise, &limits()), "Damaged");
    // Not XML inside.
    let bytes = docx("<w:document><unclosed>", None);
    assert_err(extract(&bytes, &limits()), "Damaged");
}

#[test]
fn other_zip_is_unsupported() {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("photo.txt", zip::write::SimpleFileOptions::default())
        .expect("zip entry");
    zip.write_all(b"hello").expect("zip write");
    let bytes = zip.finish().expect("zip finish").into_inner();
    assert_err(extract(&bytes, &limits()), "Unsupported");
}

#[test]
fn html_with_chrome() {
    let html = "\u{FEFF}  <!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>SCR</title>\
        <script>document.write('<p>js</p>')</script><style>.x{}</style></head><body>\
        <a class=\"skip-link\" href=\"#main\">Skip to content</a>\
        <header class=\"site-header\"><div class=\"logo\">LSCB</div></header>\
        <nav aria-label=\"Main\"><ul><li><a href=\"/\">Home</a></li></ul></nav>\
        <ol class=\"breadcrumb\"><li>Home</li><li>Reviews</li></ol>\
        <main id=\"main\"><h1>Serious case review: Child&nbsp;D</h1>\
        <p>The review found that agencies&rsquo; responses were&hellip; slow.</p>\
        <h2>Recommendations</h2><ol><li>Improve <b>supervision</b>.</li><li>Share records.</li></ol>\
        <ul><li>Train staff</li></ul><!-- a comment --><p>Cost &pound;5 &amp; more</p></main>\
        <aside>Related reviews</aside><div id=\"cookie-notice\">We use cookies</div>\
        <footer><p>&copy; 2024 LSCB</p></footer></body></html>";
    let bytes = html.as_bytes();
    assert_eq!(sniff(bytes).ok(), Some(Format::Html));
    let got = extract(bytes, &limits()).expect("HTML");
    assert_eq!(got.format, Format::Html);
    assert_eq!(
        got.text,
        "Serious case review: Child D\n\nThe review found that agencies’ responses were… slow.\n\nRecommendations\n\n1. Improve supervision.\n\n2. Share records.\n\n• Train staff\n\nCost £5 & more"
    );
}

#[test]
fn html_in_windows_1252() {
    let mut bytes = b"<html><body><p>".to_vec();
    bytes.extend_from_slice(b"\x93Quoted\x94 \xA35");
    bytes.extend_from_slice(b"</p></body></html>");
    let got = extract(&bytes, &limits()).expect("HTML");
    assert_eq!(got.text, "“Quoted” £5");
}

#[test]
fn windows_1252_text() {
    let bytes = b"Executive summary\r\n\r\nThe board\x92s \x93lessons\x94 cost \xA3300 \x96 a re-\r\nview.\r\n\r\nSecond paragraph.\r\n";
    let got = extract(bytes, &limits()).expect("text");
    assert_eq!(got.format, Format::Text);
    assert_eq!(
        got.text,
        "Executive summary\n\nThe board’s “lessons” cost £300 – a review.\n\nSecond paragraph."
    );
}

#[test]
fn utf8_text_one_paragraph_per_line() {
    let got = extract(
        "First line.\nSecond line.\nPage 2 of 9\n".as_bytes(),
        &limits(),
    )
    .expect("text");
    assert_eq!(got.text, "First line.\n\nSecond line.");
}

#[test]
fn empty_input() {
    assert_err(extract(b"", &limits()), "Empty");
    assert_err(extract(b"  \r\n\t ", &limits()), "Empty");
}

#[test]
fn over_size_input() {
    let l = Limits {
        max_bytes: 1000,
        ..limits()
    };
    let msg = assert_err(extract(&[b'a'; 1001], &l), "TooLarge");
    assert!(msg.contains("1000"), "{msg}");
    assert!(extract(&[b'a'; 1000], &l).is_ok());
}

#[test]
fn random_bytes_are_unsupported() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    assert_err(extract(&bytes, &limits()), "Unsupported");
}

#[test]
fn executables_and_images_are_unsupported() {
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.extend_from_slice(&[0u8; 120]);
    let msg = assert_err(extract(&elf, &limits()), "Unsupported");
    assert!(msg.contains("executable"), "{msg}");
    let mut mz = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    mz.extend_from_slice(&[0u8; 120]);
    assert_err(extract(&mz, &limits()), "Unsupported");
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    let msg = assert_err(extract(png, &limits()), "Unsupported");
    assert!(msg.contains("image"), "{msg}");
    let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00";
    assert_err(extract(ole, &limits()), "Unsupported");
}

#[test]
fn text_with_nuls_or_controls_is_unsupported() {
    let msg = assert_err(extract(b"hello\x00world", &limits()), "Unsupported");
    assert!(msg.contains("not text"), "{msg}");
    let msg = assert_err(extract(b"hello \x1b[31m world", &limits()), "Unsupported");
    assert!(msg.contains("control"), "{msg}");
    // Tab, CR, LF and form feed are fine.
    assert!(extract(b"a\tb\r\nc\x0Cd", &limits()).is_ok());
}

#[test]
fn html_and_text_never_panic_on_odd_input() {
    let alphabet = [
        "<", ">", "p", "=", "\"", "'", "é", "&", "#", ";", "/", " ", "!--", "-->", "li", "ol",
        "nav", "script", "x", "amp", "\n", "€", "br", "-", "\u{AD}", "1.", "\u{C}",
    ];
    let mut x: u64 = 42;
    for _ in 0..2000 {
        let mut s = String::from("<html>");
        for _ in 0..40 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push_str(alphabet[(x % alphabet.len() as u64) as usize]);
        }
        let _ = extract(s.as_bytes(), &limits());
        let _ = extract(&s.as_bytes()[6..], &limits());
    }
}

// ---- Hostile structure: nesting, loops and blow-ups must be refused, never crash ----

#[test]
fn docx_nested_50k_deep_is_damaged_not_a_crash() {
    let depth = 50_000;
    let doc = format!(
        r#"<w:document xmlns:w="{W_NS}"><w:body><w:p>{}<w:t>deep</w:t>{}</w:p></w:body></w:document>"#,
        "<w:r>".repeat(depth),
        "</w:r>".repeat(depth)
    );
    assert!(doc.len() > 500_000);
    let msg = assert_err(extract(&docx(&doc, None), &limits()), "Damaged");
    assert!(msg.contains("nested too deeply"), "{msg}");
    // Unknown (non-Word) elements are walked too.
    let doc = format!(
        r#"<w:document xmlns:w="{W_NS}" xmlns:x="urn:x"><w:body><w:p>{}{}</w:p></w:body></w:document>"#,
        "<x:a>".repeat(depth),
        "</x:a>".repeat(depth)
    );
    assert_err(extract(&docx(&doc, None), &limits()), "Damaged");
}

#[test]
fn docx_nested_within_limit_is_read() {
    let depth = 200;
    let doc = format!(
        r#"<w:document xmlns:w="{W_NS}"><w:body><w:p>{}<w:t>Deep text.</w:t>{}</w:p></w:body></w:document>"#,
        "<w:r>".repeat(depth),
        "</w:r>".repeat(depth)
    );
    let got = extract(&docx(&doc, None), &limits()).expect("a sound DOCX");
    assert_eq!(got.text, "Deep text.");
}

#[test]
fn docx_document_xml_over_20_mb_is_refused() {
    // Under the overall 200 MB budget, over the 20 MB cap for document.xml.
    let filler = " ".repeat(21 << 20);
    let doc = format!(
        r#"<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{filler}</w:t></w:r></w:p></w:body></w:document>"#
    );
    let msg = assert_err(extract(&docx(&doc, None), &limits()), "TooLarge");
    assert!(msg.contains("20 MB"), "{msg}");
}

#[test]
fn docx_with_too_many_parts_is_refused() {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", opts)
        .expect("zip entry");
    zip.write_all(format!(r#"<w:document xmlns:w="{W_NS}"><w:body/></w:document>"#).as_bytes())
        .expect("zip write");
    for i in 0..10_001 {
        zip.start_file(format!("word/media/image{i}.png"), opts)
            .expect("zip entry");
    }
    let bytes = zip.finish().expect("zip finish").into_inner();
    let msg = assert_err(extract(&bytes, &limits()), "TooLarge");
    assert!(msg.contains("parts"), "{msg}");
}

/// A one-page PDF (lopdf's writer) whose page draws `/X0`. `forms` lists the Form
/// XObjects `X0, X1, ...`: each one's content, and whether it carries its own
/// `/Resources` (the page's resources dictionary itself, shared, as some producers
/// write it) or inherits the resources it is drawn with.
fn form_pdf(forms: &[(String, bool)]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let resources_id = doc.new_object_id();
    let form_ids: Vec<_> = forms.iter().map(|_| doc.new_object_id()).collect();
    let mut font = Dictionary::new();
    font.set("Type", name("Font"));
    font.set("Subtype", name("Type1"));
    font.set("BaseFont", name("Helvetica"));
    font.set("Encoding", name("WinAnsiEncoding"));
    let font_id = doc.add_object(font);
    let mut fonts = Dictionary::new();
    fonts.set("F1", font_id);
    let mut xobjects = Dictionary::new();
    for (i, id) in form_ids.iter().enumerate() {
        xobjects.set(format!("X{i}").as_bytes(), *id);
    }
    let mut resources = Dictionary::new();
    resources.set("Font", fonts);
    resources.set("XObject", xobjects);
    doc.objects
        .insert(resources_id, Object::Dictionary(resources));
    for ((content, own_resources), id) in forms.iter().zip(&form_ids) {
        let mut dict = Dictionary::new();
        dict.set("Type", name("XObject"));
        dict.set("Subtype", name("Form"));
        dict.set("BBox", vec![0.into(), 0.into(), 595.into(), 842.into()]);
        if *own_resources {
            dict.set("Resources", resources_id);
        }
        doc.objects.insert(
            *id,
            Object::Stream(Stream::new(dict, content.clone().into_bytes())),
        );
    }
    let content_id = doc.add_object(Stream::new(Dictionary::new(), b"/X0 Do\n".to_vec()));
    let mut page = Dictionary::new();
    page.set("Type", name("Page"));
    page.set("Parent", pages_id);
    page.set("Contents", content_id);
    page.set("Resources", resources_id);
    page.set("MediaBox", vec![0.into(), 0.into(), 595.into(), 842.into()]);
    let page_id = doc.add_object(page);
    let mut pages_dict = Dictionary::new();
    pages_dict.set("Type", name("Pages"));
    pages_dict.set("Count", 1);
    pages_dict.set("Kids", vec![Object::from(page_id)]);
    doc.objects.insert(pages_id, Object::Dictionary(pages_dict));
    let mut catalog = Dictionary::new();
    catalog.set("Type", name("Catalog"));
    catalog.set("Pages", pages_id);
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("lopdf writes the test PDF");
    out
}

const FORM_TEXT: &str = "BT /F1 11 Tf 72 770 Td (Drawn by a form.) Tj ET\n";

#[test]
fn pdf_form_that_draws_itself_is_damaged_not_a_crash() {
    // With its own resources (shared with the page) ...
    let pdf = form_pdf(&[(format!("{FORM_TEXT}/X0 Do\n"), true)]);
    let msg = assert_err(extract(&pdf, &limits()), "Damaged");
    assert!(msg.contains("draws itself"), "{msg}");
    // ... inheriting the page's resources ...
    let pdf = form_pdf(&[(format!("{FORM_TEXT}/X0 Do\n"), false)]);
    assert_err(extract(&pdf, &limits()), "Damaged");
    // ... and through another form.
    let pdf = form_pdf(&[
        ("/X1 Do\n".to_string(), false),
        ("/X0 Do\n".to_string(), true),
    ]);
    let msg = assert_err(extract(&pdf, &limits()), "Damaged");
    assert!(msg.contains("draws itself"), "{msg}");
}

#[test]
fn pdf_forms_nested_too_deep_are_damaged() {
    let mut forms: Vec<(String, bool)> = (1..25).map(|i| (format!("/X{i} Do\n"), true)).collect();
    forms.push((FORM_TEXT.to_string(), true));
    let msg = assert_err(extract(&form_pdf(&forms), &limits()), "Damaged");
    assert!(msg.contains("nested more than 20"), "{msg}");
}

#[test]
fn pdf_forms_drawn_exponentially_often_are_damaged_quickly() {
    // Each form draws the next three times: 3^15 drawings, nested 16 deep.
    let mut forms: Vec<(String, bool)> = (1..16)
        .map(|i| (format!("/X{i} Do /X{i} Do /X{i} Do\n"), true))
        .collect();
    forms.push((FORM_TEXT.to_string(), true));
    let start = std::time::Instant::now();
    let msg = assert_err(extract(&form_pdf(&forms), &limits()), "Damaged");
    assert!(msg.contains("embedded drawings"), "{msg}");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn pdf_nested_forms_within_limits_are_read() {
    // Forms sharing the page's resources dictionary (which lists them) are not loops.
    let mut forms: Vec<(String, bool)> = (1..5)
        .map(|i| (format!("/X{i} Do\n"), i % 2 == 0))
        .collect();
    forms.push((FORM_TEXT.to_string(), true));
    let got = extract(&form_pdf(&forms), &limits()).expect("a sound PDF");
    assert_eq!(got.text, "Drawn by a form.");
    // Drawn twice, by two forms: not a loop.
    let got = extract(
        &form_pdf(&[
            ("/X1 Do /X2 Do\n".to_string(), true),
            ("/X2 Do\n".to_string(), true),
            (FORM_TEXT.to_string(), true),
        ]),
        &limits(),
    )
    .expect("a sound PDF");
    assert!(got.text.contains("Drawn by a form."), "{:?}", got.text);
}

#[test]
fn pdf_page_whose_parent_loops_is_damaged() {
    // The page's /Parent is the page itself, and it has no /Resources of its own:
    // pdf-extract would look for inherited resources forever.
    let content = "BT /F2 10 Tf 50 740 Td (Hello) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>".to_string(),
        "<< /Type /Page /Parent 3 0 R /Contents 4 0 R >>".to_string(),
        format!(
            "<< /Length {} >>\nstream\n{}\nendstream",
            content.len(),
            content
        ),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, body).as_bytes());
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
    let msg = assert_err(extract(&out, &limits()), "Damaged");
    assert!(msg.contains("loops"), "{msg}");
}

fn html_page(body: &str) -> Vec<u8> {
    format!("<!DOCTYPE html><html><body>{body}<p>The end.</p></body></html>").into_bytes()
}

#[test]
fn html_deep_nesting_is_linear() {
    // Each of these took quadratic time (a million-tag stack scanned per tag).
    let n = 2 << 20;
    let cases = [
        "<b>".repeat(n / 3),
        "<div>".repeat(n / 5),
        format!("<b>{}", "<i>x".repeat(n / 4)),
        format!("{}{}", "<b>".repeat(500), "</i>".repeat(n / 4)),
        format!("<table>{}{}", "<b>".repeat(500), "<td></td>".repeat(n / 9)),
        format!("<ul>{}{}", "<b>".repeat(500), "<li>x</li>".repeat(n / 10)),
        format!("{}x", "<nav>".repeat(n / 5)),
    ];
    for html in &cases {
        let bytes = html_page(html);
        assert_eq!(sniff(&bytes).ok(), Some(Format::Html));
        let start = std::time::Instant::now();
        let got = extract(&bytes, &limits()).expect("HTML");
        eprintln!("{} bytes in {:?}", bytes.len(), start.elapsed());
        assert!(!got.text.contains('<'));
    }
}

#[test]
fn html_structure_survives_nesting_past_the_depth_cap() {
    let depth = 600;
    let html = format!(
        "{}<p>Deep paragraph.</p><nav>menu</nav>{}<p>After.</p><nav>menu</nav>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let got = extract(&html_page(&html), &limits()).expect("HTML");
    assert_eq!(got.text, "Deep paragraph.\n\nAfter.\n\nThe end.");
}

/// A DOCX table is read in its place as rows of cells: a cell's paragraphs (and a table
/// nested in it) joined by spaces, empty rows skipped; a one-column table is a layout box
/// whose cells are paragraphs.
#[test]
fn docx_tables_are_rows_of_cells() {
    let cell = |texts: &[&str]| {
        let ps: String = texts
            .iter()
            .map(|t| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>"))
            .collect();
        format!("<w:tc>{ps}</w:tc>")
    };
    let doc = format!(
        r#"<w:document xmlns:w="{W_NS}"><w:body>
<w:p><w:r><w:t>Recommendations</w:t></w:r></w:p>
<w:tbl><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr>
<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>
<w:tr>{}<w:tc><w:p><w:r><w:t>Audit | report.</w:t></w:r></w:p><w:tbl><w:tr>{}</w:tr></w:tbl></w:tc>{}</w:tr></w:tbl>
<w:tbl><w:tr>{}</w:tr><w:tr>{}</w:tr></w:tbl>
<w:p><w:r><w:t>After.</w:t></w:r></w:p>
</w:body></w:document>"#,
        cell(&["No."]),
        cell(&["Recommendation"]),
        cell(&["Agency"]),
        cell(&["1"]),
        cell(&["The police should record", "every child present."]),
        cell(&["Police"]),
        cell(&["2"]),
        cell(&["Schools should escalate."]),
        cell(&["Schools"]),
        cell(&["3"]),
        cell(&["nested"]),
        cell(&["LSCB"]),
        cell(&["A boxed note."]),
        cell(&["Another note."]),
    );
    let got = extract(&docx(&doc, None), &limits()).expect("a sound DOCX");
    assert_eq!(
        got.text,
        "Recommendations\n\nNo. | Recommendation | Agency\n1 | The police should record every child present. | Police\n2 | Schools should escalate. | Schools\n3 | Audit / report. nested | LSCB\n\nA boxed note.\n\nAnother note.\n\nAfter."
    );
}

/// An HTML table is one paragraph, a line per row, cells separated by " | "; blocks
/// inside a cell are spaces.
#[test]
fn html_tables_are_rows_of_cells() {
    let html = "<html><body><h2>Recommendations</h2><table><caption>Table 1</caption>\
        <thead><tr><th>No.</th><th>Recommendation</th><th>Agency</th></tr></thead><tbody>\
        <tr><td>1</td><td><p>The police should record</p><p>every child present.</p></td><td>Police</td></tr>\
        <tr><td>2<td>Schools should escalate.<td>Schools</tr></tbody></table><p>After.</p></body></html>";
    let got = extract(html.as_bytes(), &limits()).expect("HTML");
    assert_eq!(
        got.text,
        "Recommendations\n\nTable 1\n\nNo. | Recommendation | Agency\n1 | The police should record every child present. | Police\n2 | Schools should escalate. | Schools\n\nAfter."
    );
}
