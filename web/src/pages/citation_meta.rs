//! Citation metadata in a public review's page head, for reference managers (Zotero
//! saves the page with one click), library tools and search engines: Highwire Press
//! `citation_*` tags, Dublin Core `DC.*` tags and a schema.org `Report` in JSON-LD. Every
//! value is the one the RIS and BibTeX records give (`formats::citation`): the title,
//! the board as author and publisher, the publication date, the permalink, the themes.

use lessons_model::{Review, Vocabulary};
use maud::{html, Markup, PreEscaped};
use serde_json::json;

use super::label;
use crate::formats::citation::REPOSITORY_NAME;

/// How much of the summary the JSON-LD `abstract` carries.
const ABSTRACT_CHARS: usize = 600;

/// The head elements of public review `review` at `permalink` (nothing for a review
/// the public cannot read: its page is its board's working copy).
pub fn citation_head(review: &Review, board_name: &str, permalink: &str) -> Markup {
    if !review.is_public_now() {
        return html! {};
    }
    let site = permalink
        .strip_suffix(&format!("/reviews/{}", review.id))
        .unwrap_or(permalink);
    let pdf = review
        .files
        .iter()
        .find(|f| f.public && f.media_type == "application/pdf")
        .map(|f| format!("{site}/api/v1/reviews/{}/files/{}", review.id, f.number));
    let date = review.published_on.clone();
    let year = review.year();
    let themes: Vec<String> = review
        .themes
        .iter()
        .map(|t| label(Vocabulary::Theme, t))
        .collect();
    html! {
        meta name="citation_title" content=(review.title);
        meta name="citation_author" content=(board_name);
        @if let Some(date) = &date { meta name="citation_publication_date" content=(date.replace('-', "/")); }
        @else if let Some(year) = year { meta name="citation_publication_date" content=(year); }
        meta name="citation_publisher" content=(board_name);
        meta name="citation_technical_report_institution" content=(board_name);
        meta name="citation_abstract_html_url" content=(permalink);
        @if let Some(pdf) = &pdf { meta name="citation_pdf_url" content=(pdf); }
        meta name="citation_language" content="en";
        @for theme in &themes { meta name="citation_keywords" content=(theme); }
        link rel="schema.DC" href="http://purl.org/dc/elements/1.1/";
        meta name="DC.title" content=(review.title);
        meta name="DC.creator" content=(board_name);
        meta name="DC.publisher" content=(board_name);
        @if let Some(date) = &date { meta name="DC.date" content=(date); }
        @else if let Some(year) = year { meta name="DC.date" content=(year); }
        meta name="DC.type" content="Text";
        meta name="DC.format" content="text/html";
        meta name="DC.identifier" content=(permalink);
        meta name="DC.language" content="en-GB";
        @for theme in &themes { meta name="DC.subject" content=(theme); }
        link rel="canonical" href=(permalink);
        script type="application/ld+json" { (PreEscaped(json_ld(review, board_name, permalink, date.as_deref().map(str::to_string).or(year.map(|y| y.to_string())), &themes, pdf.as_deref()))) }
    }
}

/// The schema.org `Report`, as JSON safe inside a `script` element.
fn json_ld(
    review: &Review,
    board_name: &str,
    permalink: &str,
    date: Option<String>,
    themes: &[String],
    pdf: Option<&str>,
) -> String {
    let board = json!({ "@type": "Organization", "name": board_name });
    let mut report = json!({
        "@context": "https://schema.org",
        "@type": "Report",
        "name": review.title,
        "headline": review.title,
        "author": board,
        "publisher": board,
        "url": permalink,
        "identifier": review.id,
        "inLanguage": "en-GB",
        "keywords": themes,
        "isPartOf": { "@type": "Collection", "name": REPOSITORY_NAME },
    });
    if let Some(date) = date {
        report["datePublished"] = json!(date);
    }
    let opening: String = review.summary.chars().take(ABSTRACT_CHARS).collect();
    if !opening.trim().is_empty() {
        report["abstract"] = json!(opening.trim());
    }
    if let Some(pdf) = pdf {
        report["encoding"] = json!({ "@type": "MediaObject", "contentUrl": pdf, "encodingFormat": "application/pdf" });
    }
    // Inside a script element "</script" would end it and "<!--" change how it is read:
    // '<', '>' and '&' (which JSON has only inside strings) go out as \u escapes, the
    // same JSON strings.
    report
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
