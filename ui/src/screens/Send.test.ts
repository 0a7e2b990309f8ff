import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Send from './Send.svelte';
import { app } from '../lib/app-state.svelte';
import { callsOf, mockBackend, type Handler } from '../test/ipc';
import { account, accountLimits } from '../test/fixtures';

function setup(handlers: Record<string, Handler> = {}) {
  app.accounts = [account()];
  app.accountsLoaded = true;
  const calls = mockBackend({ limits_at_a_glance: () => accountLimits(), ...handlers });
  render(Send);
  return calls;
}

const field = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const submit = () => screen.getByTestId('send-submit') as HTMLButtonElement;


describe('Send screen', () => {
  it('counts the trimmed note as the provider does against the account limit and blocks a long one', async () => {
    setup();
    await fireEvent.input(field('send-profile-url'), { target: { value: 'https://www.linkedin.com/in/jane' } });
    const count = screen.getByTestId('send-note-count');
    expect(count.textContent?.trim()).toBe('0 / 300');
    expect(submit().disabled).toBe(false);

    await fireEvent.input(field('send-note'), { target: { value: 'x'.repeat(300) } });
    expect(count.textContent?.trim()).toBe('300 / 300');
    expect(count.dataset.over).toBe('false');
    expect(submit().disabled).toBe(false);

    await fireEvent.input(field('send-note'), { target: { value: 'x'.repeat(312) } });
    expect(count.textContent?.trim()).toBe('312 / 300');
    expect(count.dataset.over).toBe('true');
    expect(count.classList.contains('over')).toBe(true);
    expect(screen.getByRole('alert').textContent).toContain('12 characters too long');
    expect(submit().disabled).toBe(true);

    // 300 characters on screen, but the emoji counts 2 for ConnectSafely: one too many.
    await fireEvent.input(field('send-note'), { target: { value: 'x'.repeat(299) + '👋' } });
    expect(count.textContent?.trim()).toBe('301 / 300');
    expect(count.dataset.over).toBe('true');
    expect(submit().disabled).toBe(true);
    expect(count.title).toContain('an emoji (and a few rare characters) counts as 2');
  });

  it('shows the weekly limit the provider reports', async () => {
    setup({
      limits_at_a_glance: () =>
        accountLimits([
          { action: 'CONNECT', used: 12, limit: 100, remaining: 88, resetsAt: null, source: 'ConnectSafely weekly limit' },
        ]),
    });
    expect((await screen.findByTestId('send-limit')).textContent).toContain('ConnectSafely weekly limit: 12 of 100 used');
  });

  it('names the provider once and says in words what an uncounted limit means', async () => {
    const edges = account({ id: 'acc-e', label: 'Ada Lovelace (Edges)', provider: 'edges' });
    app.accounts = [edges];
    app.accountsLoaded = true;
    mockBackend({
      limits_at_a_glance: () =>
        accountLimits(
          [
            {
              action: 'CONNECT', used: null, limit: 25, remaining: null, resetsAt: null,
              source: 'Edges smart limit: 25 connection requests per identity per rolling 24 h (30 with Sales Navigator)',
            },
          ],
          { accountId: 'acc-e', label: 'Ada Lovelace (Edges)', provider: 'edges' },
        ),
    });
    render(Send);
    const limit = await screen.findByTestId('send-limit');
    expect(limit.textContent?.trim()).toBe('Edges allows about 25 a day; usage not reported.');
    expect(limit.textContent).not.toContain('?');
    expect(limit.title).toContain('30 with Sales Navigator');
    const from = screen.getByTestId('send-from').textContent!.replace(/\s+/g, ' ');
    expect(from).toContain('From Ada Lovelace (Edges).');
    expect(from).not.toContain('(Edges) (Edges)');
    const option = within(screen.getByTestId('account-switcher')).getByRole('option', { selected: true });
    expect(option.textContent).toBe('Ada Lovelace (Edges)');
  });

  it('adds the provider to a label that does not name it', async () => {
    setup();
    expect(screen.getByTestId('send-from').textContent!.replace(/\s+/g, ' ')).toContain('From Sales (ConnectSafely).');
    expect(within(screen.getByTestId('account-switcher')).getByRole('option', { selected: true }).textContent).toBe(
      'Sales · ConnectSafely',
    );
  });

  it('keeps the form and shows the error on refusal, clears it after success', async () => {
    let refuse = true;
    const calls = setup({
      send_invitation: () => {
        if (refuse) {
          throw {
            kind: 'alreadyInvited',
            message: 'You withdrew an invitation to <b>jane</b> on 2024-05-03; LinkedIn blocks a new one until 2024-05-24.',
          };
        }
        return 'done';
      },
    });
    const url = 'https://www.linkedin.com/in/jane';
    await fireEvent.input(field('send-profile-url'), { target: { value: url } });
    await fireEvent.input(field('send-note'), { target: { value: '  Hello Jane  ' } });
    await fireEvent.click(submit());

    const result = await screen.findByTestId('send-result');
    expect(result.dataset.outcome).toBe('error');
    const banner = within(result).getByTestId('error-banner');
    expect(banner.dataset.kind).toBe('alreadyInvited');
    // A stranger's text stays text.
    expect(within(banner).getByTestId('error-message').textContent).toContain('<b>jane</b> on 2024-05-03');
    expect(banner.querySelector('b')).toBeNull();
    expect(field('send-profile-url').value).toBe(url);
    expect(field('send-note').value).toBe('  Hello Jane  ');
    expect(callsOf(calls, 'send_invitation')[0].args).toEqual({
      accountId: 'acc-1',
      request: { profileUrl: url, note: '  Hello Jane  ' },
    });

    refuse = false;
    await fireEvent.click(submit());
    await waitFor(() => expect(screen.getByTestId('send-result').dataset.outcome).toBe('sent'));
    expect(screen.getByTestId('send-result').textContent).toContain('Invitation sent to https://www.linkedin.com/in/jane');
    expect(field('send-profile-url').value).toBe('');
    expect(field('send-note').value).toBe('');
    expect(submit().disabled).toBe(true);
  });

  it('sends no note when the note is blank', async () => {
    const calls = setup({ send_invitation: () => 'done' });
    await fireEvent.input(field('send-profile-url'), { target: { value: ' https://www.linkedin.com/in/sam ' } });
    await fireEvent.input(field('send-note'), { target: { value: '   ' } });
    await fireEvent.click(submit());
    await screen.findByTestId('send-result');
    expect(callsOf(calls, 'send_invitation')[0].args.request).toEqual({
      profileUrl: 'https://www.linkedin.com/in/sam',
      note: null,
    });
  });
  it('counts a single send in the header meter and asks for the limits once per load', async () => {
    let sentToday = 0;
    const calls = setup({
      limits_at_a_glance: () => {
        const l = accountLimits();
        return { ...l, caps: l.caps.map((c) => (c.kind === 'send' ? { ...c, usedToday: sentToday, left: c.cap - sentToday } : c)) };
      },
      send_invitation: () => {
        sentToday += 1;
        return 'done';
      },
    });
    expect((await screen.findByTestId('limits-meter')).textContent).toContain('30 of 30');
    expect(callsOf(calls, 'limits_at_a_glance')).toHaveLength(1);
    await fireEvent.input(field('send-profile-url'), { target: { value: 'https://www.linkedin.com/in/jane' } });
    await fireEvent.click(submit());
    await waitFor(() => expect(screen.getByTestId('limits-meter').textContent).toContain('29 of 30'));
    expect(callsOf(calls, 'limits_at_a_glance')).toHaveLength(2);
  });
});
