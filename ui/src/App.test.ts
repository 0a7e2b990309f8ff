import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import App, { ADDED_NOTICE_MS } from './App.svelte';
import { OPEN_ON_SENT } from './lib/app-state.svelte';
import { callsOf, mockBackend } from './test/ipc';
import { account } from './test/fixtures';

afterEach(() => vi.useRealTimers());

/** Adds one ConnectSafely account through the dialog, from the empty state; returns the "Added" notice. */
async function addAccountThroughDialog(): Promise<HTMLElement> {
  let accounts: unknown[] = [];
  mockBackend({
    list_accounts: () => accounts,
    list_sent: () => ({ rows: [], asOf: [] }),
    list_received: () => ({ rows: [], asOf: [] }),
    account_limits: () => [],
    discover_accounts: () => [
      { id: 'cs-1', name: 'Ada Lovelace', status: 'AVAILABLE', usable: true, pictureUrl: null, profileUrl: null },
    ],
    add_accounts: () => {
      accounts = [account({ label: 'Ada Lovelace' })];
      return accounts;
    },
  });
  render(App);
  await fireEvent.click(await screen.findByTestId('empty-add-account'));
  await fireEvent.input(await screen.findByTestId('api-key-input'), { target: { value: 'sk_live_1' } });
  await fireEvent.click(screen.getByTestId('test-and-save'));
  await fireEvent.click(await screen.findByTestId('add-selected'));
  const notice = await screen.findByTestId('account-added');
  expect(notice.textContent).toContain('Added “Ada Lovelace”');
  expect(notice.getAttribute('role')).toBe('status');
  return notice;
}

