/**
 * The UI's only door to Rust: every command of docs/ipc.md as a typed function, and the two
 * events. No other file imports `invoke` or `listen`.
 *
 * Every function rejects with an `AppError` (`{ kind, message }`), whatever went wrong: the
 * command's own error, a Tauri error string (unknown command, refused by the capability) or a
 * JavaScript exception. Screens can therefore always show `message` and branch on `kind`.
 */
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  AccountSettings,
  AccountView,
  ActivityFilter,
  ActivityRow,
  AppError,
  AppInfo,
  AutopilotOverview,
  AutopilotRule,
  ErrorKind,
  JobItemView,
  JobPlan,
  JobProgress,
  JobSummary,
  Limit,
  NewAccountInput,
  NewInvitation,
  OrphanedKey,
  ReceivedSnapshot,
  RefreshProgress,
  RefreshSummary,
  RemoteAccount,
  Response,
  RuleDraft,
  RulePreview,
  RuleRun,
  RunReport,
  SentSnapshot,
  TimerStatus,
  WithdrawRequest,
  WriteOutcome,
  Insights,
  InsightsSeries,
  AcceptanceCheck,
  AccountLimits,
  DoNotContactEntry,
  DoNotContactImport,
  ListWithdrawPreview,
  BulkSendPreview,
  Person,
  SentFlags,
  SentSelection,
  SentWindow,
  SentWindowRequest,
} from './types';

export type { AppError };

function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** Turns whatever a rejected call produced into `{ kind, message }`. */
export function toAppError(value: unknown): AppError {
  if (isAppError(value)) return { kind: value.kind, message: value.message };
  if (typeof value === 'string' && value.trim() !== '') {
    return { kind: 'internal', message: value };
  }
  if (value instanceof Error && value.message) {
    return { kind: 'internal', message: value.message };
  }
  return { kind: 'internal', message: 'Something went wrong inside InviteDesk. Please try again.' };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toAppError(e);
  }
}

// ---- app ----------------------------------------------------------------------------------

export const appInfo = () => call<AppInfo>('app_info');
export const appNotices = () => call<string[]>('app_notices');

/** Opens a LinkedIn profile in the system browser (Rust accepts only https://*.linkedin.com). */
export const openProfile = (url: string) => call<void>('open_profile', { url });
export const openLogFolder = () => call<void>('open_log_folder');

// ---- accounts -----------------------------------------------------------------------------

export const listAccounts = () => call<AccountView[]>('list_accounts');

/** Tests the key and lists what it can reach; saves nothing. */
export const discoverAccounts = (input: NewAccountInput) =>
  call<RemoteAccount[]>('discover_accounts', { input });

export const addAccounts = (input: NewAccountInput, remoteIds: string[]) =>
  call<AccountView[]>('add_accounts', { input, remoteIds });

export const addDemoAccount = () => call<AccountView>('add_demo_account');

export const renameAccount = (id: string, label: string) =>
  call<AccountView>('rename_account', { id, label });

export const setDefaultAccount = (id: string) => call<void>('set_default_account', { id });

export const replaceAccountKey = (id: string, apiKey: string, loginToken: string | null) =>
  call<AccountView>('replace_account_key', { id, apiKey, loginToken });

export const removeAccount = (id: string, deleteHistory: boolean) =>
  call<void>('remove_account', { id, deleteHistory });

export const getAccountSettings = (accountId: string) =>
  call<AccountSettings>('get_account_settings', { accountId });

export const saveAccountSettings = (accountId: string, settings: AccountSettings) =>
  call<AccountSettings>('save_account_settings', { accountId, settings });

export const accountLimits = (accountId: string) => call<Limit[]>('account_limits', { accountId });

/** Keyring entries under InviteDesk's service that no account points at (names, never values). */
export const listOrphanedKeys = () => call<OrphanedKey[]>('list_orphaned_keys');

/** Deletes those entries (Rust refuses any that belongs to an account); returns what is left. */
export const deleteOrphanedKeys = (entries: string[]) => call<OrphanedKey[]>('delete_orphaned_keys', { entries });

