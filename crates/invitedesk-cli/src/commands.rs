//! The commands: each reads through the desk, prints for people or for scripts, and returns
//! the exit code.

use std::collections::HashSet;
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use invitedesk_core::accounts::{AccountSettings, NewAccountInput};
use invitedesk_core::autopilot::{self, RunOptions, RunOutcome, RunTrigger, SkipReason};
use invitedesk_core::db::cache::Screen;
use invitedesk_core::desk::Desk;
use invitedesk_core::error::{AppError, AppResult};
use invitedesk_core::history::{self, csv::to_csv, ActivityFilter};
use invitedesk_core::invitations::rules;
use invitedesk_core::jobs::{JobPlan, JobState, JobSummary, WithdrawRequest};
use invitedesk_core::lists::LineStatus;
use invitedesk_core::model::{Age, InvitationCategory, ProviderKind, Response};

use crate::cli::*;
use crate::exit::Exit;
use crate::output::{self, age, clean, cut, json_line, plural, Table};
use crate::progress::CliEvents;
use crate::schema;

/// Pauses shorter than this are waited out; a longer one ends the wait with exit code 4.
const WAIT_OUT_PAUSES_UP_TO: Duration = Duration::from_secs(60);

pub async fn run(command: Command, desk: &Desk, events: &CliEvents) -> AppResult<Exit> {
    match command {
        Command::Accounts(AccountsCommand::List { json }) => accounts_list(desk, json),
        Command::Accounts(AccountsCommand::Add(args)) => accounts_add(desk, args).await,
        Command::Accounts(AccountsCommand::Settings(args)) => accounts_settings(desk, args),
        Command::Sent(SentCommand::List(args)) => sent_list(desk, args).await,
        Command::Received(ReceivedCommand::List(args)) => received_list(desk, args).await,
        Command::Withdraw(args) => withdraw(desk, events, args).await,
        Command::Accept(args) => accept(desk, events, args).await,
        Command::Send(args) => bulk_send(desk, events, args).await,
        Command::Jobs(JobsCommand::List { json }) => jobs_list(desk, json),
        Command::Jobs(JobsCommand::Resume { id, json }) => {
            let summary = desk.jobs.resume(&id)?;
            wait_for_job(desk, events, summary, json).await
        }
        Command::Jobs(JobsCommand::Cancel { id, json }) => {
            let summary = desk.jobs.cancel(&id)?;
            print_job_end(&summary, json);
            Ok(Exit::Done)
        }
        Command::Activity(args) => activity(desk, args),
        Command::Autopilot(AutopilotCommand::List { json }) => autopilot_list(desk, json),
        Command::Autopilot(AutopilotCommand::Run(args)) => autopilot_run(desk, args).await,
    }
}

// ----- accounts -----

fn account_json(desk: &Desk, view: invitedesk_core::accounts::AccountView) -> schema::Account {
    let settings = desk.accounts.settings(&view.id).ok();
    schema::Account::from_view(view, settings)
}

fn print_accounts(desk: &Desk, views: Vec<invitedesk_core::accounts::AccountView>, json: bool) {
    if json {
        let accounts: Vec<schema::Account> =
            views.into_iter().map(|v| account_json(desk, v)).collect();
        json_line("accounts", &accounts);
        return;
    }
    if views.is_empty() {
        println!("No accounts yet. Add one with `invitedesk-cli accounts add`.");
        return;
    }
    let mut t = Table::new(&["ID", "NAME", "PROVIDER", "STATUS", "KEY", "LAST SYNCED"]);
    for v in views {
        let status = match (&v.status_detail, v.is_default) {
            (Some(d), _) => format!("{:?}: {}", v.status, cut(d, 60)),
            (None, true) => "ok (default)".into(),
            (None, false) => "ok".into(),
        };
        t.row(vec![
            v.id.clone(),
            cut(&v.label, 30),
            v.provider.label().into(),
            status,
            v.key_hint.clone().unwrap_or_else(|| "-".into()),
            v.last_synced_at
                .as_deref()
                .map(output::local_time)
                .unwrap_or_else(|| "never".into()),
        ]);
    }
    t.print();
}

fn accounts_list(desk: &Desk, json: bool) -> AppResult<Exit> {
    print_accounts(desk, desk.accounts.list(), json);
    Ok(Exit::Done)
}

/// The key (first line) and the login token (second line) from standard input.
fn read_secrets(want_token: bool) -> AppResult<(String, Option<String>)> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!(
            "Paste the API key{}, then press Ctrl-D (it is shown as you paste; pipe it in to \
             avoid that).",
            if want_token {
                " on one line and the login token on the next"
            } else {
                ""
            }
        );
    }
    let mut text = String::new();
    stdin
        .lock()
        .take(64 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| AppError::invalid_input(format!("Could not read standard input: {e}")))?;
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let key = lines
        .next()
        .ok_or_else(|| AppError::invalid_input("No API key on standard input."))?
        .to_string();
    let token = if want_token {
        Some(
            lines
                .next()
                .ok_or_else(|| {
                    AppError::invalid_input(
                        "No login token on standard input: put it on the line after the key.",
                    )
                })?
                .to_string(),
        )
    } else {
        None
    };
    Ok((key, token))
}

