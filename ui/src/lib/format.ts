/** Display helpers: everything here returns plain text (never HTML). */
import type { InvitationCategory, ProviderKind } from './types';

const PROVIDER_LABELS: Record<ProviderKind, string> = {
  connectsafely: 'ConnectSafely',
  edges: 'Edges',
  linkup: 'LinkupAPI',
  demo: 'Demo',
};

export function providerLabel(kind: ProviderKind): string {
  return PROVIDER_LABELS[kind] ?? kind;
}

/** True when an account's label already names its provider ("Ada Lovelace (Edges)"). */
export function labelNamesProvider(label: string, kind: ProviderKind): boolean {
  const name = providerLabel(kind).toLowerCase();
  return label
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .includes(name);
}

const CATEGORY_LABELS: Record<InvitationCategory, string> = {
  connection: 'Connection',
  organization: 'Company page',
  newsletter: 'Newsletter',
  event: 'Event',
  memberFollow: 'Follow',
  unknown: 'Other',
};

export function categoryLabel(category: InvitationCategory): string {
  return CATEGORY_LABELS[category] ?? category;
}

/**
 * An Intl object built on its first use, then kept: building one loads ICU data and costs time
 * at start-up that the first paint does not need (most screens show no date, count beyond a
 * thousand or text sort until their rows arrive), and building one per call is slower still.
 */
export function onFirstUse<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

const countFormat = onFirstUse(() => new Intl.NumberFormat('en-US'));

/**
 * "10,000": counts read the same on every system. Whole numbers are grouped here rather than by
 * `toLocaleString`, which in WebKit builds a new Intl formatter on every call (~25 µs: a table
 * page of ages was a millisecond of it) and, on its first call, ICU's number data.
 */
export function formatCount(n: number): string {
  if (Number.isSafeInteger(n)) return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
  return countFormat().format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * "12 days", or "about 12 days" when the provider's text was a bucket ("2 weeks ago"), which
 * only gives a lower bound.
 */
export function formatAge(ageDays: number | null, exact: boolean): string {
  if (ageDays === null) return 'unknown';
  const base = ageDays === 0 ? 'today' : plural(ageDays, 'day');
  if (exact) return base;
  return ageDays === 0 ? 'under a day' : `about ${base}`;
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A date formatter in the user's locale, built on its first use. */
function dateFormat(options: Intl.DateTimeFormatOptions): () => Intl.DateTimeFormat {
  return onFirstUse(() => new Intl.DateTimeFormat(undefined, options));
}

const dateTime = dateFormat({ year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateOnly = dateFormat({ year: 'numeric', month: 'short', day: 'numeric' });
const timeOnly = dateFormat({ hour: '2-digit', minute: '2-digit' });

export function formatDateTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? dateTime().format(d) : '—';
}

export function formatDate(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? dateOnly().format(d) : '—';
}

const shortDateTime = dateFormat({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const shortDate = dateFormat({ month: 'short', day: 'numeric' });

/** "Nov 3, 14:02" this year, else with the year: for dense table cells. */
export function formatShortDateTime(iso: string | null | undefined, now = new Date()): string {
  const d = parse(iso);
  if (!d) return '—';
  return d.getFullYear() === now.getFullYear() ? shortDateTime().format(d) : dateTime().format(d);
}

/** "Nov 3" this year, else "Nov 3, 2025". */
export function formatShortDate(iso: string | null | undefined, now = new Date()): string {
  const d = parse(iso);
  if (!d) return '—';
  return d.getFullYear() === now.getFullYear() ? shortDate().format(d) : dateOnly().format(d);
}

const weekdayDate = dateFormat({ weekday: 'short', day: 'numeric', month: 'short' });

/** "Mon, Dec 7": a day of the coming weeks (a weekly reset, when a backlog clears). */
export function formatWeekdayDate(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? weekdayDate().format(d) : '—';
}

/** "14:02": the time of day alone, under a date in a narrow cell. */
export function formatTimeOfDay(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? timeOnly().format(d) : '—';
}

/** "14:02" today, else "Nov 3, 2025, 14:02". */
export function formatWhen(iso: string | null | undefined, now = new Date()): string {
  const d = parse(iso);
  if (!d) return '—';
  return d.toDateString() === now.toDateString() ? timeOnly().format(d) : dateTime().format(d);
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatRelative(iso: string | null | undefined, now = new Date()): string {
  const d = parse(iso);
  if (!d) return 'never';
  const secs = Math.round((now.getTime() - d.getTime()) / 1000);
  if (secs < 0) return formatWhen(iso, now);
  if (secs < 60) return 'just now';
  const mins = Math.floor(secs / 60);
  if (mins < 60) return `${mins} min ago`;
  const hours = Math.floor(mins / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${plural(days, 'day')} ago`;
}

/** A duration for estimates and ETAs: "40 s", "12 min", "1 h 5 min", "2 days 3 h". */
export function formatDuration(totalSecs: number | null | undefined): string {
  if (totalSecs === null || totalSecs === undefined || !Number.isFinite(totalSecs)) return '—';
  const secs = Math.max(0, Math.round(totalSecs));
  if (secs < 60) return `${secs} s`;
  const mins = Math.round(secs / 60);
  if (mins < 60) return `${mins} min`;
  const hours = Math.round(mins / 60);
  if (hours >= 24) {
    // A daily cap spreads work over days: minutes no longer matter.
    const d = Math.floor(hours / 24);
    const h = hours % 24;
    return h === 0 ? plural(d, 'day') : `${plural(d, 'day')} ${h} h`;
  }
  const h = Math.floor(mins / 60);
  const m = mins % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Initials for an avatar: "Ada Lovelace" → "AL". */
export function initials(name: string): string {
  const parts = name
    .trim()
    .split(/\s+/)
    .filter((p) => /\p{L}|\p{N}/u.test(p));
  const letters = parts.slice(0, 2).map((p) => Array.from(p.replace(/^[^\p{L}\p{N}]+/u, ''))[0] ?? '');
  return letters.join('').toUpperCase() || '?';
}

/** A start-up notice as its headline (the first sentence) and the rest, for a readable banner. */
export function noticeParts(text: string): { head: string; rest: string } {
  const end = text.indexOf('. ');
  return end < 0 ? { head: text, rest: '' } : { head: text.slice(0, end + 1), rest: text.slice(end + 2) };
}
