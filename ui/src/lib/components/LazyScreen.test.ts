import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import LazyScreen from './LazyScreen.svelte';
import LoadedScreen from '../../test/LoadedScreen.svelte';

describe('a screen loaded when first opened', () => {
  it('shows once its code has loaded', async () => {
    render(LazyScreen, {
      name: 'Loaded',
      load: async () => ({ default: LoadedScreen }),
    });
    expect((await screen.findByTestId('loaded-screen')).textContent).toBe('Loaded');
    expect(screen.queryByTestId('screen-load-error')).toBeNull();
  });

  it('says which screen could not load and what to do, instead of a blank page', async () => {
    render(LazyScreen, {
      name: 'Insights',
      load: () => Promise.reject(new Error('Failed to fetch dynamically imported module')),
    });
    const alert = await screen.findByTestId('screen-load-error');
    expect(alert.textContent).toContain('The Insights screen could not be loaded (Failed to fetch dynamically imported module)');
    expect(alert.textContent).toContain('Restart InviteDesk');
  });
});
