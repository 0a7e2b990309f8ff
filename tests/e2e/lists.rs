//! Acting on lists (issue 13) end to end against the ConnectSafely fake: withdraw by a pasted
//! list (each line's result, then exactly the matched invitations withdrawn, once each); the
//! same person invited from two accounts (the older invitation withdrawn, the newest kept); the
//! do-not-contact list (flagged on Sent, withdrawn in one click, refused by Send); a bulk send
//! that skips each kind of line with its reason and sends exactly the rest, once each.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::flows::{
    add_connectsafely_account, attr, attrs, js, set_pacing, texts, tid, wait_long, wait_row_count,
    ConnectSafelyDesk, CS_REMOTE_ACCOUNT,
};
use crate::harness::{App, TestResult};
use crate::support::connectsafely::{AccountSeed, ConnectSafelyFake, Sent, BASE_PATH, DEFAULT_KEY};

const SEEDED: usize = 12;

async fn open_sent(app: &App, n: usize) -> TestResult {
    app.click(&tid("nav-sent")).await?;
    wait_long(
        app,
        Duration::from_secs(30),
        "the first refresh fills Sent",
        || async {
            Ok(app.count(&tid("refresh-progress")).await? == 0
                && crate::flows::row_count(app, "sent-table").await? == n)
        },
    )
    .await
}

/// Confirms the open preview and waits for its job to finish.
async fn confirm_and_finish(app: &App, expected: usize) -> TestResult {
    app.click(&tid("confirm-button")).await?;
    app.wait_until("the preview closes", || async {
        Ok(app.count(&tid("preview-dialog")).await? == 0)
    })
    .await?;
    wait_long(app, Duration::from_secs(60), "the job finishes", || async {
        Ok(attr(app, &tid("job-progress"), "data-state").await? == "finished")
    })
    .await?;
    assert_eq!(
        app.text(&tid("job-succeeded-count")).await?,
        format!("{expected} withdrawn")
    );
    Ok(())
}

/// Puts `text` in a textarea as a paste would (WebDriver typing turns line breaks into Enter).
async fn paste(app: &App, testid: &str, text: &str) -> TestResult {
    app.wait_for(&tid(testid)).await?;
    let script = format!(
        "const t = document.querySelector('[data-testid={testid}]'); t.value = {}; \
         t.dispatchEvent(new Event('input', {{ bubbles: true }})); return t.value.length;",
        serde_json::to_string(text)?
    );
    js(app, &script).await?;
    Ok(())
}

