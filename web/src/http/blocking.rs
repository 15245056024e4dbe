//! [`Pool`]: how a handler reaches the service. The service is synchronous (sled, tantivy,
//! argon2, text extraction), so it must never run on the async executor: a handler gets
//! no `&Repository`, only a `Pool`, whose one method runs a closure over the service on
//! actix's blocking thread pool and awaits it.

use std::future::{ready, Ready};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use super::errors::ApiError;
use crate::service::{Repository, ServiceError, ServiceResult};

/// The service, reachable only off the executor.
#[derive(Clone)]
pub struct Pool(web::Data<Repository>);

impl Pool {
    pub fn new(repository: web::Data<Repository>) -> Pool {
        Pool(repository)
    }

    /// Runs `work` on the blocking thread pool and awaits its answer.
    pub async fn run<T, F>(&self, work: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Repository) -> ServiceResult<T> + Send + 'static,
    {
        let repository: Arc<Repository> = self.0.clone().into_inner();
        web::block(move || work(&repository))
            .await
            .map_err(|_| ServiceError::Internal("the service is shutting down".into()))?
    }

    /// The pool of the app serving `req`.
    pub fn of(req: &HttpRequest) -> ServiceResult<Pool> {
        req.app_data::<web::Data<Repository>>()
            .map(|data| Pool(data.clone()))
            .ok_or_else(|| ServiceError::Internal("the service is not configured".into()))
    }
}

impl FromRequest for Pool {
    type Error = ApiError;
    type Future = Ready<Result<Pool, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Pool::of(req).map_err(ApiError::from))
    }
}

/// Runs `work` on the blocking thread pool: for reading something the service handed
/// out (an export's cursor over one index snapshot), a batch at a time.
pub async fn detached<T, F>(work: F) -> ServiceResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> ServiceResult<T> + Send + 'static,
{
    web::block(work)
        .await
        .map_err(|_| ServiceError::Internal("the service is shutting down".into()))?
}
