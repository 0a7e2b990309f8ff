//! The account commands through the real IPC (`tauri::test`, mock runtime), with the app's
//! real context (`generate_context!()`: capabilities and app manifest in force), the registry on
//! tauri-plugin-store in a temp dir and an in-memory keyring. ConnectSafely accounts go through
//! the real ConnectSafely client against the stateful fake server.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};
use tauri_plugin_store::StoreExt;

use invitedesk_lib::accounts::{AccountsOptions, HistoryEraser, MemorySecretStore, SecretStore};
use invitedesk_lib::error::AppResult;
use invitedesk_lib::providers::connectsafely::ConnectSafely;
use invitedesk_lib::providers::demo::Latency;
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::InvitationProvider;
use invitedesk_lib::state::{AppPaths, AppState};

use support::connectsafely::{AccountSeed, ConnectSafelyFake, BASE_PATH, DEFAULT_KEY};
use support::{serve_in_thread, Controls, FakeServer};

const WRONG_KEY: &str = "cs_test_WRONGWRONGWRONG99";
const NEW_KEY: &str = "cs_test_rotated_55aa66bb77cc";
const ALICE: &str = "64b7f0c2a1d3e4f5a6b7c8d9";
const BOB: &str = "64b7f0c2a1d3e4f5a6b7c8e0";

#[derive(Default)]
struct RecordingEraser(Mutex<Vec<String>>);

impl HistoryEraser for RecordingEraser {
    fn erase_account_history(&self, account_id: &str) -> AppResult<()> {
        self.0.lock().unwrap().push(account_id.to_string());
        Ok(())
    }
}

struct TestApp {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    secrets: Arc<MemorySecretStore>,
    eraser: Arc<RecordingEraser>,
    /// Where ConnectSafely clients built from now on connect.
    base_url: Arc<Mutex<String>>,
    root: PathBuf,
    _dirs: Option<tempfile::TempDir>,
    /// Every secret used in the test: no command answer may contain one.
    secrets_used: Vec<String>,
}

fn paths(root: &Path) -> AppPaths {
    AppPaths {
        data_dir: root.join("data"),
        config_dir: root.join("config"),
        cache_dir: root.join("cache"),
    }
}

/// ConnectSafely clients with short timeouts, pointed at `base_url`; demo without latency.
fn options(base_url: Arc<Mutex<String>>) -> AccountsOptions {
    AccountsOptions {
        demo_latency: Latency::NONE,
        provider_factory: Arc::new(|config| {
            Ok(Arc::new(ConnectSafely::with_http_config(
                config,
                HttpConfig::fast_test(),
            )?) as Arc<dyn InvitationProvider>)
        }),
        base_url: Arc::new(move |_| Ok(base_url.lock().unwrap().clone())),
    }
}

impl TestApp {
    fn start(base_url: &str) -> TestApp {
        let dirs = tempfile::tempdir().unwrap();
        let mut t = Self::start_at(dirs.path(), base_url);
        t._dirs = Some(dirs);
        t
    }

    /// An app whose data, config and cache dirs are under `root`.
    fn start_at(root: &Path, base_url: &str) -> TestApp {
        let app = invitedesk_lib::builder(mock_builder())
            .build(tauri::generate_context!())
            .expect("app builds");
        let secrets = Arc::new(MemorySecretStore::new());
        let eraser = Arc::new(RecordingEraser::default());
        let base_url = Arc::new(Mutex::new(base_url.to_string()));
        let state = AppState::open(
            app.handle(),
            paths(root),
            secrets.clone(),
            options(base_url.clone()),
        )
        .expect("state opens")
        .with_history_eraser(eraser.clone());
        app.manage(state);
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        TestApp {
            _app: app,
            window,
            secrets,
            eraser,
            base_url,
            root: root.to_path_buf(),
            _dirs: None,
            secrets_used: vec![DEFAULT_KEY.into(), WRONG_KEY.into(), NEW_KEY.into()],
        }
    }

    /// One IPC call. Checks that neither the answer nor the error carries a secret.
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let result = tauri::test::get_ipc_response(
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
        .map(|b| b.deserialize::<Value>().unwrap());
        let text = match &result {
            Ok(v) | Err(v) => v.to_string(),
        };
        for secret in &self.secrets_used {
            assert!(
                !text.contains(secret.as_str()),
                "{cmd} returned a secret: {text}"
            );
        }
        result
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

    fn accounts_file(&self) -> String {
        std::fs::read_to_string(self.root.join("config/accounts.json")).unwrap_or_default()
    }

    fn files_text(&self) -> String {
        let mut out = String::new();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    out.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
                }
            }
        }
        out
    }
}

