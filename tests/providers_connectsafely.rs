//! The ConnectSafely client against its stateful fake: every operation, every documented error
//! shape, injected faults, and the exact number of requests each one costs.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use invitedesk_lib::error::ErrorKind;
use invitedesk_lib::model::{
    Age, InvitationCategory, NewInvitation, ProviderKind, ReceivedInvitation, Response,
    SentInvitation, WriteOutcome,
};
use invitedesk_lib::providers::connectsafely::ConnectSafely;
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::{
    ignore_rows, InvitationProvider, ListingEvent, ProviderConfig, ProviderError,
};
use secrecy::SecretString;
use serde_json::json;
use support::connectsafely::{self as cs, AccountSeed, ConnectSafelyFake, DEFAULT_KEY};
use support::{FakeServer, Fault};

const ACC: &str = "60d21b4667d0d8992e610c85";
const ACC2: &str = "60d21b4667d0d8992e610c86";

/// Wednesday 22 April 2026, 10:00 UTC.
fn wednesday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 22, 10, 0, 0).unwrap()
}

fn config(server: &FakeServer, key: &str, account: Option<&str>) -> ProviderConfig {
    ProviderConfig {
        kind: ProviderKind::ConnectSafely,
        base_url: server.base_url.clone(),
        api_key: SecretString::from(key.to_string()),
        remote_account_id: account.map(str::to_string),
        login_token: None,
        country: None,
    }
}

fn client_with(server: &FakeServer, account: Option<&str>, http: HttpConfig) -> ConnectSafely {
    ConnectSafely::with_http_config(config(server, DEFAULT_KEY, account), http).unwrap()
}

fn client(server: &FakeServer) -> ConnectSafely {
    client_with(server, Some(ACC), HttpConfig::fast_test())
}

fn fake(sent: usize, received: usize) -> ConnectSafelyFake {
    let fake = ConnectSafelyFake::new(DEFAULT_KEY);
    fake.set_now(wednesday());
    fake.with_account(AccountSeed::new(ACC).sent(sent).received(received))
        .with_account(
            AccountSeed::new(ACC2)
                .named("Jane", "Smith", "jane-smith")
                .status("WARMUP")
                .sent(3),
        )
}

async fn setup(sent: usize, received: usize) -> (ConnectSafelyFake, FakeServer, ConnectSafely) {
    let fake = fake(sent, received);
    let server = fake.start().await;
    let client = client(&server);
    (fake, server, client)
}

fn quiet(_: ListingEvent) {}

async fn sent_list(c: &ConnectSafely) -> Result<Vec<SentInvitation>, ProviderError> {
    c.list_sent(&quiet).await
}

async fn received_list(c: &ConnectSafely) -> Result<Vec<ReceivedInvitation>, ProviderError> {
    c.list_received(&quiet).await
}

fn pages_for(items: usize) -> usize {
    items.div_ceil(10).max(1)
}

// ---------------------------------------------------------------------------------------------
// Accounts

#[tokio::test]
async fn lists_accounts_from_the_bare_array() {
    let (_, server, client) = setup(0, 0).await;
    let accounts = client.list_accounts().await.unwrap();
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0].id, ACC);
    assert_eq!(accounts[0].name, "John Doe");
    assert_eq!(accounts[0].status, "AVAILABLE");
    assert!(accounts[0].usable);
    assert_eq!(
        accounts[0].profile_url.as_deref(),
        Some("https://www.linkedin.com/in/john-doe-123")
    );
    assert_eq!(accounts[1].status, "WARMUP");
    assert_eq!(server.requests(), ["GET /accounts"]);
    let sent = &server.log.all()[0];
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {DEFAULT_KEY}").as_str())
    );
}

