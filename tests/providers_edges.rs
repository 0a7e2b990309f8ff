//! The Edges client against its stateful fake: every operation, the documented errors, injected
//! faults, and the exact number of requests each one costs.

mod support;

use std::sync::Mutex;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use invitedesk_lib::error::ErrorKind;
use invitedesk_lib::model::{
    Age, InvitationCategory, NewInvitation, ProviderKind, ReceivedInvitation, Response,
    SentInvitation, WriteOutcome,
};
use invitedesk_lib::providers::edges::Edges;
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::{
    ignore_rows, InvitationProvider, ListingEvent, ProviderConfig, ProviderError,
};
use secrecy::SecretString;
use serde_json::json;
use support::edges::{
    self as fake_edges, action_path, EdgesFake, IdentitySeed, PastLastPage, ACCEPT_ACTION,
    CONNECT_ACTION, DEFAULT_KEY, RECEIVED_ACTION, SENT_ACTION, WITHDRAW_ACTION,
};
use support::{FakeServer, Fault};

const UID: &str = "44444444-4444-4444-4444-444444444444";
const UID2: &str = "55555555-5555-4555-8555-555555555555";

fn config(server: &FakeServer, key: &str, identity: Option<&str>) -> ProviderConfig {
    ProviderConfig {
        kind: ProviderKind::Edges,
        base_url: server.base_url.clone(),
        api_key: SecretString::from(key.to_string()),
        remote_account_id: identity.map(str::to_string),
        login_token: None,
        country: None,
    }
}

fn client_with(server: &FakeServer, identity: Option<&str>, http: HttpConfig) -> Edges {
    Edges::with_http_config(config(server, DEFAULT_KEY, identity), http)
        .unwrap()
        .with_page_delay(Duration::ZERO)
}

fn client(server: &FakeServer) -> Edges {
    client_with(server, Some(UID), HttpConfig::fast_test())
}

/// A client whose requests time out after 300 ms (for slow-answer faults).
fn impatient(server: &FakeServer) -> Edges {
    client_with(
        server,
        Some(UID),
        HttpConfig::fast_test().with_timeout(Duration::from_millis(300)),
    )
}

fn fake(sent: usize, received: usize) -> EdgesFake {
    EdgesFake::new(DEFAULT_KEY)
        .with_identity(
            IdentitySeed::new(UID, "Amelia Okafor")
                .sent(sent)
                .received(received)
                .connected_to("already-friend"),
        )
        .with_identity(IdentitySeed::new(UID2, "Sales team").sent(2))
}

async fn setup(sent: usize, received: usize) -> (EdgesFake, FakeServer, Edges) {
    let fake = fake(sent, received);
    let server = fake.start().await;
    let client = client(&server);
    (fake, server, client)
}

fn quiet(_: ListingEvent) {}

async fn sent_list(c: &Edges) -> Result<Vec<SentInvitation>, ProviderError> {
    c.list_sent(&quiet).await
}

async fn received_list(c: &Edges) -> Result<Vec<ReceivedInvitation>, ProviderError> {
    c.list_received(&quiet).await
}

fn sent_path() -> String {
    action_path(SENT_ACTION)
}

fn invite(url: &str, note: Option<&str>) -> NewInvitation {
    NewInvitation {
        profile_url: url.to_string(),
        note: note.map(str::to_string),
    }
}

// ---------------------------------------------------------------------------------------------
// Identities

#[tokio::test]
async fn identities_are_listed_with_their_linkedin_status() {
    let fake = fake(0, 0)
        .with_identity(
            IdentitySeed::new("u-off", "Old account").linkedin_status(Some("disconnected")),
        )
        .with_identity(IdentitySeed::new("u-none", "No LinkedIn").linkedin_status(None));
    let server = fake.start().await;
    let accounts = client_with(&server, None, HttpConfig::fast_test())
        .list_accounts()
        .await
        .unwrap();
    let summary: Vec<_> = accounts
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str(), a.status.as_str(), a.usable))
        .collect();
    assert_eq!(
        summary,
        vec![
            (UID, "Amelia Okafor", "connected", true),
            (UID2, "Sales team", "connected", true),
            ("u-off", "Old account", "disconnected", false),
            ("u-none", "No LinkedIn", "no LinkedIn account", false),
        ]
    );
    // Page 1, then the empty page 2 that ends the list; always with retrieve_accounts=true.
    let log = server.log.matching("GET", "/identities");
    assert_eq!(log.len(), 2, "{:?}", server.requests());
    assert_eq!(server.log.len(), 2);
    for (i, r) in log.iter().enumerate() {
        assert_eq!(r.query_param("retrieve_accounts").as_deref(), Some("true"));
        assert_eq!(r.query_param("page"), Some((i + 1).to_string()));
        assert_eq!(r.header("x-api-key"), Some(DEFAULT_KEY));
    }
}

#[tokio::test]
async fn identities_are_paged_one_based_to_the_end() {
    let mut fake = EdgesFake::new(DEFAULT_KEY);
    for i in 0..23 {
        fake = fake.with_identity(IdentitySeed::new(
            &format!("uid-{i:02}"),
            &format!("Identity {i}"),
        ));
    }
    let server = fake.start().await;
    let accounts = client_with(&server, None, HttpConfig::fast_test())
        .list_accounts()
        .await
        .unwrap();
    let ids: Vec<_> = accounts.iter().map(|a| a.id.clone()).collect();
    let expected: Vec<_> = (0..23).map(|i| format!("uid-{i:02}")).collect();
    assert_eq!(ids, expected);
    // 10 + 10 + 3, then an empty page 4.
    assert_eq!(server.log.count("GET", "/identities"), 4);
}

/// Audit 2: a server answering the page past the last with one of `GET /identities`'
/// documented errors (400, 404) or `NO_RESULT` failed adding the account; that answer ends the
/// list, keeping the pages before it.
#[tokio::test]
async fn identities_past_the_last_page_may_be_refused() {
    for past_end in [
        PastLastPage::NotFound,
        PastLastPage::BadRequest,
        PastLastPage::NoResult,
    ] {
        let mut fake = EdgesFake::new(DEFAULT_KEY);
        for i in 0..13 {
            fake = fake.with_identity(IdentitySeed::new(&format!("uid-{i:02}"), "Id"));
        }
        fake.set_identities_past_end(past_end);
        let server = fake.start().await;
        let accounts = client_with(&server, None, HttpConfig::fast_test())
            .list_accounts()
            .await
            .unwrap_or_else(|e| panic!("{past_end:?}: {e:?}"));
        assert_eq!(accounts.len(), 13, "{past_end:?}");
        assert_eq!(server.log.count("GET", "/identities"), 3, "{past_end:?}");
    }
}

