import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import Autopilot from './Autopilot.svelte';
import { app } from '../lib/app-state.svelte';
import { callsOf, mockBackend } from '../test/ipc';
import { account } from '../test/fixtures';
import type { AutopilotOverview, JobPlan, RuleView } from '../lib/types';

beforeEach(() => app.reset());
afterEach(() => app.reset());

function ruleView(over: Partial<RuleView['rule']> = {}, notes: string[] = []): RuleView {
  return {
    rule: {
      id: 'rule-1',
      accountId: 'acc-1',
      action: { kind: 'withdraw', olderThanDays: 30, maxPerDay: 20 },
      schedule: { time: '09:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
      quietHours: null,
      timeZone: 'Europe/Berlin',
      paused: false,
      confirmedAt: null,
      createdAt: '2026-06-01T06:00:00.000Z',
      lastSlot: null,
      ...over,
    },
    description: 'Withdraw pending invitations older than 30 days (at most 20 a day)',
    accountLabel: 'Sales',
    provider: 'connectsafely',
    nextRunAt: '2026-06-02T07:00:00.000Z',
    conditionNotes: notes,
    lastRun: null,
  };
}

function overview(rules: RuleView[]): AutopilotOverview {
  return {
    rules,
    paused: false,
    closeToTray: false,
    timer: { installed: false, unitDir: '/home/u/.config/systemd/user' },
    systemTimeZone: 'Europe/Berlin',
  };
}

const plan: JobPlan = {
  planId: 'plan-1',
  action: 'withdraw',
  items: [
    {
      key: 'acc-1/1',
      accountId: 'acc-1',
      accountLabel: 'Sales',
      invitationId: '1',
      name: 'Ada Lovelace',
      headline: null,
      profileUrl: null,
      category: 'connection',
      ageDays: 45,
      ageExact: false,
    },
  ],
  perAccount: [],
  skippedPinned: 2,
  skippedOther: [],
  estimatedSecs: 60,
  warnings: [{ kind: 'cannotBeUndone', action: 'withdraw' }],
};

describe('Autopilot screen', () => {
  it('confirms a rule’s first preview with the exact list, through the rule', async () => {
    app.accounts = [account({ id: 'acc-1' })];
    const calls = mockBackend({
      autopilot_overview: () => overview([ruleView()]),
      preview_autopilot_rule: () => ({ ruleId: 'rule-1', plan, skipReason: null, detail: null }),
      confirm_autopilot_rule: () => ({ id: 'job-1', action: 'withdraw', state: 'running', total: 1, done: 0, succeeded: 0, alreadyGone: 0, failed: 0, skipped: 0, pending: 1, checking: 0, elsewhere: false, startedAt: '2026-06-01T06:00:00.000Z', finishedAt: null, etaSecs: 1, pausedAccounts: [], retryOf: null }),
      job_items: () => [],
    });
    render(Autopilot);
    expect((await screen.findByTestId('rule-state')).textContent).toContain('Needs first preview');
    await fireEvent.click(screen.getByTestId('rule-preview'));
    expect((await screen.findByTestId('preview-intro')).textContent).toContain('First preview');
    expect(screen.getByTestId('preview-count').dataset.count).toBe('1');
    await fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(callsOf(calls, 'confirm_autopilot_rule')).toHaveLength(1));
    expect(callsOf(calls, 'confirm_autopilot_rule')[0].args).toEqual({ ruleId: 'rule-1', planId: 'plan-1' });
    expect(callsOf(calls, 'start_job')).toHaveLength(0);
  });

  it('says which conditions the provider cannot evaluate and pauses everything from one switch', async () => {
    app.accounts = [account({ id: 'acc-1' })];
    const note = 'ConnectSafely does not report mutual connections, so no invitation meets it.';
    const calls = mockBackend({
      autopilot_overview: () => overview([ruleView({ confirmedAt: '2026-06-01T06:00:00.000Z' }, [note])]),
      set_autopilot_paused: () => null,
    });
    render(Autopilot);
    expect((await screen.findByTestId('rule-condition-note')).textContent).toContain('mutual connections');
    expect(screen.getByTestId('rule-state').textContent).toContain('On');
    await fireEvent.click(screen.getByTestId('autopilot-switch'));
    await waitFor(() => expect(callsOf(calls, 'set_autopilot_paused')).toHaveLength(1));
    expect(callsOf(calls, 'set_autopilot_paused')[0].args).toEqual({ paused: true });
  });

  it('installs and removes the systemd timer from the screen, and says why it cannot', async () => {
    app.accounts = [account({ id: 'acc-1' })];
    let installed = false;
    let refuse = false;
    const unitDir = '/home/u/.config/systemd/user';
    const calls = mockBackend({
      autopilot_overview: () => ({ ...overview([ruleView()]), timer: { installed, unitDir } }),
      install_autopilot_timer: () => {
        if (refuse) throw { kind: 'notSupported', message: 'There is no systemd user session here (systemctl --user failed).' };
        installed = true;
        return { installed, unitDir };
      },
      remove_autopilot_timer: () => {
        installed = false;
        return { installed, unitDir };
      },
    });
    render(Autopilot);
    expect((await screen.findByTestId('timer-status')).textContent).toContain('Not installed');
    await fireEvent.click(screen.getByTestId('timer-install'));
    await waitFor(() => expect(screen.getByTestId('timer-status').textContent).toContain('Installed'));
    expect(screen.getByTestId('timer-status').textContent).toContain(unitDir);
    expect(screen.getByTestId('timer-status').textContent).toContain('invitedesk-cli autopilot run');

    await fireEvent.click(screen.getByTestId('timer-remove'));
    await waitFor(() => expect(screen.getByTestId('timer-status').textContent).toContain('Not installed'));
    expect(callsOf(calls, 'remove_autopilot_timer')).toHaveLength(1);

    refuse = true;
    await fireEvent.click(screen.getByTestId('timer-install'));
    expect((await screen.findByText(/no systemd user session/)).textContent).toContain('systemctl --user');
    expect(screen.getByTestId('timer-status').textContent).toContain('Not installed');
  });
});
