//! The keyring layer and the account flows against the REAL Secret Service (gnome-keyring).
//!
//! Ignored by default: they need a D-Bus session with an unlocked, throwaway keyring. Run them
//! through the wrapper, which also gives them a throwaway HOME:
//!
//! ```sh
//! tests/with-keyring.sh cargo test --test keyring_real -- --ignored --test-threads=1
//! ```
//!
//! Every test refuses to run unless HOME is a temp dir, so they never touch a developer's own
//! keyring. One thread: keyring-rs' CI does the same to avoid D-Bus races.

mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};

use secrecy::ExposeSecret;

use invitedesk_lib::accounts::{
    AccountStatus, Accounts, AccountsOptions, JsonFileStorage, KeyringStore, NewAccountInput,
    SecretStore,
};
use invitedesk_lib::error::ErrorKind;
use invitedesk_lib::providers::connectsafely::ConnectSafely;
use invitedesk_lib::providers::demo::Latency;
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::InvitationProvider;

use support::connectsafely::{AccountSeed, ConnectSafelyFake, DEFAULT_KEY};

const CHILD_ENV: &str = "INVITEDESK_KEYRING_TEST_CHILD";
const CHILD_DONE: &str = "keyring-child-checks-passed";

/// Panics unless HOME is a throwaway directory (as set up by `tests/with-keyring.sh`).
fn require_throwaway_keyring() {
    let home = std::env::var("HOME").unwrap_or_default();
    let tmp = std::env::temp_dir();
    let tmp = tmp.canonicalize().unwrap_or(tmp);
    let home = Path::new(&home);
    let home = home.canonicalize().unwrap_or_else(|_| home.to_path_buf());
    assert!(
        home.starts_with(&tmp),
        "HOME={} is not a temp dir: run these tests through tests/with-keyring.sh so they use a \
         throwaway keyring, never your own",
        home.display()
    );
}

/// An entry name no other test (or run) uses.
fn unique_entry(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test:{what}:{}:{nanos}", std::process::id())
}

#[test]
#[ignore = "needs a real, unlocked Secret Service: run through tests/with-keyring.sh"]
fn set_read_back_through_a_new_store_overwrite_and_delete() {
    require_throwaway_keyring();
    let entry = unique_entry("round-trip");

    KeyringStore::new()
        .set(&entry, "sk_live_first_value_1234")
        .unwrap();
    let read = KeyringStore::new().get(&entry).unwrap().expect("stored");
    assert_eq!(read.expose_secret(), "sk_live_first_value_1234");

    KeyringStore::new()
        .set(&entry, "sk_live_second_value_5678")
        .unwrap();
    let read = KeyringStore::new().get(&entry).unwrap().expect("stored");
    assert_eq!(
        read.expose_secret(),
        "sk_live_second_value_5678",
        "overwritten, not duplicated"
    );

    KeyringStore::new().delete(&entry).unwrap();
    assert!(KeyringStore::new().get(&entry).unwrap().is_none());
    KeyringStore::new()
        .delete(&entry)
        .expect("deleting a missing entry is fine");
}

#[test]
#[ignore = "needs a real, unlocked Secret Service: run through tests/with-keyring.sh"]
fn long_and_non_ascii_values_round_trip() {
    require_throwaway_keyring();
    let entry = unique_entry("unicode");
    let value = format!("AQEDAR-é-ß-日本-🔑-{}", "x".repeat(3000));
    KeyringStore::new().set(&entry, &value).unwrap();
    assert_eq!(
        KeyringStore::new()
            .get(&entry)
            .unwrap()
            .unwrap()
            .expose_secret(),
        value
    );
    KeyringStore::new().delete(&entry).unwrap();
}

#[test]
#[ignore = "needs a real, unlocked Secret Service: run through tests/with-keyring.sh"]
fn the_probe_sees_a_usable_keyring_and_leaves_nothing_behind() {
    require_throwaway_keyring();
    let status = KeyringStore::new().probe();
    assert!(status.available, "{status:?}");
    assert_eq!(status.message, None);
    assert!(KeyringStore::new().get("probe:writable").unwrap().is_none());
}

