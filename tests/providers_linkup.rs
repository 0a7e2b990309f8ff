//! The LinkupAPI v1 client against its stateful fake: every operation, the documented errors,
//! injected faults, and the exact number of requests (and credits) each one costs.

mod support;

use std::sync::Mutex;
use std::time::Duration;

use invitedesk_lib::error::ErrorKind;
use invitedesk_lib::model::{
    Age, InvitationCategory, NewInvitation, ProviderKind, ReceivedInvitation, Response,
    SentInvitation, WriteOutcome,
};
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::linkup::Linkup;
use invitedesk_lib::providers::{
    ignore_rows, InvitationProvider, ListingEvent, ProviderConfig, ProviderError,
};
use secrecy::SecretString;
use serde_json::{json, Value};
use support::linkup::{
    self as fake_linkup, LinkupFake, ACCEPT_PATH, ACCEPT_PATH_PLURAL, CONNECT_PATH, DEFAULT_KEY,
    DEFAULT_LOGIN_TOKEN, RECEIVED_PATH, SENT_PATH, STATUS_PATH, WITHDRAW_PATH,
};
use support::{FakeServer, Fault};

fn config(server: &FakeServer, key: &str, token: Option<&str>) -> ProviderConfig {
    ProviderConfig {
        kind: ProviderKind::Linkup,
        base_url: server.base_url.clone(),
        api_key: SecretString::from(key.to_string()),
        remote_account_id: None,
        login_token: token.map(|t| SecretString::from(t.to_string())),
        country: Some("us".into()),
    }
}

fn client_with(server: &FakeServer, key: &str, token: Option<&str>, http: HttpConfig) -> Linkup {
    Linkup::with_http_config(config(server, key, token), http).unwrap()
}

fn client(server: &FakeServer) -> Linkup {
    client_with(
        server,
        DEFAULT_KEY,
        Some(DEFAULT_LOGIN_TOKEN),
        HttpConfig::fast_test(),
    )
}

fn fake() -> LinkupFake {
    LinkupFake::new(DEFAULT_KEY, DEFAULT_LOGIN_TOKEN).connected_to("already-friend")
}

async fn start(fake: &LinkupFake) -> (FakeServer, Linkup) {
    let server = fake.start().await;
    let client = client(&server);
    (server, client)
}

fn quiet(_: ListingEvent) {}

async fn sent_list(c: &Linkup) -> Result<Vec<SentInvitation>, ProviderError> {
    c.list_sent(&quiet).await
}

async fn received_list(c: &Linkup) -> Result<Vec<ReceivedInvitation>, ProviderError> {
    c.list_received(&quiet).await
}

