/** Selection rules of the data tables, kept pure so they are tested without a DOM. */

/** Toggles one key. Returns a new set (screens treat selections as immutable). */
export function toggleKey(selected: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(selected);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}

/**
 * Shift-click: every row between the anchor and the clicked row (inclusive, in the order the
 * table shows them) takes the state `value`. Without a visible anchor only the clicked row does.
 */
export function selectRange(
  selected: ReadonlySet<string>,
  orderedKeys: readonly string[],
  anchorKey: string | null,
  targetKey: string,
  value: boolean,
): Set<string> {
  const next = new Set(selected);
  const to = orderedKeys.indexOf(targetKey);
  const from = anchorKey === null ? -1 : orderedKeys.indexOf(anchorKey);
  const [lo, hi] = from === -1 ? [to, to] : [Math.min(from, to), Math.max(from, to)];
  for (let i = lo; i <= hi && i >= 0; i++) {
    if (value) next.add(orderedKeys[i]);
    else next.delete(orderedKeys[i]);
  }
  return next;
}

/** Keys of `visible` that are selected, in table order: what a bulk action acts on. */
export function selectedAmong(selected: ReadonlySet<string>, visible: readonly string[]): string[] {
  return visible.filter((k) => selected.has(k));
}

/** "Select all matching": adds every visible key, or removes them all when all are selected. */
export function toggleAll(selected: ReadonlySet<string>, visible: readonly string[]): Set<string> {
  const all = visible.length > 0 && visible.every((k) => selected.has(k));
  const next = new Set(selected);
  for (const k of visible) {
    if (all) next.delete(k);
    else next.add(k);
  }
  return next;
}
