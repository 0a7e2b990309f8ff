/**
 * A selection over a table the page holds only a window of (Sent at 100,000 rows): either the
 * rows picked by hand, or "every row matching the filter" minus the ones unticked since. The
 * page never lists the matching keys; the core expands the rule when a preview is built.
 */
import type { SentFilter, SentSelection } from './types';

export type RuleSelection =
  | { all: false; keys: ReadonlySet<string> }
  | { all: true; except: ReadonlySet<string> };

export const NOTHING: RuleSelection = { all: false, keys: new Set() };

export function isSelected(sel: RuleSelection, key: string): boolean {
  return sel.all ? !sel.except.has(key) : sel.keys.has(key);
}

/** Sets these keys (a click, or a shift-click's range among the rows the page holds). */
export function setKeys(sel: RuleSelection, keys: readonly string[], value: boolean): RuleSelection {
  if (sel.all) {
    const except = new Set(sel.except);
    for (const k of keys) {
      if (value) except.delete(k);
      else except.add(k);
    }
    return { all: true, except };
  }
  const picked = new Set(sel.keys);
  for (const k of keys) {
    if (value) picked.add(k);
    else picked.delete(k);
  }
  return { all: false, keys: picked };
}

/** How many rows are selected, out of `matching` rows that match the filter. */
export function selectedCount(sel: RuleSelection, matching: number): number {
  return sel.all ? Math.max(0, matching - sel.except.size) : sel.keys.size;
}

/** The header checkbox: everything matching, or nothing when everything already is. */
export function toggleEverything(sel: RuleSelection, matching: number): RuleSelection {
  return matching > 0 && selectedCount(sel, matching) === matching ? NOTHING : { all: true, except: new Set() };
}

/** The rule the core expands into the withdrawal preview; `filter` is the one the table shows. */
export function toSentSelection(sel: RuleSelection, filter: SentFilter): SentSelection {
  return sel.all
    ? { kind: 'allMatching', filter, except: [...sel.except] }
    : { kind: 'keys', keys: [...sel.keys] };
}