/// The same answers to the first page are errors: nothing was listed.
#[tokio::test]
async fn identities_refused_on_the_first_page_are_an_error() {
    let (_fake, server, _) = setup(0, 0).await;
    let client = client_with(&server, None, HttpConfig::fast_test());
    for (status, label, kind) in [
        (404, "NOT_FOUND", ErrorKind::NotFound),
        (400, "BAD_PARAMETERS", ErrorKind::InvalidInput),
    ] {
        server.faults.inject(
            Some("GET"),
            "/identities",
            1,
            fake_edges::fault_error(status, label, "Refused"),
        );
        assert_eq!(client.list_accounts().await.unwrap_err().kind, kind);
    }
}

// ---------------------------------------------------------------------------------------------
// Sent invitations

#[tokio::test]
async fn sent_list_follows_the_next_header_to_the_end() {
    let (fake, server, client) = setup(256, 0).await;
    let calls = Mutex::new(Vec::new());
    let progress = |e: ListingEvent| {
        if let ListingEvent::Page { fetched, total } = e {
            calls.lock().unwrap().push((fetched, total))
        }
    };
    let sent = client.list_sent(&progress).await.unwrap();

    let expected = fake.sent(UID);
    assert_eq!(sent.len(), 256);
    let ids: Vec<_> = sent.iter().map(|s| s.id.clone()).collect();
    let want: Vec<_> = expected.iter().map(|s| s.id.to_string()).collect();
    assert_eq!(ids, want, "every invitation once, in order, ids exact");
    assert!(sent.iter().all(|s| s.id.len() == 19));
    assert_eq!(
        *calls.lock().unwrap(),
        vec![(100, None), (200, None), (256, None)]
    );

    // Three POSTs: the first to the action, the next two to the X-Pagination-Next URLs, all
    // with the same body; the client never builds a page number itself.
    let log = server.log.matching("POST", &sent_path());
    assert_eq!(log.len(), 3, "{:?}", server.requests());
    assert_eq!(server.log.len(), 3);
    assert_eq!(log[0].query, "");
    for r in &log[1..] {
        assert!(r.query_param("cursor").is_some(), "{}", r.query);
        assert_eq!(r.query_param("page"), None);
    }
    let body = log[0].json();
    assert_eq!(
        body,
        json!({"identity_ids": [UID], "identity_mode": "direct"})
    );
    assert!(log.iter().all(|r| r.json() == body));
}

#[tokio::test]
async fn sent_invitations_map_to_the_model() {
    let (fake, _server, client) = setup(3, 0).await;
    let sent = sent_list(&client).await.unwrap();
    let first = &fake.sent(UID)[0];
    let got = &sent[0];
    assert_eq!(got.id, first.id.to_string());
    assert_eq!(got.urn.as_deref(), Some(first.urn().as_str()));
    assert_eq!(got.person.name, first.member.full_name());
    assert_eq!(
        got.person.first_name.as_deref(),
        Some(first.member.first.as_str())
    );
    assert_eq!(
        got.person.headline.as_deref(),
        Some(first.member.headline.as_str())
    );
    assert_eq!(
        got.person.profile_url.as_deref(),
        Some(first.member.profile_url().as_str())
    );
    assert_eq!(
        got.person.public_id.as_deref(),
        Some(first.member.slug.as_str())
    );
    assert_eq!(got.category, InvitationCategory::Connection);
    // sent_date is a date-time: exact ages.
    let expected_days = (Utc::now() - first.sent_at).num_days() as u32;
    assert_eq!(got.age, Age::exact(expected_days));
    assert!(got.sent_text.as_deref().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn integer_ids_keep_all_nineteen_digits() {
    let (fake, _server, client) = setup(120, 5).await;
    fake.set_integer_ids(true);
    let sent = sent_list(&client).await.unwrap();
    let want: Vec<_> = fake.sent(UID).iter().map(|s| s.id.to_string()).collect();
    assert_eq!(sent.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), want);
    let received = received_list(&client).await.unwrap();
    let want: Vec<_> = fake
        .received(UID)
        .iter()
        .map(|s| s.id.to_string())
        .collect();
    assert_eq!(
        received.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        want
    );
}

#[tokio::test]
async fn an_empty_list_costs_one_request() {
    let (_fake, server, client) = setup(0, 0).await;
    assert!(sent_list(&client).await.unwrap().is_empty());
    assert!(received_list(&client).await.unwrap().is_empty());
    assert_eq!(server.log.len(), 2);
}

#[tokio::test]
async fn no_result_on_a_listing_means_nothing_to_list() {
    let (_fake, server, client) = setup(5, 0).await;
    server.faults.inject(
        Some("POST"),
        &sent_path(),
        1,
        fake_edges::fault_error(424, "NO_RESULT", "No result"),
    );
    assert!(sent_list(&client).await.unwrap().is_empty());
    assert_eq!(server.log.len(), 1);
}

/// Audit 1: `STATUS_404` or `NO_RESULT` on a page after the first ended the listing as
/// complete, so the refresh took every invitation it had not reached as gone. Both are generic
/// 424 labels (§2.5): the listing stops part-way, keeping the pages before.
#[tokio::test]
async fn no_result_or_status_404_on_a_later_page_stops_part_way() {
    for (page, label) in [(3, "STATUS_404"), (2, "NO_RESULT")] {
        let (fake, _server, client) = setup(250, 250).await;
        fake.set_failing_listing_page(Some((page, label)));
        let kept = (page - 1) * 100;
        let sent = client
            .list_sent_partial(&quiet, &ignore_rows)
            .await
            .unwrap();
        let received = client
            .list_received_partial(&quiet, &ignore_rows)
            .await
            .unwrap();
        for (items, stopped) in [
            (sent.items.len(), sent.stopped.as_ref()),
            (received.items.len(), received.stopped.as_ref()),
        ] {
            assert_eq!(items, kept, "{label}");
            let stop = &stopped.expect("stopped part-way, not complete").stop;
            assert_eq!((stop.pages, stop.fetched as usize), (page as u32 - 1, kept));
            assert!(stop.reason.contains("not found"), "{}", stop.reason);
        }
        // A caller that needs the whole list (a job's check) gets an error, not a short list.
        let e = sent_list(&client).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::ProviderUnavailable, "{label}");
    }
}

/// Only `NO_RESULT` on the first page means "nothing to list"; `STATUS_404` there is an error.
#[tokio::test]
async fn status_404_on_the_first_page_is_an_error_not_an_empty_list() {
    let (fake, _server, client) = setup(5, 0).await;
    fake.set_failing_listing_page(Some((1, "STATUS_404")));
    let e = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    assert_eq!(e.status, Some(424));
}

#[tokio::test]
async fn withdrawn_invitations_disappear_from_later_pages() {
    let (fake, server, client) = setup(250, 0).await;
    let before = sent_list(&client).await.unwrap();
    let target = before[150].clone();
    assert_eq!(client.withdraw(&target).await.unwrap(), WriteOutcome::Done);

    let log = server.log.matching("POST", &action_path(WITHDRAW_ACTION));
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].json(),
        json!({
            "identity_ids": [UID],
            "identity_mode": "direct",
            "input": {"linkedin_invitation_urn": target.urn.clone().unwrap(),
                      "linkedin_invitation_type": "CONNECTION"}
        })
    );
    assert_eq!(fake.sent(UID).len(), 249);

    let after = sent_list(&client).await.unwrap();
    assert_eq!(after.len(), 249);
    assert!(after.iter().all(|s| s.id != target.id));
}

