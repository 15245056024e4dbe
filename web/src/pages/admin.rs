//! `/admin/audit`: the audit log for administrators, newest first, filtered by who,
//! review, action and date, a page of [`PAGE_SIZE`] entries at a time. Anyone else gets
//! a 403 page (with a link to sign in when they are not signed in at all).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_model::{FieldError, Role};
use lessons_store::{AuditEntry, AuditFilter};
use maud::html;

use super::{error_page, layout, Section, SiteConfig};
use crate::auth::authenticate;
use crate::repository::Repository;

/// Entries shown on one page.
const PAGE_SIZE: usize = 100;

/// `GET /admin/audit?by=&review=&action=&from=&to=&before=`
pub async fn audit(
    req: HttpRequest,
    repository: web::Data<Repository>,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    match authenticate(&req, &repository) {
        Ok(Some(principal)) if principal.role == Role::Admin => {}
        Ok(Some(_)) => return forbidden(&config, "Only administrators can read the audit log."),
        Ok(None) => {
            return forbidden(
                &config,
                "Only administrators can read the audit log. Sign in as an administrator first.",
            )
        }
        Err(error) => {
            return error_page(
                error.status,
                "You are not signed in",
                &error.message,
                &[],
                &config,
            )
        }
    }
    let filter = match parse_filter(req.query_string()) {
        Ok(filter) => filter,
        Err(errors) => {
            return error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Some details need changing",
                "The audit log cannot be filtered this way.",
                &errors,
                &config,
            )
        }
    };
    let store = repository.store.clone();
    let query = filter.clone();
    let entries = web::block(move || store.audit(&query, PAGE_SIZE + 1)).await;
    match entries {
        Ok(Ok(entries)) => page(&filter, entries, &config),
        Ok(Err(error)) => server_error(&config, &error.to_string()),
        Err(error) => server_error(&config, &error.to_string()),
    }
}

fn forbidden(config: &SiteConfig, message: &str) -> HttpResponse {
    let mut response = error_page(StatusCode::FORBIDDEN, "Not allowed", message, &[], config);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

fn server_error(config: &SiteConfig, message: &str) -> HttpResponse {
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sorry, something went wrong",
        message,
        &[],
        config,
    )
}

/// The filter named by the query string; every bad parameter is reported.
fn parse_filter(query: &str) -> Result<AuditFilter, Vec<FieldError>> {
    let mut filter = AuditFilter::default();
    let mut errors = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim().to_string();
        if value.is_empty() {
            continue;
        }
        match key.as_ref() {
            "by" => filter.by = Some(value),
            "review" => filter.review = Some(value),
            "action" => filter.action = Some(value),
            "from" | "to" if !is_time_prefix(&value) => errors.push(field_error(
                &key,
                "must be a date (YYYY, YYYY-MM or YYYY-MM-DD) or an RFC 3339 time",
            )),
            "from" => filter.from = Some(value),
            "to" => filter.to = Some(value),
            "before" => match value.parse::<u64>() {
                Ok(n) if n > 0 => filter.before = Some(n),
                _ => errors.push(field_error("before", "must be a whole number from 1")),
            },
            other => errors.push(FieldError {
                field: other.to_string(),
                message: "is not a filter of the audit log".into(),
                allowed: Some(
                    ["by", "review", "action", "from", "to", "before"]
                        .map(String::from)
                        .to_vec(),
                ),
            }),
        }
    }
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    }
}

fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.to_string(),
        allowed: None,
    }
}

/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or longer (a time after the date).
fn is_time_prefix(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let dash = |at: usize| bytes.get(at) == Some(&b'-');
    match bytes.len() {
        4 => digits(0..4),
        7 => digits(0..4) && dash(4) && digits(5..7),
        _ => {
            bytes.len() >= 10
                && digits(0..4)
                && dash(4)
                && digits(5..7)
                && dash(7)
                && digits(8..10)
                && value.is_ascii()
        }
    }
}

fn page(filter: &AuditFilter, mut entries: Vec<AuditEntry>, config: &SiteConfig) -> HttpResponse {
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
        .body(layout("Audit log", config, Section::Other, body).into_string())
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
    fn dates_and_times_are_accepted_as_bounds_and_nothing_else() {
        for good in ["2026", "2026-11", "2026-11-27", "2026-11-27T10:00:00Z"] {
            assert!(is_time_prefix(good), "{good}");
        }
        for bad in [
            "26",
            "2026-1",
            "yesterday",
            "2026-11-2",
            "2026/11/27",
            "2026-11-27é",
        ] {
            assert!(!is_time_prefix(bad), "{bad}");
        }
    }

    #[test]
    fn bad_filters_are_all_reported() {
        let errors = parse_filter("from=soon&before=0&colour=red&by=a").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["from", "before", "colour"]);
    }

    #[test]
    fn the_next_page_keeps_the_filter() {
        let filter = parse_filter("by=a%40b.example&action=publish&before=90").unwrap();
        assert_eq!(
            next_page_url(&filter, 42),
            "/admin/audit?by=a%40b.example&action=publish&before=42"
        );
    }
}
