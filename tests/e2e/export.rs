//! Exports of whole result sets: every format of `GET /api/v1/export`, read back by
//! Python's csv module and by pandas, against the search's totals and the codebook's
//! columns; the codebook; bad parameters; and `lessons export` on the command line.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::{query, run_cli, temp_data, Server};

/// Reads a CSV file with Python's csv module and with pandas; `None` when they are
/// missing outside CI.
fn read_with_python(csv: &[u8]) -> Option<Value> {
    let script = r#"
import csv, io, json, sys
import pandas
data = sys.stdin.buffer.read()
text = data.decode("utf-8-sig")
rows = list(csv.reader(io.StringIO(text, newline="")))
frame = pandas.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
print(json.dumps({
    "header": rows[0] if rows else [],
    "rows": len(rows) - 1,
    "widths": sorted({len(r) for r in rows}),
    "pandas_rows": int(frame.shape[0]),
    "pandas_columns": list(frame.columns),
    "ids": list(frame["id"]) if "id" in frame.columns else [],
    "themes": list(frame["themes"]) if "themes" in frame.columns else [],
}))
"#;
    let child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return skip_or_fail("python3 is not installed");
    };
    child.stdin.take()?.write_all(csv).ok()?;
    let output = child.wait_with_output().ok()?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("No module named 'pandas'") {
            return skip_or_fail("pandas is not installed (pip install pandas)");
        }
        panic!("Python could not read the export: {stderr}");
    }
    Some(serde_json::from_slice(&output.stdout).expect("the script's JSON"))
}

fn skip_or_fail(why: &str) -> Option<Value> {
    assert!(
        std::env::var_os("CI").is_none(),
        "the export test needs Python's pandas in CI: {why}"
    );
    eprintln!("\n*** PANDAS CHECK SKIPPED: {why} ***\n");
    None
}

/// GET `path` as bytes, with its status and content type.
fn fetch(server: &Server, path: &str) -> (u16, String, Vec<u8>) {
    let response = match ureq::get(&server.url(path)).call() {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("GET {path}: {error}"),
    };
    let status = response.status();
    let content_type = response.header("content-type").unwrap_or("").to_string();
    let mut body = Vec::new();
    response
        .into_reader()
        .read_to_end(&mut body)
        .expect("a body");
    (status, content_type, body)
}

fn codebook_names(server: &Server, view: &str) -> Vec<String> {
    let (status, book) = server.json("/api/v1/codebook");
    assert_eq!(status, 200);
    book["views"][view]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["name"].as_str().expect("a name").to_string())
        .collect()
}

#[test]
fn exports_match_search_totals_and_the_codebook_in_every_format() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data, true);
    let searches: [&[(&str, &str)]; 5] = [
        &[("q", "bruising")],
        &[("q", "bruising"), ("view", "lessons")],
        &[
            ("theme", "neglect"),
            ("year_from", "2008"),
            ("sort", "oldest"),
        ],
        &[
            ("view", "lessons"),
            ("level", "inter_agency"),
            ("review_agency", "police"),
        ],
        &[
            ("q", "\"was not brought\""),
            ("region", "london"),
            ("region", "north_west"),
        ],
    ];
    for params in searches {
        let view = params
            .iter()
            .find(|(k, _)| *k == "view")
            .map_or("reviews", |(_, v)| *v);
        let total = server.search(params)["total"].as_u64().expect("a total");
        let search = query(params);
        assert!(total > 0, "{search} finds nothing in the demo corpus");
        let columns = codebook_names(&server, view);

        let (status, content_type, csv) = fetch(&server, &format!("/api/v1/export?{search}"));
        assert_eq!(status, 200, "{search}");
        assert_eq!(content_type, "text/csv; charset=utf-8");
        if let Some(read) = read_with_python(&csv) {
            assert_eq!(read["rows"], total, "{search}: csv module rows");
            assert_eq!(read["pandas_rows"], total, "{search}: pandas rows");
            assert_eq!(read["header"], serde_json::json!(columns), "{search}");
            assert_eq!(read["pandas_columns"], serde_json::json!(columns));
            assert_eq!(read["widths"], serde_json::json!([columns.len()]));
        }

        let (_, _, json) = fetch(&server, &format!("/api/v1/export?{search}&format=json"));
        let json: Value = serde_json::from_slice(&json).expect("JSON export");
        assert_eq!(json["provenance"]["total"], total);
        assert!(json["provenance"]["generated_at"].is_string());
        assert_eq!(
            json["results"].as_array().map(Vec::len),
            Some(total as usize)
        );
        let keys: Vec<&String> = json["results"][0]
            .as_object()
            .expect("a row")
            .keys()
            .collect();
        assert_eq!(keys.len(), columns.len(), "{search}");

        let (_, content_type, ndjson) =
            fetch(&server, &format!("/api/v1/export?{search}&format=ndjson"));
        assert_eq!(content_type, "application/x-ndjson");
        let lines: Vec<Value> = String::from_utf8(ndjson)
            .expect("UTF-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect();
        assert_eq!(lines.len() as u64, total);
        assert_eq!(lines[0], json["results"][0], "NDJSON and JSON rows agree");
    }
}