// ---- sent ---------------------------------------------------------------------------------

/** From the local cache: instant. `null` = all accounts. */
export const listSent = (accountId: string | null) => call<SentSnapshot>('list_sent', { accountId });

/** Fetches from the providers; emits `refresh-progress`. */
export const refreshSent = (accountId: string | null) =>
  call<RefreshSummary>('refresh_sent', { accountId });

export type PinTarget = {
  accountId: string;
  invitationId: string | null;
  personKey: string | null;
  pinned: boolean;
};

export const setPin = (t: PinTarget) =>
  call<void>('set_pin', {
    accountId: t.accountId,
    invitationId: t.invitationId,
    personKey: t.personKey,
    pinned: t.pinned,
  });

export const previewWithdraw = (request: WithdrawRequest) =>
  call<JobPlan>('preview_withdraw', { request });

/** Writes the plan's exact list to the Downloads dir; resolves to the file's path. */
export const exportPlanCsv = (planId: string) => call<string>('export_plan_csv', { planId });

// ---- received -----------------------------------------------------------------------------

export const listReceived = (accountId: string | null) =>
  call<ReceivedSnapshot>('list_received', { accountId });

export const refreshReceived = (accountId: string | null) =>
  call<RefreshSummary>('refresh_received', { accountId });

export const previewRespond = (keys: string[], response: Response) =>
  call<JobPlan>('preview_respond', { keys, response });

// ---- jobs ---------------------------------------------------------------------------------

/** Runs a previewed plan; emits `job-progress`. */
export const startJob = (planId: string) => call<JobSummary>('start_job', { planId });

/** Running, paused and interrupted jobs first. */
export const listJobs = () => call<JobSummary[]>('list_jobs');

export const jobItems = (jobId: string) => call<JobItemView[]>('job_items', { jobId });

export const cancelJob = (jobId: string) => call<JobSummary>('cancel_job', { jobId });

export const resumeJob = (jobId: string) => call<JobSummary>('resume_job', { jobId });

export const discardJob = (jobId: string) => call<JobSummary>('discard_job', { jobId });

/** Starts a new job over the failed items of `jobId`. */
export const retryFailed = (jobId: string) => call<JobSummary>('retry_failed', { jobId });

// ---- activity -----------------------------------------------------------------------------

export const listActivity = (filter: ActivityFilter) =>
  call<ActivityRow[]>('list_activity', { filter });

export const exportActivityCsv = (filter: ActivityFilter) =>
  call<string>('export_activity_csv', { filter });

// ---- invitations --------------------------------------------------------------------------

export const sendInvitation = (accountId: string, request: NewInvitation) =>
  call<WriteOutcome>('send_invitation', { accountId, request });

// ---- lists (withdraw by list, do-not-contact, duplicates) -------------------------------------

/** Matches a pasted list against the pending sent invitations and previews the withdrawal. */
export const previewWithdrawList = (text: string, accountId: string | null) =>
  call<ListWithdrawPreview>('preview_withdraw_list', { text, accountId });

export const sentFlags = () => call<SentFlags>('sent_flags');

export const previewWithdrawDoNotContact = (accountId: string | null) =>
  call<JobPlan>('preview_withdraw_do_not_contact', { accountId });

export const previewWithdrawDuplicates = () => call<JobPlan>('preview_withdraw_duplicates');

export const listDoNotContact = () => call<DoNotContactEntry[]>('list_do_not_contact');

export const importDoNotContact = (text: string) =>
  call<DoNotContactImport>('import_do_not_contact', { text });

export const addDoNotContact = (person: Person) =>
  call<DoNotContactEntry>('add_do_not_contact', { person });

export const removeDoNotContact = (personKey: string) =>
  call<void>('remove_do_not_contact', { personKey });

export const exportDoNotContactCsv = () => call<string>('export_do_not_contact_csv');

