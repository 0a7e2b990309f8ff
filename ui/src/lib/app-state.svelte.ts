/**
 * App-wide state: which screen is shown, the accounts, the account switcher's choice and the
 * app info. One instance (`app`), created at import; `reset()` exists for tests.
 */
import * as api from './api';
import type { AccountView, AppError, AppInfo } from './types';

export type Screen =
  | 'accounts'
  | 'sent'
  | 'received'
  | 'send'
  | 'lists'
  | 'activity'
  | 'insights'
  | 'autopilot'
  | 'settings';

export const SCREENS: { id: Screen; label: string }[] = [
  { id: 'accounts', label: 'Accounts' },
  { id: 'sent', label: 'Sent' },
  { id: 'received', label: 'Received' },
  { id: 'send', label: 'Send' },
  { id: 'lists', label: 'Lists' },
  { id: 'activity', label: 'Activity' },
  { id: 'insights', label: 'Insights' },
  { id: 'autopilot', label: 'Autopilot' },
  { id: 'settings', label: 'Settings' },
];

/**
 * Whether the last listing had accounts, kept in the page's own storage so that the next launch
 * opens on Sent at once instead of mounting Accounts, waiting for the list, then switching (a
 * flag, nothing about the accounts themselves). Only a hint: the listing decides.
 */
export const OPEN_ON_SENT = 'invitedesk.openOnSent';

export function opensOnSent(): boolean {
  try {
    return localStorage.getItem(OPEN_ON_SENT) === '1';
  } catch {
    return false;
  }
}

function rememberOpensOnSent(yes: boolean): void {
  try {
    if (yes) localStorage.setItem(OPEN_ON_SENT, '1');
    else localStorage.removeItem(OPEN_ON_SENT);
  } catch {
    // Storage unavailable: the next launch starts on Accounts and switches, as without it.
  }
}

class AppState {
  screen = $state<Screen>('accounts');
  /** Raw: replaced as a whole, never mutated in place. */
  accounts = $state.raw<AccountView[]>([]);
  accountsLoaded = $state(false);
  accountsError = $state<AppError | null>(null);
  /** The account switcher: an account id, or null for "All accounts". */
  selectedAccountId = $state<string | null>(null);
  info = $state.raw<AppInfo | null>(null);
  infoError = $state<AppError | null>(null);
  /** App notices (e.g. a damaged settings file) the user has dismissed this session. */
  dismissedNotices = $state.raw<string[]>([]);
  /** The Add account dialog, opened from the empty state or the Accounts screen. */
  addDialogOpen = $state(false);
  demoBusy = $state(false);
  demoError = $state<AppError | null>(null);

  get defaultAccount(): AccountView | null {
    return this.accounts.find((a) => a.isDefault) ?? this.accounts[0] ?? null;
  }

  /** The account for screens that need one (Settings): the switcher's, else the default. */
  get singleAccount(): AccountView | null {
    return this.accountById(this.selectedAccountId) ?? this.defaultAccount;
  }

  accountById(id: string | null): AccountView | null {
    if (id === null) return null;
    return this.accounts.find((a) => a.id === id) ?? null;
  }

  /** True once the user picked a screen: start-up must not move them elsewhere after that. */
  userNavigated = false;

  navigate(screen: Screen) {
    this.userNavigated = true;
    this.screen = screen;
  }

  openAddAccount() {
    this.screen = 'accounts';
    this.addDialogOpen = true;
  }

  /** "Try the demo": adds the simulated account and shows its sent invitations. */
  async tryDemo(): Promise<void> {
    this.demoBusy = true;
    this.demoError = null;
    try {
      const view = await api.addDemoAccount();
      await this.loadAccounts();
      this.selectedAccountId = view.id;
      this.screen = 'sent';
    } catch (e) {
      this.demoError = e as AppError;
    } finally {
      this.demoBusy = false;
    }
  }

  async loadAccounts(): Promise<void> {
    try {
      const fresh = await api.listAccounts();
      // Unchanged (the usual answer to a focus reload): keep the same array, so nothing that
      // depends on the accounts reloads for nothing.
      if (!this.accountsLoaded || JSON.stringify(fresh) !== JSON.stringify(this.accounts)) {
        this.accounts = fresh;
        // Once a launch and on a change, not on every focus's reload.
        rememberOpensOnSent(fresh.length > 0);
      }
      this.accountsError = null;
      // A removed account cannot stay selected.
      if (this.selectedAccountId !== null && !this.accountById(this.selectedAccountId)) {
        this.selectedAccountId = null;
      }
    } catch (e) {
      this.accountsError = e as AppError;
    } finally {
      this.accountsLoaded = true;
    }
  }

  async loadInfo(): Promise<void> {
    try {
      this.info = await api.appInfo();
      this.infoError = null;
    } catch (e) {
      this.infoError = e as AppError;
    }
  }

  /** The notices again (a file damaged while the app ran), without the rest of the app info. */
  async loadNotices(): Promise<void> {
    try {
      const notices = await api.appNotices();
      if (this.info && JSON.stringify(notices) !== JSON.stringify(this.info.notices)) {
        this.info = { ...this.info, notices };
      }
    } catch {
      // Only a refresh of what app_info gave: the next focus asks again.
    }
  }

  /** Replaces one account in the list after a command returned its new view. */
  updateAccount(view: AccountView) {
    this.accounts = this.accounts.map((a) => (a.id === view.id ? view : a));
  }

  reset() {
    rememberOpensOnSent(false);
    this.screen = 'accounts';
    this.userNavigated = false;
    this.accounts = [];
    this.accountsLoaded = false;
    this.accountsError = null;
    this.selectedAccountId = null;
    this.info = null;
    this.infoError = null;
    this.dismissedNotices = [];
    this.addDialogOpen = false;
    this.demoBusy = false;
    this.demoError = null;
  }
}

export const app = new AppState();
