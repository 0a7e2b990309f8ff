import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Received from './Received.svelte';
import { app } from '../lib/app-state.svelte';
import { jobs } from '../lib/jobs.svelte';
import { callsOf, emitEvent, mockBackend, type Handler } from '../test/ipc';
import { account, plan, planItem, receivedRow } from '../test/fixtures';
import type { ReceivedRow } from '../lib/types';

function setup(rows: ReceivedRow[], handlers: Record<string, Handler> = {}) {
  app.accounts = [account()];
  app.accountsLoaded = true;
  const calls = mockBackend({
    list_accounts: () => [account()],
    list_received: () => ({ rows, asOf: [{ accountId: 'acc-1', at: new Date().toISOString() }] }),
    ...handlers,
  });
  void jobs.start();
  render(Received);
  return calls;
}

const rowKeys = () => screen.queryAllByTestId('received-row').map((r) => r.dataset.key);


describe('Received screen', () => {
  const mixed = [
    receivedRow('c1', 'Ada', 'connection', { note: 'Hello!' }),
    receivedRow('c2', 'Bob', 'connection'),
    receivedRow('n1', 'Growth', 'newsletter'),
    receivedRow('o1', 'Acme', 'organization'),
  ];

  it('fits the minimum window width: one-line ages, no Type column while one type is shown, a bare mutual count', async () => {
    const row = receivedRow('c1', 'Ada', 'connection', { ageDays: 21, ageExact: false });
    row.invitation.mutualConnections = '13 mutual connections';
    setup([row, receivedRow('n1', 'Growth', 'newsletter')]);
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/c1']));
    const headers = () => screen.getAllByRole('columnheader').map((h) => h.textContent?.trim() ?? '');
    expect(headers().some((h) => h.startsWith('Type'))).toBe(false);
    const age = within(screen.getByTestId('received-row')).getByTestId('age');
    expect(age.textContent).toBe('about 21 days');
    expect(age.classList.contains('nowrap')).toBe(true);
    const mutual = within(screen.getByTestId('received-row')).getByTitle('13 mutual connections');
    expect(mutual.textContent).toBe('13');

    // Two types: the Type column says which is which.
    await fireEvent.click(screen.getAllByTestId('type-chip').find((c) => c.dataset.category === 'newsletter')!);
    expect(headers().some((h) => h.startsWith('Type'))).toBe(true);
    expect(screen.getAllByTestId('row-type').map((t) => t.textContent?.trim()).sort()).toEqual(['Connection', 'Newsletter']);
  });

  it('in a narrow window puts the type and account under the person and the mutual connections under the age', async () => {
    // jsdom lays nothing out: a resize observer that reports the minimum window's body width.
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(private report: (entries: unknown[]) => void) {}
        observe() {
          this.report([]);
        }
        unobserve() {}
        disconnect() {}
      },
    );
    const width = vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(692);
    try {
      const row = receivedRow('c1', 'Ada', 'connection');
      row.invitation.mutualConnections = '13 mutual connections';
      setup([row, receivedRow('n1', 'Growth', 'newsletter')]);
      await waitFor(() => expect(rowKeys()).toEqual(['acc-1/c1']));
      await fireEvent.click(screen.getAllByTestId('type-chip').find((c) => c.dataset.category === 'newsletter')!);
      const headers = screen.getAllByRole('columnheader').map((h) => h.textContent?.trim() ?? '');
      expect(headers.filter((h) => /^(Type|Mutual|Account)/.test(h))).toEqual([]);
      const ada = screen.getAllByTestId('received-row').find((r) => r.dataset.key === 'acc-1/c1')!;
      expect(within(ada).getByTestId('row-type').textContent?.trim()).toBe('Connection');
      expect(within(ada).getByTestId('row-account').textContent).toBe(account().label);
      expect(within(ada).getByTitle('13 mutual connections').textContent).toBe('13 mutual');
    } finally {
      width.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it('shows connection invitations only by default, the others through the chips', async () => {
    setup(mixed);
    await waitFor(() => expect(rowKeys().sort()).toEqual(['acc-1/c1', 'acc-1/c2']));
    const newsletter = screen.getAllByTestId('type-chip').find((c) => c.dataset.category === 'newsletter')!;
    expect(newsletter.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(newsletter);
    expect(rowKeys().sort()).toEqual(['acc-1/c1', 'acc-1/c2', 'acc-1/n1']);
  });

  it('filters on "has a note"', async () => {
    setup(mixed);
    await waitFor(() => expect(rowKeys()).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('filter-has-note'));
    expect(rowKeys()).toEqual(['acc-1/c1']);
  });

  it('renders notes and names with HTML as text, and long notes expand', async () => {
    const note = '<img src=x onerror="window.__pwned=1"> ' + 'very long note '.repeat(20);
    setup([receivedRow('c1', '<b>Eve</b>', 'connection', { note })]);
    const row = await screen.findByTestId('received-row');
    expect(within(row).getByTestId('row-note').textContent?.trim()).toBe(note.trim());
    expect(within(row).getByTestId('person-name').textContent).toBe('<b>Eve</b>');
    expect(row.querySelector('img[src="x"], b')).toBeNull();
    const more = within(row).getByTestId('note-expand');
    expect(more.getAttribute('aria-expanded')).toBe('false');
    await fireEvent.click(more);
    expect(within(screen.getByTestId('received-row')).getByTestId('note-expand').getAttribute('aria-expanded')).toBe('true');
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('disables Ignore with the reason where the provider does not offer it', async () => {
    setup([
      receivedRow('c1', 'Ada', 'connection', { canIgnore: false, ignoreDisabledReason: 'Edges does not offer Ignore.' }),
    ]);
    const row = await screen.findByTestId('received-row');
    const ignore = within(row).getByTestId('row-ignore') as HTMLButtonElement;
    expect(ignore.disabled).toBe(true);
    expect(ignore.getAttribute('aria-label')).toContain('Edges does not offer Ignore.');
    expect(ignore.parentElement?.getAttribute('title')).toBe('Edges does not offer Ignore.');
    expect((within(row).getByTestId('row-accept') as HTMLButtonElement).disabled).toBe(false);
  });

  it('bulk-accepts the selection through a preview that names the newsletters', async () => {
    const calls = setup(mixed, {
      preview_respond: (args) =>
        plan({
          action: 'accept',
          items: (args.keys as string[]).map((k) => planItem(k, k, k.includes('/n') ? 'newsletter' : 'connection')),
        }),
    });
    await waitFor(() => expect(rowKeys()).toHaveLength(2));
    await fireEvent.click(screen.getAllByTestId('type-chip').find((c) => c.dataset.category === 'newsletter')!);
    await fireEvent.click(screen.getByTestId('select-all'));
    await fireEvent.click(screen.getByTestId('accept-selected'));
    const dialog = await screen.findByTestId('preview-dialog');
    expect(callsOf(calls, 'preview_respond')[0].args.response).toBe('accept');
    expect(callsOf(calls, 'preview_respond')[0].args.keys.sort()).toEqual(['acc-1/c1', 'acc-1/c2', 'acc-1/n1']);
    expect(within(dialog).getByTestId('preview-non-connection').textContent).toContain('1 newsletter');
  });

  it('acts only on selected rows that the filters still show', async () => {
    const calls = setup(mixed, { preview_respond: () => plan({ action: 'ignore' }) });
    await waitFor(() => expect(rowKeys()).toHaveLength(2));
    const newsletter = screen.getAllByTestId('type-chip').find((c) => c.dataset.category === 'newsletter')!;
    await fireEvent.click(newsletter);
    await fireEvent.click(screen.getByTestId('select-all'));
    await fireEvent.click(newsletter); // hide newsletters again: they must not be acted on
    await fireEvent.click(screen.getByTestId('ignore-selected'));
    await screen.findByTestId('preview-dialog');
    expect(callsOf(calls, 'preview_respond')[0].args.keys.sort()).toEqual(['acc-1/c1', 'acc-1/c2']);
  });

  it('accepts one connection at once and drops the row when the job reports it', async () => {
    const summary = {
      id: 'job-3', action: 'accept', state: 'running', total: 1, done: 0, succeeded: 0, alreadyGone: 0, failed: 0,
      pending: 1, startedAt: new Date().toISOString(), finishedAt: null, etaSecs: 3, pausedAccounts: [], skipped: 0, retryOf: null,
    };
    const calls = setup(mixed, {
      preview_respond: (args) => plan({ planId: 'plan-acc', action: 'accept', items: [planItem(args.keys[0], 'Ada')] }),
      start_job: () => summary,
      job_items: () => [],
    });
    await waitFor(() => expect(rowKeys()).toHaveLength(2));
    const ada = screen.getAllByTestId('received-row').find((r) => r.dataset.key === 'acc-1/c1')!;
    await fireEvent.click(within(ada).getByTestId('row-accept'));
    await waitFor(() => expect(callsOf(calls, 'start_job')).toHaveLength(1));
    expect(callsOf(calls, 'preview_respond')[0].args).toEqual({ keys: ['acc-1/c1'], response: 'accept' });
    expect(callsOf(calls, 'start_job')[0].args).toEqual({ planId: 'plan-acc' });
    // A one-row action shows no job panel: the row leaving is the feedback.
    expect(screen.queryByTestId('job-progress')).toBeNull();
    await emitEvent('job-progress', {
      job: { ...summary, state: 'finished', done: 1, succeeded: 1, pending: 0 },
      item: { key: 'acc-1/c1', name: 'Ada', accountLabel: 'Sales', outcome: 'done', error: null, at: null },
    });
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/c2']));
  });

  it('asks before accepting a newsletter from its row', async () => {
    const calls = setup(mixed, {
      preview_respond: (args) => plan({ action: 'accept', items: [planItem(args.keys[0], 'Growth', 'newsletter')] }),
    });
    await waitFor(() => expect(rowKeys()).toHaveLength(2));
    await fireEvent.click(screen.getAllByTestId('type-chip').find((c) => c.dataset.category === 'newsletter')!);
    const row = screen.getAllByTestId('received-row').find((r) => r.dataset.key === 'acc-1/n1')!;
    await fireEvent.click(within(row).getByTestId('row-accept'));
    expect((await screen.findByTestId('confirm-non-connection')).textContent).toContain('subscribes');
    expect(callsOf(calls, 'start_job')).toHaveLength(0);
  });
});