async fn accounts_add(desk: &Desk, args: AddArgs) -> AppResult<Exit> {
    let provider = ProviderKind::from(args.provider);
    if args.login_token_stdin && provider != ProviderKind::Linkup {
        return Err(AppError::invalid_input(
            "Only LinkupAPI accounts have a login token.",
        ));
    }
    let (api_key, login_token) = read_secrets(args.login_token_stdin)?;
    let input = NewAccountInput {
        provider,
        api_key,
        login_token,
        country: args.country.clone(),
    };
    let found = desk.accounts.discover(&input).await?;
    let chosen: Vec<String> = if args.all || (args.remote_id.is_empty() && found.len() == 1) {
        found.iter().map(|r| r.id.clone()).collect()
    } else if args.remote_id.is_empty() {
        let listed: Vec<String> = found
            .iter()
            .map(|r| format!("{} ({})", r.id, clean(&r.name)))
            .collect();
        return Err(AppError::invalid_input(format!(
            "This key gives access to {} LinkedIn accounts: {}. Choose with --remote-id ID, or \
             add them all with --all.",
            found.len(),
            listed.join(", ")
        )));
    } else {
        args.remote_id.clone()
    };
    let added = desk.accounts.add(&input, &chosen).await?;
    if !args.json {
        println!(
            "Added {}.",
            plural(added.len() as u32, "account", "accounts")
        );
    }
    print_accounts(desk, added, args.json);
    Ok(Exit::Done)
}

fn accounts_settings(desk: &Desk, args: SettingsArgs) -> AppResult<Exit> {
    let id = resolve_account(desk, &args.account)?;
    let mut s: AccountSettings = desk.accounts.settings(&id)?;
    let changed = args.pace_min.is_some()
        || args.pace_max.is_some()
        || args.withdraw_cap.is_some()
        || args.accept_cap.is_some();
    if let Some(v) = args.pace_min {
        s.pace_min_secs = v;
        s.pace_max_secs = s.pace_max_secs.max(v);
    }
    if let Some(v) = args.pace_max {
        s.pace_max_secs = v;
    }
    if let Some(v) = args.withdraw_cap {
        s.daily_withdraw_cap = v;
    }
    if let Some(v) = args.accept_cap {
        s.daily_accept_cap = v;
    }
    if changed {
        s = desk.accounts.save_settings(&id, s)?;
    }
    if args.json {
        json_line("settings", &s);
    } else {
        println!(
            "Pause between actions: {}–{} s. Daily caps: {} withdrawals, {} acceptances, {} \
             ignores, {} connection requests.",
            s.pace_min_secs,
            s.pace_max_secs,
            s.daily_withdraw_cap,
            s.daily_accept_cap,
            s.daily_ignore_cap,
            s.daily_send_cap
        );
    }
    Ok(Exit::Done)
}

/// An account by id, or by name (case-insensitive).
fn resolve_account(desk: &Desk, wanted: &str) -> AppResult<String> {
    let all = desk.accounts.list();
    if let Some(a) = all.iter().find(|a| a.id == wanted) {
        return Ok(a.id.clone());
    }
    let by_label: Vec<_> = all
        .iter()
        .filter(|a| a.label.to_lowercase() == wanted.to_lowercase())
        .collect();
    match by_label.as_slice() {
        [one] => Ok(one.id.clone()),
        _ => Err(AppError::not_found(format!(
            "No account \"{}\". `invitedesk-cli accounts list` shows the ids and names.",
            clean(wanted)
        ))),
    }
}

fn resolve_scope(desk: &Desk, account: Option<&str>) -> AppResult<Option<String>> {
    account.map(|a| resolve_account(desk, a)).transpose()
}

// ----- lists -----