#[tokio::test]
async fn a_withdrawal_elsewhere_between_pages_skips_nobody() {
    let (fake, _server, client) = setup(150, 0).await;
    let original: Vec<_> = fake.sent(UID).iter().map(|s| s.id.to_string()).collect();
    // After page 1 has been read, someone withdraws one of its invitations on LinkedIn: the
    // next page (a cursor, not an offset) must still start right after page 1.
    let withdraw_elsewhere = |e: ListingEvent| {
        if e == ListingEvent::page(100, None) {
            assert!(fake.remove_sent(UID, fake.sent(UID)[10].id));
        }
    };
    let got = client.list_sent(&withdraw_elsewhere).await.unwrap();
    assert_eq!(
        got.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        original
    );
}

#[tokio::test]
async fn withdrawing_a_gone_invitation_is_already_gone() {
    let (fake, server, client) = setup(3, 0).await;
    let sent = sent_list(&client).await.unwrap();
    assert_eq!(client.withdraw(&sent[0]).await.unwrap(), WriteOutcome::Done);
    assert_eq!(
        client.withdraw(&sent[0]).await.unwrap(),
        WriteOutcome::AlreadyGone
    );
    assert_eq!(server.log.count("POST", &action_path(WITHDRAW_ACTION)), 2);
    assert_eq!(fake.sent(UID).len(), 2);
}

#[tokio::test]
async fn a_bad_urn_is_refused_before_any_request() {
    let (_fake, server, client) = setup(1, 0).await;
    let mut inv = sent_list(&client).await.unwrap().remove(0);
    server.log.clear();
    inv.id = "not-a-number".into();
    inv.urn = Some("urn:li:invitation:123".into());
    let e = client.withdraw(&inv).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    inv.urn = None;
    assert_eq!(
        client.withdraw(&inv).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    assert!(server.log.is_empty(), "{:?}", server.requests());
}

/// Audit 3: a listed URN of another form than `urn:li:fsd_invitation:<digits>` was refused
/// although the numeric id gives the URN withdraw and accept need.
#[tokio::test]
async fn listed_urns_of_another_form_fall_back_to_the_numeric_id() {
    let (fake, server, client) = setup(2, 2).await;
    fake.set_legacy_urns(true);
    let sent = sent_list(&client).await.unwrap().remove(0);
    assert!(sent
        .urn
        .as_deref()
        .unwrap()
        .starts_with("urn:li:invitation:"));
    assert_eq!(client.withdraw(&sent).await.unwrap(), WriteOutcome::Done);
    assert_eq!(fake.sent(UID).len(), 1);

    let received = received_list(&client).await.unwrap().remove(0);
    assert_eq!(
        client.respond(&received, Response::Accept).await.unwrap(),
        WriteOutcome::Done
    );
    assert_eq!(fake.received(UID).len(), 1);

    let fsd = |id: &str| json!(format!("urn:li:fsd_invitation:{id}"));
    let withdrawn = server.log.matching("POST", &action_path(WITHDRAW_ACTION));
    assert_eq!(
        withdrawn[0].json()["input"]["linkedin_invitation_urn"],
        fsd(&sent.id)
    );
    let accepted = server.log.matching("POST", &action_path(ACCEPT_ACTION));
    assert_eq!(
        accepted[0].json()["input"]["linkedin_invitation_urn"],
        fsd(&received.id)
    );
}

#[tokio::test]
async fn a_missing_urn_is_rebuilt_from_a_numeric_id() {
    let (fake, server, client) = setup(2, 0).await;
    let mut inv = sent_list(&client).await.unwrap().remove(0);
    let urn = inv.urn.take().unwrap();
    assert_eq!(client.withdraw(&inv).await.unwrap(), WriteOutcome::Done);
    let log = server.log.matching("POST", &action_path(WITHDRAW_ACTION));
    assert_eq!(
        log[0].json()["input"]["linkedin_invitation_urn"],
        json!(urn)
    );
    assert_eq!(fake.sent(UID).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Received invitations

#[tokio::test]
async fn received_list_pages_to_the_end_with_secrets() {
    let (fake, server, client) = setup(0, 230).await;
    let got = received_list(&client).await.unwrap();
    let want = fake.received(UID);
    assert_eq!(got.len(), 230);
    assert_eq!(server.log.count("POST", &action_path(RECEIVED_ACTION)), 3);
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.id, w.id.to_string());
        assert_eq!(g.accept_token.as_deref(), Some(w.secret.as_str()));
        assert_eq!(g.note, w.message);
        assert_eq!(g.person.public_id.as_deref(), Some(w.member.slug.as_str()));
        assert_eq!(g.person.picture_url, Some(w.member.picture_url()));
        assert!(g.age.exact);
    }
}

#[tokio::test]
async fn accepting_removes_the_invitation_and_connects() {
    let (fake, server, client) = setup(0, 12).await;
    let inv = received_list(&client).await.unwrap().remove(4);
    let slug = inv.person.public_id.clone().unwrap();
    assert_eq!(
        client.respond(&inv, Response::Accept).await.unwrap(),
        WriteOutcome::Done
    );
    let log = server.log.matching("POST", &action_path(ACCEPT_ACTION));
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].json()["input"],
        json!({"linkedin_invitation_urn": inv.urn.clone().unwrap(),
               "linkedin_invitation_secret": inv.accept_token.clone().unwrap()})
    );
    assert_eq!(fake.received(UID).len(), 11);
    assert!(fake.is_connected(UID, &slug));
    assert_eq!(
        client.respond(&inv, Response::Accept).await.unwrap(),
        WriteOutcome::AlreadyGone
    );
}

#[tokio::test]
async fn ignore_is_not_offered_and_costs_nothing() {
    let (fake, server, client) = setup(0, 2).await;
    let inv = received_list(&client).await.unwrap().remove(0);
    server.log.clear();
    let e = client.respond(&inv, Response::Ignore).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotSupported);
    assert!(e.message.contains("ignore"), "{}", e.message);
    assert!(!client.capabilities().ignore);
    assert!(server.log.is_empty());
    assert_eq!(fake.received(UID).len(), 2);
}

/// Audit 3: accept takes the URN and/or the secret (§2.3); an item listed without its
/// secret was refused locally. It is accepted with the URN alone.
#[tokio::test]
async fn accepting_without_the_secret_sends_the_urn_alone() {
    let (fake, server, client) = setup(0, 3).await;
    fake.set_received_secrets(false);
    let inv = received_list(&client).await.unwrap().remove(1);
    assert_eq!(inv.accept_token, None);
    let slug = inv.person.public_id.clone().unwrap();
    assert_eq!(
        client.respond(&inv, Response::Accept).await.unwrap(),
        WriteOutcome::Done
    );
    let log = server.log.matching("POST", &action_path(ACCEPT_ACTION));
    assert_eq!(
        log[0].json()["input"],
        json!({"linkedin_invitation_urn": inv.urn.clone().unwrap()})
    );
    assert!(fake.is_connected(UID, &slug));
    assert_eq!(fake.received(UID).len(), 2);
}

