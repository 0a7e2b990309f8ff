//! The Sent, Received, Jobs and Activity commands through the real IPC (`tauri::test`, mock
//! runtime, the app's real context so the capability is in force): argument names, JSON shapes,
//! `{kind, message}` errors, the progress events, and the CSV files in the Downloads folder.
//!
//! The first test uses in-memory providers; the second runs the real account registry and the
//! real ConnectSafely client against the stateful fake server, and counts the withdrawals the
//! server receives.

mod desk_support;
mod support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Listener, Manager, WebviewWindow};

use desk_support::{received, sent, FakeLinkedIn, TestSource, NO_PACING};
use invitedesk_lib::accounts::{AccountsOptions, MemorySecretStore};
use invitedesk_lib::desk::{DeskOptions, Paths};
use invitedesk_lib::jobs::JobConfig;
use invitedesk_lib::model::{Age, InvitationCategory, ProviderKind};
use invitedesk_lib::providers::connectsafely::ConnectSafely;
use invitedesk_lib::providers::demo::Latency;
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::InvitationProvider;

use support::connectsafely::{AccountSeed, ConnectSafelyFake, BASE_PATH, DEFAULT_KEY};
use support::{serve_in_thread, Controls};

const TEST_CONFIG: JobConfig = JobConfig {
    default_backoff: Duration::from_millis(200),
    min_backoff: Duration::from_millis(10),
};

/// The Downloads folder exports go to, in this process's temp XDG dirs.
fn downloads() -> PathBuf {
    support::xdg::isolate().join("Downloads")
}

