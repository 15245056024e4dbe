//! `GET /api/v1/reviews/{id}/cite?format=ris|bibtex`: one public review as a record for
//! reference managers. Citations are for the public record: no credentials widen what
//! can be cited.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::formats::citation::{Citable, CiteFormat};
use crate::http::blocking::Pool;
use crate::http::config::permalink;
use crate::http::download::attachment;
use crate::http::errors::ApiError;
use crate::service::requests::query_pairs;
use crate::service::ServiceError;

/// `GET /api/v1/reviews/{id}/cite`
pub async fn cite(
    req: HttpRequest,
    path: web::Path<String>,
    pool: Pool,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let format = CiteFormat::from_pairs(&query_pairs(req.query_string()))
        .map_err(|error| ServiceError::from(vec![error]))?;
    let (review, board_name) = pool
        .run(move |service| {
            let review = service.readable_review(None, &id)?;
            let board_name = service.board_name(&review.board);
            Ok((review, board_name))
        })
        .await?;
    let url = permalink(&req, &review.id);
    let (body, content_type, extension) =
        format.encode(&Citable::of_review(&review, &board_name, &url));
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(attachment(&format!("{}.{extension}", review.id)))
        .body(body))
}
