import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Sent from './Sent.svelte';
import { app } from '../lib/app-state.svelte';
import { jobs } from '../lib/jobs.svelte';
import { callsOf, emitEvent, mockBackend, type Handler } from '../test/ipc';
import { account, plan, planItem, sentRow } from '../test/fixtures';
import { sentWindowBackend } from '../test/sent-window-fake';
import type { SentRow } from '../lib/types';

const fresh = () => [{ accountId: 'acc-1', at: new Date().toISOString() }];

/** Mounts Sent over `rows` (the cache as `sent_window` sees it; a test may change the array). */
function setup(rows: SentRow[], handlers: Record<string, Handler> = {}) {
  app.accounts = [account()];
  app.accountsLoaded = true;
  const calls = mockBackend({
    list_accounts: () => [account()],
    ...sentWindowBackend(() => rows, fresh),
    ...handlers,
  });
  void jobs.start(); // the shell does this at start-up
  render(Sent);
  return calls;
}

const rowKeys = () => screen.queryAllByTestId('sent-row').map((r) => r.dataset.key);

/**
 * Mounts Sent over `rows` with the core's answers to requests that `hold` picks held back until
 * the test releases them (`held[i]()`), to see the screen while they are in flight.
 */
function setupHolding(rows: SentRow[], hold: (request: { filter: { text: string }; sort: { column: string } }) => boolean) {
  const held: Array<() => void> = [];
  const backend = sentWindowBackend(() => rows, fresh);
  setup(rows, {
    sent_window: (args) =>
      hold(args.request)
        ? new Promise((resolve) => held.push(() => resolve(backend.sent_window(args))))
        : backend.sent_window(args),
  });
  return held;
}