fn fake_with_two_accounts(key: &str) -> (ConnectSafelyFake, FakeServer) {
    let fake = ConnectSafelyFake::new(key)
        .with_account(AccountSeed::new(ALICE).named("Alice", "Martin", "alice-martin"))
        .with_account(AccountSeed::new(BOB).named("Bob", "Okafor", "bob-okafor"));
    let router_source = fake.clone();
    let server = serve_in_thread(move || router_source.router(), Controls::new(BASE_PATH));
    (fake, server)
}

fn cs_input(key: &str) -> Value {
    json!({"provider": "connectsafely", "apiKey": key, "loginToken": null, "country": null})
}

#[test]
fn connectsafely_accounts_are_tested_added_switched_and_removed() {
    let (_fake, server) = fake_with_two_accounts(DEFAULT_KEY);
    let t = TestApp::start(&server.base_url);

    // Discover: the key is tested, nothing is saved.
    let found = t.ok("discover_accounts", json!({"input": cs_input(DEFAULT_KEY)}));
    let names: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Alice Martin", "Bob Okafor"]);
    assert!(t.secrets.entry_names().is_empty());
    assert_eq!(t.ok("list_accounts", json!({})), json!([]));

    // Add both.
    let added = t.ok(
        "add_accounts",
        json!({"input": cs_input(&format!(" {DEFAULT_KEY} ")), "remoteIds": [ALICE, BOB]}),
    );
    let added = added.as_array().unwrap();
    assert_eq!(added.len(), 2);
    let alice = added[0]["id"].as_str().unwrap().to_string();
    let bob = added[1]["id"].as_str().unwrap().to_string();
    assert_eq!(added[0]["label"], "Alice Martin");
    assert_eq!(added[0]["provider"], "connectsafely");
    assert_eq!(added[0]["remoteAccountId"], ALICE);
    assert_eq!(added[0]["status"], "ok");
    assert_eq!(added[0]["isDefault"], true);
    assert_eq!(added[1]["isDefault"], false);
    assert_eq!(
        added[0]["keyHint"],
        format!("…{}", &DEFAULT_KEY[DEFAULT_KEY.len() - 4..])
    );
    assert_eq!(added[0]["capabilities"]["listsAccounts"], true);
    assert_eq!(t.secrets.entry_names(), {
        let mut v = vec![
            format!("account:{alice}:api-key"),
            format!("account:{bob}:api-key"),
        ];
        v.sort();
        v
    });
    let file = t.accounts_file();
    assert!(file.contains(ALICE) && file.contains(BOB));

    // List, rename, switch the default.
    let listed = t.ok("list_accounts", json!({}));
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let renamed = t.ok("rename_account", json!({"id": bob, "label": "Bob (sales)"}));
    assert_eq!(renamed["label"], "Bob (sales)");
    let dup = t.err(
        "rename_account",
        json!({"id": alice, "label": "bob (SALES)"}),
    );
    assert_eq!(dup["kind"], "invalidInput");
    assert_eq!(t.ok("set_default_account", json!({"id": bob})), Value::Null);
    let listed = t.ok("list_accounts", json!({}));
    let default: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["isDefault"] == true)
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    assert_eq!(default, ["Bob (sales)"]);

    // Replace the key: a wrong one is refused and the old one stays.
    let refused = t.err(
        "replace_account_key",
        json!({"id": alice, "apiKey": WRONG_KEY, "loginToken": null}),
    );
    assert_eq!(refused["kind"], "badCredentials");
    assert_eq!(
        secrecy::ExposeSecret::expose_secret(
            &t.secrets
                .get(&format!("account:{alice}:api-key"))
                .unwrap()
                .unwrap()
        ),
        DEFAULT_KEY
    );
    // The user rotated the key at ConnectSafely: only the new key works there now.
    let (_rotated, rotated_server) = fake_with_two_accounts(NEW_KEY);
    *t.base_url.lock().unwrap() = rotated_server.base_url.clone();
    let replaced = t.ok(
        "replace_account_key",
        json!({"id": alice, "apiKey": NEW_KEY, "loginToken": null}),
    );
    assert_eq!(replaced["id"], alice);
    assert_eq!(replaced["status"], "ok");
    assert_eq!(
        replaced["keyHint"],
        format!("…{}", &NEW_KEY[NEW_KEY.len() - 4..])
    );

    // Remove: keyring entry gone; history erased only when asked.
    assert_eq!(
        t.ok("remove_account", json!({"id": bob, "deleteHistory": false})),
        Value::Null
    );
    assert!(t.eraser.0.lock().unwrap().is_empty());
    t.ok(
        "remove_account",
        json!({"id": alice, "deleteHistory": true}),
    );
    assert_eq!(*t.eraser.0.lock().unwrap(), std::slice::from_ref(&alice));
    assert!(
        t.secrets.entry_names().is_empty(),
        "keyring entries removed"
    );
    assert_eq!(t.ok("list_accounts", json!({})), json!([]));
    let missing = t.err("rename_account", json!({"id": alice, "label": "x"}));
    assert_eq!(missing["kind"], "notFound");

    // No file under the app's dirs holds a key.
    let files = t.files_text();
    for secret in &t.secrets_used {
        assert!(
            !files.contains(secret.as_str()),
            "a key was written to a file"
        );
    }
}