/// `(invitation_type, start_page, end_page)` of each listing request to `path`.
fn ranges(server: &FakeServer, path: &str) -> Vec<(String, u64, u64)> {
    server
        .log
        .matching("POST", path)
        .iter()
        .map(|r| {
            let b = r.json();
            (
                b["invitation_type"].as_str().unwrap_or("").to_string(),
                b["start_page"].as_u64().unwrap_or(0),
                b["end_page"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn range(kind: &str, start: u64, end: u64) -> (String, u64, u64) {
    (kind.to_string(), start, end)
}

fn invite(url: &str, note: Option<&str>) -> NewInvitation {
    NewInvitation {
        profile_url: url.to_string(),
        note: note.map(str::to_string),
    }
}

fn assert_no_secret(e: &ProviderError) {
    let shown = format!("{e:?} {}", e.message);
    assert!(!shown.contains(DEFAULT_LOGIN_TOKEN), "{shown}");
    assert!(!shown.contains(DEFAULT_KEY), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// Account check

#[tokio::test]
async fn the_account_check_costs_one_request_and_one_credit() {
    let fake = fake().with_sent(42);
    let (server, client) = start(&fake).await;
    let accounts = client.list_accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert!(accounts[0].usable);
    // Named by a fingerprint of the login token, never by the token itself.
    assert!(accounts[0].id.starts_with("token-"), "{}", accounts[0].id);
    assert!(!accounts[0].name.contains(DEFAULT_LOGIN_TOKEN));
    assert!(!client.capabilities().lists_accounts);

    let log = server.log.all();
    assert_eq!(log.len(), 1, "{:?}", server.requests());
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, SENT_PATH);
    assert_eq!(log[0].header("x-api-key"), Some(DEFAULT_KEY));
    assert_eq!(
        log[0].json(),
        json!({"login_token": DEFAULT_LOGIN_TOKEN, "country": "US",
               "invitation_type": "CONNECTION", "start_page": 1, "end_page": 1})
    );
    assert_eq!(fake.credits_left(), fake_linkup::DEFAULT_CREDITS - 1);
}

#[tokio::test]
async fn the_account_check_says_which_credential_is_wrong() {
    let fake = fake();
    let server = fake.start().await;

    let wrong_key = client_with(
        &server,
        "lk_wrong",
        Some(DEFAULT_LOGIN_TOKEN),
        HttpConfig::fast_test(),
    );
    let e = wrong_key.list_accounts().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert!(e.message.contains("API key"), "{}", e.message);
    assert!(!e.message.contains("login token"), "{}", e.message);
    assert!(!format!("{e:?}").contains("lk_wrong"));

    let wrong_token = client_with(
        &server,
        DEFAULT_KEY,
        Some("AQEDAexpired"),
        HttpConfig::fast_test(),
    );
    let e = wrong_token.list_accounts().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert!(e.message.contains("login token"), "{}", e.message);
    assert!(!format!("{e:?}").contains("AQEDAexpired"));
    assert_eq!(server.log.len(), 2, "no retry of a refused credential");

    let no_token = client_with(&server, DEFAULT_KEY, None, HttpConfig::fast_test());
    let e = no_token.list_accounts().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("login token"));
    assert_eq!(server.log.len(), 2, "nothing sent without a token");
}

// ---------------------------------------------------------------------------------------------
// Sent invitations

#[tokio::test]
async fn sent_list_reads_every_page_once_with_exact_ids() {
    let fake = fake().with_sent(257);
    let (server, client) = start(&fake).await;
    let calls = Mutex::new(Vec::new());
    let progress = |e: ListingEvent| {
        if let ListingEvent::Page { fetched, total } = e {
            calls.lock().unwrap().push((fetched, total))
        }
    };
    let sent = client.list_sent(&progress).await.unwrap();

    let want: Vec<_> = fake.sent().iter().map(|s| s.id.to_string()).collect();
    assert_eq!(sent.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), want);
    assert!(sent.iter().all(|s| s.id.len() == 19));
    // Page 1 alone for the total, then 5 pages per request up to page 26, nothing more.
    assert_eq!(
        ranges(&server, SENT_PATH),
        vec![
            range("CONNECTION", 1, 1),
            range("CONNECTION", 2, 6),
            range("CONNECTION", 7, 11),
            range("CONNECTION", 12, 16),
            range("CONNECTION", 17, 21),
            range("CONNECTION", 22, 26),
        ]
    );
    assert_eq!(server.log.len(), 6);
    assert_eq!(fake.credits_left(), fake_linkup::DEFAULT_CREDITS - 26);
    let total = Some(257);
    assert_eq!(
        *calls.lock().unwrap(),
        vec![
            (10, total),
            (60, total),
            (110, total),
            (160, total),
            (210, total),
            (257, total)
        ]
    );
}

#[tokio::test]
async fn the_wire_id_is_a_nineteen_digit_json_number() {
    let fake = fake().with_sent(1);
    let (server, client) = start(&fake).await;
    // The fake's raw answer: a number beyond 2^53, which f64 would round.
    let raw = reqwest_post(
        &server,
        SENT_PATH,
        json!({"login_token": DEFAULT_LOGIN_TOKEN}),
    )
    .await;
    let text = raw.1;
    let id = fake.sent()[0].id;
    assert!(id > (1u64 << 53));
    assert!(text.contains(&format!("\"invitation_id\":{id}")), "{text}");
    assert_ne!(
        (id as f64) as u64,
        id,
        "this id really is corrupted by a float"
    );
    let sent = sent_list(&client).await.unwrap();
    assert_eq!(sent[0].id, id.to_string());
}

#[tokio::test]
async fn sent_invitations_map_to_the_model() {
    let fake = fake().with_sent(10);
    let (_server, client) = start(&fake).await;
    let sent = sent_list(&client).await.unwrap();
    let w = &fake.sent()[1];
    let g = &sent[1];
    assert_eq!(g.urn.as_deref(), Some(w.urn().as_str()));
    assert_eq!(g.person.name, w.member.full_name());
    assert_eq!(
        g.person.headline.as_deref(),
        Some(w.member.headline.as_str())
    );
    assert_eq!(g.person.profile_url, Some(w.member.profile_url()));
    assert_eq!(g.person.public_id.as_deref(), Some(w.member.slug.as_str()));
    assert_eq!(g.person.picture_url, Some(w.member.picture_url()));
    assert_eq!(g.sent_text.as_deref(), Some("Sent yesterday"));
    assert_eq!(g.age, Age::exact(1));
    assert_eq!(g.category, InvitationCategory::Connection);
    assert_eq!(sent[0].sent_text.as_deref(), Some("Sent today"));
    assert_eq!(sent[4].age, Age::at_least(7));
}

#[tokio::test]
async fn short_lists_cost_only_the_pages_they_need() {
    for (n, requests, credits) in [(0, 1, 1), (7, 1, 1), (10, 1, 1), (11, 2, 2), (61, 3, 7)] {
        let fake = fake().with_sent(n);
        let (server, client) = start(&fake).await;
        assert_eq!(sent_list(&client).await.unwrap().len(), n);
        assert_eq!(server.log.len(), requests, "{n}: {:?}", server.requests());
        assert_eq!(
            fake.credits_left(),
            fake_linkup::DEFAULT_CREDITS - credits,
            "{n}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Received invitations

#[tokio::test]
async fn received_lists_every_category() {
    let fake = fake()
        .with_received("CONNECTION", 23)
        .with_received("ORGANIZATION", 4)
        .with_received("CONTENT_SERIES", 12);
    let (server, client) = start(&fake).await;
    let calls = Mutex::new(Vec::new());
    let progress = |e: ListingEvent| {
        if let ListingEvent::Page { fetched, total } = e {
            calls.lock().unwrap().push((fetched, total))
        }
    };
    let got = client.list_received(&progress).await.unwrap();

    assert_eq!(got.len(), 39);
    let count = |c| got.iter().filter(|r| r.category == c).count();
    assert_eq!(count(InvitationCategory::Connection), 23);
    assert_eq!(count(InvitationCategory::Organization), 4);
    assert_eq!(count(InvitationCategory::Newsletter), 12);
    assert_eq!(
        ranges(&server, RECEIVED_PATH),
        vec![
            range("CONNECTION", 1, 1),
            range("ORGANIZATION", 1, 1),
            range("CONTENT_SERIES", 1, 1),
            range("CONNECTION", 2, 3),
            range("CONTENT_SERIES", 2, 2),
        ]
    );
    assert_eq!(server.log.len(), 5);
    assert_eq!(calls.lock().unwrap().last(), Some(&(39, Some(39))));

    let fake_all = fake.received();
    for g in &got {
        let w = fake_all.iter().find(|w| w.id.to_string() == g.id).unwrap();
        assert_eq!(g.accept_token.as_deref(), Some(w.secret.as_str()));
        assert_eq!(g.mutual_connections.as_deref(), Some(w.mutual.as_str()));
        assert_eq!(g.raw_type.as_deref(), Some(w.kind.as_str()));
        assert_eq!(g.note, w.message);
        assert_eq!(g.urn.as_deref(), Some(w.urn().as_str()));
    }
}

#[tokio::test]
async fn accepting_removes_the_invitation_and_connects() {
    let fake = fake().with_received("CONNECTION", 3);
    let (server, client) = start(&fake).await;
    let inv = received_list(&client).await.unwrap().remove(1);
    server.log.clear();
    assert_eq!(
        client.respond(&inv, Response::Accept).await.unwrap(),
        WriteOutcome::Done
    );
    let log = server.log.matching("POST", ACCEPT_PATH);
    assert_eq!(server.log.len(), 1);
    assert_eq!(
        log[0].json(),
        json!({"login_token": DEFAULT_LOGIN_TOKEN, "country": "US",
               "shared_secret": inv.accept_token.clone().unwrap(),
               "entity_urn": inv.urn.clone().unwrap()})
    );
    assert_eq!(fake.received().len(), 2);
    assert!(fake.is_connected(inv.person.public_id.as_deref().unwrap()));
    assert_eq!(
        client.respond(&inv, Response::Accept).await.unwrap(),
        WriteOutcome::AlreadyGone
    );
}

#[tokio::test]
async fn the_fake_accepts_both_accept_path_spellings() {
    let fake = fake().with_received("CONNECTION", 2);
    let (server, _client) = start(&fake).await;
    for (path, r) in [ACCEPT_PATH, ACCEPT_PATH_PLURAL]
        .iter()
        .zip(fake.received())
    {
        let (status, body) = reqwest_post(
            &server,
            path,
            json!({"login_token": DEFAULT_LOGIN_TOKEN, "shared_secret": r.secret,
                   "entity_urn": r.urn()}),
        )
        .await;
        assert_eq!(status, 200, "{path}: {body}");
        assert!(body.contains("Invitation accepted successfully"));
    }
    assert!(fake.received().is_empty());
}

#[tokio::test]
async fn ignore_is_not_offered_and_costs_nothing() {
    let fake = fake().with_received("CONNECTION", 1);
    let (server, client) = start(&fake).await;
    let inv = received_list(&client).await.unwrap().remove(0);
    server.log.clear();
    let e = client.respond(&inv, Response::Ignore).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotSupported);
    assert!(!client.capabilities().ignore);
    assert!(server.log.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Withdraw

#[tokio::test]
async fn withdrawing_sends_the_id_as_a_string_and_removes_it() {
    let fake = fake().with_sent(30);
    let (server, client) = start(&fake).await;
    let inv = sent_list(&client).await.unwrap().remove(17);
    server.log.clear();
    let credits = fake.credits_left();
    assert_eq!(client.withdraw(&inv).await.unwrap(), WriteOutcome::Done);
    let log = server.log.matching("POST", WITHDRAW_PATH);
    assert_eq!(server.log.len(), 1);
    assert_eq!(
        log[0].json(),
        json!({"login_token": DEFAULT_LOGIN_TOKEN, "country": "US",
               "invitation_id": inv.id.clone()})
    );
    assert!(log[0].json()["invitation_id"].is_string());
    assert_eq!(fake.credits_left(), credits - 1);

    let after = sent_list(&client).await.unwrap();
    assert_eq!(after.len(), 29);
    assert!(after.iter().all(|s| s.id != inv.id));
    assert_eq!(
        client.withdraw(&inv).await.unwrap(),
        WriteOutcome::AlreadyGone
    );
}

#[tokio::test]
async fn an_unusable_id_is_refused_before_any_request() {
    let fake = fake().with_sent(1);
    let (server, client) = start(&fake).await;
    let mut inv = sent_list(&client).await.unwrap().remove(0);
    server.log.clear();
    inv.id = "abc".into();
    inv.urn = None;
    assert_eq!(
        client.withdraw(&inv).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    assert!(server.log.is_empty());
    // The URN's digits are enough.
    inv.urn = Some(fake.sent()[0].urn());
    assert_eq!(client.withdraw(&inv).await.unwrap(), WriteOutcome::Done);
}

// ---------------------------------------------------------------------------------------------
// Connect

#[tokio::test]
async fn a_connection_request_adds_a_sent_invitation() {
    let fake = fake();
    let (server, client) = start(&fake).await;
    let url = "https://www.linkedin.com/in/grace-hopper";
    assert_eq!(
        client
            .send_invitation(&invite(url, Some("  Hello Grace!  ")))
            .await
            .unwrap(),
        WriteOutcome::Done
    );
    client
        .send_invitation(&invite("https://linkedin.com/in/ada-lovelace/", None))
        .await
        .unwrap();
    let log = server.log.matching("POST", CONNECT_PATH);
    assert_eq!(server.log.len(), 2);
    assert_eq!(
        log[0].json(),
        json!({"login_token": DEFAULT_LOGIN_TOKEN, "country": "US",
               "linkedin_url": url, "message": "Hello Grace!"})
    );
    assert!(log[1].json().get("message").is_none());
    let slugs: Vec<_> = fake.sent().iter().map(|s| s.member.slug.clone()).collect();
    assert_eq!(slugs, vec!["ada-lovelace", "grace-hopper"]);
}

#[tokio::test]
async fn connection_request_refusals_have_their_kinds() {
    let fake = fake().with_sent(1);
    let (server, client) = start(&fake).await;
    let pending = fake.sent()[0].member.profile_url();
    let cases = [
        (
            "https://www.linkedin.com/in/already-friend",
            ErrorKind::AlreadyConnected,
        ),
        (pending.as_str(), ErrorKind::AlreadyInvited),
        (
            "https://www.linkedin.com/in/no-such-person",
            ErrorKind::NotFound,
        ),
    ];
    for (url, kind) in cases {
        let e = client
            .send_invitation(&invite(url, None))
            .await
            .unwrap_err();
        assert_eq!(e.kind, kind, "{url}: {e:?}");
    }
    assert_eq!(server.log.len(), 3);
    assert_eq!(fake.sent().len(), 1);

    for bad in [
        invite("https://www.linkedin.com/company/acme", None),
        invite("http://www.linkedin.com/in/x", None),
        invite("https://www.linkedin.com/in/x", Some(&"x".repeat(301))),
    ] {
        let e = client.send_invitation(&bad).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad:?}");
    }
    assert_eq!(server.log.len(), 3, "nothing sent for invalid input");
}

// ---------------------------------------------------------------------------------------------
// Documented errors

#[tokio::test]
async fn credits_running_out_is_insufficient_credits_and_shows_in_limits() {
    let fake = fake().with_sent(25).with_credits(2);
    let (server, client) = start(&fake).await;
    let limits = client.limits().await.unwrap();
    assert_eq!(limits[0].action, "credits");
    assert_eq!(limits[0].remaining, None);

    // Page 1 (1 credit), then pages 2-3 (2 credits) are refused.
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InsufficientCredits);
    assert!(e.message.contains("credits"), "{}", e.message);
    assert_eq!(server.log.len(), 2, "not retried");
    assert_eq!(fake.credits_left(), 1);
    assert_eq!(client.limits().await.unwrap()[0].remaining, Some(0));
}

#[tokio::test]
async fn an_error_status_in_a_200_is_a_failure() {
    let fake = fake().with_sent(3);
    let (server, client) = start(&fake).await;
    let cases = [
        (
            fake_linkup::fault_error(200, fake_linkup::NO_CREDITS),
            ErrorKind::InsufficientCredits,
        ),
        (
            fake_linkup::fault_data_error(200, fake_linkup::COOKIE_REFUSED),
            ErrorKind::BadCredentials,
        ),
        (
            fake_linkup::fault_error(200, "Missing required parameter: invitation_id"),
            ErrorKind::InvalidInput,
        ),
        // Anything about the login token means the token must be replaced.
        (
            fake_linkup::fault_error(200, "Missing required parameter: login_token"),
            ErrorKind::BadCredentials,
        ),
        (
            fake_linkup::fault_error(200, "Something new went wrong"),
            ErrorKind::UnexpectedResponse,
        ),
    ];
    for (fault, kind) in cases {
        server.log.clear();
        server
            .faults
            .inject(Some("POST"), SENT_PATH, 1, fault.clone());
        let e = sent_list(&client).await.unwrap_err();
        assert_eq!(e.kind, kind, "{fault:?}");
        assert_eq!(e.status, Some(200));
        assert_eq!(server.log.len(), 1);
        assert_no_secret(&e);
    }
}

#[tokio::test]
async fn an_expired_login_token_is_bad_credentials_naming_the_token() {
    let fake = fake().with_sent(3).with_received("CONNECTION", 2);
    let (server, client) = start(&fake).await;
    let inv = sent_list(&client).await.unwrap().remove(0);
    fake.set_login_token("AQEDAnewtoken");
    for e in [
        sent_list(&client).await.unwrap_err(),
        received_list(&client).await.unwrap_err(),
        client.withdraw(&inv).await.unwrap_err(),
    ] {
        assert_eq!(e.kind, ErrorKind::BadCredentials);
        assert!(e.message.contains("login token"), "{}", e.message);
        assert_no_secret(&e);
    }
    assert_eq!(server.log.len(), 1 + 3);
    assert_eq!(fake.sent().len(), 3);
}

#[tokio::test]
async fn a_rotated_api_key_is_bad_credentials_naming_the_key() {
    let fake = fake().with_sent(3);
    let (server, client) = start(&fake).await;
    fake.set_key("lk_rotated");
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert!(e.message.contains("API key"), "{}", e.message);
    assert_eq!(e.status, Some(403));
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn rate_limits_are_retried_on_reads_and_writes() {
    let fake = fake().with_sent(25);
    let (server, client) = start(&fake).await;
    server.faults.inject(
        Some("POST"),
        SENT_PATH,
        1,
        fake_linkup::fault_rate_limited(Some("0")),
    );
    server.faults.inject(
        Some("POST"),
        SENT_PATH,
        1,
        fake_linkup::fault_rate_limited(None),
    );
    assert_eq!(sent_list(&client).await.unwrap().len(), 25);
    assert_eq!(server.log.len(), 2 + 2);

    let inv = sent_list(&client).await.unwrap().remove(0);
    server.log.clear();
    server.faults.inject(
        Some("POST"),
        WITHDRAW_PATH,
        1,
        fake_linkup::fault_rate_limited(Some("0")),
    );
    assert_eq!(client.withdraw(&inv).await.unwrap(), WriteOutcome::Done);
    assert_eq!(server.log.count("POST", WITHDRAW_PATH), 2);
    assert_eq!(fake.sent().len(), 24);

    // A rate limit that lasts: the read gives up after its retries, with the right kind.
    server.faults.inject(
        Some("POST"),
        SENT_PATH,
        10,
        fake_linkup::fault_rate_limited(None),
    );
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    server.faults.clear();
}

// ---------------------------------------------------------------------------------------------
// Injected faults on reads

#[tokio::test]
async fn transient_faults_on_reads_are_retried() {
    let fake = fake().with_sent(15);
    let (server, client) = start(&fake).await;
    for fault in [
        Fault::status(502, json!({"error": "Bad gateway"})),
        Fault::unavailable("0"),
        Fault::html(502),
        Fault::rate_limited("0"),
        Fault::DropBefore,
    ] {
        server.log.clear();
        server
            .faults
            .inject(Some("POST"), SENT_PATH, 1, fault.clone());
        let sent = sent_list(&client)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e:?}"));
        assert_eq!(sent.len(), 15);
        assert_eq!(server.log.len(), 3, "{fault:?}: {:?}", server.requests());
    }
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let fake = fake().with_sent(3);
    let server = fake.start().await;
    let client = client_with(
        &server,
        DEFAULT_KEY,
        Some(DEFAULT_LOGIN_TOKEN),
        HttpConfig::fast_test().with_timeout(Duration::from_millis(300)),
    );
    server
        .faults
        .inject(Some("POST"), SENT_PATH, 1, Fault::delay(700));
    assert_eq!(sent_list(&client).await.unwrap().len(), 3);
    assert_eq!(server.log.len(), 2);
}

#[tokio::test]
async fn a_one_off_500_or_unreadable_page_is_read_again() {
    let fake = fake().with_sent(3);
    let (server, client) = start(&fake).await;
    let faults = [
        Fault::server_error(),
        fake_linkup::fault_error(500, "Internal error"),
        Fault::invalid_json(),
        Fault::html(200),
        // A success without `data` cannot be read as a listing either.
        Fault::status(200, json!({"status": "success"})),
    ];
    for fault in faults {
        server.log.clear();
        server
            .faults
            .inject(Some("POST"), SENT_PATH, 1, fault.clone());
        assert_eq!(sent_list(&client).await.unwrap().len(), 3, "{fault:?}");
        assert_eq!(server.log.len(), 2, "{fault:?}");
    }
}

#[tokio::test]
async fn a_read_fault_that_persists_ends_with_the_page_and_the_attempts() {
    let fake = fake().with_sent(3);
    let (server, client) = start(&fake).await;
    let cases = [
        (
            Fault::server_error(),
            ErrorKind::ProviderUnavailable,
            "kept failing with an internal error",
        ),
        (
            fake_linkup::fault_error(500, "Internal error"),
            ErrorKind::ProviderUnavailable,
            "kept failing with an internal error",
        ),
        (
            Fault::invalid_json(),
            ErrorKind::UnexpectedResponse,
            "kept sending answers that could not be read",
        ),
        (
            Fault::html(200),
            ErrorKind::UnexpectedResponse,
            "kept sending answers that could not be read",
        ),
    ];
    for (fault, kind, kept) in cases {
        server.log.clear();
        server
            .faults
            .inject(Some("POST"), SENT_PATH, 4, fault.clone());
        let e = sent_list(&client).await.unwrap_err();
        assert_eq!(e.kind, kind, "{fault:?}");
        assert!(
            e.message
                .starts_with(&format!("LinkupAPI {kept} on page 1 after 4 attempts.")),
            "{}",
            e.message
        );
        assert_eq!(server.log.len(), 4, "{fault:?}");
        assert_no_secret(&e);
    }
}

// ---------------------------------------------------------------------------------------------
// Injected faults on writes: one request, then "not known"; never a check, never a repeat

/// What the client says about a write whose answer was lost: not known whether it was made.
fn assert_unconfirmed(e: &ProviderError) {
    assert_eq!(e.kind, ErrorKind::Unconfirmed, "{e:?}");
    assert!(e.message.contains("not known"), "{}", e.message);
    assert_no_secret(e);
}

#[tokio::test]
async fn a_withdrawal_whose_answer_is_lost_is_unconfirmed_without_a_status_check() {
    let fake = fake().with_sent(4);
    let (server, client) = start(&fake).await;
    let inv = sent_list(&client).await.unwrap().remove(2);
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), WITHDRAW_PATH, 1, Fault::DropAfter);
    assert_unconfirmed(&client.withdraw(&inv).await.unwrap_err());
    // invitation-status cannot tell a sent invitation from a received one: not asked.
    assert_eq!(server.requests(), vec![format!("POST {WITHDRAW_PATH}")]);
    assert_eq!(fake.sent().len(), 3);
}

#[tokio::test]
async fn a_withdrawal_lost_at_the_gateway_is_unconfirmed_and_not_sent_again() {
    let fake = fake().with_sent(4);
    let (server, client) = start(&fake).await;
    let inv = sent_list(&client).await.unwrap().remove(0);
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), WITHDRAW_PATH, 1, Fault::html(502));
    let e = client.withdraw(&inv).await.unwrap_err();
    assert_unconfirmed(&e);
    assert_eq!(e.status, Some(502));
    assert_eq!(server.requests(), vec![format!("POST {WITHDRAW_PATH}")]);
    assert_eq!(fake.sent().len(), 4);
}

#[tokio::test]
async fn without_a_profile_url_a_lost_withdrawal_is_unconfirmed_the_same_way() {
    // The old check needed the profile URL; now nothing about a lost write depends on it.
    let fake = fake().with_sent(2);
    let (server, client) = start(&fake).await;
    let mut inv = sent_list(&client).await.unwrap().remove(0);
    inv.person.profile_url = None;
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), WITHDRAW_PATH, 1, Fault::DropAfter);
    assert_unconfirmed(&client.withdraw(&inv).await.unwrap_err());
    assert_eq!(server.log.count("POST", WITHDRAW_PATH), 1);
    assert_eq!(server.log.len(), 1);
    assert_eq!(fake.sent().len(), 1);
}

#[tokio::test]
async fn a_write_cut_off_twice_costs_one_request_per_call() {
    let fake = fake().with_sent(2);
    let (server, client) = start(&fake).await;
    let mut inv = sent_list(&client).await.unwrap().remove(0);
    inv.person.profile_url = None;
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), WITHDRAW_PATH, 2, Fault::DropBefore);
    // Cut after the request was written (not a connect error): unconfirmed, not repeated.
    assert_unconfirmed(&client.withdraw(&inv).await.unwrap_err());
    assert_eq!(server.log.len(), 1);
    assert_eq!(server.faults.pending(), 1);
    // A second call (the runner's, after its check) is again one request.
    assert_unconfirmed(&client.withdraw(&inv).await.unwrap_err());
    assert_eq!(server.log.len(), 2);
    assert_eq!(fake.sent().len(), 2);
}

