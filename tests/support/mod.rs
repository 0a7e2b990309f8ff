//! Local fake provider servers for tests, benchmarks and the `fake-providers` example.
//!
//! Each provider has a module with a stateful fake (`connectsafely`; `edges` and `linkup` sit
//! beside it) that builds an axum `Router`. [`serve`] puts any router behind the shared
//! instrumentation (request log, latency, fault queue: see [`faults`]) on `127.0.0.1:0` in a
//! background tokio task and returns a [`FakeServer`] with the base URL to give the client.
//!
//! ```ignore
//! let fake = connectsafely::ConnectSafelyFake::new("cs_key").with_account(seed);
//! let server = fake.start().await;              // inside a #[tokio::test]
//! let client = ConnectSafely::with_http_config(config_for(&server.base_url), HttpConfig::fast_test());
//! server.faults.inject(Some("GET"), "/invitations/sent", 1, Fault::server_error());
//! assert_eq!(server.log.count("GET", "/invitations/sent"), 26);
//! ```
//!
//! Outside a tokio runtime (the e2e harness), [`serve_in_thread`] runs the fake on its own
//! thread and runtime until the returned server is dropped.
//!
//! This module is shared by several test crates; each uses part of it.
#![allow(dead_code)]

pub mod connectsafely;
pub mod edges;
pub mod faults;
pub mod linkup;
/// Generated members for the Edges and LinkupAPI fakes' seeds.
pub mod people;
pub mod xdg;

use std::net::SocketAddr;

use axum::Router;

#[allow(unused_imports)]
pub use faults::{Controls, Fault, Faults, LoggedRequest, RequestLog};

/// A running fake. Dropping it stops the server.
pub struct FakeServer {
    /// `http://127.0.0.1:<port>`
    pub origin: String,
    /// What the client should use as its base URL (`origin` + the provider's base path).
    pub base_url: String,
    pub addr: SocketAddr,
    pub faults: Faults,
    pub log: RequestLog,
    stop: Stopper,
}

enum Stopper {
    Task(tokio::task::JoinHandle<()>),
    Thread(Option<tokio::sync::oneshot::Sender<()>>),
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        match &mut self.stop {
            Stopper::Task(handle) => handle.abort(),
            Stopper::Thread(tx) => {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(());
                }
            }
        }
    }
}

impl FakeServer {
    /// Every request so far as "METHOD path?query" lines (for assertion messages).
    pub fn requests(&self) -> Vec<String> {
        self.log.summary()
    }
}

/// Wraps `router` in the instrumentation middleware of `controls`.
pub fn instrument(router: Router, controls: &Controls) -> Router {
    router.layer(axum::middleware::from_fn_with_state(
        controls.clone(),
        faults::instrument,
    ))
}

/// Serves `router` on `127.0.0.1:0` in a task of the current tokio runtime.
pub async fn serve(router: Router, controls: Controls) -> FakeServer {
    serve_on("127.0.0.1:0".parse().expect("addr"), router, controls)
        .await
        .expect("bind a loopback port for the fake server")
}

/// Serves `router` on `addr` (the standalone `fake-providers` process picks its ports).
pub async fn serve_on(
    addr: SocketAddr,
    router: Router,
    controls: Controls,
) -> std::io::Result<FakeServer> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = instrument(router, &controls);
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(server_for(addr, controls, Stopper::Task(handle)))
}

/// Serves on a dedicated thread with its own runtime, for callers without a tokio runtime.
/// `make_router` runs on that thread.
pub fn serve_in_thread(
    make_router: impl FnOnce() -> Router + Send + 'static,
    controls: Controls,
) -> FakeServer {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread_controls = controls.clone();
    std::thread::Builder::new()
        .name("fake-provider".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("fake server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind a loopback port for the fake server");
                addr_tx
                    .send(listener.local_addr().expect("local addr"))
                    .expect("report the address");
                let app = instrument(make_router(), &thread_controls);
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await;
            });
        })
        .expect("spawn the fake server thread");
    let addr = addr_rx.recv().expect("fake server started");
    server_for(addr, controls, Stopper::Thread(Some(stop_tx)))
}

fn server_for(addr: SocketAddr, controls: Controls, stop: Stopper) -> FakeServer {
    let origin = format!("http://{addr}");
    FakeServer {
        base_url: format!("{origin}{}", controls.base_path),
        origin,
        addr,
        faults: controls.faults,
        log: controls.log,
        stop,
    }
}

/// JSON answer helper for the fakes: status + body.
pub fn json_response(
    status: u16,
    body: serde_json::Value,
) -> (axum::http::StatusCode, axum::Json<serde_json::Value>) {
    (
        axum::http::StatusCode::from_u16(status).expect("status"),
        axum::Json(body),
    )
}

/// The prefix of an invitation urn as LinkedIn (and so both LinkedIn-backed fakes) writes it.
pub const INVITATION_URN_PREFIX: &str = "urn:li:fsd_invitation:";

/// `urn:li:fsd_invitation:<id>`: the urn of an invitation the Edges or Linkup fake holds.
pub fn invitation_urn(id: u64) -> String {
    format!("{INVITATION_URN_PREFIX}{id}")
}