#[test]
fn a_wrong_key_an_expired_trial_and_no_network_each_get_their_own_message() {
    let (fake, server) = fake_with_two_accounts(DEFAULT_KEY);
    let t = TestApp::start(&server.base_url);

    let wrong = t.err("discover_accounts", json!({"input": cs_input(WRONG_KEY)}));
    assert_eq!(wrong["kind"], "badCredentials");

    fake.set_trial_expired(true);
    let trial = t.err(
        "add_accounts",
        json!({"input": cs_input(DEFAULT_KEY), "remoteIds": [ALICE]}),
    );
    assert_eq!(trial["kind"], "billing");
    fake.set_trial_expired(false);

    drop(server);
    let offline = TestApp::start("http://127.0.0.1:9");
    let net = offline.err("discover_accounts", json!({"input": cs_input(DEFAULT_KEY)}));
    assert_eq!(net["kind"], "network");

    let messages = [&wrong["message"], &trial["message"], &net["message"]];
    assert!(messages[0].as_str().unwrap().contains("refused"));
    assert!(messages[1].as_str().unwrap().contains("trial"));
    assert!(messages[2]
        .as_str()
        .unwrap()
        .contains("internet connection"));

    assert!(t.secrets.entry_names().is_empty(), "nothing in the keyring");
    assert_eq!(t.ok("list_accounts", json!({})), json!([]));
    assert_eq!(t.accounts_file(), "", "no accounts file written");

    let empty = t.err("discover_accounts", json!({"input": cs_input("   ")}));
    assert_eq!(empty["kind"], "invalidInput");
}

#[test]
fn the_demo_account_works_through_the_commands() {
    let t = TestApp::start("http://127.0.0.1:9");
    let demo = t.ok("add_demo_account", json!({}));
    let id = demo["id"].as_str().unwrap().to_string();
    assert_eq!(demo["isDemo"], true);
    assert_eq!(demo["provider"], "demo");
    assert_eq!(demo["label"], "Demo account");
    assert_eq!(demo["status"], "ok");
    assert_eq!(demo["keyHint"], Value::Null);
    assert!(t.secrets.entry_names().is_empty());

    let settings = t.ok("get_account_settings", json!({"accountId": id}));
    assert_eq!(
        settings,
        json!({
            "withdrawOlderThanDays": 30, "paceMinSecs": 2, "paceMaxSecs": 6,
            "dailyWithdrawCap": 100, "dailyAcceptCap": 50, "dailyIgnoreCap": 50, "dailySendCap": 20
        })
    );
    // Above what InviteDesk ever sends in a day on a real account: refused, with the reason.
    let greedy = t.err(
        "save_account_settings",
        json!({"accountId": id, "settings": {"withdrawOlderThanDays": 30, "paceMinSecs": 2, "paceMaxSecs": 6, "dailySendCap": 200}}),
    );
    assert_eq!(greedy["kind"], "invalidInput");
    assert!(
        greedy["message"]
            .as_str()
            .unwrap()
            .contains("connection requests must be between 1 and 30"),
        "{greedy}"
    );
    let bad = t.err(
        "save_account_settings",
        json!({"accountId": id, "settings": {"withdrawOlderThanDays": 30, "paceMinSecs": 9, "paceMaxSecs": 3, "dailyWithdrawCap": 100}}),
    );
    assert_eq!(bad["kind"], "invalidInput");
    let saved = t.ok(
        "save_account_settings",
        json!({"accountId": id, "settings": {"withdrawOlderThanDays": 45, "paceMinSecs": 3, "paceMaxSecs": 9, "dailyWithdrawCap": 80}}),
    );
    assert_eq!(saved["withdrawOlderThanDays"], 45);
    assert_eq!(
        t.ok("get_account_settings", json!({"accountId": id}))["dailyWithdrawCap"],
        80
    );

    let limits = t.ok("account_limits", json!({"accountId": id}));
    assert_eq!(limits[0]["limit"], 90);

    let replace = t.err(
        "replace_account_key",
        json!({"id": id, "apiKey": NEW_KEY, "loginToken": null}),
    );
    assert_eq!(replace["kind"], "invalidInput");

    t.ok("remove_account", json!({"id": id, "deleteHistory": true}));
    assert_eq!(t.ok("list_accounts", json!({})), json!([]));
}