#[tokio::test]
async fn a_withdrawal_with_a_500_is_not_repeated() {
    let fake = fake().with_sent(2);
    let (server, client) = start(&fake).await;
    let inv = sent_list(&client).await.unwrap().remove(0);
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), WITHDRAW_PATH, 1, Fault::server_error());
    assert_eq!(
        client.withdraw(&inv).await.unwrap_err().kind,
        ErrorKind::ProviderUnavailable
    );
    assert_eq!(server.log.len(), 1);
    assert_eq!(fake.sent().len(), 2);
}

#[tokio::test]
async fn a_connection_request_whose_answer_is_lost_is_unconfirmed_after_one_request() {
    let fake = fake();
    let (server, client) = start(&fake).await;
    server
        .faults
        .inject(Some("POST"), CONNECT_PATH, 1, Fault::DropAfter);
    let url = "https://www.linkedin.com/in/lost-answer";
    assert_unconfirmed(
        &client
            .send_invitation(&invite(url, None))
            .await
            .unwrap_err(),
    );
    assert_eq!(server.requests(), vec![format!("POST {CONNECT_PATH}")]);
    assert_eq!(fake.sent().len(), 1);
}

#[tokio::test]
async fn a_connection_request_held_past_the_timeout_lands_later() {
    let fake = fake();
    let server = fake.start().await;
    let client = client_with(
        &server,
        DEFAULT_KEY,
        Some(DEFAULT_LOGIN_TOKEN),
        HttpConfig::fast_test().with_timeout(Duration::from_millis(300)),
    );
    server
        .faults
        .inject(Some("POST"), CONNECT_PATH, 1, Fault::apply_late(600));
    let url = "https://www.linkedin.com/in/slow-answer";
    let e = client
        .send_invitation(&invite(url, None))
        .await
        .unwrap_err();
    assert_unconfirmed(&e);
    assert!(fake.sent().is_empty());
    server.faults.wait_unheld(Duration::from_secs(5)).await;
    assert_eq!(fake.sent().len(), 1);
    assert_eq!(server.requests(), vec![format!("POST {CONNECT_PATH}")]);
}

