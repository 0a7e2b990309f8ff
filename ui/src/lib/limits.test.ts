import { describe, expect, it } from 'vitest';
import { limitText } from './limits';
import type { Limit } from './types';

const EDGES_SOURCE =
  'Edges smart limit: 25 connection requests per identity per rolling 24 h (30 with Sales Navigator)';
const limit = (over: Partial<Limit>): Limit => ({
  action: 'CONNECT',
  used: null,
  limit: 25,
  remaining: null,
  resetsAt: null,
  source: EDGES_SOURCE,
  ...over,
});

describe('limitText', () => {
  it('says in words what a limit without a count means, never "?"', () => {
    const text = limitText(limit({}), 'Edges');
    expect(text).toBe('Edges allows about 25 a day; usage not reported.');
    expect(text).not.toContain('?');
  });

  it('says none are left, and until when, when the provider blocked requests', () => {
    const at = '2030-05-01T10:00:00Z';
    expect(limitText(limit({ remaining: 0, resetsAt: at }), 'Edges')).toMatch(/^Edges allows about 25 a day; none left until .*2030/);
    expect(limitText(limit({ remaining: 0 }), 'Edges')).toBe('Edges allows about 25 a day; none left for now.');
    expect(limitText(limit({ remaining: 7 }), 'Edges')).toBe('Edges allows about 25 a day; 7 left.');
  });

  it('keeps "used of limit" when the provider counts', () => {
    expect(limitText(limit({ used: 12, limit: 100, source: 'ConnectSafely weekly limit' }), 'ConnectSafely')).toBe(
      'ConnectSafely weekly limit: 12 of 100 used.',
    );
    expect(limitText(limit({ limit: 100, source: 'Demo weekly invitation limit' }), 'Demo')).toBe(
      'Demo allows about 100 a week; usage not reported.',
    );
  });
});
