// The reconcile path with the GitOps directory target: runs are recorded, files appear, change, and go.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { settled } from '../helpers/reconcile.ts';
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

/** Every file under the folder with its content. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of await files(root)) out.set(f, await readFile(join(root, f), 'utf8'));
  return out;
}

interface RunDetail {
  dryRun: boolean;
  status: string;
  counts: { created: number; updated: number; deleted: number; unchanged: number; failed: number };
  objects: { kind: string; namespace: string | null; name: string; action: string }[];
}

async function reconcileNow(): Promise<{
  status: string;
  counts: { created: number; updated: number; deleted: number; unchanged: number; failed: number };
  errors: string[];
}> {
  const res = await t.as('approver', { method: 'POST', url: '/api/v1/reconcile', payload: {} });
  expect(res.statusCode, res.body).toBe(202);
  await settled(t.app);
  const run = await t.as('viewer', {
    method: 'GET',
    url: `/api/v1/reconcile/runs/${res.json<{ runId: string }>().runId}`,
  });
  return run.json();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'egress-gitops-'));
  t = await createTestApp({ env: { EGRESS_TARGET: 'directory', EGRESS_MANIFESTS_DIR: dir } });
  approver2 = await t.addUser('approver', 'approver-two');
  await settled(t.app);
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('directory target', () => {
  it('writes one file per object, stable paths, and records the run', async () => {
    await t.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { enforcedNamespaces: ['payments'] },
    });
    const dest = await t.as('approver', {
      method: 'POST',
      url: '/api/v1/destinations',
      payload: { host: 'github.com', ports: [{ port: 443, protocol: 'TCP' }], sensitivity: 'sensitive' },
    });
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

  it('an approval rewrites the gateway policy by itself (a run right after commit)', async () => {
    await t.as('engineer', {
      method: 'POST',
      url: '/api/v1/services',
      payload: {
        name: 'service.github',
        namespace: 'payments',
        selector: { matchLabels: { app: 'github-sync' } },
      },
    });
    const grant = await t.as('engineer', {
      method: 'POST',
      url: '/api/v1/grants',
      payload: {
        service: 'service.github',
        destination: 'github.com',
        port: 443,
        justification: 'Mirror repositories nightly.',
      },
    });
    const id = grant.json<{ id: string }>().id;
    await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${id}/approve`,
      payload: { comment: 'Reviewed for the test.' },
    });
    const second = await t.as(approver2, {
      method: 'POST',
      url: `/api/v1/grants/${id}/approve`,
      payload: { comment: 'Reviewed for the test.' },
    });
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
    const gh = list
      .json<{ items: { id: string; host: string }[] }>()
      .items.find((d) => d.host === 'github.com');
    const del = await t.as('admin', {
      method: 'DELETE',
      url: `/api/v1/destinations/${gh?.id ?? ''}?force=true`,
    });
    expect(del.statusCode, del.body).toBe(204);
    // The deletion's own run (queued at once after the commit) removes them.
    await settled(t.app);
    const runs = await t.as('viewer', { method: 'GET', url: '/api/v1/reconcile/runs?limit=1' });
    const [run] = runs.json<{ items: { trigger: string; counts: { deleted: number } }[] }>().items;
    expect(run?.trigger).toMatch(/^change: destination .* deleted/);
    expect(run?.counts.deleted).toBeGreaterThanOrEqual(6);
    expect((await files(dir)).some((f) => f.includes('github-com'))).toBe(false);
  });

  it('a dry run reports what a real run would change, and writes nothing', async () => {
    // What a real run changes for a new destination: compare the folder before and after it.
    const old = await snapshot(dir);
    const dest = await t.as('approver', {
      method: 'POST',
      url: '/api/v1/destinations',
      payload: { host: 'api.stripe.com', ports: [{ port: 443, protocol: 'TCP' }], sensitivity: 'standard' },
    });
    expect(dest.statusCode, dest.body).toBe(201);
    await settled(t.app);
    const applied = await snapshot(dir);
    const created = [...applied.keys()].filter((f) => !old.has(f));
    const updated = [...applied.keys()].filter((f) => old.has(f) && old.get(f) !== applied.get(f));
    expect(created).toContain('egress-gateways/deployment-api-stripe-com.yaml');
    expect(
      updated.some((f) => f.startsWith('kube-system/configmap-')),
      'the DNS rewrite gains a rule',
    ).toBe(true);

    // Put the folder back as it was before that run, plus one file no longer desired: a real run now
    // has exactly those objects to create, update and delete. Nothing queues a run meanwhile.
    for (const f of created) await rm(join(dir, f));
    for (const f of updated) await writeFile(join(dir, f), old.get(f) ?? '');
    const stale = 'egress-gateways/deployment-gone-example-com.yaml';
    await writeFile(join(dir, stale), 'kind: Deployment\n');
    const before = await snapshot(dir);

    const res = await t.as('approver', {
      method: 'POST',
      url: '/api/v1/reconcile',
      payload: { dryRun: true },
    });
    expect(res.statusCode, res.body).toBe(202);
    await settled(t.app);
    const run = await t.as('viewer', {
      method: 'GET',
      url: `/api/v1/reconcile/runs/${res.json<{ runId: string }>().runId}`,
    });
    const body = run.json<RunDetail>();
    expect(body.dryRun).toBe(true);
    expect(body.status).toBe('succeeded');
    // Not one file written, changed or removed.
    expect(await snapshot(dir)).toEqual(before);
    const expected = {
      created: created.length,
      updated: updated.length,
      deleted: 1,
      unchanged: applied.size - created.length - updated.length,
      failed: 0,
    };
    expect(body.counts).toEqual(expected);
    const listed = (action: string) =>
      body.objects
        .filter((o) => o.action === action)
        .map((o) => `${o.namespace ?? '_cluster'}/${o.kind.toLowerCase()}-${o.name}.yaml`)
        .sort();
    expect(listed('created')).toEqual(created.sort());
    expect(listed('updated')).toEqual(updated.sort());
    expect(listed('deleted')).toEqual([stale]);

    // A real run then makes exactly the changes the dry run announced.
    const real = await reconcileNow();
    expect(real.counts).toEqual(expected);
    expect(await snapshot(dir)).toEqual(applied);
  });

  it('lists runs newest first with counts, and needs approver to trigger', async () => {
    const runs = await t.as('viewer', { method: 'GET', url: '/api/v1/reconcile/runs?limit=5' });
    const items = runs.json<{ items: { startedAt: string; target: string; counts: object }[] }>().items;
    expect(items.length).toBeGreaterThan(1);
    expect(items[0]?.target).toBe('directory');
    expect([...items].sort((a, b) => b.startedAt.localeCompare(a.startedAt))).toEqual(items);
    expect(
      (await t.as('engineer', { method: 'POST', url: '/api/v1/reconcile', payload: {} })).statusCode,
    ).toBe(403);
  });
});
