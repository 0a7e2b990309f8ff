//! The registry's behaviour with an in-memory keyring and a scripted provider.

use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;

use super::*;
use crate::model::{
    Capabilities, NewInvitation, ReceivedInvitation, Response, SentInvitation, WriteOutcome,
};
use crate::providers::{Listed, PageProgress, PageRows};

const GOOD_KEY: &str = "sk_live_0123456789abcdWXYZ";
const OTHER_GOOD_KEY: &str = "sk_live_9876543210zyxwQRST";

/// Answers `list_accounts` according to the key: `sk_bad…` is refused, `sk_trial…` has an
/// expired trial, `sk_net…` cannot be reached; any other key sees `remotes`.
struct ScriptedProvider {
    key: String,
    remotes: Vec<RemoteAccount>,
}

fn remote(id: &str, name: &str, usable: bool) -> RemoteAccount {
    RemoteAccount {
        id: id.into(),
        name: name.into(),
        status: if usable { "AVAILABLE" } else { "DISCONNECTED" }.into(),
        usable,
        picture_url: None,
        profile_url: Some(format!("https://www.linkedin.com/in/{id}")),
    }
}

#[async_trait]
impl InvitationProvider for ScriptedProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ConnectSafely
    }
    fn capabilities(&self) -> Capabilities {
        view::capabilities(ProviderKind::ConnectSafely)
    }
    async fn list_accounts(&self) -> Result<Vec<RemoteAccount>, ProviderError> {
        let fail = |kind, msg: &str| Err(ProviderError::new(kind, msg));
        match &self.key {
            k if k.starts_with("sk_bad") => fail(ErrorKind::BadCredentials, "401"),
            k if k.starts_with("sk_trial") => fail(ErrorKind::Billing, "402"),
            k if k.starts_with("sk_net") => fail(ErrorKind::Network, "connect refused"),
            _ => Ok(self.remotes.clone()),
        }
    }
    async fn list_sent_partial(
        &self,
        _: PageProgress<'_>,
        _: PageRows<'_, SentInvitation>,
    ) -> Result<Listed<SentInvitation>, ProviderError> {
        Ok(Listed::complete(Vec::new()))
    }
    async fn withdraw(&self, _: &SentInvitation) -> Result<WriteOutcome, ProviderError> {
        Ok(WriteOutcome::Done)
    }
    async fn list_received_partial(
        &self,
        _: PageProgress<'_>,
        _: PageRows<'_, ReceivedInvitation>,
    ) -> Result<Listed<ReceivedInvitation>, ProviderError> {
        Ok(Listed::complete(Vec::new()))
    }
    async fn respond(
        &self,
        _: &ReceivedInvitation,
        _: Response,
    ) -> Result<WriteOutcome, ProviderError> {
        Ok(WriteOutcome::Done)
    }
    async fn send_invitation(&self, _: &NewInvitation) -> Result<WriteOutcome, ProviderError> {
        Ok(WriteOutcome::Done)
    }
    async fn limits(&self) -> Result<Vec<Limit>, ProviderError> {
        if self.key.starts_with("sk_bad") {
            return Err(ProviderError::new(
                ErrorKind::BadCredentials,
                "ConnectSafely refused the key.",
            ));
        }
        Ok(Vec::new())
    }
}

struct Fixture {
    storage: Arc<MemoryStorage>,
    secrets: Arc<MemorySecretStore>,
    options: AccountsOptions,
    built: Arc<AtomicUsize>,
}

/// `Box<dyn AccountsStorage>` over a shared `MemoryStorage`, so a test can inspect and reopen.
struct Shared(Arc<MemoryStorage>);
impl AccountsStorage for Shared {
    fn load(&self) -> AppResult<storage::Loaded> {
        self.0.load()
    }
    fn save(&self, file: &AccountsFile) -> AppResult<()> {
        self.0.save(file)
    }
}