/// Fetches the lists in scope when asked, or when one was never fetched (as the app's screens
/// do). Only reads at the providers. An account that fails keeps its cached rows, with a
/// warning; all of them failing is an error.
async fn refresh_if_needed(
    desk: &Desk,
    screen: Screen,
    account: Option<&str>,
    force: bool,
) -> AppResult<()> {
    let as_of = match screen {
        Screen::Sent => desk.invitations.list_sent(account)?.as_of,
        Screen::Received => desk.invitations.list_received(account)?.as_of,
    };
    if as_of.is_empty() || (!force && as_of.iter().all(|a| a.at.is_some())) {
        return Ok(());
    }
    if std::io::stderr().is_terminal() {
        eprintln!("Fetching the {} lists…", screen.as_str());
    }
    let summary = desk
        .invitations
        .refresh(screen, account, Arc::new(|_| {}))
        .await?;
    let failed: Vec<_> = summary.accounts.iter().filter(|a| !a.ok).collect();
    if !summary.accounts.is_empty() && failed.len() == summary.accounts.len() {
        if let Some(e) = failed.iter().find_map(|a| a.error.clone()) {
            return Err(e);
        }
    }
    for a in failed {
        let why = a.error.as_ref().map(|e| e.message.as_str()).unwrap_or("");
        output::warn(&format!(
            "{}: could not refresh, showing the last list: {why}",
            a.label
        ));
    }
    for (a, stop) in summary
        .accounts
        .iter()
        .filter_map(|a| a.partial.as_ref().map(|p| (a, p)))
    {
        output::warn(&format!(
            "{}: the refresh stopped at page {} after {} invitations ({}); those it did not \
             reach are kept as last seen, none taken as gone",
            a.label,
            stop.pages,
            stop.fetched,
            stop.reason.trim_end_matches('.')
        ));
    }
    Ok(())
}

fn print_csv(header: &[&str], rows: Vec<Vec<String>>) {
    print!("{}", to_csv(header, &rows));
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn num(v: Option<u32>) -> String {
    v.map(|d| d.to_string()).unwrap_or_default()
}

async fn sent_list(desk: &Desk, args: SentListArgs) -> AppResult<Exit> {
    let scope = resolve_scope(desk, args.account.as_deref())?;
    refresh_if_needed(desk, Screen::Sent, scope.as_deref(), args.refresh).await?;
    let mut rows = desk.invitations.list_sent(scope.as_deref())?.rows;
    if let Some(days) = args.older_than {
        rows.retain(|r| {
            rules::is_at_least(
                Age {
                    days: r.age_days,
                    exact: r.age_exact,
                },
                days,
            )
        });
    }
    rows.sort_by(|a, b| b.age_days.cmp(&a.age_days).then(a.key.cmp(&b.key)));
    let rows: Vec<schema::Sent> = rows.iter().map(schema::Sent::from).collect();
    if args.json {
        json_line("sent", &rows);
    } else if args.csv {
        let header = [
            "Key",
            "Account",
            "Name",
            "Headline",
            "Profile",
            "Type",
            "Age (days)",
            "Age is exact",
            "Pinned",
        ];
        print_csv(
            &header,
            rows.iter()
                .map(|r| {
                    vec![
                        r.key.clone(),
                        r.account_label.clone(),
                        r.name.clone(),
                        opt(&r.headline),
                        opt(&r.profile_url),
                        r.category.label().into(),
                        num(r.age_days),
                        if r.age_exact { "yes" } else { "at least" }.into(),
                        if r.pinned { "yes" } else { "" }.into(),
                    ]
                })
                .collect(),
        );
    } else if rows.is_empty() {
        println!("No pending sent invitations.");
    } else {
        let mut t = Table::new(&["ACCOUNT", "NAME", "HEADLINE", "AGE", "PINNED", "KEY"]);
        for r in &rows {
            t.row(vec![
                cut(&r.account_label, 20),
                cut(&r.name, 28),
                cut(r.headline.as_deref().unwrap_or(""), 36),
                age(r.age_days, r.age_exact),
                if r.pinned { "pinned" } else { "" }.into(),
                r.key.clone(),
            ]);
        }
        t.print();
        println!("{}", plural(rows.len() as u32, "invitation", "invitations"));
    }
    Ok(Exit::Done)
}

async fn received_list(desk: &Desk, args: ReceivedListArgs) -> AppResult<Exit> {
    let scope = resolve_scope(desk, args.account.as_deref())?;
    refresh_if_needed(desk, Screen::Received, scope.as_deref(), args.refresh).await?;
    let types: Vec<InvitationCategory> = args.types.iter().map(|c| (*c).into()).collect();
    let mut rows = desk.invitations.list_received(scope.as_deref())?.rows;
    rows.retain(|r| types.is_empty() || types.contains(&r.invitation.category));
    rows.sort_by(|a, b| a.age_days.cmp(&b.age_days).then(a.key.cmp(&b.key)));
    let rows: Vec<schema::Received> = rows.iter().map(schema::Received::from).collect();
    if args.json {
        json_line("received", &rows);
    } else if args.csv {
        let header = [
            "Key",
            "Account",
            "Name",
            "From",
            "Headline",
            "Profile",
            "Type",
            "Age (days)",
            "Age is exact",
            "Note",
        ];
        print_csv(
            &header,
            rows.iter()
                .map(|r| {
                    vec![
                        r.key.clone(),
                        r.account_label.clone(),
                        r.name.clone(),
                        r.from.clone(),
                        opt(&r.headline),
                        opt(&r.profile_url),
                        r.category.label().into(),
                        num(r.age_days),
                        if r.age_exact { "yes" } else { "at least" }.into(),
                        opt(&r.note),
                    ]
                })
                .collect(),
        );
    } else if rows.is_empty() {
        println!("No pending received invitations.");
    } else {
        let mut t = Table::new(&["ACCOUNT", "NAME", "TYPE", "HEADLINE", "AGE", "KEY"]);
        for r in &rows {
            t.row(vec![
                cut(&r.account_label, 20),
                cut(&r.name, 28),
                r.category.label().into(),
                cut(r.headline.as_deref().unwrap_or(""), 36),
                age(r.age_days, r.age_exact),
                r.key.clone(),
            ]);
        }
        t.print();
        println!("{}", plural(rows.len() as u32, "invitation", "invitations"));
    }
    Ok(Exit::Done)
}

// ----- plans and jobs -----

/// Keys from `--ids FILE`: `<accountId>/<invitationId>` as given; a bare invitation id is
/// looked up in the cached list (within `--account`). Blank lines and `#` comments are skipped.
/// A file's text, or standard input's for `-`.
fn read_text(path: &Path) -> AppResult<String> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| AppError::invalid_input(format!("Could not read standard input: {e}")))?;
        Ok(s)
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| AppError::invalid_input(format!("Could not read {}: {e}", path.display())))
    }
}

