//! Depositing files through `multipart/form-data`: text (Windows-1252), HTML and PDF
//! deposit as drafts with their text, suggested findings and anonymisation warnings;
//! every bad input is refused with its status and a JSON body, and stores nothing.

use serde_json::{json, Value};

use crate::support::{
    add_barsetshire, board_server, temp_data, user_with_token, BoardServer, Server,
};

const BOUNDARY: &str = "lessons-test-boundary-7e3f";

/// A multipart body: the metadata part, then each `(filename, document_type, bytes)`.
pub fn multipart(metadata: Option<&Value>, files: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(metadata) = metadata {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{metadata}\r\n").as_bytes());
    }
    for (filename, document_type, bytes) in files {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
        if let Some(kind) = document_type {
            body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\n{kind}\r\n").as_bytes());
        }
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn metadata(word: &str) -> Value {
    json!({ "title": format!("Serious Case Review: Child {word}"), "board": "barsetshire", "incident": "death",
            "child": { "age_band": "under_1", "sex": "male" }, "pseudonyms": ["Child M"] })
}

/// A one-page PDF with `lines` of text, cross-reference offsets computed.
fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 72 760 Td 14 TL\n");
    for line in lines {
        content.push_str(&format!(
            "({}) Tj T*\n",
            line.replace('(', "\\(").replace(')', "\\)")
        ));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Deposits a multipart body: status and JSON.
pub fn post(server: &Server, token: &str, body: &[u8]) -> (u16, Value) {
    let (status, text) = server.send_raw(
        "POST",
        "/api/v1/reviews",
        token,
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        body,
    );
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, value)
}

const SUMMARY_1252: &[u8] = b"Executive summary\r\n\r\nChild M lived with his mother at 14 Acacia Road, Barchester BA1 2XY. Mrs Eleanor Bold said \x93he was fine\x94. The family owed \xa3300 in rent.\r\n\r\nLessons learned\r\n\r\n1. Health visitors should ask who lives in the household at every contact and record any new adult.\r\n\r\n2. All agencies should share concerns about bruising in a baby who is not yet mobile with children's social care on the same day.\r\n\r\nRecommendations\r\n\r\n1. The Board should publish a protocol for bruising in non-mobile babies for every agency.\r\n\r\n2. The GP practice should record the names of adults who bring a baby to appointments.\r\n";

#[test]
fn documents_deposit_as_drafts_with_text_suggestions_and_warnings() {
    let BoardServer {
        dir: _dir,
        data: _,
        token,
        server,
    } = board_server();

    let (status, review) = post(
        &server,
        &token,
        &multipart(Some(&metadata("M")), &[("child-m.txt", None, SUMMARY_1252)]),
    );
    assert_eq!(status, 201, "{review}");
    assert_eq!(review["status"], "draft");
    let summary = review["summary"].as_str().unwrap();
    assert!(
        summary.contains("\u{201c}he was fine\u{201d}") && summary.contains("£300"),
        "Windows-1252 decoded: {summary}"
    );
    let lessons = review["lessons"].as_array().unwrap();
    assert_eq!(lessons.len(), 4, "{lessons:?}");
    assert!(lessons.iter().all(|l| l["suggested"] == true));
    assert!(
        lessons
            .iter()
            .any(|l| l["kind"] == "recommendation"
                && l["text"].as_str().unwrap().contains("protocol"))
    );
    let codes: Vec<&str> = review["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    for code in ["address", "postcode", "possible_name"] {
        assert!(codes.contains(&code), "{code} not in {codes:?}");
    }
    assert!(review["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| !w["excerpt"].as_str().unwrap().is_empty()));
    let file = &review["files"][0];
    assert_eq!(
        (file["media_type"].as_str(), file["filename"].as_str()),
        (Some("text/plain"), Some("child-m.txt"))
    );
    let path = format!("/api/v1/reviews/{}", review["id"].as_str().unwrap());

    // The original comes back byte for byte, to its board only while a draft.
    let original = ureq::get(&server.url(&format!("{path}/file")))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .expect("200");
    assert!(original
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));
    // The type sniffed from the bytes, not the one the client sent (octet-stream).
    assert_eq!(original.content_type(), "text/plain");
    assert_eq!(original.header("x-content-type-options"), Some("nosniff"));
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut original.into_reader(), &mut bytes).unwrap();
    assert_eq!(bytes, SUMMARY_1252);
    assert_eq!(
        server.send("GET", &format!("{path}/file"), None, None).0,
        404
    );

    // Suggestions must be confirmed before publication.
    assert_eq!(
        server
            .send(
                "POST",
                &format!("{path}/publish"),
                Some(&token),
                Some(&json!({"anonymisation_checked": true}))
            )
            .0,
        422
    );
    let mut confirmed = review.clone();
    for lesson in confirmed["lessons"].as_array_mut().unwrap() {
        lesson["suggested"] = json!(false);
    }
    confirmed.as_object_mut().unwrap().remove("warnings");
    assert_eq!(
        server.send("PUT", &path, Some(&token), Some(&confirmed)).0,
        200
    );
    assert_eq!(
        server
            .send(
                "POST",
                &format!("{path}/publish"),
                Some(&token),
                Some(&json!({"anonymisation_checked": true}))
            )
            .0,
        200
    );
    // Published without marking the file public: it stays private (see private_files.rs).
    assert_eq!(server.get(&format!("{path}/file")).0, 404);

    let html = b"<!doctype html><html><body><nav>Home &gt; Reviews</nav><main><h1>Child P</h1><p>Teachers saw the child hungry &amp; tired.</p><h2>Recommendations</h2><ol><li>The school should refer persistent hunger to children's social care.</li><li>All agencies should record the child's own words in every assessment.</li></ol></main><footer>Copyright Board</footer></body></html>";
    let (status, review) = post(
        &server,
        &token,
        &multipart(
            Some(&metadata("P")),
            &[("child-p.html", Some("executive_summary"), html)],
        ),
    );
    assert_eq!(status, 201, "{review}");
    let summary = review["summary"].as_str().unwrap();
    assert!(
        summary.contains("hungry & tired")
            && !summary.contains("Home >")
            && !summary.contains("Copyright"),
        "{summary}"
    );
    assert_eq!(review["lessons"].as_array().unwrap().len(), 2);

    let document = pdf(&[
        "Executive summary",
        "Child R was seen by the health visitor.",
        "Recommendations",
        "1. The health visiting service should ask who lives in the household.",
        "2. All agencies should share chronologies at every strategy discussion.",
    ]);
    let (status, review) = post(
        &server,
        &token,
        &multipart(Some(&metadata("R")), &[("child-r.pdf", None, &document)]),
    );
    assert_eq!(status, 201, "{review}");
    assert!(review["summary"]
        .as_str()
        .unwrap()
        .contains("health visitor"));
    assert_eq!(review["files"][0]["media_type"], "application/pdf");
    assert_eq!(
        review["lessons"].as_array().unwrap().len(),
        2,
        "{}",
        review["lessons"]
    );
}

#[test]
fn bad_uploads_are_refused_with_their_status_and_store_nothing() {
    let BoardServer {
        dir: _dir,
        data: _,
        token,
        server,
    } = board_server();
    let meta = metadata("Q");
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let good_pdf = pdf(&["Executive summary", "A sound document."]);
    let truncated = &good_pdf[..good_pdf.len() / 2];
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.extend(vec![0u8; 200]);
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        (
            "random bytes",
            multipart(Some(&meta), &[("x.pdf", None, &random)]),
            415,
        ),
        (
            "an executable",
            multipart(Some(&meta), &[("report.docx", None, &elf)]),
            415,
        ),
        (
            "an empty file",
            multipart(Some(&meta), &[("empty.txt", None, b"")]),
            422,
        ),
        (
            "a truncated PDF",
            multipart(Some(&meta), &[("cut.pdf", None, truncated)]),
            422,
        ),
        (
            "text with NULs",
            multipart(Some(&meta), &[("nul.txt", None, b"some\x00text\x00here")]),
            415,
        ),
        (
            "an unknown document type",
            multipart(Some(&meta), &[("es.txt", Some("minutes"), SUMMARY_1252)]),
            422,
        ),
        (
            "no metadata",
            multipart(None, &[("es.txt", None, SUMMARY_1252)]),
            422,
        ),
        ("no file", multipart(Some(&meta), &[]), 422),
        (
            "an unknown theme",
            multipart(
                Some(
                    &json!({"title": "x", "board": "barsetshire", "incident": "death", "themes": ["negelct"]}),
                ),
                &[("es.txt", None, SUMMARY_1252)],
            ),
            422,
        ),
    ];
    for (what, body, expected) in cases {
        let (status, answer) = post(&server, &token, &body);
        assert_eq!(status, expected, "{what}: {answer}");
        assert!(answer["error"]["message"].is_string(), "{what}: {answer}");
    }
    let (status, answer) = post(
        &server,
        &token,
        &multipart(Some(&meta), &[("cut.pdf", None, truncated)]),
    );
    assert_eq!(status, 422);
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("damaged") && !message.contains("scanned"),
        "{message}"
    );

    // Nothing was stored: the first accepted deposit is the board's number 0001.
    let (status, first) = post(
        &server,
        &token,
        &multipart(Some(&meta), &[("es.txt", None, SUMMARY_1252)]),
    );
    assert_eq!(status, 201, "{first}");
    assert!(first["id"].as_str().unwrap().ends_with("-0001"));
    let (status, duplicate) = post(
        &server,
        &token,
        &multipart(Some(&metadata("S")), &[("copy.txt", None, SUMMARY_1252)]),
    );
    assert_eq!(status, 409);
    assert!(duplicate["error"]["message"]
        .as_str()
        .unwrap()
        .contains(first["id"].as_str().unwrap()));
    let (status, second) = post(
        &server,
        &token,
        &multipart(Some(&metadata("S")), &[("es.pdf", None, &good_pdf)]),
    );
    assert_eq!(status, 201);
    assert!(second["id"].as_str().unwrap().ends_with("-0002"));
}