export const previewBulkSend = (accountId: string, text: string, template: string | null) =>
  call<BulkSendPreview>('preview_bulk_send', { accountId, text, template });

// ---- events -------------------------------------------------------------------------------

// Insights (issue 14).
export const getInsights = (accountId: string | null, thresholdDays: number | null) =>
  call<Insights>('get_insights', { accountId, thresholdDays });
export const checkAcceptances = (accountId: string | null) =>
  call<AcceptanceCheck>('check_acceptances', { accountId });
export const limitsAtAGlance = (accountId: string) => call<AccountLimits>('limits_at_a_glance', { accountId });
export const exportInsightsCsv = (accountId: string | null, series: InsightsSeries, thresholdDays: number | null) =>
  call<string>('export_insights_csv', { accountId, series, thresholdDays });

/**
 * Subscribes to an event. Resolves to the unsubscribe function; when the event system is not
 * available (a plain browser), resolves to a no-op so screens still work from the cache.
 */
async function subscribe<T>(event: string, handler: (payload: T) => void): Promise<UnlistenFn> {
  try {
    return await listen<T>(event, (e) => handler(e.payload));
  } catch {
    return () => {};
  }
}

export const onRefreshProgress = (handler: (p: RefreshProgress) => void) =>
  subscribe<RefreshProgress>('refresh-progress', handler);

export const onJobProgress = (handler: (p: JobProgress) => void) =>
  subscribe<JobProgress>('job-progress', handler);

// ---- autopilot ----------------------------------------------------------------------------

/** The rules, the pause switch, close-to-tray and the systemd timer's state. */
export const autopilotOverview = () => call<AutopilotOverview>('autopilot_overview');

export const createAutopilotRule = (draft: RuleDraft) =>
  call<AutopilotRule>('create_autopilot_rule', { draft });

export const updateAutopilotRule = (ruleId: string, draft: RuleDraft) =>
  call<AutopilotRule>('update_autopilot_rule', { ruleId, draft });

export const deleteAutopilotRule = (ruleId: string) => call<void>('delete_autopilot_rule', { ruleId });

export const setAutopilotRulePaused = (ruleId: string, paused: boolean) =>
  call<AutopilotRule>('set_autopilot_rule_paused', { ruleId, paused });

export const setAutopilotPaused = (paused: boolean) => call<void>('set_autopilot_paused', { paused });

/** Refreshes the rule's account and builds the exact list it would act on now. */
export const previewAutopilotRule = (ruleId: string) =>
  call<RulePreview>('preview_autopilot_rule', { ruleId });

/** Confirms the first preview (`planId` null: it found nothing to do) and starts its job. */
export const confirmAutopilotRule = (ruleId: string, planId: string | null) =>
  call<JobSummary | null>('confirm_autopilot_rule', { ruleId, planId });

export const autopilotHistory = (ruleId: string) => call<RuleRun[]>('autopilot_history', { ruleId });

/** Runs every rule in the background; `autopilot-ran` says when they are done. */
export const runAutopilotNow = () => call<void>('run_autopilot_now');

export const setCloseToTray = (on: boolean) => call<void>('set_close_to_tray', { on });

export const installAutopilotTimer = () => call<TimerStatus>('install_autopilot_timer');

export const removeAutopilotTimer = () => call<TimerStatus>('remove_autopilot_timer');

/** After each autopilot run (scheduled, tray, "Run rules now") and a tray pause. */
export const onAutopilotRan = (handler: (reports: RunReport[]) => void) =>
  subscribe<RunReport[]>('autopilot-ran', handler);

/** One window of the Sent table, filtered, sorted and counted in the core (100,000 rows). */
export const sentWindow = (request: SentWindowRequest) => call<SentWindow>('sent_window', { request });

/** The withdrawal preview of a selection kept as a rule ("select all" = all matching but these). */
export const previewWithdrawSelection = (selection: SentSelection) =>
  call<JobPlan>('preview_withdraw_selection', { selection });

/** Kinds the UI branches on; re-exported so screens need not import the bindings. */
export type { ErrorKind };
