//! Neutral types: what every provider's answers are turned into at the client boundary.
//!
//! Nothing above `providers/` ever sees a provider's field names. Ids are `String`s everywhere
//! (LinkupAPI sends 19-digit ids that a float would corrupt). Types the UI also uses derive `TS`
//! and are exported to `ui/src/lib/bindings/`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which API an account goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, export_to = "ProviderKind.ts")]
pub enum ProviderKind {
    ConnectSafely,
    Edges,
    Linkup,
    /// Simulated inside the app so it can be explored without a key.
    Demo,
}

impl ProviderKind {
    pub const fn label(self) -> &'static str {
        match self {
            ProviderKind::ConnectSafely => "ConnectSafely",
            ProviderKind::Edges => "Edges",
            ProviderKind::Linkup => "LinkupAPI",
            ProviderKind::Demo => "Demo",
        }
    }

    pub const fn slug(self) -> &'static str {
        match self {
            ProviderKind::ConnectSafely => "connectsafely",
            ProviderKind::Edges => "edges",
            ProviderKind::Linkup => "linkup",
            ProviderKind::Demo => "demo",
        }
    }
}

/// How old an invitation is, as far as anyone can tell.
///
/// Providers mostly send LinkedIn's bucketed text ("1 week ago"), which is a lower bound:
/// `days` is the least the invitation can be, and `exact` says whether it could be more.
/// Age rules only ever use `days`, so imprecision never makes an invitation look older.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "Age.ts")]
pub struct Age {
    /// `None` when the provider's text could not be understood.
    pub days: Option<u32>,
    pub exact: bool,
}

impl Age {
    pub const UNKNOWN: Age = Age {
        days: None,
        exact: false,
    };

    pub const fn exact(days: u32) -> Age {
        Age {
            days: Some(days),
            exact: true,
        }
    }

    pub const fn at_least(days: u32) -> Age {
        Age {
            days: Some(days),
            exact: false,
        }
    }
}

/// What kind of thing invited the account (received) or was invited (sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "InvitationCategory.ts")]
pub enum InvitationCategory {
    Connection,
    /// A company page asks to be followed.
    Organization,
    /// Accepting subscribes the account.
    Newsletter,
    Event,
    /// Someone asks the account to follow them.
    MemberFollow,
    Unknown,
}

impl InvitationCategory {
    pub const fn label(self) -> &'static str {
        match self {
            InvitationCategory::Connection => "Connection",
            InvitationCategory::Organization => "Company page",
            InvitationCategory::Newsletter => "Newsletter",
            InvitationCategory::Event => "Event",
            InvitationCategory::MemberFollow => "Follow",
            InvitationCategory::Unknown => "Other",
        }
    }
}

/// The other side of an invitation. Every text field comes from a stranger: display as text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "Person.ts")]
pub struct Person {
    pub name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub headline: Option<String>,
    pub profile_url: Option<String>,
    /// The vanity slug after `/in/` (ConnectSafely withdraws by it).
    pub public_id: Option<String>,
    /// `urn:li:fsd_profile:ACoAA…` or the bare `ACoAA…` member id, when the provider gives it.
    pub member_id: Option<String>,
    pub picture_url: Option<String>,
}

/// A pending invitation the account sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SentInvitation.ts")]
pub struct SentInvitation {
    pub id: String,
    pub urn: Option<String>,
    pub person: Person,
    pub category: InvitationCategory,
    /// The provider's own words, shown on hover ("Sent yesterday").
    pub sent_text: Option<String>,
    pub age: Age,
    pub note: Option<String>,
}

/// A pending invitation the account received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ReceivedInvitation.ts")]
pub struct ReceivedInvitation {
    pub id: String,
    pub urn: Option<String>,
    /// Who invited: a person, or for pages and newsletters the person who sent it.
    pub person: Person,
    pub category: InvitationCategory,
    /// Page, newsletter or event name for non-connection invitations.
    pub entity_name: Option<String>,
    pub note: Option<String>,
    /// Display text such as "13 mutual connections" (LinkupAPI only).
    pub mutual_connections: Option<String>,
    pub received_text: Option<String>,
    pub age: Age,
    /// Token the provider needs to accept (ConnectSafely `validationToken`, Edges
    /// `invitation_secret`, LinkupAPI `shared_secret`). Not a user secret, but never logged.
    #[serde(default)]
    pub accept_token: Option<String>,
    /// The provider's own type string, echoed back when responding.
    #[serde(default)]
    pub raw_type: Option<String>,
}