impl Fixture {
    fn new() -> Self {
        let remotes = vec![
            remote("cs-1", "Jane Doe", true),
            remote("cs-2", "Jane Doe", true),
            remote("cs-3", "Sales Bot", false),
        ];
        let built = Arc::new(AtomicUsize::new(0));
        let counter = built.clone();
        let factory: ProviderFactory = Arc::new(move |config: ProviderConfig| {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(Arc::new(ScriptedProvider {
                key: config.api_key.expose_secret().to_string(),
                remotes: remotes.clone(),
            }) as Arc<dyn InvitationProvider>)
        });
        Fixture {
            storage: Arc::new(MemoryStorage::new()),
            secrets: Arc::new(MemorySecretStore::new()),
            options: AccountsOptions {
                demo_latency: Latency::NONE,
                provider_factory: factory,
                base_url: Arc::new(|_| Ok("http://127.0.0.1:9".to_string())),
            },
            built,
        }
    }

    fn open(&self) -> Accounts {
        Accounts::open(
            Box::new(Shared(self.storage.clone())),
            self.secrets.clone(),
            self.options.clone(),
        )
    }

    fn stored_text(&self) -> String {
        String::from_utf8(self.storage.bytes().unwrap_or_default()).unwrap()
    }
}

fn cs_input(key: &str) -> NewAccountInput {
    NewAccountInput {
        provider: ProviderKind::ConnectSafely,
        api_key: key.into(),
        login_token: None,
        country: None,
    }
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn discover_lists_accounts_and_saves_nothing() {
    let f = Fixture::new();
    let accounts = f.open();
    let found = accounts.discover(&cs_input(GOOD_KEY)).await.unwrap();
    assert_eq!(found.len(), 3);
    assert!(f.storage.bytes().is_none());
    assert!(f.secrets.entry_names().is_empty());
}

#[tokio::test]
async fn wrong_key_expired_trial_and_network_failure_each_say_something_different() {
    let f = Fixture::new();
    let accounts = f.open();
    let mut messages = Vec::new();
    for (key, kind) in [
        ("sk_bad_key_000000", ErrorKind::BadCredentials),
        ("sk_trial_0000000", ErrorKind::Billing),
        ("sk_net_000000000", ErrorKind::Network),
    ] {
        let e = accounts.discover(&cs_input(key)).await.unwrap_err();
        assert_eq!(e.kind, kind);
        assert!(e.message.contains("ConnectSafely"), "{}", e.message);
        assert!(!e.message.contains(key), "{}", e.message);
        let e2 = accounts
            .add(&cs_input(key), &ids(&["cs-1"]))
            .await
            .unwrap_err();
        assert_eq!(e2.kind, kind);
        messages.push(e.message);
    }
    messages.dedup();
    assert_eq!(messages.len(), 3);
    assert!(messages[0].contains("refused"));
    assert!(messages[1].contains("trial"));
    assert!(messages[2].contains("internet connection"));
    assert!(f.storage.bytes().is_none(), "nothing saved");
    assert!(f.secrets.entry_names().is_empty(), "nothing in the keyring");
}

#[tokio::test]
async fn adding_two_accounts_stores_metadata_and_one_keyring_entry_each() {
    let f = Fixture::new();
    let accounts = f.open();
    let added = accounts
        .add(
            &cs_input(&format!("  {GOOD_KEY}\n")),
            &ids(&["cs-1", "cs-2"]),
        )
        .await
        .unwrap();
    assert_eq!(added.len(), 2);
    assert_eq!(added[0].label, "Jane Doe");
    assert_eq!(
        added[1].label, "Jane Doe (ConnectSafely)",
        "labels stay unique"
    );
    assert!(added[0].is_default && !added[1].is_default);
    for a in &added {
        assert_eq!(a.status, AccountStatus::Ok);
        assert_eq!(a.key_hint.as_deref(), Some("…WXYZ"));
        let stored = f.secrets.get(&api_key_entry(&a.id)).unwrap().unwrap();
        assert_eq!(stored.expose_secret(), GOOD_KEY, "trimmed before storing");
    }
    assert_eq!(f.secrets.entry_names().len(), 2);
    let text = f.stored_text();
    assert!(text.contains("cs-1") && text.contains("cs-2"));
    assert!(!text.contains(GOOD_KEY), "no key in the metadata file");
    assert!(!text.contains("WXYZ"), "not even the hint");

    // A fresh start (new registry, same storage and keyring) shows the same.
    let again = f.open().list();
    assert_eq!(again, accounts.list());
}

#[tokio::test]
async fn an_unusable_linkedin_account_is_added_but_needs_attention() {
    let f = Fixture::new();
    let added = f
        .open()
        .add(&cs_input(GOOD_KEY), &ids(&["cs-3"]))
        .await
        .unwrap();
    assert_eq!(added[0].status, AccountStatus::NeedsAttention);
    assert!(added[0]
        .status_detail
        .as_deref()
        .unwrap()
        .contains("DISCONNECTED"));
}

#[tokio::test]
async fn unknown_or_duplicate_remote_ids_are_refused_and_nothing_is_saved() {
    let f = Fixture::new();
    let accounts = f.open();
    let e = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1", "nope"]))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(f.secrets.entry_names().is_empty());
    assert!(accounts.list().is_empty());

    accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap();
    let e = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-2", "cs-1"]))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("Replace key"), "{}", e.message);
    assert_eq!(accounts.list().len(), 1);
    assert_eq!(f.secrets.entry_names().len(), 1);

    let e = accounts.add(&cs_input(GOOD_KEY), &[]).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
}

#[tokio::test]
async fn a_locked_keyring_stops_the_add_with_the_fix_and_saves_nothing() {
    let f = Fixture::new();
    let accounts = f.open();
    f.secrets.set_unavailable(true);
    let e = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::KeyringUnavailable);
    assert!(e.message.contains("Unlock your keyring"));
    assert!(f.storage.bytes().is_none(), "no metadata without its key");
    assert!(!accounts.keyring_status().available);
}