/// Re-runs this test in a child process whose D-Bus session address points at a socket that
/// does not exist, so no keyring is reachable there; the child checks the errors.
#[test]
#[ignore = "needs a real, unlocked Secret Service: run through tests/with-keyring.sh"]
fn no_reachable_keyring_gives_a_clear_error() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return check_without_keyring();
    }
    require_throwaway_keyring();
    let dir = tempfile::tempdir().unwrap();
    let dead_socket = dir.path().join("no-bus-here");
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "no_reachable_keyring_gives_a_clear_error",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", dead_socket.display()),
        )
        .env_remove("DISPLAY")
        .output()
        .expect("run the child test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains(CHILD_DONE),
        "child failed:\n{stdout}\n{stderr}"
    );
}

fn check_without_keyring() {
    let store = KeyringStore::new();
    let entry = unique_entry("unreachable");
    for result in [
        store.get(&entry).map(|_| ()),
        store.set(&entry, "sk_live_never_stored_4242"),
        store.delete(&entry),
    ] {
        let e = result.expect_err("no keyring is reachable");
        assert_eq!(e.kind, ErrorKind::KeyringUnavailable);
        assert!(
            e.message.contains("GNOME Keyring") && e.message.contains("try again"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("sk_live_never_stored_4242"));
    }
    let status = store.probe();
    assert!(!status.available);
    assert!(status.message.unwrap().contains("keyring"));
    println!("{CHILD_DONE}");
}

/// Registry in `dir`, secrets in the real keyring, ConnectSafely through the fake at `base`.
fn registry(dir: &Path, base: &Arc<Mutex<String>>) -> Accounts {
    let base = base.clone();
    Accounts::open(
        Box::new(JsonFileStorage::new(dir.join("accounts.json"))),
        Arc::new(KeyringStore::new()),
        AccountsOptions {
            demo_latency: Latency::NONE,
            provider_factory: Arc::new(|config| {
                Ok(Arc::new(ConnectSafely::with_http_config(
                    config,
                    HttpConfig::fast_test(),
                )?) as Arc<dyn InvitationProvider>)
            }),
            base_url: Arc::new(move |_| Ok(base.lock().unwrap().clone())),
        },
    )
}

fn cs_input(key: &str) -> NewAccountInput {
    serde_json::from_value(serde_json::json!({
        "provider": "connectsafely", "apiKey": key, "loginToken": null, "country": null
    }))
    .unwrap()
}

fn stored_key(account_id: &str) -> Option<String> {
    KeyringStore::new()
        .get(&format!("account:{account_id}:api-key"))
        .unwrap()
        .map(|s| s.expose_secret().to_string())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a real, unlocked Secret Service: run through tests/with-keyring.sh"]
async fn account_flows_keep_keys_in_the_real_keyring() {
    require_throwaway_keyring();
    let alice = "64b7f0c2a1d3e4f5a6b7c8d9";
    let bob = "64b7f0c2a1d3e4f5a6b7c8e0";
    let fake = ConnectSafelyFake::new(DEFAULT_KEY)
        .with_account(AccountSeed::new(alice).named("Alice", "Martin", "alice-martin"))
        .with_account(AccountSeed::new(bob).named("Bob", "Okafor", "bob-okafor"));
    let server = fake.start().await;
    let base = Arc::new(Mutex::new(server.base_url.clone()));
    let dir = tempfile::tempdir().unwrap();

    // Add: metadata in the file, one keyring entry per account.
    let accounts = registry(dir.path(), &base);
    let added = accounts
        .add(
            &cs_input(DEFAULT_KEY),
            &[alice.to_string(), bob.to_string()],
        )
        .await
        .unwrap();
    let (a, b) = (added[0].id.clone(), added[1].id.clone());
    assert_eq!(stored_key(&a).as_deref(), Some(DEFAULT_KEY));
    assert_eq!(stored_key(&b).as_deref(), Some(DEFAULT_KEY));
    let file = std::fs::read_to_string(dir.path().join("accounts.json")).unwrap();
    assert!(!file.contains(DEFAULT_KEY));

    // A restart reads the keys back from the keyring and uses them.
    let accounts = registry(dir.path(), &base);
    let view = accounts.get(&a).unwrap();
    assert_eq!(view.status, AccountStatus::Ok);
    assert_eq!(
        view.key_hint,
        Some(format!("…{}", &DEFAULT_KEY[DEFAULT_KEY.len() - 4..]))
    );
    let sent = accounts
        .provider(&a)
        .unwrap()
        .list_sent(&|_| {})
        .await
        .unwrap();
    assert!(sent.is_empty());

    // Replace the key: tested against the provider, then overwritten in the keyring.
    let new_key = "cs_test_rotated_55aa66bb77cc";
    let rotated = ConnectSafelyFake::new(new_key).with_account(AccountSeed::new(alice).named(
        "Alice",
        "Martin",
        "alice-martin",
    ));
    let rotated_server = rotated.start().await;
    *base.lock().unwrap() = rotated_server.base_url.clone();
    let e = accounts
        .replace_key(&a, "cs_test_not_the_right_one_00", None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert_eq!(stored_key(&a).as_deref(), Some(DEFAULT_KEY), "old key kept");
    accounts.replace_key(&a, new_key, None).await.unwrap();
    assert_eq!(stored_key(&a).as_deref(), Some(new_key));
    assert_eq!(
        stored_key(&b).as_deref(),
        Some(DEFAULT_KEY),
        "other account untouched"
    );

    // A key removed from the keyring behind the app's back shows as missing.
    KeyringStore::new()
        .delete(&format!("account:{b}:api-key"))
        .unwrap();
    let accounts = registry(dir.path(), &base);
    assert_eq!(accounts.get(&b).unwrap().status, AccountStatus::KeyMissing);
    assert_eq!(
        accounts.provider(&b).err().unwrap().kind,
        ErrorKind::KeyMissing
    );

    // Remove deletes the keyring entry (and a missing one is no obstacle).
    accounts.remove(&a).unwrap();
    accounts.remove(&b).unwrap();
    assert_eq!(stored_key(&a), None);
    assert!(registry(dir.path(), &base).list().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a real, unlocked Secret Service: run through tests/with-keyring.sh"]
async fn keys_of_accounts_lost_with_the_accounts_file_are_found_by_name_and_deleted() {
    require_throwaway_keyring();
    let alice = "64b7f0c2a1d3e4f5a6b7c8f1";
    let bob = "64b7f0c2a1d3e4f5a6b7c8f2";
    let fake = ConnectSafelyFake::new(DEFAULT_KEY)
        .with_account(AccountSeed::new(alice).named("Alice", "Martin", "alice-martin"))
        .with_account(AccountSeed::new(bob).named("Bob", "Okafor", "bob-okafor"));
    let server = fake.start().await;
    let base = Arc::new(Mutex::new(server.base_url.clone()));
    let dir = tempfile::tempdir().unwrap();
    let added = registry(dir.path(), &base)
        .add(
            &cs_input(DEFAULT_KEY),
            &[alice.to_string(), bob.to_string()],
        )
        .await
        .unwrap();
    let (a, b) = (added[0].id.clone(), added[1].id.clone());
    let names = KeyringStore::new().list_entries().unwrap();
    for id in [&a, &b] {
        assert!(
            names.contains(&format!("account:{id}:api-key")),
            "{names:?}"
        );
    }

    // The file is cut inside the second account: the first is salvaged, the second's key is
    // left behind and found by a search on the service (its name is nowhere else any more).
    let path = dir.path().join("accounts.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.find(b.as_str()).unwrap() + 4]).unwrap();
    let accounts = registry(dir.path(), &base);
    assert_eq!(accounts.list().len(), 1);
    let orphans = accounts.orphaned_keys().unwrap();
    let entries: Vec<&str> = orphans.iter().map(|o| o.entry.as_str()).collect();
    assert!(
        entries.contains(&format!("account:{b}:api-key").as_str()),
        "{entries:?}"
    );
    assert!(!entries.contains(&format!("account:{a}:api-key").as_str()));
    assert!(!format!("{orphans:?}").contains(DEFAULT_KEY));

    let left = accounts
        .delete_orphaned_keys(&[format!("account:{b}:api-key")])
        .unwrap();
    assert!(left
        .iter()
        .all(|o| o.entry != format!("account:{b}:api-key")));
    assert_eq!(stored_key(&b), None);
    assert_eq!(
        stored_key(&a).as_deref(),
        Some(DEFAULT_KEY),
        "the kept account's key stays"
    );
    accounts.remove(&a).unwrap();
}
