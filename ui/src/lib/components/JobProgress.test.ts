import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import JobProgress from './JobProgress.svelte';
import { app } from '../app-state.svelte';
import { jobs, type TrackedJob } from '../jobs.svelte';
import { callsOf, mockBackend } from '../../test/ipc';
import { account } from '../../test/fixtures';
import type { JobSummary } from '../types';

function summary(over: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 'job-1', action: 'withdraw', state: 'running', total: 10, done: 4, succeeded: 3, alreadyGone: 1, failed: 0,
    skipped: 0, pending: 6, startedAt: new Date().toISOString(), finishedAt: null, etaSecs: 24, pausedAccounts: [], retryOf: null,
    checking: 0, elsewhere: false, ...over,
  };
}
const tracked = (s: JobSummary): TrackedJob => ({ summary: s, items: [], itemsError: null, dismissed: false, quiet: false });

describe('Job progress', () => {
  it('shows counts, ETA, a paused account and cancels', async () => {
    app.accounts = [account({ id: 'acc-1', label: 'Sales' })];
    const calls = mockBackend({ cancel_job: () => summary({ state: 'cancelled' }) });
    const s = summary({ state: 'paused', pausedAccounts: [{ accountId: 'acc-1', label: 'Sales', until: new Date().toISOString(), reason: 'ConnectSafely weekly limit reached.' }] });
    jobs.upsert(s);
    render(JobProgress, { job: tracked(s) });
    expect(screen.getByTestId('job-done-count').textContent).toBe('4');
    expect(screen.getByTestId('job-already-gone-count').textContent).toContain('1 already gone');
    expect(screen.getByTestId('job-eta').textContent).toContain('24 s');
    const paused = screen.getByTestId('job-paused');
    expect(paused.textContent).toContain('Sales');
    expect(paused.textContent).toContain('ConnectSafely weekly limit reached.');
    await fireEvent.click(screen.getByTestId('job-cancel'));
    await waitFor(() => expect(callsOf(calls, 'cancel_job')[0].args).toEqual({ jobId: 'job-1' }));
  });

  it('offers "Retry failed" once a job ended with failures', async () => {
    const calls = mockBackend({ retry_failed: () => summary({ id: 'job-2', total: 2, done: 0, pending: 2 }), job_items: () => [] });
    const s = summary({ state: 'finished', done: 10, succeeded: 8, failed: 2, pending: 0, etaSecs: null });
    jobs.upsert(s);
    render(JobProgress, { job: tracked(s) });
    expect(screen.queryByTestId('job-cancel')).toBeNull();
    expect(screen.getByTestId('job-failed-count').textContent).toContain('2 failed');
    await fireEvent.click(screen.getByTestId('job-retry-failed'));
    await waitFor(() => expect(callsOf(calls, 'retry_failed')[0].args).toEqual({ jobId: 'job-1' }));
    expect(jobs.find('job-2')).toBeDefined();
  });

  it('says which writes are being checked, and when, instead of sending them again', async () => {
    mockBackend({});
    const s = summary({ checking: 1 });
    const checkAt = new Date(Date.now() + 90_000).toISOString();
    const job: TrackedJob = {
      ...tracked(s),
      items: [{ key: 'acc-1/i1', name: 'Ada', accountLabel: 'Sales', outcome: 'checking', error: null, detail: null, at: null, checkAt }],
    };
    jobs.upsert(s);
    render(JobProgress, { job });
    expect(screen.getByTestId('job-checking-count').textContent).toContain('1 being checked');
    await fireEvent.click(screen.getByTestId('job-items-toggle'));
    const outcome = await screen.findByTestId('job-item-outcome');
    expect(outcome.textContent?.trim()).toBe('Checking');
    expect(screen.getByTestId('job-item-check-at').textContent).toContain('before anything is sent again');
  });

  it('cannot cancel a job another InviteDesk process runs, and says so', () => {
    mockBackend({});
    const s = summary({ elsewhere: true });
    jobs.upsert(s);
    render(JobProgress, { job: tracked(s) });
    expect(screen.queryByTestId('job-cancel')).toBeNull();
    expect(screen.getByTestId('job-elsewhere').textContent).toContain('another InviteDesk process');
  });
});
