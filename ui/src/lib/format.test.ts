import { describe, expect, it } from 'vitest';
import { formatAge, formatCount, formatDate, formatWeekdayDate, plural } from './format';

describe('formatCount', () => {
  it('groups whole numbers in threes, as en-US does', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(100000)).toBe('100,000');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-1234)).toBe('-1,234');
  });

  it('reads the same as Intl for every size of count', () => {
    const intl = new Intl.NumberFormat('en-US');
    for (let n = 1; n < 1e15; n = n * 7 + 3) expect(formatCount(n)).toBe(intl.format(n));
  });

  it('leaves numbers that are not whole counts to Intl', () => {
    expect(formatCount(1234.5)).toBe('1,234.5');
    expect(formatCount(Number.NaN)).toBe('NaN');
  });
});

describe('words around counts', () => {
  it('pluralises with the grouped count', () => {
    expect(plural(1, 'day')).toBe('1 day');
    expect(plural(10000, 'pending invitation')).toBe('10,000 pending invitations');
    expect(formatAge(1200, false)).toBe('about 1,200 days');
  });

  it('formats dates in the user locale once asked', () => {
    const iso = '2026-03-04T10:00:00Z';
    const expected = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(iso));
    expect(formatDate(iso)).toBe(expected);
    expect(formatDate('not a date')).toBe('—');
  });

  it('names the weekday of a coming day (limits: resets, when a backlog clears)', () => {
    const iso = '2026-12-07T00:00:00Z';
    const expected = new Date(iso).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
    expect(formatWeekdayDate(iso)).toBe(expected);
    expect(formatWeekdayDate(null)).toBe('—');
  });
});
