/**
 * Types of docs/ipc.md that have no ts-rs binding in `./bindings/` yet.
 *
 * Each is written exactly as docs/ipc.md describes it. When the Rust side adds the binding
 * (`cargo test --lib export_bindings` writes `bindings/<Name>.ts`), delete the declaration here
 * and re-export the binding from `./types.ts` instead; the compiler then shows any drift.
 */
import type { ErrorKind } from './bindings/ErrorKind';
import type { InvitationCategory } from './bindings/InvitationCategory';
import type { ProviderKind } from './bindings/ProviderKind';
import type { Capabilities } from './bindings/Capabilities';
import type { SentInvitation } from './bindings/SentInvitation';
import type { ReceivedInvitation } from './bindings/ReceivedInvitation';

/** PENDING binding: `error.rs` serializes `AppError` by hand as `{ kind, message }`. */
export type AppError = { kind: ErrorKind; message: string };

/** PENDING binding `AccountStatus`. */
export type AccountStatus = 'ok' | 'needsAttention' | 'keyMissing';

/** PENDING binding `AccountView`. */
export type AccountView = {
  id: string;
  label: string;
  provider: ProviderKind;
  remoteAccountId: string | null;
  remoteName: string | null;
  profileUrl: string | null;
  pictureUrl: string | null;
  status: AccountStatus;
  statusDetail: string | null;
  isDefault: boolean;
  isDemo: boolean;
  /** RFC 3339. */
  lastSyncedAt: string | null;
  /** The last 4 characters of the key, e.g. "…a1b2". Never more. */
  keyHint: string | null;
  hasLoginToken: boolean;
  country: string | null;
  capabilities: Capabilities;
};

/** PENDING binding `NewAccountInput`. */
export type NewAccountInput = {
  provider: ProviderKind;
  apiKey: string;
  loginToken: string | null;
  country: string | null;
};

/** PENDING binding `AccountSettings`. */
export type AccountSettings = {
  withdrawOlderThanDays: number;
  paceMinSecs: number;
  paceMaxSecs: number;
  dailyWithdrawCap: number;
};

/** PENDING: `AppInfo.keyring` (docs/ipc.md); the current `AppInfo` binding has no such field. */
export type KeyringStatus = { available: boolean; message: string | null };

/** PENDING binding `SentRow`. */
export type SentRow = {
  /** "<accountId>/<invitationId>" */
  key: string;
  accountId: string;
  accountLabel: string;
  invitation: SentInvitation;
  firstSeenAt: string;
  /** Best estimate: max(provider age, days since first seen). */
  ageDays: number | null;
  ageExact: boolean;
  /** The row or the person is on the keep-list. */
  pinned: boolean;
};

/** PENDING binding `ReceivedRow`. */
export type ReceivedRow = {
  key: string;
  accountId: string;
  accountLabel: string;
  invitation: ReceivedInvitation;
  firstSeenAt: string;
  ageDays: number | null;
  ageExact: boolean;
  canIgnore: boolean;
  ignoreDisabledReason: string | null;
};

/** PENDING binding: one entry of `Snapshot.asOf`. */
export type AsOf = { accountId: string; at: string | null };

/** PENDING binding `SentSnapshot`. */
export type SentSnapshot = { rows: SentRow[]; asOf: AsOf[] };

/** PENDING binding `ReceivedSnapshot`. */
export type ReceivedSnapshot = { rows: ReceivedRow[]; asOf: AsOf[] };

/** PENDING binding: one entry of `RefreshSummary.accounts`. */
export type AccountRefresh = {
  accountId: string;
  label: string;
  ok: boolean;
  count: number;
  error: AppError | null;
};

/** PENDING binding `RefreshSummary`. */
export type RefreshSummary = { accounts: AccountRefresh[] };

/** PENDING binding: payload of the `refresh-progress` event. */
export type RefreshProgress = {
  accountId: string;
  screen: 'sent' | 'received';
  fetched: number;
  total: number | null;
  done: boolean;
};

/** PENDING binding `JobAction`. */
export type JobAction = 'withdraw' | 'accept' | 'ignore';

/** PENDING binding `PlanItem`. */
export type PlanItem = {
  key: string;
  accountId: string;
  accountLabel: string;
  invitationId: string;
  name: string;
  headline: string | null;
  profileUrl: string | null;
  category: InvitationCategory;
  ageDays: number | null;
  ageExact: boolean;
};

/** PENDING binding: one entry of `JobPlan.perAccount`. */
export type PlanAccount = {
  accountId: string;
  label: string;
  count: number;
  paceMinSecs: number;
  paceMaxSecs: number;
  capLeftToday: number;
};

/** PENDING binding: one entry of `JobPlan.skippedOther`. */
export type SkippedReason = { reason: string; count: number };

/** PENDING binding `JobPlan`. */
export type JobPlan = {
  planId: string;
  action: JobAction;
  items: PlanItem[];
  perAccount: PlanAccount[];
  skippedPinned: number;
  skippedOther: SkippedReason[];
  estimatedSecs: number;
  warnings: string[];
};

/** PENDING binding `WithdrawRequest` (the argument of `preview_withdraw`). */
export type WithdrawRequest =
  | { selected: string[] }
  | { olderThanDays: number; accountId: string | null };

/** PENDING binding `JobState`. */
export type JobState = 'running' | 'paused' | 'interrupted' | 'cancelled' | 'finished';

/** PENDING binding: one entry of `JobSummary.pausedAccounts`. */
export type PausedAccount = { accountId: string; until: string; reason: string };

/** PENDING binding `JobSummary`. */
export type JobSummary = {
  id: string;
  action: JobAction;
  state: JobState;
  total: number;
  done: number;
  /** Withdrawn, accepted or ignored, depending on `action`. */
  succeeded: number;
  alreadyGone: number;
  failed: number;
  pending: number;
  startedAt: string;
  finishedAt: string | null;
  etaSecs: number | null;
  pausedAccounts: PausedAccount[];
};

/** PENDING binding `ItemOutcome`. */
export type ItemOutcome = 'pending' | 'running' | 'done' | 'alreadyGone' | 'failed' | 'skipped';

/** PENDING binding `JobItemView`. */
export type JobItemView = {
  key: string;
  name: string;
  accountLabel: string;
  outcome: ItemOutcome;
  error: AppError | null;
  at: string | null;
};

/** PENDING binding: payload of the `job-progress` event. */
export type JobProgress = { job: JobSummary; item: JobItemView | null };

/** PENDING binding `ActivityAction`. */
export type ActivityAction = 'withdrawn' | 'accepted' | 'ignored' | 'invited';

/** PENDING binding `ActivityRow`. */
export type ActivityRow = {
  id: string;
  at: string;
  action: ActivityAction;
  accountId: string;
  accountLabel: string;
  name: string;
  profileUrl: string | null;
  category: InvitationCategory;
  sentAt: string | null;
  daysPending: number | null;
  /** Withdrawals: `at` + 21 days. */
  reinviteAfter: string | null;
  jobId: string | null;
};

/** PENDING binding `ActivityFilter`. Dates are YYYY-MM-DD. */
export type ActivityFilter = {
  accountId: string | null;
  from: string | null;
  to: string | null;
  action: ActivityAction | null;
};