#[tokio::test]
async fn an_acceptance_whose_answer_is_lost_is_unconfirmed_without_a_status_check() {
    let fake = fake().with_received("CONNECTION", 2);
    let (server, client) = start(&fake).await;
    let inv = received_list(&client).await.unwrap().remove(0);
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), ACCEPT_PATH, 1, Fault::DropAfter);
    assert_unconfirmed(&client.respond(&inv, Response::Accept).await.unwrap_err());
    assert_eq!(server.requests(), vec![format!("POST {ACCEPT_PATH}")]);
    assert_eq!(fake.received().len(), 1);
}

#[tokio::test]
async fn a_lost_write_costs_its_credit_and_no_more() {
    // The old client checked invitation-status after a lost write, and a failed check (no
    // credits left) made the outcome unknown. Now no check is made here at all: the write's
    // own request is the only one, and the runner's later check is a listing.
    let fake = fake().with_sent(2);
    let (server, client) = start(&fake).await;
    let inv = sent_list(&client).await.unwrap().remove(0);
    let credits = fake.credits_left();
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), WITHDRAW_PATH, 1, Fault::DropAfter);
    server.faults.inject(
        Some("POST"),
        STATUS_PATH,
        1,
        fake_linkup::fault_no_credits(),
    );
    assert_unconfirmed(&client.withdraw(&inv).await.unwrap_err());
    assert_eq!(server.requests(), vec![format!("POST {WITHDRAW_PATH}")]);
    assert_eq!(
        server.faults.pending(),
        1,
        "invitation-status was never asked"
    );
    assert_eq!(fake.credits_left(), credits - 1);
}

