//! `/admin/audit`: the audit log for administrators, newest first, filtered by who,
//! review, action and date, a page of [`PAGE_SIZE`] entries at a time. Anyone else gets
//! a 403 page (with a link to sign in when they are not signed in at all).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_store::{AuditEntry, AuditFilter};
use maud::html;

use crate::http::blocking::Pool;
use crate::http::config::SiteConfig;
use crate::http::errors::{forbidden_page, page_for};
use crate::http::layout::{layout_as, Section};
use crate::http::session::{credentials, signed_in_as};
use crate::service::accounts::Principal;
use crate::service::requests::audit_filter;

/// Entries shown on one page.
const PAGE_SIZE: usize = 100;

/// `GET /admin/audit?by=&review=&action=&from=&to=&before=`
pub async fn audit(req: HttpRequest, pool: Pool, config: web::Data<SiteConfig>) -> HttpResponse {
    let credentials = credentials(&req);
    let principal =
        match pool
            .run(move |service| service.authenticate(&credentials))
            .await
        {
            Ok(Some(principal)) if principal.is_admin() => principal,
            Ok(Some(_)) => {
                return forbidden_page("Only administrators can read the audit log.", &config)
            }
            Ok(None) => return forbidden_page(
                "Only administrators can read the audit log. Sign in as an administrator first.",
                &config,
            ),
            Err(error) => return page_for(error, &config),
        };
    let filter = match audit_filter(req.query_string()) {
        Ok(filter) => filter,
        Err(error) => return page_for(error, &config),
    };
    let query = filter.clone();
    let asker = principal.clone();
    let entries = pool
        .run(move |service| service.audit(&asker, &query, PAGE_SIZE + 1))
        .await;
    match entries {
        Ok(entries) => page(&filter, entries, &principal, &config),
        Err(error) => page_for(error, &config),
    }
}

fn page(
    filter: &AuditFilter,
    mut entries: Vec<AuditEntry>,
    principal: &Principal,
    config: &SiteConfig,
) -> HttpResponse {
    let more = entries.len() > PAGE_SIZE;
    entries.truncate(PAGE_SIZE);
    let next = more
        .then(|| entries.last().map(|e| next_page_url(filter, e.seq)))
        .flatten();
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let body = html! {
        h1 { "Audit log" }
        p.lede { "Every write to the repository: who made it, when, to which review and revision. Newest first." }
        form.filters method="get" action="/admin/audit" {
            label for="by" { "Who (email, cli, demo, restore or system)" }
            input #by type="text" name="by" value=(text(&filter.by));
            label for="review" { "Review id" }
            input #review type="text" name="review" value=(text(&filter.review));
            label for="action" { "Action" }
            input #action type="text" name="action" value=(text(&filter.action));
            label for="from" { "From (YYYY-MM-DD)" }
            input #from type="text" name="from" value=(text(&filter.from)) inputmode="numeric";
            label for="to" { "To (YYYY-MM-DD)" }
            input #to type="text" name="to" value=(text(&filter.to)) inputmode="numeric";
            button type="submit" { "Filter" }
        }
        @if entries.is_empty() {
            p.muted { "No entry matches." }
        } @else {
            table {
                caption.visually-hidden { "Audit entries, newest first" }
                thead { tr { th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "Action" } th scope="col" { "Review or record" } th scope="col" { "Revision" } } }
                tbody {
                    @for entry in &entries {
                        tr {
                            td { (entry.seq) }
                            td { (entry.at) }
                            td { (entry.by) }
                            td { (entry.action) }
                            td {
                                @if let Some(review) = &entry.review {
                                    a href={"/my/reviews/" (review)} { code { (review) } }
                                } @else {
                                    (entry.record.clone().unwrap_or_default())
                                }
                            }
                            td { @if let Some(revision) = entry.revision { (revision) } }
                        }
                    }
                }
            }
        }
        @if let Some(next) = next {
            p { a href=(next) rel="next" { "Older entries" } }
        }
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(
            layout_as(
                "Audit log",
                config,
                Section::Other,
                Some(signed_in_as(principal)),
                body,
            )
            .into_string(),
        )
}

/// The URL of the entries older than `seq`, with the same filter.
fn next_page_url(filter: &AuditFilter, seq: u64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let pairs = [
        ("by", &filter.by),
        ("review", &filter.review),
        ("action", &filter.action),
        ("from", &filter.from),
        ("to", &filter.to),
    ];
    for (key, value) in pairs {
        if let Some(value) = value {
            query.append_pair(key, value);
        }
    }
    query.append_pair("before", &seq.to_string());
    format!("/admin/audit?{}", query.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_keeps_the_filter() {
        let filter = audit_filter("by=a%40b.example&action=publish&before=90").unwrap();
        assert_eq!(
            next_page_url(&filter, 42),
            "/admin/audit?by=a%40b.example&action=publish&before=42"
        );
    }
}
