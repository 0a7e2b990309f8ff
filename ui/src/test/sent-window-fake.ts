/**
 * The core's `sent_window` for component tests: filters, sorts, counts and pages a list of rows
 * the way `invitations/window.rs` does (its own tests check the SQL against such a filter).
 */
import { matchesText, olderThan } from '../lib/filters';
import { sortRows, type SortValue } from '../lib/sort';
import type { AsOf, SentRow, SentWindow, SentWindowRequest } from '../lib/types';
import type { Handler } from './ipc';

const byColumn: Record<string, (r: SentRow) => SortValue> = {
  person: (r) => r.invitation.person.name,
  account: (r) => r.accountLabel,
  age: (r) => r.ageDays,
};

export function sentWindowOf(rows: readonly SentRow[], asOf: AsOf[], request: SentWindowRequest): SentWindow {
  const { filter, sort, offset, limit } = request;
  const only = filter.onlyKeys ? new Set(filter.onlyKeys) : null;
  const scope = rows.filter((r) => filter.accountId === null || r.accountId === filter.accountId);
  const matching = scope.filter(
    (r) =>
      (only === null || only.has(r.key)) &&
      olderThan(r.ageDays, filter.olderThanDays) &&
      matchesText(filter.text, [r.invitation.person.name, r.invitation.person.headline]),
  );
  const sorted = sortRows(matching, byColumn[sort.column], sort.descending ? 'desc' : 'asc');
  return {
    offset,
    rows: sorted.slice(offset, offset + Math.min(limit, 500)),
    matching: matching.length,
    total: scope.length,
    pinned: scope.filter((r) => r.pinned).length,
    asOf,
  };
}

/** Handlers for `sent_window` over `rows()` (read on every call, so a test can change them). */
export function sentWindowBackend(rows: () => readonly SentRow[], asOf: () => AsOf[]): Record<string, Handler> {
  return {
    sent_window: (args) => sentWindowOf(rows(), asOf(), args.request as SentWindowRequest),
  };
}
