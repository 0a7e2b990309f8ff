import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import Activity from './Activity.svelte';
import { app } from '../lib/app-state.svelte';
import { mockBackend } from '../test/ipc';
import { account } from '../test/fixtures';
import type { ActivityRow } from '../lib/types';

function row(id: number, name: string, rule: string | null): ActivityRow {
  return {
    id,
    at: '2026-06-01T09:00:00.000Z',
    action: 'withdrawn',
    accountId: 'acc-1',
    accountLabel: 'Sales',
    invitationId: `inv-${id}`,
    name,
    profileUrl: null,
    category: 'connection',
    sentAt: null,
    sentText: '2 months ago',
    daysPending: 60,
    reinviteAfter: '2026-06-22T09:00:00.000Z',
    jobId: `job-${id}`,
    rule,
  };
}

describe('Activity screen', () => {
  it('tags what an autopilot rule did with the rule, and what the user did with nothing of the kind', async () => {
    app.accounts = [account()];
    app.accountsLoaded = true;
    const rule = 'Withdraw pending invitations older than 30 days (at most 20 a day)';
    mockBackend({ list_activity: () => [row(1, 'Ada Lovelace', rule), row(2, 'Alan Turing', null)] });
    render(Activity);

    const tags = await screen.findAllByTestId('activity-rule');
    expect(tags).toHaveLength(1);
    expect(tags[0].textContent?.trim()).toBe(`Autopilot: ${rule}`);
    expect(tags[0].getAttribute('title')).toBe(`Autopilot: ${rule}`);
    const rows = screen.getAllByTestId('activity-row');
    expect(rows[0].textContent).toContain('Ada Lovelace');
    expect(rows[0].textContent).toContain('Autopilot:');
    expect(rows[1].textContent).toContain('Alan Turing');
    expect(rows[1].textContent).not.toContain('Autopilot');
  });
});
