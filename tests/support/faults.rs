//! Fault injection and the request log shared by every fake provider.
//!
//! `Controls` is cloned into the fake's middleware and kept by the test. Every request is
//! logged first (method, path relative to the fake's base, query, body, headers), then the fault
//! queue is consulted: the first rule whose method and path match takes the request and counts
//! down. So "the next 2 GETs of /invitations/sent get a 502" is
//!
//! ```ignore
//! server.faults.inject(Some("GET"), "/invitations/sent", 2, Fault::status(502, json!({...})));
//! ```
//!
//! A write can also be held past the client's timeout and applied late, after the client hung
//! up (`Fault::ApplyLate`), or held and never passed on (`Fault::HoldThenFail`);
//! `Faults::wait_unheld` waits until every held request has been answered.
//!
//! Paths are relative to the fake's base path (`/linkedin` for ConnectSafely); a rule path ending
//! in `*` matches by prefix, and `"*"` matches everything.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What happens to a request a rule catches.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer this instead of the fake; the request has no effect.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        content_type: &'static str,
        body: String,
    },
    /// Wait, then let the fake answer normally (longer than the client timeout = a timeout).
    Delay(Duration),
    /// Cut the connection without a usable answer; the request has no effect.
    DropBefore,
    /// Let the fake handle the request (state changes!), then cut the connection before the
    /// answer's body: the client cannot know that it worked.
    DropAfter,
    /// Hold the request this long, then let the fake handle it (state changes!) and answer,
    /// in a task detached from the client's connection: longer than the client timeout, the
    /// client gives up and hangs up, and the change still lands afterwards, as a slow provider
    /// that queued the request does. (`Delay` is not that: axum drops a handler's future when
    /// its client disconnects, so a delayed request the client gave up on may never apply.)
    ApplyLate(Duration),
    /// Hold the request this long, then answer 504 without passing it on: it never has an
    /// effect (a gateway that gave up). Longer than the client timeout = a timed-out write
    /// that did not happen.
    HoldThenFail(Duration),
}

impl Fault {
    /// A JSON answer with this status.
    pub fn status(status: u16, body: serde_json::Value) -> Fault {
        Fault::Respond {
            status,
            headers: Vec::new(),
            content_type: "application/json",
            body: body.to_string(),
        }
    }

    /// 429 with `Retry-After` (seconds or an HTTP date) and a generic body.
    pub fn rate_limited(retry_after: &str) -> Fault {
        Fault::status(429, serde_json::json!({"error": "Too many requests"}))
            .with_header("Retry-After", retry_after)
    }

    /// 429 without `Retry-After`.
    pub fn rate_limited_no_header() -> Fault {
        Fault::status(429, serde_json::json!({"error": "Too many requests"}))
    }

    /// 500 with a generic body.
    pub fn server_error() -> Fault {
        Fault::status(500, serde_json::json!({"error": "Internal server error"}))
    }

    /// 503 with `Retry-After`.
    pub fn unavailable(retry_after: &str) -> Fault {
        Fault::status(503, serde_json::json!({"error": "Service unavailable"}))
            .with_header("Retry-After", retry_after)
    }

    /// A proxy's HTML error page (Cloudflare-style) with this status.
    pub fn html(status: u16) -> Fault {
        Fault::Respond {
            status,
            headers: Vec::new(),
            content_type: "text/html; charset=utf-8",
            body: format!(
                "<!DOCTYPE html>\n<html><head><title>{status} | Gateway error</title></head>\n\
                 <body><h1>Error {status}</h1><p>The origin server did not answer.</p>\n\
                 <p>Ray ID: 8f1c2a3b4d5e6f70</p></body></html>"
            ),
        }
    }

    /// 200 whose body is cut-off JSON.
    pub fn invalid_json() -> Fault {
        Fault::Respond {
            status: 200,
            headers: Vec::new(),
            content_type: "application/json",
            body: r#"{"success": true, "invitations": [{"id": "74553016"#.to_string(),
        }
    }

    pub fn delay(ms: u64) -> Fault {
        Fault::Delay(Duration::from_millis(ms))
    }

    pub fn apply_late(ms: u64) -> Fault {
        Fault::ApplyLate(Duration::from_millis(ms))
    }

