/**
 * A screen's cached list (Sent or Received): load from the local cache at once, refresh from
 * the providers in the background with progress, keep the rows when a refresh fails.
 */
import * as api from './api';
import type { AppError, AsOf, RefreshAccount, RefreshProgress, RefreshSummary } from './types';

type Snapshot<Row> = { rows: Row[]; asOf: AsOf[] };

/** The unsubscribe of an event subscription still being set up: safe to call before it resolved. */
export function unlistenLater(listening: Promise<() => void>): () => void {
  let stop: (() => void) | null = null;
  let stopped = false;
  void listening.then((unlisten) => {
    if (stopped) unlisten();
    else stop = unlisten;
  });
  return () => {
    stopped = true;
    stop?.();
  };
}

/** A cache older than this is refreshed automatically the first time a screen shows it. */
const AUTO_REFRESH_AFTER_MS = 15 * 60 * 1000;

export class ScreenData<Row extends { key: string }> {
  rows = $state.raw<Row[]>([]);
  asOf = $state.raw<AsOf[]>([]);
  loading = $state(false);
  loaded = $state(false);
  loadError = $state<AppError | null>(null);
  refreshing = $state(false);
  /** When the current refresh started (ms since the epoch), for the bar's elapsed time. */
  refreshStartedAt = $state<number | null>(null);
  progress = $state.raw<Record<string, RefreshProgress>>({});
  /** Accounts whose last refresh failed, with why. */
  refreshErrors = $state.raw<RefreshAccount[]>([]);
  /** The refresh call itself failed. */
  refreshError = $state<AppError | null>(null);

  private token = 0;
  private autoRefreshed = new Set<string>();

  constructor(
    private readonly screen: 'sent' | 'received',
    private readonly list: (accountId: string | null) => Promise<Snapshot<Row>>,
    private readonly fetch: (accountId: string | null) => Promise<RefreshSummary>,
    /** Called after every refresh, e.g. to reload the accounts (last synced, status). */
    private readonly afterRefresh: () => void = () => {},
  ) {}

  async load(accountId: string | null): Promise<void> {
    const t = ++this.token;
    this.loading = true;
    try {
      const snap = await this.list(accountId);
      if (t !== this.token) return;
      this.rows = snap.rows;
      this.asOf = snap.asOf;
      this.loadError = null;
      this.loaded = true;
    } catch (e) {
      if (t === this.token) this.loadError = e as AppError;
    } finally {
      if (t === this.token) this.loading = false;
    }
  }

  async refresh(accountId: string | null): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    this.refreshStartedAt = Date.now();
    this.progress = {};
    this.refreshError = null;
    try {
      const summary = await this.fetch(accountId);
      this.refreshErrors = summary.accounts.filter((a) => !a.ok);
    } catch (e) {
      this.refreshError = e as AppError;
    } finally {
      this.refreshing = false;
      this.refreshStartedAt = null;
    }
    this.afterRefresh();
    await this.load(accountId);
  }

  /**
   * The first time this session a selection is shown, refresh it in the background when the
   * cache is missing or older than 15 minutes (some providers charge per call).
   */
  async autoRefresh(accountId: string | null, now = Date.now()): Promise<void> {
    const key = accountId ?? '*';
    if (this.autoRefreshed.has(key) || !this.loaded) return;
    this.autoRefreshed.add(key);
    const stale =
      this.asOf.length === 0 ||
      this.asOf.some((a) => !a.at || now - new Date(a.at).getTime() > AUTO_REFRESH_AFTER_MS);
    if (stale) await this.refresh(accountId);
  }

  /** Follows `refresh-progress`; returns the unsubscribe (safe to call before it resolved). */
  listenProgress(): () => void {
    return unlistenLater(api.onRefreshProgress((p) => this.onProgress(p)));
  }

  onProgress(p: RefreshProgress) {
    if (p.screen !== this.screen || !this.refreshing) return;
    this.progress = { ...this.progress, [p.accountId]: p };
  }

  /** 0..1 when every account reported a total, else null (an indeterminate bar). */
  get fraction(): number | null {
    const all = Object.values(this.progress);
    if (all.length === 0 || all.some((p) => !p.done && p.total === null)) return null;
    let fetched = 0;
    let total = 0;
    for (const p of all) {
      const t = p.done ? Math.max(p.fetched, p.total ?? p.fetched) : (p.total ?? 0);
      total += t;
      fetched += p.done ? t : Math.min(p.fetched, t);
    }
    return total === 0 ? null : fetched / total;
  }

  /** What an account's refresh is going through besides counting ("… retrying page 6 (attempt 2 of 4)…"). */
  get notices(): string[] {
    return Object.values(this.progress)
      .filter((p) => !p.done && p.notice !== null)
      .map((p) => p.notice!);
  }

  get fetchedSoFar(): number {
    return Object.values(this.progress).reduce((n, p) => n + p.fetched, 0);
  }

  /** The oldest refresh time among the accounts shown; null when one was never refreshed. */
  get asOfTime(): string | null {
    if (this.asOf.length === 0 || this.asOf.some((a) => !a.at)) return null;
    return this.asOf.map((a) => a.at!).reduce((min, at) => (new Date(at) < new Date(min) ? at : min));
  }

  dismissRefreshError(accountId: string | null) {
    if (accountId === null) this.refreshError = null;
    else this.refreshErrors = this.refreshErrors.filter((a) => a.accountId !== accountId);
  }

  removeKeys(keys: ReadonlySet<string>) {
    if (keys.size === 0) return;
    this.rows = this.rows.filter((r) => !keys.has(r.key));
  }
}