struct TestApp {
    app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    events: Arc<Mutex<Vec<(String, Value)>>>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// The app with its desk opened as `run()` opens it, with these options, in a temp dir.
    fn start(options: DeskOptions) -> TestApp {
        downloads();
        let dir = tempfile::tempdir().unwrap();
        let app = invitedesk_lib::builder(mock_builder())
            .build(tauri::generate_context!())
            .expect("app builds");
        let root = dir.path();
        let paths = Paths {
            data_dir: root.join("data"),
            config_dir: root.join("config"),
            cache_dir: root.join("cache"),
        };
        let options = DeskOptions {
            jobs: TEST_CONFIG,
            ..options
        };
        let desk = invitedesk_lib::open_desk(
            app.handle(),
            paths,
            Arc::new(MemorySecretStore::new()),
            options,
        )
        .expect("the desk opens");
        app.manage(desk);
        let events = Arc::new(Mutex::new(Vec::new()));
        for name in ["refresh-progress", "job-progress"] {
            let sink = events.clone();
            app.listen_any(name, move |e| {
                let payload: Value = serde_json::from_str(e.payload()).unwrap();
                sink.lock().unwrap().push((name.to_string(), payload));
            });
        }
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        TestApp {
            app,
            window,
            events,
            _dir: dir,
        }
    }

    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        tauri::test::get_ipc_response(
            &self.window,
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
        .map(|b| b.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} should fail, got {v}"),
            Err(e) => e,
        }
    }

    /// Polls `list_jobs` until the job is no longer running.
    fn wait_for_job(&self, job_id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let jobs = self.ok("list_jobs", json!({}));
            let job = jobs
                .as_array()
                .unwrap()
                .iter()
                .find(|j| j["id"] == job_id)
                .cloned()
                .expect("the job is listed");
            if job["state"] != "running" && job["state"] != "paused" {
                return job;
            }
            assert!(Instant::now() < deadline, "job still running: {job}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn events(&self, name: &str) -> Vec<Value> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn keys(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sent_received_jobs_and_activity_over_ipc() {
    let alice = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 3, 40);
    let mut formula = sent("evil", "evil", Age::at_least(60));
    formula.person.name = "=HYPERLINK(\"http://x\")".into();
    alice.push_sent(formula);
    alice.push_received(received("r1", InvitationCategory::Connection));
    alice.push_received(received("r2", InvitationCategory::Newsletter));
    let bob = FakeLinkedIn::new(ProviderKind::Edges, false);
    bob.push_received(received("r3", InvitationCategory::Connection));
    let source = TestSource::new();
    source.add("A", "Alice", alice.clone(), NO_PACING);
    source.add("B", "Bob", bob.clone(), NO_PACING);
    let t = TestApp::start(DeskOptions {
        source: Some(source.clone()),
        ..DeskOptions::default()
    });

    // Opens from the (empty) cache at once, "as of" never.
    let empty = t.ok("list_sent", json!({"accountId": null}));
    assert_eq!(empty["rows"], json!([]));
    assert_eq!(
        empty["asOf"],
        json!([
            {"accountId": "A", "at": null, "partial": null},
            {"accountId": "B", "at": null, "partial": null}
        ])
    );

    let summary = t.ok("refresh_sent", json!({"accountId": null}));
    assert_eq!(summary["accounts"][0]["accountId"], "A");
    assert_eq!(summary["accounts"][0]["ok"], true);
    assert_eq!(summary["accounts"][0]["count"], 4);
    assert_eq!(summary["accounts"][0]["error"], Value::Null);
    assert_eq!(summary["accounts"][0]["complete"], true);
    assert_eq!(summary["accounts"][0]["partial"], Value::Null);
    let progress = t.events("refresh-progress");
    assert!(progress
        .iter()
        .any(|p| p["accountId"] == "A" && p["screen"] == "sent" && p["done"] == true));

    let listed = t.ok("list_sent", json!({"accountId": "A"}));
    let row = &listed["rows"][0];
    for field in [
        "key",
        "accountId",
        "accountLabel",
        "invitation",
        "firstSeenAt",
        "ageDays",
        "ageExact",
        "pinned",
        "personKey",
    ] {
        assert!(
            row.get(field).is_some(),
            "SentRow.{field} is missing: {row}"
        );
    }
    assert!(listed["asOf"][0]["at"].is_string());

    // Keep-list, then the preview skips the pinned row and says so.
    assert_eq!(
        t.ok(
            "set_pin",
            json!({"accountId": "A", "invitationId": "a1", "personKey": null, "pinned": true})
        ),
        Value::Null
    );
    let plan = t.ok(
        "preview_withdraw",
        json!({"request": {"olderThanDays": 30, "accountId": null}}),
    );
    assert_eq!(plan["action"], "withdraw");
    assert_eq!(plan["skippedPinned"], 1);
    assert_eq!(plan["items"].as_array().unwrap().len(), 3);
    assert_eq!(plan["perAccount"][0]["capLeftToday"], 100);
    assert!(plan["warnings"]
        .as_array()
        .unwrap()
        .contains(&json!({"kind": "reinviteBlock", "days": 21})));
    let plan_id = plan["planId"].as_str().unwrap().to_string();

    // The preview as CSV in Downloads, with the formula neutralised.
    let path = t.ok("export_plan_csv", json!({"planId": plan_id}));
    let path = PathBuf::from(path.as_str().unwrap());
    assert!(path.starts_with(downloads()), "{}", path.display());
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv.starts_with("Action,Account,Name,Headline,Profile,Type,Age (days)"));
    assert!(csv.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","), "{csv}");
    assert_eq!(csv.lines().count(), 4);

    // One window of the table, filtered, sorted and counted in the core (issue 15).
    let window = |text: &str, offset: u32, limit: u32| {
        t.ok(
            "sent_window",
            json!({"request": {
                "filter": {"accountId": "A", "text": text, "olderThanDays": null, "onlyKeys": null},
                "sort": {"column": "age", "descending": true},
                "offset": offset,
                "limit": limit
            }}),
        )
    };
    let page = window("", 1, 2);
    assert_eq!(page["offset"], 1);
    assert_eq!(page["rows"].as_array().unwrap().len(), 2);
    assert_eq!(page["rows"][0]["accountLabel"], "Alice");
    assert_eq!(
        (page["matching"].clone(), page["total"].clone()),
        (json!(4), json!(4))
    );
    assert_eq!(page["pinned"], 1);
    let found = window("hyperlink", 0, 50);
    assert_eq!(keys(&found["rows"]), vec!["A/evil".to_string()]);
    assert_eq!(
        (found["matching"].clone(), found["total"].clone()),
        (json!(1), json!(4))
    );

    // "Select all" as a rule, one row unticked: the preview has the others but the pinned one.
    let plan = t.ok(
        "preview_withdraw_selection",
        json!({"selection": {
            "kind": "allMatching",
            "filter": {"accountId": "A", "text": "", "olderThanDays": null, "onlyKeys": null},
            "except": ["A/evil"]
        }}),
    );
    assert_eq!(plan["skippedPinned"], 1);
    let mut planned = keys(&plan["items"]);
    planned.sort();
    assert_eq!(planned, vec!["A/a2".to_string(), "A/a3".to_string()]);
    let e = t.err(
        "preview_withdraw_selection",
        json!({"selection": {
            "kind": "allMatching",
            "filter": {"accountId": "A", "text": "nobody by this name", "olderThanDays": null, "onlyKeys": null},
            "except": []
        }}),
    );
    assert_eq!(e["kind"], "invalidInput");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("No invitation matches"),
        "{e}"
    );

    // Errors arrive as {kind, message}.
    let e = t.err("preview_withdraw", json!({"request": {"selected": []}}));
    assert_eq!(e["kind"], "invalidInput");
    assert!(e["message"].as_str().unwrap().contains("Select"));
    assert_eq!(
        t.err("start_job", json!({"planId": "nope"}))["kind"],
        "notFound"
    );
    assert_eq!(
        t.err(
            "list_activity",
            json!({"filter": {"from": "yesterday", "to": null, "accountId": null, "action": null}})
        )["kind"],
        "invalidInput"
    );

    // Run it; starting twice gives the same job.
    let job = t.ok("start_job", json!({"planId": plan_id}));
    let again = t.ok("start_job", json!({"planId": plan_id}));
    assert_eq!(job["id"], again["id"]);
    let job_id = job["id"].as_str().unwrap().to_string();
    let done = t.wait_for_job(&job_id);
    assert_eq!(done["state"], "finished");
    assert_eq!(done["succeeded"], 3);
    assert_eq!(done["total"], 3);
    for id in ["a2", "a3", "evil"] {
        assert_eq!(alice.acted_on(id), 1);
    }
    assert_eq!(alice.attempts_on("a1"), 0, "pinned");
    let items = t.ok("job_items", json!({"jobId": job_id}));
    assert!(items
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["outcome"] == "done" && i["error"].is_null() && i["at"].is_string()));
    // The journal says "finished" a moment before the last event goes out: wait for it.
    let finished_event = |e: &Value| e["job"]["state"] == "finished" && e["item"].is_null();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !t.events("job-progress").iter().any(finished_event) {
        assert!(
            std::time::Instant::now() < deadline,
            "no job-progress event saying the job finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let job_events = t.events("job-progress");
    assert!(job_events
        .iter()
        .any(|e| e["job"]["id"] == job_id.as_str() && e["item"]["outcome"] == "done"));

    // Nothing left to resume or retry; cancelling a finished job changes nothing.
    assert_eq!(
        t.err("retry_failed", json!({"jobId": job_id}))["kind"],
        "invalidInput"
    );
    assert_eq!(
        t.err("resume_job", json!({"jobId": job_id}))["kind"],
        "invalidInput"
    );
    assert_eq!(
        t.ok("cancel_job", json!({"jobId": job_id}))["state"],
        "finished"
    );
    assert_eq!(
        t.ok("discard_job", json!({"jobId": job_id}))["state"],
        "finished"
    );
    assert_eq!(
        t.err("job_items", json!({"jobId": "nope"}))["kind"],
        "notFound"
    );

    // The record.
    let withdrawn = t.ok(
        "list_activity",
        json!({"filter": {"accountId": "A", "from": null, "to": null, "action": "withdrawn"}}),
    );
    assert_eq!(withdrawn.as_array().unwrap().len(), 3);
    assert!(withdrawn[0]["reinviteAfter"].is_string());
    assert_eq!(withdrawn[0]["jobId"], job_id.as_str());
    let path = t.ok("export_activity_csv", json!({"filter": {}}));
    let csv = std::fs::read_to_string(path.as_str().unwrap()).unwrap();
    assert_eq!(csv.lines().count(), 4);
    assert!(csv.contains("'=HYPERLINK"));

    // Received: Ignore is offered where the provider has it.
    t.ok("refresh_received", json!({"accountId": null}));
    let rows = t.ok("list_received", json!({"accountId": null}))["rows"].clone();
    assert_eq!(keys(&rows), vec!["A/r1", "A/r2", "B/r3"]);
    let r3 = &rows[2];
    assert_eq!(r3["canIgnore"], false);
    assert!(r3["ignoreDisabledReason"].is_string());
    assert_eq!(
        rows[0]["invitation"]["note"], "<img src=x onerror=alert(1)>",
        "text from strangers is passed as text"
    );
    let ignore = t.ok(
        "preview_respond",
        json!({"keys": ["A/r1", "B/r3"], "response": "ignore"}),
    );
    assert_eq!(ignore["action"], "ignore");
    assert_eq!(ignore["items"].as_array().unwrap().len(), 1);
    assert_eq!(ignore["skippedOther"][0]["count"], 1);
    let accept = t.ok(
        "preview_respond",
        json!({"keys": ["A/r2", "B/r3"], "response": "accept"}),
    );
    assert!(accept["warnings"].as_array().unwrap().contains(&json!({
        "kind": "specialCategories",
        "action": "accept",
        "counts": [{"category": "newsletter", "count": 1}]
    })));
    let accepted = t.ok("start_job", json!({"planId": accept["planId"]}));
    let accepted = t.wait_for_job(accepted["id"].as_str().unwrap());
    assert_eq!(accepted["action"], "accept");
    assert_eq!(accepted["succeeded"], 2);
    assert_eq!(bob.acted_on("r3"), 1);
    let activity = t.ok("list_activity", json!({"filter": {"action": "accepted"}}));
    assert_eq!(activity.as_array().unwrap().len(), 2);

    drop(t.app);
}

/// The real registry and ConnectSafely client against the fake server.
fn cs_options(base_url: String) -> AccountsOptions {
    AccountsOptions {
        demo_latency: Latency::NONE,
        provider_factory: Arc::new(|config| {
            Ok(Arc::new(ConnectSafely::with_http_config(
                config,
                HttpConfig::fast_test(),
            )?) as Arc<dyn InvitationProvider>)
        }),
        base_url: Arc::new(move |_| Ok(base_url.clone())),
    }
}

#[test]
fn withdrawals_through_connectsafely_reach_the_server_once_each() {
    const ALICE: &str = "64b7f0c2a1d3e4f5a6b7c8d9";
    let fake = ConnectSafelyFake::new(DEFAULT_KEY).with_account(
        AccountSeed::new(ALICE)
            .named("Alice", "Martin", "alice-martin")
            .sent(12),
    );
    let router = fake.clone();
    let server = serve_in_thread(move || router.router(), Controls::new(BASE_PATH));

    let base_url = server.base_url.clone();
    let t = TestApp::start(DeskOptions {
        accounts: cs_options(base_url),
        ..DeskOptions::default()
    });

    let added = t.ok(
        "add_accounts",
        json!({
            "input": {"provider": "connectsafely", "apiKey": DEFAULT_KEY, "loginToken": null, "country": null},
            "remoteIds": [ALICE],
        }),
    );
    let account_id = added[0]["id"].as_str().unwrap().to_string();
    t.ok(
        "save_account_settings",
        json!({"accountId": account_id, "settings": {
            "withdrawOlderThanDays": 30, "paceMinSecs": 0, "paceMaxSecs": 0, "dailyWithdrawCap": 100
        }}),
    );

    let summary = t.ok("refresh_sent", json!({"accountId": account_id}));
    assert_eq!(summary["accounts"][0]["ok"], true, "{summary}");
    assert_eq!(summary["accounts"][0]["count"], 12);
    let synced = t.ok("list_accounts", json!({}));
    assert!(
        synced[0]["lastSyncedAt"].is_string(),
        "the registry hears of the refresh"
    );

    let rows = t.ok("list_sent", json!({"accountId": account_id}))["rows"].clone();
    let chosen: Vec<String> = keys(&rows).into_iter().take(3).collect();
    let plan = t.ok("preview_withdraw", json!({"request": {"selected": chosen}}));
    let plan_id = plan["planId"].as_str().unwrap();
    let job = t.ok("start_job", json!({"planId": plan_id}));
    t.ok("start_job", json!({"planId": plan_id}));
    let done = t.wait_for_job(job["id"].as_str().unwrap());
    assert_eq!(done["succeeded"], 3, "{done}");

    // A second plan over the same rows, previewed from a stale list, acts on nothing.
    let stale = t.ok("preview_withdraw", json!({"request": {"selected": chosen}}));
    assert_eq!(stale["items"], json!([]), "withdrawn rows left the cache");
    assert_eq!(server.log.count("POST", "/invitations/withdraw"), 3);
    assert_eq!(fake.sent(ALICE).len(), 9);
    let left = t.ok("list_sent", json!({"accountId": account_id}))["rows"].clone();
    assert_eq!(left.as_array().unwrap().len(), 9);
}