describe('Sent screen', () => {
  it('filters "older than N days" on the lower bound of the age only', async () => {
    setup([
      sentRow('a', 'Ada', 30, { ageExact: false }), // "about 30 days": at least 30
      sentRow('b', 'Bob', 29, { ageExact: false }), // could be older, but only 29 is known
      sentRow('c', 'Cy', null), // unknown age
      sentRow('d', 'Dee', 45),
    ]);
    await waitFor(() => expect(rowKeys()).toHaveLength(4));
    await fireEvent.input(screen.getByTestId('filter-older-than'), { target: { value: '30' } });
    await waitFor(() => expect(rowKeys().sort()).toEqual(['acc-1/a', 'acc-1/d']));
    await fireEvent.input(screen.getByTestId('filter-older-than'), { target: { value: '' } });
    await waitFor(() => expect(rowKeys()).toHaveLength(4));
  });

  it('shows "about" for inexact ages and the provider text on hover', async () => {
    setup([sentRow('a', 'Ada', 14, { ageExact: false }), sentRow('b', 'Bob', 3)]);
    const ages = await screen.findAllByTestId('age');
    const byText = Object.fromEntries(ages.map((a) => [a.textContent?.trim(), a.getAttribute('title')]));
    expect(byText['about 14 days']).toContain('14 days ago');
    expect(byText['3 days']).toBeDefined();
  });

  it('renders HTML in names and headlines as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">Mallory';
    const row = sentRow('x', evil, 10);
    row.invitation.person.headline = '<script>window.__pwned=2</script><b>bold</b>';
    setup([row]);
    const name = await screen.findByTestId('person-name');
    expect(name.textContent).toBe(evil);
    const tr = screen.getByTestId('sent-row');
    expect(tr.textContent).toContain('<script>window.__pwned=2</script><b>bold</b>');
    expect(tr.querySelector('img[src="x"], script, b')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('searches name and headline', async () => {
    setup([sentRow('a', 'José García', 40), sentRow('b', 'Bob Stone', 40)]);
    await waitFor(() => expect(rowKeys()).toHaveLength(2));
    await fireEvent.input(screen.getByTestId('filter-text'), { target: { value: 'jose' } });
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/a']));
  });

  it('pins a row through set_pin', async () => {
    const rows = [sentRow('a', 'Ada', 40)];
    const calls = setup(rows, {
      set_pin: (a) => {
        rows[0] = { ...rows[0], pinned: a.pinned };
        return null;
      },
    });
    const pin = await screen.findByTestId('pin-toggle');
    expect(pin.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(pin);
    await waitFor(() => expect(screen.getByTestId('pin-toggle').getAttribute('aria-pressed')).toBe('true'));
    expect(callsOf(calls, 'set_pin')[0].args).toEqual({ accountId: 'acc-1', invitationId: 'a', personKey: null, pinned: true });
    expect((within(screen.getByTestId('sent-row')).getByTestId('row-withdraw') as HTMLButtonElement).disabled).toBe(true);
  });

  it('pins a person from the pin menu, and unpinning clears the invitation and the person', async () => {
    const rows = [sentRow('a', 'Ada', 40, { pinned: false, personKey: 'ada-l' })];
    const calls = setup(rows, {
      set_pin: (a) => {
        rows[0] = { ...rows[0], pinned: a.pinned };
        return null;
      },
    });
    await fireEvent.click(await screen.findByTestId('pin-menu'));
    await fireEvent.click(await screen.findByTestId('pin-menu-person'));
    await waitFor(() => expect(screen.getByTestId('pin-toggle').getAttribute('aria-pressed')).toBe('true'));
    expect(callsOf(calls, 'set_pin')[0].args).toEqual({ accountId: 'acc-1', invitationId: null, personKey: 'ada-l', pinned: true });

    await fireEvent.click(screen.getByTestId('pin-toggle'));
    await waitFor(() => expect(screen.getByTestId('pin-toggle').getAttribute('aria-pressed')).toBe('false'));
    expect(callsOf(calls, 'set_pin').slice(1).map((c) => c.args)).toEqual([
      { accountId: 'acc-1', invitationId: 'a', personKey: null, pinned: false },
      { accountId: 'acc-1', invitationId: null, personKey: 'ada-l', pinned: false },
    ]);
  });

  it('sorts by writing the new order into the rows already on screen, not by building them again', async () => {
    setup([sentRow('a', 'Ada', 10), sentRow('b', 'Bob', 30), sentRow('c', 'Cy', 20)]);
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/b', 'acc-1/c', 'acc-1/a']));
    const before = screen.getAllByTestId('sent-row');
    await fireEvent.click(screen.getByTestId('sort-person'));
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/a', 'acc-1/b', 'acc-1/c']));
    const after = screen.getAllByTestId('sent-row');
    expect(after.every((row, i) => row === before[i])).toBe(true);
    expect(after.map((r) => within(r).getByTestId('person-name').textContent)).toEqual(['Ada', 'Bob', 'Cy']);
  });

  it('turns the sort arrow with the rows: the header never claims an order the rows are not in', async () => {
    const held = setupHolding([sentRow('a', 'Ada', 10), sentRow('b', 'Bob', 30)], (r) => r.sort.column === 'person');
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/b', 'acc-1/a']));
    const header = (id: string) => screen.getByTestId(`sort-${id}`).closest('[role="columnheader"]')!;
    expect(header('age').getAttribute('aria-sort')).toBe('descending');
    await fireEvent.click(screen.getByTestId('sort-person'));
    await waitFor(() => expect(held).toHaveLength(1));
    expect(header('age').getAttribute('aria-sort')).toBe('descending');
    expect(header('person').getAttribute('aria-sort')).toBe('none');
    held[0]();
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/a', 'acc-1/b']));
    expect(header('person').getAttribute('aria-sort')).toBe('ascending');
    expect(header('age').getAttribute('aria-sort')).toBe('none');
  });

  it('never pins someone else from a pin menu left open while the rows move under it', async () => {
    const rows = [sentRow('a', 'Ada', 40, { personKey: 'ada-l' }), sentRow('b', 'Bob', 50, { personKey: 'bob-l' })];
    let finish: (v: unknown) => void = () => {};
    const calls = setup(rows, { refresh_sent: () => new Promise((r) => (finish = r)), set_pin: () => null });
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/b', 'acc-1/a']));
    await fireEvent.click(within(screen.getAllByTestId('sent-row')[0]).getByTestId('pin-menu'));
    expect(await screen.findByTestId('pin-menu-person')).toBeTruthy();

    // A refresh lands an older invitation: Cy takes the first row, where Bob's menu was opened.
    await fireEvent.click(screen.getByTestId('refresh-button'));
    rows.push(sentRow('c', 'Cy', 90, { personKey: 'cy-l' }));
    await emitEvent('refresh-progress', { accountId: 'acc-1', screen: 'sent', fetched: 3, total: 3, done: false, notice: null });
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/c', 'acc-1/b', 'acc-1/a']));
    expect(screen.queryByTestId('pin-menu-person')).toBeNull();
    expect(callsOf(calls, 'set_pin')).toEqual([]);
    finish({ accounts: [] });
  });

  it('previews "withdraw everything older than N" with N from the account settings', async () => {
    const calls = setup([sentRow('a', 'Ada', 50)], {
      get_account_settings: () => ({ withdrawOlderThanDays: 21, paceMinSecs: 2, paceMaxSecs: 6, dailyWithdrawCap: 100, dailyAcceptCap: 50, dailyIgnoreCap: 50, dailySendCap: 20 }),
      preview_withdraw: () => plan({ items: [planItem('acc-1/a', 'Ada')], skippedPinned: 2 }),
    });
    await waitFor(() => expect((screen.getByTestId('withdraw-days') as HTMLInputElement).value).toBe('21'));
    await fireEvent.click(screen.getByTestId('withdraw-older-than'));
    const dialog = await screen.findByTestId('preview-dialog');
    expect(callsOf(calls, 'preview_withdraw')[0].args).toEqual({ request: { olderThanDays: 21, accountId: null } });
    expect(within(dialog).getByTestId('preview-skipped-pinned').dataset.count).toBe('2');
  });

  it('uses a changed N for this withdrawal only: the account default in Settings stays as it was', async () => {
    const calls = setup([sentRow('a', 'Ada', 50)], {
      get_account_settings: () => ({ withdrawOlderThanDays: 21, paceMinSecs: 2, paceMaxSecs: 6, dailyWithdrawCap: 100, dailyAcceptCap: 50, dailyIgnoreCap: 50, dailySendCap: 20 }),
      preview_withdraw: () => plan({ items: [planItem('acc-1/a', 'Ada')] }),
      save_account_settings: (a) => a.settings,
    });
    const days = () => screen.getByTestId('withdraw-days') as HTMLInputElement;
    await waitFor(() => expect(days().value).toBe('21'));
    expect(days().title).toContain('default (21 days, in Settings)');
    await fireEvent.input(days(), { target: { value: '45' } });
    await fireEvent.click(screen.getByTestId('withdraw-older-than'));
    await screen.findByTestId('preview-dialog');
    expect(callsOf(calls, 'preview_withdraw')[0].args).toEqual({ request: { olderThanDays: 45, accountId: null } });
    expect(callsOf(calls, 'save_account_settings')).toHaveLength(0);
  });

  it('previews the selected rows only', async () => {
    const calls = setup([sentRow('a', 'Ada', 50), sentRow('b', 'Bob', 40), sentRow('c', 'Cy', 30)], {
      preview_withdraw_selection: () => plan(),
    });
    await waitFor(() => expect(rowKeys()).toHaveLength(3));
    const boxes = screen.getAllByTestId('row-select');
    await fireEvent.click(boxes[0]);
    await fireEvent.click(boxes[2], { shiftKey: true });
    await fireEvent.click(screen.getByTestId('withdraw-selected'));
    await screen.findByTestId('preview-dialog');
    const { selection } = callsOf(calls, 'preview_withdraw_selection')[0].args;
    expect(selection.kind).toBe('keys');
    expect(selection.keys.sort()).toEqual(['acc-1/a', 'acc-1/b', 'acc-1/c']);
  });

  it('holds only the rows in view of 10,000, and fetches others as it scrolls', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => sentRow(`r${i}`, `Person ${i}`, i % 90));
    const calls = setup(many);
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(0));
    const table = screen.getByTestId('sent-table');
    expect(table.dataset.rowCount).toBe('10000');
    expect(rowKeys().length).toBeLessThan(100);
    const windows = () => callsOf(calls, 'sent_window').map((c) => c.args.request);
    expect(windows().every((r) => r.limit <= 500)).toBe(true);

    const scroller = table.querySelector('.scroller') as HTMLElement;
    scroller.scrollTop = 52 * 5000;
    await fireEvent.scroll(scroller);
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(0));
    await waitFor(() => expect(windows().at(-1)!.offset).toBeGreaterThan(4000));
    expect(windows().every((r) => r.limit <= 500)).toBe(true);
    expect(rowKeys().length).toBeLessThan(100);
    expect(screen.getByTestId('sent-status').textContent).toContain('10,000 pending invitations');
  });

  it('selects all matching as a rule: the count comes from the core, unticked rows are excepted', async () => {
    const many = Array.from({ length: 2_000 }, (_, i) => sentRow(`r${i}`, `Person ${i}`, 40));
    const calls = setup([...many, sentRow('x', 'Other', 40)], { preview_withdraw_selection: () => plan() });
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(0));
    await fireEvent.input(screen.getByTestId('filter-text'), { target: { value: 'person' } });
    await waitFor(() => expect(screen.getByTestId('sent-table').dataset.rowCount).toBe('2000'));
    await fireEvent.click(screen.getByTestId('select-all'));
    expect(screen.getByTestId('withdraw-selected').textContent).toContain('(2,000)');
    const first = screen.getAllByTestId('sent-row')[0];
    await fireEvent.click(within(first).getByTestId('row-select'));
    expect(screen.getByTestId('withdraw-selected').textContent).toContain('(1,999)');
    expect(screen.getByTestId('sent-status').textContent).toContain('1,999 selected');
    await fireEvent.click(screen.getByTestId('withdraw-selected'));
    await screen.findByTestId('preview-dialog');
    expect(callsOf(calls, 'preview_withdraw_selection')[0].args.selection).toEqual({
      kind: 'allMatching',
      filter: { accountId: null, text: 'person', olderThanDays: null, onlyKeys: null },
      except: [first.dataset.key],
    });
  });

  it('shows the answer to the latest filter when an earlier one answers last', async () => {
    const held = setupHolding([sentRow('a', 'Ada', 40), sentRow('b', 'Bob', 40)], (r) => r.filter.text === 'a');
    await waitFor(() => expect(rowKeys()).toHaveLength(2));
    await fireEvent.input(screen.getByTestId('filter-text'), { target: { value: 'a' } });
    await fireEvent.input(screen.getByTestId('filter-text'), { target: { value: 'bob' } });
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/b']));
    const seq = screen.getByTestId('sent-table').dataset.windowSeq;
    held.forEach((answer) => answer());
    await new Promise((r) => setTimeout(r, 20));
    expect(rowKeys()).toEqual(['acc-1/b']);
    expect(screen.getByTestId('sent-table').dataset.windowSeq).toBe(seq);
  });

  it('shows rows as a refresh writes them, at each progress event', async () => {
    const rows = [sentRow('a', 'Ada', 40)];
    let finish: (v: unknown) => void = () => {};
    setup(rows, { refresh_sent: () => new Promise((r) => (finish = r)) });
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/a']));
    await fireEvent.click(screen.getByTestId('refresh-button'));
    rows.push(sentRow('b', 'Bob', 3));
    await emitEvent('refresh-progress', { accountId: 'acc-1', screen: 'sent', fetched: 2, total: 4, done: false, notice: null });
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/a', 'acc-1/b']));
    expect(screen.getByTestId('refresh-progress')).toBeTruthy();
    finish({ accounts: [] });
  });

  it('keeps the rows and says why when a refresh fails', async () => {
    let finish: (v: unknown) => void = () => {};
    const calls = setup([sentRow('a', 'Ada', 50)], {
      refresh_sent: () => new Promise((r) => (finish = r)),
    });
    await waitFor(() => expect(rowKeys()).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('refresh-button'));
    expect(await screen.findByTestId('refresh-progress')).toBeTruthy();
    await emitEvent('refresh-progress', { accountId: 'acc-1', screen: 'sent', fetched: 40, total: 100, done: false, notice: null });
    await waitFor(() => expect(screen.getByTestId('refresh-progress').textContent).toContain('40 fetched'));
    expect(screen.queryByTestId('refresh-notice')).toBeNull();

    // A page has to be asked for again: the bar says so, and forgets it once a page arrives.
    const retrying = 'ConnectSafely did not answer in time; retrying page 6 (attempt 2 of 4)…';
    await emitEvent('refresh-progress', { accountId: 'acc-1', screen: 'sent', fetched: 50, total: 100, done: false, notice: retrying });
    await waitFor(() => expect(screen.getByTestId('refresh-notice').textContent).toBe(retrying));
    await emitEvent('refresh-progress', { accountId: 'acc-1', screen: 'sent', fetched: 60, total: 100, done: false, notice: null });
    await waitFor(() => expect(screen.queryByTestId('refresh-notice')).toBeNull());

    finish({
      accounts: [
        { accountId: 'acc-1', label: 'Sales', ok: false, count: 0, error: { kind: 'badCredentials', message: 'The key was refused (401).' } },
      ],
    });
    const banner = await screen.findByTestId('error-banner');
    expect(banner.dataset.kind).toBe('badCredentials');
    expect(banner.textContent).toContain('The key was refused (401).');
    await waitFor(() => expect(screen.queryByTestId('refresh-progress')).toBeNull());
    expect(rowKeys()).toEqual(['acc-1/a']);
    // The accounts are reloaded after a refresh (last synced, status).
    await waitFor(() => expect(callsOf(calls, 'list_accounts').length).toBeGreaterThan(0));
    expect(rowKeys()).toEqual(['acc-1/a']);
  });

  it('shows job progress and drops withdrawn rows as the job reports them', async () => {
    const rows = [sentRow('a', 'Ada', 50), sentRow('b', 'Bob', 40)];
    setup(rows, {
      preview_withdraw: () => plan(),
      start_job: () => job(0),
      job_items: () => [],
    });
    await waitFor(() => expect(rowKeys()).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('withdraw-older-than'));
    await fireEvent.click(within(await screen.findByTestId('preview-dialog')).getByTestId('confirm-button'));
    const panel = await screen.findByTestId('job-progress');
    expect(within(panel).getByTestId('job-done-count').textContent).toBe('0');

    rows.splice(0, 1); // the job withdrew it: the cache no longer has it
    await emitEvent('job-progress', {
      job: job(1),
      item: { key: 'acc-1/a', name: 'Ada', accountLabel: 'Sales', outcome: 'done', error: null, at: new Date().toISOString() },
    });
    await waitFor(() => expect(within(screen.getByTestId('job-progress')).getByTestId('job-done-count').textContent).toBe('1'));
    await waitFor(() => expect(rowKeys()).toEqual(['acc-1/b']));
  });
});

function job(done: number) {
  return {
    id: 'job-1', action: 'withdraw', state: 'running', total: 2, done, succeeded: done, alreadyGone: 0, failed: 0,
    pending: 2 - done, startedAt: new Date().toISOString(), finishedAt: null, etaSecs: 8, pausedAccounts: [], skipped: 0, retryOf: null,
  };
}