#[test]
fn accounts_survive_a_restart() {
    let dirs = tempfile::tempdir().unwrap();
    let id = {
        let t = TestApp::start_at(dirs.path(), "http://127.0.0.1:9");
        let demo = t.ok("add_demo_account", json!({}));
        t.ok(
            "rename_account",
            json!({"id": demo["id"], "label": "Playground"}),
        );
        demo["id"].clone()
    };
    let t = TestApp::start_at(dirs.path(), "http://127.0.0.1:9");
    // The registry's store is detached from the plugin, whose exit hook would otherwise rewrite
    // the file with a plain (non-atomic) write.
    assert!(t
        ._app
        .get_store(dirs.path().join("config/accounts.json"))
        .is_none());
    let stored: Value = serde_json::from_str(&t.accounts_file()).unwrap();
    assert_eq!(stored["version"], 1);
    assert_eq!(stored["accounts"][0]["label"], "Playground");
    let listed = t.ok("list_accounts", json!({}));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["label"], "Playground");
    assert_eq!(t.ok("app_info", json!({}))["notices"], json!([]));
}

#[test]
fn a_damaged_accounts_file_is_moved_aside_and_the_app_starts_with_what_it_recovers() {
    let dirs = tempfile::tempdir().unwrap();
    let config = dirs.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("accounts.json"),
        r#"{"version":1,"accounts":[{"id":"a1","label":"Kept","provider":"demo","remoteAccountId":"demo-1","createdAt":"2025-05-01T10:00:00Z"},{"id":"b2","label":"Broken","provider":"myspace","createdAt":"x"}]}"#,
    )
    .unwrap();
    let t = TestApp::start_at(dirs.path(), "http://127.0.0.1:9");
    let listed = t.ok("list_accounts", json!({}));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["label"], "Kept");

    let info = t.ok("app_info", json!({}));
    let notices = info["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{info}");
    let notice = notices[0].as_str().unwrap();
    assert!(notice.contains("moved aside"), "{notice}");
    assert!(notice.contains("1 account was recovered"), "{notice}");
    let aside: Vec<_> = std::fs::read_dir(&config)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("accounts.json.damaged-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert!(notice.contains(&aside[0]));
    // The recovered account still works.
    let id = listed[0]["id"].as_str().unwrap();
    assert_eq!(
        t.ok("account_limits", json!({"accountId": id}))[0]["limit"],
        90
    );
}

#[test]
fn app_info_says_whether_the_keyring_can_be_used() {
    let t = TestApp::start("http://127.0.0.1:9");
    let info = t.ok("app_info", json!({}));
    assert_eq!(info["keyring"], json!({"available": true, "message": null}));

    t.secrets.set_unavailable(true);
    let info = t.ok("app_info", json!({}));
    assert_eq!(info["keyring"]["available"], false);
    assert!(info["keyring"]["message"]
        .as_str()
        .unwrap()
        .contains("Unlock your keyring"));
    // Adding then fails plainly, and nothing is saved.
    let (_fake, server) = fake_with_two_accounts(DEFAULT_KEY);
    *t.base_url.lock().unwrap() = server.base_url.clone();
    let e = t.err(
        "add_accounts",
        json!({"input": cs_input(DEFAULT_KEY), "remoteIds": [ALICE]}),
    );
    assert_eq!(e["kind"], "keyringUnavailable");
    assert_eq!(t.accounts_file(), "");
}