/// A raw POST to the fake with the right key: (status, body text).
async fn reqwest_post(server: &FakeServer, path: &str, body: Value) -> (u16, String) {
    invitedesk_lib::providers::http::install_crypto_provider();
    let response = reqwest::Client::new()
        .post(format!("{}{}", server.base_url, path))
        .header("x-api-key", DEFAULT_KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

// ---------------------------------------------------------------------------------------------
// Listings without a page cap (issue 15)

/// Exactly ⌈N/10⌉ pages charged (a credit each), none twice, at the sizes where an off-by-one
/// shows: page 1 alone for the total, then ranges of 5 pages ending at the last page the total
/// needs. An empty list costs the one page that says so.
#[tokio::test]
async fn listings_charge_exactly_one_credit_per_page_of_ten() {
    for n in [0, 1, 10, 11, 10_000] {
        let fake = fake().with_sent(n);
        let (server, client) = start(&fake).await;
        let before = fake.credits_left();
        assert_eq!(sent_list(&client).await.unwrap().len(), n);
        let pages = n.div_ceil(10).max(1) as u64;
        assert_eq!(before - fake.credits_left(), pages, "{n}: credits");
        let asked = ranges(&server, SENT_PATH);
        let mut expected = vec![range("CONNECTION", 1, 1)];
        let mut first = 2;
        while first <= pages {
            let last = (first + 4).min(pages);
            expected.push(range("CONNECTION", first, last));
            first = last + 1;
        }
        assert_eq!(asked, expected, "{n}: requests");
    }
}

/// A server that always announces more and keeps sending the same invitations: the first
/// request that brings nothing new stops it, partial, the first page kept.
#[tokio::test]
async fn a_total_that_never_ends_with_repeats_stops_marked_partial() {
    let fake = fake();
    let (server, client) = start(&fake).await;
    let items: Vec<Value> = (1..=10)
        .map(|i| {
            json!({
                "name": format!("Person {i}"),
                "profile_url": format!("https://www.linkedin.com/in/person-{i}"),
                "invitation_id": format!("71000000000000000{i:02}"),
                "entity_urn": format!("urn:li:fsd_invitation:71000000000000000{i:02}"),
                "sent_time": "1 week ago",
                "invitation_type": "CONNECTION",
            })
        })
        .collect();
    let answer = json!({"status": "success", "data": {
        "total_results": 10, "total_available_results": 1_000_000, "invitations": items,
    }});
    server
        .faults
        .inject(Some("POST"), SENT_PATH, 100, Fault::status(200, answer));
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 10);
    let stop = &listed.stopped.as_ref().expect("stopped part-way").stop;
    assert_eq!(stop.expected_total, Some(1_000_000));
    assert!(stop.reason.contains("already sent"), "{}", stop.reason);
    assert_eq!(
        ranges(&server, SENT_PATH),
        [range("CONNECTION", 1, 1), range("CONNECTION", 2, 6)]
    );
}

/// A page range failing after the first page keeps what arrived, marked partial.
#[tokio::test]
async fn a_range_failing_after_the_first_page_keeps_the_first() {
    let fake = fake().with_sent(35);
    let (server, client) = start(&fake).await;
    server.faults.inject_after(
        Some("POST"),
        SENT_PATH,
        1,
        10,
        fake_linkup::fault_no_credits(),
    );
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 10);
    let stop = &listed.stopped.as_ref().expect("stopped part-way").stop;
    assert_eq!(
        (stop.pages, stop.fetched, stop.expected_total),
        (1, 10, Some(35))
    );
    assert_eq!(
        sent_list(&client).await.unwrap_err().kind,
        ErrorKind::InsufficientCredits
    );
}

