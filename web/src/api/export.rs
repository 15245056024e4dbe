//! Exports of whole result sets (DESIGN §6): `GET /api/v1/export` streams every match
//! of a search as CSV, JSON, NDJSON, RIS or BibTeX, a batch of rows at a time (each
//! batch read on the blocking pool), with `view=actions` one row per action of the
//! lessons view's matches, and `GET /api/v1/codebook` describes every column.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use lessons_index::export::ExportCursor;
use lessons_index::export::ExportView;

use crate::formats::codebook;
use crate::formats::export::{batch_rows, Encoder};
use crate::http::blocking::{detached, Pool};
use crate::http::config::site_url;
use crate::http::download::attachment;
use crate::http::errors::ApiError;
use crate::service::requests::query_pairs;
use crate::service::ServiceError;

/// `GET /api/v1/export`: every public match, streamed a batch at a time.
pub async fn export(req: HttpRequest, pool: Pool) -> Result<HttpResponse, ApiError> {
    let pairs = query_pairs(req.query_string());
    let site = site_url(&req);
    let (request, cursor, recurring) = pool
        .run(move |service| {
            let request = service.export_request(pairs)?;
            let cursor = service.export_as(&request.search, request.view)?;
            let recurring = match request.view {
                ExportView::Lessons => service.recurring_ids()?,
                _ => Default::default(),
            };
            Ok((request, cursor, recurring))
        })
        .await?;
    let encoder = Encoder::new(request.format, request.view, &site).with_recurring(recurring);
    let head = encoder.head(&request.parameters, cursor.total());
    let stream = futures_util::stream::unfold(
        Streaming::Head(head, Box::new((cursor, encoder))),
        next_chunk,
    );
    Ok(HttpResponse::Ok()
        .content_type(request.format.content_type())
        .insert_header(attachment(&request.file_name()))
        .streaming(stream))
}

/// Where a streamed export has got to.
enum Streaming {
    Head(Vec<u8>, Box<(ExportCursor, Encoder)>),
    Rows(Box<(ExportCursor, Encoder)>),
    Done,
}

async fn next_chunk(state: Streaming) -> Option<(Result<Bytes, ApiError>, Streaming)> {
    match state {
        Streaming::Head(head, work) => Some((Ok(Bytes::from(head)), Streaming::Rows(work))),
        Streaming::Rows(work) => {
            let batch = detached(move || {
                let (mut cursor, mut encoder) = *work;
                let mut rows = cursor.next_batch(batch_rows(encoder.view()))?;
                let bytes = (!rows.is_empty()).then(|| encoder.rows(&mut rows));
                Ok((bytes, Box::new((cursor, encoder))))
            })
            .await;
            match batch {
                Ok((Some(bytes), work)) => Some((Ok(Bytes::from(bytes)), Streaming::Rows(work))),
                Ok((None, work)) => Some((Ok(Bytes::from(work.1.tail())), Streaming::Done)),
                Err(error) => {
                    tracing::error!("export stopped: {error}");
                    Some((Err(error.into()), Streaming::Done))
                }
            }
        }
        Streaming::Done => None,
    }
}

/// `GET /api/v1/codebook`: takes no parameters.
pub async fn codebook(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if let Some((key, _)) = query_pairs(req.query_string()).first() {
        return Err(ServiceError::invalid_field(key, "the codebook takes no parameters").into());
    }
    Ok(HttpResponse::Ok().json(codebook::codebook()))
}
