// DNS end to end: an approved grant puts the gateway in the API server; once its Deployment is ready
// the product's CoreDNS snippet (from the DNS ConfigMap, copied to the file CoreDNS imports, as the
// kubelet would; the harness CoreDNS reloads it every 2 s) makes a real CoreDNS answer github.com with
// the gateway Service's ClusterIP, after replacing the rewrite snippet an earlier release wrote. Then, one after the other on the same cluster: the gateway Service
// deleted by someone (recreated with a new ClusterIP, and the snippet follows in the same run), the
// snippet edited by someone (reported, then healed), the gateway losing readiness (no longer steered),
// and the grants revoked and the destination deleted (no longer steered). Dual-stack: dns-dual-stack.test.ts.
import { Resolver } from 'node:dns/promises';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type ControlPlane, type CoreDns, startCoreDns } from '@egress/harness';
import { DNS_SNIPPET_KEY } from '@egress/manifests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import { settled } from '../helpers/reconcile.ts';
import type { TestApp, TestUser } from '../helpers/test-app.ts';
import {
  binDir,
  cleanups,
  createDestination,
  createService,
  getObject,
  grant,
  markReady,
  patchSettings,
  reconcileNow,
  startClusterFixture,
  until,
} from './helpers.ts';

const GW = 'gw-dns';
const CM_PATH = '/api/v1/namespaces/kube-system/configmaps/egress-control-dns';

const cleanup = cleanups();
let cp: ControlPlane;
let t: TestApp;
let kube: KubeClient;
let approver2: TestUser;
let dns: CoreDns | undefined;
let dir: string;
let snippetPath: string;
let grants: string[] = [];

async function liveSnippet(): Promise<string> {
  const cm = await getObject(kube, 'ConfigMap', 'kube-system', 'egress-control-dns');
  return (cm?.['data'] as Record<string, string> | undefined)?.[DNS_SNIPPET_KEY] ?? '';
}

/** The kubelet's part: the ConfigMap volume follows the object. */
async function syncSnippet(): Promise<string> {
  const text = await liveSnippet();
  await writeFile(snippetPath, text);
  return text;
}

function resolver(): Resolver {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([`127.0.0.1:${dns?.port ?? 0}`]);
  return r;
}

const code = (error: unknown) => (error as { code?: string }).code ?? 'error';

/** The first A record for `name` from our CoreDNS, or the DNS error code (no forwarding: SERVFAIL outside cluster.local). */
async function resolveA(name: string): Promise<string> {
  try {
    return (await resolver().resolve4(name))[0] ?? 'no answer';
  } catch (error) {
    return code(error);
  }
}

async function resolveAaaa(name: string): Promise<string> {
  try {
    return (await resolver().resolve6(name))[0] ?? 'no answer';
  } catch (error) {
    return code(error);
  }
}

async function reverse(ip: string): Promise<string> {
  try {
    return (await resolver().reverse(ip))[0] ?? 'no answer';
  } catch (error) {
    return code(error);
  }
}

async function clusterIpOf(name: string): Promise<string> {
  const service = await getObject(kube, 'Service', GW, name);
  return service?.spec?.['clusterIP'] as string;
}

/** Waits until CoreDNS (having reloaded the snippet) answers `name` with `want` (or stops doing so). */
async function answers(name: string, want: string, negate = false): Promise<string> {
  return until(
    `CoreDNS to ${negate ? 'stop answering' : 'answer'} ${name} with ${want}`,
    async () => {
      const a = await resolveA(name);
      return (a === want) !== negate ? a : null;
    },
    15_000,
  );
}

beforeAll(async () => {
  ({ cp, kube, t, approver2 } = await startClusterFixture(cleanup));
  dir = await mkdtemp(join(tmpdir(), 'egress-dns-test-'));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  snippetPath = join(dir, 'egress-control.override');
  await settled(t.app, 60_000);
  await patchSettings(t, { gatewayNamespace: GW });
  await syncSnippet();
  dns = await startCoreDns({ binDir: await binDir(), kubeconfigPath: cp.kubeconfigPath, snippetPath });
  cleanup.add(() => dns?.stop());
}, 180_000);

afterAll(() => cleanup.run());

