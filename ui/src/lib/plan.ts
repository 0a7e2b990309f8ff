/** Wording for job plans and jobs, shared by the preview dialog, the one-row confirmations and the progress panel. */
import type { InvitationCategory, JobAction, JobPlan, PlanWarning } from './types';
import { formatCount, formatDuration, plural } from './format';

export const ACTION_VERB: Record<JobAction, { verb: string; ing: string; done: string; nouns: string }> = {
  withdraw: { verb: 'Withdraw', ing: 'Withdrawing', done: 'withdrawn', nouns: 'withdrawals' },
  accept: { verb: 'Accept', ing: 'Accepting', done: 'accepted', nouns: 'acceptances' },
  ignore: { verb: 'Ignore', ing: 'Ignoring', done: 'ignored', nouns: 'ignores' },
  send: { verb: 'Send', ing: 'Sending', done: 'sent', nouns: 'connection requests' },
};

const CANNOT_BE_UNDONE: Record<JobAction, string> = {
  withdraw: 'A withdrawal cannot be undone.',
  accept: 'Accepting cannot be undone from InviteDesk.',
  ignore: 'Ignoring cannot be undone: the invitations disappear.',
  send: 'A sent request can only be taken back by withdrawing it, and LinkedIn then blocks a new one for three weeks.',
};

/** How the categories that are not people are counted in words. */
const NOT_PEOPLE: Partial<Record<InvitationCategory, { one: string; many: string }>> = {
  newsletter: { one: 'newsletter', many: 'newsletters' },
  organization: { one: 'company page', many: 'company pages' },
  event: { one: 'event', many: 'events' },
  memberFollow: { one: 'follow request', many: 'follow requests' },
};

/** "a", "a and b", "a, b and c". */
function listed(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** `2024-05-01T10:30:00.000Z` → `2024-05-01 10:30`. */
function utcMinute(rfc3339: string): string {
  return rfc3339.slice(0, 16).replace('T', ' ');
}

/** The one place a plan's warnings are put into words. */
export function warningText(w: PlanWarning): string {
  switch (w.kind) {
    case 'cannotBeUndone':
      return CANNOT_BE_UNDONE[w.action];
    case 'reinviteBlock':
      return `LinkedIn does not let you invite a withdrawn person again for about three weeks (${w.days} days).`;
    case 'providerHold':
      return `${w.account}: on hold until ${utcMinute(w.until)} UTC (${w.reason.replace(/\.+$/, '')}); this job waits until then.`;
    case 'dailyCapExceeded':
      return (
        `${w.account}: ${formatCount(w.count)} to do but only ${formatCount(w.left)} left today ` +
        `under the daily cap of ${formatCount(w.cap)} ${ACTION_VERB[w.action].nouns}; ` +
        'the rest wait until the cap starts over after midnight.'
      );
    case 'specialCategories': {
      const list = listed(
        w.counts.map(({ category, count }) => {
          const words = NOT_PEOPLE[category] ?? { one: 'other invitation', many: 'other invitations' };
          return plural(count, words.one, words.many);
        }),
      );
      return w.action === 'accept'
        ? `This includes ${list}, not only people: accepting a newsletter subscribes the account, and accepting a page or event invitation follows it.`
        : `This includes ${list}, not only connection invitations.`;
    }
  }
}

/**
 * A plan's warnings in words, split by where they are shown: the line about newsletters, pages,
 * events and follows (or null) stands on its own; the rest is a list.
 */
export function planWarnings(plan: Pick<JobPlan, 'warnings'>): { categories: string | null; others: string[] } {
  const categories = plan.warnings.find((w) => w.kind === 'specialCategories');
  return {
    categories: categories ? warningText(categories) : null,
    others: plan.warnings.filter((w) => w.kind !== 'specialCategories').map(warningText),
  };
}

/**
 * How long the plan takes, in words: the pause each account really keeps (the safety floors
 * included), and, when a provider hold or a daily cap makes an account wait, that the time
 * includes the wait (the warnings say which).
 */
export function estimateText(plan: Pick<JobPlan, 'estimatedSecs' | 'warnings'>): string {
  const held = plan.warnings.some((w) => w.kind === 'providerHold');
  const capped = plan.warnings.some((w) => w.kind === 'dailyCapExceeded');
  const duration = formatDuration(plan.estimatedSecs);
  if (!held && !capped) return `Takes about ${duration} at the current pacing.`;
  const waits = listed([held ? 'a provider hold' : '', capped ? 'the daily cap' : ''].filter(Boolean));
  return `Finishes in about ${duration}, waiting for ${waits} (see below).`;
}
