//! Recommendations set out as a table ("No. | Recommendation | Agency") in documents laid
//! out by other producers' code: python-docx, LibreOffice's PDF export of that DOCX, and
//! an HTML table (`tests/fixtures/make_tables.py` made them). Each must give every row,
//! its text without the agency glued on, its agency from the agency column, and nothing
//! from the table's lead-in or the conclusion.

use lessons_ingest::{extract, suggest_lessons, Format, Limits};
use lessons_model::Lesson;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");

/// (text, level, agency) of the six rows, in order.
const ROWS: [(&str, &str, Option<&str>); 6] = [
    (
        "Agree a protocol for transferring cases when families move between areas.",
        "inter_agency",
        None,
    ),
    (
        "Ensure that a child who is not brought to two health reviews is seen at home within a month.",
        "individual",
        Some("health_visiting"),
    ),
    (
        "Record every child living at an address attended for a domestic incident.",
        "individual",
        Some("police"),
    ),
    (
        "Weigh and measure every child under five who is admitted, and refer faltering growth to the paediatric dietitian.",
        "individual",
        Some("acute_paediatrics"),
    ),
    (
        "Follow up every child removed from the practice list when the family moves without a forwarding address.",
        "individual",
        Some("general_practice"),
    ),
    (
        "Use the neglect toolkit when assessing any family with children under five.",
        "inter_agency",
        None,
    ),
];

fn suggestions(file: &str, format: Format) -> (String, Vec<Lesson>) {
    let bytes = std::fs::read(format!("{FIXTURES}{file}")).unwrap();
    let extracted = extract(&bytes, &Limits::default()).unwrap();
    assert_eq!(extracted.format, format);
    let lessons = suggest_lessons(&extracted.text);
    (extracted.text, lessons)
}

fn check(file: &str, format: Format) {
    let (text, lessons) = suggestions(file, format);
    let recommendations: Vec<&Lesson> = lessons
        .iter()
        .filter(|l| l.kind == "recommendation")
        .collect();
    let got: Vec<(&str, &str, Option<&str>)> = recommendations
        .iter()
        .map(|l| (l.text.as_str(), l.level.as_str(), l.agency.as_deref()))
        .collect();
    assert_eq!(got, ROWS, "{file}:\n{text}");
    let lessons_found: Vec<&str> = lessons
        .iter()
        .filter(|l| l.kind == "lesson")
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        lessons_found,
        [
            "Professionals did not share their concerns when the family moved to a new area.",
            "The health visitor did not see Child Z for eleven months and did not follow up the missed reviews.",
        ],
        "{file}"
    );
    for lesson in &lessons {
        assert!(
            !lesson.text.contains("following recommendations"),
            "{file}: lead-in suggested"
        );
        assert!(
            !lesson.text.contains("panel concluded"),
            "{file}: conclusion suggested"
        );
        assert!(lesson.suggested);
    }
    // The summary keeps the table as rows of cells, the header first.
    assert!(
        text.contains("No. | Recommendation | Agency\n1 | Agree a protocol"),
        "{file}:\n{text}"
    );
}

#[test]
fn docx_table_from_python_docx() {
    check("recs-table-python-docx.docx", Format::Docx);
}

#[test]
fn pdf_table_exported_by_libreoffice() {
    // LibreOffice splits the last row over a page break; the row is joined again.
    check("recs-table-libreoffice.pdf", Format::Pdf);
}

#[test]
fn html_table() {
    check("recs-table.html", Format::Html);
}

/// A table with no header: the longest cells are the findings, a column of agency names
/// the agency; an unknown organisation leaves the agency to the text.
#[test]
fn text_table_without_header() {
    let text = "Recommendations\n\n1 | The trust should audit discharge planning for babies. | Hospital trust\n2 | Officers should record every child present at an incident. | Police\n3 | Staff should attend the Board's training on neglect. | All agencies";
    let got: Vec<(String, Option<String>)> = suggest_lessons(text)
        .into_iter()
        .map(|l| (l.level, l.agency))
        .collect();
    assert_eq!(
        got,
        [
            (
                "individual".to_string(),
                Some("acute_paediatrics".to_string())
            ),
            ("individual".to_string(), Some("police".to_string())),
            ("inter_agency".to_string(), None),
        ]
    );
}

/// A text deposit with a Markdown table, hard-wrapped prose around it: the table's lines
/// stay together and its rows are the findings.
#[test]
fn markdown_table_in_a_text_file() {
    let text = "Recommendations\n\nThe panel makes the following\nrecommendations to the Board.\n\n| No. | Recommendation | Lead agency |\n|---|---|---|\n| 1 | CAMHS should see every child who self-harms within a week. | CAMHS |\n| 2 | Review the threshold document with every partner agency. | All agencies |\n\nConclusion\n\nThe panel concluded that the death could not have been predicted.\n";
    let extracted = extract(text.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(extracted.format, Format::Text);
    let got: Vec<(String, String, Option<String>)> = suggest_lessons(&extracted.text)
        .into_iter()
        .map(|l| (l.text, l.level, l.agency))
        .collect();
    assert_eq!(
        got,
        [
            (
                "CAMHS should see every child who self-harms within a week.".to_string(),
                "individual".to_string(),
                Some("camhs".to_string())
            ),
            (
                "Review the threshold document with every partner agency.".to_string(),
                "inter_agency".to_string(),
                None
            ),
        ],
        "{}",
        extracted.text
    );
}