    pub fn hold_then_fail(ms: u64) -> Fault {
        Fault::HoldThenFail(Duration::from_millis(ms))
    }

    /// Adds a header to a `Respond` fault (no effect on the others).
    pub fn with_header(mut self, name: &str, value: &str) -> Fault {
        if let Fault::Respond { headers, .. } = &mut self {
            headers.push((name.to_string(), value.to_string()));
        }
        self
    }
}

#[derive(Debug, Clone)]
struct Rule {
    method: Option<String>,
    path: String,
    remaining: u32,
    fault: Fault,
}

impl Rule {
    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        };
        method_ok && path_ok && self.remaining > 0
    }
}

#[derive(Debug, Default)]
struct FaultState {
    rules: VecDeque<Rule>,
    latency: Duration,
    /// Requests held by `ApplyLate` or `HoldThenFail` that have not been answered yet.
    held: usize,
    /// Requests `ApplyLate` let through to the fake after their hold.
    applied_late: usize,
    /// Time the fake itself spent answering requests passed on untouched (benchmarks subtract
    /// it: the fake's own work is not the client's).
    served: Duration,
}

/// The shared fault queue. Clone freely; all clones see the same queue.
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<FaultState>>);

impl Faults {
    /// The next `times` requests matching `method` (any when `None`) and `path` get `fault`.
    pub fn inject(&self, method: Option<&str>, path: &str, times: u32, fault: Fault) {
        lock(&self.0).rules.push_back(Rule {
            method: method.map(str::to_string),
            path: path.to_string(),
            remaining: times,
            fault,
        });
    }

    /// The next `passing` requests matching `method` and `path` are answered as usual, and the
    /// `times` after them get `fault` (a failure part-way through a listing).
    pub fn inject_after(
        &self,
        method: Option<&str>,
        path: &str,
        passing: u32,
        times: u32,
        fault: Fault,
    ) {
        self.inject(method, path, passing, Fault::delay(0));
        self.inject(method, path, times, fault);
    }

    /// Extra latency added to every request (benchmarks), before any fault.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.0).latency = latency;
    }

    /// Time the fake spent answering requests without a fault since the last
    /// `clear_served` (its handlers only: not the latency, not the network).
    pub fn served(&self) -> Duration {
        lock(&self.0).served
    }

    pub fn clear_served(&self) {
        lock(&self.0).served = Duration::ZERO;
    }

    /// Faults injected but not consumed yet.
    pub fn pending(&self) -> u32 {
        lock(&self.0).rules.iter().map(|r| r.remaining).sum()
    }

    pub fn clear(&self) {
        lock(&self.0).rules.clear();
    }

    /// Requests held (`ApplyLate`, `HoldThenFail`) and not answered yet.
    pub fn held(&self) -> usize {
        lock(&self.0).held
    }

    /// Requests an `ApplyLate` fault has let through to the fake so far.
    pub fn applied_late(&self) -> usize {
        lock(&self.0).applied_late
    }

    /// Waits until no request is held any more (each late write has landed), at most `limit`.
    pub async fn wait_unheld(&self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while self.held() > 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "a held request was still not answered after {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn hold(&self) {
        lock(&self.0).held += 1;
    }

    fn release(&self, applied: bool) {
        let mut state = lock(&self.0);
        state.held -= 1;
        if applied {
            state.applied_late += 1;
        }
    }

    fn take(&self, method: &str, path: &str) -> (Duration, Option<Fault>) {
        let mut state = lock(&self.0);
        let latency = state.latency;
        let Some(rule) = state.rules.iter_mut().find(|r| r.matches(method, path)) else {
            return (latency, None);
        };
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        state.rules.retain(|r| r.remaining > 0);
        (latency, Some(fault))
    }
}

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    pub method: String,
    /// Relative to the fake's base path (`/invitations/sent`).
    pub path: String,
    /// The raw query string, without `?` (empty when none).
    pub query: String,
    pub body: String,
    pub headers: HeaderMap,
}

impl LoggedRequest {
    /// A query parameter, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Every request a fake received, in order.
#[derive(Debug, Clone, Default)]
pub struct RequestLog(Arc<Mutex<Vec<LoggedRequest>>>);

impl RequestLog {
    pub fn all(&self) -> Vec<LoggedRequest> {
        lock(&self.0).clone()
    }

