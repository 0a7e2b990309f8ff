//! The real `invitedesk-cli` binary against the ConnectSafely fake, inside a throwaway keyring
//! (see `harness`): accounts from stdin, lists, the dry run, the run, a provider hold, resume
//! after kill -9, and the `--json` schema pinned against docs/cli.md.

#[path = "../../../tests/support/mod.rs"]
mod support;

mod harness;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

use harness::{
    expect_code, json_lines, key_paths, read, read_lines_until, World, REMOTE, WITHDRAW,
};
use support::connectsafely::DEFAULT_KEY;
use support::Fault;

/// Seeded sent invitations: with 24, the ten oldest are at least 30 days old.
const SEEDED: usize = 24;
const DAYS: &str = "30";
const OLD: usize = 10;

/// ConnectSafely's answer for an account on hold: 429, `Retry-After`, `holdUntil`.
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

fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap()
        .with_timezone(&Utc)
}

fn by_kind<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter_map(|l| l.get(kind)).collect()
}

fn plan_keys(plan: &Value) -> BTreeSet<String> {
    plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_string())
        .collect()
}

/// `profileId` of each item of a plan: what the client sends to withdraw it.
fn plan_profiles(plan: &Value) -> BTreeSet<String> {
    plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let url = i["profileUrl"].as_str().unwrap();
            url.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn accounts_come_from_stdin_only_and_keys_stay_in_the_keyring() {
    let world = World::start(3, 0);
    // There is no flag that takes a key.
    let out = world.run(&[
        "accounts",
        "add",
        "--provider",
        "connectsafely",
        "--key",
        DEFAULT_KEY,
    ]);
    expect_code(&out, 2, &["accounts add --key"]);
    let out = world.run(&["accounts", "add", "--provider", "connectsafely"]);
    expect_code(&out, 2, &["accounts add without --key-stdin"]);
    // Nothing on stdin: refused before anything is sent.
    let args = [
        "accounts",
        "add",
        "--provider",
        "connectsafely",
        "--key-stdin",
        "--json",
    ];
    let out = world.run_with_stdin(&args, "");
    expect_code(&out, 1, &args);
    assert_eq!(json_lines(&out)[0]["error"]["kind"], "invalidInput");
    assert!(world.server.log.is_empty(), "{:?}", world.server.requests());

    let id = world.add_account(2);
    // A second process finds the account, its key in the keyring (the hint) and its settings.
    let lines = world.json(&["accounts", "list", "--json"], 0);
    let accounts = lines[0]["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1);
    let a = &accounts[0];
    assert_eq!(a["id"], id.as_str());
    assert_eq!(a["provider"], "connectsafely");
    assert_eq!(a["remoteAccountId"], REMOTE);
    assert_eq!(a["status"], "ok");
    assert_eq!(
        a["keyHint"],
        format!("…{}", &DEFAULT_KEY[DEFAULT_KEY.len() - 4..])
    );
    assert_eq!(a["settings"]["paceMinSecs"], 2);
    // The key is in no file.
    let registry = read(&world.config_dir().join("accounts.json"));
    assert!(registry.contains(&id), "{registry}");
    assert!(!registry.contains(DEFAULT_KEY));
    // People get a table.
    let out = world.run(&["accounts", "list"]);
    expect_code(&out, 0, &["accounts list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ID "), "{text}");
    assert!(text.contains("Ada Lovelace"), "{text}");
    // Adding it twice is refused.
    let args = [
        "accounts",
        "add",
        "--provider",
        "connectsafely",
        "--key-stdin",
    ];
    let out = world.run_with_stdin(&args, &format!("{DEFAULT_KEY}\n"));
    expect_code(&out, 1, &args);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
}

#[test]
fn lists_count_what_the_fake_holds() {
    let world = World::start(SEEDED, 7);
    world.add_account(0);
    let sent = world.json(&["sent", "list", "--json"], 0);
    let rows = sent[0]["sent"].as_array().unwrap();
    assert_eq!(rows.len(), world.fake.sent(REMOTE).len());
    let ids: BTreeSet<&str> = rows
        .iter()
        .map(|r| r["invitationId"].as_str().unwrap())
        .collect();
    let fake_ids: Vec<String> = world.fake.sent(REMOTE).into_iter().map(|s| s.id).collect();
    assert_eq!(ids, fake_ids.iter().map(String::as_str).collect());
    let received = world.json(&["received", "list", "--json"], 0);
    assert_eq!(
        received[0]["received"].as_array().unwrap().len(),
        world.fake.received(REMOTE).len()
    );
    let old = world.json(&["sent", "list", "--older-than", DAYS, "--json"], 0);
    assert_eq!(old[0]["sent"].as_array().unwrap().len(), OLD);
    // The cached list is read without asking the provider again.
    let before = world.server.log.len();
    let out = world.run(&["sent", "list", "--csv"]);
    expect_code(&out, 0, &["sent list --csv"]);
    assert_eq!(world.server.log.len(), before);
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(csv.lines().count(), SEEDED + 1, "{csv}");

    // Accepting every connection invitation answers exactly those, once each.
    let connections: BTreeSet<String> = received[0]["received"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["category"] == "connection")
        .map(|r| r["invitationId"].as_str().unwrap().to_string())
        .collect();
    assert!(!connections.is_empty());
    let run = world.json(&["accept", "--type", "connection", "--yes", "--json"], 0);
    let items = by_kind(&run, "item");
    assert_eq!(items.len(), connections.len());
    assert!(items.iter().all(|i| i["outcome"] == "done"), "{items:?}");
    let answered: Vec<String> = world
        .server
        .log
        .matching("POST", "/invitations/received/respond")
        .iter()
        .map(|r| r.json()["invitationId"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(answered.len(), connections.len(), "{answered:?}");
    assert_eq!(answered.into_iter().collect::<BTreeSet<_>>(), connections);
    let left = world.fake.received(REMOTE);
    assert_eq!(left.len(), 7 - connections.len());
    assert!(left.iter().all(|r| !connections.contains(&r.id)));
}

#[test]
fn a_dry_run_sends_nothing_and_yes_withdraws_exactly_the_plan_once() {
    let world = World::start(SEEDED, 0);
    world.add_account(0);
    let dry = world.json(&["withdraw", "--older-than", DAYS, "--json"], 0);
    assert_eq!(dry.len(), 1, "only the plan: {dry:?}");
    let plan = &dry[0]["plan"];
    assert_eq!(plan["items"].as_array().unwrap().len(), OLD);
    assert!(
        world.withdrawals().is_empty(),
        "{:?}",
        world.server.requests()
    );
    assert!(
        world.server.log.all().iter().all(|r| r.method == "GET"),
        "only reads: {:?}",
        world.server.requests()
    );
    // People get the same plan, and are told nothing was sent.
    let out = world.run(&["withdraw", "--older-than", DAYS]);
    expect_code(&out, 0, &["withdraw"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("Withdraw {OLD} invitations")),
        "{text}"
    );
    assert!(text.contains("Nothing was sent"), "{text}");
    assert!(world.withdrawals().is_empty());

    let run = world.json(&["withdraw", "--older-than", DAYS, "--yes", "--json"], 0);
    let plan = by_kind(&run, "plan")[0];
    let items = by_kind(&run, "item");
    let job = by_kind(&run, "job")[0];
    assert_eq!(
        plan_keys(plan),
        plan_keys(&dry[0]["plan"]),
        "the previewed plan"
    );
    assert_eq!(items.len(), OLD);
    assert!(items.iter().all(|i| i["outcome"] == "done"), "{items:?}");
    let item_keys: BTreeSet<String> = items
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(item_keys, plan_keys(plan));
    assert_eq!(job["state"], "finished");
    assert_eq!(job["succeeded"], OLD);
    // At the fake: each planned invitation withdrawn once, nothing else.
    let sent = world.withdrawals();
    let once: BTreeSet<String> = sent.iter().cloned().collect();
    assert_eq!(sent.len(), OLD, "{sent:?}");
    assert_eq!(once, plan_profiles(plan));
    assert_eq!(world.fake.sent(REMOTE).len(), SEEDED - OLD);
    // The history has them, with the date each can be invited again.
    let activity = world.json(&["activity", "--json"], 0);
    let rows = activity[0]["activity"].as_array().unwrap();
    assert_eq!(rows.len(), OLD);
    assert!(rows.iter().all(|r| r["reinviteAfter"].is_string()));
    // Running the same rule again finds nothing left.
    let again = world.json(&["withdraw", "--older-than", DAYS, "--yes", "--json"], 0);
    assert_eq!(again.len(), 1);
    assert_eq!(world.withdrawals().len(), OLD);
}

#[test]
fn withdraw_by_profiles_says_why_each_line_did_not_match_and_withdraws_exactly_the_matched() {
    let world = World::start(SEEDED, 0);
    world.add_account(0);
    let pending = world.fake.sent(REMOTE);
    let (a, b) = (&pending[2], &pending[5]);
    let list = world.dir.path().join("customers.csv");
    std::fs::write(
        &list,
        format!(
            "Name,LinkedIn URL\n\
             {} {},https://de.linkedin.com/in/{}/?trk=x\n\
             Someone,urn:li:fsd_profile:{}\n\
             Nobody,https://www.linkedin.com/in/not-invited-anywhere\n\
             Mail,jane@example.com\n",
            a.first_name, a.last_name, a.public_id, b.member_id
        ),
    )
    .unwrap();
    let path = list.to_str().unwrap();

    // People see every line that did not match, with its reason, and the plan; nothing is sent.
    let out = world.run(&["withdraw", "--profiles", path]);
    expect_code(&out, 0, &["withdraw", "--profiles"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2 lines matched, 1 not pending, 1 not recognised."),
        "{text}"
    );
    assert!(
        text.contains("line 4: not pending: https://www.linkedin.com/in/not-invited-anywhere"),
        "{text}"
    );
    assert!(
        text.contains("line 5: not recognised: jane@example.com (An email address"),
        "{text}"
    );
    assert!(text.contains("Withdraw 2 invitations"), "{text}");
    assert!(world.withdrawals().is_empty());

    // --yes: exactly the two matched, once each.
    let run = world.json(&["withdraw", "--profiles", path, "--yes", "--json"], 0);
    let lines = by_kind(&run, "lines")[0].as_array().unwrap().clone();
    let statuses: Vec<&str> = lines
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["matched", "matched", "notPending", "notRecognised"]
    );
    assert_eq!(lines[0]["line"], 2, "the header is line 1");
    let plan = by_kind(&run, "plan")[0];
    assert_eq!(
        plan_profiles(plan),
        [a.public_id.clone(), b.public_id.clone()].into()
    );
    assert_eq!(by_kind(&run, "job")[0]["succeeded"], 2);
    let mut sent = world.withdrawals();
    sent.sort();
    let mut expected = vec![a.public_id.clone(), b.public_id.clone()];
    expected.sort();
    assert_eq!(sent, expected);

    // Nothing left to match: the plan is null, exit 0.
    let again = world.json(&["withdraw", "--profiles", path, "--json"], 0);
    assert!(by_kind(&again, "plan")[0].is_null());
    assert_eq!(world.withdrawals().len(), 2);
}

/// The people a `send` job sent requests to, with their notes, as the fake received them.
fn connects(world: &World) -> Vec<(String, Option<String>)> {
    world
        .server
        .log
        .matching("POST", "/connect")
        .iter()
        .map(|r| {
            let body = r.json();
            (
                body["profileId"].as_str().unwrap_or("").to_string(),
                body["customMessage"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn send_from_a_file_prints_each_skipped_line_and_sends_exactly_the_rest() {
    let world = World::start(SEEDED, 0);
    world.add_account(0);
    let pending = world.fake.sent(REMOTE)[0].public_id.clone();
    let list = world.dir.path().join("people.csv");
    std::fs::write(
        &list,
        format!(
            "profile,firstName,company\n\
             new-nora,Nora,Acme\n\
             {pending},Pat,Acme\n\
             https://www.linkedin.com/in/NEW-NORA/,Nora,Acme\n\
             urn:li:member:123456789,Max,Acme\n\
             no-company-ned,Ned,\n\
             fresh-finn,Finn,Globex\n"
        ),
    )
    .unwrap();
    let path = list.to_str().unwrap();
    let template = "Hi {firstName}, fellow {company} fan?";

    // A dry run: each skipped line with its reason, the plan, nothing sent.
    let out = world.run(&[
        "send",
        "--from",
        path,
        "--note-template",
        template,
        "--dry-run",
    ]);
    expect_code(&out, 0, &["send", "--dry-run"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2 lines to send from"), "{text}");
    assert!(text.contains("line 3: skipped: "), "{text}");
    assert!(text.contains("(Already pending from"), "{text}");
    assert!(text.contains("line 4: skipped: "), "{text}");
    assert!(
        text.contains("(The same person as line 2: sent once.)"),
        "{text}"
    );
    assert!(
        text.contains("line 5: skipped: urn:li:member:123456789"),
        "{text}"
    );
    assert!(
        text.contains("line 6: skipped: no-company-ned (The note uses {company}"),
        "{text}"
    );
    assert!(
        text.contains("note of line 2 (25/300 characters): Hi Nora, fellow Acme fan?"),
        "{text}"
    );
    assert!(text.contains("Send 2 invitations"), "{text}");
    assert!(connects(&world).is_empty());

    // --yes: exactly the two, once each, with their own notes.
    let run = world.json(
        &[
            "send",
            "--from",
            path,
            "--note-template",
            template,
            "--yes",
            "--json",
        ],
        0,
    );
    let send = by_kind(&run, "send")[0];
    assert_eq!(
        (send["toSend"].as_u64(), send["skipped"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(send["days"], 1);
    assert_eq!(by_kind(&run, "job")[0]["succeeded"], 2);
    let mut sent = connects(&world);
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
        ]
    );

    // Again: both are sent now, so nothing goes out (and `plan` is null).
    let again = world.json(
        &[
            "send",
            "--from",
            path,
            "--note-template",
            template,
            "--yes",
            "--json",
        ],
        0,
    );
    assert!(by_kind(&again, "plan")[0].is_null(), "{again:?}");
    assert_eq!(connects(&world).len(), 2);
}

/// kill -9 while a connection request is in flight (the fake holds it, then applies it): the
/// next process resumes the job, checks that request on the sent list once it can no longer
/// land, finds it pending and does not send it again. Each person gets one request.
#[test]
fn a_send_job_killed_mid_request_is_checked_and_never_sent_twice() {
    let world = World::start(SEEDED, 0);
    world.add_account(0);
    let faults = &world.server.faults;
    faults.inject(Some("POST"), "/connect", 1, Fault::delay(0));
    faults.inject(Some("POST"), "/connect", 1, Fault::apply_late(1500));
    let list = world.dir.path().join("people.txt");
    std::fs::write(&list, "killed-kim\nkilled-lou\nkilled-max\n").unwrap();
    let path = list.to_str().unwrap();
    let (mut child, mut stdout) = world.spawn(&["send", "--from", path, "--yes", "--json"]);
    let lines = read_lines_until(&mut stdout, |lines| !by_kind(lines, "item").is_empty());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while faults.held() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the second request never came"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL, with the request held at the provider
    child.wait().unwrap();
    let job_id = by_kind(&lines, "item")[0]["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    while faults.applied_late() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the held request was not applied"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }

    let resumed = world.json(&["jobs", "resume", &job_id, "--json"], 0);
    let job = by_kind(&resumed, "job")[0];
    assert_eq!(
        (job["succeeded"].as_u64(), job["failed"].as_u64()),
        (Some(3), Some(0)),
        "{job}"
    );
    let checked = by_kind(&resumed, "item")
        .into_iter()
        .find(|i| {
            i["key"]
                .as_str()
                .is_some_and(|k| k.ends_with("send:in:killed-lou"))
        })
        .expect("the interrupted request's item");
    assert!(
        checked["detail"]
            .as_str()
            .is_some_and(|d| d.contains("checked")),
        "{checked}"
    );
    let mut sent: Vec<String> = connects(&world).into_iter().map(|(p, _)| p).collect();
    sent.sort();
    assert_eq!(
        sent,
        ["killed-kim", "killed-lou", "killed-max"],
        "one request each"
    );
}

#[test]
fn a_provider_hold_exits_4_with_the_time_and_leaves_the_job_resumable() {
    let world = World::start(SEEDED, 0);
    world.add_account(0);
    let hold_until = whole_seconds(Utc::now() + chrono::Duration::minutes(61));
    world
        .server
        .faults
        .inject(Some("POST"), WITHDRAW, 2, Fault::delay(0));
    world
        .server
        .faults
        .inject(Some("POST"), WITHDRAW, 1, on_hold(hold_until));
    let lines = world.json(&["withdraw", "--older-than", DAYS, "--yes", "--json"], 4);
    let job = by_kind(&lines, "job")[0];
    assert_eq!(job["state"], "interrupted", "{job}");
    assert_eq!(job["succeeded"], 2);
    assert_eq!(job["pending"], OLD - 2);
    let until: DateTime<Utc> = job["pausedUntil"].as_str().unwrap().parse().unwrap();
    assert!(
        (until - hold_until).num_seconds().abs() <= 1,
        "{until} vs {hold_until}"
    );
    assert_eq!(job["pausedAccounts"][0]["until"], job["pausedUntil"]);
    assert_eq!(by_kind(&lines, "item").len(), 2);
    assert_eq!(
        world.withdrawals().len(),
        3,
        "two went through, one refused"
    );

    // Resuming while the hold lasts pauses again at once: nothing is sent.
    let id = job["id"].as_str().unwrap();
    let listed = world.json(&["jobs", "list", "--json"], 0);
    assert_eq!(listed[0]["jobs"][0]["id"], id);
    assert_eq!(listed[0]["jobs"][0]["state"], "interrupted");
    let resumed = world.json(&["jobs", "resume", id, "--json"], 4);
    assert_eq!(
        by_kind(&resumed, "job")[0]["pausedUntil"],
        job["pausedUntil"]
    );
    assert_eq!(world.withdrawals().len(), 3);
    // People are told until when, and how to go on.
    let out = world.run(&["jobs", "resume", id]);
    expect_code(&out, 4, &["jobs resume"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("is paused until"), "{text}");
    assert!(text.contains(&format!("jobs resume {id}")), "{text}");
    // A plan made now says so too.
    let plan = world.json(&["withdraw", "--older-than", DAYS, "--json"], 0);
    assert!(plan[0]["plan"]["perAccount"][0]["heldUntil"].is_string());
}

#[test]
fn a_job_killed_mid_run_is_resumed_and_each_invitation_withdrawn_once() {
    let world = World::start(SEEDED, 0);
    world.add_account(1);
    let (mut child, mut stdout) =
        world.spawn(&["withdraw", "--older-than", DAYS, "--yes", "--json"]);
    let lines = read_lines_until(&mut stdout, |lines| by_kind(lines, "item").len() >= 3);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let plan = by_kind(&lines, "plan")[0].clone();
    let job_id = by_kind(&lines, "item")[0]["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    let before = world.withdrawals().len();
    assert!(
        (3..OLD).contains(&before),
        "{before} withdrawals before the kill"
    );

    // The next process sees the job as stopped (its owner is gone) and takes it over.
    let listed = world.json(&["jobs", "list", "--json"], 0);
    assert_eq!(listed[0]["jobs"][0]["id"], job_id.as_str());
    assert_eq!(listed[0]["jobs"][0]["state"], "interrupted");
    let resumed = world.json(&["jobs", "resume", &job_id, "--json"], 0);
    let job = by_kind(&resumed, "job")[0];
    assert_eq!(job["state"], "finished", "{job}");
    assert_eq!(job["pending"], 0);
    assert_eq!(job["failed"], 0);
    assert_eq!(
        job["succeeded"].as_u64().unwrap() + job["alreadyGone"].as_u64().unwrap(),
        OLD as u64
    );

    let sent = world.withdrawals();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &sent {
        *counts.entry(p.as_str()).or_default() += 1;
    }
    assert!(
        counts.values().all(|n| *n == 1),
        "a withdrawal sent twice: {counts:?}"
    );
    let once: BTreeSet<String> = sent.iter().cloned().collect();
    assert_eq!(once, plan_profiles(&plan));
    assert_eq!(world.fake.sent(REMOTE).len(), SEEDED - OLD);
    // Resuming a finished job is refused.
    let again = world.json(&["jobs", "resume", &job_id, "--json"], 1);
    assert_eq!(again[0]["error"]["kind"], "invalidInput");
}

/// The block of key paths in docs/cli.md, between its markers.
fn documented_keys() -> BTreeSet<String> {
    let doc = read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli.md"));
    let start = doc
        .find("<!-- json-keys:start -->")
        .expect("docs/cli.md has the json-keys block");
    let end = doc.find("<!-- json-keys:end -->").unwrap();
    doc[start..end]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("<!--") && !l.starts_with("```"))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_json_output_matches_the_documented_schema() {
    let world = World::start(SEEDED, 4);
    let id = world.add_account(0);
    let mut lines: Vec<Value> = Vec::new();
    let mut run = |args: &[&str], code: i32| lines.extend(world.json(args, code));
    run(&["accounts", "list", "--json"], 0);
    run(&["accounts", "settings", &id, "--json"], 0);
    run(&["sent", "list", "--json"], 0);
    run(&["received", "list", "--json"], 0);
    run(
        &[
            "accept",
            "--type",
            "connection,organization,newsletter,event",
            "--json",
        ],
        0,
    );
    let ids = world.dir.path().join("ids.txt");
    std::fs::write(&ids, "# one unknown, so the plan skips something\nnope\n").unwrap();
    run(
        &[
            "withdraw",
            "--ids",
            ids.to_str().unwrap(),
            "--account",
            &id,
            "--json",
        ],
        0,
    );
    let profiles = world.dir.path().join("profiles.txt");
    std::fs::write(
        &profiles,
        "https://www.linkedin.com/in/not-invited\nnot a profile\n",
    )
    .unwrap();
    run(
        &[
            "withdraw",
            "--profiles",
            profiles.to_str().unwrap(),
            "--json",
        ],
        0,
    );
    let first = world.fake.sent(REMOTE)[0].public_id.clone();
    std::fs::write(&profiles, format!("{first}\n")).unwrap();
    run(
        &[
            "withdraw",
            "--profiles",
            profiles.to_str().unwrap(),
            "--json",
        ],
        0,
    );
    // An autopilot rule (withdraw at most 2 a day), confirmed as the window confirms it.
    let app = world.open_app();
    app.withdraw_rule(&id, 30, 2, true);
    run(&["autopilot", "list", "--json"], 0);
    run(&["autopilot", "run", "--now", "--dry-run", "--json"], 0);
    run(&["autopilot", "run", "--now", "--json"], 0);
    std::fs::write(&profiles, "profile,firstName\nnew-nia,Nia\n").unwrap();
    run(
        &[
            "send",
            "--from",
            profiles.to_str().unwrap(),
            "--note-template",
            "Hi {firstName}",
            "--dry-run",
            "--json",
        ],
        0,
    );
    // One failure, one success, then a hold: item lines with and without an error, a paused job.
    let not_found = Fault::status(404, json!({"success": false, "error": "Profile not found"}));
    world
        .server
        .faults
        .inject(Some("POST"), WITHDRAW, 1, not_found);
    world
        .server
        .faults
        .inject(Some("POST"), WITHDRAW, 1, Fault::delay(0));
    let until = Utc::now() + chrono::Duration::minutes(30);
    world
        .server
        .faults
        .inject(Some("POST"), WITHDRAW, 1, on_hold(until));
    run(&["withdraw", "--older-than", DAYS, "--yes", "--json"], 4);
    run(&["jobs", "list", "--json"], 0);
    run(&["activity", "--json"], 0);
    run(&["jobs", "cancel", "no-such-job", "--json"], 1);

    let kinds: BTreeSet<&str> = lines
        .iter()
        .flat_map(|l| l.as_object().unwrap().keys().map(String::as_str))
        .collect();
    let expected_kinds: BTreeSet<&str> = [
        "accounts", "settings", "sent", "received", "lines", "send", "plan", "item", "job", "jobs",
        "activity", "error", "rules", "runs",
    ]
    .into();
    assert_eq!(kinds, expected_kinds);
    for l in &lines {
        assert_eq!(l.as_object().unwrap().len(), 1, "one key per line: {l}");
    }
    assert!(by_kind(&lines, "item")
        .iter()
        .any(|i| i["error"]["kind"] == "notFound"));

    let mut found = BTreeSet::new();
    for l in &lines {
        key_paths(l, "", &mut found);
    }
    let documented = documented_keys();
    let missing: Vec<&String> = found.difference(&documented).collect();
    let stale: Vec<&String> = documented.difference(&found).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "docs/cli.md's json-keys block is out of date.\nnot documented: {missing:#?}\n\
         documented but not printed: {stale:#?}\nthe whole block:\n{}",
        found.iter().cloned().collect::<Vec<_>>().join("\n")
    );
}
