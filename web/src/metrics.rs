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
//! - `search_cache_requests_total{result}`: searches answered from the result cache
//!   (`hit`) or computed (`miss`), and the gauge `search_cache_entries` (operators only:
//!   a miss follows every commit, drafts' included); `searches_waiting`, searches
//!   waiting for their turn to be computed (operators only; see `--search-concurrency`).
//! - Gauges read at scrape time: `reviews_public` (published and out of embargo today:
//!   public information; nothing counts drafts, embargoed or withdrawn reviews),
//!   `data_bytes{part}` (bytes on disk of the sled database, the original files and the
//!   index; the two folder walks are cached for [`SIZE_REFRESH`]) and `index_sequence`
//!   (the store sequence the index has applied, as `/healthz` says).
//!
//! Two audiences ([`Audience`]): operators (admins) see everything. The public view
//! (anyone, when the server runs with `--public-metrics`) holds only what public data
//! implies: `reviews_public`, the search durations, and requests counted only when they
//! carried no credentials and read a public route (GET or HEAD, not under `/my`,
//! `/deposit`, `/admin`, `/login`, `/logout` or a review's revisions). Write requests,
//! index updates, the data size and the index sequence move with unpublished work, so
//! only operators see them. The registry knows nothing of the store or the index: the
//! service hands it the figures it shows ([`Gauges`]).

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use std::path::PathBuf;

use actix_web::http::Method;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};

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
struct CacheLabels {
    result: &'static str,
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

/// Who reads the exposition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Admins: every metric.
    Operators,
    /// Anyone (`--public-metrics`): only what public data implies.
    Public,
}

/// Figures read from the service when the metrics are read.
#[derive(Clone, Debug)]
pub struct Gauges {
    /// Reviews the public can read today.
    pub public_reviews: u64,
    /// The store sequence the index has applied.
    pub index_sequence: u64,
    /// Answers kept in the search result cache.
    pub search_cache_entries: u64,
    /// Searches waiting for their turn to be computed.
    pub searches_waiting: u64,
    /// Bytes on disk of the sled database.
    pub store_bytes: u64,
    /// The folders whose sizes are walked (at most every [`SIZE_REFRESH`]).
    pub files_dir: PathBuf,
    pub index_dir: PathBuf,
}

/// One answered request, as the middleware saw it.
#[derive(Clone, Debug)]
pub struct RequestRecord {
    pub method: Method,
    /// The matched route pattern, `None` when nothing matched.
    pub route: Option<String>,
    pub status: u16,
    pub elapsed: Duration,
    /// It carried a token or a session cookie.
    pub credentialed: bool,
}

/// Route prefixes whose requests the public view never counts.
const PRIVATE_ROUTES: [&str; 6] = ["/my", "/deposit", "/admin", "/login", "/logout", "/metrics"];