#[tokio::test]
async fn a_failed_metadata_save_removes_the_keys_it_just_wrote() {
    let f = Fixture::new();
    let accounts = f.open();
    f.storage.fail_saves(true);
    let e = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1", "cs-2"]))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Storage);
    assert!(f.secrets.entry_names().is_empty());
    assert!(accounts.list().is_empty());
}

#[tokio::test]
async fn linkup_needs_a_login_token_and_a_country() {
    let f = Fixture::new();
    let accounts = f.open();
    let mut input = NewAccountInput {
        provider: ProviderKind::Linkup,
        api_key: GOOD_KEY.into(),
        login_token: None,
        country: Some("FR".into()),
    };
    let e = accounts.discover(&input).await.unwrap_err();
    assert!(e.message.contains("login token"), "{}", e.message);
    input.login_token = Some("AQEDAToken".into());
    input.country = Some("Atlantis".into());
    let e = accounts.discover(&input).await.unwrap_err();
    assert!(e.message.contains("country"), "{}", e.message);
    input.country = Some("fr".into());
    let added = accounts.add(&input, &ids(&["cs-1"])).await.unwrap();
    assert!(added[0].has_login_token);
    assert_eq!(added[0].country.as_deref(), Some("FR"));
    assert_eq!(
        f.secrets
            .get(&login_token_entry(&added[0].id))
            .unwrap()
            .unwrap()
            .expose_secret(),
        "AQEDAToken"
    );
}

