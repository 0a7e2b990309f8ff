import { describe, expect, it } from 'vitest';
import { jobs } from './jobs.svelte';
import { mockBackend } from '../test/ipc';
import type { JobSummary } from './types';

function summary(over: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 'job-r', action: 'withdraw', state: 'interrupted', total: 6, done: 2, succeeded: 2, alreadyGone: 0, failed: 0,
    skipped: 0, pending: 4, startedAt: new Date().toISOString(), finishedAt: null, etaSecs: null, pausedAccounts: [], retryOf: null,
    checking: 0, elsewhere: false, ...over,
  };
}

describe('a resumed job', () => {
  it('keeps the progress its events reported before the resume command answered', async () => {
    let answer: (s: JobSummary) => void = () => {};
    mockBackend({ resume_job: () => new Promise((r) => (answer = r)) });
    jobs.upsert(summary());
    const resumed = jobs.resume('job-r');
    // The job runs at once: its first items are reported while the command is on its way back.
    jobs.apply({ job: summary({ state: 'running', done: 5, succeeded: 5, pending: 1, checking: 1 }), item: null });
    answer(summary({ state: 'running', done: 2, pending: 4 }));
    await resumed;
    const s = jobs.find('job-r')!.summary;
    expect(s.done).toBe(5);
    expect(s.checking).toBe(1);
    expect(s.state).toBe('running');
  });
});
