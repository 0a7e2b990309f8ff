import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import PreviewDialog from './PreviewDialog.svelte';
import { callsOf, mockBackend } from '../../test/ipc';
import { plan, planItem } from '../../test/fixtures';

const summary = {
  id: 'job-1', action: 'accept', state: 'running', total: 4, done: 0, succeeded: 0, alreadyGone: 0, failed: 0,
  pending: 4, startedAt: new Date().toISOString(), finishedAt: null, etaSecs: 16, pausedAccounts: [], skipped: 0, retryOf: null,
};

describe('Preview dialog', () => {
  it('shows the count, the pinned invitations skipped and the withdrawal warnings', () => {
    mockBackend();
    render(PreviewDialog, { plan: plan({ skippedPinned: 3 }), onclose: vi.fn(), onstarted: vi.fn() });
    expect(screen.getByTestId('preview-count').textContent).toBe('2');
    const pinned = screen.getByTestId('preview-skipped-pinned');
    expect(pinned.dataset.count).toBe('3');
    expect(pinned.textContent).toMatch(/3\s+pinned\s+invitations are skipped/);
    const warnings = screen.getByTestId('preview-warnings').textContent ?? '';
    expect(warnings).toContain('cannot be undone');
    expect(warnings).toContain('three weeks');
    expect(screen.getAllByTestId('preview-item')).toHaveLength(2);
    // Only connection invitations: no category line.
    expect(screen.queryByTestId('preview-non-connection')).toBeNull();
  });

  it('says in its own line when an accept includes newsletters, pages or events', () => {
    mockBackend();
    const items = [
      planItem('acc-1/a', 'Ada'),
      planItem('acc-1/n1', 'Growth Memo', 'newsletter'),
      planItem('acc-1/n2', 'Tech Weekly', 'newsletter'),
      planItem('acc-1/o', 'Acme', 'organization'),
    ];
    render(PreviewDialog, { plan: plan({ action: 'accept', items }), onclose: vi.fn(), onstarted: vi.fn() });
    const line = screen.getByTestId('preview-non-connection').textContent ?? '';
    expect(line).toContain('2 newsletters');
    expect(line).toContain('1 company page');
    expect(line).toContain('subscribes');
    // Said once: in its own line, not again among the warnings.
    expect(screen.getByTestId('preview-warnings').textContent).not.toContain('newsletter');
  });

  it('shows the estimate the backend made from the real pacing, and says when it waits for a cap', () => {
    mockBackend();
    const { unmount } = render(PreviewDialog, { plan: plan({ estimatedSecs: 3 }), onclose: vi.fn(), onstarted: vi.fn() });
    expect(screen.getByTestId('preview-estimate').textContent).toContain('Takes about 3 s at the current pacing.');
    unmount();
    const base = plan({ estimatedSecs: 90_000 });
    const warnings = [
      ...base.warnings,
      { kind: 'dailyCapExceeded' as const, accountId: 'acc-1', account: 'Sales', count: 2, left: 1, cap: 80, action: 'withdraw' as const },
    ];
    render(PreviewDialog, { plan: { ...base, warnings }, onclose: vi.fn(), onstarted: vi.fn() });
    expect(screen.getByTestId('preview-estimate').textContent).toContain('Finishes in about 1 day 1 h, waiting for the daily cap');
  });

  it('lists the daily cap and hold warnings of the plan', () => {
    mockBackend();
    const base = plan();
    const warnings = [
      ...base.warnings,
      { kind: 'dailyCapExceeded' as const, accountId: 'acc-1', account: 'Sales', count: 2, left: 1, cap: 80, action: 'withdraw' as const },
      { kind: 'providerHold' as const, accountId: 'acc-1', account: 'Sales', until: '2024-05-01T10:30:00.000Z', reason: 'Weekly limit.' },
    ];
    render(PreviewDialog, { plan: { ...base, warnings }, onclose: vi.fn(), onstarted: vi.fn() });
    const items = [...screen.getByTestId('preview-warnings').querySelectorAll('li')].map((li) => li.textContent);
    expect(items).toHaveLength(4);
    expect(items[2]).toContain('Sales: 2 to do but only 1 left today under the daily cap of 80 withdrawals');
    expect(items[3]).toContain('Sales: on hold until 2024-05-01 10:30 UTC (Weekly limit)');
  });

  it('starts the job only when confirmed, and exports the exact list on request', async () => {
    const calls = mockBackend({
      start_job: () => summary,
      job_items: () => [],
      export_plan_csv: () => '/home/me/Downloads/plan.csv',
    });
    const onstarted = vi.fn();
    render(PreviewDialog, { plan: plan({ planId: 'plan-9' }), onclose: vi.fn(), onstarted });
    expect(callsOf(calls, 'start_job')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('preview-export-csv'));
    expect((await screen.findByTestId('preview-export-path')).textContent).toContain('/home/me/Downloads/plan.csv');
    expect(callsOf(calls, 'export_plan_csv')[0].args).toEqual({ planId: 'plan-9' });
    expect(callsOf(calls, 'start_job')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(onstarted).toHaveBeenCalled());
    expect(callsOf(calls, 'start_job')[0].args).toEqual({ planId: 'plan-9' });
  });

  it('cannot be confirmed when everything was skipped', () => {
    mockBackend();
    render(PreviewDialog, { plan: plan({ items: [], skippedPinned: 5 }), onclose: vi.fn(), onstarted: vi.fn() });
    expect((screen.getByTestId('confirm-button') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('preview-skipped-pinned').dataset.count).toBe('5');
  });
});
