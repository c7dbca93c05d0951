import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// In development Vite serves the console and proxies the API; in production the API serves dist/.
export default defineConfig({
  plugins: [react()],
  // The Public Suffix List check in @egress/shared (tldts): the package's own minified build is 50 KB
  // gzipped; what the bundler makes of its ES modules is 117 KB, over the first-route budget.
  resolve: { alias: { tldts: 'tldts/dist/index.esm.min.js' } },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      '/readyz': 'http://127.0.0.1:8080',
    },
  },
  // The manifest feeds scripts/bundle-size.mjs (first-route budget).
  build: { outDir: 'dist', sourcemap: true, manifest: true },
  // Unit tests live beside the code; e2e/ belongs to Playwright.
  test: { include: ['src/**/*.test.{ts,tsx}'] },
});
