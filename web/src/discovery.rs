//! What search engines read to find the repository (DESIGN's discoverability): `GET
//! /robots.txt`, which keeps crawlers off search result pages, exports, statistics and
//! signed-in areas and names the sitemap; and `GET /sitemap.xml` (sitemaps.org 0.9), the
//! public reviews (with their publication date as `lastmod`), the theme pages and the
//! recurring lessons. Past
//! 50,000 URLs (the protocol's limit per file) `/sitemap.xml` is a sitemap index of
//! `/sitemap-N.xml` files.

use actix_web::{web, HttpRequest, HttpResponse};
use lessons_index::export::{Cell, Column};
use lessons_index::{SearchRequest, View};
use lessons_model::vocab::THEMES;

use crate::formats::xml::escape;
use crate::http::blocking::Pool;
use crate::http::config::site_url;
use crate::http::errors::ApiError;
use crate::service::ServiceError;

/// URLs per sitemap file (sitemaps.org).
pub const URLS_PER_SITEMAP: usize = 50_000;

/// Paths crawlers are asked to leave alone.
const DISALLOWED: &[&str] = &[
    "/search",
    "/similar",
    "/insights",
    "/feeds/",
    "/api/v1/search",
    "/api/v1/export",
    "/api/v1/stats",
    "/api/v1/similar/",
    "/my",
    "/deposit",
    "/admin",
    "/login",
    "/logout",
];

/// `GET /robots.txt`
pub async fn robots(req: HttpRequest) -> HttpResponse {
    let mut text = String::from("User-agent: *\n");
    for path in DISALLOWED {
        text.push_str(&format!("Disallow: {path}\n"));
    }
    text.push_str(&format!("\nSitemap: {}/sitemap.xml\n", site_url(&req)));
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(text)
}

/// One URL of a sitemap, with its last modification date when known.
struct Entry {
    path: String,
    lastmod: Option<String>,
}

/// Every URL the sitemap lists: public reviews, newest first, then the theme pages and
/// the recurring lessons.
fn entries(service: &crate::service::Repository) -> Result<Vec<Entry>, ServiceError> {
    let request = SearchRequest {
        view: View::Reviews,
        sort: lessons_index::Sort::Newest,
        ..SearchRequest::default()
    };
    let mut cursor = service.export(&request)?;
    let mut out = Vec::new();
    loop {
        let batch = cursor.next_batch(1_000)?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            let text = |column| match row.get(column) {
                Some(Cell::Text(text)) if !text.is_empty() => Some(text.clone()),
                _ => None,
            };
            if let Some(id) = text(Column::Id) {
                out.push(Entry {
                    path: format!("/reviews/{id}"),
                    lastmod: text(Column::PublishedOn),
                });
            }
        }
    }
    out.extend(THEMES.iter().map(|theme| Entry {
        path: format!("/themes/{}", theme.slug),
        lastmod: None,
    }));
    let recurring: std::collections::BTreeSet<String> =
        service.recurring_ids()?.into_values().collect();
    out.extend(recurring.into_iter().map(|id| Entry {
        path: format!("/recurring/{id}"),
        lastmod: None,
    }));
    Ok(out)
}

/// `GET /sitemap.xml`: the URLs, or an index of `/sitemap-N.xml` past 50,000.
pub async fn sitemap(req: HttpRequest, pool: Pool) -> Result<HttpResponse, ApiError> {
    let all = pool.run(entries).await?;
    let site = site_url(&req);
    let body = if all.len() <= URLS_PER_SITEMAP {
        urlset(&site, &all)
    } else {
        index(&site, all.len().div_ceil(URLS_PER_SITEMAP))
    };
    Ok(xml(body))
}

/// `GET /sitemap-{n}.xml`: the n-th 50,000 URLs (from 1).
pub async fn sitemap_part(
    req: HttpRequest,
    path: web::Path<String>,
    pool: Pool,
) -> Result<HttpResponse, ApiError> {
    let n = path
        .into_inner()
        .parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| ServiceError::NotFound("no such sitemap".into()))?;
    let all = pool.run(entries).await?;
    let part = all
        .chunks(URLS_PER_SITEMAP)
        .nth(n - 1)
        .filter(|_| all.len() > URLS_PER_SITEMAP)
        .ok_or_else(|| ServiceError::NotFound("no such sitemap".into()))?;
    Ok(xml(urlset(&site_url(&req), part)))
}

fn xml(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(body)
}

fn urlset(site: &str, entries: &[Entry]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for entry in entries {
        out.push_str(&format!(
            "<url><loc>{}</loc>",
            escape(&format!("{site}{}", entry.path))
        ));
        if let Some(date) = &entry.lastmod {
            out.push_str(&format!("<lastmod>{}</lastmod>", escape(date)));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

fn index(site: &str, parts: usize) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=parts {
        out.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            escape(&format!("{site}/sitemap-{n}.xml"))
        ));
    }
    out.push_str("</sitemapindex>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_lists_urls_and_an_index_lists_parts() {
        let entries = [
            Entry {
                path: "/reviews/scr-2010-a-0001".into(),
                lastmod: Some("2010-05-01".into()),
            },
            Entry {
                path: "/themes/neglect".into(),
                lastmod: None,
            },
        ];
        let set = urlset("https://lessons.example", &entries);
        assert!(set.contains("<url><loc>https://lessons.example/reviews/scr-2010-a-0001</loc><lastmod>2010-05-01</lastmod></url>"));
        assert!(set.contains("<url><loc>https://lessons.example/themes/neglect</loc></url>"));
        let index = index("https://lessons.example", 2);
        assert!(index.contains("<loc>https://lessons.example/sitemap-2.xml</loc>"));
        assert_eq!(escape("a&b<c"), "a&amp;b&lt;c");
    }
}