// ---------------------------------------------------------------------------------------------
// What the docs allow a server to do (providers.md §3.1, §6): `fake_linkup::Quirks`

async fn start_with(quirks: fake_linkup::Quirks, fake: LinkupFake) -> (FakeServer, Linkup) {
    start(&fake.with_quirks(quirks)).await
}

fn fewer_pages(max: usize) -> fake_linkup::Quirks {
    fake_linkup::Quirks {
        max_pages_per_request: Some(max),
        ..Default::default()
    }
}

/// providers.md §3.1: `start_page..end_page` reports `pages_fetched`. A server that fetched one
/// page of 2–6 is asked again from page 3: every invitation is read, each page paid once.
#[tokio::test]
async fn a_server_fetching_fewer_pages_than_asked_is_read_to_the_end() {
    let fake = fake().with_sent(57);
    let (server, client) = start_with(fewer_pages(1), fake.clone()).await;
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.is_complete(), "{:?}", listed.stopped);
    let want: Vec<_> = fake.sent().iter().map(|s| s.id.to_string()).collect();
    let got: Vec<_> = listed.items.iter().map(|s| s.id.clone()).collect();
    assert_eq!(got, want);
    assert_eq!(
        ranges(&server, SENT_PATH),
        [(1, 1), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)].map(|(a, b)| range("CONNECTION", a, b))
    );
    assert_eq!(fake.credits_left(), fake_linkup::DEFAULT_CREDITS - 6);
}

