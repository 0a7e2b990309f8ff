/** Pure row filters shared by the Sent, Received and preview tables. */

/** Lower-case and strip accents so "jose" finds "José". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** The folded words of a search query. */
export function queryWords(query: string): string[] {
  return fold(query).split(/\s+/).filter(Boolean);
}

/** The folded text a row is searched in; compute once per row, not once per keystroke. */
export function haystack(fields: (string | null | undefined)[]): string {
  return fold(fields.filter((f): f is string => !!f).join('\n'));
}

/** True when every word occurs in the haystack. No words matches everything. */
export function matchesWords(words: readonly string[], hay: string): boolean {
  return words.every((w) => hay.includes(w));
}

/** True when every word of `query` occurs in one of the fields. Empty query matches all. */
export function matchesText(query: string, fields: (string | null | undefined)[]): boolean {
  return matchesWords(queryWords(query), haystack(fields));
}

/**
 * "Older than N days": uses only `ageDays`, the least the invitation can be (an inexact
 * "about 2 weeks" counts as 14), so imprecision never makes an invitation look older than it
 * is. A day count of N means N to N+1 days old, hence `>=`. Unknown ages never match, and an
 * empty or invalid N filters nothing.
 */
export function olderThan(ageDays: number | null, minDays: number | null): boolean {
  if (minDays === null || !Number.isFinite(minDays) || minDays <= 0) return true;
  return ageDays !== null && ageDays >= minDays;
}

/** Parses a "days" input: a whole number ≥ 0, or null when empty/invalid. */
export function parseDays(raw: string | number | null | undefined): number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isFinite(n) || n < 0) return null;
  return Math.floor(n);
}