describe('App shell', () => {
  it('starts on the empty state and navigates between screens', async () => {
    mockBackend({ list_activity: () => [], account_limits: () => [] });
    render(App);
    expect(await screen.findByTestId('empty-state')).toBeTruthy();
    expect(screen.getByTestId('screen-accounts')).toBeTruthy();
    for (const s of ['sent', 'received', 'send', 'activity', 'settings', 'accounts']) {
      await fireEvent.click(screen.getByTestId(`nav-${s}`));
      expect(await screen.findByTestId(`screen-${s}`)).toBeTruthy();
      expect(screen.getByTestId(`nav-${s}`).getAttribute('aria-current')).toBe('page');
    }
  });

  it('opens on Sent at once when the last launch had accounts, and on Accounts once they are gone', async () => {
    let answer: (accounts: unknown[]) => void = () => {};
    mockBackend({
      list_accounts: () => new Promise((resolve) => (answer = resolve)),
      account_limits: () => [],
      sent_window: () => ({ rows: [], offset: 0, matching: 0, total: 0, pinned: 0, asOf: [] }),
    });
    localStorage.setItem(OPEN_ON_SENT, '1');
    render(App);
    // Before the accounts are listed: no Accounts screen first, then a switch.
    expect(screen.getByTestId('screen-sent')).toBeTruthy();
    answer([]);
    expect(await screen.findByTestId('screen-accounts')).toBeTruthy();
    expect(localStorage.getItem(OPEN_ON_SENT), 'no accounts: the next launch starts on Accounts').toBeNull();
  });

  it('remembers that there are accounts for the next launch', async () => {
    mockBackend({ list_accounts: () => [account()], account_limits: () => [] });
    render(App);
    expect(await screen.findByTestId('screen-sent')).toBeTruthy();
    expect(localStorage.getItem(OPEN_ON_SENT)).toBe('1');
  });

  it('shows start-up notices over the first screen, dismissable there and still listed in Settings', async () => {
    const notice = 'The local database was damaged, so InviteDesk set it aside and started a fresh one.';
    mockBackend({
      app_info: () => ({
        version: '0.1.0',
        dataDir: '/tmp/data',
        providerOverrides: [],
        keyring: { available: true, message: null },
        notices: [notice],
      }),
      account_limits: () => [],
    });
    render(App);
    const banner = await screen.findByTestId('app-notice');
    expect(banner.textContent).toContain(notice);
    expect(banner.getAttribute('role')).toBe('alert');
    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('app-notice')).toBeNull();
    await fireEvent.click(screen.getByTestId('nav-settings'));
    expect((await screen.findByTestId('app-notice')).textContent).toContain(notice);
  });

  it('tells of an accounts file damaged while the app ran once the window gets focus again', async () => {
    const info = (notices: string[]) => ({
      version: '0.1.0',
      dataDir: '/tmp/data',
      providerOverrides: [],
      keyring: { available: true, message: null },
      notices,
    });
    let notices: string[] = [];
    const calls = mockBackend({
      app_info: () => info(notices),
      app_notices: () => notices,
      account_limits: () => [],
    });
    render(App);
    await screen.findByTestId('empty-state');
    expect(screen.queryByTestId('app-notice')).toBeNull();
    notices = ['The accounts file was damaged and set aside as accounts.json.damaged-1; 1 account was recovered.'];
    await fireEvent.focus(window);
    expect((await screen.findByTestId('app-notice')).textContent).toContain('accounts file was damaged');
    // Focus asks for the notices alone: the keyring probe in app_info ran once, at start.
    expect(callsOf(calls, 'app_info')).toHaveLength(1);
  });

  it('"Try the demo" adds the demo account and opens Sent', async () => {
    const demo = account({ id: 'demo', label: 'Demo', provider: 'demo', isDemo: true, keyHint: null });
    let accounts: unknown[] = [];
    const calls = mockBackend({
      list_accounts: () => accounts,
      add_demo_account: () => {
        accounts = [demo];
        return demo;
      },
      list_sent: () => ({ rows: [], asOf: [{ accountId: 'demo', at: new Date().toISOString() }] }),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('empty-try-demo'));
    expect(await screen.findByTestId('screen-sent')).toBeTruthy();
    expect(callsOf(calls, 'add_demo_account')).toHaveLength(1);
    expect((screen.getByTestId('account-switcher') as HTMLSelectElement).value).toBe('demo');
  });

  it('"Added …" goes away when the user moves to another screen', async () => {
    await addAccountThroughDialog();
    expect(screen.getByTestId('screen-accounts')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('nav-sent'));
    await screen.findByTestId('screen-sent');
    expect(screen.queryByTestId('account-added')).toBeNull();
    // …and does not come back with the Accounts screen.
    await fireEvent.click(screen.getByTestId('nav-accounts'));
    expect(screen.queryByTestId('account-added')).toBeNull();
  });

  it('"Added …" goes away on its own after a few seconds, but not while focused', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const notice = await addAccountThroughDialog();
    vi.advanceTimersByTime(ADDED_NOTICE_MS - 1000);
    await tick();
    expect(screen.getByTestId('account-added')).toBe(notice);

    // Someone reading it with the keyboard (or the pointer on it) keeps it up.
    await fireEvent.focusIn(screen.getByRole('button', { name: 'Dismiss' }));
    vi.advanceTimersByTime(ADDED_NOTICE_MS * 3);
    await tick();
    expect(screen.getByTestId('account-added')).toBe(notice);

    await fireEvent.focusOut(screen.getByRole('button', { name: 'Dismiss' }));
    vi.advanceTimersByTime(ADDED_NOTICE_MS);
    await tick();
    expect(screen.queryByTestId('account-added')).toBeNull();
    expect(screen.getByTestId('screen-accounts')).toBeTruthy();
  });

  it('"Add an account" opens the dialog', async () => {
    mockBackend();
    render(App);
    await fireEvent.click(await screen.findByTestId('empty-add-account'));
    expect(await screen.findByTestId('add-account-dialog')).toBeTruthy();
  });

  it('offers to resume or discard a job interrupted by a crash', async () => {
    const interrupted = {
      id: 'job-7', action: 'withdraw', state: 'interrupted', total: 10, done: 4, succeeded: 4, alreadyGone: 0, failed: 0,
      pending: 6, startedAt: new Date().toISOString(), finishedAt: null, etaSecs: null, pausedAccounts: [], skipped: 0, retryOf: null,
    };
    const calls = mockBackend({
      list_accounts: () => [account()],
      list_jobs: () => [interrupted],
      list_sent: () => ({ rows: [], asOf: [] }),
      discard_job: () => ({ ...interrupted, state: 'cancelled' }),
    });
    render(App);
    const row = await screen.findByTestId('interrupted-job');
    expect(row.textContent).toContain('4 of 10 done');
    await fireEvent.click(screen.getByTestId('job-discard'));
    await waitFor(() => expect(screen.queryByTestId('interrupted-job')).toBeNull());
    expect(callsOf(calls, 'discard_job')[0].args).toEqual({ jobId: 'job-7' });
  });

  it('lists accounts with status and key hint, and removes one after confirmation', async () => {
    let accounts = [account(), account({ id: 'acc-2', label: 'Recruiting', isDefault: false, status: 'keyMissing', keyHint: null })];
    const calls = mockBackend({
      list_accounts: () => accounts,
      list_sent: () => ({ rows: [], asOf: [] }),
      remove_account: (a) => {
        accounts = accounts.filter((x) => x.id !== a.id);
        return null;
      },
    });
    render(App);
    // With accounts, the app opens on Sent.
    await screen.findByTestId('screen-sent');
    await fireEvent.click(screen.getByTestId('nav-accounts'));
    const rows = await screen.findAllByTestId('account-row');
    expect(rows.map((r) => r.dataset.accountId)).toEqual(['acc-1', 'acc-2']);
    expect(rows[0].textContent).toContain('…a1b2');
    expect(rows[1].querySelector('[data-testid="account-status"]')?.getAttribute('data-status')).toBe('keyMissing');

    await fireEvent.click(rows[1].querySelector('[data-testid="account-remove"]')!);
    await fireEvent.click(await screen.findByTestId('remove-delete-history'));
    await fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(1));
    expect(callsOf(calls, 'remove_account')[0].args).toEqual({ id: 'acc-2', deleteHistory: true });
  });

  it('shows an account the command-line tool added once the window gets focus again', async () => {
    let accounts = [account({ id: 'acc-1' })];
    const calls = mockBackend({
      list_accounts: () => accounts,
      list_sent: () => ({ rows: [], asOf: [] }),
      list_activity: () => [],
      account_limits: () => [],
    });
    render(App);
    await screen.findByTestId('screen-sent');
    await fireEvent.click(screen.getByTestId('nav-accounts'));
    const ids = async () => (await screen.findAllByTestId('account-row')).map((r) => r.dataset.accountId);
    expect(await ids()).toEqual(['acc-1']);

    accounts = [...accounts, account({ id: 'acc-2', label: 'Recruiting', isDefault: false })];
    await fireEvent.focus(window);
    await waitFor(async () => expect(await ids()).toEqual(['acc-1', 'acc-2']));
    // An unchanged list is asked for, not redrawn: focus again changes nothing.
    const before = callsOf(calls, 'list_accounts').length;
    await fireEvent.focus(window);
    await waitFor(() => expect(callsOf(calls, 'list_accounts').length).toBe(before + 1));
    expect(await ids()).toEqual(['acc-1', 'acc-2']);
  });
});
