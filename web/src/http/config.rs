//! Settings of the site and API ([`SiteConfig`]), and every absolute URL the service
//! writes: permalinks, feed and export links, the API documents' server. They start with
//! the configured `--site-url`, else with the scheme and host the request reached, a Host
//! header that is not a plain host name replaced by `localhost`, so that no client-chosen
//! text reaches a link.

use actix_web::{web, HttpRequest};
use lessons_index::SearchRequest;

/// Settings of the site and API.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The bundled demo corpus is being served: say that its cases are fiction.
    pub demo: bool,
    /// The site is served over TLS: mark cookies `Secure`.
    pub secure_cookies: bool,
    /// Largest upload accepted (all files of one deposit together).
    pub max_upload_bytes: usize,
    /// Scheme and host of the public site, when configured (else taken from requests).
    pub site_url: Option<String>,
    /// `/metrics` answers anyone, not only admins (`--public-metrics`).
    pub public_metrics: bool,
    /// Records (or identifiers) per page of an OAI-PMH list (`--oai-page-size`).
    pub oai_page_size: usize,
    /// The repository's contact address that OAI-PMH `Identify` gives (`--admin-email`).
    pub admin_email: Option<String>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            demo: false,
            secure_cookies: false,
            max_upload_bytes: 50_000_000,
            site_url: None,
            public_metrics: false,
            oai_page_size: 100,
            admin_email: None,
        }
    }
}

/// The absolute URL of a review's page, as this request reached the server.
pub fn permalink(req: &HttpRequest, review_id: &str) -> String {
    format!("{}/reviews/{review_id}", site_url(req))
}

/// Scheme and host of the site (no trailing slash): the configured `--site-url`, else as
/// this request reached the server, with a Host header that is not a plain host name
/// (or address, with a port) replaced by `localhost`, so that no client-chosen markup
/// reaches a link.
pub fn site_url(req: &HttpRequest) -> String {
    if let Some(url) = req
        .app_data::<web::Data<SiteConfig>>()
        .and_then(|config| config.site_url.clone())
    {
        return url;
    }
    let info = req.connection_info();
    let host = info.host();
    let host = if is_plain_host(host) {
        host
    } else {
        "localhost"
    };
    format!("{}://{host}", info.scheme())
}

/// Letters, digits, `.`, `-`, `:` and IPv6 brackets only, at most 255 characters.
pub fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// `/search?...` for `request`.
pub fn search_url(request: &SearchRequest) -> String {
    let pairs = request.to_pairs();
    if pairs.is_empty() {
        return "/search".to_string();
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        serializer.append_pair(key, value);
    }
    format!("/search?{}", serializer.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_hosts_reach_links() {
        for good in [
            "lessons.example.org",
            "127.0.0.1:8080",
            "[::1]:8080",
            "localhost",
        ] {
            assert!(is_plain_host(good), "{good}");
        }
        for bad in ["", "evil.example/}", "a b", "x\"><script>", "host{1}"] {
            assert!(!is_plain_host(bad), "{bad}");
        }
    }
}