/// Pages that run out before the announced total (here `"invitations": null` for pages 2–4 of
/// 35) end the listing partial, the first page kept: never complete, which would prune the 25
/// it did not see. The null is an empty answer, not one to ask for again.
#[tokio::test]
async fn pages_ending_short_of_the_total_leave_the_listing_partial() {
    let fake = fake().with_sent(35);
    let (server, client) = start(&fake).await;
    server.faults.inject_after(
        Some("POST"),
        SENT_PATH,
        1,
        1,
        fake_linkup::fault_null_invitations(35),
    );
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 10);
    let stop = &listed.stopped.as_ref().expect("partial, not complete").stop;
    assert_eq!((stop.fetched, stop.expected_total), (10, Some(35)));
    assert!(stop.reason.contains("announced 35"), "{}", stop.reason);
    assert_eq!(server.log.len(), 2, "{:?}", server.requests());
}

/// A first page whose total outruns its invitations is partial too.
#[tokio::test]
async fn a_first_page_short_of_its_small_total_is_partial() {
    let fake = fake();
    let (server, client) = start(&fake).await;
    let answer = json!({"status": "success", "data": {
        "total_available_results": 8, "invitations": [{
            "invitation_id": 7100000000000000001u64, "name": "Only One",
            "entity_urn": "urn:li:fsd_invitation:7100000000000000001"}]}});
    server
        .faults
        .inject(Some("POST"), SENT_PATH, 1, Fault::status(200, answer));
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert!(!listed.is_complete());
}

/// `"invitations": null` is an answer that lists nothing: one request, one credit, an empty
/// list, not four attempts and an error.
#[tokio::test]
async fn a_null_invitations_list_is_an_empty_answer_asked_for_once() {
    let fake = fake();
    let (server, client) = start(&fake).await;
    server.faults.inject(
        Some("POST"),
        SENT_PATH,
        4,
        fake_linkup::fault_null_invitations(0),
    );
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.items.is_empty() && listed.is_complete());
    assert_eq!(server.log.len(), 1);
}

/// `"data": null` says nothing about the list: it is asked for again, never taken as an empty
/// list (which would end the refresh complete and drop every cached invitation as gone).
#[tokio::test]
async fn a_null_data_is_asked_for_again_never_an_empty_list() {
    let fake = fake().with_sent(3);
    let (server, client) = start(&fake).await;
    server
        .faults
        .inject(Some("POST"), SENT_PATH, 1, fake_linkup::fault_null_data());
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.is_complete(), "{:?}", listed.stopped);
    assert_eq!(listed.items.len(), 3);
    assert_eq!(server.log.len(), 2);
}

/// A slow server (LinkupAPI reads LinkedIn page by page) that cannot answer a 4-page range
/// within the timeout: the range is asked once, then page by page. Without that, each range
/// would time out 4 times, 4 credits a time, and the listing would stop at page 1.
#[tokio::test]
async fn a_range_that_times_out_is_read_again_page_by_page() {
    let fake = fake().with_sent(45);
    let quirks = fake_linkup::Quirks {
        page_delay: Duration::from_millis(200),
        ..Default::default()
    };
    let server = fake.clone().with_quirks(quirks).start().await;
    let client = client_with(
        &server,
        DEFAULT_KEY,
        Some(DEFAULT_LOGIN_TOKEN),
        HttpConfig::fast_test().with_timeout(Duration::from_millis(600)),
    );
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.is_complete(), "{:?}", listed.stopped);
    assert_eq!(listed.items.len(), 45);
    assert_eq!(
        ranges(&server, SENT_PATH),
        [(1, 1), (2, 5), (2, 2), (3, 3), (4, 4), (5, 5)].map(|(a, b)| range("CONNECTION", a, b))
    );
    // Page 1, the 4 pages of the range that timed out (charged anyway), then pages 2–5.
    assert_eq!(fake.credits_left(), fake_linkup::DEFAULT_CREDITS - 9);
}

/// A server that ignores the received `invitation_type` (every type on every type's pages):
/// the types after the first bring only repeats, so they are done, not a stall; every
/// invitation is listed once.
#[tokio::test]
async fn a_received_type_filter_the_server_ignores_lists_everything_once() {
    let quirks = fake_linkup::Quirks {
        ignores_received_type: true,
        ..Default::default()
    };
    let fake = fake()
        .with_received("CONNECTION", 23)
        .with_received("ORGANIZATION", 4)
        .with_received("CONTENT_SERIES", 12);
    let (server, client) = start_with(quirks, fake).await;
    let listed = client
        .list_received_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.is_complete(), "{:?}", listed.stopped);
    assert_eq!(listed.items.len(), 39);
    assert_eq!(
        ranges(&server, RECEIVED_PATH),
        vec![
            range("CONNECTION", 1, 1),
            range("ORGANIZATION", 1, 1),
            range("CONTENT_SERIES", 1, 1),
            range("CONNECTION", 2, 4),
        ]
    );
}

/// A server that refuses `ORGANIZATION` and `CONTENT_SERIES` as invalid: those types are
/// skipped, the connection invitations listed in full.
#[tokio::test]
async fn received_types_the_server_refuses_are_skipped() {
    let quirks = fake_linkup::Quirks {
        refused_received_types: vec!["ORGANIZATION".into(), "CONTENT_SERIES".into()],
        ..Default::default()
    };
    let fake = fake()
        .with_received("CONNECTION", 23)
        .with_received("ORGANIZATION", 4);
    let (server, client) = start_with(quirks, fake).await;
    let listed = client
        .list_received_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.is_complete(), "{:?}", listed.stopped);
    assert_eq!(listed.items.len(), 23);
    assert_eq!(server.log.len(), 4, "{:?}", server.requests());
}

