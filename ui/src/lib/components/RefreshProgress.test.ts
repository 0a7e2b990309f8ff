import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import RefreshProgress from './RefreshProgress.svelte';
import { ScreenData } from '../snapshot.svelte';

afterEach(() => vi.useRealTimers());

/** A refresh whose provider never answers. */
function hangingRefresh() {
  const data = new ScreenData<{ key: string }>(
    'sent',
    async () => ({ rows: [], asOf: [] }),
    () => new Promise(() => {}),
  );
  void data.refresh('acc-1');
  return data;
}

describe('Refresh bar', () => {
  it('shows the time spent and the retry with its attempt while a provider keeps timing out', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const data = hangingRefresh();
    render(RefreshProgress, { data });
    const bar = screen.getByTestId('refresh-progress');
    expect(bar.getAttribute('role')).toBe('status');
    expect(bar.textContent).toContain('Refreshing from the provider…');
    // The first seconds: nothing to add.
    expect(screen.queryByTestId('refresh-elapsed')).toBeNull();

    vi.advanceTimersByTime(30_000);
    await tick();
    expect(screen.getByTestId('refresh-elapsed').textContent).toBe('30 s');

    const retrying = 'ConnectSafely did not answer in time; retrying page 1 (attempt 2 of 4)…';
    data.onProgress({ accountId: 'acc-1', screen: 'sent', fetched: 0, total: null, done: false, notice: retrying });
    vi.advanceTimersByTime(35_000);
    await tick();
    expect(screen.getByTestId('refresh-notice').textContent).toBe(retrying);
    expect(screen.getByTestId('refresh-elapsed').textContent).toBe('1 min 05 s');
    // The ticking clock is not read out every second; the notice (in the live region) is.
    expect(screen.getByTestId('refresh-elapsed').getAttribute('aria-hidden')).toBe('true');
  });

  it('is gone once the refresh ends', async () => {
    const data = new ScreenData<{ key: string }>('sent', async () => ({ rows: [], asOf: [] }), async () => ({ accounts: [] }));
    render(RefreshProgress, { data });
    await data.refresh(null);
    await tick();
    expect(screen.queryByTestId('refresh-progress')).toBeNull();
    expect(data.refreshStartedAt).toBeNull();
  });
});
