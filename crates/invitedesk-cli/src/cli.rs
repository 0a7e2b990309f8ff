//! The command line, exactly as docs/cli.md describes it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use invitedesk_core::model::{InvitationCategory, ProviderKind};

/// InviteDesk on the command line: the same accounts, lists, previews, jobs and history as the
/// app. Without --yes, withdraw and accept only print the plan; nothing is sent.
#[derive(Debug, Parser)]
#[command(name = "invitedesk-cli", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, add and tune accounts.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Pending sent invitations.
    #[command(subcommand)]
    Sent(SentCommand),
    /// Pending received invitations.
    #[command(subcommand)]
    Received(ReceivedCommand),
    /// Withdraw sent invitations: prints the plan; with --yes, runs it as a paced job.
    Withdraw(WithdrawArgs),
    /// Accept received invitations: prints the plan; with --yes, runs it as a paced job.
    Accept(AcceptArgs),
    /// Send connection requests to a list of people: prints each skipped line and the plan;
    /// asks before sending on a terminal, or runs it with --yes, as a paced job.
    Send(SendArgs),
    /// Jobs in the journal (the app's and this tool's).
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// What was done: withdrawals (with the re-invite date), acceptances, ignores, invitations.
    Activity(ActivityArgs),
    /// Autopilot rules (made in the app's Autopilot screen) and their runs.
    #[command(subcommand)]
    Autopilot(AutopilotCommand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Provider {
    Connectsafely,
    Edges,
    Linkup,
}

impl From<Provider> for ProviderKind {
    fn from(p: Provider) -> ProviderKind {
        match p {
            Provider::Connectsafely => ProviderKind::ConnectSafely,
            Provider::Edges => ProviderKind::Edges,
            Provider::Linkup => ProviderKind::Linkup,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// Every account, with its status and key hint (never a key).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Adds the accounts an API key gives access to. The key (and, for LinkupAPI, the login
    /// token on the second line) is read from standard input only.
    Add(AddArgs),
    /// Shows an account's settings, or changes them (pause between actions, daily caps).
    Settings(SettingsArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long, value_enum)]
    pub provider: Provider,
    /// Read the API key from the first line of standard input (required: keys are never
    /// taken from arguments or the environment).
    #[arg(long, required = true)]
    pub key_stdin: bool,
    /// Read the LinkedIn login token (LinkupAPI) from the next line of standard input.
    #[arg(long)]
    pub login_token_stdin: bool,
    /// LinkupAPI proxy country (two letters).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Add every LinkedIn account the key gives access to.
    #[arg(long, conflicts_with = "remote_id")]
    pub all: bool,
    /// Add this LinkedIn account (the provider's id; repeat for several).
    #[arg(long = "remote-id", value_name = "ID", num_args = 1..)]
    pub remote_id: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Account id or name.
    pub account: String,
    /// Shortest pause between two actions, in seconds.
    #[arg(long, value_name = "SECS")]
    pub pace_min: Option<u32>,
    /// Longest pause between two actions, in seconds.
    #[arg(long, value_name = "SECS")]
    pub pace_max: Option<u32>,
    /// Most withdrawals a day.
    #[arg(long, value_name = "N")]
    pub withdraw_cap: Option<u32>,
    /// Most acceptances a day.
    #[arg(long, value_name = "N")]
    pub accept_cap: Option<u32>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SentCommand {
    /// Pending sent invitations, oldest first.
    List(SentListArgs),
}

#[derive(Debug, Args)]
pub struct SentListArgs {
    /// Account id or name (default: every account).
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Fetch the lists from the providers first (otherwise only lists never fetched are).
    #[arg(long)]
    pub refresh: bool,
    /// Only invitations at least this many days old.
    #[arg(long, value_name = "DAYS")]
    pub older_than: Option<u32>,
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReceivedCommand {
    /// Pending received invitations, newest first.
    List(ReceivedListArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Category {
    Connection,
    Organization,
    Newsletter,
    Event,
    #[value(name = "follow")]
    MemberFollow,
    #[value(name = "other")]
    Unknown,
}

impl From<Category> for InvitationCategory {
    fn from(c: Category) -> InvitationCategory {
        match c {
            Category::Connection => InvitationCategory::Connection,
            Category::Organization => InvitationCategory::Organization,
            Category::Newsletter => InvitationCategory::Newsletter,
            Category::Event => InvitationCategory::Event,
            Category::MemberFollow => InvitationCategory::MemberFollow,
            Category::Unknown => InvitationCategory::Unknown,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReceivedListArgs {
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    #[arg(long)]
    pub refresh: bool,
    /// Only these types (comma-separated).
    #[arg(long = "type", value_name = "TYPES", value_delimiter = ',', value_enum)]
    pub types: Vec<Category>,
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["older_than", "ids", "profiles"])))]
pub struct WithdrawArgs {
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Every invitation at least this many days old (pinned ones are skipped).
    #[arg(long, value_name = "DAYS")]
    pub older_than: Option<u32>,
    /// The invitations listed in FILE, one key (`<accountId>/<invitationId>`, as `sent list`
    /// prints) or invitation id per line; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub ids: Option<PathBuf>,
    /// The people listed in FILE (`-`: standard input): LinkedIn profile addresses, public ids
    /// or member ids, one a line, or a CSV with a profile column. Each line's match is printed;
    /// the matched pending invitations are planned.
    #[arg(long, value_name = "FILE")]
    pub profiles: Option<PathBuf>,
    /// Fetch the lists from the providers before planning.
    #[arg(long)]
    pub refresh: bool,
    /// Run the plan (otherwise it is only printed).
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["types", "ids"])))]
pub struct AcceptArgs {
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Every pending invitation of these types (comma-separated).
    #[arg(long = "type", value_name = "TYPES", value_delimiter = ',', value_enum)]
    pub types: Vec<Category>,
    /// The invitations listed in FILE, one key or invitation id per line; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub ids: Option<PathBuf>,
    #[arg(long)]
    pub refresh: bool,
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The people, from FILE (`-`: standard input): LinkedIn profile addresses or public ids,
    /// one a line, or a CSV with a profile column and optional firstName, lastName, company
    /// and note columns.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// The account to send from (id or name); the default account when left out.
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// The note, with {firstName}, {lastName}, {company} filled in from the list's columns. A
    /// line's own note column wins.
    #[arg(long, value_name = "TEXT")]
    pub note_template: Option<String>,
    /// Only print the lines and the plan; never send, never ask.
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Send without asking.
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Unfinished jobs first, then the newest.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Goes on with an interrupted, paused or cancelled job, and waits for it.
    Resume {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Stops a job this tool or a closed app left; the items not reached stay pending.
    Cancel {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ActivityArgs {
    /// From this day on (YYYY-MM-DD, local time).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AutopilotCommand {
    /// Every rule: what it does, its schedule, whether it is confirmed, its next and last run.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Runs the rules that are due (what the systemd timer calls), each once per scheduled
    /// time, with the app's pacing, caps, holds and "nothing twice".
    Run(AutopilotRunArgs),
}

#[derive(Debug, Args)]
pub struct AutopilotRunArgs {
    /// Run every rule now, whatever its schedule (like "Run rules now" in the app).
    #[arg(long)]
    pub now: bool,
    /// Print what each rule would act on; act on nothing and record nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub json: bool,
}

impl Command {
    /// Whether errors should be printed as JSON.
    pub fn json(&self) -> bool {
        match self {
            Command::Accounts(AccountsCommand::List { json }) => *json,
            Command::Accounts(AccountsCommand::Add(a)) => a.json,
            Command::Accounts(AccountsCommand::Settings(a)) => a.json,
            Command::Sent(SentCommand::List(a)) => a.json,
            Command::Received(ReceivedCommand::List(a)) => a.json,
            Command::Withdraw(a) => a.json,
            Command::Accept(a) => a.json,
            Command::Send(a) => a.json,
            Command::Jobs(JobsCommand::List { json })
            | Command::Jobs(JobsCommand::Resume { json, .. })
            | Command::Jobs(JobsCommand::Cancel { json, .. }) => *json,
            Command::Activity(a) => a.json,
            Command::Autopilot(AutopilotCommand::List { json }) => *json,
            Command::Autopilot(AutopilotCommand::Run(a)) => a.json,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_key_cannot_be_given_as_an_argument() {
        let e = Cli::try_parse_from([
            "invitedesk-cli",
            "accounts",
            "add",
            "--provider",
            "edges",
            "--key",
            "secret",
        ])
        .unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let e = Cli::try_parse_from(["invitedesk-cli", "accounts", "add", "--provider", "edges"])
            .unwrap_err();
        assert_eq!(e.exit_code(), 2, "--key-stdin is required");
    }

    #[test]
    fn withdraw_needs_a_rule_or_a_list() {
        assert!(Cli::try_parse_from(["invitedesk-cli", "withdraw"]).is_err());
        assert!(Cli::try_parse_from([
            "invitedesk-cli",
            "withdraw",
            "--older-than",
            "3",
            "--ids",
            "f"
        ])
        .is_err());
        let ok = Cli::try_parse_from(["invitedesk-cli", "accept", "--type", "connection,event"])
            .unwrap();
        match ok.command {
            Command::Accept(a) => assert_eq!(a.types, [Category::Connection, Category::Event]),
            other => panic!("{other:?}"),
        }
    }
}