impl RequestRecord {
    /// Whether the public view counts this request: anonymous, reading, not private.
    fn is_public(&self) -> bool {
        let reading = matches!(self.method, Method::GET | Method::HEAD);
        let route = self.route.as_deref().unwrap_or(UNMATCHED);
        let private =
            PRIVATE_ROUTES.iter().any(|p| route.starts_with(p)) || route.contains("/revisions");
        !self.credentialed && reading && !private
    }
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
    public_registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: HistogramFamily<RouteLabels>,
    public_requests: Family<RequestLabels, Counter>,
    public_request_seconds: HistogramFamily<RouteLabels>,
    search_seconds: HistogramFamily<KindLabels>,
    update_seconds: HistogramFamily<OperationLabels>,
    reviews_applied: Counter,
    public_reviews: Gauge,
    data_bytes: Family<PartLabels, Gauge>,
    index_sequence: Gauge,
    search_cache: Family<CacheLabels, Counter>,
    search_cache_entries: Gauge,
    searches_waiting: Gauge,
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
        let mut public_registry = Registry::with_prefix("lessons");
        let requests = Family::<RequestLabels, Counter>::default();
        let request_seconds: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(latency_histogram);
        let public_requests = Family::<RequestLabels, Counter>::default();
        let public_request_seconds: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(latency_histogram);
        let search_seconds: HistogramFamily<KindLabels> =
            Family::new_with_constructor(latency_histogram);
        let update_seconds: HistogramFamily<OperationLabels> =
            Family::new_with_constructor(update_histogram);
        let reviews_applied = Counter::default();
        let public_reviews = Gauge::default();
        let data_bytes = Family::<PartLabels, Gauge>::default();
        let index_sequence = Gauge::default();
        let search_cache = Family::<CacheLabels, Counter>::default();
        let search_cache_entries = Gauge::default();
        let searches_waiting = Gauge::default();
        registry.register(
            "search_cache_requests",
            "Searches answered from the result cache (hit) or computed (miss)",
            search_cache.clone(),
        );
        registry.register(
            "search_cache_entries",
            "Answers kept in the search result cache",
            search_cache_entries.clone(),
        );
        registry.register(
            "searches_waiting",
            "Searches waiting for their turn to be computed",
            searches_waiting.clone(),
        );
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
        public_registry.register(
            "http_requests",
            "Anonymous HTTP requests that read a public route, by method, matched route pattern and status",
            public_requests.clone(),
        );
        public_registry.register_with_unit(
            "http_request_duration",
            "Time to the response head of anonymous reads of public routes, by method and route pattern",
            Unit::Seconds,
            public_request_seconds.clone(),
        );
        public_registry.register_with_unit(
            "search_duration",
            "Time spent in the search index per search, by kind",
            Unit::Seconds,
            search_seconds.clone(),
        );
        public_registry.register(
            "reviews_public",
            "Reviews the public can read today (published, not embargoed)",
            public_reviews.clone(),
        );
        Metrics {
            registry,
            public_registry,
            requests,
            request_seconds,
            public_requests,
            public_request_seconds,
            search_seconds,
            update_seconds,
            reviews_applied,
            public_reviews,
            data_bytes,
            index_sequence,
            search_cache,
            search_cache_entries,
            searches_waiting,
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

    /// Counts a search answered from the result cache (`hit`) or computed.
    pub fn count_search_cache(&self, hit: bool) {
        let result = if hit { "hit" } else { "miss" };
        self.search_cache
            .get_or_create(&CacheLabels { result })
            .inc();
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

    /// Records one answered request (in the public view too when it is public).
    pub fn observe_request(&self, record: &RequestRecord) {
        let method = method_label(&record.method);
        let route = record
            .route
            .clone()
            .unwrap_or_else(|| UNMATCHED.to_string());
        let seconds = record.elapsed.as_secs_f64();
        let route_labels = RouteLabels {
            method,
            route: route.clone(),
        };
        let labels = RequestLabels {
            method,
            route,
            status: record.status,
        };
        self.request_seconds
            .get_or_create(&route_labels)
            .observe(seconds);
        self.requests.get_or_create(&labels).inc();
        if record.is_public() {
            self.public_request_seconds
                .get_or_create(&route_labels)
                .observe(seconds);
            self.public_requests.get_or_create(&labels).inc();
        }
    }

    /// The exposition for `audience`: gauges set from `gauges` (folder walks at most
    /// every [`SIZE_REFRESH`]), then every metric that audience sees, encoded.
    pub fn render(&self, gauges: &Gauges, audience: Audience) -> Result<String, std::fmt::Error> {
        self.public_reviews
            .set(saturating_i64(gauges.public_reviews));
        let registry = match audience {
            Audience::Public => &self.public_registry,
            Audience::Operators => {
                self.index_sequence
                    .set(saturating_i64(gauges.index_sequence));
                self.search_cache_entries
                    .set(saturating_i64(gauges.search_cache_entries));
                self.searches_waiting
                    .set(saturating_i64(gauges.searches_waiting));
                let (files, index) = self.walked_sizes(gauges);
                let parts = [
                    ("store", gauges.store_bytes),
                    ("files", files),
                    ("index", index),
                ];
                for (part, bytes) in parts {
                    self.data_bytes
                        .get_or_create(&PartLabels { part })
                        .set(saturating_i64(bytes));
                }
                &self.registry
            }
        };
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, registry)?;
        Ok(text)
    }

    fn walked_sizes(&self, gauges: &Gauges) -> (u64, u64) {
        let mut cached = match self.walked.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(sizes) = cached.as_ref() {
            if sizes.at.elapsed() < SIZE_REFRESH {
                return (sizes.files, sizes.index);
            }
        }
        let files = dir_bytes(&gauges.files_dir);
        let index = dir_bytes(&gauges.index_dir);
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
        metrics.observe_request(&RequestRecord {
            method: Method::GET,
            route: None,
            status: 404,
            elapsed: Duration::from_millis(3),
            credentialed: false,
        });
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

    #[test]
    fn the_public_view_counts_only_anonymous_reads_of_public_routes() {
        let metrics = Metrics::new();
        let record = |method: Method, route: &str, credentialed| RequestRecord {
            method,
            route: Some(route.to_string()),
            status: 200,
            elapsed: Duration::from_millis(1),
            credentialed,
        };
        metrics.observe_request(&record(Method::GET, "/api/v1/search", false));
        metrics.observe_request(&record(Method::GET, "/api/v1/reviews/{id}", true));
        metrics.observe_request(&record(Method::POST, "/api/v1/reviews", true));
        metrics.observe_request(&record(Method::GET, "/my", false));
        metrics.observe_index_update(IndexOperation::Apply, 1, Duration::from_millis(5));
        let gauges = Gauges {
            public_reviews: 3,
            index_sequence: 9,
            search_cache_entries: 4,
            searches_waiting: 2,
            store_bytes: 1,
            files_dir: PathBuf::from("/nonexistent"),
            index_dir: PathBuf::from("/nonexistent"),
        };
        let public = metrics.render(&gauges, Audience::Public).unwrap();
        assert!(public.contains("route=\"/api/v1/search\""), "{public}");
        assert!(public.contains("lessons_reviews_public 3"), "{public}");
        for hidden in ["POST", "{id}", "/my", "index_", "data_bytes"] {
            assert!(!public.contains(hidden), "{hidden} in\n{public}");
        }
        let operators = metrics.render(&gauges, Audience::Operators).unwrap();
        for shown in [
            "method=\"POST\"",
            "route=\"/my\"",
            "lessons_index_sequence 9",
            "lessons_searches_waiting 2",
            "lessons_data_bytes",
        ] {
            assert!(operators.contains(shown), "{shown} in\n{operators}");
        }
    }
}
