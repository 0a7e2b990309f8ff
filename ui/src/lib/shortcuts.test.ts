import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { handleKey, helpRows, installShortcuts, SHORTCUTS, type ShortcutContext } from './shortcuts';
import ShortcutHelp from './components/ShortcutHelp.svelte';
import Sent from '../screens/Sent.svelte';
import { app, SCREENS } from './app-state.svelte';
import { jobs } from './jobs.svelte';
import { callsOf, mockBackend } from '../test/ipc';
import { sentWindowBackend } from '../test/sent-window-fake';
import { account, plan, planItem, sentRow } from '../test/fixtures';

/** A screen with the marked controls, as Sent and Received have them. */
function fakeScreen() {
  document.body.innerHTML = `
    <main data-shortcut-root>
      <input type="search" data-shortcut="filter" />
      <button data-shortcut="refresh">Refresh</button>
      <input type="checkbox" data-shortcut="select-all" />
      <button data-shortcut="withdraw-selected" disabled>Withdraw selected</button>
      <input type="number" id="days" />
    </main>`;
  const el = <T extends HTMLElement>(css: string) => document.querySelector<T>(css)!;
  const clicks = { refresh: vi.fn(), withdraw: vi.fn() };
  el('[data-shortcut=refresh]').addEventListener('click', clicks.refresh);
  el('[data-shortcut=withdraw-selected]').addEventListener('click', clicks.withdraw);
  const ctx: ShortcutContext = {
    root: () => document.querySelector('[data-shortcut-root]'),
    navigate: vi.fn(),
    openHelp: vi.fn(),
  };
  return { el, clicks, ctx };
}

/** Dispatches a keydown on the focused element (or the body), as the browser does. */
function press(key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  (document.activeElement ?? document.body).dispatchEvent(e);
  return e;
}

describe('keyboard shortcuts', () => {
  let stop: () => void = () => {};
  afterEach(() => {
    stop();
    document.body.innerHTML = '';
  });

  it('focus the filter, refresh, switch screens and open the help', () => {
    const { el, clicks, ctx } = fakeScreen();
    stop = installShortcuts(ctx);

    expect(press('/').defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(el('[data-shortcut=filter]'));
    // Typing in the filter is text, not shortcuts.
    for (const key of ['r', 'w', 'a', '?', '/', '1']) expect(press(key).defaultPrevented).toBe(false);
    expect(clicks.refresh).not.toHaveBeenCalled();
    expect(ctx.openHelp).not.toHaveBeenCalled();
    // Escape leaves the field; then keys are shortcuts again.
    expect(press('Escape').defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(document.body);

    press('r');
    // Ctrl+R would reload the webview: it refreshes the list instead.
    expect(press('r', { ctrlKey: true }).defaultPrevented).toBe(true);
    press('F5');
    expect(clicks.refresh).toHaveBeenCalledTimes(3);

    press('2', { ctrlKey: true });
    expect(ctx.navigate).toHaveBeenCalledWith('sent');
    // The last Go-to key is the sidebar's last screen, however many there are.
    press(String(SCREENS.length), { ctrlKey: true });
    expect(ctx.navigate).toHaveBeenLastCalledWith('settings');
    press('?', { shiftKey: true });
    press('F1');
    expect(ctx.openHelp).toHaveBeenCalledTimes(2);
  });

  it('select all only selects, and a disabled action does nothing', () => {
    const { el, clicks, ctx } = fakeScreen();
    const all = el<HTMLInputElement>('[data-shortcut=select-all]');
    expect(press('a', { ctrlKey: true }).defaultPrevented).toBe(false); // not installed yet
    stop = installShortcuts(ctx);
    press('a', { ctrlKey: true });
    expect(all.checked).toBe(true);
    press('a', { ctrlKey: true });
    expect(all.checked).toBe(true);
    press('w');
    expect(clicks.withdraw).not.toHaveBeenCalled();
    // Accept has no button on this screen: the key is left alone.
    expect(press('a').defaultPrevented).toBe(false);
  });

  it('stay out of the way of an open dialog and of other fields', () => {
    const { el, clicks, ctx } = fakeScreen();
    el('#days').focus();
    expect(handleKey(new KeyboardEvent('keydown', { key: 'r' }), ctx)).toBe(false);
    el('#days').blur();
    const dialog = document.createElement('div');
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    document.body.append(dialog);
    for (const key of ['r', '/', '?']) expect(handleKey(new KeyboardEvent('keydown', { key }), ctx)).toBe(false);
    expect(handleKey(new KeyboardEvent('keydown', { key: '1', ctrlKey: true }), ctx)).toBe(false);
    expect(clicks.refresh).not.toHaveBeenCalled();
    expect(ctx.navigate).not.toHaveBeenCalled();
  });

  it('each key does one thing', () => {
    const combos = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(combos).size).toBe(combos.length);
  });
});

describe('the help overlay', () => {
  it('opens on ? and lists every shortcut', async () => {
    render(ShortcutHelp);
    expect(screen.queryByTestId('shortcut-help')).toBeNull();
    await fireEvent.keyDown(document.body, { key: '?', shiftKey: true });
    const help = await screen.findByTestId('shortcut-help');
    expect(screen.getAllByTestId('shortcut-row')).toHaveLength(helpRows().length);
    expect(help.textContent).toContain('Withdraw the selected invitations (opens the preview first)');
    expect(help.textContent).toContain(`Go to ${SCREENS.map((s) => s.label).join(', ')}`);
    expect(help.textContent).toContain(`Ctrl+1 … ${SCREENS.length}`);
    // While it is open, shortcuts do not reach the screen below.
    await fireEvent.keyDown(document.body, { key: '3', ctrlKey: true });
    expect(app.screen).not.toBe('received');
  });
});

describe('shortcuts on the Sent screen', () => {
  it('select all, then W opens the withdrawal preview and starts nothing', async () => {
    app.accounts = [account()];
    app.accountsLoaded = true;
    const rows = [sentRow('a', 'Ada', 40), sentRow('b', 'Bob', 50)];
    const calls = mockBackend({
      list_accounts: () => [account()],
      ...sentWindowBackend(() => rows, () => [{ accountId: 'acc-1', at: new Date().toISOString() }]),
      preview_withdraw_selection: () => plan({ items: [planItem('acc-1/a', 'Ada'), planItem('acc-1/b', 'Bob')] }),
    });
    void jobs.start();
    render(Sent);
    const stop = installShortcuts({ root: () => document.body, navigate: vi.fn(), openHelp: vi.fn() });
    try {
      await waitFor(() => expect(screen.getAllByTestId('sent-row')).toHaveLength(2));
      await fireEvent.keyDown(document.body, { key: 'a', ctrlKey: true });
      await fireEvent.keyDown(document.body, { key: 'w' });
      await screen.findByTestId('preview-dialog');
      expect(callsOf(calls, 'preview_withdraw_selection')[0].args.selection).toMatchObject({ kind: 'allMatching', except: [] });
      expect(callsOf(calls, 'start_job')).toHaveLength(0);
    } finally {
      stop();
    }
  });
});
