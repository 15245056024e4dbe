//! Search parameters and the query parser over arbitrary text, with a real search on the
//! demo corpus (62 fictional reviews, indexed once into a temporary data dir through
//! `lessons serve --demo`'s loader).
//!
//! The input is read twice: as a query string (`q=...&view=...&theme=...`, parsed as
//! `GET /api/v1/search` does; a refusal must be a 4xx with a message), and as the text
//! of `q` itself in both views. A search that was accepted must succeed: an error there
//! would be a 500.

#![no_main]

use std::sync::OnceLock;

use lessons_index::{SearchRequest, View};
use lessons_web::http::errors::ApiError;
use lessons_web::service::Repository;
use libfuzzer_sys::fuzz_target;

struct Fixture {
    _dir: tempfile::TempDir,
    repository: Repository,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary data dir");
        let repository =
            Repository::open(&dir.path().join("data")).expect("an empty data dir opens");
        lessons_web::service::demo::load_demo(&repository).expect("the demo corpus loads");
        Fixture {
            _dir: dir,
            repository,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let repository = &fixture().repository;
    let text = String::from_utf8_lossy(data);
    match repository.search_request(&text) {
        Ok(request) => search(repository, &request),
        Err(error) => {
            let error = ApiError::from(error);
            assert!(
                error.status.is_client_error(),
                "{} for {text:?}",
                error.status
            );
            assert!(!error.message.is_empty() || !error.details.is_empty());
        }
    }
    for view in View::ALL {
        let request = SearchRequest {
            q: text.to_string(),
            view,
            ..SearchRequest::default()
        };
        search(repository, &request);
    }
});

fn search(repository: &Repository, request: &SearchRequest) {
    if let Err(e) = repository.search(request) {
        panic!("search failed for {request:?}: {e}");
    }
}
