//! Citing a public review: a suggested citation in words (shown on its page) and the
//! same record as RIS and BibTeX (`GET /api/v1/reviews/{id}/cite`, and each review of an
//! export in those formats), for reference managers. The review's permalink is its page,
//! `/reviews/{id}`.

use lessons_model::{FieldError, Review};
use time::Date;

/// The repository's name as it appears in citations.
pub const REPOSITORY_NAME: &str = "Lessons: national repository of serious case review lessons";

/// What a citation says about one review: from a [`Review`], or from an export row
/// when a whole result set is cited.
pub struct Citable<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub board_name: &'a str,
    pub year: Option<i32>,
    pub published_on: Option<&'a str>,
    /// Subject keywords: the review's themes, then its free keywords.
    pub keywords: Vec<&'a str>,
    /// The review's permalink (absolute URL).
    pub url: &'a str,
    pub accessed: Date,
}

impl<'a> Citable<'a> {
    pub fn of_review(review: &'a Review, board_name: &'a str, url: &'a str) -> Citable<'a> {
        Citable {
            id: &review.id,
            title: &review.title,
            board_name,
            year: review.year(),
            published_on: review.published_on.as_deref(),
            keywords: review
                .themes
                .iter()
                .chain(&review.keywords)
                .map(String::as_str)
                .collect(),
            url,
            accessed: lessons_model::dates::today(),
        }
    }
}

/// "Board (year) Title. Repository. URL (accessed 26 November 2026)."
pub fn suggested(cite: &Citable) -> String {
    let year = cite
        .year
        .map(|y| y.to_string())
        .unwrap_or_else(|| "n.d.".into());
    format!(
        "{} ({year}) {}. {REPOSITORY_NAME}. {} (accessed {}).",
        cite.board_name,
        cite.title,
        cite.url,
        long_date(cite.accessed)
    )
}

/// The review as one RIS record (type REPORT).
pub fn ris(cite: &Citable) -> String {
    let mut lines = vec![
        "TY  - RPRT".to_string(),
        format!("TI  - {}", one_line(cite.title)),
        format!("AU  - {}", one_line(cite.board_name)),
    ];
    if let Some(year) = cite.year {
        lines.push(format!("PY  - {year}"));
    }
    if let Some(published) = cite.published_on {
        lines.push(format!("DA  - {}", published.replace('-', "/")));
    }
    lines.push(format!("PB  - {}", one_line(cite.board_name)));
    lines.push(format!("DB  - {REPOSITORY_NAME}"));
    lines.push(format!("UR  - {}", cite.url));
    lines.push(format!("Y2  - {}", cite.accessed));
    lines.push(format!("ID  - {}", cite.id));
    for keyword in &cite.keywords {
        lines.push(format!("KW  - {}", one_line(keyword)));
    }
    lines.push("ER  - ".to_string());
    lines.join("\r\n") + "\r\n"
}

/// The review as one BibTeX `@techreport` entry, keyed by its id.
pub fn bibtex(cite: &Citable) -> String {
    let mut fields = vec![
        ("title", format!("{{{}}}", bib_escape(cite.title))),
        ("author", format!("{{{}}}", bib_escape(cite.board_name))),
        (
            "institution",
            format!("{{{}}}", bib_escape(cite.board_name)),
        ),
        (
            "type",
            "{Serious case review executive summary}".to_string(),
        ),
        (
            "howpublished",
            format!("{{{}}}", bib_escape(REPOSITORY_NAME)),
        ),
        ("url", format!("{{{}}}", cite.url)),
        ("urldate", format!("{{{}}}", cite.accessed)),
    ];
    if let Some(year) = cite.year {
        fields.insert(2, ("year", format!("{{{year}}}")));
    }
    let body: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("  {name} = {value}"))
        .collect();
    format!("@techreport{{{},\n{}\n}}\n", cite.id, body.join(",\n"))
}

/// The formats a single review is cited in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiteFormat {
    Ris,
    Bibtex,
}

impl CiteFormat {
    /// Reads the parameters of `GET /api/v1/reviews/{id}/cite`: `format=ris` (the
    /// default) or `format=bibtex`, and nothing else.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<CiteFormat, FieldError> {
        let format = match pairs {
            [] => "ris",
            [(key, value)] if key == "format" => value.as_str(),
            _ => {
                return Err(field_error(
                    "format",
                    "the only parameter is format=ris or format=bibtex".into(),
                ))
            }
        };
        match format {
            "ris" => Ok(CiteFormat::Ris),
            "bibtex" => Ok(CiteFormat::Bibtex),
            other => Err(field_error(
                "format",
                format!("unknown value {other:?}: use ris or bibtex"),
            )),
        }
    }

    /// The record, its media type and its file extension.
    pub fn encode(self, cite: &Citable) -> (String, &'static str, &'static str) {
        match self {
            CiteFormat::Ris => (ris(cite), "application/x-research-info-systems", "ris"),
            CiteFormat::Bibtex => (bibtex(cite), "application/x-bibtex; charset=utf-8", "bib"),
        }
    }
}

fn field_error(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_string(),
        message,
        allowed: None,
    }
}

fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes BibTeX's special characters in a braced value.
fn bib_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        match c {
            '{' | '}' | '\\' => {}
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review() -> Review {
        Review {
            id: "scr-2009-barsetshire-0001".into(),
            title: "Serious Case Review: Child {S} & 100% of\nagencies".into(),
            published_on: Some("2009-03-01".into()),
            themes: vec!["neglect".into()],
            ..Review::default()
        }
    }

    fn cite(review: &Review) -> Citable<'_> {
        Citable {
            accessed: time::macros::date!(2026 - 11 - 26),
            ..Citable::of_review(
                review,
                "Barsetshire LSCB",
                "http://example.org/reviews/scr-2009-barsetshire-0001",
            )
        }
    }

    #[test]
    fn ris_is_one_record_with_crlf_lines() {
        let review = review();
        let text = ris(&cite(&review));
        assert!(text.starts_with("TY  - RPRT\r\n") && text.ends_with("ER  - \r\n"));
        assert!(text.contains("TI  - Serious Case Review: Child {S} & 100% of agencies\r\n"));
        assert!(text.contains("DA  - 2009/03/01\r\n") && text.contains("KW  - neglect\r\n"));
        assert_eq!(text.matches("TY  -").count(), 1);
    }

    #[test]
    fn bibtex_escapes_and_keeps_braces_balanced() {
        let review = review();
        let text = bibtex(&cite(&review));
        assert!(text.starts_with("@techreport{scr-2009-barsetshire-0001,\n"));
        assert!(text.contains("title = {Serious Case Review: Child S \\& 100\\% of agencies}"));
        assert_eq!(text.matches('{').count(), text.matches('}').count());
    }

    #[test]
    fn suggested_citation_reads_as_a_sentence() {
        let review = review();
        let text = suggested(&cite(&review));
        assert!(
            text.starts_with("Barsetshire LSCB (2009) Serious Case Review"),
            "{text}"
        );
        assert!(text.ends_with("(accessed 26 November 2026)."), "{text}");
    }
}
