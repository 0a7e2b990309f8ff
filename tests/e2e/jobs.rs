//! A bulk withdrawal job against the ConnectSafely fake when the provider puts the account on
//! hold: the account pauses until the provider's `holdUntil` (shown in the job panel), nothing
//! more is sent while it waits, and Cancel ends the job at once with only the withdrawals that
//! went through recorded.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;

use crate::flows::{
    add_connectsafely_account, attr, attrs, days_of, row_count, set_pacing, texts, tid, wait_long,
    wait_row_count, ConnectSafelyDesk,
};
use crate::harness::{App, TestResult};
use crate::support::connectsafely::{Sent, DEFAULT_KEY};
use crate::support::Fault;

/// Sent invitations in the fake: with 24, the ten oldest are at least 30 days old.
const SEEDED: usize = 24;
/// "Withdraw everything older than N days".
const N: u32 = 30;
const WITHDRAW: &str = "/invitations/withdraw";

/// Opens Sent for the first time: with nothing cached the screen refreshes by itself.
async fn open_sent_and_wait_for_rows(app: &App, n: usize) -> TestResult {
    app.click(&tid("nav-sent")).await?;
    wait_long(
        app,
        Duration::from_secs(30),
        "the first refresh fills the table",
        || async {
            Ok(app.count(&tid("refresh-progress")).await? == 0
                && row_count(app, "sent-table").await? == n
                && !attr(app, &tid("as-of"), "data-as-of").await?.is_empty())
        },
    )
    .await
}

/// ConnectSafely's rate-limit answer for an account on hold (the fake's own `hold_response`
/// shape): 429, `Retry-After` in seconds and `holdUntil` in the body.
fn on_hold(until: DateTime<Utc>) -> Fault {
    let secs = (until - Utc::now()).num_seconds().max(0);
    Fault::status(
        429,
        json!({
            "success": false,
            "error": "Rate limit exceeded: this LinkedIn account is on hold",
            "holdUntil": until.to_rfc3339_opts(SecondsFormat::Secs, true),
        }),
    )
    .with_header("Retry-After", &secs.to_string())
}

