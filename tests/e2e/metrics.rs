//! `GET /metrics` read by a real parser: the official Python client's OpenMetrics parser
//! (strict: types, units, histogram buckets, `# EOF`), and its classic Prometheus text
//! parser. Counters grow by what was asked, routes are labelled by their pattern, and
//! only admins (or anyone with `--public-metrics`) may read them.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{add_barsetshire, temp_data, user_with_token, Server};

/// The samples of an exposition, parsed by Python's `prometheus_client`.
struct Parsed {
    /// Family name -> (type, unit), from the OpenMetrics parser.
    families: BTreeMap<String, (String, String)>,
    /// (sample name, labels, value).
    samples: Vec<(String, BTreeMap<String, String>, f64)>,
}

impl Parsed {
    /// The value of the sample `name` whose labels include `labels`; 0 when absent (a
    /// labelled series appears at its first observation).
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let matching: Vec<f64> = self
            .samples
            .iter()
            .filter(|(n, l, _)| {
                n == name
                    && labels
                        .iter()
                        .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|(_, _, v)| *v)
            .collect();
        assert!(matching.len() <= 1, "{name} {labels:?} is ambiguous");
        matching.first().copied().unwrap_or(0.0)
    }

    fn routes(&self) -> Vec<String> {
        self.samples
            .iter()
            .filter(|(n, _, _)| n == "lessons_http_requests_total")
            .filter_map(|(_, l, _)| l.get("route").cloned())
            .collect()
    }
}

/// Parses `text` with both of prometheus_client's parsers; `None` when Python or the
/// package is missing outside CI.
fn parse(text: &str) -> Option<Parsed> {
    let script = r#"
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
from prometheus_client.parser import text_string_to_metric_families as classic
text = sys.stdin.read()
families, samples = {}, []
for family in openmetrics(text):
    families[family.name] = [family.type, family.unit]
    for s in family.samples:
        samples.append([s.name, s.labels, s.value])
# The classic (0.0.4) parser must read it too, with the same histograms and gauges.
classic_types = {f.name: f.type for f in classic(text)}
for name, (kind, _) in families.items():
    if kind in ("histogram", "gauge"):
        assert classic_types.get(name) == kind, (name, kind, classic_types.get(name))
print(json.dumps({"families": families, "samples": samples}))
"#;
    let child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return skip_or_fail("python3 is not installed");
    };
    child.stdin.take()?.write_all(text.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("No module named 'prometheus_client'") {
            return skip_or_fail(
                "prometheus_client is not installed (pip install prometheus-client)",
            );
        }
        panic!("the exposition does not parse: {stderr}\n{text}");
    }
    let value: Value = serde_json::from_slice(&output.stdout).expect("the parser's JSON");
    let families = value["families"]
        .as_object()
        .expect("families")
        .iter()
        .map(|(name, pair)| {
            let text = |i: usize| pair[i].as_str().unwrap_or_default().to_string();
            (name.clone(), (text(0), text(1)))
        })
        .collect();
    let samples = value["samples"]
        .as_array()
        .expect("samples")
        .iter()
        .map(|s| {
            let labels = s[1]
                .as_object()
                .expect("labels")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect();
            (
                s[0].as_str().unwrap_or_default().to_string(),
                labels,
                s[2].as_f64().expect("a number"),
            )
        })
        .collect();
    Some(Parsed { families, samples })
}

fn skip_or_fail(why: &str) -> Option<Parsed> {
    assert!(
        std::env::var_os("CI").is_none(),
        "the metrics test needs Python's prometheus_client in CI: {why}"
    );
    eprintln!("\n*** METRICS TEST SKIPPED: {why} ***\n");
    None
}

/// GET /metrics with an optional bearer token: status, content type and body.
fn scrape(server: &Server, token: Option<&str>) -> (u16, String, String) {
    let mut request = ureq::get(&server.url("/metrics")).timeout(Duration::from_secs(30));
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    let response = match request.call() {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("GET /metrics failed: {error}"),
    };
    let status = response.status();
    let content_type = response
        .header("content-type")
        .unwrap_or_default()
        .to_string();
    (status, content_type, response.into_string().expect("text"))
}

fn draft() -> Value {
    json!({
        "title": "Serious Case Review: Child Metric", "board": "barsetshire", "incident": "serious_harm",
        "child": { "age_band": "1_to_5", "sex": "female" }, "themes": ["neglect"], "agencies": ["school"],
        "commissioned_on": "2011-01-10", "completed_on": "2011-09-30",
        "summary": "Teachers noticed the drawings and told the school nurse.",
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "themes": ["voice_of_the_child"],
                      "text": "The drawings were the child's voice and should have been shared." }]
    })
}

