// The e2e specs that need a real Kubernetes API server (*.cluster.spec.ts): the same console, API and
// fresh database as playwright.config.ts, but the API reconciles into an etcd + kube-apiserver started
// from the Go harness (E2E_TARGET=kubernetes in scripts/e2e-server.mjs). A separate run so the default
// suite does not pay for a control plane; `pnpm test` runs both.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defineConfig } from '@playwright/test';

import base from './playwright.config.ts';

// Where the e2e server writes the cluster's admin credentials; chosen here so workers inherit it.
process.env.E2E_CLUSTER_FILE ??= join(tmpdir(), `egress-e2e-cluster-${process.pid}.json`);

const server = Array.isArray(base.webServer) ? base.webServer[0] : base.webServer;
if (!server) throw new Error('playwright.config.ts has no webServer');

export default defineConfig({
  ...base,
  testIgnore: [],
  testMatch: '**/*.cluster.spec.ts',
  outputDir: './test-results/playwright-cluster',
  // Start-up includes the control plane (4–11 s) next to the API.
  webServer: {
    ...server,
    env: { ...server.env, E2E_TARGET: 'kubernetes', E2E_CLUSTER_FILE: process.env.E2E_CLUSTER_FILE },
  },
});
