import { describe, expect, it } from 'vitest';
import { describeRun, describeSchedule, isTime } from './autopilot';
import type { RuleRun } from './types';

describe('autopilot words', () => {
  it('describes schedules the way people say them', () => {
    expect(describeSchedule({ time: '09:00', weekdays: [1, 2, 3, 4, 5, 6, 7] })).toBe('Daily at 09:00');
    expect(describeSchedule({ time: '07:30', weekdays: [5, 1, 2, 3, 4] })).toBe('Weekdays at 07:30');
    expect(describeSchedule({ time: '08:00', weekdays: [3, 1] })).toBe('Mon, Wed at 08:00');
  });

  it('says why a run was skipped and what an acting run did', () => {
    const base: RuleRun = {
      ruleId: 'r',
      at: '2026-01-01T00:00:00.000Z',
      trigger: 'scheduled',
      outcome: 'skipped',
      skipReason: 'quietHours',
      detail: null,
      jobId: null,
      planned: 0,
      succeeded: 0,
      failed: 0,
    };
    expect(describeRun(base)).toBe('Skipped: quiet hours');
    expect(describeRun({ ...base, outcome: 'acted', skipReason: null, planned: 5, succeeded: 4, failed: 1 })).toBe(
      'Acted on 4 of 5, 1 failed',
    );
  });

  it('accepts 24-hour times only', () => {
    expect(isTime('09:30')).toBe(true);
    expect(isTime('9:30')).toBe(false);
    expect(isTime('24:00')).toBe(false);
  });
});
