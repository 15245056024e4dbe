//! `GET /metrics`: what the service is doing, in the OpenMetrics text format that
//! Prometheus scrapes (encoded by `prometheus-client`, never by hand).
//!
//! What is measured (every name starts `lessons_`):
//!
//! - `http_requests_total{method,route,status}` and
//!   `http_request_duration_seconds{method,route}` (a histogram), recorded by the
//!   [`record`] middleware. `route` is the *pattern* the request matched
//!   (`/api/v1/reviews/{id}`), never the path, and `unmatched` when nothing matched
//!   (404s of unknown paths), so the number of series is bounded by the routes; `method`
//!   is one of the standard methods or `OTHER`. The duration runs to the response head:
//!   a streamed body (an export) goes on after it.
//! - `search_duration_seconds{kind}`: time spent in the index per search (`search`,
//!   `similar`, `export` (collecting the matches), `cross_tab`).
//! - `index_update_duration_seconds{operation}`: applying store changes to the index and
//!   committing (`apply`), and whole rebuilds (`rebuild`); `index_reviews_applied_total`.
//! - Gauges read at scrape time: `reviews_public` (published and out of embargo today:
//!   public information; nothing counts drafts, embargoed or withdrawn reviews),
//!   `data_bytes{part}` (bytes on disk of the sled database, the original files and the
//!   index; the two folder walks are cached for [`SIZE_REFRESH`]) and `index_sequence`
//!   (the store sequence the index has applied, as `/healthz` says).
//!
//! Who may read it: admins (an admin's API token or session) always; anyone when the
//! server runs with `--public-metrics`. Otherwise 401 without credentials and 403 for a
//! depositor. Request rates by route show when boards deposit, and the data size moves
//! with drafts, so by default only operators see them.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use lessons_model::dates::today;
use lessons_model::Role;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};

use crate::auth;
use crate::errors::ApiError;
use crate::pages::SiteConfig;
use crate::repository::Repository;

/// The media type of the answer (OpenMetrics 1.0 text, which Prometheus reads).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The route label of requests that matched no route.
pub const UNMATCHED: &str = "unmatched";
/// How long the walked folder sizes (original files, index) are reused.
pub const SIZE_REFRESH: Duration = Duration::from_secs(30);

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PartLabels {
    part: &'static str,
}

/// What a timed search did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// A page of results with facets (API, pages, feeds).
    Search,
    /// Similar reviews or findings.
    Similar,
    /// Collecting every match of an export.
    Export,
    /// Counting the matches by two facets (statistics, insights).
    CrossTab,
}

impl SearchKind {
    fn key(self) -> &'static str {
        match self {
            SearchKind::Search => "search",
            SearchKind::Similar => "similar",
            SearchKind::Export => "export",
            SearchKind::CrossTab => "cross_tab",
        }
    }
}

/// What a timed index update did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexOperation {
    /// Store changes applied and committed.
    Apply,
    /// The whole index rebuilt from the store.
    Rebuild,
}

impl IndexOperation {
    fn key(self) -> &'static str {
        match self {
            IndexOperation::Apply => "apply",
            IndexOperation::Rebuild => "rebuild",
        }
    }
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 0.5 ms to about 8 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

fn update_histogram() -> Histogram {
    // 1 ms to about 2 min (a rebuild of a large corpus).
    Histogram::new(exponential_buckets(0.001, 2.0, 18))
}

/// Folder sizes, walked at most once per [`SIZE_REFRESH`].
struct WalkedSizes {
    at: Instant,
    files: u64,
    index: u64,
}