#[test]
fn uploads_over_the_limit_get_413() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let token = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let server = Server::start_with(&data, &["--max-upload-mb", "1"]);
    let big = vec![b'a'; 1_200_000];
    let (status, answer) = post(
        &server,
        &token,
        &multipart(Some(&metadata("T")), &[("big.txt", None, &big)]),
    );
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["error"]["code"], "payload_too_large");
}

#[test]
fn documents_from_other_producers_give_their_items_as_suggestions() {
    let BoardServer {
        dir: _dir,
        data: _,
        token,
        server,
    } = board_server();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e/fixtures");
    for (file, media_type) in [
        ("baby-h-fpdf2.pdf", "application/pdf"),
        ("child-j-libreoffice.pdf", "application/pdf"),
        (
            "child-j-python-docx.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ] {
        let bytes = std::fs::read(fixtures.join(file)).unwrap();
        let (status, review) = post(
            &server,
            &token,
            &multipart(Some(&metadata(file)), &[(file, None, &bytes)]),
        );
        assert_eq!(status, 201, "{file}: {review}");
        assert_eq!(review["files"][0]["media_type"], media_type);
        let summary = review["summary"].as_str().unwrap();
        assert!(
            summary.contains("Health visitors should see every baby at home"),
            "{file}: {summary}"
        );
        assert!(
            !summary.contains("Page 1 of"),
            "{file}: page footers are dropped"
        );
        let lessons = review["lessons"].as_array().unwrap();
        let recommendations = lessons
            .iter()
            .filter(|l| l["kind"] == "recommendation")
            .count();
        assert_eq!(recommendations, 6, "{file}: {lessons:?}");
        assert!(lessons.iter().any(|l| l["level"] == "inter_agency"
            && l["text"]
                .as_str()
                .unwrap()
                .starts_with("All agencies should follow")));
        assert!(lessons.iter().any(|l| l["agency"] == "general_practice"
            && l["text"]
                .as_str()
                .unwrap()
                .starts_with("The GP practice should code")));
    }
}

/// A PDF whose trailer says it is encrypted (a password we do not have).
fn encrypted_pdf() -> Vec<u8> {
    let plain = pdf(&["Secret"]);
    let text = String::from_utf8_lossy(&plain).into_owned();
    let text = text.replace(
        "/Root 1 0 R >>",
        "/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <6E1C4A2B9F0D3E5A7C8B1D2E3F405162738495A6B7C8D9EAFB0C1D2E3F405161> /U <0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9> >> /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>",
    );
    text.into_bytes()
}

/// A DOCX-looking zip whose document.xml expands to far more than it weighs.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn damaged_protected_empty_and_bomb_documents_over_http() {
    let BoardServer {
        dir: _dir,
        data,
        token,
        server,
    } = board_server();
    let meta = metadata("V");

    let (status, body) = post(
        &server,
        &token,
        &multipart(Some(&meta), &[("locked.pdf", None, &encrypted_pdf())]),
    );
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("password"),
        "{body}"
    );

    let bomb = zip_bomb();
    assert!(bomb.len() < 2_000_000, "the bomb is small: {}", bomb.len());
    let (status, body) = post(
        &server,
        &token,
        &multipart(Some(&meta), &[("bomb.docx", None, &bomb)]),
    );
    // Its document part would expand past the bound: too large, not damaged.
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large")),
        "{body}"
    );

    let mut bad_zip = b"PK\x03\x04".to_vec();
    bad_zip.extend(vec![7u8; 500]);
    let (status, body) = post(
        &server,
        &token,
        &multipart(Some(&meta), &[("broken.docx", None, &bad_zip)]),
    );
    // The bytes claim a zip and then break it: damaged (422), not another type (415).
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("damaged_file")),
        "{body}"
    );

    // Nothing was kept: no review, no file.
    let files = data.join("store").join("files");
    let kept = std::fs::read_dir(&files).map(|d| d.count()).unwrap_or(0);
    assert_eq!(kept, 0, "no original was kept after refusals");

    // A sound PDF with no text layer is accepted, with a warning and an empty summary.
    let (status, body) = post(
        &server,
        &token,
        &multipart(Some(&meta), &[("scan.pdf", None, &pdf(&[]))]),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["summary"], "");
    assert!(
        body["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "no_text"),
        "{body}"
    );
    let name = ureq::get(&server.url(&format!(
        "/api/v1/reviews/{}/file",
        body["id"].as_str().unwrap()
    )))
    .set("Authorization", &format!("Bearer {token}"))
    .call()
    .unwrap();
    // An attachment under its name (the other parameters are security.rs's).
    let disposition = name.header("content-disposition").unwrap_or_default();
    let (kind, parameters) = disposition.split_once(';').unwrap_or((disposition, ""));
    assert_eq!(kind, "attachment", "{disposition}");
    assert!(
        crate::security::parameters(parameters)
            .contains(&("filename".to_string(), "scan.pdf".to_string())),
        "{disposition}"
    );
}

