import { describe, expect, it } from 'vitest';
import { matchesText, olderThan, parseDays } from './filters';
import { selectRange, toggleAll } from './selection';

describe('older than N days', () => {
  it('uses only the lower bound of the age', () => {
    // "about 2 weeks" is at least 14 days: it counts as 14, never more.
    expect(olderThan(14, 14)).toBe(true);
    expect(olderThan(14, 15)).toBe(false);
    expect(olderThan(13, 14)).toBe(false);
  });

  it('never matches an unknown age and filters nothing without N', () => {
    expect(olderThan(null, 1)).toBe(false);
    expect(olderThan(null, null)).toBe(true);
    expect(olderThan(3, null)).toBe(true);
    expect(olderThan(3, 0)).toBe(true);
  });

  it('parses the days field', () => {
    expect(parseDays('30')).toBe(30);
    expect(parseDays(' 7 ')).toBe(7);
    expect(parseDays('')).toBeNull();
    expect(parseDays(null)).toBeNull();
    expect(parseDays('-3')).toBeNull();
    expect(parseDays('abc')).toBeNull();
    expect(parseDays(12.7)).toBe(12);
  });
});

describe('text filter', () => {
  it('matches every word, ignoring case and accents, across fields', () => {
    expect(matchesText('jose garcia', ['José García', 'CTO'])).toBe(true);
    expect(matchesText('cto jose', ['José García', 'CTO at Acme'])).toBe(true);
    expect(matchesText('cfo', ['José García', 'CTO at Acme'])).toBe(false);
    expect(matchesText('  ', ['anything'])).toBe(true);
    expect(matchesText('x', [null, undefined])).toBe(false);
  });
});

describe('selection rules', () => {
  const keys = ['a', 'b', 'c', 'd', 'e'];
  it('sets a range from the anchor in either direction', () => {
    expect([...selectRange(new Set(), keys, 'd', 'b', true)].sort()).toEqual(['b', 'c', 'd']);
    expect([...selectRange(new Set(keys), keys, 'a', 'c', false)].sort()).toEqual(['d', 'e']);
    expect([...selectRange(new Set(), keys, null, 'c', true)]).toEqual(['c']);
  });

  it('toggles all visible keys and leaves hidden selections alone', () => {
    const hidden = new Set(['z']);
    const all = toggleAll(hidden, keys);
    expect([...all].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'z']);
    expect([...toggleAll(all, keys)]).toEqual(['z']);
  });
});