/// Accept or ignore a received invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "Response.ts")]
pub enum Response {
    Accept,
    Ignore,
}

/// A LinkedIn account (ConnectSafely) or identity (Edges) found under an API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RemoteAccount.ts")]
pub struct RemoteAccount {
    pub id: String,
    pub name: String,
    /// The provider's status word ("AVAILABLE", "connected", …), shown as given.
    pub status: String,
    /// False when the provider says calls through this account will fail.
    pub usable: bool,
    pub picture_url: Option<String>,
    pub profile_url: Option<String>,
}

/// A connection request to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "NewInvitation.ts")]
pub struct NewInvitation {
    /// A LinkedIn profile URL (`https://www.linkedin.com/in/slug`).
    pub profile_url: String,
    pub note: Option<String>,
}

/// How a write went when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "WriteOutcome.ts")]
pub enum WriteOutcome {
    /// The provider did it.
    Done,
    /// It was already done (or the invitation was gone) before we asked: nothing was changed.
    AlreadyGone,
}

/// One counter the provider enforces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "Limit.ts")]
pub struct Limit {
    /// "CONNECT", "credits", …
    pub action: String,
    pub used: Option<u32>,
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    /// RFC 3339, when known.
    pub resets_at: Option<String>,
    /// Where the figure comes from, for display ("ConnectSafely weekly limit").
    pub source: String,
}

/// How a provider measures a note against its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "NoteCounting.ts")]
pub enum NoteCounting {
    /// UTF-16 code units, JavaScript's `String.length`: a character outside the Basic
    /// Multilingual Plane (most emoji, some CJK) counts 2.
    Utf16CodeUnits,
    /// Unicode code points: every character counts 1.
    CodePoints,
}

/// What a provider can and cannot do, so the UI can disable what is missing and say why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "Capabilities.ts")]
pub struct Capabilities {
    pub ignore: bool,
    /// Maximum note length on a connection request, counted as `note_counting` says.
    pub max_note_chars: u32,
    /// How the provider counts a note's length (`providers::notes`).
    pub note_counting: NoteCounting,
    /// Several LinkedIn accounts under one key (ConnectSafely accounts, Edges identities).
    pub lists_accounts: bool,
}

/// The four writes InviteDesk makes on LinkedIn. Each has its own pause, daily cap and
/// provider holds (a weekly invitation limit blocks sends, not withdrawals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "WriteKind.ts")]
pub enum WriteKind {
    Withdraw,
    Accept,
    Ignore,
    Send,
}

impl WriteKind {
    pub const ALL: [WriteKind; 4] = [
        WriteKind::Withdraw,
        WriteKind::Accept,
        WriteKind::Ignore,
        WriteKind::Send,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            WriteKind::Withdraw => "withdraw",
            WriteKind::Accept => "accept",
            WriteKind::Ignore => "ignore",
            WriteKind::Send => "send",
        }
    }

    pub fn parse(text: &str) -> Option<WriteKind> {
        WriteKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The most writes of this kind per day InviteDesk makes on a real account, whatever the
    /// settings say (the figures and their sources: `invitations::limits`).
    pub const fn daily_ceiling(self) -> u32 {
        match self {
            WriteKind::Withdraw | WriteKind::Accept | WriteKind::Ignore => 100,
            WriteKind::Send => 30,
        }
    }

    /// "withdrawals", "acceptances", "ignores", "connection requests": for messages.
    pub const fn noun_plural(self) -> &'static str {
        match self {
            WriteKind::Withdraw => "withdrawals",
            WriteKind::Accept => "acceptances",
            WriteKind::Ignore => "ignores",
            WriteKind::Send => "connection requests",
        }
    }
}
