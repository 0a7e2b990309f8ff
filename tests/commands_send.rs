//! `send_invitation` through the real IPC (`tauri::test`, the app's real context so the
//! capability is in force), with the real account registry and ConnectSafely client against the
//! stateful fake server: what reaches the server, what is refused before anything is sent, and
//! what the activity history records.

mod support;

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

use invitedesk_lib::accounts::{AccountsOptions, MemorySecretStore};
use invitedesk_lib::db::Db;
use invitedesk_lib::desk::{DeskOptions, Paths};
use invitedesk_lib::history::{self, ActivityAction, NewActivity};
use invitedesk_lib::model::InvitationCategory;
use invitedesk_lib::providers::connectsafely::ConnectSafely;
use invitedesk_lib::providers::demo::Latency;
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::InvitationProvider;

use support::connectsafely::{AccountSeed, ConnectSafelyFake, BASE_PATH, DEFAULT_KEY};
use support::{serve_in_thread, Controls, FakeServer};

const ALICE: &str = "64b7f0c2a1d3e4f5a6b7c8d9";

/// The app over the real registry, whose ConnectSafely client talks to a fresh fake holding
/// one LinkedIn account (Alice, two pending invitations), added through `add_accounts`.
struct TestApp {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    db: Arc<Db>,
    fake: ConnectSafelyFake,
    server: FakeServer,
    account_id: String,
    _dir: tempfile::TempDir,
}

fn options(base_url: String) -> AccountsOptions {
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

fn paths(root: &Path) -> Paths {
    Paths {
        data_dir: root.join("data"),
        config_dir: root.join("config"),
        cache_dir: root.join("cache"),
    }
}

impl TestApp {
    fn start() -> TestApp {
        let fake = ConnectSafelyFake::new(DEFAULT_KEY).with_account(
            AccountSeed::new(ALICE)
                .named("Alice", "Martin", "alice-martin")
                .sent(2)
                .connected_to("old-friend"),
        );
        let router = fake.clone();
        let server = serve_in_thread(move || router.router(), Controls::new(BASE_PATH));
        let dir = tempfile::tempdir().unwrap();
        support::xdg::isolate();
        let app = invitedesk_lib::builder(mock_builder())
            .build(tauri::generate_context!())
            .expect("app builds");
        let desk = invitedesk_lib::open_desk(
            app.handle(),
            paths(dir.path()),
            Arc::new(MemorySecretStore::new()),
            DeskOptions {
                accounts: options(server.base_url.clone()),
                ..DeskOptions::default()
            },
        )
        .expect("the desk opens");
        let db = desk.db.clone();
        app.manage(desk);
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        let mut t = TestApp {
            _app: app,
            window,
            db,
            fake,
            server,
            account_id: String::new(),
            _dir: dir,
        };
        let added = t.ok(
            "add_accounts",
            json!({
                "input": {"provider": "connectsafely", "apiKey": DEFAULT_KEY, "loginToken": null, "country": null},
                "remoteIds": [ALICE],
            }),
        );
        t.account_id = added[0]["id"].as_str().unwrap().to_string();
        t
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

    fn send(&self, profile_url: &str, note: Option<&str>) -> Result<Value, Value> {
        self.call(
            "send_invitation",
            json!({
                "accountId": self.account_id,
                "request": {"profileUrl": profile_url, "note": note},
            }),
        )
    }

    /// Requests the fake received from now on are those after `mark`.
    fn requests_since(&self, mark: usize) -> Vec<String> {
        self.server.log.summary().split_off(mark)
    }

    fn invited_rows(&self) -> Vec<Value> {
        self.ok("list_activity", json!({"filter": {"action": "invited"}}))
            .as_array()
            .unwrap()
            .clone()
    }
}

#[test]
fn a_request_with_a_note_reaches_connectsafely_and_is_recorded() {
    let t = TestApp::start();
    let note = "Hi Jane, we met at the Lisbon meetup.";

    let outcome = t
        .send(
            "https://fr.linkedin.com/in/jane-doe/?trk=people",
            Some(&format!("  {note}\n")),
        )
        .unwrap();
    assert_eq!(outcome, json!("done"));

    let sent = t.fake.sent(ALICE);
    assert_eq!(sent.len(), 3, "one new pending invitation");
    assert_eq!(sent[0].public_id, "jane-doe");
    let connects = t.server.log.matching("POST", "/connect");
    assert_eq!(connects.len(), 1);
    let body: Value = serde_json::from_str(&connects[0].body).unwrap();
    assert_eq!(body["customMessage"], note, "the note is sent, trimmed");
    assert_eq!(body["profileId"], "jane-doe");

    let invited = t.invited_rows();
    assert_eq!(invited.len(), 1);
    assert_eq!(invited[0]["accountId"], t.account_id.as_str());
    assert_eq!(
        invited[0]["profileUrl"],
        "https://www.linkedin.com/in/jane-doe"
    );

    // A second request to the same person: the provider's check refuses it, nothing is sent.
    let again = t
        .send("https://www.linkedin.com/in/jane-doe", None)
        .unwrap_err();
    assert_eq!(again["kind"], "alreadyInvited", "{again}");
    assert!(again["message"].as_str().unwrap().contains("jane-doe"));
    let connected = t
        .send("https://www.linkedin.com/in/old-friend", Some("Hello"))
        .unwrap_err();
    assert_eq!(connected["kind"], "alreadyConnected", "{connected}");
    assert_eq!(t.server.log.count("POST", "/connect"), 1);
    assert_eq!(t.invited_rows().len(), 1, "refusals are not recorded");
}

#[test]
fn a_long_note_or_a_wrong_address_is_refused_before_any_request() {
    let t = TestApp::start();
    let mark = t.server.log.len();

    let long = "x".repeat(301);
    let err = t
        .send("https://www.linkedin.com/in/jane-doe", Some(&long))
        .unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("301 characters as ConnectSafely counts them"),
        "{err}"
    );
    // 300 characters on screen, 301 as ConnectSafely counts (UTF-16: the emoji is 2).
    let emoji = format!("{}🎉", "x".repeat(299));
    let err = t
        .send("https://www.linkedin.com/in/jane-doe", Some(&emoji))
        .unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
    assert!(
        err["message"].as_str().unwrap().contains("301 characters"),
        "{err}"
    );
    // Control characters and bidi overrides are refused, never forwarded.
    for note in ["Hi\u{0}there", "Hi \u{1b}[2Jthere", "Hi \u{202E}ereht"] {
        let err = t
            .send("https://www.linkedin.com/in/jane-doe", Some(note))
            .unwrap_err();
        assert_eq!(err["kind"], "invalidInput");
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains("control character"),
            "{err}"
        );
    }
    let err = t
        .send("https://www.linkedin.com/company/acme", None)
        .unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("not a LinkedIn profile address"));

    assert_eq!(t.requests_since(mark), Vec::<String>::new());
    assert_eq!(t.fake.sent(ALICE).len(), 2);
    assert!(t.invited_rows().is_empty());
}