describe('DNS steering end to end (real CoreDNS, hosts format)', () => {
  it('replaces the rewrite snippet an earlier release wrote (upgrade), and CoreDNS reloads from one format to the other', async () => {
    // As the earlier release left it: our field manager and labels, its own content hash, one rewrite
    // (to the API server's own Service, which exists here, so the rewrite is visible in the answer).
    const legacy =
      '# Managed by egress-control: DNS rewrites to egress gateways. Changes here are overwritten.\nrewrite stop {\n  name exact github.com. kubernetes.default.svc.cluster.local.\n  answer auto\n}\n';
    const current = await getObject(kube, 'ConfigMap', 'kube-system', 'egress-control-dns');
    const old = await kube.request({
      method: 'PATCH',
      path: CM_PATH,
      query: { fieldManager: 'egress-control', force: 'true' },
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'egress-control-dns',
          namespace: 'kube-system',
          labels: current?.metadata.labels ?? {},
          annotations: { 'egress.example.com/content-hash': 'f'.repeat(64) },
        },
        data: { [DNS_SNIPPET_KEY]: legacy },
      },
      contentType: 'application/apply-patch+yaml',
    });
    expect(old.status, JSON.stringify(old.body)).toBe(200);
    await syncSnippet();
    const apiIp = (await getObject(kube, 'Service', 'default', 'kubernetes'))?.spec?.['clusterIP'] as string;
    expect(await answers('github.com', apiIp)).toBe(apiIp);

    const run = await reconcileNow(t);
    expect(run.status, run.errors.join('\n')).toBe('succeeded');
    expect(run.objects.find((o) => o.kind === 'ConfigMap')?.action).toBe('updated');
    const upgraded = await syncSnippet();
    expect(upgraded).toMatch(/^hosts \/dev\/null \{$/m);
    expect(upgraded).not.toContain('rewrite');
    expect(await answers('github.com', apiIp, true)).not.toBe(apiIp);
  }, 60_000);

  it('answers github.com with the gateway ClusterIP once the gateway is ready, for A only, exactly, with PTR left to kubernetes', async () => {
    await createService(t, 'service.ci', 'build', 'ci');
    await createDestination(
      t,
      'github.com',
      [
        { port: 443, protocol: 'TCP' },
        { port: 22, protocol: 'TCP' },
      ],
      'sensitive',
    );
    grants = [
      await grant(t, approver2, 'service.ci', 'github.com', 443),
      await grant(t, approver2, 'service.ci', 'github.com', 22),
    ];
    const applied = await reconcileNow(t);
    expect(applied.status, applied.errors.join('\n')).toBe('succeeded');

    const clusterIp = await clusterIpOf('github-com');
    expect(clusterIp).toMatch(/^10\.(9[6-9]|1[01][0-9])\.\d+\.\d+$/);
    // Not ready: not steered, so github.com is not hijacked (and CoreDNS never forwards).
    const notReady = await syncSnippet();
    expect(notReady).toMatch(/^hosts \/dev\/null \{$/m);
    expect(notReady).not.toContain('github.com');
    expect(await resolveA('github.com')).not.toBe(clusterIp);

    await markReady(kube, GW, 'github-com', 2);
    const snippet = await until('github.com in the DNS ConfigMap', async () =>
      (await liveSnippet()).includes('github.com') ? liveSnippet() : null,
    );
    expect(snippet).toContain(`  ${clusterIp} github.com\n`);
    expect(snippet).not.toContain('rewrite');
    await syncSnippet();
    expect(await answers('github.com', clusterIp)).toBe(clusterIp);
    expect(await resolveA('GitHub.com')).toBe(clusterIp);
    // An IPv4-only gateway: AAAA gets a deliberate empty answer (NOERROR, no records), not SERVFAIL and
    // never the destination's real IPv6 address.
    expect(await resolveAaaa('github.com')).toBe('ENODATA');
    // An exact name: a subdomain is not steered.
    expect(await resolveA('api.github.com')).not.toBe(clusterIp);
    // no_reverse: the ClusterIP's PTR is still the Service's name, from the kubernetes plugin.
    expect(await reverse(clusterIp)).toBe(`github-com.${GW}.svc.cluster.local`);
    // The rest of the block is untouched: an in-cluster name still resolves through the kubernetes plugin.
    expect(await resolveA(`github-com.${GW}.svc.cluster.local`)).toBe(clusterIp);
  }, 120_000);

  it('follows a gateway Service recreated with a new ClusterIP within the run that recreates it', async () => {
    const oldIp = await clusterIpOf('github-com');
    const del = await kube.request({
      method: 'DELETE',
      path: `/api/v1/namespaces/${GW}/services/github-com`,
    });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    const run = await reconcileNow(t);
    expect(run.status, run.errors.join('\n')).toBe('succeeded');
    const newIp = await clusterIpOf('github-com');
    expect(newIp).toMatch(/^10\./);
    expect(newIp).not.toBe(oldIp);
    const actions = run.objects
      .filter((o) => (o.kind === 'Service' && o.name === 'github-com') || o.kind === 'ConfigMap')
      .map((o) => `${o.kind}/${o.name} ${o.action}`);
    expect(actions).toEqual(
      expect.arrayContaining(['Service/github-com created', 'ConfigMap/egress-control-dns updated']),
    );
    const snippet = await syncSnippet();
    expect(snippet).toContain(`  ${newIp} github.com\n`);
    expect(snippet).not.toContain(oldIp);
    expect(await answers('github.com', newIp)).toBe(newIp);
  }, 60_000);

  it('reports an edited snippet as drift and puts it back', async () => {
    const desired = await liveSnippet();
    const edited = desired.replace(/^( {2}\S+ github\.com)$/m, '$1\n  203.0.113.7 evil.example');
    expect(edited).not.toBe(desired);
    const patch = await kube.request({
      method: 'PATCH',
      path: CM_PATH,
      query: { fieldManager: 'kubectl-edit' },
      body: { data: { [DNS_SNIPPET_KEY]: edited } },
      contentType: 'application/merge-patch+json',
    });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);

    const res = await t.as('viewer', { method: 'GET', url: '/api/v1/reconcile/status' });
    expect(res.statusCode, res.body).toBe(200);
    const drift = res
      .json<{ drift: { kind: string; name: string; reason: string }[] }>()
      .drift.filter((d) => d.kind === 'ConfigMap');
    expect(drift).toHaveLength(1);
    expect(drift[0]?.name).toBe('egress-control-dns');
    expect(drift[0]?.reason).toContain('kubectl-edit');

    const run = await reconcileNow(t);
    expect(run.status, run.errors.join('\n')).toBe('succeeded');
    expect(run.objects.find((o) => o.kind === 'ConfigMap')).toMatchObject({
      action: 'updated',
      drift: expect.stringContaining('kubectl-edit') as unknown,
    });
    expect(await liveSnippet()).toBe(desired);
  }, 60_000);

  it('stops steering a gateway that is no longer ready', async () => {
    const ip = await clusterIpOf('github-com');
    await markReady(kube, GW, 'github-com', 0);
    await until(
      'github.com gone from the DNS ConfigMap',
      async () => !(await liveSnippet()).includes('github.com'),
    );
    await syncSnippet();
    expect(await answers('github.com', ip, true)).not.toBe(ip);
    await markReady(kube, GW, 'github-com', 1);
    await until('github.com back in the DNS ConfigMap', async () =>
      (await liveSnippet()).includes('github.com'),
    );
    await syncSnippet();
    expect(await answers('github.com', ip)).toBe(ip);
  }, 60_000);

  it('stops steering after the grants are revoked and the destination deleted', async () => {
    const clusterIp = await clusterIpOf('github-com');
    for (const id of grants) {
      const res = await t.as('approver', {
        method: 'POST',
        url: `/api/v1/grants/${id}/revoke`,
        payload: { reason: 'Cleaning up after the DNS test.' },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const list = await t.as('viewer', { method: 'GET', url: '/api/v1/destinations?q=github.com' });
    const id = list.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
    const del = await t.as('approver', { method: 'DELETE', url: `/api/v1/destinations/${id}` });
    expect(del.statusCode, del.body).toBe(204);
    await settled(t.app, 60_000);
    const after = await syncSnippet();
    expect(after).not.toContain('github.com');
    expect(after).toMatch(/^hosts \/dev\/null \{$/m);
    expect(await getObject(kube, 'Service', GW, 'github-com')).toBeNull();
    expect(await answers('github.com', clusterIp, true)).not.toBe(clusterIp);
    // CoreDNS's reload loaded every snippet along the way (a rejected one logs "Restart failed" and
    // keeps the old configuration). Its other [ERROR] lines are the unsteered names it may not forward.
    const log = await readFile(dns?.logPath ?? '', 'utf8');
    expect(log).not.toMatch(/Restart failed|reload failed/);
    expect(log.match(/Reloading complete/g)?.length ?? 0).toBeGreaterThanOrEqual(7);
  }, 120_000);
});