#[test]
fn metrics_count_what_was_asked_by_route_pattern_for_admins_only() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let admin = user_with_token(&data, "ops@lessons.example", None, "admin");
    let depositor = user_with_token(
        &data,
        "officer@barsetshire.example",
        Some("barsetshire"),
        "depositor",
    );
    let server = Server::start(&data, true);

    // Who may read: nobody anonymous, no depositor, no bad token.
    let (status, _, body) = scrape(&server, None);
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("\"unauthorized\""), "a JSON error: {body}");
    assert_eq!(scrape(&server, Some(&depositor)).0, 403);
    assert_eq!(scrape(&server, Some("lsn_not_a_token")).0, 401);

    let (status, content_type, before) = scrape(&server, Some(&admin));
    assert_eq!(status, 200, "{before}");
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let Some(before) = parse(&before) else { return };

    const SEARCHES: usize = 5;
    for word in ["neglect", "school", "health", "police", "housing"]
        .iter()
        .take(SEARCHES)
    {
        server.search(&[("q", word)]);
    }
    // Asked again: answered from the result cache, not searched again.
    server.search(&[("q", "neglect")]);
    let (status, _) = server.get("/api/v1/export?q=neglect&format=ndjson");
    assert_eq!(status, 200);
    assert_eq!(server.get("/api/v1/reviews/scr-2000-nowhere-0001").0, 404);
    assert_eq!(server.get("/no/such/page").0, 404);
    let (status, body) = server.send("POST", "/api/v1/reviews", Some(&depositor), Some(&draft()));
    assert_eq!(status, 201, "{body}");

    let (_, _, after) = scrape(&server, Some(&admin));
    let Some(after) = parse(&after) else { return };

    // Types and units as OpenMetrics states them.
    for (family, kind, unit) in [
        ("lessons_http_requests", "counter", ""),
        (
            "lessons_http_request_duration_seconds",
            "histogram",
            "seconds",
        ),
        ("lessons_search_duration_seconds", "histogram", "seconds"),
        (
            "lessons_index_update_duration_seconds",
            "histogram",
            "seconds",
        ),
        ("lessons_data_bytes", "gauge", "bytes"),
        ("lessons_reviews_public", "gauge", ""),
    ] {
        assert_eq!(
            after.families.get(family),
            Some(&(kind.to_string(), unit.to_string())),
            "{family}"
        );
    }

    let grew = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };
    let search = [("kind", "search")];
    assert_eq!(
        grew("lessons_search_duration_seconds_count", &search),
        SEARCHES as f64
    );
    assert_eq!(
        grew(
            "lessons_search_duration_seconds_bucket",
            &[("kind", "search"), ("le", "+Inf")]
        ),
        SEARCHES as f64
    );
    assert!(grew("lessons_search_duration_seconds_sum", &search) > 0.0);
    assert_eq!(
        grew(
            "lessons_search_duration_seconds_count",
            &[("kind", "export")]
        ),
        1.0
    );
    let searched = [
        ("method", "GET"),
        ("route", "/api/v1/search"),
        ("status", "200"),
    ];
    assert_eq!(
        grew("lessons_http_requests_total", &searched),
        SEARCHES as f64 + 1.0
    );
    assert_eq!(
        grew(
            "lessons_http_request_duration_seconds_count",
            &[("method", "GET"), ("route", "/api/v1/search")]
        ),
        SEARCHES as f64 + 1.0
    );
    let cache = |result: &str| grew("lessons_search_cache_requests_total", &[("result", result)]);
    assert_eq!((cache("miss"), cache("hit")), (SEARCHES as f64, 1.0));
    // A 404 of a routed resource keeps its pattern; an unknown path is `unmatched`.
    let missing_review = [
        ("method", "GET"),
        ("route", "/api/v1/reviews/{id}"),
        ("status", "404"),
    ];
    assert_eq!(grew("lessons_http_requests_total", &missing_review), 1.0);
    let unmatched = [("route", "unmatched"), ("status", "404")];
    assert_eq!(grew("lessons_http_requests_total", &unmatched), 1.0);
    // The denied scrapes were counted too, under the /metrics route.
    assert_eq!(
        after.value(
            "lessons_http_requests_total",
            &[("route", "/metrics"), ("status", "403")]
        ),
        1.0
    );
    // No raw path ever becomes a label.
    for route in after.routes() {
        assert!(
            !route.contains("scr-2000") && !route.contains("/no/such"),
            "a raw path as a label: {route}"
        );
    }

    // The deposit was written to the index (a draft: applied, nothing published).
    assert!(
        grew(
            "lessons_index_update_duration_seconds_count",
            &[("operation", "apply")]
        ) >= 1.0
    );
    assert!(after.value("lessons_data_bytes", &[("part", "store")]) > 0.0);
    assert!(after.value("lessons_data_bytes", &[("part", "index")]) > 0.0);
    // Public reviews: the number an anonymous search finds, not counting the draft.
    let public = server.search(&[])["total"].as_f64().expect("a total");
    assert!(public > 0.0);
    assert_eq!(after.value("lessons_reviews_public", &[]), public);
    drop(server);

    // With --public-metrics anyone may read them.
    let server = Server::start_with(&data, &["--public-metrics"]);
    let (status, _, text) = scrape(&server, None);
    assert_eq!(status, 200, "{text}");
    assert!(text.ends_with("# EOF\n"), "{text}");
}
