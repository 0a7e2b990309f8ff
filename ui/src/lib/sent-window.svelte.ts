/**
 * The Sent table's rows one window at a time (issue 15, 100,000 rows): the core filters, sorts
 * and counts in SQLite; the page asks for the rows the scroll position shows plus an overscan
 * and holds only those. A later request always wins: a response to an older one is dropped.
 */
import * as api from './api';
import type { AsOf, SentFilter, SentRow, SentSort, SentWindow, SentWindowRequest } from './types';

export type SentQuery = { filter: SentFilter; sort: SentSort };

/** The core returns at most this many rows a window (`MAX_WINDOW`). */
const MAX_WINDOW = 500;
/** Background re-queries (refresh pages, job progress) at most this often. */
export const REQUERY_EVERY_MS = 250;

export class SentWindowSource {
  rows = $state.raw<SentRow[]>([]);
  /** Index of `rows[0]` in the filtered, sorted list. */
  offset = $state(0);
  matching = $state(0);
  total = $state(0);
  pinned = $state(0);
  asOf = $state.raw<AsOf[]>([]);
  /** The filter and sort of the rows held (the last answer applied). */
  applied = $state.raw<SentQuery | null>(null);
  /** Changes each time a response is applied: the table's "settled" signal. */
  seq = $state(0);
  busy = $state(false);
  loaded = $state(false);
  error = $state.raw<unknown>(null);

  private query: SentQuery | null = null;
  private range = { start: 0, end: 50 };
  private requested = 0;
  /** The rows the latest request asks for, while it is in flight. */
  private asking: { start: number; end: number } | null = null;
  private latest: Promise<void> = Promise.resolve();
  private throttle: ReturnType<typeof setTimeout> | null = null;
  private lastRequery = 0;

  constructor(
    private readonly fetchWindow: (r: SentWindowRequest) => Promise<SentWindow> = api.sentWindow,
    /** Rows fetched beyond each end of what is in view, so a short scroll needs no request. */
    private readonly overscan = 40,
  ) {}

  get current(): SentQuery | null {
    return this.query;
  }

  /** The query the next `fetch` runs (a load fetches it). */
  prepare(query: SentQuery): void {
    this.query = query;
  }

  /** A new filter or sort: fetched at once, at the same scroll position. */
  setQuery(query: SentQuery): Promise<void> {
    this.query = query;
    return this.fetch();
  }

  /** The rows in view changed (scrolling, resizing): fetched unless already held. */
  setRange(start: number, end: number): void {
    this.range = { start, end };
    const heldEnd = this.offset + this.rows.length;
    const wantedEnd = Math.min(end, this.matching);
    if (this.loaded && start >= this.offset && wantedEnd <= heldEnd) return;
    // Opening the screen: the first request already asks for these rows.
    if (this.asking && start >= this.asking.start && end <= this.asking.end) return;
    void this.fetch().catch(() => {});
  }

  /** Fetches the current window again; resolves once the latest request is applied. */
  async fetch(): Promise<void> {
    if (!this.query) return;
    const n = ++this.requested;
    const start = Math.max(0, this.range.start - this.overscan);
    const limit = Math.min(MAX_WINDOW, this.range.end + this.overscan - start);
    const asked = this.query;
    const request = { ...asked, offset: start, limit };
    this.asking = { start, end: start + limit };
    this.busy = true;
    const done = this.fetchWindow(request).then(
      (w) => {
        if (n !== this.requested) return; // a later request wins
        this.asking = null;
        this.rows = w.rows;
        this.applied = asked;
        this.offset = w.offset;
        this.matching = w.matching;
        this.total = w.total;
        this.pinned = w.pinned;
        this.asOf = w.asOf;
        this.error = null;
        this.loaded = true;
        this.busy = false;
        this.seq++;
      },
      (e) => {
        if (n !== this.requested) return;
        this.asking = null;
        this.error = e;
        this.busy = false;
        this.seq++;
        throw e;
      },
    );
    this.latest = done;
    let waiting: Promise<void> = done;
    await waiting;
    while (this.latest !== waiting) {
      waiting = this.latest;
      await waiting.catch(() => {});
    }
  }

  /**
   * Rows changed under the table (a refresh page, a job's item): fetch again, at most every
   * `REQUERY_EVERY_MS`, the last change always followed by one.
   */
  requerySoon(now = Date.now()): void {
    if (this.throttle !== null) return;
    const wait = Math.max(0, this.lastRequery + REQUERY_EVERY_MS - now);
    this.throttle = setTimeout(() => {
      this.throttle = null;
      this.lastRequery = Date.now();
      this.fetch().catch(() => {});
    }, wait);
  }

  dispose(): void {
    if (this.throttle !== null) clearTimeout(this.throttle);
    this.throttle = null;
    this.requested++; // anything in flight is dropped
  }
}
