// Dual-stack, for real where the harness allows it: a kube-apiserver with an IPv4 and an IPv6 Service
// range allocates both families to a RequireDualStack Service; the kubernetes target's lister and
// address extraction read them as the API server returns them, the compiler writes both, and a real
// CoreDNS answers A with the IPv4 and AAAA with the IPv6 ClusterIP. (The reconciler's own gateway
// Services are single-stack, so this Service is created by the test, labelled as a gateway.)
import { Resolver } from 'node:dns/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type ControlPlane, type CoreDns, startControlPlane, startCoreDns } from '@egress/harness';
import { hostsSnippet } from '@egress/manifests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import { listGatewayServices } from '../../src/reconcile/kube/live-state.ts';
import { gatewayAddressesOf } from '../../src/reconcile/targets/gateway-state.ts';
import { adminClient, binDir, cleanups } from './helpers.ts';

const GW = 'gw-dual';
const cleanup = cleanups();
let cp: ControlPlane;
let kube: KubeClient;
let dns: CoreDns | undefined;
let snippetPath: string;

beforeAll(async () => {
  cp = await startControlPlane({
    binDir: await binDir(),
    apiserverArgs: ['--service-cluster-ip-range=10.96.0.0/12,fd00:10:96::/112'],
  });
  cleanup.add(() => cp.stop());
  kube = adminClient(cp);
  const dir = await mkdtemp(join(tmpdir(), 'egress-dns-dual-'));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  snippetPath = join(dir, 'egress-control.override');
  await writeFile(snippetPath, '# empty\n');
  dns = await startCoreDns({ binDir: await binDir(), kubeconfigPath: cp.kubeconfigPath, snippetPath });
  cleanup.add(() => dns?.stop());
}, 180_000);

afterAll(() => cleanup.run());

function resolver(): Resolver {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([`127.0.0.1:${dns?.port ?? 0}`]);
  return r;
}

describe('a dual-stack gateway Service (real API server, real CoreDNS)', () => {
  it('is steered for A and AAAA, each with its own family', async () => {
    const ns = await kube.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: GW } },
    });
    expect(ns.status, JSON.stringify(ns.body)).toBe(201);
    const created = await kube.request({
      method: 'POST',
      path: `/api/v1/namespaces/${GW}/services`,
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'dual-example-com',
          labels: {
            'app.kubernetes.io/managed-by': 'egress-control',
            'app.kubernetes.io/component': 'gateway',
          },
        },
        spec: {
          ipFamilyPolicy: 'RequireDualStack',
          ipFamilies: ['IPv4', 'IPv6'],
          selector: { app: 'gw' },
          ports: [{ name: 'p443', port: 443, protocol: 'TCP' }],
        },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const scope = { gatewayNamespace: GW, dnsNamespace: 'kube-system', namespaces: [GW, 'kube-system'] };
    const addresses = gatewayAddressesOf(await listGatewayServices(kube, GW), scope);
    const ips = addresses['dual-example-com'] ?? [];
    expect(ips).toHaveLength(2);
    const [v4, v6] = ips;
    expect(v4).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(v6).toMatch(/^fd00:10:96::[0-9a-f]+$/);

    const destination = {
      id: 'd',
      host: 'dual.example.com',
      gatewayName: 'dual-example-com',
      sensitivity: 'standard' as const,
      ports: [],
      gateway: { minReplicas: 1, maxReplicas: 1, targetCPUUtilizationPercentage: 80 },
    };
    const snippet = hostsSnippet([destination], { 'dual-example-com': true }, addresses);
    expect(snippet).toContain(`  ${v4 ?? ''} dual.example.com\n`);
    expect(snippet).toContain(`  ${v6 ?? ''} dual.example.com\n`);
    await writeFile(snippetPath, snippet);
    const deadline = Date.now() + 15_000;
    let a: string[] = [];
    while (Date.now() < deadline) {
      a = await resolver()
        .resolve4('dual.example.com')
        .catch(() => []);
      if (a.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(a).toEqual([v4]);
    expect(await resolver().resolve6('dual.example.com')).toEqual([v6]);
  }, 60_000);
});
