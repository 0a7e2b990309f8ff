//! `invitedesk-cli autopilot list|run` against the ConnectSafely fake while "the app" (a second
//! Desk on the same data, holding its own lease) is open: nothing before the first preview is
//! confirmed, a dry run acts on nothing, two runs at once act exactly once per invitation, and a
//! rule the app is running is left alone.

#[path = "../../../tests/support/mod.rs"]
mod support;

mod harness;

use std::collections::BTreeSet;
use std::process::Stdio;

use serde_json::Value;

use harness::{expect_code, json_lines, World};

const SEEDED: usize = 24;
/// With 24 seeded, the ten oldest are at least 30 days old.
const OLD: usize = 10;

fn runs(lines: &[Value]) -> &Vec<Value> {
    // `item` lines come first, one per outcome as it happens; `runs` is the last line.
    lines
        .last()
        .and_then(|l| l["runs"].as_array())
        .unwrap_or_else(|| panic!("a runs line last: {lines:?}"))
}

#[test]
fn autopilot_run_acts_once_per_invitation_while_the_app_is_open() {
    let world = World::start(SEEDED, 0);
    let account = world.add_account(0);
    let app = world.open_app();
    let rule = app.withdraw_rule(&account, 30, 100, false);

    // Not confirmed: skipped and said why; nothing reaches the provider.
    let first = world.json(&["autopilot", "run", "--now", "--json"], 0);
    assert_eq!(runs(&first)[0]["skipReason"], "notConfirmed");
    assert!(world.withdrawals().is_empty());
    let due = world.json(&["autopilot", "run", "--json"], 0);
    assert!(
        runs(&due).is_empty(),
        "created after today's 00:00: not due yet"
    );

    app.confirm(&rule);
    let dry = world.json(&["autopilot", "run", "--now", "--dry-run", "--json"], 0);
    assert_eq!(runs(&dry)[0]["outcome"], "dryRun");
    assert_eq!(runs(&dry)[0]["keys"].as_array().unwrap().len(), OLD);
    assert!(world.withdrawals().is_empty(), "a dry run sends nothing");

    // Two runs at once (a timer and a terminal): the rule lock and the claims let each
    // invitation be withdrawn once.
    let args = ["autopilot", "run", "--now", "--json"];
    let start = || {
        world
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start(), start());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    expect_code(&a, 0, &args);
    expect_code(&b, 0, &args);
    let outcomes: BTreeSet<String> = [&a, &b]
        .iter()
        .map(|o| {
            runs(&json_lines(o))[0]["outcome"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(outcomes.contains("acted"), "{outcomes:?}");
    let sent = world.withdrawals();
    let once: BTreeSet<&String> = sent.iter().collect();
    assert_eq!(sent.len(), OLD, "{sent:?}");
    assert_eq!(once.len(), OLD, "each withdrawn once");
    assert_eq!(world.fake.sent(harness::REMOTE).len(), SEEDED - OLD);

    // While the app runs the rule, the tool leaves it alone.
    let locks = invitedesk_core::autopilot::lock::RuleLocks::new(Some(
        world.dir.path().join("data/app.invitedesk.desktop"),
    ));
    let held = locks.try_lock(&rule).unwrap().expect("free");
    let busy = world.json(&["autopilot", "run", "--now", "--json"], 0);
    assert_eq!(runs(&busy)[0]["skipReason"], "runningElsewhere");
    drop(held);

    let list = world.json(&["autopilot", "list", "--json"], 0);
    let listed = &list[0]["rules"][0];
    assert_eq!(listed["id"], rule.as_str());
    assert_eq!(listed["action"], "withdraw");
    assert!(listed["confirmedAt"].is_string());
    assert_eq!(listed["lastSkipReason"], "runningElsewhere");
    let text = String::from_utf8_lossy(&world.run(&["autopilot", "list"]).stdout).to_string();
    assert!(
        text.contains("Withdraw pending invitations older than 30 days"),
        "{text}"
    );
}