fn withdraw_requests(server: &crate::support::FakeServer) -> BTreeMap<String, usize> {
    let mut per_profile = BTreeMap::new();
    for r in server.log.matching("POST", "/invitations/withdraw") {
        let profile = r.json()["profileId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        *per_profile.entry(profile).or_insert(0) += 1;
    }
    per_profile
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn a_pasted_list_shows_each_lines_result_and_withdraws_exactly_the_matched() -> TestResult {
    let world = ConnectSafelyDesk::start(SEEDED)?;
    let app = world.desktop.launch().await?;
    add_connectsafely_account(&app, DEFAULT_KEY).await?;
    set_pacing(&app, 0, 0).await?;
    open_sent(&app, SEEDED).await?;
    let pending = world.pending();
    let (a, b, c) = (&pending[1], &pending[4], &pending[7]);

    // Three pending people, each in another id form; one valid profile not pending; one email.
    let list = format!(
        "https://fr.linkedin.com/in/{}/?trk=public_profile\n\
         {}\n\
         urn:li:fsd_profile:{}\n\
         https://www.linkedin.com/in/nobody-pending-here\n\
         jane@example.com\n",
        a.public_id,
        b.public_id.to_uppercase(),
        c.member_id,
    );
    app.click(&tid("withdraw-by-list")).await?;
    app.wait_for(&tid("list-withdraw-dialog")).await?;
    paste(&app, "list-withdraw-input", &list).await?;
    app.click(&tid("list-withdraw-match")).await?;
    app.wait_for(&tid("list-lines")).await?;
    for (status, n) in [
        ("matched", "3"),
        ("notPending", "1"),
        ("notRecognised", "1"),
    ] {
        assert_eq!(
            attr(&app, &tid(&format!("list-count-{status}")), "data-count").await?,
            n
        );
    }
    let statuses = attrs(&app, &tid("list-line-status"), "data-status").await?;
    assert_eq!(
        statuses.into_iter().flatten().collect::<Vec<_>>(),
        [
            "matched",
            "matched",
            "matched",
            "notPending",
            "notRecognised"
        ]
    );
    let reasons = texts(&app, &tid("list-line-reason")).await?;
    assert!(
        reasons[0].contains(&a.first_name) && reasons[0].contains("pending from"),
        "{reasons:?}"
    );
    assert!(
        reasons[3].contains("No pending invitation to nobody-pending-here"),
        "{reasons:?}"
    );
    assert!(reasons[4].contains("email address"), "{reasons:?}");
    assert!(app
        .text(&tid("list-withdraw-summary"))
        .await?
        .contains("3 invitations can be withdrawn"));
    app.screenshot("lists-01-withdraw-by-list-lines").await?;

    // The ordinary preview: exactly those three.
    app.click(&tid("list-withdraw-preview")).await?;
    app.wait_for(&tid("preview-dialog")).await?;
    assert_eq!(attr(&app, &tid("preview-count"), "data-count").await?, "3");
    app.screenshot("lists-02-withdraw-by-list-preview").await?;
    confirm_and_finish(&app, 3).await?;
    wait_row_count(&app, "sent-table", SEEDED - 3).await?;

    let left: BTreeSet<String> = world.pending().into_iter().map(|s| s.id).collect();
    assert_eq!(left.len(), SEEDED - 3);
    assert!([a, b, c].iter().all(|s| !left.contains(&s.id)));
    let expected: BTreeMap<String, usize> =
        [a, b, c].iter().map(|s| (s.public_id.clone(), 1)).collect();
    assert_eq!(
        world.withdraw_requests(),
        expected,
        "exactly the matched, once each"
    );
    app.close().await
}

const SECOND_ACCOUNT: &str = "70e32c5778e1e9aa3f721d96";

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn two_accounts_inviting_one_person_keep_the_newest_and_do_not_contact_is_flagged_and_refused(
) -> TestResult {
    let fake = ConnectSafelyFake::new(DEFAULT_KEY)
        .with_account(
            AccountSeed::new(CS_REMOTE_ACCOUNT)
                .named("Maya", "Lindgren", "maya-lindgren-42")
                .sent(6),
        )
        .with_account(
            AccountSeed::new(SECOND_ACCOUNT)
                .named("Omar", "Haddad", "omar-haddad-7")
                .sent(2),
        );
    // The oldest invitation of the first account goes to someone the second invited yesterday.
    let first = fake.sent(CS_REMOTE_ACCOUNT);
    let older = first.last().expect("seeded").clone();
    let newer = fake.push_sent(
        SECOND_ACCOUNT,
        Sent {
            sent_at: "1 day ago".into(),
            ..older.clone()
        },
    );
    let router = fake.clone();
    let server = crate::support::serve_in_thread(
        move || router.router(),
        crate::support::Controls::new(BASE_PATH),
    );
    let desktop = crate::flows::connectsafely_desktop_for(&server)?;
    let app = desktop.launch().await?;
    add_connectsafely_account(&app, DEFAULT_KEY).await?;
    let accounts = attrs(&app, &tid("account-row"), "data-account-id").await?;
    assert_eq!(accounts.len(), 2, "both LinkedIn accounts are added");
    for account in accounts.iter().flatten() {
        app.click(&tid("nav-settings")).await?;
        app.wait_for(&tid("account-switcher"))
            .await?
            .select_by_value(account)
            .await?;
        set_pacing(&app, 0, 0).await?;
    }
    // Sent shows every account.
    app.click(&tid("nav-sent")).await?;
    app.wait_for(&tid("account-switcher"))
        .await?
        .select_by_value("")
        .await?;
    open_sent(&app, 6 + 3).await?;

    // Sent's header counts the person invited twice; the filter shows both invitations.
    app.wait_for(&tid("sent-flag-duplicates")).await?;
    assert_eq!(
        attr(&app, &tid("sent-flag-duplicates"), "data-count").await?,
        "1"
    );
    app.click(&tid("sent-flag-duplicates")).await?;
    wait_row_count(&app, "sent-table", 2).await?;
    assert_eq!(app.count(&tid("row-flag-duplicate")).await?, 2);
    app.screenshot("lists-03-duplicates").await?;

    // "Withdraw the older ones": the first account's invitation, not the newest.
    app.click(&tid("sent-list-filter-withdraw")).await?;
    app.wait_for(&tid("preview-dialog")).await?;
    assert_eq!(attr(&app, &tid("preview-count"), "data-count").await?, "1");
    let preview_keys = attrs(&app, &tid("preview-item"), "data-key").await?;
    assert_eq!(preview_keys.len(), 1);
    assert!(
        preview_keys[0]
            .as_deref()
            .is_some_and(|k| k.ends_with(&format!("/{}", older.id))),
        "{preview_keys:?}"
    );
    confirm_and_finish(&app, 1).await?;
    assert!(fake
        .sent(CS_REMOTE_ACCOUNT)
        .iter()
        .all(|s| s.id != older.id));
    assert!(
        fake.sent(SECOND_ACCOUNT).iter().any(|s| s.id == newer.id),
        "the newest is kept"
    );
    app.wait_until("no one is invited twice any more", || async {
        Ok(app.count(&tid("sent-flag-duplicates")).await? == 0)
    })
    .await?;

    // Do not contact, from a row: the invitation is flagged; one click previews withdrawing it.
    app.click("[data-testid=sent-list-filter] button.ghost")
        .await
        .ok();
    let target = &first[0];
    let row = format!("{}[data-key$=\"/{}\"]", tid("sent-row"), target.id);
    app.click(&format!("{row} {}", tid("row-do-not-contact")))
        .await?;
    app.wait_for(&tid("sent-flag-do-not-contact")).await?;
    assert_eq!(
        attr(&app, &tid("sent-flag-do-not-contact"), "data-count").await?,
        "1"
    );
    app.wait_for(&format!("{row} {}", tid("row-flag-do-not-contact")))
        .await?;
    app.screenshot("lists-04-do-not-contact-flagged").await?;
    // With the limits meter, the flags, "Withdraw by list" and Refresh, the header still shows
    // the whole title and "As of …" (on one line, uncut) and keeps the account switcher inside
    // the window (it once cut all three).
    let fits = app
        .client
        .execute(
            "const h = document.querySelector('header h1'); \
             const t = document.querySelector('header .subtitle'); \
             const s = document.querySelector('header select, header [data-testid=account-switcher]'); \
             return h.scrollWidth <= h.clientWidth && h.getBoundingClientRect().width > 0 \
               && t && t.textContent.trim() !== '' && t.scrollWidth <= t.clientWidth \
               && (() => { const r = document.createRange(); r.selectNodeContents(t); \
                    return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size === 1; })() \
               && (!s || s.getBoundingClientRect().right <= window.innerWidth);",
            vec![],
        )
        .await?;
    assert_eq!(fits.as_bool(), Some(true), "Sent's header is cut off");
    app.click(&tid("sent-flag-do-not-contact")).await?;
    wait_row_count(&app, "sent-table", 1).await?;
    app.click(&tid("sent-list-filter-withdraw")).await?;
    app.wait_for(&tid("preview-dialog")).await?;
    assert_eq!(attr(&app, &tid("preview-count"), "data-count").await?, "1");
    confirm_and_finish(&app, 1).await?;
    assert!(fake
        .sent(CS_REMOTE_ACCOUNT)
        .iter()
        .all(|s| s.id != target.id));
    assert_eq!(
        withdraw_requests(&server).len(),
        2,
        "one withdrawal each, nothing else"
    );

    // The Lists screen holds them; Send refuses them with the reason.
    app.click(&tid("nav-lists")).await?;
    app.wait_for_text(&tid("dnc-count"), "1").await?;
    let names = texts(&app, &tid("dnc-name")).await?;
    assert_eq!(
        names,
        vec![format!("{} {}", target.first_name, target.last_name)]
    );
    app.screenshot("lists-05-lists-screen").await?;
    app.click(&tid("nav-send")).await?;
    app.fill(
        &tid("send-profile-url"),
        &format!("https://www.linkedin.com/in/{}", target.public_id),
    )
    .await?;
    app.click(&tid("send-submit")).await?;
    app.wait_for_text(&tid("send-result"), "do-not-contact list")
        .await?;
    assert_eq!(
        attr(&app, &tid("send-result"), "data-outcome").await?,
        "error"
    );
    assert_eq!(
        server.log.count("POST", "/connect"),
        0,
        "nothing reached the provider"
    );
    app.close().await
}

/// The people the fake received connection requests for, with their notes, in order.
fn connect_requests(server: &crate::support::FakeServer) -> Vec<(String, Option<String>)> {
    server
        .log
        .matching("POST", "/connect")
        .iter()
        .map(|r| {
            let body = r.json();
            (
                body["profileId"].as_str().unwrap_or_default().to_string(),
                body["customMessage"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn a_bulk_send_skips_each_kind_of_line_with_its_reason_and_sends_exactly_the_rest(
) -> TestResult {
    let world = ConnectSafelyDesk::start(SEEDED)?;
    let app = world.desktop.launch().await?;
    add_connectsafely_account(&app, DEFAULT_KEY).await?;
    set_pacing(&app, 0, 0).await?;
    open_sent(&app, SEEDED).await?;
    let pending = world.pending();
    let (still_pending, withdrawn) = (&pending[0], &pending[1]);

    // A withdrawal today puts that person inside LinkedIn's 21-day re-invite block.
    app.click(&tid("withdraw-by-list")).await?;
    paste(&app, "list-withdraw-input", &withdrawn.public_id).await?;
    app.click(&tid("list-withdraw-match")).await?;
    app.click(&tid("list-withdraw-preview")).await?;
    app.wait_for(&tid("preview-dialog")).await?;
    confirm_and_finish(&app, 1).await?;
    // Someone on the do-not-contact list.
    app.click(&tid("nav-lists")).await?;
    paste(&app, "dnc-input", "dnc-dora").await?;
    app.click(&tid("dnc-add")).await?;
    app.wait_for_text(&tid("dnc-count"), "1").await?;

    let long_note = "x".repeat(301);
    let list = format!(
        "profile,firstName,company,note\n\
         new-nora,Nora,Acme,\n\
         {},Pat,Acme,\n\
         dnc-dora,Dora,Acme,\n\
         {},Wes,Acme,\n\
         https://www.linkedin.com/in/NEW-NORA/,Nora,Acme,\n\
         long-lou,Lou,Acme,{long_note}\n\
         no-company-ned,Ned,,\n\
         urn:li:member:123456789,Max,Acme,\n\
         fresh-finn,Finn,Globex,\n",
        still_pending.public_id, withdrawn.public_id,
    );
    app.click(&tid("lists-bulk-send")).await?;
    app.wait_for(&tid("bulk-send-dialog")).await?;
    paste(&app, "bulk-send-input", &list).await?;
    paste(
        &app,
        "bulk-send-template",
        "Hi {firstName}, fellow {company} fan?",
    )
    .await?;
    app.wait_for_text(&tid("bulk-send-template-length"), "37 / 300")
        .await?;
    app.screenshot("lists-06-bulk-send-input").await?;
    app.click(&tid("bulk-send-check")).await?;
    app.wait_for(&tid("bulk-send-lines")).await?;
    assert_eq!(
        attr(&app, &tid("bulk-send-count-send"), "data-count").await?,
        "2"
    );
    assert_eq!(
        attr(&app, &tid("bulk-send-count-skip"), "data-count").await?,
        "7"
    );
    app.screenshot("lists-07-bulk-send-preview").await?;
    // Only the skipped lines, each with its reason, in list order.
    app.click(&tid("bulk-send-count-skip")).await?;
    wait_row_count(&app, "bulk-send-lines", 7).await?;
    let reasons = texts(&app, &tid("bulk-send-skip")).await?;
    let expected = [
        "Already pending from",
        "On your do-not-contact list.",
        "LinkedIn blocks a new one for 21 days",
        "The same person as line 2: sent once.",
        "301 characters",
        "The note uses {company}",
        "A member id",
    ];
    assert_eq!(reasons.len(), expected.len(), "{reasons:?}");
    for (reason, want) in reasons.iter().zip(expected) {
        assert!(reason.contains(want), "{want:?} in {reasons:?}");
    }
    app.screenshot("lists-08-bulk-send-skipped").await?;

    // The ordinary preview, then the job beside the list: exactly the two, once each.
    app.click(&tid("bulk-send-preview")).await?;
    app.wait_for(&tid("preview-dialog")).await?;
    assert_eq!(attr(&app, &tid("preview-count"), "data-count").await?, "2");
    app.screenshot("lists-09-bulk-send-job-preview").await?;
    app.click(&tid("confirm-button")).await?;
    wait_long(
        &app,
        Duration::from_secs(60),
        "the send job finishes",
        || async { Ok(attr(&app, &tid("job-progress"), "data-state").await? == "finished") },
    )
    .await?;
    assert_eq!(app.text(&tid("job-succeeded-count")).await?, "2 sent");
    app.screenshot("lists-10-bulk-send-done").await?;
    let mut sent = connect_requests(&world.server);
    sent.sort();
    assert_eq!(
        sent,
        [
            (
                "fresh-finn".to_string(),
                Some("Hi Finn, fellow Globex fan?".to_string())
            ),
            (
                "new-nora".to_string(),
                Some("Hi Nora, fellow Acme fan?".to_string())
            ),
        ],
        "exactly the two lines not skipped, once each"
    );
    app.close().await
}