#[tokio::test]
async fn rename_keeps_labels_unique_and_readable() {
    let f = Fixture::new();
    let accounts = f.open();
    let added = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1", "cs-2"]))
        .await
        .unwrap();
    let renamed = accounts.rename(&added[1].id, "  Sales team  ").unwrap();
    assert_eq!(renamed.label, "Sales team");
    assert_eq!(
        accounts
            .rename(&added[0].id, "sales TEAM")
            .unwrap_err()
            .kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(
        accounts.rename(&added[0].id, "   ").unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(
        accounts.rename(&added[0].id, "a\nb").unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(
        accounts.rename("missing", "x").unwrap_err().kind,
        ErrorKind::NotFound
    );
    assert_eq!(f.open().get(&added[1].id).unwrap().label, "Sales team");
}

#[tokio::test]
async fn default_moves_and_survives_removal() {
    let f = Fixture::new();
    let accounts = f.open();
    let added = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1", "cs-2"]))
        .await
        .unwrap();
    accounts.set_default(&added[1].id).unwrap();
    assert_eq!(accounts.default_account_id(), Some(added[1].id.clone()));
    accounts.remove(&added[1].id).unwrap();
    assert_eq!(accounts.default_account_id(), Some(added[0].id.clone()));
    assert_eq!(
        accounts.set_default("missing").unwrap_err().kind,
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn replace_key_tests_first_and_keeps_the_old_key_on_failure() {
    let f = Fixture::new();
    let accounts = f.open();
    let id = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap()[0]
        .id
        .clone();
    accounts
        .save_settings(
            &id,
            AccountSettings {
                daily_withdraw_cap: 42,
                ..AccountSettings::default()
            },
        )
        .unwrap();
    let first_client = accounts.provider(&id).unwrap();

    let e = accounts
        .replace_key(&id, "sk_bad_00000000000", None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert_eq!(
        f.secrets
            .get(&api_key_entry(&id))
            .unwrap()
            .unwrap()
            .expose_secret(),
        GOOD_KEY
    );

    let view = accounts
        .replace_key(&id, OTHER_GOOD_KEY, None)
        .await
        .unwrap();
    assert_eq!(view.id, id, "same account");
    assert_eq!(view.key_hint.as_deref(), Some("…QRST"));
    assert_eq!(accounts.settings(&id).unwrap().daily_withdraw_cap, 42);
    assert_eq!(
        f.secrets
            .get(&api_key_entry(&id))
            .unwrap()
            .unwrap()
            .expose_secret(),
        OTHER_GOOD_KEY
    );
    let second_client = accounts.provider(&id).unwrap();
    assert!(
        !Arc::ptr_eq(&first_client, &second_client),
        "the client is rebuilt with the new key"
    );
}

#[tokio::test]
async fn replace_key_refuses_a_key_that_cannot_see_the_account() {
    let f = Fixture::new();
    let accounts = f.open();
    // Stored record for an account the scripted key does not list.
    let id = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap()[0]
        .id
        .clone();
    accounts
        .mutate(|file| {
            file.find_mut(&id).unwrap().remote_account_id = Some("cs-other".into());
            Ok(())
        })
        .unwrap();
    let e = accounts
        .replace_key(&id, OTHER_GOOD_KEY, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.contains("old key was kept"), "{}", e.message);
}

#[tokio::test]
async fn remove_deletes_the_entry_and_its_keyring_entries() {
    let f = Fixture::new();
    let accounts = f.open();
    let added = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1", "cs-2"]))
        .await
        .unwrap();
    accounts.remove(&added[0].id).unwrap();
    assert_eq!(
        f.secrets.entry_names().len(),
        1,
        "the other account's key stays"
    );
    accounts.remove(&added[1].id).unwrap();
    assert!(f.secrets.entry_names().is_empty());
    assert!(accounts.list().is_empty());
    assert!(f.open().list().is_empty());
    assert_eq!(
        accounts.remove(&added[0].id).unwrap_err().kind,
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn a_key_deleted_from_the_keyring_shows_as_key_missing() {
    let f = Fixture::new();
    let id = f
        .open()
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap()[0]
        .id
        .clone();
    f.secrets.delete(&api_key_entry(&id)).unwrap();
    let accounts = f.open();
    let view = accounts.get(&id).unwrap();
    assert_eq!(view.status, AccountStatus::KeyMissing);
    assert_eq!(view.key_hint, None);
    let e = accounts.provider(&id).err().unwrap();
    assert_eq!(e.kind, ErrorKind::KeyMissing);
    assert!(e.message.contains("Replace key"));

    // Replacing the key brings it back.
    let view = accounts.replace_key(&id, GOOD_KEY, None).await.unwrap();
    assert_eq!(view.status, AccountStatus::Ok);
}

#[tokio::test]
async fn a_locked_keyring_shows_as_needs_attention_until_unlocked() {
    let f = Fixture::new();
    let id = f
        .open()
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap()[0]
        .id
        .clone();
    let accounts = f.open();
    f.secrets.set_unavailable(true);
    let view = accounts.get(&id).unwrap();
    assert_eq!(view.status, AccountStatus::NeedsAttention);
    assert!(view.status_detail.unwrap().contains("Unlock"));
    f.secrets.set_unavailable(false);
    assert_eq!(accounts.get(&id).unwrap().status, AccountStatus::Ok);
}

#[tokio::test]
async fn call_outcomes_drive_status_and_last_synced() {
    let f = Fixture::new();
    let accounts = f.open();
    let id = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap()[0]
        .id
        .clone();
    accounts.record_error(&id, &AppError::new(ErrorKind::Network, "offline"));
    assert_eq!(accounts.get(&id).unwrap().status, AccountStatus::Ok);
    accounts.record_error(
        &id,
        &AppError::new(ErrorKind::BadCredentials, "ConnectSafely refused the key."),
    );
    let view = f.open().get(&id).unwrap();
    assert_eq!(view.status, AccountStatus::NeedsAttention, "persisted");
    assert_eq!(
        view.status_detail.as_deref(),
        Some("ConnectSafely refused the key.")
    );

    let at = Utc::now();
    accounts.record_synced(&id, at);
    let view = f.open().get(&id).unwrap();
    assert_eq!(view.status, AccountStatus::Ok);
    assert_eq!(view.last_synced_at, Some(at.to_rfc3339()));

    // Bookkeeping on a removed account is ignored.
    accounts.remove(&id).unwrap();
    accounts.record_synced(&id, at);
    accounts.record_ok(&id);
}

#[tokio::test]
async fn limits_errors_mark_the_account() {
    let f = Fixture::new();
    let accounts = f.open();
    let id = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap()[0]
        .id
        .clone();
    assert!(accounts.limits(&id).await.unwrap().is_empty());
    // The key is revoked at the provider: simulate by storing a refused one directly.
    f.secrets
        .set(&api_key_entry(&id), "sk_bad_revoked_key")
        .unwrap();
    let accounts = f.open();
    let e = accounts.limits(&id).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert_eq!(
        accounts.get(&id).unwrap().status,
        AccountStatus::NeedsAttention
    );
}

#[tokio::test]
async fn the_client_is_built_once_and_shared() {
    let f = Fixture::new();
    let accounts = f.open();
    let id = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap()[0]
        .id
        .clone();
    let before = f.built.load(Ordering::SeqCst);
    let a = accounts.provider(&id).unwrap();
    let b = accounts.provider(&id).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(f.built.load(Ordering::SeqCst), before + 1);
}

#[tokio::test]
async fn demo_accounts_need_no_key_and_keep_their_state() {
    let f = Fixture::new();
    let accounts = f.open();
    let demo = accounts.add_demo().unwrap();
    assert!(demo.is_demo);
    assert_eq!(demo.label, "Demo account");
    assert_eq!(demo.status, AccountStatus::Ok);
    assert!(demo.capabilities.ignore);
    assert!(f.secrets.entry_names().is_empty());
    let second = accounts.add_demo().unwrap();
    assert_eq!(second.label, "Demo account 2");
    assert_ne!(demo.remote_account_id, second.remote_account_id);

    let p = accounts.provider(&demo.id).unwrap();
    let sent = p.list_sent(&|_| {}).await.unwrap();
    assert_eq!(p.withdraw(&sent[0]).await.unwrap(), WriteOutcome::Done);
    let again = accounts.provider(&demo.id).unwrap();
    assert_eq!(
        again.list_sent(&|_| {}).await.unwrap().len(),
        sent.len() - 1,
        "the withdrawal is still there on the next call"
    );
    assert_eq!(
        accounts
            .replace_key(&demo.id, GOOD_KEY, None)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(accounts.limits(&demo.id).await.unwrap()[0].limit, Some(90));
    accounts.remove(&demo.id).unwrap();
    assert_eq!(accounts.list().len(), 1);
}

#[tokio::test]
async fn settings_are_validated_and_saved_per_account() {
    let f = Fixture::new();
    let accounts = f.open();
    let id = accounts.add_demo().unwrap().id;
    assert_eq!(accounts.settings(&id).unwrap(), AccountSettings::default());
    let bad = AccountSettings {
        pace_min_secs: 10,
        pace_max_secs: 5,
        ..AccountSettings::default()
    };
    assert_eq!(
        accounts.save_settings(&id, bad).unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    let good = AccountSettings {
        withdraw_older_than_days: 60,
        pace_min_secs: 5,
        pace_max_secs: 20,
        daily_withdraw_cap: 50,
        daily_accept_cap: 40,
        daily_ignore_cap: 30,
        daily_send_cap: 10,
    };
    assert_eq!(accounts.save_settings(&id, good).unwrap(), good);
    assert_eq!(f.open().settings(&id).unwrap(), good);
}

#[tokio::test]
async fn a_damaged_registry_starts_with_what_was_recovered() {
    let storage = Arc::new(MemoryStorage::with_bytes(
        r#"{"version":1,"accounts":[{"id":"a","label":"Kept","provider":"demo","createdAt":"2025-01-01T00:00:00Z"},{"id":"b"}]}"#,
    ));
    let accounts = Accounts::open(
        Box::new(Shared(storage)),
        Arc::new(MemorySecretStore::new()),
        AccountsOptions::for_tests(),
    );
    assert_eq!(accounts.list().len(), 1);
    assert_eq!(accounts.notices().len(), 1);
}

#[tokio::test]
async fn an_unreadable_registry_starts_empty_and_refuses_changes() {
    struct Unreadable;
    impl AccountsStorage for Unreadable {
        fn load(&self) -> AppResult<storage::Loaded> {
            Err(AppError::storage(
                "Could not read the accounts file: permission denied.",
            ))
        }
        fn save(&self, _: &AccountsFile) -> AppResult<()> {
            panic!("must not overwrite a file it could not read");
        }
    }
    let accounts = Accounts::open(
        Box::new(Unreadable),
        Arc::new(MemorySecretStore::new()),
        AccountsOptions::for_tests(),
    );
    assert!(accounts.list().is_empty());
    assert!(accounts.notices()[0].contains("permission denied"));
    assert_eq!(accounts.add_demo().unwrap_err().kind, ErrorKind::Storage);
}

#[test]
fn ids_are_uuid_shaped_and_distinct() {
    let a = new_id();
    let b = new_id();
    assert_ne!(a, b);
    assert_eq!(a.len(), 36);
    assert_eq!(a.chars().filter(|c| *c == '-').count(), 4);
    assert_eq!(&a[14..15], "4");
}

#[test]
fn unique_labels_add_the_provider_then_a_number() {
    let taken = ids(&["Jane", "jane (Edges)"]);
    assert_eq!(unique_label("Bob", ProviderKind::Edges, &taken), "Bob");
    assert_eq!(
        unique_label("JANE", ProviderKind::Edges, &taken),
        "JANE (Edges) 2"
    );
    assert_eq!(
        unique_label("", ProviderKind::Linkup, &taken),
        "LinkupAPI account"
    );
}

#[tokio::test]
async fn keys_of_accounts_lost_with_a_damaged_file_are_listed_and_can_be_deleted() {
    let f = Fixture::new();
    let accounts = f.open();
    let added = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1", "cs-2"]))
        .await
        .unwrap();
    let (kept, lost) = (&added[0].id, &added[1].id);
    assert!(
        accounts.orphaned_keys().unwrap().is_empty(),
        "every key has its account"
    );

    // The file is cut inside the second account: the first is salvaged, the second's key stays.
    let bytes = f.storage.bytes().unwrap();
    let cut = String::from_utf8(bytes.clone())
        .unwrap()
        .find(lost.as_str())
        .unwrap()
        + 4;
    let storage = Arc::new(MemoryStorage::with_bytes(bytes[..cut].to_vec()));
    let reopened = Accounts::open(
        Box::new(Shared(storage)),
        f.secrets.clone(),
        f.options.clone(),
    );
    assert_eq!(reopened.list().len(), 1);
    assert_eq!(&reopened.list()[0].id, kept);
    let orphans = reopened.orphaned_keys().unwrap();
    assert_eq!(
        orphans,
        vec![OrphanedKey {
            entry: api_key_entry(lost),
            account_id: Some(lost.clone()),
            kind: Some(secrets::EntryKind::ApiKey),
        }]
    );
    assert!(
        !format!("{orphans:?}").contains(GOOD_KEY),
        "names only, never the value"
    );

    // A live account's key cannot be deleted through this door.
    let refused = reopened
        .delete_orphaned_keys(&[api_key_entry(kept)])
        .unwrap_err();
    assert_eq!(refused.kind, ErrorKind::InvalidInput);
    assert!(f.secrets.get(&api_key_entry(kept)).unwrap().is_some());

    let left = reopened
        .delete_orphaned_keys(&[api_key_entry(lost)])
        .unwrap();
    assert!(left.is_empty());
    assert_eq!(f.secrets.entry_names(), vec![api_key_entry(kept)]);
}

#[tokio::test]
async fn an_unreadable_registry_never_calls_keys_orphaned() {
    struct Unreadable;
    impl AccountsStorage for Unreadable {
        fn load(&self) -> AppResult<storage::Loaded> {
            Err(AppError::storage("permission denied"))
        }
        fn save(&self, _: &AccountsFile) -> AppResult<()> {
            unreachable!()
        }
    }
    let secrets = Arc::new(MemorySecretStore::new());
    secrets.set(&api_key_entry("somebody"), GOOD_KEY).unwrap();
    let accounts = Accounts::open(
        Box::new(Unreadable),
        secrets.clone(),
        AccountsOptions::for_tests(),
    );
    assert!(accounts.orphaned_keys().unwrap().is_empty());
    assert!(accounts
        .delete_orphaned_keys(&[api_key_entry("somebody")])
        .is_err());
    assert_eq!(secrets.entry_names().len(), 1);
}

/// Issue 15: on LinkupAPI a key test reads a page (a credit), and "Add" right after "Test"
/// read it again. The test just made stands for the add; other credentials are tested anew.
#[tokio::test]
async fn add_right_after_a_test_of_the_same_key_asks_the_provider_once() {
    let f = Fixture::new();
    let accounts = f.open();
    accounts.discover(&cs_input(GOOD_KEY)).await.unwrap();
    accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap();
    assert_eq!(
        f.built.load(Ordering::SeqCst),
        1,
        "one key test for Test + Add"
    );

    // A test of one key does not stand for another.
    accounts.discover(&cs_input(GOOD_KEY)).await.unwrap();
    accounts
        .add(&cs_input(OTHER_GOOD_KEY), &ids(&["cs-2"]))
        .await
        .unwrap();
    assert_eq!(f.built.load(Ordering::SeqCst), 3);

    // Nor is it reused once an add used it.
    let e = accounts
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap_err();
    assert!(e.message.contains("already in InviteDesk"), "{}", e.message);
    assert_eq!(f.built.load(Ordering::SeqCst), 4);
}

/// The app and `invitedesk-cli` each open the same `accounts.json`.
fn two_processes_on_one_file(f: &Fixture, dir: &std::path::Path) -> (Accounts, Accounts) {
    let path = dir.join(storage::ACCOUNTS_FILE_NAME);
    let open = || {
        Accounts::open(
            Box::new(JsonFileStorage::new(&path)),
            f.secrets.clone(),
            f.options.clone(),
        )
    };
    (open(), open())
}

#[tokio::test]
async fn an_account_the_other_process_adds_shows_and_survives_our_next_save() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let (app, cli) = two_processes_on_one_file(&f, dir.path());
    let ours = app
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(cli.list().len(), 1, "the tool sees what the app added");

    let theirs = cli
        .add(&cs_input(OTHER_GOOD_KEY), &ids(&["cs-2"]))
        .await
        .unwrap()
        .remove(0);
    let shown: Vec<String> = app.list().into_iter().map(|a| a.id).collect();
    assert_eq!(shown, vec![ours.id.clone(), theirs.id.clone()]);

    // A refresh in the app records its time: that save must not drop the tool's account.
    app.record_synced(&ours.id, Utc::now());
    app.rename(&ours.id, "Sales").unwrap();
    let reopened = two_processes_on_one_file(&f, dir.path()).0;
    let stored: Vec<(String, String)> = reopened
        .list()
        .into_iter()
        .map(|a| (a.id, a.label))
        .collect();
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert_eq!(stored[0].1, "Sales");
    assert_eq!(stored[1].0, theirs.id);
}

#[tokio::test]
async fn an_account_the_other_process_removes_is_gone_here_too() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let (app, cli) = two_processes_on_one_file(&f, dir.path());
    let added = app
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1"]))
        .await
        .unwrap()
        .remove(0);
    app.provider(&added.id).expect("a client while it exists");

    cli.remove(&added.id).unwrap();
    assert!(app.list().is_empty());
    let err = app
        .provider(&added.id)
        .err()
        .expect("no client for a removed account");
    assert_eq!(err.kind, ErrorKind::NotFound);
    // And the app's bookkeeping does not bring it back.
    app.record_synced(&added.id, Utc::now());
    assert!(cli.list().is_empty());
}

#[test]
fn changes_from_two_processes_at_once_are_all_kept() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_processes_on_one_file(&f, dir.path());
    std::thread::scope(|s| {
        for accounts in [&a, &b] {
            s.spawn(move || {
                for _ in 0..15 {
                    accounts.add_demo().unwrap();
                }
            });
        }
    });
    let reopened = two_processes_on_one_file(&f, dir.path()).0;
    assert_eq!(
        reopened.list().len(),
        30,
        "every add of both writers is kept"
    );
}

#[tokio::test]
async fn a_file_damaged_while_running_is_told_to_the_user_not_only_logged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(storage::ACCOUNTS_FILE_NAME);
    let accounts = Accounts::open(
        Box::new(JsonFileStorage::new(&path)),
        Arc::new(MemorySecretStore::new()),
        AccountsOptions::for_tests(),
    );
    accounts.add_demo().unwrap();
    assert!(accounts.notices().is_empty());
    // Another program cuts the file short while the app runs.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    accounts.list();
    let notices = accounts.notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("damaged"), "{notices:?}");
    // Told once, not on every later read.
    accounts.list();
    assert_eq!(accounts.notices().len(), 1);
}

/// A keyring that takes its time to answer and counts the reads.
struct SlowCountingStore {
    inner: Arc<MemorySecretStore>,
    gets: AtomicUsize,
}

impl SecretStore for SlowCountingStore {
    fn get(&self, entry: &str) -> AppResult<Option<SecretString>> {
        self.gets.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(50));
        self.inner.get(entry)
    }
    fn set(&self, entry: &str, value: &str) -> AppResult<()> {
        self.inner.set(entry, value)
    }
    fn delete(&self, entry: &str) -> AppResult<()> {
        self.inner.delete(entry)
    }
    fn list_entries(&self) -> AppResult<Vec<String>> {
        self.inner.list_entries()
    }
}

#[tokio::test]
async fn a_listing_during_the_start_up_key_read_waits_for_it_instead_of_reading_again() {
    let f = Fixture::new();
    f.open()
        .add(&cs_input(GOOD_KEY), &ids(&["cs-1", "cs-2"]))
        .await
        .unwrap();
    let store = Arc::new(SlowCountingStore {
        inner: f.secrets.clone(),
        gets: AtomicUsize::new(0),
    });
    let accounts = Arc::new(Accounts::open(
        Box::new(Shared(f.storage.clone())),
        store.clone(),
        f.options.clone(),
    ));
    let warming = {
        let accounts = accounts.clone();
        std::thread::spawn(move || accounts.warm_key_states())
    };
    // The window's first listing, while the start-up read is still at the keyring.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let listed = accounts.list();
    warming.join().unwrap();
    assert!(listed.iter().all(|a| a.status == AccountStatus::Ok));
    assert_eq!(
        store.gets.load(Ordering::SeqCst),
        2,
        "one keyring read per account, however many listings asked meanwhile"
    );
}
