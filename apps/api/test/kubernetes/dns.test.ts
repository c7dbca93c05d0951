// DNS end to end: an approved grant puts the gateway in the API server; once its Deployment is ready
// the product's CoreDNS snippet (from the DNS ConfigMap, copied to the file CoreDNS imports, as the
// kubelet would) makes a real CoreDNS answer github.com with the gateway Service's ClusterIP; after
// revoking every grant and deleting the destination it no longer does.
import { Resolver } from 'node:dns/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startCoreDns, type ControlPlane, type CoreDns } from '@egress/harness';
import { DNS_SNIPPET_KEY } from '@egress/manifests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import type { TestApp, TestUser } from '../helpers/test-app.ts';
import { binDir, createDestination, createService, getObject, grant, markReady, patchSettings, reconcileNow, startClusterFixture, until, cleanups } from './helpers.ts';

const GW = 'gw-dns';

const cleanup = cleanups();
let cp: ControlPlane;
let t: TestApp;
let kube: KubeClient;
let approver2: TestUser;
let dns: CoreDns | undefined;
let dir: string;
let snippetPath: string;

async function liveSnippet(): Promise<string> {
  const cm = await getObject(kube, 'ConfigMap', 'kube-system', 'egress-control-dns');
  return (cm?.['data'] as Record<string, string> | undefined)?.[DNS_SNIPPET_KEY] ?? '';
}

/** The first A record for `name` from our CoreDNS, or the DNS error code (no forwarding: SERVFAIL outside cluster.local). */
async function resolveA(name: string): Promise<string> {
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`127.0.0.1:${dns?.port ?? 0}`]);
  try {
    return (await resolver.resolve4(name))[0] ?? 'no answer';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

beforeAll(async () => {
  ({ cp, kube, t, approver2 } = await startClusterFixture(cleanup));
  dir = await mkdtemp(join(tmpdir(), 'egress-dns-test-'));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  snippetPath = join(dir, 'egress-control.override');
  await t.app.reconciler.idle(60_000);
  await patchSettings(t, { gatewayNamespace: GW });
  await writeFile(snippetPath, await liveSnippet());
  dns = await startCoreDns({ binDir: await binDir(), kubeconfigPath: cp.kubeconfigPath, snippetPath });
  cleanup.add(() => dns?.stop());
}, 180_000);

afterAll(() => cleanup.run());

describe('DNS rewrites end to end (real CoreDNS)', () => {
  it('answers github.com with the gateway ClusterIP once the gateway is ready, and stops after revoke and delete', async () => {
    await createService(t, 'service.ci', 'build', 'ci');
    await createDestination(t, 'github.com', [{ port: 443, protocol: 'TCP' }, { port: 22, protocol: 'TCP' }], 'sensitive');
    const grants = [await grant(t, approver2, 'service.ci', 'github.com', 443), await grant(t, approver2, 'service.ci', 'github.com', 22)];
    const applied = await reconcileNow(t);
    expect(applied.status, applied.errors.join('\n')).toBe('succeeded');

    const service = await getObject(kube, 'Service', GW, 'github-com');
    const clusterIp = service?.spec?.['clusterIP'] as string;
    expect(clusterIp).toMatch(/^10\.(9[6-9]|1[01][0-9])\.\d+\.\d+$/);
    // Not ready: no rewrite yet, so github.com is not hijacked (and CoreDNS never forwards).
    expect(await liveSnippet()).not.toContain('github.com');
    expect(await resolveA('github.com')).not.toBe(clusterIp);

    await markReady(kube, GW, 'github-com', 2);
    const snippet = await until('the rewrite in the DNS ConfigMap', async () => ((await liveSnippet()).includes('github.com.') ? liveSnippet() : null));
    await writeFile(snippetPath, snippet); // the kubelet's part: the ConfigMap volume follows the object
    expect(await until('CoreDNS to answer with the gateway', async () => ((await resolveA('github.com')) === clusterIp ? clusterIp : null), 15_000)).toBe(clusterIp);
    // An exact rule: a subdomain is not rewritten.
    expect(await resolveA('api.github.com')).not.toBe(clusterIp);

    for (const id of grants) {
      const res = await t.as('approver', { method: 'POST', url: `/api/v1/grants/${id}/revoke`, payload: { reason: 'Cleaning up after the DNS test.' } });
      expect(res.statusCode, res.body).toBe(200);
    }
    const list = await t.as('viewer', { method: 'GET', url: '/api/v1/destinations?q=github.com' });
    const id = list.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
    const del = await t.as('approver', { method: 'DELETE', url: `/api/v1/destinations/${id}` });
    expect(del.statusCode, del.body).toBe(204);
    await t.app.reconciler.idle(60_000);
    const after = await liveSnippet();
    expect(after).not.toContain('github.com');
    expect(await getObject(kube, 'Service', GW, 'github-com')).toBeNull();
    await writeFile(snippetPath, after);
    const answer = await until('CoreDNS to stop rewriting github.com', async () => {
      const a = await resolveA('github.com');
      return a !== clusterIp ? a : null;
    }, 15_000);
    expect(answer).not.toBe(clusterIp);
  }, 120_000);
});
