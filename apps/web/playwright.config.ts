// End-to-end tests in Debian's Chromium against the real API serving the built console, on a fresh
// database per run (see scripts/e2e-server.mjs). Specs sign in and seed through the API.
import { execFileSync } from 'node:child_process';

import { defineConfig } from '@playwright/test';

import { ADMIN } from './e2e/support/users.ts';

// Chosen once in the main process; workers inherit it through the environment.
process.env.E2E_PORT ??= execFileSync(
  process.execPath,
  [
    '-e',
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
  ],
  { encoding: 'utf8' },
).trim();
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;
const build = process.env.E2E_SKIP_BUILD ? '' : 'pnpm run build && ';

export default defineConfig({
  testDir: './e2e',
  // Specs that need a real kube-apiserver or OpenID provider run under playwright.cluster.config.ts and
  // playwright.oidc.config.ts (both part of `pnpm test`).
  testIgnore: ['**/*.cluster.spec.ts', '**/oidc.spec.ts'],
  outputDir: './test-results/playwright',
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `${build}node scripts/e2e-server.mjs`,
    url: `${baseURL}/readyz`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: {
      E2E_PORT: process.env.E2E_PORT,
      EGRESS_ADMIN_EMAIL: ADMIN.email,
      EGRESS_ADMIN_PASSWORD: ADMIN.password,
    },
  },
});
