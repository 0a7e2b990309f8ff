/**
 * Bulk jobs as the UI knows them: the summaries and per-row outcomes of jobs started or seen
 * this session, kept current by the `job-progress` event. Sent and Received show the jobs of
 * their actions; the shell shows interrupted ones with Resume / Discard.
 */
import * as api from './api';
import type { AppError, JobAction, JobItemView, JobProgress, JobSummary } from './types';

export type TrackedJob = {
  summary: JobSummary;
  items: JobItemView[];
  itemsError: AppError | null;
  /** Closed by the user after it ended. */
  dismissed: boolean;
  /**
   * A one-row action (the row's own Withdraw / Accept / Ignore): its row disappearing is the
   * feedback, so the panel shows only if something needs attention (a failure or a pause).
   */
  quiet: boolean;
};

const TERMINAL_ITEM = new Set(['done', 'alreadyGone', 'failed', 'skipped']);

export function isActive(s: JobSummary): boolean {
  return s.state === 'running' || s.state === 'paused';
}

/**
 * Events and command results can arrive in any order: keep whichever is further along. A late
 * "running" event never reopens a job that ended, unless a command (resume, cancel) says so
 * (`force`). Even then its progress never goes back: a resumed job's first items can be reported
 * by events before the resume command's own answer (done as it was) arrives.
 */
function newer(current: JobSummary, incoming: JobSummary, force: boolean): JobSummary {
  if (force) return incoming.done >= current.done ? incoming : { ...current, state: incoming.state };
  if (incoming.done !== current.done) return incoming.done > current.done ? incoming : current;
  const ended = current.state === 'finished' || current.state === 'cancelled';
  if (ended && isActive(incoming)) return current;
  return incoming;
}

type ItemListener = (job: JobSummary, item: JobItemView) => void;
type EndListener = (job: JobSummary) => void;

class JobsState {
  tracked = $state.raw<TrackedJob[]>([]);
  loadError = $state<AppError | null>(null);
  private itemListeners = new Set<ItemListener>();
  private endListeners = new Set<EndListener>();
  private unlisten: (() => void) | null = null;

  get interrupted(): JobSummary[] {
    return this.tracked.filter((t) => t.summary.state === 'interrupted').map((t) => t.summary);
  }

  /** Jobs to show on a screen: not interrupted (the shell shows those), not dismissed. */
  visibleFor(actions: readonly JobAction[]): TrackedJob[] {
    return this.tracked.filter(
      (t) =>
        !t.dismissed &&
        t.summary.state !== 'interrupted' &&
        actions.includes(t.summary.action) &&
        (!t.quiet || t.summary.failed > 0 || t.summary.state === 'paused'),
    );
  }

  find(id: string): TrackedJob | undefined {
    return this.tracked.find((t) => t.summary.id === id);
  }

  /** Subscribes to `job-progress` and loads the jobs Rust knows (running, paused, interrupted). */
  async start(): Promise<void> {
    if (!this.unlisten) this.unlisten = await api.onJobProgress((p) => this.apply(p));
    try {
      const jobs = await api.listJobs();
      for (const job of jobs) {
        if (job.state === 'cancelled' || job.state === 'finished') continue;
        this.upsert(job);
        if (isActive(job)) void this.loadItems(job.id);
      }
      this.loadError = null;
    } catch (e) {
      this.loadError = e as AppError;
    }
  }

  stop() {
    this.unlisten?.();
    this.unlisten = null;
  }

  /** Called on every item that reached an outcome, e.g. to drop withdrawn rows at once. */
  onItem(listener: ItemListener): () => void {
    this.itemListeners.add(listener);
    return () => this.itemListeners.delete(listener);
  }

  /** Called when a job ends (finished or cancelled), e.g. to reload a screen from the cache. */
  onEnd(listener: EndListener): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  apply(p: JobProgress) {
    const before = this.find(p.job.id)?.summary;
    this.upsert(p.job);
    if (p.item) {
      this.upsertItem(p.job.id, p.item);
      if (TERMINAL_ITEM.has(p.item.outcome)) for (const l of this.itemListeners) l(p.job, p.item);
    }
    const after = this.find(p.job.id)?.summary;
    if (after && (!before || isActive(before)) && (after.state === 'finished' || after.state === 'cancelled')) {
      for (const l of this.endListeners) l(after);
    }
  }

  upsert(summary: JobSummary, force = false) {
    const i = this.tracked.findIndex((t) => t.summary.id === summary.id);
    if (i === -1) {
      this.tracked = [{ summary, items: [], itemsError: null, dismissed: false, quiet: false }, ...this.tracked];
      return;
    }
    const cur = this.tracked[i];
    const next = newer(cur.summary, summary, force);
    if (next === cur.summary) return;
    const copy = this.tracked.slice();
    copy[i] = { ...cur, summary: next, dismissed: cur.dismissed && !isActive(next) };
    this.tracked = copy;
  }

  private upsertItem(jobId: string, item: JobItemView) {
    const i = this.tracked.findIndex((t) => t.summary.id === jobId);
    if (i === -1) return;
    const cur = this.tracked[i];
    const at = cur.items.findIndex((x) => x.key === item.key);
    const items = cur.items.slice();
    if (at === -1) items.push(item);
    else items[at] = item;
    const copy = this.tracked.slice();
    copy[i] = { ...cur, items };
    this.tracked = copy;
  }

  async loadItems(jobId: string): Promise<void> {
    try {
      const loaded = await api.jobItems(jobId);
      const cur = this.find(jobId);
      if (!cur) return;
      // Keep outcomes that events delivered while the list was on its way.
      const known = new Map(cur.items.map((x) => [x.key, x]));
      const merged = loaded.map((x) => {
        const k = known.get(x.key);
        return k && TERMINAL_ITEM.has(k.outcome) && !TERMINAL_ITEM.has(x.outcome) ? k : x;
      });
      this.tracked = this.tracked.map((t) =>
        t.summary.id === jobId ? { ...t, items: merged, itemsError: null } : t,
      );
    } catch (e) {
      this.tracked = this.tracked.map((t) =>
        t.summary.id === jobId ? { ...t, itemsError: e as AppError } : t,
      );
    }
  }

  /** Runs a previewed plan (`quiet` for one-row actions). Rejects with an AppError. */
  async begin(planId: string, options: { quiet?: boolean } = {}): Promise<JobSummary> {
    const summary = await api.startJob(planId);
    this.upsert(summary);
    if (options.quiet) {
      this.tracked = this.tracked.map((t) => (t.summary.id === summary.id ? { ...t, quiet: true } : t));
    }
    void this.loadItems(summary.id);
    return summary;
  }

  async cancel(id: string) {
    this.upsert(await api.cancelJob(id), true);
  }

  async resume(id: string) {
    const s = await api.resumeJob(id);
    this.upsert(s, true);
    void this.loadItems(id);
  }

  async discard(id: string) {
    await api.discardJob(id);
    this.tracked = this.tracked.filter((t) => t.summary.id !== id);
  }

  /** A new job over the failed items; the old one is closed. */
  async retryFailed(id: string) {
    const s = await api.retryFailed(id);
    this.dismiss(id);
    this.upsert(s);
    void this.loadItems(s.id);
  }

  dismiss(id: string) {
    this.tracked = this.tracked.map((t) => (t.summary.id === id ? { ...t, dismissed: true } : t));
  }

  reset() {
    this.stop();
    this.tracked = [];
    this.loadError = null;
    this.itemListeners.clear();
    this.endListeners.clear();
  }
}

export const jobs = new JobsState();
