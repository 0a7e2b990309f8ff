/** Wording shared by the limits meter (Sent, Send) and the Accounts panel. */
import { formatWeekdayDate } from '../../format';
import type { AccountLimits, CapUse, WriteKind } from '../../types';

export const KIND_LABEL: Record<WriteKind, string> = {
  withdraw: 'Withdrawals',
  accept: 'Acceptances',
  ignore: 'Ignores',
  send: 'Connection requests',
};

export function capFor(limits: AccountLimits, kind: WriteKind): CapUse | undefined {
  return limits.caps.find((c) => c.kind === kind);
}

/** "3 days (by Thu 4 Dec)", "today", or why it never clears. */
export function etaText(limits: AccountLimits): string {
  const b = limits.backlog;
  if (b.stale === 0) return `nothing pending ${b.thresholdDays} days or more`;
  if (b.days === null) return 'never at a daily cap of 0: raise it in Settings';
  if (b.days === 0) return 'today';
  const by = b.clearBy ? formatWeekdayDate(b.clearBy) : '';
  return `${b.days === 1 ? '1 day' : `${b.days} days`}${by ? ` (by ${by})` : ''}`;
}

/** Connection requests left this week: the provider's own figure, else InviteDesk's count. */
export function weeklyLeft(limits: AccountLimits): { left: number; limit: number } | null {
  const p = limits.providerLimits.find((l) => l.action === 'CONNECT' && l.used !== null && l.limit !== null);
  if (p && p.limit !== null && p.used !== null) return { left: p.remaining ?? Math.max(0, p.limit - p.used), limit: p.limit };
  if (limits.weeklySends) return { left: limits.weeklySends.left, limit: limits.weeklySends.limit };
  return null;
}