fn read_keys(
    path: &Path,
    known: &[(String, String)],
    scope: Option<&str>,
) -> AppResult<Vec<String>> {
    let text = read_text(path)?;
    let mut keys = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if rules::parse_row_key(line).is_some() && line.contains('/') {
            keys.push(line.to_string());
            continue;
        }
        let matches: Vec<&(String, String)> = known
            .iter()
            .filter(|(account, id)| id == line && scope.is_none_or(|s| s == account))
            .collect();
        match matches.as_slice() {
            [] => match scope {
                // Not in the list: the plan counts it as skipped.
                Some(account) => keys.push(rules::row_key(account, line)),
                None => keys.push(rules::row_key("?", line)),
            },
            [one] => keys.push(rules::row_key(&one.0, &one.1)),
            _ => {
                return Err(AppError::invalid_input(format!(
                    "The invitation id {} is in several accounts: give its key \
                     (<accountId>/<invitationId>) or --account.",
                    clean(line)
                )))
            }
        }
    }
    if keys.is_empty() {
        return Err(AppError::invalid_input(format!(
            "{} lists no invitation.",
            path.display()
        )));
    }
    Ok(keys)
}

async fn withdraw(desk: &Desk, events: &CliEvents, args: WithdrawArgs) -> AppResult<Exit> {
    let scope = resolve_scope(desk, args.account.as_deref())?;
    refresh_if_needed(desk, Screen::Sent, scope.as_deref(), args.refresh).await?;
    if let Some(path) = &args.profiles {
        return withdraw_by_list(desk, events, &read_text(path)?, scope, &args).await;
    }
    let request = match (&args.ids, args.older_than) {
        (Some(path), _) => {
            let known: Vec<(String, String)> = desk
                .invitations
                .list_sent(None)?
                .rows
                .into_iter()
                .map(|r| (r.account_id, r.invitation.id))
                .collect();
            WithdrawRequest::Selected {
                selected: read_keys(path, &known, scope.as_deref())?,
            }
        }
        (None, Some(days)) => WithdrawRequest::OlderThan {
            older_than_days: days,
            account_id: scope.clone(),
        },
        (None, None) => {
            return Err(AppError::invalid_input(
                "Give --older-than DAYS or --ids FILE.",
            ))
        }
    };
    let plan = desk.jobs.preview_withdraw(&request)?;
    plan_then_run(desk, events, plan, args.yes, args.json).await
}

/// `withdraw --profiles FILE`: each line's match, then the plan for the matched invitations.
async fn withdraw_by_list(
    desk: &Desk,
    events: &CliEvents,
    text: &str,
    scope: Option<String>,
    args: &WithdrawArgs,
) -> AppResult<Exit> {
    let preview = desk.lists().preview_withdraw_list(text, scope.as_deref())?;
    if args.json {
        json_line("lines", &preview.lines);
    } else {
        println!(
            "{} matched, {} not pending, {} not recognised.",
            plural(preview.matched, "line", "lines"),
            preview.not_pending,
            preview.not_recognised
        );
        for l in preview
            .lines
            .iter()
            .filter(|l| l.status != LineStatus::Matched)
        {
            let what = match l.status {
                LineStatus::NotPending => "not pending",
                _ => "not recognised",
            };
            println!(
                "  line {}: {what}: {} ({})",
                l.line,
                clean(&l.text),
                l.reason
            );
        }
        println!();
    }
    match preview.plan {
        Some(plan) => plan_then_run(desk, events, plan, args.yes, args.json).await,
        None => {
            if args.json {
                json_line("plan", &Option::<JobPlan>::None);
            } else {
                println!("No line matched a pending invitation: nothing to withdraw.");
            }
            Ok(Exit::Done)
        }
    }
}

