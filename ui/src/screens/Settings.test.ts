import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import Settings from './Settings.svelte';
import { app } from '../lib/app-state.svelte';
import { callsOf, mockBackend } from '../test/ipc';
import { account } from '../test/fixtures';


const info = {
  version: '0.1.0',
  dataDir: '/tmp/data',
  providerOverrides: [],
  keyring: { available: true, message: null },
  notices: [],
};

describe('Settings screen', () => {
  it('has one daily cap per kind of action and saves each', async () => {
    app.accounts = [account({ id: 'acc-1' })];
    app.accountsLoaded = true;
    app.info = info;
    const calls = mockBackend({ account_limits: () => [], save_account_settings: ({ settings }) => settings });
    render(Settings);
    const send = (await screen.findByTestId('settings-daily-send-cap')) as HTMLInputElement;
    expect(send.value).toBe('20');
    expect((screen.getByTestId('settings-daily-accept-cap') as HTMLInputElement).value).toBe('50');
    await fireEvent.input(send, { target: { value: '12' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(callsOf(calls, 'save_account_settings')).toHaveLength(1));
    expect(callsOf(calls, 'save_account_settings')[0].args.settings.dailySendCap).toBe(12);
  });

  it('opens the log folder and says so when it cannot', async () => {
    app.info = info;
    const calls = mockBackend({
      open_log_folder: () => {
        throw { kind: 'internal', message: 'No file manager is installed.' };
      },
    });
    render(Settings);
    await fireEvent.click(await screen.findByTestId('open-log-folder'));
    await waitFor(() => expect(callsOf(calls, 'open_log_folder')).toHaveLength(1));
    expect((await screen.findByRole('alert')).textContent).toContain('No file manager');
  });
});