#[tokio::test]
async fn a_wrong_key_is_bad_credentials_without_retry_or_leak() {
    let fake = fake(0, 0);
    let server = fake.start().await;
    let client = ConnectSafely::with_http_config(
        config(&server, "cs_wrong_key_123456", Some(ACC)),
        HttpConfig::fast_test(),
    )
    .unwrap();
    let e = client.list_accounts().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert_eq!(e.status, Some(401));
    assert!(e
        .excerpt
        .as_deref()
        .unwrap()
        .contains("Invalid credentials"));
    assert!(!format!("{e:?}").contains("cs_wrong_key"));
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn an_expired_trial_is_billing() {
    let (fake, server, client) = setup(5, 0).await;
    fake.set_trial_expired(true);
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Billing);
    assert_eq!(e.status, Some(403));
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn an_unknown_account_is_not_found() {
    let (_, server, _) = setup(0, 0).await;
    let client = client_with(
        &server,
        Some("aaaaaaaaaaaaaaaaaaaaaaaa"),
        HttpConfig::fast_test(),
    );
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(server.log.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Sent

#[tokio::test]
async fn lists_every_sent_invitation_across_pages_with_19_digit_ids() {
    let (fake, server, client) = setup(253, 0).await;
    let pages_seen = AtomicUsize::new(0);
    let last_count = AtomicUsize::new(0);
    let progress = |e: ListingEvent| {
        if let ListingEvent::Page { fetched, .. } = e {
            pages_seen.fetch_add(1, Ordering::SeqCst);
            last_count.store(fetched, Ordering::SeqCst);
        }
    };
    let list = client.list_sent(&progress).await.unwrap();

    let expected = fake.sent(ACC);
    assert_eq!(list.len(), 253);
    let ids: Vec<&str> = list.iter().map(|i| i.id.as_str()).collect();
    let expected_ids: Vec<&str> = expected.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, expected_ids);
    assert!(ids
        .iter()
        .all(|id| id.len() == 19 && id.bytes().all(|b| b.is_ascii_digit())));

    // 26 pages, item offsets 0, 10, …, 250, each with the account; nothing else.
    let reqs = server.log.matching("GET", "/invitations/sent");
    assert_eq!(reqs.len(), pages_for(253));
    assert_eq!(server.log.len(), reqs.len());
    for (n, r) in reqs.iter().enumerate() {
        assert_eq!(r.query_param("startIndex"), Some((n * 10).to_string()));
        assert_eq!(r.query_param("accountId").as_deref(), Some(ACC));
    }
    assert_eq!(pages_seen.load(Ordering::SeqCst), 26);
    assert_eq!(last_count.load(Ordering::SeqCst), 253);

    let first = &list[0];
    let wire = &expected[0];
    assert_eq!(
        first.urn.as_deref(),
        Some(format!("urn:li:invitation:{}", wire.id).as_str())
    );
    assert_eq!(
        first.person.name,
        format!("{} {}", wire.first_name, wire.last_name)
    );
    assert_eq!(
        first.person.public_id.as_deref(),
        Some(wire.public_id.as_str())
    );
    assert_eq!(
        first.person.member_id.as_deref(),
        Some(wire.member_id.as_str())
    );
    assert_eq!(
        first.person.headline.as_deref(),
        Some(wire.headline.as_str())
    );
    assert_eq!(first.category, InvitationCategory::Connection);
    assert_eq!(first.sent_text.as_deref(), Some("1 day ago"));
    assert_eq!(first.age, Age::exact(1));
    let last = list.last().unwrap();
    assert_eq!(last.sent_text.as_deref(), Some("1 year ago"));
    assert_eq!(last.age, Age::at_least(365));
}

#[tokio::test]
async fn a_page_count_that_is_a_multiple_of_ten_needs_no_extra_request() {
    let (_, server, client) = setup(250, 0).await;
    assert_eq!(sent_list(&client).await.unwrap().len(), 250);
    assert_eq!(server.log.count("GET", "/invitations/sent"), 25);
}

#[tokio::test]
async fn without_end_of_list_an_empty_page_ends_the_listing() {
    let (fake, server, client) = setup(30, 0).await;
    fake.set_legacy_pagination(true);
    assert_eq!(sent_list(&client).await.unwrap().len(), 30);
    // 0, 10, 20 and the empty page at 30.
    assert_eq!(server.log.count("GET", "/invitations/sent"), 4);
}

#[tokio::test]
async fn an_empty_account_costs_one_request() {
    let (_, server, client) = setup(0, 0).await;
    assert!(sent_list(&client).await.unwrap().is_empty());
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn without_an_account_id_the_default_account_is_used() {
    let (_, server, _) = setup(12, 0).await;
    let client = client_with(&server, None, HttpConfig::fast_test());
    assert_eq!(sent_list(&client).await.unwrap().len(), 12);
    assert!(server
        .log
        .all()
        .iter()
        .all(|r| r.query_param("accountId").is_none()));
    let second = client_with(&server, Some(ACC2), HttpConfig::fast_test());
    assert_eq!(sent_list(&second).await.unwrap().len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Faults on reads

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_and_retried() {
    let (_, server, client) = setup(25, 0).await;
    server.faults.inject(
        Some("GET"),
        "/invitations/sent",
        1,
        cs::fault_rate_limited(0),
    );
    assert_eq!(sent_list(&client).await.unwrap().len(), 25);
    assert_eq!(server.log.count("GET", "/invitations/sent"), 3 + 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_fails_fast_with_retry_at() {
    let (_, server, client) = setup(25, 0).await;
    server.faults.inject(
        Some("GET"),
        "/invitations/sent",
        1,
        cs::fault_rate_limited(3600),
    );
    let before = Utc::now();
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    let at = e.retry_at.expect("retry_at");
    assert!(at >= before + chrono::Duration::seconds(3599), "{at}");
    assert!(at <= Utc::now() + chrono::Duration::seconds(3601), "{at}");
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn a_retry_after_http_date_is_understood() {
    let (_, server, client) = setup(5, 0).await;
    let date = httpdate_in(Duration::from_secs(7200));
    server.faults.inject(
        Some("GET"),
        "/invitations/sent",
        1,
        Fault::rate_limited(&date),
    );
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    let wait = e.retry_at.unwrap() - Utc::now();
    assert!(wait > chrono::Duration::seconds(7100) && wait <= chrono::Duration::seconds(7201));
    assert_eq!(server.log.len(), 1);
}

fn httpdate_in(d: Duration) -> String {
    use std::time::SystemTime;
    let t = SystemTime::now() + d;
    // httpdate is a dependency of the app crate, not of the tests: format by hand via chrono.
    let dt: DateTime<Utc> = t.into();
    dt.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off_and_retries() {
    let (_, server, client) = setup(5, 0).await;
    server.faults.inject(
        None,
        "/invitations/sent",
        2,
        Fault::rate_limited_no_header(),
    );
    assert_eq!(sent_list(&client).await.unwrap().len(), 5);
    assert_eq!(server.log.len(), 3);
}

/// Every retry notice a listing sent, as the refresh bar would show it.
fn notices(events: &Mutex<Vec<ListingEvent>>) -> Vec<String> {
    events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            ListingEvent::Retrying(n) => Some(n.to_string()),
            ListingEvent::Page { .. } => None,
        })
        .collect()
}

#[tokio::test]
async fn a_key_that_cannot_be_sent_is_called_malformed_and_nothing_is_sent() {
    let (_, server, _) = setup(5, 0).await;
    let client = ConnectSafely::with_http_config(
        config(&server, &format!("{DEFAULT_KEY}\u{1b}"), Some(ACC)),
        HttpConfig::fast_test(),
    )
    .unwrap();
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("malformed"), "{}", e.message);
    assert!(!e.message.contains("refused"), "{}", e.message);
    assert!(!e.message.contains(DEFAULT_KEY), "{}", e.message);
    assert!(server.log.is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn a_one_off_500_on_a_middle_page_is_retried_and_announced() {
    let (_, server, client) = setup(25, 0).await;
    let events = Mutex::new(Vec::new());
    let progress = |e: ListingEvent| {
        // Page 2 has arrived: page 3 is the next one asked for, and it fails once.
        if e == ListingEvent::page(20, None) {
            server
                .faults
                .inject(None, "/invitations/sent", 1, Fault::server_error());
        }
        events.lock().unwrap().push(e);
    };
    assert_eq!(client.list_sent(&progress).await.unwrap().len(), 25);
    assert_eq!(server.log.count("GET", "/invitations/sent"), 4);
    assert_eq!(
        notices(&events),
        ["ConnectSafely had an internal error; retrying page 3 (attempt 2 of 4)…"]
    );
}

#[tokio::test]
async fn a_500_that_persists_ends_with_the_page_and_the_attempts() {
    let (_, server, client) = setup(15, 0).await;
    let events = Mutex::new(Vec::new());
    let progress = |e: ListingEvent| {
        if e == ListingEvent::page(10, None) {
            server
                .faults
                .inject(None, "/invitations/sent", 10, Fault::server_error());
        }
        events.lock().unwrap().push(e);
    };
    let e = client.list_sent(&progress).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    assert_eq!(e.status, Some(500));
    assert!(
        e.message.starts_with(
            "ConnectSafely kept failing with an internal error on page 2 after 4 attempts."
        ),
        "{}",
        e.message
    );
    // Page 1 once, page 2 four times.
    assert_eq!(server.log.count("GET", "/invitations/sent"), 5);
    assert_eq!(notices(&events).len(), 3);
    assert!(notices(&events)[2].ends_with("retrying page 2 (attempt 4 of 4)…"));
}

#[tokio::test]
async fn an_html_gateway_page_is_retried_then_reported_with_a_short_excerpt() {
    let (_, server, client) = setup(5, 0).await;
    server
        .faults
        .inject(None, "/invitations/sent", 1, Fault::html(502));
    assert_eq!(sent_list(&client).await.unwrap().len(), 5);
    assert_eq!(server.log.len(), 2);

    server.log.clear();
    server
        .faults
        .inject(None, "/invitations/sent", 10, Fault::html(504));
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    let excerpt = e.excerpt.unwrap();
    assert!(excerpt.starts_with("<!DOCTYPE html>"), "{excerpt}");
    assert!(excerpt.chars().count() <= 200);
    assert!(!e.message.contains('<'), "{}", e.message);
    // First try + max_retries.
    assert_eq!(server.log.len(), 4);
}

#[tokio::test]
async fn an_unreadable_page_is_read_again() {
    let (_, server, client) = setup(5, 0).await;
    server
        .faults
        .inject(None, "/invitations/sent", 1, Fault::invalid_json());
    let events = Mutex::new(Vec::new());
    let progress = |e: ListingEvent| events.lock().unwrap().push(e);
    assert_eq!(client.list_sent(&progress).await.unwrap().len(), 5);
    assert_eq!(server.log.len(), 2);
    assert_eq!(
        notices(&events),
        ["ConnectSafely sent an answer that could not be read; retrying page 1 (attempt 2 of 4)…"]
    );
}

#[tokio::test]
async fn an_answer_that_stays_unreadable_is_an_unexpected_response_with_an_excerpt() {
    let (_, server, client) = setup(5, 0).await;
    server
        .faults
        .inject(None, "/invitations/sent", 4, Fault::invalid_json());
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnexpectedResponse);
    assert!(e.excerpt.unwrap().contains("\"invitations\""));
    assert!(
        e.message
            .contains("kept sending answers that could not be read on page 1 after 4 attempts"),
        "{}",
        e.message
    );
    assert_eq!(server.log.len(), 4);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_the_read_is_retried() {
    let (_, server, _) = setup(0, 0).await;
    let client = client_with(
        &server,
        Some(ACC),
        HttpConfig::fast_test().with_timeout(Duration::from_millis(150)),
    );
    server
        .faults
        .inject(None, "/invitations/sent", 1, Fault::delay(600));
    assert!(sent_list(&client).await.unwrap().is_empty());
    assert_eq!(server.log.len(), 2);

    server.log.clear();
    server
        .faults
        .inject(None, "/invitations/sent", 4, Fault::delay(600));
    let events = Mutex::new(Vec::new());
    let progress = |e: ListingEvent| events.lock().unwrap().push(e);
    let e = client.list_sent(&progress).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert_eq!(server.log.len(), 4);
    // The bar said what was going on, and the end says why it stopped.
    assert_eq!(
        notices(&events),
        [2, 3, 4].map(|n| format!(
            "ConnectSafely did not answer in time; retrying page 1 (attempt {n} of 4)…"
        ))
    );
    assert!(
        e.message
            .starts_with("ConnectSafely kept timing out on page 1 after 4 attempts."),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn a_dropped_connection_on_a_read_is_retried() {
    let (_, server, client) = setup(15, 0).await;
    server
        .faults
        .inject(None, "/invitations/sent", 1, Fault::DropBefore);
    assert_eq!(sent_list(&client).await.unwrap().len(), 15);
    assert_eq!(server.log.len(), 3);
}

#[tokio::test]
async fn a_key_revoked_mid_listing_stops_at_once() {
    let (_, server, client) = setup(40, 0).await;
    // The first page passes untouched (a zero delay), the second is refused.
    server
        .faults
        .inject_after(None, "/invitations/sent", 1, 1, cs::fault_bad_key());
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert_eq!(server.log.len(), 2);
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let cfg = ProviderConfig {
        kind: ProviderKind::ConnectSafely,
        base_url: format!("http://127.0.0.1:{port}/linkedin"),
        api_key: SecretString::from(DEFAULT_KEY),
        remote_account_id: Some(ACC.into()),
        login_token: None,
        country: None,
    };
    let client = ConnectSafely::with_http_config(cfg, HttpConfig::fast_test()).unwrap();
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    // A write that could not connect certainly never arrived: a plain network error (after
    // the safe retries), not "unconfirmed".
    let target = SentInvitation {
        id: "1".into(),
        urn: None,
        person: invitedesk_lib::model::Person {
            name: "Someone".into(),
            public_id: Some("someone".into()),
            ..Default::default()
        },
        category: InvitationCategory::Connection,
        sent_text: None,
        age: Age::UNKNOWN,
        note: None,
    };
    let e = client.withdraw(&target).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network, "{e:?}");
    assert!(e.message.contains("Could not reach"), "{}", e.message);
    let e = client
        .send_invitation(&NewInvitation {
            profile_url: "https://www.linkedin.com/in/someone".into(),
            note: None,
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
}

#[tokio::test]
async fn secrets_in_error_bodies_are_scrubbed() {
    let (_, server, client) = setup(5, 0).await;
    server.faults.inject(
        None,
        "/invitations/sent",
        1,
        Fault::status(
            400,
            json!({"success": false, "error": format!("Bad header Bearer {DEFAULT_KEY} for key {DEFAULT_KEY}")}),
        ),
    );
    let e = sent_list(&client).await.unwrap_err();
    let shown = format!("{e:?} {e}");
    assert!(!shown.contains(DEFAULT_KEY), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// Received

#[tokio::test]
async fn lists_received_invitations_of_every_category() {
    let (fake, server, client) = setup(0, 35).await;
    let list = received_list(&client).await.unwrap();
    assert_eq!(list.len(), 35);
    assert_eq!(server.log.count("GET", "/invitations/received"), 4);
    let wire = fake.received(ACC);

    let by_cat = |c: InvitationCategory| list.iter().filter(move |i| i.category == c);
    assert!(by_cat(InvitationCategory::Connection).count() > 10);
    let org = by_cat(InvitationCategory::Organization).next().unwrap();
    assert_eq!(org.entity_name.as_deref(), Some("ZenX8Studio"));
    assert_eq!(org.person.member_id, None, "empty memberId is no member id");
    let news = by_cat(InvitationCategory::Newsletter).next().unwrap();
    assert_eq!(news.entity_name.as_deref(), Some("The Weekly Build"));
    assert_eq!(
        news.raw_type.as_deref(),
        Some("GenericInvitationType_ORGANIZATION"),
        "the raw type is kept as sent, not derived from the category"
    );
    assert!(by_cat(InvitationCategory::Event).next().is_some());
    assert!(by_cat(InvitationCategory::MemberFollow).next().is_some());

    let first = &list[0];
    assert_eq!(first.id, wire[0].id);
    assert_eq!(first.accept_token.as_deref(), Some(wire[0].token.as_str()));
    assert_eq!(first.received_text.as_deref(), Some("1 day ago"));
    assert_eq!(first.age, Age::exact(1));
    assert!(list.iter().any(|i| i.note.is_some()));
}

#[tokio::test]
async fn invitations_unavailable_is_retried() {
    let (_, server, client) = setup(0, 25).await;
    server.faults.inject(
        Some("GET"),
        "/invitations/received",
        1,
        cs::fault_invitations_unavailable(),
    );
    assert_eq!(received_list(&client).await.unwrap().len(), 25);
    assert_eq!(server.log.count("GET", "/invitations/received"), 3 + 1);
}

/// A 502 `INVITATIONS_UNAVAILABLE` that outlasts the read loop's quick repeats (4 requests) is
/// waited out a little longer before the page is given up on.
#[tokio::test]
async fn invitations_unavailable_for_a_while_is_waited_out() {
    let (_, server, client) = setup(0, 25).await;
    server.faults.inject(
        Some("GET"),
        "/invitations/received",
        6,
        cs::fault_invitations_unavailable(),
    );
    let events = Mutex::new(Vec::new());
    let progress = |e: ListingEvent| events.lock().unwrap().push(e);
    let listed = client
        .list_received_partial(&progress, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.is_complete(), "{:?}", listed.stopped);
    assert_eq!(listed.items.len(), 25);
    // Page 1: 4 + 3 requests (the 7th is answered), then pages 2 and 3.
    assert_eq!(server.log.count("GET", "/invitations/received"), 7 + 2);
    assert!(notices(&events).contains(
        &"LinkedIn returned no invitations through ConnectSafely for now; retrying page 1 \
          (attempt 2 of 4)…"
            .to_string()
    ));
}

/// Persisting on page 1: nothing to keep, so the listing fails as unavailable, after 4 rounds
/// of the read loop's 4 requests.
#[tokio::test]
async fn invitations_unavailable_that_persists_is_provider_unavailable() {
    let (_, server, client) = setup(0, 25).await;
    server.faults.inject(
        Some("GET"),
        "/invitations/received",
        100,
        cs::fault_invitations_unavailable(),
    );
    let e = received_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    assert_eq!(e.status, Some(502));
    assert_eq!(server.log.len(), 16);
}

/// Unavailable with a wait named beyond what a read sits out (here two minutes): handed back
/// at once, saying until when, not asked again three more rounds against the server's word.
#[tokio::test]
async fn invitations_unavailable_with_a_long_named_wait_is_not_repeated() {
    let (_, server, client) = setup(0, 25).await;
    server.faults.inject(
        Some("GET"),
        "/invitations/received",
        100,
        cs::fault_invitations_unavailable().with_header("Retry-After", "120"),
    );
    let e = received_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    assert!(e.retry_at.is_some(), "{e:?}");
    assert_eq!(server.log.len(), 1);
}

/// Persisting after page 1: the listing stops part-way with the rows it has, so the refresh
/// takes nothing it did not reach as gone.
#[tokio::test]
async fn invitations_unavailable_after_the_first_page_keeps_the_rows() {
    let (_, server, client) = setup(0, 25).await;
    server.faults.inject_after(
        Some("GET"),
        "/invitations/received",
        1,
        100,
        cs::fault_invitations_unavailable(),
    );
    let listed = client
        .list_received_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 10);
    let stopped = listed.stopped.expect("stopped part-way");
    assert_eq!(stopped.error.kind, ErrorKind::ProviderUnavailable);
    assert_eq!(stopped.stop.fetched, 10);
    assert_eq!(server.log.count("GET", "/invitations/received"), 1 + 16);
}

/// Any other 502 gets only the read loop's quick repeats.
#[tokio::test]
async fn a_plain_502_is_not_waited_out_longer() {
    let (_, server, client) = setup(0, 25).await;
    server
        .faults
        .inject(Some("GET"), "/invitations/received", 100, Fault::html(502));
    let e = received_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    assert_eq!(server.log.len(), 4);
}

/// A 200 without `invitations` (an error body, a wrapped page) is not an empty list: on page 1
/// it is an unreadable answer, later it stops the listing part-way. Taken for an empty, whole
/// list it would have the refresh drop every cached invitation.
#[tokio::test]
async fn an_ok_answer_without_invitations_is_never_an_empty_list() {
    for fault in [cs::fault_ok_without_invitations(), cs::fault_wrapped_page()] {
        let (_, server, client) = setup(25, 0).await;
        server
            .faults
            .inject(Some("GET"), "/invitations/sent", 100, fault.clone());
        let e = sent_list(&client).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnexpectedResponse, "{fault:?}");
        assert!(e.message.contains("could not be read"), "{}", e.message);
        assert_eq!(server.log.len(), 4, "read again like any unreadable answer");

        server.faults.clear();
        server.log.clear();
        server
            .faults
            .inject_after(Some("GET"), "/invitations/sent", 1, 100, fault.clone());
        let listed = client
            .list_sent_partial(&quiet, &ignore_rows)
            .await
            .unwrap();
        assert_eq!(listed.items.len(), 10, "{fault:?}");
        let stopped = listed.stopped.expect("partial, not complete");
        assert_eq!(stopped.error.kind, ErrorKind::UnexpectedResponse);
    }
}

/// `"invitations": []` with the end of the list is still a real empty list.
#[tokio::test]
async fn an_empty_invitations_array_at_the_end_is_an_empty_list() {
    let (_, server, client) = setup(0, 0).await;
    server.faults.inject(
        Some("GET"),
        "/invitations/received",
        1,
        Fault::status(
            200,
            json!({"success": true, "endOfList": true, "invitations": []}),
        ),
    );
    assert!(received_list(&client).await.unwrap().is_empty());
    assert_eq!(server.log.len(), 1);
}

/// An empty page that says the list goes on is asked for again at the same offset; LinkedIn
/// briefly returning nothing does not end or break the listing.
#[tokio::test]
async fn an_empty_page_before_the_end_is_asked_for_again() {
    let (_, server, client) = setup(0, 25).await;
    server.faults.inject_after(
        Some("GET"),
        "/invitations/received",
        1,
        1,
        cs::fault_empty_page_not_at_end(),
    );
    let events = Mutex::new(Vec::new());
    let progress = |e: ListingEvent| events.lock().unwrap().push(e);
    let listed = client
        .list_received_partial(&progress, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.is_complete(), "{:?}", listed.stopped);
    assert_eq!(listed.items.len(), 25);
    assert_eq!(
        start_indexes(&server, "/invitations/received"),
        ["0", "10", "10", "20"]
    );
    assert_eq!(
        notices(&events),
        [
            "LinkedIn returned an empty page in the middle of the list; retrying page 2 \
          (attempt 2 of 4)…"
        ]
    );
}

/// Empty pages before the end that persist: the listing stops part-way with what it has, or
/// fails when it has nothing.
#[tokio::test]
async fn empty_pages_before_the_end_that_persist_stop_the_listing_part_way() {
    let (_, server, client) = setup(0, 25).await;
    server.faults.inject_after(
        Some("GET"),
        "/invitations/received",
        1,
        100,
        cs::fault_empty_page_not_at_end(),
    );
    let listed = client
        .list_received_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 10);
    let stopped = listed.stopped.expect("partial");
    assert_eq!(stopped.error.kind, ErrorKind::ProviderUnavailable);
    assert_eq!(
        start_indexes(&server, "/invitations/received"),
        ["0", "10", "10", "10", "10"]
    );

    server.faults.clear();
    server.log.clear();
    server.faults.inject(
        Some("GET"),
        "/invitations/received",
        100,
        cs::fault_empty_page_not_at_end(),
    );
    let e = received_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    assert_eq!(server.log.len(), 4);
}

// ---------------------------------------------------------------------------------------------
// Withdraw

async fn first_sent(client: &ConnectSafely) -> SentInvitation {
    sent_list(client).await.unwrap().remove(0)
}

#[tokio::test]
async fn withdraw_removes_the_invitation_from_later_pages() {
    let (fake, server, client) = setup(25, 0).await;
    let target = first_sent(&client).await;
    server.log.clear();

    assert_eq!(client.withdraw(&target).await.unwrap(), WriteOutcome::Done);
    let posts = server.log.matching("POST", "/invitations/withdraw");
    assert_eq!(server.log.len(), 1, "{:?}", server.requests());
    assert_eq!(
        posts[0].json(),
        json!({"accountId": ACC, "profileId": target.person.public_id.clone().unwrap()})
    );
    assert_eq!(posts[0].header("content-type"), Some("application/json"));

    let after = sent_list(&client).await.unwrap();
    assert_eq!(after.len(), 24);
    assert!(after.iter().all(|i| i.id != target.id));
    assert_eq!(fake.sent(ACC).len(), 24);
}

#[tokio::test]
async fn withdrawing_what_is_already_gone_is_not_an_error() {
    let (_, server, client) = setup(3, 0).await;
    let target = first_sent(&client).await;
    assert_eq!(client.withdraw(&target).await.unwrap(), WriteOutcome::Done);
    server.log.clear();
    assert_eq!(
        client.withdraw(&target).await.unwrap(),
        WriteOutcome::AlreadyGone
    );
    assert_eq!(server.log.count("POST", "/invitations/withdraw"), 1);
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn withdrawing_from_an_unknown_profile_is_not_found() {
    let (_, server, client) = setup(3, 0).await;
    let mut target = first_sent(&client).await;
    target.person.public_id = Some("no-such-person".into());
    server.log.clear();
    let e = client.withdraw(&target).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn withdraw_uses_the_profile_url_when_the_slug_is_missing() {
    let (fake, server, client) = setup(3, 0).await;
    let mut target = first_sent(&client).await;
    let slug = target.person.public_id.take().unwrap();
    server.log.clear();
    assert_eq!(client.withdraw(&target).await.unwrap(), WriteOutcome::Done);
    assert_eq!(server.log.all()[0].json()["profileId"], json!(slug));
    assert_eq!(fake.sent(ACC).len(), 2);

    target.person.profile_url = None;
    server.log.clear();
    let e = client.withdraw(&target).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(server.log.is_empty());
}

/// What the client says about a write whose answer was lost: not known whether it was made.
fn assert_unconfirmed(e: &ProviderError) {
    assert_eq!(e.kind, ErrorKind::Unconfirmed, "{e:?}");
    assert!(e.message.contains("not known"), "{}", e.message);
}

#[tokio::test]
async fn a_withdraw_whose_answer_is_lost_is_unconfirmed_after_one_request() {
    let (fake, server, client) = setup(5, 0).await;
    let target = first_sent(&client).await;
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), "/invitations/withdraw", 1, Fault::DropAfter);

    let e = client.withdraw(&target).await.unwrap_err();
    assert_unconfirmed(&e);
    // One withdraw, no relationship check, no second withdraw: settling is the caller's job.
    assert_eq!(
        server.requests(),
        ["POST /invitations/withdraw"],
        "{:?}",
        server.requests()
    );
    // The fake applied it: exactly what the client cannot know.
    assert_eq!(fake.sent(ACC).len(), 4);
}

#[tokio::test]
async fn a_withdraw_cut_off_before_the_fake_acted_is_unconfirmed_too() {
    let (fake, server, client) = setup(5, 0).await;
    let target = first_sent(&client).await;
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), "/invitations/withdraw", 1, Fault::DropBefore);

    // The connection broke after the whole request was written (reqwest reports a broken
    // connection, not a connect error): from the client's side this is the same as a lost
    // answer, so it is unconfirmed and not repeated, although this time nothing happened.
    let e = client.withdraw(&target).await.unwrap_err();
    assert_unconfirmed(&e);
    assert!(e.message.contains("broke off"), "{}", e.message);
    assert_eq!(server.requests(), ["POST /invitations/withdraw"]);
    assert_eq!(fake.sent(ACC).len(), 5);
}

#[tokio::test]
async fn a_lost_withdraw_is_never_repeated_by_the_client() {
    let (fake, server, client) = setup(5, 0).await;
    let target = first_sent(&client).await;
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), "/invitations/withdraw", 5, Fault::DropBefore);

    let e = client.withdraw(&target).await.unwrap_err();
    assert_unconfirmed(&e);
    assert_eq!(server.log.len(), 1, "{:?}", server.requests());
    assert_eq!(server.faults.pending(), 4, "no second attempt took a fault");
    assert_eq!(fake.sent(ACC).len(), 5);
}

#[tokio::test]
async fn each_lost_withdraw_costs_one_request_and_no_check() {
    // What the job runner does after a check found the first one still pending: one more
    // call, whose answer is lost too. Each call is one request, and the client never checks.
    let (fake, server, client) = setup(5, 0).await;
    let target = first_sent(&client).await;
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), "/invitations/withdraw", 1, Fault::DropBefore);
    server
        .faults
        .inject(Some("POST"), "/invitations/withdraw", 1, Fault::DropAfter);

    assert_unconfirmed(&client.withdraw(&target).await.unwrap_err());
    assert_eq!(fake.sent(ACC).len(), 5, "the first did not arrive");
    assert_unconfirmed(&client.withdraw(&target).await.unwrap_err());
    assert_eq!(fake.sent(ACC).len(), 4, "the second did");
    assert_eq!(
        server.requests(),
        ["POST /invitations/withdraw", "POST /invitations/withdraw"]
    );
}

#[tokio::test]
async fn a_gateway_error_on_withdraw_is_unconfirmed_not_retried() {
    let (fake, server, client) = setup(5, 0).await;
    let target = first_sent(&client).await;
    for status in [502, 504] {
        server.log.clear();
        server.faults.inject(
            Some("POST"),
            "/invitations/withdraw",
            1,
            Fault::html(status),
        );
        let e = client.withdraw(&target).await.unwrap_err();
        assert_unconfirmed(&e);
        assert_eq!(e.status, Some(status));
        assert!(
            e.message.contains("temporarily unavailable"),
            "{}",
            e.message
        );
        assert_eq!(server.log.len(), 1, "{status}: {:?}", server.requests());
    }
    assert_eq!(fake.sent(ACC).len(), 5);
}

#[tokio::test]
async fn a_withdraw_held_past_the_timeout_is_unconfirmed_and_lands_later() {
    let (fake, server, _) = setup(5, 0).await;
    let client = client_with(
        &server,
        Some(ACC),
        HttpConfig::fast_test().with_timeout(Duration::from_millis(300)),
    );
    let target = first_sent(&client).await;
    server.log.clear();
    server.faults.inject(
        Some("POST"),
        "/invitations/withdraw",
        1,
        Fault::apply_late(600),
    );

    let e = client.withdraw(&target).await.unwrap_err();
    assert_unconfirmed(&e);
    assert!(e.message.contains("did not answer within"), "{}", e.message);
    assert_eq!(
        fake.sent(ACC).len(),
        5,
        "not applied yet when the client gave up"
    );
    server.faults.wait_unheld(Duration::from_secs(5)).await;
    assert_eq!(fake.sent(ACC).len(), 4, "applied after the client hung up");
    assert_eq!(server.faults.applied_late(), 1);
    assert_eq!(server.requests(), ["POST /invitations/withdraw"]);
}

#[tokio::test]
async fn an_unreadable_2xx_on_withdraw_is_unconfirmed() {
    let (fake, server, client) = setup(5, 0).await;
    let target = first_sent(&client).await;
    for fault in [Fault::invalid_json(), Fault::html(200)] {
        server.log.clear();
        server
            .faults
            .inject(Some("POST"), "/invitations/withdraw", 1, fault.clone());
        let e = client.withdraw(&target).await.unwrap_err();
        assert_unconfirmed(&e);
        assert!(e.excerpt.is_some(), "{fault:?}");
        assert_eq!(server.log.len(), 1, "{fault:?}");
    }
    assert_eq!(fake.sent(ACC).len(), 5);
}

#[tokio::test]
async fn a_withdraw_refused_with_retry_after_is_repeated_safely() {
    let (fake, server, client) = setup(5, 0).await;
    let target = first_sent(&client).await;
    server.log.clear();
    server.faults.inject(
        Some("POST"),
        "/invitations/withdraw",
        1,
        cs::fault_rate_limited(0),
    );
    server.faults.inject(
        Some("POST"),
        "/invitations/withdraw",
        1,
        Fault::unavailable("0"),
    );

    assert_eq!(client.withdraw(&target).await.unwrap(), WriteOutcome::Done);
    assert_eq!(server.log.count("POST", "/invitations/withdraw"), 3);
    assert_eq!(
        server.log.len(),
        3,
        "no check needed: the refusals were unambiguous"
    );
    assert_eq!(fake.sent(ACC).len(), 4);
}

#[tokio::test]
async fn a_500_on_withdraw_is_reported_once() {
    let (fake, server, client) = setup(5, 0).await;
    let target = first_sent(&client).await;
    server.log.clear();
    server.faults.inject(
        Some("POST"),
        "/invitations/withdraw",
        1,
        Fault::server_error(),
    );
    let e = client.withdraw(&target).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    assert_eq!(server.log.len(), 1);
    assert_eq!(fake.sent(ACC).len(), 5);
}

#[tokio::test]
async fn a_429_without_retry_after_on_withdraw_is_rate_limited() {
    let (_, server, client) = setup(5, 0).await;
    let target = first_sent(&client).await;
    server.log.clear();
    server.faults.inject(
        Some("POST"),
        "/invitations/withdraw",
        1,
        Fault::rate_limited_no_header(),
    );
    let e = client.withdraw(&target).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn every_error_body_shape_is_read() {
    let (_, server, client) = setup(5, 0).await;
    let target = first_sent(&client).await;
    let shapes = [
        (
            json!({"error": "Profile lookup failed upstream"}),
            "Profile lookup failed upstream",
        ),
        (
            json!({"success": false, "error": "human-readable message"}),
            "human-readable message",
        ),
        (
            json!({"success": false, "error": {"name": "ZodError", "issues": [{"code": "invalid_type",
                "expected": "string", "received": "undefined", "path": ["profileId"], "message": "Required"}]}}),
            "profileId: Required",
        ),
        (
            json!({"success": false, "code": "validation_error", "message": "accountId is malformed"}),
            "accountId is malformed",
        ),
    ];
    for (body, said) in shapes {
        server.log.clear();
        server.faults.inject(
            Some("POST"),
            "/invitations/withdraw",
            1,
            Fault::status(400, body),
        );
        let e = client.withdraw(&target).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnexpectedResponse, "{said}");
        assert!(e.message.contains(said), "{} / {said}", e.message);
        assert_eq!(server.log.len(), 1);
    }
    // The documented 400 "no pending invitation", in the shape of each version.
    for body in [
        json!({"error": "No pending invitation found"}),
        json!({"success": false, "error": "No pending invitation found for this profile"}),
        json!({"success": false, "code": "NO_PENDING_INVITATION", "message": "No pending invitation found"}),
    ] {
        server.faults.inject(
            Some("POST"),
            "/invitations/withdraw",
            1,
            Fault::status(400, body),
        );
        assert_eq!(
            client.withdraw(&target).await.unwrap(),
            WriteOutcome::AlreadyGone
        );
    }
    // 403 from a withdraw: the trial is over.
    server.faults.inject(
        Some("POST"),
        "/invitations/withdraw",
        1,
        cs::fault_trial_expired(),
    );
    assert_eq!(
        client.withdraw(&target).await.unwrap_err().kind,
        ErrorKind::Billing
    );
    server.faults.inject(
        Some("POST"),
        "/invitations/withdraw",
        1,
        cs::fault_bad_key(),
    );
    assert_eq!(
        client.withdraw(&target).await.unwrap_err().kind,
        ErrorKind::BadCredentials
    );
}

// ---------------------------------------------------------------------------------------------
// Respond

#[tokio::test]
async fn accepting_a_connection_sends_every_documented_field() {
    let (fake, server, client) = setup(0, 12).await;
    let list = received_list(&client).await.unwrap();
    let target = list
        .iter()
        .find(|i| i.category == InvitationCategory::Connection)
        .unwrap()
        .clone();
    let wire = fake
        .received(ACC)
        .into_iter()
        .find(|w| w.id == target.id)
        .unwrap();
    server.log.clear();

    assert_eq!(
        client.respond(&target, Response::Accept).await.unwrap(),
        WriteOutcome::Done
    );
    let posts = server.log.matching("POST", "/invitations/received/respond");
    assert_eq!(server.log.len(), 1);
    assert_eq!(
        posts[0].json(),
        json!({
            "accountId": ACC,
            "action": "ACCEPT",
            "invitationId": wire.id,
            "validationToken": wire.token,
            "linkedInInvitationType": "GenericInvitationType_CONNECTION",
            "firstName": wire.first_name,
            "lastName": wire.last_name,
            "profileId": wire.member_id,
        })
    );
    assert!(fake.is_connected(ACC, &wire.public_id));
    let after = received_list(&client).await.unwrap();
    assert_eq!(after.len(), 11);
    assert!(after.iter().all(|i| i.id != target.id));
}

#[tokio::test]
async fn ignoring_a_newsletter_echoes_its_raw_type_without_a_member_id() {
    let (fake, server, client) = setup(0, 12).await;
    let list = received_list(&client).await.unwrap();
    let target = list
        .iter()
        .find(|i| i.category == InvitationCategory::Newsletter)
        .unwrap()
        .clone();
    server.log.clear();
    assert_eq!(
        client.respond(&target, Response::Ignore).await.unwrap(),
        WriteOutcome::Done
    );
    let body = server.log.all()[0].json();
    assert_eq!(body["action"], "IGNORE");
    assert_eq!(
        body["linkedInInvitationType"],
        "GenericInvitationType_ORGANIZATION"
    );
    assert!(body.get("profileId").is_none(), "{body}");
    assert_eq!(fake.received(ACC).len(), 11);
    assert!(!fake.is_connected(ACC, target.person.public_id.as_deref().unwrap()));
}

#[tokio::test]
async fn responding_to_an_invitation_already_gone_is_not_an_error() {
    let (_, server, client) = setup(0, 5).await;
    let target = received_list(&client).await.unwrap().remove(0);
    client.respond(&target, Response::Accept).await.unwrap();
    server.log.clear();
    assert_eq!(
        client.respond(&target, Response::Ignore).await.unwrap(),
        WriteOutcome::AlreadyGone
    );
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn no_longer_pending_already_accepted_is_gone_not_already_pending() {
    let (_, server, client) = setup(0, 5).await;
    let target = received_list(&client).await.unwrap().remove(0);
    client.respond(&target, Response::Accept).await.unwrap();
    server.log.clear();
    // Accepted elsewhere (another device, a second job): ConnectSafely says
    // "Invitation is no longer pending (already accepted)".
    assert_eq!(
        client.respond(&target, Response::Accept).await.unwrap(),
        WriteOutcome::AlreadyGone
    );
    let log = server.log.all();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].path, "/invitations/received/respond");
}

#[tokio::test]
async fn responding_without_a_token_is_refused_before_sending() {
    let (_, server, client) = setup(0, 5).await;
    let mut target = received_list(&client).await.unwrap().remove(0);
    target.accept_token = None;
    server.log.clear();
    let e = client.respond(&target, Response::Accept).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(server.log.is_empty());
}

#[tokio::test]
async fn a_respond_whose_answer_is_lost_is_unconfirmed_after_one_request() {
    let (fake, server, client) = setup(0, 25).await;
    let target = received_list(&client).await.unwrap().remove(24);
    server.log.clear();
    server.faults.inject(
        Some("POST"),
        "/invitations/received/respond",
        1,
        Fault::DropAfter,
    );
    let e = client.respond(&target, Response::Accept).await.unwrap_err();
    assert_unconfirmed(&e);
    // No listing to check it: that is the caller's, once the answer can no longer land.
    assert_eq!(server.requests(), ["POST /invitations/received/respond"]);
    assert_eq!(fake.received(ACC).len(), 24);
    assert!(fake.is_connected(ACC, target.person.public_id.as_deref().unwrap()));
}

#[tokio::test]
async fn a_respond_cut_off_before_the_fake_acted_is_unconfirmed_not_repeated() {
    let (fake, server, client) = setup(0, 5).await;
    let target = received_list(&client).await.unwrap().remove(0);
    server.log.clear();
    server.faults.inject(
        Some("POST"),
        "/invitations/received/respond",
        1,
        Fault::DropBefore,
    );
    let e = client.respond(&target, Response::Accept).await.unwrap_err();
    assert_unconfirmed(&e);
    assert_eq!(server.requests(), ["POST /invitations/received/respond"]);
    assert_eq!(fake.received(ACC).len(), 5);
}

// ---------------------------------------------------------------------------------------------
// Connect

fn invite(slug: &str, note: Option<&str>) -> NewInvitation {
    NewInvitation {
        profile_url: format!("https://www.linkedin.com/in/{slug}/"),
        note: note.map(str::to_string),
    }
}

#[tokio::test]
async fn sending_checks_the_relationship_then_connects_once() {
    let (fake, server, client) = setup(2, 0).await;
    assert_eq!(
        client
            .send_invitation(&invite("maria-garcia-42", Some("Hello Maria!")))
            .await
            .unwrap(),
        WriteOutcome::Done
    );
    assert_eq!(
        server.requests(),
        [
            format!("GET /relationship/{ACC}/maria-garcia-42"),
            "POST /connect".to_string()
        ]
    );
    assert_eq!(
        server.log.all()[1].json(),
        json!({"accountId": ACC, "profileId": "maria-garcia-42", "customMessage": "Hello Maria!"})
    );
    assert_eq!(fake.connects_used(ACC), 1);
    let sent = sent_list(&client).await.unwrap();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].person.public_id.as_deref(), Some("maria-garcia-42"));
    assert_eq!(sent[0].age, Age::exact(0));
}

#[tokio::test]
async fn an_existing_connection_or_invitation_is_reported_without_a_write() {
    let fake = ConnectSafelyFake::new(DEFAULT_KEY)
        .with_account(AccountSeed::new(ACC).sent(3).connected_to("old-friend"));
    let server = fake.start().await;
    let client = client(&server);
    let e = client
        .send_invitation(&invite("old-friend", None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::AlreadyConnected);

    let pending = fake.sent(ACC)[0].public_id.clone();
    let e = client
        .send_invitation(&invite(&pending, None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::AlreadyInvited);
    assert_eq!(server.log.count("POST", "/connect"), 0);
    assert_eq!(server.log.len(), 2);
}

#[tokio::test]
async fn the_connect_endpoint_own_refusals_are_mapped() {
    let (_, server, client) = setup(0, 0).await;
    server.faults.inject(
        Some("POST"),
        "/connect",
        1,
        Fault::status(
            400,
            json!({"success": false, "error": "Already connected to this profile"}),
        ),
    );
    let e = client
        .send_invitation(&invite("someone", None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::AlreadyConnected);

    let e = client
        .send_invitation(&invite("no-such-profile", None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(server.log.count("POST", "/connect"), 1);
}

#[tokio::test]
async fn notes_longer_than_300_characters_are_refused_before_sending() {
    let (_, server, client) = setup(0, 0).await;
    let long = "é".repeat(301);
    let e = client
        .send_invitation(&invite("someone", Some(&long)))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("301"));
    assert!(server.log.is_empty());

    let exactly = "é".repeat(300);
    assert_eq!(
        client
            .send_invitation(&invite("someone", Some(&exactly)))
            .await
            .unwrap(),
        WriteOutcome::Done
    );
}

#[tokio::test]
async fn a_profile_url_that_is_not_linkedin_is_refused_before_sending() {
    let (_, server, client) = setup(0, 0).await;
    for url in [
        "https://example.com/in/x",
        "not a url",
        "https://www.linkedin.com/company/acme",
    ] {
        let e = client
            .send_invitation(&NewInvitation {
                profile_url: url.into(),
                note: None,
            })
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{url}");
    }
    assert!(server.log.is_empty());
}

#[tokio::test]
async fn the_weekly_limit_puts_the_account_on_hold_and_is_never_slept_on() {
    let fake = ConnectSafelyFake::new(DEFAULT_KEY);
    fake.set_now(wednesday());
    let fake = fake.with_account(AccountSeed::new(ACC).connects_used(89));
    let server = fake.start().await;
    let client = client(&server);

    client
        .send_invitation(&invite("number-ninety", None))
        .await
        .unwrap();
    server.log.clear();
    let started = std::time::Instant::now();
    let e = client
        .send_invitation(&invite("number-ninety-one", None))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.status, Some(429));
    assert_eq!(e.retry_at, Some(wednesday() + chrono::Duration::hours(24)));
    assert!(e.message.contains("2026-04-23 10:00"), "{}", e.message);
    assert_eq!(
        server.log.count("POST", "/connect"),
        1,
        "no retry of a hold"
    );
    assert_eq!(fake.hold_until(ACC), e.retry_at);
    assert_eq!(fake.connects_used(ACC), 90);

    let limits = client.limits().await.unwrap();
    assert_eq!(limits.len(), 1);
    assert_eq!(limits[0].action, "CONNECT");
    assert_eq!(limits[0].used, Some(90));
    assert_eq!(limits[0].limit, Some(90));
    assert_eq!(limits[0].remaining, Some(0));
}

#[tokio::test]
async fn the_weekly_limit_resets_on_monday_midnight_utc() {
    let fake = ConnectSafelyFake::new(DEFAULT_KEY);
    fake.set_now(Utc.with_ymd_and_hms(2026, 4, 26, 23, 0, 0).unwrap()); // Sunday
    let fake = fake.with_account(AccountSeed::new(ACC).connects_used(90));
    let server = fake.start().await;
    let client = client(&server);

    let limits = client.limits().await.unwrap();
    assert_eq!(limits[0].remaining, Some(0));
    assert_eq!(
        limits[0].resets_at.as_deref(),
        Some("2026-04-27T00:00:00+00:00")
    );

    fake.set_now(Utc.with_ymd_and_hms(2026, 4, 27, 0, 1, 0).unwrap()); // Monday
    let limits = client.limits().await.unwrap();
    assert_eq!(limits[0].used, Some(0));
    assert_eq!(limits[0].remaining, Some(90));
    assert_eq!(
        client
            .send_invitation(&invite("fresh-week", None))
            .await
            .unwrap(),
        WriteOutcome::Done
    );
}

#[tokio::test]
async fn a_connect_whose_answer_is_lost_is_unconfirmed_after_one_request() {
    let (fake, server, client) = setup(0, 0).await;
    server
        .faults
        .inject(Some("POST"), "/connect", 1, Fault::DropAfter);
    let e = client
        .send_invitation(&invite("lost-answer", None))
        .await
        .unwrap_err();
    assert_unconfirmed(&e);
    // The relationship check before the write, the write, and nothing after it.
    assert_eq!(
        server.requests(),
        [
            format!("GET /relationship/{ACC}/lost-answer"),
            "POST /connect".to_string()
        ]
    );
    assert_eq!(fake.connects_used(ACC), 1);
    assert_eq!(fake.sent(ACC).len(), 1);
}

#[tokio::test]
async fn a_connect_held_past_the_timeout_is_unconfirmed_and_lands_later() {
    let (fake, server, _) = setup(0, 0).await;
    let client = client_with(
        &server,
        Some(ACC),
        HttpConfig::fast_test().with_timeout(Duration::from_millis(300)),
    );
    server
        .faults
        .inject(Some("POST"), "/connect", 1, Fault::apply_late(600));
    let e = client
        .send_invitation(&invite("slow-answer", None))
        .await
        .unwrap_err();
    assert_unconfirmed(&e);
    assert!(fake.sent(ACC).is_empty());
    server.faults.wait_unheld(Duration::from_secs(5)).await;
    assert_eq!(fake.sent(ACC).len(), 1);
    assert_eq!(server.log.count("POST", "/connect"), 1);
}

// ---------------------------------------------------------------------------------------------
// Limits

#[tokio::test]
async fn limits_come_from_the_quota_endpoint() {
    let (_, server, client) = setup(0, 0).await;
    let limits = client.limits().await.unwrap();
    assert_eq!(server.requests(), [format!("GET /account/{ACC}/quota")]);
    let l = &limits[0];
    assert_eq!(l.action, "CONNECT");
    assert_eq!(
        (l.used, l.limit, l.remaining),
        (Some(0), Some(90), Some(90))
    );
    // Next Monday after Wednesday 22 April 2026, from "2026-04-27 00:00:00+00:00".
    assert_eq!(l.resets_at.as_deref(), Some("2026-04-27T00:00:00+00:00"));
    assert!(l.source.contains("weekly"));
    assert!(l.source.contains("100"));
}

#[tokio::test]
async fn limits_without_an_account_id_ask_for_the_default_account_first() {
    let (_, server, _) = setup(0, 0).await;
    let client = client_with(&server, None, HttpConfig::fast_test());
    let limits = client.limits().await.unwrap();
    assert_eq!(limits.len(), 1);
    assert_eq!(
        server.requests(),
        [
            "GET /account/status".to_string(),
            format!("GET /account/{ACC}/quota")
        ]
    );
}

#[tokio::test]
async fn limits_fall_back_to_the_rate_limit_headers() {
    let (fake, server, client) = setup(3, 0).await;
    fake.set_now(wednesday());
    client
        .send_invitation(&invite("someone-new", None))
        .await
        .unwrap();
    sent_list(&client).await.unwrap();
    server.faults.inject(
        Some("GET"),
        &format!("/account/{ACC}/quota"),
        1,
        Fault::status(404, json!({"error": "Not found"})),
    );
    let limits = client.limits().await.unwrap();
    assert_eq!(limits.len(), 1);
    assert_eq!(limits[0].source, "ConnectSafely rate-limit headers");
    assert_eq!(limits[0].used, Some(1));
    assert_eq!(limits[0].remaining, Some(89));
    assert_eq!(
        limits[0].resets_at.as_deref(),
        Some("2026-04-27T00:00:00+00:00")
    );
}

#[tokio::test]
async fn every_answer_carries_rate_limit_headers() {
    let (_, server, client) = setup(1, 0).await;
    sent_list(&client).await.unwrap();
    let bad = ConnectSafely::with_http_config(
        config(&server, "nope-nope-nope", Some(ACC)),
        HttpConfig::fast_test(),
    )
    .unwrap();
    let _ = bad.list_accounts().await;
    // Checked on the raw wire: reqwest straight at the fake.
    for key in [DEFAULT_KEY, "wrong"] {
        let r = reqwest_get(&format!("{}/accounts", server.base_url), key).await;
        for h in [
            "x-ratelimit-action",
            "x-ratelimit-limit",
            "x-ratelimit-used",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ] {
            assert!(r.contains_key(h), "{h} missing with key {key}");
        }
    }
}

async fn reqwest_get(url: &str, key: &str) -> reqwest::header::HeaderMap {
    invitedesk_lib::providers::http::install_crypto_provider();
    reqwest::Client::new()
        .get(url)
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .headers()
        .clone()
}

#[tokio::test]
async fn the_relationship_lookup_says_whether_someone_is_now_a_connection() {
    let fake = ConnectSafelyFake::new(DEFAULT_KEY)
        .with_account(AccountSeed::new(ACC).sent(1).connected_to("old-friend"));
    let server = fake.start().await;
    let client = client(&server);
    let friend = client
        .is_connected("https://www.linkedin.com/in/old-friend/")
        .await
        .unwrap();
    assert_eq!(friend, Some(true));
    let pending = fake.sent(ACC)[0].public_id.clone();
    let invited = client
        .is_connected(&format!("https://www.linkedin.com/in/{pending}"))
        .await
        .unwrap();
    assert_eq!(invited, Some(false));
    assert_eq!(
        client.is_connected("not a profile").await.unwrap(),
        None,
        "nothing to ask about"
    );
    assert_eq!(
        server.log.len(),
        2,
        "one relationship lookup each, no write"
    );
}

// ---------------------------------------------------------------------------------------------
// Listings without a page cap (issue 15)

fn start_indexes(server: &FakeServer, path: &str) -> Vec<String> {
    server
        .log
        .matching("GET", path)
        .iter()
        .map(|r| r.query_param("startIndex").unwrap_or_default())
        .collect()
}

/// One request per page of 10, each offset once, at the sizes where an off-by-one shows: the
/// last full page already says `endOfList`, so nothing follows it. An empty list still costs
/// the one request that says it is empty.
#[tokio::test]
async fn listings_cost_exactly_one_request_per_page_of_ten() {
    for n in [0, 1, 10, 11, 10_000] {
        let (_, server, client) = setup(n, n.min(11)).await;
        assert_eq!(sent_list(&client).await.unwrap().len(), n);
        let offsets = start_indexes(&server, "/invitations/sent");
        let expected: Vec<String> = (0..pages_for(n)).map(|p| (p * 10).to_string()).collect();
        assert_eq!(offsets, expected, "{n} sent");

        server.log.clear();
        assert_eq!(received_list(&client).await.unwrap().len(), n.min(11));
        let requests = server.log.count("GET", "/invitations/received");
        assert_eq!(requests, pages_for(n.min(11)), "{n} received");
    }
}

/// Older API versions have no `endOfList`: only one more request, answered with an empty page,
/// can tell the end (providers.md §1.6), so a full last page costs one request more.
#[tokio::test]
async fn without_end_of_list_a_full_last_page_needs_the_empty_one_after_it() {
    let (fake, server, client) = setup(10, 0).await;
    fake.set_legacy_pagination(true);
    assert_eq!(sent_list(&client).await.unwrap().len(), 10);
    assert_eq!(start_indexes(&server, "/invitations/sent"), ["0", "10"]);
}

/// An agency account with 100,000 pending: the old 5,000-page stop (50,000 at 10 a page) cut it
/// off; while the offset moves on with new invitations nothing does now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_pending_are_listed_whole() {
    let (_, server, client) = setup(100_000, 0).await;
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let count_pages = |e: ListingEvent| {
        if matches!(e, ListingEvent::Page { .. }) {
            pages.fetch_add(1, Ordering::Relaxed);
        }
    };
    let listed = client
        .list_sent_partial(&count_pages, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.is_complete(), "{:?}", listed.stopped);
    assert_eq!(listed.items.len(), 100_000);
    let ids: std::collections::HashSet<&str> = listed.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids.len(), 100_000, "each invitation once");
    assert_eq!(server.log.count("GET", "/invitations/sent"), 10_000);
    assert_eq!(pages.load(Ordering::Relaxed), 10_000);
}

/// A server that never ends its list and wraps round to the start: the first page of repeats
/// stops it, marked partial, with every invitation it did bring kept; a caller that needs the
/// whole list gets the error.
#[tokio::test]
async fn a_list_that_wraps_round_stops_at_the_first_page_of_repeats() {
    let (fake, server, client) = setup(25, 0).await;
    fake.set_endless(true);
    let kept = Mutex::new(0usize);
    let rows = |page: &[SentInvitation]| {
        *kept.lock().unwrap() += page.len();
        Ok(())
    };
    let listed = client.list_sent_partial(&quiet, &rows).await.unwrap();
    assert_eq!(listed.items.len(), 25);
    assert_eq!(
        *kept.lock().unwrap(),
        25,
        "each page's new rows handed over once"
    );
    let stop = &listed.stopped.as_ref().expect("stopped part-way").stop;
    assert_eq!((stop.pages, stop.fetched), (4, 25));
    assert!(stop.reason.contains("already sent"), "{}", stop.reason);
    // 0, 10, 20 (5 new), then 25, which wrapped to the first page again.
    assert_eq!(
        start_indexes(&server, "/invitations/sent"),
        ["0", "10", "20", "25"]
    );
    assert_eq!(
        sent_list(&client).await.unwrap_err().kind,
        ErrorKind::UnexpectedResponse
    );
}

/// A server that answers every offset with the same page, never ending: stopped at the second
/// request, the first page kept.
#[tokio::test]
async fn the_same_page_over_and_over_stops_at_the_second() {
    let (_, server, client) = setup(0, 0).await;
    let page = json!({
        "success": true,
        "endOfList": false,
        "invitations": [{
            "id": "7001", "invitationId": "7001", "memberId": "ACoAAx", "invitationType": "SENT",
            "sentAt": "1 week ago",
            "profile": {"firstName": "Ada", "lastName": "Byron",
                        "profileUrl": "https://www.linkedin.com/in/ada", "publicIdentifier": "ada"},
        }],
    });
    server.faults.inject(
        Some("GET"),
        "/invitations/sent",
        1000,
        Fault::status(200, page),
    );
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert!(!listed.is_complete());
    assert_eq!(server.log.count("GET", "/invitations/sent"), 2);
}

/// The row bound, injected small: more announced at the bound stops it there, marked partial.
#[tokio::test]
async fn the_row_bound_stops_a_listing_marked_partial() {
    let (_, server, client) = setup(45, 0).await;
    let listed = client
        .with_max_listing_rows(20)
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 20);
    let stop = &listed.stopped.as_ref().expect("stopped").stop;
    assert!(stop.reason.contains("more after 20"), "{}", stop.reason);
    assert_eq!(server.log.count("GET", "/invitations/sent"), 2);
}

// ---------------------------------------------------------------------------------------------
// Answers the doc allows but the defaults do not send

/// "No invitation found for this profile" (§6: the exact text is unknown) is the invitation
/// being gone, on withdraw and on respond alike.
#[tokio::test]
async fn another_no_pending_wording_is_already_gone() {
    let (fake, server, client) = setup(3, 3).await;
    fake.set_no_pending_wording(Some("No invitation found for this profile"));
    let target = first_sent(&client).await;
    assert_eq!(client.withdraw(&target).await.unwrap(), WriteOutcome::Done);
    assert_eq!(
        client.withdraw(&target).await.unwrap(),
        WriteOutcome::AlreadyGone
    );
    let received = received_list(&client).await.unwrap().remove(0);
    client.respond(&received, Response::Accept).await.unwrap();
    server.log.clear();
    assert_eq!(
        client.respond(&received, Response::Ignore).await.unwrap(),
        WriteOutcome::AlreadyGone
    );
    assert_eq!(server.log.len(), 1);
}

/// A message about the session or the account is never "already gone", even when it mentions
/// a pending invitation: the withdrawal did not happen, and the job must not count it done.
#[tokio::test]
async fn a_session_or_account_message_is_never_already_gone() {
    let (_, server, client) = setup(3, 0).await;
    let target = first_sent(&client).await;
    for said in [
        "LinkedIn session expired: no pending invitation could be checked",
        "No invitation found: the LinkedIn account needs to log in again",
    ] {
        server.faults.inject(
            Some("POST"),
            "/invitations/withdraw",
            1,
            Fault::status(400, json!({"success": false, "error": said})),
        );
        let e = client.withdraw(&target).await.unwrap_err();
        assert_ne!(e.kind, ErrorKind::NoPendingInvitation, "{said}");
    }
}

/// `invitationSent: null` (and `connected: null`) does not break sending: `status` says how
/// things stand where it clearly can, and a send goes ahead only when nothing says otherwise.
#[tokio::test]
async fn null_relationship_flags_fall_back_to_the_status() {
    let fake = fake(2, 0);
    let server = fake.start().await;
    let client = client(&server);
    fake.set_relationship_flags_null(true);
    assert_eq!(
        client
            .send_invitation(&invite("maria-garcia-42", None))
            .await
            .unwrap(),
        WriteOutcome::Done
    );
    assert_eq!(
        server
            .log
            .count("GET", &format!("/relationship/{ACC}/maria-garcia-42")),
        1
    );

    server.log.clear();
    let e = client
        .send_invitation(&invite("maria-garcia-42", None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::AlreadyInvited, "status INVITATION_SENT");
    assert_eq!(server.log.count("POST", "/connect"), 0);
    assert_eq!(
        client
            .is_connected("https://www.linkedin.com/in/maria-garcia-42")
            .await
            .unwrap(),
        Some(false)
    );
}

/// A status the doc does not list, with null flags: not known, so the send goes ahead once.
#[tokio::test]
async fn an_unknown_relationship_status_neither_blocks_nor_guesses() {
    let (_, server, client) = setup(0, 0).await;
    server.faults.inject(
        Some("GET"),
        &format!("/relationship/{ACC}/*"),
        1,
        Fault::status(
            200,
            json!({"connected": null, "invitationSent": null, "status": "PENDING"}),
        ),
    );
    assert_eq!(
        client
            .send_invitation(&invite("sam-lee-7", None))
            .await
            .unwrap(),
        WriteOutcome::Done
    );
    assert_eq!(server.log.count("POST", "/connect"), 1);
    assert_eq!(server.log.len(), 2);
}

/// Float and negative quota numbers: rounded, or unknown when negative, never a failed meter.
#[tokio::test]
async fn odd_quota_numbers_still_give_limits() {
    let (fake, server, client) = setup(0, 0).await;
    fake.set_odd_quota_numbers(true);
    let limits = client.limits().await.unwrap();
    assert_eq!(server.log.len(), 1);
    let l = &limits[0];
    assert_eq!(l.action, "CONNECT");
    // used 0.4 → 0, limit 90.0 → 90, remaining -1 → unknown, so worked out from the two.
    assert_eq!(
        (l.used, l.limit, l.remaining),
        (Some(0), Some(90), Some(90))
    );
    assert!(!l.source.contains("LinkedIn allows"), "{}", l.source);
}
