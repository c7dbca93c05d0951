// The reconcile path with the GitOps directory target: runs are recorded, files appear, change, and go.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';

let t: TestApp;
let dir: string;
let approver2: TestUser;

async function files(root: string, sub = ''): Promise<string[]> {
  const entries = await readdir(join(root, sub), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await files(root, rel)));
    else out.push(rel);
  }
  return out.sort();
}

async function reconcileNow(): Promise<{ status: string; counts: { created: number; updated: number; deleted: number; unchanged: number; failed: number }; errors: string[] }> {
  const res = await t.as('approver', { method: 'POST', url: '/api/v1/reconcile', payload: {} });
  expect(res.statusCode, res.body).toBe(202);
  await t.app.reconciler.idle();
  const run = await t.as('viewer', { method: 'GET', url: `/api/v1/reconcile/runs/${res.json<{ runId: string }>().runId}` });
  return run.json();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'egress-gitops-'));
  t = await createTestApp({ env: { EGRESS_TARGET: 'directory', EGRESS_MANIFESTS_DIR: dir, EGRESS_RECONCILE_DEBOUNCE_MS: '50' } });
  approver2 = await t.addUser('approver', 'approver-two');
  await t.app.reconciler.idle();
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('directory target', () => {
  it('writes one file per object, stable paths, and records the run', async () => {
    await t.as('admin', { method: 'PATCH', url: '/api/v1/settings', payload: { enforcedNamespaces: ['payments'] } });
    const dest = await t.as('approver', { method: 'POST', url: '/api/v1/destinations', payload: { host: 'github.com', ports: [{ port: 443, protocol: 'TCP' }], sensitivity: 'sensitive' } });
    expect(dest.statusCode, dest.body).toBe(201);
    const run = await reconcileNow();
    expect(run.status).toBe('succeeded');
    const written = await files(dir);
    expect(written).toContain('egress-gateways/deployment-github-com.yaml');
    expect(written).toContain('egress-gateways/networkpolicy-github-com.yaml');
    expect(written).toContain('payments/networkpolicy-egress-control-default-deny-internet.yaml');
    expect(written.some((f) => f.startsWith('kube-system/configmap-'))).toBe(true);
    const manifests = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests' });
    expect(written).toHaveLength(manifests.json<{ items: unknown[] }>().items.length);
    expect(written.every((f) => !f.includes('.tmp-'))).toBe(true);
  });

  it('a second run with nothing changed reports every object unchanged', async () => {
    const run = await reconcileNow();
    expect(run.status).toBe('succeeded');
    expect(run.counts.created + run.counts.updated + run.counts.deleted).toBe(0);
    expect(run.counts.unchanged).toBe((await files(dir)).length);
  });

  it('an approval rewrites the gateway policy by itself (debounced run after commit)', async () => {
    await t.as('engineer', { method: 'POST', url: '/api/v1/services', payload: { name: 'service.github', namespace: 'payments', selector: { matchLabels: { app: 'github-sync' } } } });
    const grant = await t.as('engineer', { method: 'POST', url: '/api/v1/grants', payload: { service: 'service.github', destination: 'github.com', port: 443, justification: 'Mirror repositories nightly.' } });
    const id = grant.json<{ id: string }>().id;
    await t.as('approver', { method: 'POST', url: `/api/v1/grants/${id}/approve` });
    const second = await t.as(approver2, { method: 'POST', url: `/api/v1/grants/${id}/approve` });
    expect(second.json<{ state: string }>().state).toBe('active');
    const policyFile = join(dir, 'egress-gateways/networkpolicy-github-com.yaml');
    const deadline = Date.now() + 10_000;
    let policy = '';
    while (Date.now() < deadline) {
      policy = await readFile(policyFile, 'utf8');
      if (policy.includes('github-sync')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(policy).toContain('app: github-sync');
    expect(policy).toContain('kubernetes.io/metadata.name: payments');
  });

  it('removes files of objects no longer desired', async () => {
    const list = await t.as('viewer', { method: 'GET', url: '/api/v1/destinations' });
    const gh = list.json<{ items: { id: string; host: string }[] }>().items.find((d) => d.host === 'github.com');
    const del = await t.as('admin', { method: 'DELETE', url: `/api/v1/destinations/${gh?.id ?? ''}?force=true` });
    expect(del.statusCode, del.body).toBe(204);
    const run = await reconcileNow();
    expect(run.counts.deleted).toBeGreaterThanOrEqual(6);
    expect((await files(dir)).some((f) => f.includes('github-com'))).toBe(false);
  });

  it('a dry run reports changes without writing', async () => {
    await t.as('approver', { method: 'POST', url: '/api/v1/destinations', payload: { host: 'api.stripe.com', ports: [{ port: 443, protocol: 'TCP' }], sensitivity: 'standard' } });
    const before = await files(dir);
    const res = await t.as('approver', { method: 'POST', url: '/api/v1/reconcile', payload: { dryRun: true } });
    // The destination change also queued a real run; wait for both.
    await t.app.reconciler.idle();
    const run = await t.as('viewer', { method: 'GET', url: `/api/v1/reconcile/runs/${res.json<{ runId: string }>().runId}` });
    const body = run.json<{ dryRun: boolean; status: string }>();
    expect(body.dryRun).toBe(true);
    expect(body.status).toBe('succeeded');
    expect(before.some((f) => f.includes('api-stripe-com'))).toBe(false);
  });

  it('lists runs newest first with counts, and needs approver to trigger', async () => {
    const runs = await t.as('viewer', { method: 'GET', url: '/api/v1/reconcile/runs?limit=5' });
    const items = runs.json<{ items: { startedAt: string; target: string; counts: object }[] }>().items;
    expect(items.length).toBeGreaterThan(1);
    expect(items[0]?.target).toBe('directory');
    expect([...items].sort((a, b) => b.startedAt.localeCompare(a.startedAt))).toEqual(items);
    expect((await t.as('engineer', { method: 'POST', url: '/api/v1/reconcile', payload: {} })).statusCode).toBe(403);
  });
});
