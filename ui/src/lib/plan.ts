/** Wording for job plans and jobs, shared by the preview dialog and the progress panel. */
import type { InvitationCategory, JobAction, PlanItem } from './types';
import { plural } from './format';

export const ACTION_VERB: Record<JobAction, { verb: string; ing: string; done: string }> = {
  withdraw: { verb: 'Withdraw', ing: 'Withdrawing', done: 'withdrawn' },
  accept: { verb: 'Accept', ing: 'Accepting', done: 'accepted' },
  ignore: { verb: 'Ignore', ing: 'Ignoring', done: 'ignored' },
};

/** Always shown before a withdrawal, whatever else the plan warns about. */
export const WITHDRAW_WARNINGS = [
  'A withdrawal cannot be undone.',
  'LinkedIn does not let you invite the same person again for about three weeks after a withdrawal.',
];

const NON_PEOPLE: { category: InvitationCategory; one: string; many: string }[] = [
  { category: 'newsletter', one: 'newsletter', many: 'newsletters' },
  { category: 'organization', one: 'company page', many: 'company pages' },
  { category: 'event', one: 'event', many: 'events' },
  { category: 'memberFollow', one: 'follow request', many: 'follow requests' },
];

/**
 * The line a preview shows when it includes newsletters, pages, events or follows, or null
 * when every item is a connection invitation.
 */
export function nonConnectionLine(items: readonly PlanItem[], action: JobAction): string | null {
  const parts: string[] = [];
  for (const k of NON_PEOPLE) {
    const n = items.filter((i) => i.category === k.category).length;
    if (n > 0) parts.push(plural(n, k.one, k.many));
  }
  if (parts.length === 0) return null;
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  if (action === 'accept') {
    return `This includes ${list}, not only people: accepting a newsletter subscribes the account, and accepting a page or event invitation follows it.`;
  }
  return `This includes ${list}, not only connection invitations.`;
}