/// The measurements of one running service.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: HistogramFamily<RouteLabels>,
    search_seconds: HistogramFamily<KindLabels>,
    update_seconds: HistogramFamily<OperationLabels>,
    reviews_applied: Counter,
    public_reviews: Gauge,
    data_bytes: Family<PartLabels, Gauge>,
    index_sequence: Gauge,
    walked: Mutex<Option<WalkedSizes>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Every metric registered, all at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("lessons");
        let requests = Family::<RequestLabels, Counter>::default();
        let request_seconds: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(latency_histogram);
        let search_seconds: HistogramFamily<KindLabels> =
            Family::new_with_constructor(latency_histogram);
        let update_seconds: HistogramFamily<OperationLabels> =
            Family::new_with_constructor(update_histogram);
        let reviews_applied = Counter::default();
        let public_reviews = Gauge::default();
        let data_bytes = Family::<PartLabels, Gauge>::default();
        let index_sequence = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, matched route pattern and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time to the response head, by method and matched route pattern",
            Unit::Seconds,
            request_seconds.clone(),
        );
        registry.register_with_unit(
            "search_duration",
            "Time spent in the search index per search, by kind",
            Unit::Seconds,
            search_seconds.clone(),
        );
        registry.register_with_unit(
            "index_update_duration",
            "Time to apply store changes to the index and commit (apply), or to rebuild it",
            Unit::Seconds,
            update_seconds.clone(),
        );
        registry.register(
            "index_reviews_applied",
            "Reviews written to (or removed from) the index",
            reviews_applied.clone(),
        );
        registry.register(
            "reviews_public",
            "Reviews the public can read today (published, not embargoed)",
            public_reviews.clone(),
        );
        registry.register_with_unit(
            "data",
            "Bytes on disk of the data directory, by part (store: the sled database; files: original uploads; index)",
            Unit::Bytes,
            data_bytes.clone(),
        );
        registry.register(
            "index_sequence",
            "The store sequence the index has applied",
            index_sequence.clone(),
        );
        Metrics {
            registry,
            requests,
            request_seconds,
            search_seconds,
            update_seconds,
            reviews_applied,
            public_reviews,
            data_bytes,
            index_sequence,
            walked: Mutex::new(None),
        }
    }

    /// Runs one search-like piece of work and records how long it took.
    pub fn time_search<T>(&self, kind: SearchKind, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = work();
        self.search_seconds
            .get_or_create(&KindLabels { kind: kind.key() })
            .observe(started.elapsed().as_secs_f64());
        result
    }

    /// Records an index update of `reviews` reviews that took `elapsed`.
    pub fn observe_index_update(
        &self,
        operation: IndexOperation,
        reviews: usize,
        elapsed: Duration,
    ) {
        self.update_seconds
            .get_or_create(&OperationLabels {
                operation: operation.key(),
            })
            .observe(elapsed.as_secs_f64());
        self.reviews_applied.inc_by(reviews as u64);
    }

    /// Records one answered request.
    fn observe_request(
        &self,
        method: &Method,
        route: Option<String>,
        status: u16,
        elapsed: Duration,
    ) {
        let method = method_label(method);
        let route = route.unwrap_or_else(|| UNMATCHED.to_string());
        self.request_seconds
            .get_or_create(&RouteLabels {
                method,
                route: route.clone(),
            })
            .observe(elapsed.as_secs_f64());
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
    }

    /// The exposition: gauges read now (folder walks at most every [`SIZE_REFRESH`]),
    /// then every metric encoded.
    pub fn render(&self, repository: &Repository) -> Result<String, ApiError> {
        self.public_reviews.set(saturating_i64(
            repository.index.public_review_count(today())?,
        ));
        self.index_sequence
            .set(saturating_i64(repository.index.indexed_seq()));
        let store = repository.store.db_size_on_disk().unwrap_or(0);
        let (files, index) = self.walked_sizes(repository);
        for (part, bytes) in [("store", store), ("files", files), ("index", index)] {
            self.data_bytes
                .get_or_create(&PartLabels { part })
                .set(saturating_i64(bytes));
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .map_err(|e| ApiError::internal(format!("cannot encode the metrics: {e}")))?;
        Ok(text)
    }

    fn walked_sizes(&self, repository: &Repository) -> (u64, u64) {
        let mut cached = match self.walked.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(sizes) = cached.as_ref() {
            if sizes.at.elapsed() < SIZE_REFRESH {
                return (sizes.files, sizes.index);
            }
        }
        let files = dir_bytes(repository.store.files_dir());
        let index = dir_bytes(&repository.dir().join("index"));
        *cached = Some(WalkedSizes {
            at: Instant::now(),
            files,
            index,
        });
        (files, index)
    }
}

fn saturating_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// The method as a label: one of the standard methods, else `OTHER` (bounded).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Bytes of the regular files under `dir` (symbolic links not followed; unreadable
/// entries count as nothing: a size is a measurement, not a check).
fn dir_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(metadata) = entry.metadata() else {
                continue;
            };
            if metadata.is_dir() {
                pending.push(entry.path());
            } else if metadata.is_file() {
                total += metadata.len();
            }
        }
    }
    total
}

/// Middleware: counts and times every request by method, matched route pattern and
/// status (see the module documentation). Does nothing when the app has no
/// [`Repository`].
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let repository = req.app_data::<web::Data<Repository>>().cloned();
    let method = req.method().clone();
    let result = next.call(req).await;
    if let Some(repository) = repository {
        let (route, status) = match &result {
            Ok(response) => (
                response.request().match_pattern(),
                response.status().as_u16(),
            ),
            // An error that no handler turned into a response: no route to name.
            Err(error) => (None, error.as_response_error().status_code().as_u16()),
        };
        repository
            .metrics
            .observe_request(&method, route, status, started.elapsed());
    }
    result
}

/// `GET /metrics`: the exposition, for admins, or for anyone with `--public-metrics`.
pub async fn metrics(
    req: HttpRequest,
    repository: web::Data<Repository>,
    site: web::Data<SiteConfig>,
) -> Result<HttpResponse, ApiError> {
    if !site.public_metrics {
        let principal = auth::require(&req, &repository)?;
        if principal.role != Role::Admin {
            return Err(ApiError::forbidden(
                "the metrics are for admins (or served to everyone with --public-metrics)",
            ));
        }
    }
    let text = web::block(move || repository.metrics.render(&repository)).await??;
    Ok(HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_a_bounded_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "OTHER");
    }

    #[test]
    fn folder_sizes_add_up_files_below() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/one"), [0u8; 10]).unwrap();
        std::fs::write(dir.path().join("a/b/two"), [0u8; 5]).unwrap();
        assert_eq!(dir_bytes(dir.path()), 15);
        assert_eq!(dir_bytes(&dir.path().join("missing")), 0);
    }

    #[test]
    fn names_follow_the_conventions() {
        let metrics = Metrics::new();
        metrics.observe_request(&Method::GET, None, 404, Duration::from_millis(3));
        metrics.time_search(SearchKind::Search, || ());
        metrics.observe_index_update(IndexOperation::Apply, 2, Duration::from_millis(5));
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &metrics.registry).unwrap();
        for expected in [
            "# TYPE lessons_http_requests counter",
            "lessons_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1",
            "# UNIT lessons_http_request_duration_seconds seconds",
            "lessons_search_duration_seconds_count{kind=\"search\"} 1",
            "lessons_index_update_duration_seconds_count{operation=\"apply\"} 1",
            "lessons_index_reviews_applied_total 2",
            "# EOF",
        ] {
            assert!(text.contains(expected), "{expected} in\n{text}");
        }
    }
}
