// Builds the UI over the mock backend into ui/.preview-dist, for looking at it in a browser.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: fileURLToPath(new URL('../public', import.meta.url)),
  plugins: [svelte({ compilerOptions: { css: 'external' } })],
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../.preview-dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
});
