import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import { partialText } from './partial';
import Sent from '../screens/Sent.svelte';
import { app } from './app-state.svelte';
import { jobs } from './jobs.svelte';
import { mockBackend } from '../test/ipc';
import { sentWindowBackend } from '../test/sent-window-fake';
import { account, sentRow } from '../test/fixtures';

const stop = { pages: 312, fetched: 31_200, expectedTotal: 52_000, reason: 'Edges did not answer in time.' };

describe('a refresh that stopped part-way', () => {
  it('is said with what is shown, of how many, where it stopped and why', () => {
    expect(partialText('Agency', stop)).toBe(
      'Agency: showing 31,200 of ~52,000: the refresh stopped at page 312: Edges did not answer in time.',
    );
    expect(partialText('Agency', { ...stop, expectedTotal: null, reason: 'Edges still had more after 312 pages' })).toBe(
      'Agency: showing 31,200: the refresh stopped at page 312: Edges still had more after 312 pages.',
    );
  });

  it('is marked over the Sent list, with its rows kept', async () => {
    app.accounts = [account()];
    app.accountsLoaded = true;
    const rows = [sentRow('a', 'Ada', 40), sentRow('b', 'Bob', 50)];
    mockBackend({
      list_accounts: () => [account()],
      ...sentWindowBackend(() => rows, () => [{ accountId: 'acc-1', at: new Date().toISOString(), partial: stop }]),
    });
    void jobs.start();
    render(Sent);
    await waitFor(() => expect(screen.getAllByTestId('sent-row')).toHaveLength(2));
    const notice = await screen.findByTestId('refresh-partial');
    expect(notice.textContent).toContain('Sales: showing 31,200 of ~52,000: the refresh stopped at page 312');
    expect(notice.textContent).toContain('never taken as withdrawn or gone');
  });
});
