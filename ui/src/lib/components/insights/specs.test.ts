import { describe, expect, it } from 'vitest';
import { actionsChart, backlogChart, daysChart, weeksChart } from './specs';
import type { DaysToAccept } from '../../types';

function d2a(counts: Record<number, number>): DaysToAccept {
  return {
    buckets: Array.from({ length: 61 }, (_, days) => ({ days, count: counts[days] ?? 0 })),
    accepted: Object.values(counts).reduce((a, b) => a + b, 0),
    acceptedAbout: 0,
    mostWithinDays: null,
    mostWithinPercent: null,
    thresholdDays: 30,
    withinThresholdPercent: null,
    reachedThreshold: 0,
    reachedThresholdAccepted: 0,
    reachedThresholdAcceptedPercent: null,
  };
}

describe('Insights chart data', () => {
  it('stacks each week as shares of what was sent, with the counts on hover', () => {
    const spec = weeksChart([
      { week: '2026-03-02', sent: 20, accepted: 9, withdrawn: 6, goneOther: 3, pending: 2, acceptancePercent: 45 },
      { week: '2026-03-09', sent: 0, accepted: 0, withdrawn: 0, goneOther: 0, pending: 0, acceptancePercent: null },
    ]);
    expect(spec.labels).toEqual(['2 Mar', '9 Mar']);
    expect(spec.series.map((s) => [s.label, s.values])).toEqual([
      ['Accepted', [45, 0]],
      ['Still pending', [10, 0]],
      ['Gone otherwise', [15, 0]],
      ['Withdrawn by InviteDesk', [30, 0]],
    ]);
    expect(spec.yMax).toBe(100);
    expect(spec.tips[0]).toEqual({
      title: 'Week of 2 Mar: 20 invitations sent',
      rows: [
        { label: 'Accepted', value: '9 (45 %)', tone: 'accepted' },
        { label: 'Still pending', value: '2', tone: 'pending' },
        { label: 'Gone otherwise', value: '3', tone: 'ignored' },
        { label: 'Withdrawn by InviteDesk', value: '6', tone: 'withdrawn' },
      ],
    });
    expect(spec.tips[1].rows[0].value).toBe('0 (—)');
  });

  it('splits days to accept at the threshold and puts the marker before that day', () => {
    const spec = daysChart(d2a({ 1: 8, 12: 3, 40: 1, 60: 2 }), 12);
    const [before, after] = spec.series;
    expect(before.values[1]).toBe(8);
    expect(before.values[12]).toBe(0);
    expect(after.values[12]).toBe(3);
    expect(after.values[40]).toBe(1);
    expect(before.values.reduce((a, b) => a + b)).toBe(8);
    expect(after.values.reduce((a, b) => a + b)).toBe(6);
    expect(spec.marker).toEqual({ index: 12, label: 'Withdraw after 12 d' });
    expect(spec.labels[60]).toBe('60+');
    expect(spec.tips[1]).toEqual({ title: '1 day pending', rows: [{ label: 'Acceptances', value: '8', tone: 'accepted' }] });
    expect(spec.tips[60].title).toBe('60 or more days pending');
    expect(spec.tips[40].rows[0].tone).toBe('late');
    // A threshold past the last bucket draws the marker at the end, not off the chart.
    expect(daysChart(d2a({}), 90).marker?.index).toBe(61);
  });

  it('draws the backlog as one line and the actions as four stacked series per day', () => {
    const backlog = backlogChart([
      { day: '2026-03-02', pending: 1200 },
      { day: '2026-03-03', pending: 12 },
    ]);
    expect(backlog.kind).toBe('line');
    expect(backlog.series[0].values).toEqual([1200, 12]);
    expect(backlog.tips[0]).toEqual({ title: '2 Mar', rows: [{ label: 'Pending', value: '1,200', tone: 'backlog' }] });

    const actions = actionsChart([{ day: '2026-03-03', withdrawn: 6, accepted: 1, ignored: 2, invited: 20 }]);
    expect(actions.series.map((s) => [s.label, s.values[0]])).toEqual([
      ['Withdrawn', 6],
      ['Accepted', 1],
      ['Ignored', 2],
      ['Invited', 20],
    ]);
    expect(actions.tips[0].rows.map((r) => `${r.label} ${r.value}`)).toEqual(['Withdrawn 6', 'Accepted 1', 'Ignored 2', 'Invited 20']);
  });

  it('labels about eight points along a long axis', () => {
    const days = Array.from({ length: 120 }, (_, i) => ({ day: `2026-01-01`, pending: i }));
    expect(backlogChart(days).labelEvery).toBe(20);
    expect(actionsChart([]).labelEvery).toBe(1);
  });
});
