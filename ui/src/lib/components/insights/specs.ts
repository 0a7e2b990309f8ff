/**
 * The Insights series as charts: labels, stacked series, hover numbers and the threshold marker.
 * Pure functions of the data the backend sends, so what each chart shows is tested without a canvas.
 */
import type { ActionDay, BacklogPoint, DaysToAccept, WeekOutcome } from '../../types';
import { formatCount as count, plural } from '../../format';
import { formatPercent, labelStep, shortDay, type ChartSpec } from './chart';

const share = (part: number, whole: number) => (whole > 0 ? (part * 100) / whole : 0);

/** 100 % stacked bars per week sent: the green part is the acceptance rate. */
export function weeksChart(weeks: WeekOutcome[]): ChartSpec {
  const labels = weeks.map((w) => shortDay(w.week));
  return {
    kind: 'bar',
    title: 'Acceptance rate by week sent',
    labels,
    rowsName: 'Week sent',
    // Bottom first: what may still come (pending) sits right on top of what came.
    series: [
      { label: 'Accepted', tone: 'accepted', values: weeks.map((w) => share(w.accepted, w.sent)) },
      { label: 'Still pending', tone: 'pending', values: weeks.map((w) => share(w.pending, w.sent)) },
      { label: 'Gone otherwise', tone: 'ignored', values: weeks.map((w) => share(w.goneOther, w.sent)) },
      { label: 'Withdrawn by InviteDesk', tone: 'withdrawn', values: weeks.map((w) => share(w.withdrawn, w.sent)) },
    ],
    tips: weeks.map((w, i) => ({
      title: `Week of ${labels[i]}: ${plural(w.sent, 'invitation')} sent`,
      rows: [
        { label: 'Accepted', value: `${count(w.accepted)} (${formatPercent(w.acceptancePercent)})`, tone: 'accepted' },
        { label: 'Still pending', value: count(w.pending), tone: 'pending' },
        { label: 'Gone otherwise', value: count(w.goneOther), tone: 'ignored' },
        { label: 'Withdrawn by InviteDesk', value: count(w.withdrawn), tone: 'withdrawn' },
      ],
    })),
    yMax: 100,
    unit: '%',
    labelEvery: labelStep(weeks.length),
    legend: true,
  };
}

/**
 * Acceptances by days pending, split at the withdraw threshold: the bars at or past it are the
 * acceptances a withdrawal at the threshold would have lost.
 */
export function daysChart(d2a: DaysToAccept, threshold: number): ChartSpec {
  const buckets = d2a.buckets;
  const last = buckets.length - 1;
  return {
    kind: 'bar',
    title: `Acceptances by days pending, withdraw threshold ${threshold} days`,
    labels: buckets.map((b, i) => (i === last ? `${b.days}+` : String(b.days))),
    rowsName: 'Days pending',
    series: [
      { label: 'Accepted before the threshold', tone: 'accepted', values: buckets.map((b) => (b.days < threshold ? b.count : 0)) },
      { label: 'Accepted at or after it', tone: 'late', values: buckets.map((b) => (b.days >= threshold ? b.count : 0)) },
    ],
    tips: buckets.map((b, i) => ({
      title: `${i === last ? `${b.days} or more days` : plural(b.days, 'day')} pending`,
      rows: [{ label: 'Acceptances', value: count(b.count), tone: b.days >= threshold ? 'late' : 'accepted' }],
    })),
    labelEvery: 10,
    marker: { index: Math.min(threshold, buckets.length), label: `Withdraw after ${threshold} d` },
    legend: true,
  };
}

export function backlogChart(backlog: BacklogPoint[]): ChartSpec {
  const labels = backlog.map((p) => shortDay(p.day));
  return {
    kind: 'line',
    title: 'Pending invitations at the end of each day',
    labels,
    rowsName: 'Day',
    series: [{ label: 'Pending', tone: 'backlog', values: backlog.map((p) => p.pending) }],
    tips: backlog.map((p, i) => ({ title: labels[i], rows: [{ label: 'Pending', value: count(p.pending), tone: 'backlog' }] })),
    labelEvery: labelStep(backlog.length, 6),
    legend: false,
  };
}

export function actionsChart(actions: ActionDay[]): ChartSpec {
  const series = [
    { label: 'Withdrawn', tone: 'withdrawn', key: 'withdrawn' },
    { label: 'Accepted', tone: 'accepted', key: 'accepted' },
    { label: 'Ignored', tone: 'ignored', key: 'ignored' },
    { label: 'Invited', tone: 'invited', key: 'invited' },
  ] as const;
  const labels = actions.map((d) => shortDay(d.day));
  return {
    kind: 'bar',
    title: 'Withdrawals, acceptances, ignores and invitations per day',
    labels,
    rowsName: 'Day',
    series: series.map((s) => ({ label: s.label, tone: s.tone, values: actions.map((d) => d[s.key]) })),
    tips: actions.map((d, i) => ({
      title: labels[i],
      rows: series.map((s) => ({ label: s.label, value: count(d[s.key]), tone: s.tone })),
    })),
    labelEvery: labelStep(actions.length),
    legend: true,
  };
}