/// `send --from FILE`: each skipped line with its reason, the plan, then (asked on a terminal,
/// or with --yes) the job.
async fn bulk_send(desk: &Desk, events: &CliEvents, args: SendArgs) -> AppResult<Exit> {
    let account = match args.account.as_deref() {
        Some(a) => resolve_account(desk, a)?,
        None => desk.accounts.default_account_id().ok_or_else(|| {
            AppError::invalid_input(
                "No default account: give --account ID (`invitedesk-cli accounts list` shows \
                 them).",
            )
        })?,
    };
    refresh_if_needed(desk, Screen::Sent, None, false).await?;
    let text = read_text(&args.from)?;
    let mut preview =
        desk.lists()
            .preview_bulk_send(&account, &text, args.note_template.as_deref())?;
    let plan = preview.plan.take();
    if args.json {
        // The preview without its plan: the plan is a line of its own, as for `withdraw`.
        let mut value = serde_json::to_value(&preview)
            .map_err(|e| AppError::internal(format!("Could not print the preview: {e}")))?;
        if let Some(fields) = value.as_object_mut() {
            fields.remove("plan");
        }
        json_line("send", &value);
    } else {
        print_send_preview(&preview);
    }
    let Some(plan) = plan else {
        if args.json {
            json_line("plan", &Option::<JobPlan>::None);
        } else {
            println!("Every line is skipped: nothing to send.");
        }
        return Ok(Exit::Done);
    };
    // Asked on a terminal, unless the list itself came from standard input.
    let ask = !args.yes
        && !args.dry_run
        && !args.json
        && args.from != Path::new("-")
        && std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal();
    if !ask {
        return plan_then_run(desk, events, plan, args.yes, args.json).await;
    }
    print_plan(&plan);
    let n = plan.items.len() as u32;
    print!(
        "Send {} from {}? [y/N] ",
        plural(n, "connection request", "connection requests"),
        preview.account_label
    );
    std::io::Write::flush(&mut std::io::stdout()).ok();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).ok();
    if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
        println!("Nothing was sent.");
        return Ok(Exit::Done);
    }
    let summary = desk.jobs.start(&plan.plan_id)?;
    println!("Started job {}.", summary.id);
    wait_for_job(desk, events, summary, false).await
}

fn print_send_preview(p: &invitedesk_core::lists::BulkSendPreview) {
    println!(
        "{} to send from {}, {} skipped.",
        plural(p.to_send, "line", "lines"),
        p.account_label,
        p.skipped
    );
    if p.days > 1 {
        println!(
            "The daily cap ({} a day, {} left today) spreads them over {} days.",
            p.daily_cap, p.cap_left_today, p.days
        );
    }
    for l in p.lines.iter() {
        if let Some(reason) = &l.skip {
            println!("  line {}: skipped: {} ({reason})", l.line, clean(&l.text));
        }
    }
    let noted: Vec<_> = p
        .lines
        .iter()
        .filter(|l| l.skip.is_none() && l.note.is_some())
        .collect();
    if let Some(first) = noted.first() {
        println!(
            "  note of line {} ({}/{} characters): {}",
            first.line,
            first.note_length.unwrap_or_default(),
            p.max_note_chars,
            clean(first.note.as_deref().unwrap_or_default())
        );
    }
    println!();
}

async fn accept(desk: &Desk, events: &CliEvents, args: AcceptArgs) -> AppResult<Exit> {
    let scope = resolve_scope(desk, args.account.as_deref())?;
    refresh_if_needed(desk, Screen::Received, scope.as_deref(), args.refresh).await?;
    let rows = desk.invitations.list_received(scope.as_deref())?.rows;
    let keys = match &args.ids {
        Some(path) => {
            let known: Vec<(String, String)> = desk
                .invitations
                .list_received(None)?
                .rows
                .into_iter()
                .map(|r| (r.account_id, r.invitation.id))
                .collect();
            read_keys(path, &known, scope.as_deref())?
        }
        None => {
            let types: HashSet<InvitationCategory> =
                args.types.iter().map(|c| (*c).into()).collect();
            rows.iter()
                .filter(|r| types.contains(&r.invitation.category))
                .map(|r| r.key.clone())
                .collect()
        }
    };
    if keys.is_empty() {
        if args.json {
            json_line("plan", &Option::<JobPlan>::None);
        } else {
            println!("No pending received invitation of these types: nothing to accept.");
        }
        return Ok(Exit::Done);
    }
    let plan = desk.jobs.preview_respond(&keys, Response::Accept)?;
    plan_then_run(desk, events, plan, args.yes, args.json).await
}

