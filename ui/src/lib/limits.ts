/** A provider's limit on connection requests, in words (the Send screen's reminder). */
import { formatDateTime } from './format';
import type { Limit } from './types';

/** "a day", "a week"…: the period the provider's own description names, if any. */
function period(source: string): string {
  if (/24\s*h|\bday|daily/i.test(source)) return ' a day';
  if (/week/i.test(source)) return ' a week';
  if (/month/i.test(source)) return ' a month';
  return '';
}

/**
 * "ConnectSafely weekly limit: 12 of 100 used, resets …" when the provider counts, else what is
 * known in words ("Edges allows about 25 a day; usage not reported"): never a bare "?".
 */
export function limitText(l: Limit, provider: string): string {
  const resets = l.resetsAt ? formatDateTime(l.resetsAt) : null;
  if (l.used !== null && l.limit !== null) {
    return `${l.source}: ${l.used} of ${l.limit} used${resets ? `, resets ${resets}` : ''}.`;
  }
  const allows = l.limit !== null ? `${provider} allows about ${l.limit}${period(l.source)}` : `${provider} sets a limit`;
  if (l.remaining === 0) return `${allows}; none left ${resets ? `until ${resets}` : 'for now'}.`;
  if (l.remaining !== null) return `${allows}; ${l.remaining} left${resets ? ` until ${resets}` : ''}.`;
  return `${allows}; usage not reported.`;
}
