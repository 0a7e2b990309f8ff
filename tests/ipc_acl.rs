//! The webview may call exactly our own commands and the core permissions on a reviewed list,
//! and only from the main window.
//!
//! Built with `generate_context!()`, so the real `tauri.conf.json`, `capabilities/` and app
//! manifest (from `build.rs`) are in force, as in the shipped app.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

use invitedesk_lib::command_names::COMMANDS;

fn invoke(w: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        w,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize().unwrap())
}

fn refused_by_acl(result: &Result<Value, Value>) -> bool {
    matches!(result, Err(Value::String(s)) if s.contains("not allowed"))
}

fn capability_permissions() -> Vec<String> {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/default.json"),
    )
    .unwrap();
    let cap: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(cap["windows"], json!(["main"]));
    cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

/// The core permissions the UI uses, reviewed one by one. `api.ts` subscribes to the app's
/// events (`listen`, and `unlisten` when a screen goes away); it calls no window, app, path or
/// emit API. A new entry here needs a reason: the page is the least trusted part of the app.
const REVIEWED_CORE: &[&str] = &["core:event:allow-listen", "core:event:allow-unlisten"];

#[test]
fn the_capability_grants_every_command_and_nothing_broader() {
    let granted: BTreeSet<String> = capability_permissions()
        .into_iter()
        .filter(|p| p.starts_with("allow-"))
        .collect();
    let declared: BTreeSet<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert_eq!(
        granted, declared,
        "capabilities/default.json vs command_names.rs"
    );
    for p in capability_permissions() {
        assert!(
            p.starts_with("allow-") || REVIEWED_CORE.contains(&p.as_str()),
            "{p} is granted to the webview but not on the reviewed list (REVIEWED_CORE)"
        );
    }
    for p in capability_permissions() {
        assert!(
            !p.contains("emit") && !p.contains("path") && !p.ends_with(":default"),
            "the page must not emit events (it could fake job progress), resolve paths or get \
             a default set: {p}"
        );
    }
}

#[test]
fn commands_run_in_the_main_window_and_are_refused_elsewhere() {
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("XDG_DATA_HOME", data.path().join("data"));
    std::env::set_var("XDG_CONFIG_HOME", data.path().join("config"));
    std::env::set_var("XDG_CACHE_HOME", data.path().join("cache"));

    let app = invitedesk_lib::builder(mock_builder())
        .build(tauri::generate_context!())
        .expect("app builds");
    let main = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let other = tauri::WebviewWindowBuilder::new(&app, "other", Default::default())
        .build()
        .unwrap();

    for cmd in COMMANDS {
        // Arguments are deliberately empty: we only care whether the ACL let the call through
        // and whether a handler exists (missing state or arguments fail later, differently).
        let in_main = invoke(&main, cmd, json!({}));
        assert!(
            !refused_by_acl(&in_main),
            "{cmd} must be allowed in main: {in_main:?}"
        );
        assert!(
            !matches!(&in_main, Err(Value::String(s)) if s.contains("not found")),
            "{cmd} is declared but not in generate_handler!: {in_main:?}"
        );
        let in_other = invoke(&other, cmd, json!({}));
        assert!(
            refused_by_acl(&in_other),
            "{cmd} must be refused in a window outside the capability: {in_other:?}"
        );
    }

    let unknown = invoke(&main, "plugin:store|load", json!({"path": "/tmp/x.json"}));
    assert!(
        refused_by_acl(&unknown),
        "the store plugin must not be reachable from the webview: {unknown:?}"
    );

    // The core: listening is what the UI does; faking progress or reading paths is refused.
    let listen = invoke(
        &main,
        "plugin:event|listen",
        json!({"event": "job-progress", "target": {"kind": "Any"}, "handler": 7}),
    );
    assert!(
        !refused_by_acl(&listen),
        "the UI listens to events: {listen:?}"
    );
    for (cmd, args) in [
        (
            "plugin:event|emit",
            json!({"event": "job-progress", "payload": {"jobId": "x", "done": 99}}),
        ),
        (
            "plugin:event|emit_to",
            json!({"target": {"kind": "Any"}, "event": "job-progress", "payload": {}}),
        ),
        ("plugin:path|resolve_directory", json!({"directory": 1})),
        ("plugin:window|close", json!({"label": "main"})),
        ("plugin:app|version", json!({})),
        (
            "plugin:webview|create_webview_window",
            json!({"options": {"label": "x"}}),
        ),
        // Autopilot's notifications are sent from Rust: the page may not raise one (it could
        // claim a run that never happened) nor ask for the permission.
        (
            "plugin:notification|notify",
            json!({"options": {"title": "Withdrew 99 invitations"}}),
        ),
        ("plugin:notification|request_permission", json!({})),
        ("plugin:notification|is_permission_granted", json!({})),
        // Nor steer the tray (its menu runs rules and pauses autopilot).
        ("plugin:tray|new", json!({"options": {}})),
    ] {
        let result = invoke(&main, cmd, args);
        assert!(
            refused_by_acl(&result),
            "{cmd} must be refused to the page: {result:?}"
        );
    }
}