/// A refusal of a received type that is not about the type ("not allowed right now") is not
/// "this server takes no such type": the listing stops part-way, so the refresh keeps that
/// type's cached invitations instead of dropping them as gone.
#[tokio::test]
async fn a_received_type_refused_for_another_reason_stops_the_listing_part_way() {
    let fake = fake()
        .with_received("CONNECTION", 3)
        .with_received("ORGANIZATION", 4);
    let (server, client) = start(&fake).await;
    server.faults.inject_after(
        Some("POST"),
        RECEIVED_PATH,
        1,
        1,
        fake_linkup::fault_error(400, "Action not allowed for this account right now"),
    );
    let listed = client
        .list_received_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert!(
        !listed.is_complete(),
        "a listing without ORGANIZATION ended complete"
    );
    assert_eq!(listed.items.len(), 3);
}

/// An empty answer near the end of a long list (LinkedIn briefly returning nothing) is not its
/// end, however few invitations are missing: here the last 5 of 1,015, within the 1 % a total
/// may drift by. Taken as the end, the refresh would drop the 5 oldest as gone.
#[tokio::test]
async fn an_empty_answer_before_the_total_is_reached_stops_part_way() {
    let fake = fake().with_sent(1015);
    let (server, client) = start(&fake).await;
    // Page 1, then twenty ranges of five pages: 1,010 invitations.
    server.faults.inject_after(
        Some("POST"),
        SENT_PATH,
        21,
        1,
        fake_linkup::fault_null_invitations(1015),
    );
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1010);
    let stop = &listed.stopped.as_ref().expect("partial, not complete").stop;
    assert!(stop.reason.contains("announced 1015"), "{}", stop.reason);
    assert_eq!(server.log.len(), 22, "{:?}", server.requests());
}

/// The older received page (no type, no range, no total): what its one page holds is kept,
/// and the listing is partial, since nothing shows it was all.
#[tokio::test]
async fn the_older_received_page_is_listed_partial_never_complete() {
    let quirks = fake_linkup::Quirks {
        old_received_page: true,
        ..Default::default()
    };
    let fake = fake()
        .with_received("CONNECTION", 23)
        .with_received("ORGANIZATION", 4);
    let (server, client) = start_with(quirks, fake).await;
    let listed = client
        .list_received_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 10);
    assert!(!listed.is_complete());
    assert_eq!(server.log.len(), 4, "{:?}", server.requests());
}

/// A server that ignores the page range answers page 1 again: partial, never complete.
#[tokio::test]
async fn a_page_range_the_server_ignores_stops_partial() {
    let quirks = fake_linkup::Quirks {
        ignores_range: true,
        ..Default::default()
    };
    let (server, client) = start_with(quirks, fake().with_sent(35)).await;
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 10);
    let stop = &listed.stopped.as_ref().expect("partial").stop;
    assert!(stop.reason.contains("asked from page 2"), "{}", stop.reason);
    assert_eq!(server.log.len(), 2);
}

/// Invitations listed in another state than `PENDING` are left out, but a page of them is
/// progress, not a stall: the pending ones after them are listed, the listing complete.
#[tokio::test]
async fn a_page_of_non_pending_invitations_is_not_a_stall() {
    let fake = fake().with_sent(5).with_sent_in_state(10, "ACCEPTED");
    let (server, client) = start(&fake).await;
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.is_complete(), "{:?}", listed.stopped);
    let want: Vec<_> = fake.sent().iter().map(|s| s.id.to_string()).collect();
    let got: Vec<_> = listed.items.iter().map(|s| s.id.clone()).collect();
    assert_eq!(got, want);
    assert_eq!(got.len(), 5);
    assert_eq!(server.log.len(), 2);
}

/// Invitations left out as not pending count toward the listing's row bound: a server listing
/// endless non-pending ones is stopped like one listing endless pending ones.
#[tokio::test]
async fn left_out_invitations_count_toward_the_row_bound() {
    let fake = fake().with_sent_in_state(200, "ACCEPTED");
    let (server, client) = start(&fake).await;
    let client = client.with_max_listing_rows(50);
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.items.is_empty());
    assert!(!listed.is_complete(), "read past the bound to the end");
    assert_eq!(server.log.len(), 2, "{:?}", server.requests());
}

/// Accept "no permission" is about that invitation: a failure of it alone, not a refused
/// credential that stops the job and flags the account's key.
#[tokio::test]
async fn no_permission_on_accept_fails_that_invitation_only() {
    let fake = fake().with_received("CONNECTION", 2);
    let (server, client) = start(&fake).await;
    let inv = received_list(&client).await.unwrap().remove(0);
    server.faults.inject(
        Some("POST"),
        ACCEPT_PATH,
        1,
        fake_linkup::fault_no_permission(),
    );
    let e = client.respond(&inv, Response::Accept).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e:?}");
    assert!(e.message.contains("no permission"), "{}", e.message);
    assert_eq!(fake.received().len(), 2);
}

/// Errors that say "expired" or "not found" about something other than the invitation are
/// not "already withdrawn": the withdrawal is not reported done while it stays pending.
#[tokio::test]
async fn a_session_or_account_error_is_not_a_done_withdrawal() {
    let fake = fake().with_sent(3);
    let (server, client) = start(&fake).await;
    let inv = sent_list(&client).await.unwrap().remove(0);
    let cases = [
        (
            fake_linkup::fault_session_expired(),
            ErrorKind::BadCredentials,
        ),
        (
            fake_linkup::fault_error(404, "Account not found"),
            ErrorKind::UnexpectedResponse,
        ),
    ];
    for (fault, kind) in cases {
        server
            .faults
            .inject(Some("POST"), WITHDRAW_PATH, 1, fault.clone());
        let e = client.withdraw(&inv).await.unwrap_err();
        assert_eq!(e.kind, kind, "{fault:?}");
        assert_eq!(fake.sent().len(), 3, "still pending");
    }
    server.faults.inject(
        Some("POST"),
        WITHDRAW_PATH,
        1,
        fake_linkup::fault_session_expired(),
    );
    let e = client.withdraw(&inv).await.unwrap_err();
    assert!(e.message.contains("login token"), "{}", e.message);
}
