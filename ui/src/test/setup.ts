// Shared test setup: jsdom lacks a few browser APIs the UI touches.
import { afterEach, beforeEach } from 'vitest';
import { cleanup } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { app } from '../lib/app-state.svelte';
import { jobs } from '../lib/jobs.svelte';

if (!window.crypto?.getRandomValues) {
  // mockIPC registers callbacks with random ids.
  Object.defineProperty(window, 'crypto', { value: globalThis.crypto });
}

// The app's state is one module-level object per test file: every test starts from none and
// leaves none behind, whichever screen or store it touched.
beforeEach(() => {
  app.reset();
  jobs.reset();
});
// Resets first: stopping the jobs store unlistens through the mocked IPC, which clearMocks removes.
afterEach(() => {
  app.reset();
  jobs.reset();
  cleanup();
  clearMocks();
});
