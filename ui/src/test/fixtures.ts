/** Small builders for backend-shaped test data. */
import type {
  AccountLimits,
  AccountView,
  InvitationCategory,
  JobAction,
  JobPlan,
  Limit,
  PlanItem,
  PlanWarning,
  ReceivedRow,
  SentRow,
} from '../lib/types';

export function account(over: Partial<AccountView> = {}): AccountView {
  return {
    id: 'acc-1',
    label: 'Sales',
    provider: 'connectsafely',
    remoteAccountId: 'cs-1',
    remoteName: 'Marie Curie',
    profileUrl: 'https://www.linkedin.com/in/marie',
    pictureUrl: null,
    status: 'ok',
    statusDetail: null,
    isDefault: true,
    isDemo: false,
    lastSyncedAt: new Date().toISOString(),
    keyHint: '…a1b2',
    hasLoginToken: false,
    country: null,
    capabilities: { ignore: true, maxNoteChars: 300, noteCounting: 'utf16CodeUnits', listsAccounts: true },
    ...over,
  };
}

export function person(name: string, headline: string | null = 'Engineer at Acme') {
  return {
    name,
    firstName: null,
    lastName: null,
    headline,
    profileUrl: `https://www.linkedin.com/in/${encodeURIComponent(name)}`,
    publicId: null,
    memberId: null,
    pictureUrl: null,
  };
}

export function sentRow(
  id: string,
  name: string,
  ageDays: number | null,
  over: Partial<SentRow> = {},
): SentRow {
  const ageExact = over.ageExact ?? true;
  return {
    key: `acc-1/${id}`,
    accountId: 'acc-1',
    accountLabel: 'Sales',
    invitation: {
      id,
      urn: null,
      person: person(name),
      category: 'connection',
      sentText: ageDays === null ? null : `${ageDays} days ago`,
      age: { days: ageDays, exact: ageExact },
      note: null,
    },
    firstSeenAt: new Date().toISOString(),
    ageDays,
    ageExact,
    pinned: false,
    personKey: `person-${id}`,
    ...over,
  };
}

export function receivedRow(
  id: string,
  name: string,
  category: InvitationCategory,
  over: Partial<ReceivedRow> & { note?: string | null } = {},
): ReceivedRow {
  const { note = null, ...rest } = over;
  return {
    key: `acc-1/${id}`,
    accountId: 'acc-1',
    accountLabel: 'Sales',
    invitation: {
      id,
      urn: null,
      person: person(name),
      category,
      entityName: category === 'connection' ? null : `${name} Weekly`,
      note,
      mutualConnections: null,
      receivedText: '2 days ago',
      age: { days: 2, exact: false },
      acceptToken: null,
      rawType: null,
    },
    firstSeenAt: new Date().toISOString(),
    ageDays: 2,
    ageExact: false,
    canIgnore: true,
    ignoreDisabledReason: null,
    ...rest,
  };
}

export function planItem(key: string, name: string, category: InvitationCategory = 'connection'): PlanItem {
  return {
    key,
    accountId: 'acc-1',
    accountLabel: 'Sales',
    invitationId: key.split('/')[1] ?? key,
    name,
    headline: null,
    profileUrl: null,
    category,
    ageDays: 40,
    ageExact: false,
  };
}

/** The warnings the backend gives a plan of these items (no cap or hold in play). */
export function warningsFor(action: JobAction, items: readonly PlanItem[]): PlanWarning[] {
  const warnings: PlanWarning[] = [{ kind: 'cannotBeUndone', action }];
  if (action === 'withdraw') warnings.push({ kind: 'reinviteBlock', days: 21 });
  const counts = (['newsletter', 'organization', 'event', 'memberFollow'] as const)
    .map((category) => ({ category, count: items.filter((i) => i.category === category).length }))
    .filter((c) => c.count > 0);
  if (counts.length > 0) warnings.push({ kind: 'specialCategories', action, counts });
  return warnings;
}

export function plan(over: Partial<JobPlan> = {}): JobPlan {
  const items = over.items ?? [planItem('acc-1/a', 'Ada'), planItem('acc-1/b', 'Bob')];
  const action = over.action ?? 'withdraw';
  return {
    planId: 'plan-1',
    action,
    items,
    perAccount: [
      { accountId: 'acc-1', label: 'Sales', count: items.length, paceMinSecs: 2, paceMaxSecs: 6, capLeftToday: 100, heldUntil: null },
    ],
    skippedPinned: 0,
    skippedOther: [],
    estimatedSecs: 8,
    warnings: warningsFor(action, items),
    ...over,
  };
}

/** Limits at a glance for `acc-1` with the provider's own figures and nothing used today. */
export function accountLimits(providerLimits: Limit[] = [], over: Partial<AccountLimits> = {}): AccountLimits {
  const resetsAt = '2026-03-03T00:00:00.000Z';
  return {
    accountId: 'acc-1',
    label: 'Ada Lovelace',
    provider: 'connectsafely',
    providerLimits,
    providerError: null,
    weeklySends: null,
    caps: (['withdraw', 'accept', 'ignore', 'send'] as const).map((kind) => ({
      kind,
      usedToday: 0,
      cap: kind === 'send' ? 30 : 100,
      left: kind === 'send' ? 30 : 100,
      resetsAt,
    })),
    holds: [],
    backlog: { thresholdDays: 30, stale: 0, perDay: 100, leftToday: 100, days: 0, clearBy: null },
    ...over,
  };
}