fn print_plan(plan: &JobPlan) {
    let verb = match plan.action {
        invitedesk_core::jobs::JobAction::Withdraw => "Withdraw",
        invitedesk_core::jobs::JobAction::Accept => "Accept",
        invitedesk_core::jobs::JobAction::Ignore => "Ignore",
        invitedesk_core::jobs::JobAction::Send => "Send",
    };
    let n = plan.items.len() as u32;
    println!(
        "{verb} {} (plan {}).",
        plural(n, "invitation", "invitations"),
        plan.plan_id
    );
    if !plan.items.is_empty() {
        let mut t = Table::new(&["ACCOUNT", "NAME", "TYPE", "AGE", "KEY"]);
        for i in &plan.items {
            t.row(vec![
                cut(&i.account_label, 20),
                cut(&i.name, 30),
                i.category.label().into(),
                age(i.age_days, i.age_exact),
                i.key.clone(),
            ]);
        }
        t.print();
        println!();
        let mut t = Table::new(&["ACCOUNT", "COUNT", "PAUSE", "LEFT TODAY", "ON HOLD UNTIL"]);
        for a in &plan.per_account {
            t.row(vec![
                cut(&a.label, 30),
                a.count.to_string(),
                format!("{}–{} s", a.pace_min_secs, a.pace_max_secs),
                num(a.cap_left_today),
                a.held_until
                    .as_deref()
                    .map(output::until)
                    .unwrap_or_else(|| "-".into()),
            ]);
        }
        t.print();
    }
    let mut skipped = Vec::new();
    if plan.skipped_pinned > 0 {
        skipped.push(format!("{} pinned (on the keep-list)", plan.skipped_pinned));
    }
    for s in &plan.skipped_other {
        skipped.push(format!("{}: {}", s.count, s.reason));
    }
    if !skipped.is_empty() {
        println!("Skipped: {}.", skipped.join("; "));
    }
    if n > 0 {
        println!("Takes about {}.", output::duration(plan.estimated_secs));
        for w in &plan.warnings {
            println!("! {}", clean(&output::plan_warning(w)));
        }
    }
}

async fn plan_then_run(
    desk: &Desk,
    events: &CliEvents,
    plan: JobPlan,
    yes: bool,
    json: bool,
) -> AppResult<Exit> {
    if json {
        json_line("plan", &plan);
    } else {
        print_plan(&plan);
    }
    if plan.items.is_empty() {
        if !json {
            println!("Nothing to do.");
        }
        return Ok(Exit::Done);
    }
    if !yes {
        if !json {
            println!("Nothing was sent. Run the same command with --yes to start it.");
        }
        return Ok(Exit::Done);
    }
    let summary = desk.jobs.start(&plan.plan_id)?;
    if !json {
        println!("Started job {}.", summary.id);
    }
    wait_for_job(desk, events, summary, json).await
}

enum Waited {
    Ended,
    Paused,
    CtrlC,
}

/// Whether the job waits, on every account with work left, longer than we wait out.
fn long_pause(summary: &JobSummary) -> bool {
    if summary.state != JobState::Paused {
        return false;
    }
    let limit = chrono::Duration::from_std(WAIT_OUT_PAUSES_UP_TO).unwrap_or_default();
    summary
        .paused_accounts
        .iter()
        .all(|p| invitedesk_core::db::parse_ts(&p.until).is_some_and(|u| u - Utc::now() > limit))
}

/// Waits for a job this process runs, with progress; ends it as resumable when it pauses for
/// long (exit 4) or on Ctrl-C.
async fn wait_for_job(
    desk: &Desk,
    events: &CliEvents,
    started: JobSummary,
    json: bool,
) -> AppResult<Exit> {
    let id = started.id.clone();
    let mut paused = events.paused();
    let waited = loop {
        if paused
            .borrow_and_update()
            .as_ref()
            .is_some_and(|s| s.id == id && long_pause(s))
        {
            break Waited::Paused;
        }
        tokio::select! {
            _ = desk.jobs.wait(&id) => break Waited::Ended,
            changed = paused.changed() => {
                if changed.is_err() {
                    desk.jobs.wait(&id).await;
                    break Waited::Ended;
                }
            }
            _ = tokio::signal::ctrl_c() => break Waited::CtrlC,
        }
    };
    let exit = match waited {
        Waited::Ended => None,
        Waited::Paused => {
            // Resumable here or in the app, its pauses kept on record.
            desk.jobs.suspend(&id).await?;
            Some(Exit::Paused)
        }
        Waited::CtrlC => {
            desk.jobs.cancel(&id)?;
            desk.jobs.wait(&id).await;
            Some(Exit::Interrupted)
        }
    };
    events.finish();
    let summary = desk.jobs.summary(&id)?;
    print_job_end(&summary, json);
    Ok(exit.unwrap_or_else(|| exit_for(&summary)))
}

fn exit_for(summary: &JobSummary) -> Exit {
    match summary.state {
        JobState::Finished if summary.failed == 0 => Exit::Done,
        JobState::Finished if summary.succeeded + summary.already_gone == 0 => Exit::Failed,
        JobState::Finished => Exit::SomeFailed,
        _ => Exit::Failed,
    }
}

