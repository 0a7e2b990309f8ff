import { afterEach, describe, expect, it, vi } from 'vitest';
import { SentWindowSource, REQUERY_EVERY_MS } from './sent-window.svelte';
import { sentWindowOf } from '../test/sent-window-fake';
import { sentRow } from '../test/fixtures';
import type { SentWindow, SentWindowRequest } from './types';

const cached = Array.from({ length: 1_000 }, (_, i) => sentRow(`r${i}`, `Person ${i}`, i % 50));
const query = { filter: { accountId: null, text: '', olderThanDays: null, onlyKeys: null }, sort: { column: 'person' as const, descending: false } };

function source(answer: (r: SentWindowRequest) => Promise<SentWindow> = async (r) => sentWindowOf(cached, [], r)) {
  const requests: SentWindowRequest[] = [];
  const s = new SentWindowSource((r) => {
    requests.push(r);
    return answer(r);
  }, 40);
  return { s, requests };
}

afterEach(() => vi.useRealTimers());

describe('the Sent window source', () => {
  it('asks for the rows in view plus an overscan, and holds only those', async () => {
    const { s, requests } = source();
    s.setRange(500, 520);
    await s.setQuery(query);
    expect(requests.at(-1)).toMatchObject({ offset: 460, limit: 100 });
    expect(s.rows).toHaveLength(100);
    expect(s.offset).toBe(460);
    expect(s.matching).toBe(1_000);
    // A short scroll stays within what is held: no request.
    s.setRange(510, 530);
    expect(requests).toHaveLength(1);
    s.setRange(600, 620);
    expect(requests).toHaveLength(2);
  });

  it('drops the answer to an earlier request that arrives after a later one', async () => {
    const answers: Array<(w: SentWindow) => void> = [];
    const { s } = source((r) => new Promise((resolve) => answers.push(() => resolve(sentWindowOf(cached, [], r)))));
    const first = s.setQuery({ ...query, filter: { ...query.filter, text: 'person 1' } });
    const second = s.setQuery({ ...query, filter: { ...query.filter, text: 'person 12' } });
    answers[1]({} as SentWindow);
    await Promise.resolve();
    answers[0]({} as SentWindow);
    await Promise.all([first, second]);
    expect(s.matching).toBe(cached.filter((r) => r.invitation.person.name.includes('12')).length);
    expect(s.matching).toBeLessThan(cached.filter((r) => r.invitation.person.name.includes('1')).length);
    expect(s.seq).toBe(1);
  });

  it('re-queries rows that change underneath at most every 250 ms, the last change included', async () => {
    vi.useFakeTimers();
    const { s, requests } = source();
    await s.setQuery(query);
    const before = requests.length;
    for (let i = 0; i < 10; i++) s.requerySoon();
    await vi.advanceTimersByTimeAsync(0);
    expect(requests.length - before).toBe(1);
    s.requerySoon();
    s.requerySoon();
    await vi.advanceTimersByTimeAsync(REQUERY_EVERY_MS / 2);
    expect(requests.length - before).toBe(1);
    await vi.advanceTimersByTimeAsync(REQUERY_EVERY_MS);
    expect(requests.length - before).toBe(2);
  });
});

describe('opening the screen', () => {
  it('asks once: the table reporting its first range while the first request is out adds none', async () => {
    const { s, requests } = source();
    s.prepare(query);
    const first = s.fetch();
    s.setRange(0, 0);
    s.setRange(0, 20);
    await first;
    expect(requests).toHaveLength(1);
    expect(s.rows.length).toBeGreaterThanOrEqual(20);
  });
});