    pub fn len(&self) -> usize {
        lock(&self.0).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Requests with this method and exact path.
    pub fn matching(&self, method: &str, path: &str) -> Vec<LoggedRequest> {
        lock(&self.0)
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
            .cloned()
            .collect()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.matching(method, path).len()
    }

    /// Compact "METHOD path" lines, for assertion messages.
    pub fn summary(&self) -> Vec<String> {
        lock(&self.0)
            .iter()
            .map(|r| {
                if r.query.is_empty() {
                    format!("{} {}", r.method, r.path)
                } else {
                    format!("{} {}?{}", r.method, r.path, r.query)
                }
            })
            .collect()
    }

    pub fn clear(&self) {
        lock(&self.0).clear();
    }

    fn push(&self, request: LoggedRequest) {
        lock(&self.0).push(request);
    }
}

/// What a test holds to steer and observe a fake.
#[derive(Debug, Clone, Default)]
pub struct Controls {
    pub faults: Faults,
    pub log: RequestLog,
    /// The fake's base path (`/linkedin`), stripped from logged and matched paths.
    pub base_path: String,
}

impl Controls {
    pub fn new(base_path: &str) -> Self {
        Controls {
            base_path: base_path.trim_end_matches('/').to_string(),
            ..Default::default()
        }
    }

    fn relative<'a>(&self, path: &'a str) -> &'a str {
        match path.strip_prefix(self.base_path.as_str()) {
            Some(rest) if !self.base_path.is_empty() && rest.starts_with('/') => rest,
            _ => path,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not poison the fake for the others.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The middleware every fake runs behind (see `super::serve`): log, latency, faults.
pub async fn instrument(
    State(controls): State<Controls>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let method = parts.method.to_string();
    let path = controls.relative(parts.uri.path()).to_string();
    controls.log.push(LoggedRequest {
        method: method.clone(),
        path: path.clone(),
        query: parts.uri.query().unwrap_or("").to_string(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        headers: parts.headers.clone(),
    });
    let (latency, fault) = controls.faults.take(&method, &path);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let request = Request::from_parts(parts, Body::from(bytes));
    match fault {
        None => {
            let started = std::time::Instant::now();
            let answered = next.run(request).await;
            lock(&controls.faults.0).served += started.elapsed();
            answered
        }
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            next.run(request).await
        }
        Some(Fault::Respond {
            status,
            headers,
            content_type,
            body,
        }) => canned(status, &headers, content_type, body),
        Some(Fault::DropBefore) => cut_off(StatusCode::OK, HeaderMap::new()),
        Some(Fault::DropAfter) => {
            let answered = next.run(request).await;
            let (parts, _) = answered.into_parts();
            cut_off(parts.status, parts.headers)
        }
        Some(Fault::ApplyLate(d)) => {
            // Spawned, so the client hanging up (which drops this future) cannot stop it.
            let faults = controls.faults.clone();
            faults.hold();
            let late = tokio::spawn(async move {
                tokio::time::sleep(d).await;
                let answered = next.run(request).await;
                faults.release(true);
                answered
            });
            late.await.unwrap_or_else(|_| {
                canned(
                    500,
                    &[],
                    "text/plain",
                    "fault injection: late task failed".into(),
                )
            })
        }
        Some(Fault::HoldThenFail(d)) => {
            let faults = controls.faults.clone();
            faults.hold();
            let held = tokio::spawn(async move {
                tokio::time::sleep(d).await;
                faults.release(false);
            });
            let _ = held.await;
            canned(
                504,
                &[],
                "text/html; charset=utf-8",
                "<html><body><h1>504 Gateway Time-out</h1></body></html>".into(),
            )
        }
    }
}

fn canned(status: u16, headers: &[(String, String)], content_type: &str, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).expect("content type"),
    );
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            h.insert(n, v);
        }
    }
    response
}

/// A response whose body fails at once: hyper sends the head (maybe) and then closes the
/// connection, so the client never gets a complete answer.
fn cut_off(status: StatusCode, mut headers: HeaderMap) -> Response {
    headers.remove(axum::http::header::CONTENT_LENGTH);
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "fault injection: connection dropped",
        ))
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}