fn print_job_end(summary: &JobSummary, json: bool) {
    if json {
        json_line("job", &schema::Job::from(summary.clone()));
        return;
    }
    let noun = match summary.action {
        invitedesk_core::jobs::JobAction::Withdraw => "withdrawn",
        invitedesk_core::jobs::JobAction::Accept => "accepted",
        invitedesk_core::jobs::JobAction::Ignore => "ignored",
        invitedesk_core::jobs::JobAction::Send => "sent",
    };
    println!(
        "Job {} {}: {} {noun}, {} already gone, {} failed, {} skipped, {} not done.",
        summary.id,
        summary.state_text(),
        summary.succeeded,
        summary.already_gone,
        summary.failed,
        summary.skipped,
        summary.pending
    );
    for p in &summary.paused_accounts {
        println!(
            "{} is paused until {}: {}",
            clean(&p.label),
            output::until(&p.until),
            clean(&p.reason)
        );
    }
    if summary.pending > 0 && summary.state != JobState::Running {
        println!(
            "Resume it with `invitedesk-cli jobs resume {}`.",
            summary.id
        );
    }
}

trait StateText {
    fn state_text(&self) -> &'static str;
}

impl StateText for JobSummary {
    fn state_text(&self) -> &'static str {
        match self.state {
            JobState::Running if self.elsewhere => "is running in another InviteDesk process",
            JobState::Running => "is running",
            JobState::Paused => "is paused",
            JobState::Interrupted => "stopped (resumable)",
            JobState::Cancelled => "was cancelled",
            JobState::Finished => "finished",
        }
    }
}

fn jobs_list(desk: &Desk, json: bool) -> AppResult<Exit> {
    let jobs = desk.jobs.list()?;
    if json {
        let jobs: Vec<schema::Job> = jobs.into_iter().map(schema::Job::from).collect();
        json_line("jobs", &jobs);
        return Ok(Exit::Done);
    }
    if jobs.is_empty() {
        println!("No jobs yet.");
        return Ok(Exit::Done);
    }
    let mut t = Table::new(&[
        "ID", "ACTION", "STATE", "DONE", "OK", "FAILED", "STARTED", "NOTE",
    ]);
    for j in &jobs {
        let note = if j.elsewhere {
            "running in another InviteDesk process".to_string()
        } else if let Some(p) = j.paused_accounts.iter().map(|p| p.until.as_str()).min() {
            format!("paused until {}", output::until(p))
        } else {
            String::new()
        };
        t.row(vec![
            j.id.clone(),
            j.action.as_str().into(),
            JobState::as_str(j.state).into(),
            format!("{}/{}", j.done, j.total),
            (j.succeeded + j.already_gone).to_string(),
            j.failed.to_string(),
            output::local_time(&j.started_at),
            note,
        ]);
    }
    t.print();
    Ok(Exit::Done)
}

// ----- activity -----

fn activity(desk: &Desk, args: ActivityArgs) -> AppResult<Exit> {
    let filter = ActivityFilter {
        account_id: resolve_scope(desk, args.account.as_deref())?,
        from: args.since.clone(),
        to: None,
        action: None,
    };
    let rows = history::list(&desk.db, &filter)?;
    if args.json {
        json_line("activity", &rows);
    } else if args.csv {
        let header = [
            "Done at",
            "Action",
            "Account",
            "Name",
            "Profile",
            "Type",
            "Sent on",
            "Days pending",
            "Re-invite after",
            "Job",
        ];
        print_csv(
            &header,
            rows.iter()
                .map(|r| {
                    vec![
                        r.at.clone(),
                        r.action.as_str().into(),
                        r.account_label.clone(),
                        r.name.clone(),
                        opt(&r.profile_url),
                        r.category.label().into(),
                        opt(&r.sent_at),
                        num(r.days_pending),
                        opt(&r.reinvite_after),
                        opt(&r.job_id),
                    ]
                })
                .collect(),
        );
    } else if rows.is_empty() {
        println!(
            "Nothing recorded{}.",
            if args.since.is_some() {
                " since then"
            } else {
                ""
            }
        );
    } else {
        let mut t = Table::new(&[
            "WHEN",
            "ACTION",
            "ACCOUNT",
            "NAME",
            "TYPE",
            "RE-INVITE AFTER",
        ]);
        for r in &rows {
            t.row(vec![
                output::local_time(&r.at),
                r.action.as_str().into(),
                cut(&r.account_label, 20),
                cut(&r.name, 30),
                r.category.label().into(),
                r.reinvite_after
                    .as_deref()
                    .map(output::local_time)
                    .unwrap_or_default(),
            ]);
        }
        t.print();
    }
    Ok(Exit::Done)
}

// ----- autopilot -----

