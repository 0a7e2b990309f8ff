//! End-to-end tests: the real app in the real WebKitGTK window, driven through WebDriver.
//! Run with `make test-e2e` (or `cargo test --test e2e -- --ignored --test-threads=1`); the
//! harness starts its own Xvfb, D-Bus session and keyring, so no wrapper is needed.

mod accounts;
mod autopilot;
mod bench;
mod flows;
mod framebuffer;
mod harness;
mod insights;
mod insights_bench;
mod jobs;
mod linkup;
mod lists;
mod received;
mod recovery;
mod seed;
mod sent;
mod shell;
mod shortcuts;
mod startup_bench;
mod x11;

/// The fake provider servers (ConnectSafely, Edges, LinkupAPI), run in-process with
/// `support::serve_in_thread` and given to the app through `INVITEDESK_*_URL`.
#[path = "../support/mod.rs"]
mod support;