#[test]
fn an_uploaded_original_survives_sigkill() {
    let BoardServer {
        dir: _dir,
        data,
        token,
        server,
    } = board_server();
    let (status, review) = post(
        &server,
        &token,
        &multipart(Some(&metadata("K")), &[("child-k.txt", None, SUMMARY_1252)]),
    );
    assert_eq!(status, 201);
    let path = format!("/api/v1/reviews/{}/file", review["id"].as_str().unwrap());
    server.kill();
    let server = Server::start(&data, false);
    let answer = ureq::get(&server.url(&path))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut answer.into_reader(), &mut bytes).unwrap();
    assert_eq!(bytes, SUMMARY_1252);
}

#[test]
fn a_page_without_readable_text_is_reported() {
    let BoardServer {
        dir: _dir,
        data: _,
        token,
        server,
    } = board_server();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e/fixtures");
    let bytes = std::fs::read(fixtures.join("child-q-libreoffice-html.pdf")).unwrap();
    let (status, review) = post(
        &server,
        &token,
        &multipart(Some(&metadata("Q")), &[("child-q.pdf", None, &bytes)]),
    );
    assert_eq!(status, 201, "{review}");
    let codes: Vec<&str> = review["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(codes.contains(&"pages_without_text"), "{codes:?}");
    assert_eq!(
        review["lessons"].as_array().unwrap().len(),
        5,
        "{}",
        review["lessons"]
    );
}
