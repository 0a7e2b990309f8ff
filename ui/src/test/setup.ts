// Shared test setup: jsdom lacks a few browser APIs the UI touches.
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';

if (!window.crypto?.getRandomValues) {
  // mockIPC registers callbacks with random ids.
  Object.defineProperty(window, 'crypto', { value: globalThis.crypto });
}

afterEach(() => {
  cleanup();
  clearMocks();
});
