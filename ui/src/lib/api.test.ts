import { describe, expect, it } from 'vitest';
import * as api from './api';
import { callsOf, mockBackend } from '../test/ipc';

describe('api.ts', () => {
  it('passes camelCase arguments under the names of docs/ipc.md', async () => {
    const calls = mockBackend({ remove_account: () => null, preview_withdraw: () => ({}) });
    await api.removeAccount('acc-1', true);
    await api.previewWithdraw({ olderThanDays: 30, accountId: null });
    expect(callsOf(calls, 'remove_account')[0].args).toEqual({ id: 'acc-1', deleteHistory: true });
    expect(callsOf(calls, 'preview_withdraw')[0].args).toEqual({ request: { olderThanDays: 30, accountId: null } });
  });

  it('rejects with the command error as { kind, message }', async () => {
    mockBackend({
      discover_accounts: () => {
        throw { kind: 'billing', message: 'The trial has ended.' };
      },
    });
    await expect(
      api.discoverAccounts({ provider: 'edges', apiKey: 'k', loginToken: null, country: null }),
    ).rejects.toEqual({ kind: 'billing', message: 'The trial has ended.' });
  });

  it('turns Tauri error strings and exceptions into { kind: "internal", message }', () => {
    expect(api.toAppError('Command list_sent not allowed by ACL')).toEqual({
      kind: 'internal',
      message: 'Command list_sent not allowed by ACL',
    });
    expect(api.toAppError(new TypeError('boom'))).toEqual({ kind: 'internal', message: 'boom' });
    expect(api.toAppError(undefined).kind).toBe('internal');
  });
});
