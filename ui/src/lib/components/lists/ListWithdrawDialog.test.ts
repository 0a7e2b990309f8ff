import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ListWithdrawDialog from './ListWithdrawDialog.svelte';
import { callsOf, mockBackend } from '../../../test/ipc';
import { plan } from '../../../test/fixtures';
import type { ListWithdrawPreview } from '../../types';

const preview = (withPlan: boolean): ListWithdrawPreview => ({
  lines: [
    { line: 1, text: 'https://www.linkedin.com/in/ada', status: 'matched', reason: 'Ada: pending from Sales.', rowKeys: ['acc-1/a'] },
    { line: 2, text: 'bob', status: 'notPending', reason: 'No pending invitation to bob from the chosen accounts.', rowKeys: [] },
    { line: 3, text: 'jane@example.com', status: 'notRecognised', reason: 'An email address.', rowKeys: [] },
  ],
  matched: 1,
  notPending: 1,
  notRecognised: 1,
  plan: withPlan ? plan() : null,
});

describe('Withdraw by list', () => {
  it('shows each line with its result and reason, then hands the plan to the preview', async () => {
    const calls = mockBackend({ preview_withdraw_list: () => preview(true) });
    const onplan = vi.fn();
    render(ListWithdrawDialog, { accountId: 'acc-1', onclose: vi.fn(), onplan });
    const match = screen.getByTestId('list-withdraw-match') as HTMLButtonElement;
    expect(match.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('list-withdraw-input'), { target: { value: 'ada\nbob\njane@example.com' } });
    await fireEvent.click(match);
    await waitFor(() => expect(screen.getAllByTestId('list-line')).toHaveLength(3));
    expect(callsOf(calls, 'preview_withdraw_list')[0].args).toEqual({ text: 'ada\nbob\njane@example.com', accountId: 'acc-1' });
    expect(screen.getAllByTestId('list-line-status').map((s) => s.dataset.status)).toEqual([
      'matched',
      'notPending',
      'notRecognised',
    ]);
    expect(screen.getAllByTestId('list-line-reason')[2].textContent).toBe('An email address.');
    expect(screen.getByTestId('list-count-notRecognised').dataset.count).toBe('1');
    // Filter to the lines that matched nothing.
    await fireEvent.click(screen.getByTestId('list-count-notPending'));
    await waitFor(() => expect(screen.getAllByTestId('list-line')).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('list-withdraw-preview'));
    expect(onplan).toHaveBeenCalledWith(expect.objectContaining({ planId: plan().planId }));
  });

  it('cannot go on when nothing matched, and says so', async () => {
    mockBackend({ preview_withdraw_list: () => ({ ...preview(false), matched: 0 }) });
    render(ListWithdrawDialog, { accountId: null, onclose: vi.fn(), onplan: vi.fn() });
    await fireEvent.input(screen.getByTestId('list-withdraw-input'), { target: { value: 'bob' } });
    await fireEvent.click(screen.getByTestId('list-withdraw-match'));
    await waitFor(() => expect(screen.getByTestId('list-withdraw-summary').textContent).toContain('nothing to withdraw'));
    expect((screen.getByTestId('list-withdraw-preview') as HTMLButtonElement).disabled).toBe(true);
  });
});
