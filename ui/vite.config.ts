import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The webview runs under a strict CSP (`script-src 'self'; style-src 'self'`), so the build must
// emit only files: component styles go to a CSS file (`css: 'external'`, the plugin's default for
// builds) and nothing is inlined into index.html (`assetsInlineLimit: 0` also keeps small assets
// as files rather than data: URLs in scripts).
export default defineConfig({
  plugins: [svelte({ compilerOptions: { css: 'external' } })],
  // Relative asset URLs so the bundle works from Tauri's custom protocol and from a file preview.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    rollupOptions: {
      output: {
        // Everything the first screen imports in one script and one stylesheet: Rollup put the
        // modules shared with the lazily loaded screens in chunks of their own, and each file is
        // a request through the app's asset protocol before the first script can run (three
        // fewer requests: ~13 ms sooner to the first script, `make bench-startup`). Screens
        // loaded on first open keep their own chunks.
        manualChunks(id, { getModuleInfo }) {
          const seen = new Set<string>();
          const inEntry = (m: string): boolean => {
            if (seen.has(m)) return false;
            seen.add(m);
            const info = getModuleInfo(m);
            if (!info) return false;
            if (info.isEntry) return true;
            return info.importers.some(inEntry);
          };
          return inEntry(id) ? 'index' : undefined;
        },
      },
    },
  },
  server: { strictPort: true, port: 5173 },
  // Vitest needs Svelte's browser build to mount components (toolchain.md §2.5).
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
