/**
 * A fake Rust side for component tests, through Tauri's own `mockIPC`: the real `api.ts` runs,
 * so argument names and error normalisation are exercised too.
 */
import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';

export type Handler = (args: Record<string, any>) => unknown;
export type Call = { cmd: string; args: Record<string, any> };

const DEFAULTS: Record<string, Handler> = {
  app_info: () => ({
    version: '0.1.0',
    dataDir: '/tmp/data',
    providerOverrides: [],
    keyring: { available: true, message: null },
    notices: [],
  }),
  app_notices: () => [],
  list_accounts: () => [],
  list_jobs: () => [],
  list_orphaned_keys: () => [],
  get_account_settings: () => ({ withdrawOlderThanDays: 30, paceMinSecs: 2, paceMaxSecs: 6, dailyWithdrawCap: 100, dailyAcceptCap: 50, dailyIgnoreCap: 50, dailySendCap: 20 }),
  refresh_sent: () => ({ accounts: [] }),
  refresh_received: () => ({ accounts: [] }),
};

/** Installs the handlers (over a few harmless defaults) and returns the log of calls. */
export function mockBackend(handlers: Record<string, Handler> = {}): Call[] {
  const calls: Call[] = [];
  const all = { ...DEFAULTS, ...handlers };
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, any>;
      calls.push({ cmd, args });
      const h = all[cmd];
      if (!h) throw { kind: 'internal', message: `The test did not mock ${cmd}.` };
      return h(args);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

export function callsOf(calls: Call[], cmd: string): Call[] {
  return calls.filter((c) => c.cmd === cmd);
}

/** Emits a backend event as Rust would (`app.emit`). */
export const emitEvent = (event: string, payload: unknown) => emit(event, payload);