/// With neither a secret nor anything that gives a valid URN, nothing could be accepted.
#[tokio::test]
async fn accepting_with_neither_urn_nor_secret_is_refused_before_any_request() {
    let (_fake, server, client) = setup(0, 1).await;
    let mut inv = received_list(&client).await.unwrap().remove(0);
    server.log.clear();
    inv.accept_token = None;
    inv.urn = Some("<string>".into());
    inv.id = "<string>".into();
    let e = client.respond(&inv, Response::Accept).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(server.log.is_empty());
}

/// A secret without a usable URN is sent alone.
#[tokio::test]
async fn accepting_with_only_the_secret_sends_the_secret_alone() {
    let (fake, server, client) = setup(0, 1).await;
    let mut inv = received_list(&client).await.unwrap().remove(0);
    inv.urn = None;
    inv.id = "<string>".into();
    assert_eq!(
        client.respond(&inv, Response::Accept).await.unwrap(),
        WriteOutcome::Done
    );
    let log = server.log.matching("POST", &action_path(ACCEPT_ACTION));
    assert_eq!(
        log[0].json()["input"],
        json!({"linkedin_invitation_secret": inv.accept_token.clone().unwrap()})
    );
    assert!(fake.received(UID).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Connection requests

#[tokio::test]
async fn a_connection_request_adds_a_sent_invitation() {
    let (fake, server, client) = setup(0, 0).await;
    let url = "https://www.linkedin.com/in/grace-hopper";
    assert_eq!(
        client
            .send_invitation(&invite(url, Some("Hello Grace!")))
            .await
            .unwrap(),
        WriteOutcome::Done
    );
    let log = server.log.matching("POST", &action_path(CONNECT_ACTION));
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].json(),
        json!({"identity_ids": [UID], "identity_mode": "direct",
               "input": {"linkedin_profile_url": url},
               "parameters": {"message": "Hello Grace!"}})
    );
    assert_eq!(fake.sent(UID)[0].member.slug, "grace-hopper");
    // Without a note no parameters are sent.
    client
        .send_invitation(&invite("https://fr.linkedin.com/in/ada", None))
        .await
        .unwrap();
    let log = server.log.matching("POST", &action_path(CONNECT_ACTION));
    assert!(log[1].json().get("parameters").is_none());
    assert_eq!(sent_list(&client).await.unwrap().len(), 2);
}

#[tokio::test]
async fn connection_request_refusals_have_their_kinds() {
    let (fake, server, client) = setup(1, 0).await;
    let pending = fake.sent(UID)[0].member.profile_url();
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
        assert_eq!(e.status, Some(424));
    }
    // One request each: none of these is retried.
    assert_eq!(server.log.count("POST", &action_path(CONNECT_ACTION)), 3);
    assert_eq!(fake.sent(UID).len(), 1);
}