#[test]
fn exports_cite_result_sets_and_check_their_parameters() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data, true);
    let reviews = server.search(&[("q", "bruising")])["total"]
        .as_u64()
        .unwrap();
    let (status, content_type, ris) = fetch(&server, "/api/v1/export?q=bruising&format=ris");
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/x-research-info-systems")
    );
    let ris = String::from_utf8(ris).unwrap();
    assert_eq!(ris.matches("TY  - RPRT").count() as u64, reviews);
    // The lessons view cites each review its findings come from, once.
    let (_, _, bib) = fetch(
        &server,
        "/api/v1/export?q=bruising&view=lessons&format=bibtex",
    );
    let bib = String::from_utf8(bib).unwrap();
    let keys: Vec<&str> = bib
        .lines()
        .filter_map(|l| l.strip_prefix("@techreport{"))
        .collect();
    let mut distinct = keys.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(keys.len(), distinct.len());
    assert!(!keys.is_empty() && keys.len() as u64 <= reviews);

    let (_, _, with_bom) = fetch(&server, "/api/v1/export?q=bruising&bom=1");
    assert!(with_bom.starts_with("\u{feff}rank,id,".as_bytes()));
    if let Some(read) = read_with_python(&with_bom) {
        assert_eq!(read["rows"], reviews);
        assert_eq!(read["header"][0], "rank");
    }

    // `bom` applies to CSV only and is ignored with the other formats.
    let (status, _, json_with_bom) = fetch(&server, "/api/v1/export?q=bruising&format=json&bom=1");
    assert_eq!(status, 200);
    assert_eq!(
        json_with_bom.first(),
        Some(&b'{'),
        "no byte-order mark in JSON"
    );

    for bad in [
        "format=xlsx",
        "page=2",
        "per_page=10",
        "bom=yes",
        "theme=not_a_theme",
        "year_from=nineteen",
        "colour=blue",
        "format=csv&format=json",
        "bom=1&bom=1",
    ] {
        let (status, body) = server.json(&format!("/api/v1/export?{bad}"));
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(body["error"]["details"][0]["field"].is_string(), "{body}");
    }
    let (status, _) = server.json("/api/v1/codebook?view=lessons");
    assert_eq!(status, 422);
    let (_, book) = server.json("/api/v1/codebook");
    assert_eq!(book["separator"], "; ");
    let themes = book["views"]["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "themes")
        .unwrap()
        .clone();
    assert_eq!(themes["type"], "list");
    assert!(themes["vocabulary"].as_array().unwrap().len() >= 40);
}

