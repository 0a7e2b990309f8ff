import { describe, expect, it } from 'vitest';
import { NOTHING, isSelected, selectedCount, setKeys, toSentSelection, toggleEverything } from './rule-selection';

const filter = { accountId: null, text: 'ada', olderThanDays: 30, onlyKeys: null };

describe('a selection kept as a rule', () => {
  it('counts hand-picked rows, and sends exactly those keys', () => {
    const sel = setKeys(setKeys(NOTHING, ['a', 'b', 'c'], true), ['b'], false);
    expect(isSelected(sel, 'a')).toBe(true);
    expect(isSelected(sel, 'b')).toBe(false);
    expect(selectedCount(sel, 100_000)).toBe(2);
    expect(toSentSelection(sel, filter)).toEqual({ kind: 'keys', keys: ['a', 'c'] });
  });

  it('"select all" is every matching row but the ones unticked since, never a list of them', () => {
    let sel = toggleEverything(NOTHING, 100_000);
    expect(isSelected(sel, 'any-row')).toBe(true);
    expect(selectedCount(sel, 100_000)).toBe(100_000);
    sel = setKeys(sel, ['x', 'y'], false);
    expect(isSelected(sel, 'x')).toBe(false);
    expect(selectedCount(sel, 100_000)).toBe(99_998);
    sel = setKeys(sel, ['y'], true);
    expect(selectedCount(sel, 100_000)).toBe(99_999);
    expect(toSentSelection(sel, filter)).toEqual({ kind: 'allMatching', filter, except: ['x'] });
  });

  it('the header checkbox clears a full selection and completes a partial one', () => {
    const all = toggleEverything(NOTHING, 10);
    expect(toggleEverything(all, 10)).toEqual(NOTHING);
    const partial = setKeys(all, ['x'], false);
    expect(selectedCount(toggleEverything(partial, 10), 10)).toBe(10);
    expect(selectedCount(toggleEverything(setKeys(NOTHING, ['a'], true), 10), 10)).toBe(10);
    expect(toggleEverything(NOTHING, 0)).toEqual({ all: true, except: new Set() });
  });
});
