import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import BulkSendDialog from './BulkSendDialog.svelte';
import { callsOf, mockBackend } from '../../../test/ipc';
import { plan } from '../../../test/fixtures';
import type { BulkSendPreview } from '../../types';

const preview = (): BulkSendPreview => ({
  accountId: 'acc-1',
  accountLabel: 'Sales',
  lines: [
    { line: 2, text: 'ada', profileUrl: 'https://www.linkedin.com/in/ada', note: 'Hi Ada, Acme?', noteLength: 13, skip: null },
    { line: 3, text: 'bob', profileUrl: 'https://www.linkedin.com/in/bob', note: 'Hi Bob, Acme?', noteLength: 13, skip: 'On your do-not-contact list.' },
    { line: 4, text: 'cy', profileUrl: 'https://www.linkedin.com/in/cy', note: 'x'.repeat(301), noteLength: 301, skip: 'The note is 301 characters…' },
  ],
  toSend: 1,
  skipped: 2,
  maxNoteChars: 300,
  dailyCap: 30,
  capLeftToday: 0,
  days: 2,
  plan: { ...plan(), action: 'send' },
});

describe('Bulk send', () => {
  it('counts the template live, shows each line with its note, length and skip reason, then hands the plan on', async () => {
    const calls = mockBackend({ preview_bulk_send: () => preview() });
    const onplan = vi.fn();
    render(BulkSendDialog, { accountId: 'acc-1', onclose: vi.fn(), onplan });
    await fireEvent.input(screen.getByTestId('bulk-send-template'), { target: { value: 'Hi {firstName} 👋' } });
    // As the provider counts it: the emoji is 2 UTF-16 units.
    expect(screen.getByTestId('bulk-send-template-length').textContent?.trim()).toBe('17 / 300');
    await fireEvent.input(screen.getByTestId('bulk-send-input'), { target: { value: 'profile,firstName\nada,Ada' } });
    await fireEvent.click(screen.getByTestId('bulk-send-check'));
    await waitFor(() => expect(screen.getAllByTestId('bulk-send-line')).toHaveLength(3));
    expect(callsOf(calls, 'preview_bulk_send')[0].args).toEqual({
      accountId: 'acc-1',
      text: 'profile,firstName\nada,Ada',
      template: 'Hi {firstName} 👋',
    });
    expect(screen.getAllByTestId('bulk-send-skip').map((s) => s.textContent)).toEqual([
      'Skipped On your do-not-contact list.',
      'Skipped The note is 301 characters…',
    ]);
    expect(screen.getAllByTestId('bulk-send-length')[2].classList.contains('over')).toBe(true);
    expect(screen.getByTestId('bulk-send-summary').textContent).toContain('over 2 days');
    await fireEvent.click(screen.getByTestId('bulk-send-count-skip'));
    await waitFor(() => expect(screen.getAllByTestId('bulk-send-line')).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('bulk-send-preview'));
    expect(onplan).toHaveBeenCalledWith(expect.objectContaining({ action: 'send' }));
  });
});
