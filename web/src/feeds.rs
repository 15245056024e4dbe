//! Atom 1.0 feeds. `GET /feeds/reviews.atom?<search parameters>`: the newest public
//! reviews matching a search, so that a practitioner can be told when a review on their
//! theme is published (entries are the search's hits, newest first).
//!
//! `GET /feeds/actions.atom?board=SLUG` (DESIGN §10): a board's reminders, its open
//! actions that are overdue or fall due within 30 days, earliest due first, so that a
//! board's business manager can follow them in any feed reader. For the board's own
//! users (a session, or an API token as `Authorization: Bearer` or, for readers that
//! cannot send headers, `?token=`) and admins: 401 without credentials, 403 for anyone
//! else, 404 for a board that does not exist. Drafts and embargoed reviews are the
//! board's own work, so their actions are included; withdrawn reviews' are not. The
//! answer is `private, no-store`, and the token never appears in the feed.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use lessons_index::{Hit, SearchRequest, Sort, View};
use lessons_model::dates::today;
use lessons_model::Vocabulary;

use crate::formats::xml::escape;
use crate::http::blocking::Pool;
use crate::http::conditional::conditional;
use crate::http::config::{search_url, site_url};
use crate::http::errors::ApiError;
use crate::http::session::credentials;
use crate::service::accounts::Credentials;
use crate::service::actions::{OpenAction, DUE_SOON_DAYS};
use crate::service::requests::query_pairs;
use crate::service::{ServiceError, ServiceResult};

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

/// `GET /feeds/actions.atom?board=SLUG[&token=TOKEN]`
pub async fn actions(req: HttpRequest, pool: Pool) -> Result<HttpResponse, ApiError> {
    let (board, token) = reminder_params(req.query_string())?;
    let given = match token {
        Some(token) => Credentials::Token(token),
        None => credentials(&req),
    };
    let board_slug = board.clone();
    let (name, reminders) = pool
        .run(move |service| {
            let principal = service.authenticate(&given)?.ok_or_else(|| {
                ServiceError::Unauthenticated(
                    "sign in, or send one of the board's API tokens as \"Authorization: Bearer <token>\" or ?token=".into(),
                )
            })?;
            let reminders = service.action_reminders(&principal, &board_slug)?;
            Ok((service.board_name(&board_slug), reminders))
        })
        .await?;
    let body = actions_atom(&site_url(&req), &board, &name, &reminders);
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(body))
}

/// `board` (required, once) and `token` (optional, once); nothing else.
fn reminder_params(query: &str) -> ServiceResult<(String, Option<String>)> {
    let pairs = query_pairs(query);
    let mut board = None;
    let mut token = None;
    for (key, value) in pairs {
        let slot = match key.as_str() {
            "board" => &mut board,
            "token" => &mut token,
            _ => {
                return Err(ServiceError::invalid_field(
                    &key,
                    "unknown parameter: this feed takes board and token",
                ))
            }
        };
        if slot.replace(value).is_some() {
            return Err(ServiceError::invalid_field(&key, "give it once"));
        }
    }
    match board {
        Some(board) if !board.is_empty() => Ok((board, token.filter(|t| !t.is_empty()))),
        _ => Err(ServiceError::invalid_field(
            "board",
            "is required: the board's slug",
        )),
    }
}

/// The reminders feed document.
fn actions_atom(base: &str, board: &str, name: &str, reminders: &[OpenAction]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("board", board);
    let self_url = format!("{base}/feeds/actions.atom?{}", query.finish());
    let day = today();
    let updated = format!("{day}T00:00:00Z");
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!(
        "  <title>{}</title>\n",
        escape(&format!("Lessons: overdue and due-soon actions of {name}"))
    ));
    xml.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        escape(&format!(
            "Open actions overdue or due within {DUE_SOON_DAYS} days, as of {day}."
        ))
    ));
    xml.push_str(&format!("  <id>{}</id>\n", escape(&self_url)));
    // Overdue is worked out by the day, so the feed changes every day.
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&format!("{base}/my/actions"))
    ));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(name)
    ));
    for reminder in reminders {
        let action = &reminder.action;
        let overdue = action.is_overdue(day);
        let url = format!("{base}/my/reviews/{}", reminder.review_id);
        let id = format!(
            "{base}/my/reviews/{}/actions/{}",
            reminder.review_id, action.id
        );
        let when = if overdue {
            format!("Overdue since {}", action.due)
        } else {
            format!("Due {}", action.due)
        };
        let owner = Vocabulary::Agency
            .label(&action.owner)
            .unwrap_or(&action.owner);
        let status = Vocabulary::ActionStatus
            .label(&action.status)
            .unwrap_or(&action.status);
        let summary = format!(
            "{when}. {status}; lead: {owner}. Recommendation {} of {} ({}): {}",
            reminder.finding, reminder.review_title, reminder.review_id, reminder.recommendation
        );
        xml.push_str("  <entry>\n");
        xml.push_str(&format!(
            "    <title>{}</title>\n",
            escape(&format!("{when}: {}", short(&action.text, 120)))
        ));
        xml.push_str(&format!("    <id>{}</id>\n", escape(&id)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&url)
        ));
        xml.push_str(&format!(
            "    <updated>{}</updated>\n",
            rfc3339_day(&action.updated_on).unwrap_or_else(|| updated.clone())
        ));
        xml.push_str(&format!(
            "    <category term=\"{}\"/>\n",
            if overdue { "overdue" } else { "due_soon" }
        ));
        xml.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            escape(&summary)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// A valid `YYYY-MM-DD` as the first second of that day (RFC 3339).
fn rfc3339_day(day: &str) -> Option<String> {
    lessons_model::dates::parse_date(day).map(|d| format!("{d}T00:00:00Z"))
}

/// `text` cut to `max` characters with an ellipsis.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}
