import { describe, expect, it } from 'vitest';
import { estimateText, planWarnings, warningText } from './plan';
import { plan, planItem } from '../test/fixtures';

describe('plan warnings in words', () => {
  it('says what cannot be undone, per action, and how long a withdrawn person cannot be invited', () => {
    expect(warningText({ kind: 'cannotBeUndone', action: 'withdraw' })).toBe('A withdrawal cannot be undone.');
    expect(warningText({ kind: 'cannotBeUndone', action: 'accept' })).toBe('Accepting cannot be undone from InviteDesk.');
    expect(warningText({ kind: 'cannotBeUndone', action: 'ignore' })).toBe('Ignoring cannot be undone: the invitations disappear.');
    expect(warningText({ kind: 'reinviteBlock', days: 21 })).toBe(
      'LinkedIn does not let you invite a withdrawn person again for about three weeks (21 days).',
    );
  });

  it('names the account, its hold and its daily cap', () => {
    expect(
      warningText({
        kind: 'providerHold',
        accountId: 'a',
        account: 'Sales',
        until: '2024-05-01T10:30:00.000Z',
        reason: 'Weekly limit reached.',
      }),
    ).toBe('Sales: on hold until 2024-05-01 10:30 UTC (Weekly limit reached); this job waits until then.');
    expect(
      warningText({ kind: 'dailyCapExceeded', accountId: 'a', account: 'Sales', count: 1200, left: 5, cap: 80, action: 'accept' }),
    ).toBe(
      'Sales: 1,200 to do but only 5 left today under the daily cap of 80 acceptances; the rest wait until the cap starts over after midnight.',
    );
  });

  it('counts what is not a person, and says what accepting it does', () => {
    const counts = [
      { category: 'newsletter' as const, count: 2 },
      { category: 'organization' as const, count: 1 },
      { category: 'memberFollow' as const, count: 1 },
    ];
    expect(warningText({ kind: 'specialCategories', action: 'accept', counts })).toBe(
      'This includes 2 newsletters, 1 company page and 1 follow request, not only people: accepting a newsletter subscribes the account, and accepting a page or event invitation follows it.',
    );
    expect(warningText({ kind: 'specialCategories', action: 'withdraw', counts: [{ category: 'event', count: 1 }] })).toBe(
      'This includes 1 event, not only connection invitations.',
    );
  });

  it('sets the categories line apart from the list', () => {
    const accept = plan({ action: 'accept', items: [planItem('acc-1/n', 'Growth Memo', 'newsletter')] });
    const { categories, others } = planWarnings(accept);
    expect(categories).toContain('1 newsletter');
    expect(others).toEqual(['Accepting cannot be undone from InviteDesk.']);
    expect(planWarnings(plan()).categories).toBeNull();
  });
});

describe('the time estimate in words', () => {
  const cap = { kind: 'dailyCapExceeded' as const, accountId: 'a', account: 'Sales', count: 30, left: 5, cap: 10, action: 'withdraw' as const };
  const hold = { kind: 'providerHold' as const, accountId: 'a', account: 'Sales', until: '2024-05-01T10:30:00.000Z', reason: 'Weekly limit.' };

  it('gives the pacing time when nothing waits', () => {
    expect(estimateText({ estimatedSecs: 3, warnings: [] })).toBe('Takes about 3 s at the current pacing.');
    expect(estimateText({ estimatedSecs: 37, warnings: [] })).toBe('Takes about 37 s at the current pacing.');
  });

  it('says when a daily cap or a hold is in the time, and counts days', () => {
    expect(estimateText({ estimatedSecs: 2 * 86_400 + 3 * 3600 + 60, warnings: [cap] })).toBe(
      'Finishes in about 2 days 3 h, waiting for the daily cap (see below).',
    );
    expect(estimateText({ estimatedSecs: 5400, warnings: [hold, cap] })).toBe(
      'Finishes in about 1 h 30 min, waiting for a provider hold and the daily cap (see below).',
    );
  });
});
