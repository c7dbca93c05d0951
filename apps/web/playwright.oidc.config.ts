// The SSO sign-in spec (e2e/oidc.spec.ts): the same console, API and fresh database as
// playwright.config.ts, plus a real OpenID provider beside the API (E2E_OIDC=1 in
// scripts/e2e-server.mjs). A separate run so the default suite's sign-in page stays password-only.
import { defineConfig } from '@playwright/test';

import base from './playwright.config.ts';

const server = Array.isArray(base.webServer) ? base.webServer[0] : base.webServer;
if (!server) throw new Error('playwright.config.ts has no webServer');

export default defineConfig({
  ...base,
  testIgnore: [],
  testMatch: '**/oidc.spec.ts',
  outputDir: './test-results/playwright-oidc',
  webServer: { ...server, env: { ...server.env, E2E_OIDC: '1' } },
});
