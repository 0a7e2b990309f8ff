import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import Insights from './Insights.svelte';
import { app } from '../lib/app-state.svelte';
import { callsOf, mockBackend, type Handler } from '../test/ipc';
import { account } from '../test/fixtures';
import type { Insights as InsightsData } from '../lib/types';
import type { ChartSpec } from '../lib/components/insights/chart';
import type { ChartHooks } from '../lib/components/insights/chartjs';

// jsdom has no canvas: Chart.js itself is replaced by a record of what each chart was asked to
// draw, and the hooks it would call (hover, drawn). Everything around it is the real component.
const drawn = vi.hoisted(() => new Map<string, { spec: ChartSpec; hooks: ChartHooks; restyled: number }>());
vi.mock('../lib/components/insights/chartjs', () => ({
  mountChart(canvas: HTMLCanvasElement, spec: ChartSpec, hooks: ChartHooks) {
    const id = canvas.closest('figure')!.dataset.testid!;
    const chart = { spec, hooks, restyled: 0 };
    drawn.set(id, chart);
    return {
      update: (next: ChartSpec) => (chart.spec = next),
      restyle: () => chart.restyled++,
      destroy: () => drawn.delete(id),
    };
  },
}));

/** The spec the named chart last drew. */
const chart = (id: string) => drawn.get(id)!;
/** Chart.js loads when the first chart is drawn: the four charts are mounted after it. */
const chartsMounted = () => waitFor(() => expect(drawn.size).toBe(4));

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


/** Opens a chart's "Numbers as a table" and returns the table. */
async function openNumbers(chartId: string): Promise<HTMLTableElement> {
  const details = screen.getByTestId(`${chartId}-numbers`) as HTMLDetailsElement;
  await fireEvent.click(details.querySelector('summary')!);
  return (await screen.findByTestId(`${chartId}-table`)) as HTMLTableElement;
}

/** The texts of one table row's cells (row 0 is the heading). */
function cells(table: HTMLTableElement, row: number): string[] {
  return [...table.rows[row].cells].map((c) => c.textContent?.trim() ?? '');
}

describe('Insights screen', () => {
  it('says what the days-to-accept data means for the threshold, with totals and the marker', async () => {
    setup();
    const finding = await screen.findByTestId('insights-finding');
    await chartsMounted();
    expect(finding.textContent?.replace(/\s+/g, ' ')).toContain(
      '88.9 % of acceptances came within 1 day; invitations pending 30 days or more were accepted 14.3 % of the time (1 of 7).',
    );
    expect(screen.getByTestId('total-accepted').textContent).toBe('9');
    expect(chart('days-chart').spec.marker).toEqual({ index: 30, label: 'Withdraw after 30 d' });
    // The same numbers as a table, which a canvas cannot give a screen reader: built only when
    // opened, so none exists until then.
    expect(screen.queryByTestId('days-chart-table')).toBeNull();
    expect(screen.getByTestId('days-chart').getAttribute('aria-label')).toContain('Acceptances by days pending');
    const table = await openNumbers('days-chart');
    expect(table.querySelector('caption')?.textContent).toContain('Withdraw after 30 d');
    expect(cells(table, 1)).toEqual(['0 days pending', '0']);
    expect(cells(table, 2)).toEqual(['1 day pending', '8']);
    expect(table.querySelector('tr.marked th')?.textContent).toBe('30 days pending');
    const actions = await openNumbers('actions-chart');
    expect(cells(actions, 0)).toEqual(['Day', 'Withdrawn', 'Accepted', 'Ignored', 'Invited']);
    expect(actions.textContent).toContain('20');
    expect(screen.queryByTestId('weeks-chart-table')).toBeNull();
    expect([...drawn.keys()].sort()).toEqual(['actions-chart', 'backlog-chart', 'days-chart', 'weeks-chart']);
  });

  it('shows a bar’s numbers on hover and asks again with a new threshold', async () => {
    const calls = setup();
    await screen.findByTestId('insights-finding');
    await chartsMounted();
    expect(screen.queryByTestId('weeks-chart-tooltip')).toBeNull();
    flushSync(() => chart('weeks-chart').hooks.onHover({ index: 0, x: 40, width: 400 }));
    const tip = screen.getByTestId('weeks-chart-tooltip');
    expect([...tip.children].map((line) => line.textContent?.replace(/\s+/g, ' '))).toEqual([
      'Week of 2 Mar: 20 invitations sent',
      'Accepted 9 (45 %)',
      'Still pending 2',
      'Gone otherwise 3',
      'Withdrawn by InviteDesk 6',
    ]);
    flushSync(() => chart('weeks-chart').hooks.onHover(null));
    expect(screen.queryByTestId('weeks-chart-tooltip')).toBeNull();

    await fireEvent.input(screen.getByTestId('insights-threshold'), { target: { value: '12' } });
    // The marker moves at once; the finding follows the backend's answer.
    expect(chart('days-chart').spec.marker?.index).toBe(12);
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

  it('redraws every chart with the new colours when the OS theme changes', async () => {
    const dark = new EventTarget();
    vi.stubGlobal('matchMedia', () => dark);
    setup();
    await screen.findByTestId('insights-finding');
    await chartsMounted();
    dark.dispatchEvent(new Event('change'));
    expect([...drawn.values()].map((c) => c.restyled)).toEqual([1, 1, 1, 1]);
    vi.unstubAllGlobals();
  });
});