/// `until` as the job panel writes it (`formatWhen` in ui/src/lib/format.ts), in the page's
/// own locale and time zone.
async fn as_the_panel_writes_it(app: &App, until: DateTime<Utc>) -> TestResult<String> {
    let value = app
        .client
        .execute(
            "const d = new Date(arguments[0]); const now = new Date();\
             const opts = d.toDateString() === now.toDateString()\
               ? { hour: '2-digit', minute: '2-digit' }\
               : { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };\
             return new Intl.DateTimeFormat(undefined, opts).format(d);",
            vec![json!(until.to_rfc3339_opts(SecondsFormat::Secs, true))],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn a_hold_pauses_the_account_until_the_provider_says_and_cancel_ends_the_job() -> TestResult {
    let world = ConnectSafelyDesk::start(SEEDED)?;
    let app = world.desktop.launch().await?;
    let account = add_connectsafely_account(&app, DEFAULT_KEY).await?;
    set_pacing(&app, 0, 0).await?;
    open_sent_and_wait_for_rows(&app, SEEDED).await?;

    let old: Vec<Sent> = world
        .pending()
        .into_iter()
        .filter(|s| days_of(&s.sent_at) >= N)
        .collect();
    assert_eq!(old.len(), 10, "ten invitations older than {N} days");

    // The first two withdrawals go through; the third is refused with a hold about an hour
    // ahead. Rules are taken in order, so the 429 catches exactly the third request.
    let hold_until = Utc::now() + chrono::Duration::minutes(61);
    let hold_until =
        DateTime::parse_from_rfc3339(&hold_until.to_rfc3339_opts(SecondsFormat::Secs, true))?
            .with_timezone(&Utc);
    world
        .server
        .faults
        .inject(Some("POST"), WITHDRAW, 2, Fault::delay(0));
    world
        .server
        .faults
        .inject(Some("POST"), WITHDRAW, 1, on_hold(hold_until));

    app.fill(&tid("withdraw-days"), &N.to_string()).await?;
    app.click(&tid("withdraw-older-than")).await?;
    app.wait_for(&tid("preview-dialog")).await?;
    assert_eq!(
        attr(&app, &tid("preview-count"), "data-count").await?,
        old.len().to_string()
    );
    app.click(&tid("confirm-button")).await?;
    let job_id = attr(&app, &tid("job-progress"), "data-job-id").await?;
    let panel = format!("{}[data-job-id=\"{job_id}\"]", tid("job-progress"));
    let paused = format!(
        "{panel} {}[data-account-id=\"{account}\"]",
        tid("job-paused")
    );

    // The account pauses, and the panel says until when.
    wait_long(
        &app,
        Duration::from_secs(30),
        "the account shows as paused",
        || async { Ok(app.count(&paused).await? == 1) },
    )
    .await?;
    app.wait_until("the job shows as paused", || async {
        Ok(attr(&app, &panel, "data-state").await? == "paused")
    })
    .await?;
    assert_eq!(world.server.faults.pending(), 0, "the 429 was served");
    let text = app.text(&paused).await?;
    let local = as_the_panel_writes_it(&app, hold_until).await?;
    assert!(
        text.contains(&format!("is paused until {local}")),
        "the panel says until when ({local}): {text:?}"
    );
    let utc = hold_until.format("%Y-%m-%d %H:%M UTC").to_string();
    assert!(text.contains(&utc), "the provider's hold ({utc}): {text:?}");
    assert_eq!(
        attr(
            &app,
            &format!("{panel} {}", tid("job-done-count")),
            "data-count"
        )
        .await?,
        "2"
    );
    assert_eq!(
        app.text(&format!("{panel} {}", tid("job-succeeded-count")))
            .await?,
        "2 withdrawn"
    );
    assert_eq!(
        app.count(&format!("{panel} {}", tid("job-failed-count")))
            .await?,
        0
    );
    app.screenshot("jobs-paused").await?;

    // At the fake: two withdrawals went through, the third was refused, nothing since. The
    // window is longer than the job's shortest back-off (5 s), so a retry that ignored the
    // hold would show.
    let withdrawals = world.server.log.matching("POST", WITHDRAW);
    assert_eq!(withdrawals.len(), 3, "{:?}", world.server.requests());
    let profile = |i: usize| {
        withdrawals[i].json()["profileId"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let withdrawn: BTreeSet<String> = [profile(0), profile(1)].into();
    let refused = profile(2);
    assert_eq!(withdrawn.len(), 2, "two different invitations");
    assert!(!withdrawn.contains(&refused));
    let still_pending: BTreeSet<String> =
        world.pending().into_iter().map(|s| s.public_id).collect();
    assert_eq!(still_pending.len(), SEEDED - 2);
    assert!(withdrawn.iter().all(|p| !still_pending.contains(p)));
    assert!(
        still_pending.contains(&refused),
        "the refused one is pending"
    );
    let seen = world.server.log.len();
    let quiet_until = Instant::now() + Duration::from_secs(6);
    while Instant::now() < quiet_until {
        let now = world.server.log.len();
        assert_eq!(
            now,
            seen,
            "requests while the account is on hold: {:?}",
            &world.server.requests()[seen..]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.count(&paused).await?, 1, "still paused");

    // Cancel: the job ends at once, nothing more is sent.
    let cancel_clicked = Instant::now();
    app.click(&format!("{panel} {}", tid("job-cancel"))).await?;
    wait_long(
        &app,
        Duration::from_secs(3),
        "the job is cancelled",
        || async { Ok(attr(&app, &panel, "data-state").await? == "cancelled") },
    )
    .await?;
    eprintln!(
        "jobs: cancelled {} ms after the click",
        cancel_clicked.elapsed().as_millis()
    );
    assert_eq!(
        app.count(&format!("{panel} {}", tid("job-cancel"))).await?,
        0
    );
    // A cancelled job waits for nothing: it no longer says the account is paused.
    app.wait_until("the cancelled panel drops the pause notice", || async {
        Ok(app.count(&format!("{panel} {}", tid("job-paused"))).await? == 0)
    })
    .await?;
    assert_eq!(
        attr(
            &app,
            &format!("{panel} {}", tid("job-done-count")),
            "data-count"
        )
        .await?,
        "2"
    );
    assert_eq!(world.server.log.count("POST", WITHDRAW), 3);
    let old_ids: BTreeSet<String> = old.iter().map(|s| s.public_id.clone()).collect();
    let pending_now: BTreeSet<String> = world.pending().into_iter().map(|s| s.public_id).collect();
    assert_eq!(
        old_ids
            .difference(&pending_now)
            .cloned()
            .collect::<BTreeSet<_>>(),
        withdrawn,
        "only the two withdrawals took effect; the other {} are still pending",
        old.len() - 2
    );
    assert_eq!(pending_now.len(), SEEDED - 2);

    // Activity: exactly the two withdrawals.
    app.click(&tid("nav-activity")).await?;
    wait_row_count(&app, "activity-table", 2).await?;
    let badges = attrs(&app, &tid("activity-action-badge"), "data-action").await?;
    assert_eq!(
        badges,
        vec![Some("withdrawn".to_string()), Some("withdrawn".to_string())]
    );
    let names: BTreeSet<String> = texts(&app, &format!("{} .name", tid("activity-row")))
        .await?
        .into_iter()
        .collect();
    let withdrawn_names: BTreeSet<String> = old
        .iter()
        .filter(|s| withdrawn.contains(&s.public_id))
        .map(|s| format!("{} {}", s.first_name, s.last_name))
        .collect();
    assert_eq!(names, withdrawn_names);
    app.close().await
}