#[tokio::test]
async fn bad_connection_requests_are_refused_before_any_request() {
    let (_fake, server, client) = setup(0, 0).await;
    for url in [
        "http://www.linkedin.com/in/x",
        "https://www.linkedin.com/company/acme",
        "https://evil.example.com/in/x",
        "jane",
    ] {
        let e = client
            .send_invitation(&invite(url, None))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{url}");
    }
    let long = "é".repeat(301);
    let e = client
        .send_invitation(&invite("https://www.linkedin.com/in/x", Some(&long)))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(server.log.is_empty());
    // Exactly 300 characters is fine.
    client
        .send_invitation(&invite(
            "https://www.linkedin.com/in/x",
            Some(&"é".repeat(300)),
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_daily_smart_limit_gives_postponed_until() {
    // A fixed clock in the future, so the block is still ahead of the real time in `limits`.
    let now = Utc.with_ymd_and_hms(2036, 4, 22, 10, 0, 0).unwrap();
    let fake = EdgesFake::new(DEFAULT_KEY);
    fake.set_now(now);
    let fake = fake.with_identity(IdentitySeed::new(UID, "Amelia").connects_used(24));
    let server = fake.start().await;
    let client = client(&server);

    let limits = client.limits().await.unwrap();
    assert_eq!(limits[0].action, "CONNECT");
    assert_eq!(limits[0].limit, Some(25));
    assert_eq!(limits[0].remaining, None);

    client
        .send_invitation(&invite("https://www.linkedin.com/in/number-25", None))
        .await
        .unwrap();
    let e = client
        .send_invitation(&invite("https://www.linkedin.com/in/number-26", None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.status, Some(429));
    let until = Utc.with_ymd_and_hms(2036, 4, 23, 10, 0, 0).unwrap();
    assert_eq!(e.retry_at, Some(until));
    assert!(e.message.contains("2036-04-23 10:00"), "{}", e.message);
    // A far-off date is never slept on or retried.
    assert_eq!(server.log.count("POST", &action_path(CONNECT_ACTION)), 2);
    assert_eq!(fake.connects_in_window(UID), 25);

    let limits = client.limits().await.unwrap();
    assert_eq!(limits[0].remaining, Some(0));
    assert_eq!(limits[0].resets_at, Some(until.to_rfc3339()));
    assert!(limits[0].source.contains("Edges"));
}

/// Audit 6: connecting to someone whose invitation is pending connects at once
/// (`connected: true, pending: false`); that was reported as a sent invitation. It is "already
/// connected": the user is told so and no pending invitation is recorded.
#[tokio::test]
async fn a_connection_request_that_connects_at_once_is_not_a_sent_invitation() {
    let (fake, server, client) = setup(0, 2).await;
    fake.set_connect_accepts_theirs(true);
    let theirs = fake.received(UID)[0].member.clone();
    let e = client
        .send_invitation(&invite(&theirs.profile_url(), None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::AlreadyConnected);
    assert!(
        e.message.contains("no invitation is pending"),
        "{}",
        e.message
    );
    assert!(fake.is_connected(UID, &theirs.slug));
    assert!(fake.sent(UID).is_empty());
    assert_eq!(server.log.count("POST", &action_path(CONNECT_ACTION)), 1);

    // Anyone else still gets a pending invitation.
    let other = "https://www.linkedin.com/in/grace-hopper";
    assert_eq!(
        client.send_invitation(&invite(other, None)).await.unwrap(),
        WriteOutcome::Done
    );
    assert_eq!(fake.sent(UID).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Documented errors

/// Audit 4: an error body whose `params` is not an object lost its label: `STATUS_404` on a
/// withdrawal became a generic failure, `LIMIT_REACHED` on a 409 an unexpected answer.
#[tokio::test]
async fn labels_are_read_whatever_the_params_hold() {
    let (_fake, server, client) = setup(2, 0).await;
    let sent = sent_list(&client).await.unwrap();
    server.faults.inject(
        Some("POST"),
        &action_path(WITHDRAW_ACTION),
        1,
        fake_edges::fault_error_with_params(424, "STATUS_404", "Not found", json!([])),
    );
    assert_eq!(
        client.withdraw(&sent[0]).await.unwrap(),
        WriteOutcome::AlreadyGone
    );
    server.faults.inject(
        Some("POST"),
        &action_path(CONNECT_ACTION),
        1,
        fake_edges::fault_error_with_params(409, "LIMIT_REACHED", "Limit", json!("tomorrow")),
    );
    let e = client
        .send_invitation(&invite("https://www.linkedin.com/in/grace-hopper", None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
}

/// §2.5: withdrawing an invitation that is no longer pending may answer `LK_ERROR`. A generic
/// label is never taken as success: it stays an error (a job settles it by checking the list).
#[tokio::test]
async fn lk_error_on_a_withdrawal_is_an_error_not_done() {
    let (fake, _server, client) = setup(2, 0).await;
    fake.set_withdraw_gone_label("LK_ERROR");
    let inv = sent_list(&client).await.unwrap().remove(0);
    assert_eq!(client.withdraw(&inv).await.unwrap(), WriteOutcome::Done);
    let e = client.withdraw(&inv).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    assert!(e.message.contains("LK_ERROR"), "{}", e.message);
}

#[tokio::test]
async fn a_wrong_key_is_bad_credentials_without_retry() {
    let fake = fake(5, 0);
    let server = fake.start().await;
    let client = Edges::with_http_config(
        config(&server, "edges_wrong_key", Some(UID)),
        HttpConfig::fast_test(),
    )
    .unwrap();
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert_eq!(e.status, Some(401));
    assert!(!e.message.contains("edges_wrong_key"));
    assert!(!format!("{e:?}").contains("edges_wrong_key"));
    assert_eq!(
        client.list_accounts().await.unwrap_err().kind,
        ErrorKind::BadCredentials
    );
    assert_eq!(server.log.len(), 2);
}

#[tokio::test]
async fn a_key_revoked_mid_listing_stops_with_bad_credentials() {
    let (fake, server, client) = setup(250, 0).await;
    server.faults.inject_after(
        Some("POST"),
        &sent_path(),
        1,
        1,
        fake_edges::fault_bad_key(),
    );
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert_eq!(server.log.len(), 2);
    // The fake's own key check answers the same way.
    fake.set_key("rotated");
    assert_eq!(
        sent_list(&client).await.unwrap_err().kind,
        ErrorKind::BadCredentials
    );
}

#[tokio::test]
async fn an_expired_identity_session_is_bad_credentials() {
    let (fake, server, client) = setup(5, 0).await;
    fake.set_auth_expired(UID, true);
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert!(e.message.contains("Reconnect"), "{}", e.message);
    fake.set_auth_expired(UID, false);
    fake.set_linkedin_status(UID, Some("disconnected"));
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    assert!(e.message.contains("NOT_CONNECTED"), "{}", e.message);
    assert_eq!(server.log.len(), 2);
}

#[tokio::test]
async fn no_access_is_billing() {
    let (_fake, server, client) = setup(5, 0).await;
    server
        .faults
        .inject(None, "*", 1, fake_edges::fault_no_access());
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Billing);
    assert_eq!(e.status, Some(402));
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn status_429_honours_retry_after() {
    let (_fake, server, client) = setup(150, 0).await;
    server.faults.inject(
        Some("POST"),
        &sent_path(),
        1,
        fake_edges::fault_status_429("0"),
    );
    assert_eq!(sent_list(&client).await.unwrap().len(), 150);
    assert_eq!(server.log.len(), 3);

    // Longer than the client will wait: fail fast, and say when.
    server.faults.inject(
        Some("POST"),
        &sent_path(),
        1,
        fake_edges::fault_status_429("3600"),
    );
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    let wait = e.retry_at.unwrap() - Utc::now();
    assert!(wait > chrono::Duration::minutes(59), "{wait:?}");
    assert_eq!(server.log.len(), 4);
}

#[tokio::test]
async fn lk_524_is_retried_and_proxy_error_is_handed_back_with_a_time() {
    let (_fake, server, client) = setup(5, 0).await;
    server
        .faults
        .inject(Some("POST"), &sent_path(), 2, fake_edges::fault_lk_524());
    assert_eq!(sent_list(&client).await.unwrap().len(), 5);
    assert_eq!(server.log.len(), 3);

    server.log.clear();
    server.faults.inject(
        Some("POST"),
        &sent_path(),
        1,
        fake_edges::fault_proxy_error(),
    );
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    let wait = e.retry_at.unwrap() - Utc::now();
    assert!(wait > chrono::Duration::seconds(50) && wait <= chrono::Duration::seconds(60));
    assert_eq!(server.log.len(), 1);
}

#[tokio::test]
async fn bad_input_and_unknown_labels_are_reported_not_retried() {
    let (_fake, server, client) = setup(5, 0).await;
    server.faults.inject(
        Some("POST"),
        &sent_path(),
        1,
        fake_edges::fault_error(400, "BAD_PARAMETERS", "parameters.foo is not allowed"),
    );
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(
        e.message.contains("parameters.foo is not allowed"),
        "{}",
        e.message
    );
    server.faults.inject(
        Some("POST"),
        &sent_path(),
        1,
        fake_edges::fault_error(424, "SOMETHING_NEW", "A brand new failure"),
    );
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    assert!(e.message.contains("SOMETHING_NEW"), "{}", e.message);
    assert_eq!(server.log.len(), 2);
}

#[tokio::test]
async fn the_fake_refuses_inputs_on_live_runs_like_the_real_api() {
    let (_fake, server, _client) = setup(1, 0).await;
    invitedesk_lib::providers::http::install_crypto_provider();
    let response = reqwest::Client::new()
        .post(format!(
            "{}{}",
            server.base_url,
            action_path(WITHDRAW_ACTION)
        ))
        .header("X-API-Key", DEFAULT_KEY)
        .json(&json!({"identity_ids": [UID], "identity_mode": "direct",
                      "inputs": [{"linkedin_invitation_urn": "urn:li:fsd_invitation:1"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["message"],
        json!("body must NOT have additional properties (inputs)")
    );
}

#[tokio::test]
async fn no_identity_chosen_is_invalid_input_without_requests() {
    let fake = fake(1, 1);
    let server = fake.start().await;
    let client = client_with(&server, None, HttpConfig::fast_test());
    assert_eq!(
        sent_list(&client).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(
        received_list(&client).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    assert!(server.log.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Injected faults on reads

#[tokio::test]
async fn transient_faults_on_reads_are_retried() {
    let (_fake, server, client) = setup(120, 0).await;
    let faults = [
        Fault::status(502, json!({"error": "Bad gateway"})),
        Fault::unavailable("0"),
        Fault::html(502),
        Fault::rate_limited("0"),
        Fault::DropBefore,
    ];
    for fault in faults {
        server.log.clear();
        server
            .faults
            .inject(Some("POST"), &sent_path(), 1, fault.clone());
        let sent = sent_list(&client)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e:?}"));
        assert_eq!(sent.len(), 120);
        assert_eq!(server.log.len(), 3, "{fault:?}: {:?}", server.requests());
    }
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let (_fake, server, _client) = setup(3, 0).await;
    let client = impatient(&server);
    server
        .faults
        .inject(Some("POST"), &sent_path(), 1, Fault::delay(700));
    assert_eq!(sent_list(&client).await.unwrap().len(), 3);
    assert_eq!(server.log.len(), 2);

    // Slow every time: a network error once the retries are spent.
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), &sent_path(), 10, Fault::delay(700));
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert_eq!(server.log.len(), 4);
    server.faults.clear();
}

#[tokio::test]
async fn a_one_off_500_or_unreadable_page_is_read_again() {
    let (_fake, server, client) = setup(3, 0).await;
    for fault in [
        Fault::server_error(),
        Fault::invalid_json(),
        Fault::html(200),
    ] {
        server.log.clear();
        server
            .faults
            .inject(Some("POST"), &sent_path(), 1, fault.clone());
        assert_eq!(sent_list(&client).await.unwrap().len(), 3, "{fault:?}");
        assert_eq!(server.log.len(), 2, "{fault:?}");
    }
}

#[tokio::test]
async fn a_read_fault_that_persists_ends_with_the_page_and_the_attempts() {
    let (_fake, server, client) = setup(3, 0).await;
    let cases = [
        (
            Fault::server_error(),
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
            .inject(Some("POST"), &sent_path(), 4, fault.clone());
        let e = sent_list(&client).await.unwrap_err();
        assert_eq!(e.kind, kind, "{fault:?}");
        assert!(
            e.message
                .starts_with(&format!("Edges {kept} on page 1 after 4 attempts.")),
            "{}",
            e.message
        );
        assert_eq!(server.log.len(), 4, "{fault:?}");
        assert!(e
            .excerpt
            .as_deref()
            .is_some_and(|x| !x.contains(DEFAULT_KEY)));
    }
}

// ---------------------------------------------------------------------------------------------
// Injected faults on writes: never a double write

/// What the client says about a write whose answer was lost: not known whether it was made.
fn assert_unconfirmed(e: &ProviderError) {
    assert_eq!(e.kind, ErrorKind::Unconfirmed, "{e:?}");
    assert!(e.message.contains("not known"), "{}", e.message);
}

#[tokio::test]
async fn a_withdrawal_whose_answer_is_lost_is_unconfirmed_not_repeated() {
    let (fake, server, client) = setup(3, 0).await;
    let inv = sent_list(&client).await.unwrap().remove(1);
    let path = action_path(WITHDRAW_ACTION);
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), &path, 1, Fault::DropAfter);
    // Edges used to repeat it blindly ("already gone" would confirm it); now one request, and
    // the runner checks the sent extract once the write can no longer land.
    assert_unconfirmed(&client.withdraw(&inv).await.unwrap_err());
    assert_eq!(server.requests(), [format!("POST {path}")]);
    assert_eq!(fake.sent(UID).len(), 2, "the one request withdrew it");
}

#[tokio::test]
async fn a_withdrawal_lost_before_the_fake_acted_is_unconfirmed_and_not_sent_again() {
    let (fake, server, client) = setup(3, 0).await;
    let inv = sent_list(&client).await.unwrap().remove(0);
    let path = action_path(WITHDRAW_ACTION);
    for fault in [
        // Cut after the request was written: reqwest cannot tell it from a lost answer.
        Fault::DropBefore,
        Fault::status(502, json!({"error": "Bad gateway"})),
        Fault::html(504),
    ] {
        server.log.clear();
        server.faults.inject(Some("POST"), &path, 1, fault.clone());
        let e = client.withdraw(&inv).await.unwrap_err();
        assert_unconfirmed(&e);
        assert_eq!(server.log.count("POST", &path), 1, "{fault:?}");
        assert_eq!(server.log.len(), 1, "{fault:?}: {:?}", server.requests());
    }
    assert_eq!(
        fake.sent(UID).len(),
        3,
        "none of them reached the fake's state"
    );
}

#[tokio::test]
async fn a_lost_write_is_never_repeated_by_the_client() {
    let (fake, server, client) = setup(2, 0).await;
    let inv = sent_list(&client).await.unwrap().remove(0);
    let path = action_path(WITHDRAW_ACTION);
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), &path, 2, Fault::DropAfter);
    assert_unconfirmed(&client.withdraw(&inv).await.unwrap_err());
    assert_eq!(server.log.count("POST", &path), 1);
    assert_eq!(
        server.faults.pending(),
        1,
        "the second fault was never reached"
    );
    assert_eq!(fake.sent(UID).len(), 1);
}

#[tokio::test]
async fn an_unknown_label_on_a_400_is_invalid_input_and_on_a_404_not_found() {
    let (_fake, server, client) = setup(2, 0).await;
    server.faults.inject(
        Some("POST"),
        &sent_path(),
        1,
        fake_edges::fault_error(404, "NOT_FOUND", "Route not found"),
    );
    assert_eq!(
        sent_list(&client).await.unwrap_err().kind,
        ErrorKind::NotFound
    );
    server.faults.inject(
        Some("POST"),
        &sent_path(),
        1,
        fake_edges::fault_error(400, "SCHEMA_CHANGED", "input is odd"),
    );
    let e = sent_list(&client).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("input is odd"), "{}", e.message);
    assert_eq!(server.log.len(), 2);
}

#[tokio::test]
async fn a_withdrawal_refused_with_retry_after_is_repeated_safely() {
    let (fake, server, client) = setup(2, 0).await;
    let inv = sent_list(&client).await.unwrap().remove(0);
    let path = action_path(WITHDRAW_ACTION);
    server
        .faults
        .inject(Some("POST"), &path, 1, fake_edges::fault_status_429("0"));
    assert_eq!(client.withdraw(&inv).await.unwrap(), WriteOutcome::Done);
    assert_eq!(server.log.count("POST", &path), 2);
    assert_eq!(fake.sent(UID).len(), 1);
}

#[tokio::test]
async fn a_withdrawal_with_a_500_is_not_repeated() {
    let (fake, server, client) = setup(2, 0).await;
    let inv = sent_list(&client).await.unwrap().remove(0);
    let path = action_path(WITHDRAW_ACTION);
    server
        .faults
        .inject(Some("POST"), &path, 1, Fault::server_error());
    let e = client.withdraw(&inv).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
    assert_eq!(server.log.count("POST", &path), 1);
    assert_eq!(fake.sent(UID).len(), 2);
}

#[tokio::test]
async fn a_timed_out_withdrawal_is_sent_once_and_may_land_after_the_timeout() {
    let (fake, server, _client) = setup(2, 0).await;
    let client = impatient(&server);
    let inv = sent_list(&client).await.unwrap().remove(0);
    let path = action_path(WITHDRAW_ACTION);
    server
        .faults
        .inject(Some("POST"), &path, 1, Fault::apply_late(600));
    let e = client.withdraw(&inv).await.unwrap_err();
    assert_unconfirmed(&e);
    assert!(e.message.contains("did not answer within"), "{}", e.message);
    assert_eq!(
        fake.sent(UID).len(),
        2,
        "still pending when the client gave up"
    );
    // The held request lands after the client hung up: the reason it is not sent again now.
    server.faults.wait_unheld(Duration::from_secs(5)).await;
    assert_eq!(server.log.count("POST", &path), 1);
    assert_eq!(fake.sent(UID).len(), 1);
}

#[tokio::test]
async fn a_timed_out_withdrawal_that_never_arrived_is_unconfirmed_too() {
    let (fake, server, _client) = setup(2, 0).await;
    let client = impatient(&server);
    let inv = sent_list(&client).await.unwrap().remove(0);
    let path = action_path(WITHDRAW_ACTION);
    server
        .faults
        .inject(Some("POST"), &path, 1, Fault::hold_then_fail(600));
    assert_unconfirmed(&client.withdraw(&inv).await.unwrap_err());
    server.faults.wait_unheld(Duration::from_secs(5)).await;
    assert_eq!(server.log.count("POST", &path), 1);
    assert_eq!(fake.sent(UID).len(), 2, "the gateway never passed it on");
}

#[tokio::test]
async fn a_connection_request_whose_answer_is_lost_is_unconfirmed_after_one_request() {
    let (fake, server, client) = setup(0, 0).await;
    let path = action_path(CONNECT_ACTION);
    server
        .faults
        .inject(Some("POST"), &path, 1, Fault::DropAfter);
    let e = client
        .send_invitation(&invite("https://www.linkedin.com/in/lost-answer", None))
        .await
        .unwrap_err();
    assert_unconfirmed(&e);
    // No repeat (which Edges would answer INVITATION_PENDING): one invitation, one request.
    assert_eq!(server.requests(), [format!("POST {path}")]);
    assert_eq!(fake.sent(UID).len(), 1);
    assert_eq!(fake.connects_in_window(UID), 1);
}

#[tokio::test]
async fn an_acceptance_whose_answer_is_lost_is_unconfirmed_not_repeated() {
    let (fake, server, client) = setup(0, 3).await;
    let inv = received_list(&client).await.unwrap().remove(0);
    let path = action_path(ACCEPT_ACTION);
    server.log.clear();
    server
        .faults
        .inject(Some("POST"), &path, 1, Fault::DropAfter);
    assert_unconfirmed(&client.respond(&inv, Response::Accept).await.unwrap_err());
    assert_eq!(server.requests(), [format!("POST {path}")]);
    assert_eq!(fake.received(UID).len(), 2);
}

#[tokio::test]
async fn a_write_answered_with_garbage_is_unconfirmed() {
    let (fake, server, client) = setup(2, 0).await;
    let inv = sent_list(&client).await.unwrap().remove(0);
    let path = action_path(WITHDRAW_ACTION);
    for fault in [Fault::html(200), Fault::invalid_json()] {
        server.log.clear();
        server.faults.inject(Some("POST"), &path, 1, fault.clone());
        let e = client.withdraw(&inv).await.unwrap_err();
        // A 2xx that is not Edges' JSON may come from a proxy that never passed it on, or
        // from Edges cut off mid-answer: either way, not known.
        assert_unconfirmed(&e);
        assert_eq!(e.status, Some(200), "{fault:?}");
        assert_eq!(server.log.count("POST", &path), 1, "{fault:?}");
    }
    assert_eq!(fake.sent(UID).len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Listings that stop part-way (issue 15)

/// The row bound stops a listing whose cursor still advances: what was fetched is kept, marked
/// stopped, for the refresh; a caller that needs the whole list gets the error.
#[tokio::test]
async fn a_listing_stopped_by_the_row_bound_keeps_what_it_fetched() {
    let (_fake, server, client) = setup(350, 0).await;
    let client = client.with_max_listing_rows(200);
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 200);
    let stopped = listed.stopped.as_ref().expect("stopped part-way");
    assert_eq!((stopped.stop.pages, stopped.stop.fetched), (2, 200));
    assert!(
        stopped.stop.reason.contains("more after 200 invitations"),
        "{}",
        stopped.stop.reason
    );
    assert_eq!(
        server.log.count("POST", &sent_path()),
        2,
        "no page past the bound"
    );

    let whole = client.list_sent(&quiet).await.unwrap_err();
    assert_eq!(whole.kind, ErrorKind::UnexpectedResponse);

    // With room for the 4 pages the cursor still advances through, it ends by itself.
    let listed = client
        .with_max_listing_rows(400)
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert!(listed.is_complete());
    assert_eq!(listed.items.len(), 350);
}

/// A page that keeps failing after others arrived stops the listing there, keeping the rest;
/// a failure on the first page is an error as before.
#[tokio::test]
async fn a_page_failing_after_the_first_keeps_the_pages_before_it() {
    let (_fake, server, client) = setup(250, 0).await;
    let faults = server.faults.clone();
    let path = sent_path();
    let after_first = move |event: ListingEvent| {
        if event == ListingEvent::page(100, None) {
            faults.inject(
                Some("POST"),
                &path,
                10,
                fake_edges::fault_error(400, "BAD_PARAMETERS", "Bad page"),
            );
        }
    };
    let listed = client
        .list_sent_partial(&after_first, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 100);
    let stop = &listed.stopped.as_ref().expect("stopped part-way").stop;
    assert_eq!((stop.pages, stop.fetched), (1, 100));

    server.faults.clear();
    server.faults.inject(
        Some("POST"),
        &sent_path(),
        10,
        fake_edges::fault_error(400, "BAD_PARAMETERS", "Bad page"),
    );
    assert!(client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .is_err());
}

/// A source with one Edges account whose client the test swaps (to inject a row bound).
struct OneEdgesAccount(Mutex<std::sync::Arc<Edges>>);

impl invitedesk_lib::invitations::ProviderSource for OneEdgesAccount {
    fn accounts(&self) -> Vec<invitedesk_lib::invitations::AccountRef> {
        vec![invitedesk_lib::invitations::AccountRef {
            id: "E".into(),
            label: "Agency".into(),
            provider: ProviderKind::Edges,
            can_ignore: false,
        }]
    }
    fn provider(
        &self,
        _: &str,
    ) -> invitedesk_lib::error::AppResult<std::sync::Arc<dyn InvitationProvider>> {
        Ok(self.0.lock().unwrap().clone())
    }
    fn settings(&self, _: &str) -> invitedesk_lib::invitations::RunSettings {
        Default::default()
    }
}

/// Issue 15: an Edges account with more pending than the page cap lost every fetched row (0
/// shown); the cap is now a row bound far above real accounts, injected small here. Now the refresh keeps them, says it is partial and where it stopped, and takes no
/// invitation it did not reach as gone; a complete refresh clears the mark.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_stopped_by_the_row_bound_keeps_its_rows_marked_partial() {
    use invitedesk_lib::db::cache::Screen;
    use invitedesk_lib::invitations::InvitationService;

    let (fake, server, _) = setup(350, 0).await;
    let source = std::sync::Arc::new(OneEdgesAccount(Mutex::new(std::sync::Arc::new(client(
        &server,
    )))));
    let db = invitedesk_lib::db::Db::open_in_memory().unwrap();
    let inv = InvitationService::new(db, source.clone());
    let refresh = || inv.refresh(Screen::Sent, None, std::sync::Arc::new(|_| {}));

    // A first, complete refresh: 350 cached.
    let summary = refresh().await.unwrap();
    assert!(summary.accounts[0].complete);
    assert_eq!(inv.list_sent(None).unwrap().rows.len(), 350);

    // 10 are withdrawn elsewhere; the next refresh stops after 2 pages of 100.
    let gone: Vec<u64> = fake.sent(UID).iter().take(10).map(|s| s.id).collect();
    for id in &gone {
        assert!(fake.remove_sent(UID, *id));
    }
    *source.0.lock().unwrap() = std::sync::Arc::new(client(&server).with_max_listing_rows(200));
    let summary = refresh().await.unwrap();
    let account = &summary.accounts[0];
    assert!(account.ok && !account.complete, "{account:?}");
    let stop = account.partial.clone().expect("marked partial");
    assert_eq!((stop.pages, stop.fetched), (2, 200));
    // Nothing it did not reach is taken as gone: all 350 rows are still there.
    let snapshot = inv.list_sent(None).unwrap();
    assert_eq!(snapshot.rows.len(), 350);
    assert_eq!(account.count, 350);
    assert_eq!(
        snapshot.as_of[0].partial,
        Some(stop),
        "the list says so until a complete refresh"
    );

    // A complete refresh drops the 10 withdrawn ones and the partial mark.
    *source.0.lock().unwrap() = std::sync::Arc::new(client(&server));
    let summary = refresh().await.unwrap();
    assert!(summary.accounts[0].complete && summary.accounts[0].partial.is_none());
    let snapshot = inv.list_sent(None).unwrap();
    assert_eq!(snapshot.rows.len(), 340);
    assert_eq!(snapshot.as_of[0].partial, None);
}

/// Audit 1, as the user sees it: a flaky `STATUS_404` on page 3 of a refresh keeps every
/// cached row (nothing it did not reach is taken as gone) and marks the list partial.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_stopped_by_status_404_keeps_its_rows_marked_partial() {
    use invitedesk_lib::db::cache::Screen;
    use invitedesk_lib::invitations::InvitationService;

    let (fake, server, _) = setup(250, 0).await;
    let source = std::sync::Arc::new(OneEdgesAccount(Mutex::new(std::sync::Arc::new(client(
        &server,
    )))));
    let db = invitedesk_lib::db::Db::open_in_memory().unwrap();
    let inv = InvitationService::new(db, source.clone());
    let refresh = || inv.refresh(Screen::Sent, None, std::sync::Arc::new(|_| {}));
    assert!(refresh().await.unwrap().accounts[0].complete);
    assert_eq!(inv.list_sent(None).unwrap().rows.len(), 250);

    fake.set_failing_listing_page(Some((3, "STATUS_404")));
    let summary = refresh().await.unwrap();
    let account = &summary.accounts[0];
    assert!(account.ok && !account.complete, "{account:?}");
    let stop = account.partial.clone().expect("marked partial");
    assert_eq!((stop.pages, stop.fetched), (2, 200));
    let snapshot = inv.list_sent(None).unwrap();
    assert_eq!(
        snapshot.rows.len(),
        250,
        "no row it did not reach is dropped"
    );
    assert_eq!(snapshot.as_of[0].partial, Some(stop));
}

// ---------------------------------------------------------------------------------------------
// Listings without a page cap (issue 15)

/// One request per page of 100 at the sizes where an off-by-one shows: the last page carries no
/// `X-Pagination-Next`, so nothing follows it; an empty list costs the one request that says
/// so.
#[tokio::test]
async fn listings_cost_exactly_one_request_per_page_of_a_hundred() {
    for n in [0, 1, 100, 101, 10_000] {
        let (_, server, client) = setup(n, n.min(101)).await;
        assert_eq!(sent_list(&client).await.unwrap().len(), n);
        let pages = n.div_ceil(100).max(1);
        let log = server.log.matching("POST", &sent_path());
        assert_eq!(log.len(), pages, "{n} sent");
        let cursors: std::collections::HashSet<String> =
            log.iter().map(|r| r.query.clone()).collect();
        assert_eq!(cursors.len(), pages, "no page asked twice");

        server.log.clear();
        assert_eq!(received_list(&client).await.unwrap().len(), n.min(101));
        let requests = server.log.count("POST", &action_path(RECEIVED_ACTION));
        assert_eq!(requests, n.min(101).div_ceil(100).max(1), "{n} received");
    }
}

fn scripted_page(ids: &[u64], next: Option<&str>) -> Fault {
    let items: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            json!({
                "linkedin_invitation_id": id.to_string(),
                "linkedin_invitation_urn": format!("urn:li:fsd_invitation:{id}"),
                "full_name": format!("Person {id}"),
                "linkedin_profile_url": format!("https://www.linkedin.com/in/person-{id}"),
                "sent_date": "2026-04-01T10:00:00Z",
            })
        })
        .collect();
    let fault = Fault::status(200, serde_json::Value::Array(items));
    match next {
        Some(url) => fault.with_header("X-Pagination-Next", url),
        None => fault,
    }
}

/// A cursor that comes back to a URL already read stops the listing there, even when that
/// page brings new invitations (following it could go round for ever): partial, all kept.
#[tokio::test]
async fn a_cursor_that_cycles_stops_marked_partial_with_its_rows() {
    let (_, server, client) = setup(0, 0).await;
    let url = |c: &str| format!("{}{}?cursor={c}", server.base_url, sent_path());
    let (a, b) = (url("a"), url("b"));
    for (ids, next) in [(&[1, 2][..], &a), (&[3], &b), (&[4], &a), (&[5], &b)] {
        server.faults.inject(
            Some("POST"),
            &sent_path(),
            1,
            scripted_page(ids, Some(next)),
        );
    }
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    let ids: Vec<&str> = listed.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4"]);
    let stop = &listed.stopped.as_ref().expect("stopped part-way").stop;
    assert_eq!((stop.pages, stop.fetched), (3, 4));
    assert_eq!(server.log.count("POST", &sent_path()), 3);
}

/// A cursor that moves on to new URLs but brings only invitations already read: stopped at
/// the first such page, partial.
#[tokio::test]
async fn fresh_cursors_with_only_repeats_stop_marked_partial() {
    let (_, server, client) = setup(0, 0).await;
    for page in 0..50 {
        let next = format!("{}{}?cursor=c{page}", server.base_url, sent_path());
        server.faults.inject(
            Some("POST"),
            &sent_path(),
            1,
            scripted_page(&[1, 2], Some(&next)),
        );
    }
    let listed = client
        .list_sent_partial(&quiet, &ignore_rows)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 2);
    assert!(!listed.is_complete());
    assert_eq!(server.log.count("POST", &sent_path()), 2);
}