fn autopilot_list(desk: &Desk, json: bool) -> AppResult<Exit> {
    let views = desk.autopilot.views()?;
    let paused = desk.autopilot.paused()?;
    if json {
        let rules: Vec<schema::AutopilotRule> =
            views.into_iter().map(schema::AutopilotRule::from).collect();
        json_line("rules", &rules);
        return Ok(Exit::Done);
    }
    if paused {
        println!("Autopilot is paused (the app's Autopilot screen turns it back on).");
    }
    if views.is_empty() {
        println!("No autopilot rules yet. Make them in the app's Autopilot screen.");
        return Ok(Exit::Done);
    }
    let mut t = Table::new(&[
        "ID", "ACCOUNT", "RULE", "WHEN", "STATE", "NEXT RUN", "LAST RUN",
    ]);
    for v in &views {
        let r = &v.rule;
        let state = if r.paused {
            "paused"
        } else if r.confirmed_at.is_none() {
            "preview not confirmed"
        } else {
            "on"
        };
        let last = v
            .last_run
            .as_ref()
            .map(|l| {
                let what = match (l.outcome, l.skip_reason) {
                    (_, Some(reason)) => skip_text(reason).to_string(),
                    (o, None) => o.as_str().to_string(),
                };
                format!("{} ({what})", output::local_time(&l.at))
            })
            .unwrap_or_default();
        t.row(vec![
            r.id.clone(),
            v.account_label.clone(),
            v.description.clone(),
            format!(
                "{} {} {}",
                weekdays_text(&r.schedule.weekdays),
                r.schedule.time,
                r.time_zone
            ),
            state.into(),
            v.next_run_at
                .as_deref()
                .map(output::local_time)
                .unwrap_or_default(),
            last,
        ]);
    }
    t.print();
    Ok(Exit::Done)
}

fn weekdays_text(days: &[u8]) -> String {
    if days.len() == 7 {
        return "daily".into();
    }
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    days.iter()
        .filter_map(|d| NAMES.get(usize::from(*d).wrapping_sub(1)))
        .copied()
        .collect::<Vec<_>>()
        .join(",")
}

fn skip_text(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::Paused => "paused",
        SkipReason::NotConfirmed => "first preview not confirmed in the app",
        SkipReason::QuietHours => "quiet hours",
        SkipReason::Hold => "provider hold",
        SkipReason::CapReached => "daily cap reached",
        SkipReason::NothingToDo => "nothing to do",
        SkipReason::RunningElsewhere => "running in another InviteDesk process",
    }
}

async fn autopilot_run(desk: &Desk, args: AutopilotRunArgs) -> AppResult<Exit> {
    let options = RunOptions {
        trigger: if args.now {
            RunTrigger::Manual
        } else {
            RunTrigger::Scheduled
        },
        dry_run: args.dry_run,
        stop_on_long_pause: true,
    };
    let reports = if args.now {
        desk.autopilot.run_all(options).await?
    } else {
        desk.autopilot.run_due(options).await?
    };
    let sentence = autopilot::summary::sentence(&reports);
    let exit = if reports.iter().any(|r| r.outcome == RunOutcome::Failed) {
        Exit::Failed
    } else if reports
        .iter()
        .filter_map(|r| r.job.as_ref())
        .any(|j| j.state == JobState::Interrupted)
    {
        Exit::Paused
    } else if reports
        .iter()
        .filter_map(|r| r.job.as_ref())
        .any(|j| j.failed > 0)
    {
        Exit::SomeFailed
    } else {
        Exit::Done
    };
    if args.json {
        let runs: Vec<schema::AutopilotRun> = reports
            .into_iter()
            .map(schema::AutopilotRun::from)
            .collect();
        json_line("runs", &runs);
        return Ok(exit);
    }
    if reports.is_empty() {
        println!("No rule is due.");
        return Ok(exit);
    }
    let mut t = Table::new(&["RULE", "ACCOUNT", "OUTCOME", "NOTE"]);
    for r in &reports {
        let outcome = match (r.outcome, r.skip_reason) {
            (_, Some(reason)) => format!("skipped: {}", skip_text(reason)),
            (RunOutcome::DryRun, _) => format!("would act on {}", r.planned),
            (RunOutcome::Acted, _) => {
                let j = r.job.as_ref();
                format!(
                    "done {}, failed {}",
                    j.map(|j| j.succeeded + j.already_gone).unwrap_or(0),
                    j.map(|j| j.failed).unwrap_or(0)
                )
            }
            (o, None) => o.as_str().to_string(),
        };
        t.row(vec![
            r.description.clone(),
            r.account_label.clone(),
            outcome,
            r.detail.clone().unwrap_or_default(),
        ]);
    }
    t.print();
    for r in reports.iter().filter(|r| r.outcome == RunOutcome::DryRun) {
        println!("\n{} ({}) would act on:", r.description, r.account_label);
        for i in &r.items {
            println!("  {}  {}", i.key, clean(&i.name));
        }
    }
    if let Some(sentence) = sentence {
        println!("{sentence}");
    }
    Ok(exit)
}