#[test]
fn a_person_withdrawn_within_21_days_is_refused_without_a_request() {
    let t = TestApp::start();
    let withdrawn_at = Utc::now() - Duration::days(4);
    let withdrawal = |account_id: &str, slug: &str| NewActivity {
        at: withdrawn_at,
        action: ActivityAction::Withdrawn,
        account_id: account_id.into(),
        account_label: "Alice".into(),
        invitation_id: Some("inv-1".into()),
        name: "Jane Doe".into(),
        profile_url: Some(format!("https://www.linkedin.com/in/{slug}")),
        category: InvitationCategory::Connection,
        sent_at: None,
        sent_text: Some("1 month ago".into()),
        days_pending: Some(30),
        job_id: Some("job-1".into()),
    };
    t.db.write(|tx| history::record(tx, &withdrawal(&t.account_id, "jane-doe")))
        .unwrap();
    // Another account's withdrawal does not block this one.
    t.db.write(|tx| history::record(tx, &withdrawal("other-account", "sam-lee")))
        .unwrap();
    let mark = t.server.log.len();

    let err = t
        .send("https://www.linkedin.com/in/Jane-Doe/", Some("Hello again"))
        .unwrap_err();
    assert_eq!(err["kind"], "alreadyInvited", "{err}");
    let day = withdrawn_at
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%d")
        .to_string();
    assert!(err["message"].as_str().unwrap().contains(&day), "{err}");
    assert_eq!(t.requests_since(mark), Vec::<String>::new());
    assert_eq!(t.fake.sent(ALICE).len(), 2);

    assert_eq!(
        t.send("https://www.linkedin.com/in/sam-lee", None),
        Ok(json!("done"))
    );
}

/// Issue 13 through the IPC: the do-not-contact list (import, flags on Sent, the one-click
/// withdrawal preview) and Send's refusal; withdraw by list against the fake's pending list.
#[test]
fn the_do_not_contact_list_flags_sent_refuses_send_and_a_list_previews_its_matches() {
    let t = TestApp::start();
    t.ok("refresh_sent", json!({"accountId": null}));
    let pending = t.fake.sent(ALICE);
    let (first, second) = (&pending[0], &pending[1]);

    let imported = t.ok(
        "import_do_not_contact",
        json!({"text": format!("https://de.linkedin.com/in/{}/\nJane Doe\n", first.public_id)}),
    );
    assert_eq!(imported["added"], 1);
    let rejected = imported["notRecognised"].as_array().unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["line"], 2);
    assert!(rejected[0]["reason"].as_str().unwrap().contains("spaces"));

    let flags = t.ok("sent_flags", json!({}));
    let flagged_key = format!("{}/{}", t.account_id, first.id);
    assert_eq!(flags["doNotContact"], json!([flagged_key]));
    assert_eq!(flags["duplicates"], json!([]));
    let plan = t.ok(
        "preview_withdraw_do_not_contact",
        json!({"accountId": null}),
    );
    assert_eq!(plan["items"].as_array().unwrap().len(), 1);
    assert_eq!(plan["items"][0]["key"], flagged_key.as_str());

    let mark = t.server.log.len();
    let refused = t
        .send(
            &format!("https://www.linkedin.com/in/{}", first.public_id),
            None,
        )
        .unwrap_err();
    assert_eq!(refused["kind"], "invalidInput", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("do-not-contact list"),
        "{refused}"
    );
    assert_eq!(
        t.requests_since(mark),
        Vec::<String>::new(),
        "nothing reached the provider"
    );

    let preview = t.ok(
        "preview_withdraw_list",
        json!({
            "text": format!("urn:li:fsd_profile:{}\nnobody-here\n", second.member_id),
            "accountId": t.account_id,
        }),
    );
    assert_eq!(
        (preview["matched"].clone(), preview["notPending"].clone()),
        (json!(1), json!(1))
    );
    let statuses: Vec<&str> = preview["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["matched", "notPending"]);
    assert_eq!(
        preview["plan"]["items"][0]["key"],
        format!("{}/{}", t.account_id, second.id).as_str()
    );

    let entries = t.ok("list_do_not_contact", json!({}));
    let key = entries[0]["personKey"].as_str().unwrap().to_string();
    t.ok("remove_do_not_contact", json!({"personKey": key}));
    assert_eq!(t.ok("sent_flags", json!({}))["doNotContact"], json!([]));
}