#[test]
fn the_command_line_writes_the_same_export() {
    let (dir, data) = temp_data();
    let server = Server::start(&data, true);
    let (_, _, expected) = fetch(
        &server,
        "/api/v1/export?q=neglect&view=lessons&format=ndjson",
    );
    let total = server.search(&[("q", "neglect"), ("view", "lessons")])["total"].clone();
    drop(server);
    let output = dir.path().join("neglect.ndjson");
    let run = run_cli(
        &data,
        &[
            "export",
            "q=neglect",
            "view=lessons",
            "--format",
            "ndjson",
            "--output",
            output.to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let written = std::fs::read_to_string(&output).unwrap();
    assert_eq!(written.lines().count() as u64, total.as_u64().unwrap());
    // Same rows as the API (whose permalinks name the server's own address).
    let strip = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| {
                let mut row: Value = serde_json::from_str(l).unwrap();
                row["permalink"] = Value::Null;
                row.to_string()
            })
            .collect()
    };
    assert_eq!(
        strip(&written),
        strip(&String::from_utf8(expected).unwrap())
    );

    let csv = dir.path().join("neglect.csv");
    let run = run_cli(
        &data,
        &[
            "export",
            "q=neglect",
            "--bom",
            "--output",
            csv.to_str().unwrap(),
        ],
    );
    assert!(run.status.success());
    assert!(std::fs::read(&csv)
        .unwrap()
        .starts_with("\u{feff}rank".as_bytes()));

    let refused = dir.path().join("refused.csv");
    for bad in [&["theme=nope"][..], &["q"][..], &["page=2"][..]] {
        let mut args = vec!["export"];
        args.extend_from_slice(bad);
        args.extend(["--output", refused.to_str().unwrap()]);
        let run = run_cli(&data, &args);
        assert!(!run.status.success(), "{bad:?}");
        assert!(String::from_utf8_lossy(&run.stderr).contains("error"));
        assert!(!refused.exists(), "a refused export leaves no file");
    }
}

#[test]
fn the_search_page_links_to_exports_of_the_whole_result_set() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data, true);
    let params = [
        ("q", "neglect"),
        ("view", "lessons"),
        ("level", "individual"),
    ];
    let total = server.search(&params)["total"].as_u64().unwrap();
    let (_, page) = server.get(&format!("/search?{}&page=2", query(&params)));
    let link = page
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/api/v1/export?") && href.contains("format=ndjson"))
        .expect("an NDJSON export link")
        .replace("&amp;", "&");
    assert!(!link.contains("page="), "{link}");
    let (status, _, body) = fetch(&server, &link);
    assert_eq!(status, 200, "{link}");
    assert_eq!(
        String::from_utf8(body).unwrap().lines().count() as u64,
        total
    );
}

/// The `filename` of an export's `Content-Disposition`.
fn export_file_name(server: &Server, params: &str) -> String {
    let response = ureq::get(&server.url(&format!("/api/v1/export?{params}")))
        .call()
        .expect("an export");
    let disposition = response
        .header("content-disposition")
        .unwrap_or("")
        .to_string();
    disposition
        .split("filename=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no file name in {disposition}"))
        .to_string()
}

#[test]
fn export_file_names_say_what_they_hold() {
    let server = crate::support::shared_demo();
    let day = time_today();
    let neglect = export_file_name(
        server,
        "view=lessons&theme=neglect&year_from=2008&year_to=2012&format=csv",
    );
    assert_eq!(neglect, format!("lessons-neglect-2008-2012-{day}.csv"));
    let police = export_file_name(server, "view=lessons&agency=police&format=csv");
    assert_eq!(police, format!("lessons-police-{day}.csv"));
    assert_ne!(neglect, police);
    assert_eq!(
        export_file_name(server, "format=json"),
        format!("reviews-{day}.json")
    );
    let words = export_file_name(server, "q=missed+appointments&format=ndjson");
    assert_eq!(words, format!("reviews-missed-appointments-{day}.ndjson"));
}

/// Today (UTC) as the server writes it, from the server's own answer.
fn time_today() -> String {
    let server = crate::support::shared_demo();
    let (_, body) = server.json("/api/v1/export?format=json&q=zzzznothing");
    body["provenance"]["generated_at"].as_str().expect("a time")[..10].to_string()
}
