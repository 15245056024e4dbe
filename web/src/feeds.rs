//! `GET /feeds/reviews.atom?<search parameters>`: an Atom 1.0 feed of the newest public
//! reviews matching a search, so that a practitioner can be told when a review on their
//! theme is published. Entries are the search's hits, newest first.

use actix_web::{HttpRequest, HttpResponse};
use lessons_index::{Hit, SearchRequest, Sort, View};

use crate::formats::xml::escape;
use crate::http::blocking::Pool;
use crate::http::conditional::conditional;
use crate::http::config::{search_url, site_url};
use crate::http::errors::ApiError;

/// `GET /feeds/reviews.atom`
pub async fn reviews(req: HttpRequest, pool: Pool) -> Result<HttpResponse, ApiError> {
    let query = req.query_string().to_string();
    let (request, results) = pool
        .run(move |service| {
            let mut request = service.search_request(&query)?;
            request.view = View::Reviews;
            if request.sort == Sort::Relevance {
                request.sort = Sort::Newest;
            }
            let results = service.search(&request)?;
            Ok((request, results))
        })
        .await?;
    let body = atom(&site_url(&req), &request, &results.hits);
    Ok(conditional(
        &req,
        "application/atom+xml; charset=utf-8",
        body,
        None,
    ))
}

/// The feed document.
fn atom(base: &str, request: &SearchRequest, hits: &[Hit]) -> String {
    let search = search_url(request);
    let query = search.strip_prefix("/search").unwrap_or("");
    let self_url = format!("{base}/feeds/reviews.atom{query}");
    let title = if request.q.trim().is_empty() {
        "Lessons: newest serious case reviews".to_string()
    } else {
        format!(
            "Lessons: serious case reviews matching “{}”",
            request.q.trim()
        )
    };
    let updated = hits
        .iter()
        .map(entry_date)
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!("  <title>{}</title>\n", escape(&title)));
    xml.push_str(&format!("  <id>{}</id>\n", escape(&self_url)));
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&format!("{base}{search}"))
    ));
    xml.push_str("  <author><name>Lessons</name></author>\n");
    for hit in hits {
        let url = format!("{base}/reviews/{}", hit.display.id);
        xml.push_str("  <entry>\n");
        xml.push_str(&format!(
            "    <title>{}</title>\n",
            escape(&hit.display.title)
        ));
        xml.push_str(&format!("    <id>{}</id>\n", escape(&url)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&url)
        ));
        xml.push_str(&format!("    <updated>{}</updated>\n", entry_date(hit)));
        if let Some(day) = &hit.display.published_on {
            xml.push_str(&format!("    <published>{day}T00:00:00Z</published>\n"));
        }
        xml.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            escape(&hit.display.board_name)
        ));
        for theme in &hit.display.themes {
            xml.push_str(&format!("    <category term=\"{}\"/>\n", escape(theme)));
        }
        xml.push_str(&format!(
            "    <summary type=\"html\">{}</summary>\n",
            escape(&hit.snippet)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// An entry's date: its publication day, as RFC 3339.
fn entry_date(hit: &Hit) -> String {
    match &hit.display.published_on {
        Some(day) => format!("{day}T00:00:00Z"),
        None => "1970-01-01T00:00:00Z".to_string(),
    }
}
