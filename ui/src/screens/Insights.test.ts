import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import Insights from './Insights.svelte';
import { app } from '../lib/app-state.svelte';
import { callsOf, mockBackend, type Handler } from '../test/ipc';
import { account } from '../test/fixtures';
import type { Insights as InsightsData } from '../lib/types';

function insights(threshold: number): InsightsData {
  const buckets = Array.from({ length: 61 }, (_, days) => ({ days, count: days === 1 ? 8 : days === 40 ? 1 : 0 }));
  return {
    accountId: null,
    trackingSince: '2026-03-02T09:00:00.000Z',
    totals: { tracked: 20, accepted: 9, withdrawn: 6, goneOther: 3, pending: 2 },
    weeks: [{ week: '2026-03-02', sent: 20, accepted: 9, withdrawn: 6, goneOther: 3, pending: 2, acceptancePercent: 45 }],
    daysToAccept: {
      buckets,
      accepted: 9,
      acceptedAbout: 0,
      mostWithinDays: 1,
      mostWithinPercent: 88.9,
      thresholdDays: threshold,
      withinThresholdPercent: 88.9,
      reachedThreshold: 7,
      reachedThresholdAccepted: 1,
      reachedThresholdAcceptedPercent: 14.3,
    },
    backlog: [
      { day: '2026-03-02', pending: 20 },
      { day: '2026-03-03', pending: 12 },
    ],
    actions: [{ day: '2026-03-03', withdrawn: 6, accepted: 0, ignored: 0, invited: 20 }],
    acceptanceNotes: ['ConnectSafely: checked.'],
  };
}

function setup(handlers: Record<string, Handler> = {}) {
  app.accounts = [account()];
  app.accountsLoaded = true;
  const calls = mockBackend({
    get_insights: (a) => insights(a.thresholdDays ?? 30),
    check_acceptances: () => ({ checked: 0, accepted: 0 }),
    export_insights_csv: () => '/home/me/Downloads/invitedesk-days-to-accept-2026.csv',
    ...handlers,
  });
  render(Insights);
  return calls;
}


describe('Insights screen', () => {
  it('says what the days-to-accept data means for the threshold, with totals and the marker', async () => {
    setup();
    const finding = await screen.findByTestId('insights-finding');
    expect(finding.textContent?.replace(/\s+/g, ' ')).toContain(
      '88.9 % of acceptances came within 1 day; invitations pending 30 days or more were accepted 14.3 % of the time (1 of 7).',
    );
    expect(screen.getByTestId('total-accepted').textContent).toBe('9');
    expect(screen.getByTestId('days-chart-marker')).toBeTruthy();
    expect(screen.getByText('Withdraw after 30 d')).toBeTruthy();
  });

  it('shows a bar’s numbers on hover and asks again with a new threshold', async () => {
    const calls = setup();
    await screen.findByTestId('insights-finding');
    const bar = screen.getByTestId('weeks-chart').querySelector('g.bar')!;
    await fireEvent.pointerEnter(bar);
    expect(screen.getByTestId('weeks-chart-readout').textContent).toContain(
      'Week of 2 Mar: 20 invitations sent, 9 accepted (45 %), 6 withdrawn by InviteDesk, 3 gone otherwise, 2 still pending',
    );
    await fireEvent.input(screen.getByTestId('insights-threshold'), { target: { value: '12' } });
    await waitFor(() => expect(callsOf(calls, 'get_insights').at(-1)?.args.thresholdDays).toBe(12));
    expect((await screen.findByTestId('insights-finding')).textContent).toContain('pending 12 days or more');
  });

  it('exports a series as CSV and says where it went; a bad threshold is refused before asking', async () => {
    const calls = setup();
    await screen.findByTestId('insights-finding');
    await fireEvent.click(screen.getByTestId('chart-days-csv'));
    expect((await screen.findByTestId('insights-export-path')).textContent).toContain('invitedesk-days-to-accept-2026.csv');
    expect(callsOf(calls, 'export_insights_csv')[0].args).toEqual({ accountId: null, series: 'daysToAccept', thresholdDays: 30 });

    const asked = callsOf(calls, 'get_insights').length;
    await fireEvent.input(screen.getByTestId('insights-threshold'), { target: { value: '0' } });
    expect(await screen.findByText('The threshold is a whole number of days from 1 to 3650.')).toBeTruthy();
    expect(callsOf(calls, 'get_insights').length).toBe(asked);
  });
});
