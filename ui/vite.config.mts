import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The dashboard is plain Preact compiled by Vite's own JSX transform (Oxc): no framework plugin needed.
// The service serves the output at /ui/ (src/ui/ui.module.ts); dist/ is left to `nest build`, which empties it.
export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(import.meta.dirname, '../dist-ui'),
    emptyOutDir: true,
    target: 'es2022',
    // Small enough to ship without maps; the sources are in the repository.
    sourcemap: false,
  },
  server: {
    // `npx vite ui` during development, with the API of `npm start` on port 3000 behind it.
    proxy: { '/jobs': 'http://localhost:3000', '/schedules': 'http://localhost:3000' },
  },
});
