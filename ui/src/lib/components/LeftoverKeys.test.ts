import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import LeftoverKeys from './LeftoverKeys.svelte';
import { callsOf, mockBackend } from '../../test/ipc';
import type { OrphanedKey } from '../types';

const orphan = (id: string, kind: OrphanedKey['kind'] = 'apiKey'): OrphanedKey => ({
  entry: `account:${id}:${kind === 'loginToken' ? 'login-token' : 'api-key'}`,
  accountId: id,
  kind,
});

afterEach(() => document.body.replaceChildren());

describe('Leftover keys', () => {
  it('shows nothing when every key has its account', async () => {
    const calls = mockBackend({ list_orphaned_keys: () => [] });
    render(LeftoverKeys);
    await waitFor(() => expect(callsOf(calls, 'list_orphaned_keys')).toHaveLength(1));
    expect(screen.queryByTestId('leftover-keys')).toBeNull();
  });

  it('lists leftover entries by name and deletes exactly those after a confirmation', async () => {
    let left = [orphan('7f3a'), orphan('7f3a', 'loginToken')];
    const calls = mockBackend({
      list_orphaned_keys: () => left,
      delete_orphaned_keys: ({ entries }) => {
        left = left.filter((k) => !entries.includes(k.entry));
        return left;
      },
    });
    render(LeftoverKeys);
    await waitFor(() => expect(screen.getAllByTestId('leftover-key')).toHaveLength(2));
    const text = screen.getByTestId('leftover-keys').textContent ?? '';
    expect(text).toContain('API key of a removed account (id 7f3a)');
    expect(text).toContain('LinkedIn login token (LinkupAPI)');
    expect(text).toContain('account:7f3a:login-token');

    await fireEvent.click(screen.getByTestId('leftover-keys-delete'));
    expect(callsOf(calls, 'delete_orphaned_keys')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('leftover-keys-confirm'));
    await waitFor(() => expect(screen.getByTestId('leftover-keys-deleted').textContent).toContain('2 leftover keys were deleted'));
    expect(callsOf(calls, 'delete_orphaned_keys')[0].args.entries).toEqual(['account:7f3a:api-key', 'account:7f3a:login-token']);
    expect(screen.queryAllByTestId('leftover-key')).toHaveLength(0);
  });

  it('says when the keyring cannot be listed', async () => {
    mockBackend({
      list_orphaned_keys: () => {
        throw { kind: 'keyringUnavailable', message: 'The system keyring is locked.' };
      },
    });
    render(LeftoverKeys);
    await waitFor(() => expect(screen.getByTestId('leftover-keys').textContent).toContain('The system keyring is locked.'));
  });
});
