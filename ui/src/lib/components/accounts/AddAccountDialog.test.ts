import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import AddAccountDialog from './AddAccountDialog.svelte';
import { callsOf, mockBackend } from '../../../test/ipc';
import type { ErrorKind } from '../../types';

async function fillAndTest(provider: string, key: string) {
  await fireEvent.change(screen.getByTestId('provider-select'), { target: { value: provider } });
  await fireEvent.input(screen.getByTestId('api-key-input'), { target: { value: key } });
  await fireEvent.click(screen.getByTestId('test-and-save'));
}

describe('Add account dialog', () => {
  const cases: { kind: ErrorKind; title: RegExp }[] = [
    { kind: 'badCredentials', title: /Edges refused this key/ },
    { kind: 'billing', title: /trial or subscription has ended/ },
    { kind: 'insufficientCredits', title: /No Edges credits left/ },
    { kind: 'network', title: /Could not reach Edges/ },
    { kind: 'keyringUnavailable', title: /keyring is locked or missing/ },
    { kind: 'providerUnavailable', title: /not answering properly/ },
  ];

  for (const { kind, title } of cases) {
    it(`explains ${kind} and keeps what was typed`, async () => {
      const message = `Rust says ${kind}.`;
      const calls = mockBackend({
        discover_accounts: () => {
          throw { kind, message };
        },
      });
      render(AddAccountDialog, { onclose: vi.fn(), onadded: vi.fn() });
      await fillAndTest('edges', 'sk_test_1234');

      const banner = await screen.findByTestId('error-banner');
      expect(banner.dataset.kind).toBe(kind);
      expect(within(banner).getByTestId('error-message').textContent).toBe(message);
      expect(banner.textContent).toMatch(title);
      // Nothing lost: the form still holds the provider and the key, ready to retry.
      expect((screen.getByTestId('provider-select') as HTMLSelectElement).value).toBe('edges');
      expect((screen.getByTestId('api-key-input') as HTMLInputElement).value).toBe('sk_test_1234');
      expect(callsOf(calls, 'add_accounts')).toHaveLength(0);
    });
  }

  it('gives badCredentials a different message from network', async () => {
    const seen: string[] = [];
    for (const kind of ['badCredentials', 'network'] as const) {
      mockBackend({
        discover_accounts: () => {
          throw { kind, message: 'x' };
        },
      });
      const { unmount } = render(AddAccountDialog, { onclose: vi.fn(), onadded: vi.fn() });
      await fillAndTest('connectsafely', 'k');
      seen.push((await screen.findByTestId('error-banner')).textContent ?? '');
      unmount();
    }
    expect(seen[0]).not.toEqual(seen[1]);
  });

  it('asks LinkupAPI users for the login token and country before calling Rust', async () => {
    const calls = mockBackend({ discover_accounts: () => [] });
    render(AddAccountDialog, { onclose: vi.fn(), onadded: vi.fn() });
    await fillAndTest('linkup', 'key');
    const banner = await screen.findByTestId('error-banner');
    expect(banner.dataset.kind).toBe('invalidInput');
    expect(callsOf(calls, 'discover_accounts')).toHaveLength(0);

    await fireEvent.input(screen.getByTestId('login-token-input'), { target: { value: 'AQEDAT' } });
    await fireEvent.input(screen.getByTestId('country-input'), { target: { value: 'fr' } });
    await fireEvent.click(screen.getByTestId('test-and-save'));
    await waitFor(() => expect(callsOf(calls, 'discover_accounts')).toHaveLength(1));
    expect(callsOf(calls, 'discover_accounts')[0].args.input).toEqual({
      provider: 'linkup',
      apiKey: 'key',
      loginToken: 'AQEDAT',
      country: 'FR',
    });
  });

  it('shows what the key found and adds the ticked accounts', async () => {
    const added = [{ id: 'new-1', label: 'Ada' }];
    const calls = mockBackend({
      list_accounts: () => [],
      discover_accounts: () => [
        { id: 'cs-1', name: 'Ada Lovelace', status: 'AVAILABLE', usable: true, pictureUrl: null, profileUrl: null },
        { id: 'cs-2', name: 'Charles <b>Babbage</b>', status: 'DISCONNECTED', usable: false, pictureUrl: null, profileUrl: null },
      ],
      add_accounts: () => added,
    });
    const onadded = vi.fn();
    render(AddAccountDialog, { onclose: vi.fn(), onadded });
    await fillAndTest('connectsafely', 'sk_live_secret');

    const found = await screen.findAllByTestId('discovered-account');
    expect(found.map((f) => f.dataset.remoteId)).toEqual(['cs-1', 'cs-2']);
    expect(found[1].textContent).toContain('Charles <b>Babbage</b>');
    // Usable accounts start ticked; the one the provider says is unusable does not.
    const boxes = screen.getAllByTestId('discovered-account-checkbox') as HTMLInputElement[];
    expect(boxes.map((b) => b.checked)).toEqual([true, false]);
    await fireEvent.click(boxes[1]);

    await fireEvent.click(screen.getByTestId('add-selected'));
    await waitFor(() => expect(onadded).toHaveBeenCalledWith(added));
    expect(callsOf(calls, 'add_accounts')[0].args).toEqual({
      input: { provider: 'connectsafely', apiKey: 'sk_live_secret', loginToken: null, country: null },
      remoteIds: ['cs-1', 'cs-2'],
    });
    // The key never shows up as text anywhere in the dialog.
    expect(document.body.textContent).not.toContain('sk_live_secret');
  });
});
