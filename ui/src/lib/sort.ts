/** Stable sort with nulls last in both directions, numbers numerically, text by locale. */
import { onFirstUse } from './format';

export type SortValue = string | number | null | undefined;
export type SortDir = 'asc' | 'desc';

// Tables sorted by the core (Sent) never compare text here, so they never build it.
const collator = onFirstUse(() => new Intl.Collator(undefined, { sensitivity: 'base', numeric: true }));

function compareValues(a: SortValue, b: SortValue): number {
  const an = a === null || a === undefined || a === '';
  const bn = b === null || b === undefined || b === '';
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator().compare(String(a), String(b));
}

export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, dir: SortDir): T[] {
  // Decorate once: the accessor may be costly and sort calls the comparator n·log n times.
  const decorated = rows.map((row, index) => ({ row, index, v: value(row) }));
  const sign = dir === 'asc' ? 1 : -1;
  decorated.sort((x, y) => {
    const xn = x.v === null || x.v === undefined || x.v === '';
    const yn = y.v === null || y.v === undefined || y.v === '';
    if (xn || yn) return xn === yn ? x.index - y.index : xn ? 1 : -1;
    return sign * compareValues(x.v, y.v) || x.index - y.index;
  });
  return decorated.map((d) => d.row);
}
