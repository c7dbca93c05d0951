// Fidelity: everything the compiler emits for a rich scenario is accepted by a real kube-apiserver
// (server-side apply, dryRun=All, strict field validation), every Envoy bootstrap passes the
// envoy-validator (protojson + ValidateAll on the Go control-plane types) and our cross-checks, and the
// CoreDNS snippet passes CoreDNS itself.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { validateCorefileSnippet } from '@egress/harness';
import { DNS_SNIPPET_KEY, type KubernetesObject } from '@egress/manifests';
import { loadYaml } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readSettings } from '../../src/platform/settings.ts';
import { compileDesired, loadSnapshot } from '../../src/reconcile/desired-state.ts';
import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import { kindInfo, objectPath } from '../../src/reconcile/kube/resources.ts';
import type { TestApp, TestUser } from '../helpers/test-app.ts';
import {
  binDir,
  cleanups,
  createDestination,
  createService,
  grant,
  patchSettings,
  startClusterFixture,
} from './helpers.ts';

const cleanup = cleanups();
let t: TestApp;
let kube: KubeClient;
let approver2: TestUser;
let objects: KubernetesObject[];

const NAMESPACES = ['payments', 'build', 'data'];

beforeAll(async () => {
  ({ kube, t, approver2 } = await startClusterFixture(cleanup, { EGRESS_TARGET: 'none' }));
  await patchSettings(t, {
    gatewayNamespace: 'gw-fidelity',
    enforcedNamespaces: NAMESPACES,
    gatewayResolver: { cidrs: ['10.0.0.10/32', 'fd00::a/128'] },
  });
  await createService(t, 'service.billing', 'payments', 'billing');
  await createService(t, 'service.ci', 'build', 'ci');
  await createService(t, 'service.etl', 'data', 'etl');
  await createService(t, 'service.web', 'frontend', 'web'); // not enforced: port-wide grant writes no policy
  await createDestination(
    t,
    'github.com',
    [
      { port: 443, protocol: 'TCP' },
      { port: 22, protocol: 'TCP' },
    ],
    'sensitive',
  );
  await createDestination(t, 'time.example.org', [{ port: 123, protocol: 'UDP' }]);
  await createDestination(t, 'dns.example.net', [
    { port: 53, protocol: 'TCP' },
    { port: 53, protocol: 'UDP' },
    { port: 853, protocol: 'TCP' },
  ]);
  await createDestination(t, 'smtp.mail.example.com', [
    { port: 25, protocol: 'TCP' },
    { port: 587, protocol: 'TCP' },
    { port: 9901, protocol: 'TCP' },
  ]);
  await createDestination(t, `${'long-label-'.repeat(3)}a.${'more-labels-'.repeat(3)}b.example.com`, [
    { port: 8443, protocol: 'TCP' },
  ]);
  await createDestination(t, 'unused.example.com', [{ port: 443, protocol: 'TCP' }]);
  await grant(t, approver2, 'service.ci', 'github.com', 443);
  await grant(t, approver2, 'service.ci', 'github.com', 22);
  await grant(t, approver2, 'service.billing', 'github.com', 443);
  await grant(t, approver2, 'service.etl', 'time.example.org', 123);
  await grant(t, approver2, 'service.etl', 'dns.example.net', 53);
  await grant(t, approver2, 'service.billing', 'smtp.mail.example.com', 587);
  await grant(t, approver2, 'service.billing', null, 443);
  await grant(t, approver2, 'service.etl', null, 5432);
  await grant(t, approver2, 'service.web', null, 443);
  // Every gateway "ready", so the DNS snippet has a rule per destination.
  objects = await compileDesired(await loadSnapshot(t.db, readSettings), 'all');
}, 180_000);

afterAll(() => cleanup.run());

describe('fidelity of the compiled objects', () => {
  // Three port-wide grants, but service.web's namespace (frontend) is not enforced: two policies.
  it('covers the scenario: six gateways, three default-deny policies, two port-wide policies (payments, data; none for unenforced frontend), one DNS ConfigMap', () => {
    const count = (pred: (o: KubernetesObject) => boolean) => objects.filter(pred).length;
    const component = (o: KubernetesObject) => o.metadata.labels['app.kubernetes.io/component'];
    expect(count((o) => o.kind === 'Deployment')).toBe(6);
    expect(count((o) => component(o) === 'default-deny')).toBe(3);
    expect(
      objects
        .filter((o) => component(o) === 'port-grant')
        .map((o) => o.metadata.namespace)
        .sort(),
    ).toEqual(['data', 'payments']);
    expect(count((o) => component(o) === 'dns-rewrite')).toBe(1);
  });

  it('every object is accepted by the API server (server-side apply, dryRun=All, fieldValidation=Strict)', async () => {
    const namespaces = [...new Set(objects.map((o) => o.metadata.namespace ?? ''))];
    for (const name of namespaces) {
      const res = await kube.request({
        method: 'POST',
        path: '/api/v1/namespaces',
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      });
      expect([201, 409]).toContain(res.status);
    }
    const refused: string[] = [];
    for (const o of objects) {
      const info = kindInfo(o.kind);
      expect(info, o.kind).toBeDefined();
      const res = await kube.request({
        method: 'PATCH',
        path: objectPath(info!, o.metadata.namespace ?? '', o.metadata.name),
        query: { fieldManager: 'fidelity-test', dryRun: 'All', fieldValidation: 'Strict', force: 'true' },
        body: o,
        contentType: 'application/apply-patch+yaml',
      });
      if (res.status !== 201)
        refused.push(
          `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`,
        );
    }
    expect(refused).toEqual([]);
    // Dry run: nothing was stored.
    const list = await kube.request<{ items: unknown[] }>({
      method: 'GET',
      path: '/apis/apps/v1/deployments',
    });
    expect(list.body.items).toEqual([]);
  });

  it('every Envoy bootstrap passes envoy-validator and the cross-checks', async () => {
    const configMaps = objects.filter(
      (o) => o.kind === 'ConfigMap' && o.metadata.labels['app.kubernetes.io/component'] === 'gateway',
    );
    expect(configMaps).toHaveLength(6);
    const dir = await mkdtemp(join(tmpdir(), 'egress-envoy-'));
    try {
      const files: string[] = [];
      for (const cm of configMaps) {
        const file = join(dir, `${cm.metadata.name}.yaml`);
        await writeFile(file, (cm['data'] as Record<string, string>)['envoy.yaml'] ?? '');
        files.push(file);
      }
      const output = await runValidator(files);
      const missing = /unable to resolve "type\.googleapis\.com\/envoy\.extensions\.([a-z_.]+)\.v3\./.exec(
        output.text,
      )?.[1];
      const hint = missing
        ? `\nenvoy-validator does not link the extension the bootstrap uses: add _ "github.com/envoyproxy/go-control-plane/envoy/extensions/${missing.replaceAll('.', '/')}/v3" to tools/harness/envoy-validator/main.go and rerun tools/harness/build.sh (docs/harness.md)`
        : '';
      expect(output.text.trim().split('\n').sort(), hint).toEqual(files.map((f) => `OK ${f}`).sort());
      expect(output.code).toBe(0);

      // The OKs above mean something only if the validator says FAIL to a broken bootstrap: one gateway's
      // config without the tcp_proxy's required stat_prefix (a rule inside a typed_config Any), and one
      // with a field Envoy does not know.
      const good =
        (configMaps.find((cm) => cm.metadata.name === 'github-com')?.['data'] as Record<string, string>)[
          'envoy.yaml'
        ] ?? '';
      const broken = {
        'no-stat-prefix': { text: good.replace(/^\s*stat_prefix: tcp_443\n/m, ''), reason: 'StatPrefix' },
        'unknown-field': {
          text: `${good}not_an_envoy_field: true\n`,
          reason: 'unknown field "not_an_envoy_field"',
        },
      };
      const brokenFiles: string[] = [];
      for (const [name, { text }] of Object.entries(broken)) {
        expect(text, `${name} differs from the valid bootstrap`).not.toBe(good);
        const file = join(dir, `broken-${name}.yaml`);
        await writeFile(file, text);
        brokenFiles.push(file);
      }
      const refused = await runValidator(brokenFiles);
      expect(refused.code).toBe(1);
      // One verdict per file: "OK <file>" or "FAIL <file>: <reason>" (a reason may go on over indented lines).
      const verdicts = refused.text.trim().split(/\n(?=OK |FAIL )/);
      expect(verdicts, refused.text).toHaveLength(2);
      for (const [name, { reason }] of Object.entries(broken)) {
        const verdict = verdicts.find((v) => v.includes(`broken-${name}.yaml`)) ?? '';
        expect(verdict, refused.text).toMatch(new RegExp(`^FAIL \\S+broken-${name}\\.yaml: `));
        expect(verdict).toContain(reason);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    for (const cm of configMaps) crossCheck(cm);
  });

  it("the kubernetes target's CoreDNS snippet (hosts) passes CoreDNS, with a line per address", async () => {
    // Addresses as the kubernetes target reads them: one Service without any (not steered), one dual-stack
    // (two lines), the rest IPv4: as many lines as Services.
    const gateways = objects
      .filter((o) => o.kind === 'Service')
      .map((o) => o.metadata.name)
      .sort();
    const addresses = Object.fromEntries(
      gateways
        .slice(1)
        .map((name, i) => [name, i === 0 ? ['10.96.3.1', 'fd00:10:96::3:1'] : [`10.96.4.${i}`]]),
    );
    const compiled = await compileDesired(await loadSnapshot(t.db, readSettings), 'all', { addresses });
    const dns = compiled.find((o) => o.metadata.labels['app.kubernetes.io/component'] === 'dns-rewrite');
    const snippet = (dns?.['data'] as Record<string, string>)[DNS_SNIPPET_KEY] ?? '';
    expect(snippet.match(/^ {2}[0-9a-f.:]+ \S+$/gm)).toHaveLength(gateways.length);
    expect(snippet).toContain(' fd00:10:96::3:1 ');
    await validateCorefileSnippet(await binDir(), snippet);
  });

  it('the CoreDNS snippet passes CoreDNS, with one multi-line rewrite per destination', async () => {
    const dns = objects.find((o) => o.metadata.labels['app.kubernetes.io/component'] === 'dns-rewrite');
    const snippet = (dns?.['data'] as Record<string, string>)[DNS_SNIPPET_KEY] ?? '';
    expect(snippet.match(/^rewrite stop \{$/gm)).toHaveLength(6);
    expect(snippet).toContain(
      'name exact github.com. github-com.gw-fidelity.svc.cluster.local.\n  answer auto\n}',
    );
    await validateCorefileSnippet(await binDir(), snippet);
  });
});

async function runValidator(files: string[]): Promise<{ code: number; text: string }> {
  const bin = join(await binDir(), 'envoy-validator');
  return new Promise((resolve) => {
    execFile(bin, files, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, text: stdout + stderr }));
  });
}

interface SocketAddress {
  socket_address: { address: string; port_value: number; protocol?: string };
}
interface Bootstrap {
  admin: { address: SocketAddress };
  static_resources: {
    listeners: {
      name: string;
      address: SocketAddress;
      filter_chains?: { filters: { typed_config: { cluster?: string } }[] }[];
      listener_filters?: {
        typed_config: { matcher?: { on_no_match: { action: { typed_config: { cluster: string } } } } };
      }[];
    }[];
    clusters: {
      name: string;
      load_assignment: { endpoints: { lb_endpoints: { endpoint: { address: SocketAddress } }[] }[] };
    }[];
  };
}

type Listener = Bootstrap['static_resources']['listeners'][number];

/** The cluster a TCP (tcp_proxy) or UDP (udp_proxy route) listener forwards to. */
function clusterOf(l: Listener): string {
  const tcp = l.filter_chains?.[0]?.filters[0]?.typed_config.cluster;
  const udp = l.listener_filters?.[0]?.typed_config.matcher?.on_no_match.action.typed_config.cluster;
  return tcp ?? udp ?? '';
}

/** What the validator cannot see: references between listeners and clusters, ports, and the admin bind. */
function crossCheck(cm: KubernetesObject): void {
  const host = cm.metadata.annotations['egress.example.com/destination'];
  const boot = loadYaml<Bootstrap>((cm['data'] as Record<string, string>)['envoy.yaml'] ?? '');
  const where = `gateway ${cm.metadata.name}`;
  expect(boot.admin.address.socket_address.address, where).toBe('127.0.0.1');
  const listeners = boot.static_resources.listeners;
  const bound = [
    ...listeners.map(
      (l) => `${l.address.socket_address.protocol ?? 'TCP'}/${l.address.socket_address.port_value}`,
    ),
    `TCP/${boot.admin.address.socket_address.port_value}`,
  ];
  expect(new Set(bound).size, `${where}: listener ports ${bound.join(', ')}`).toBe(bound.length);
  const clusters = new Map(boot.static_resources.clusters.map((c) => [c.name, c]));
  // The metrics listener's only route goes to the admin cluster, which is the admin on loopback.
  const metrics = listeners.find((l) => l.name === 'metrics');
  expect(metrics, `${where}: metrics listener`).toBeDefined();
  expect(
    clusters.get('admin')?.load_assignment.endpoints[0]?.lb_endpoints[0]?.endpoint.address.socket_address,
    `${where}: admin cluster`,
  ).toEqual({ address: '127.0.0.1', port_value: boot.admin.address.socket_address.port_value });
  for (const l of listeners.filter((x) => x.name !== 'health' && x.name !== 'metrics')) {
    const name = clusterOf(l);
    const c = clusters.get(name);
    expect(c, `${where}: listener ${l.name} names cluster "${name}"`).toBeDefined();
    const upstream = c?.load_assignment.endpoints[0]?.lb_endpoints[0]?.endpoint.address.socket_address;
    expect(upstream, `${where}: cluster ${name}`).toEqual({
      address: host,
      port_value: l.address.socket_address.port_value,
    });
  }
  expect(clusters.size).toBe(listeners.length - 1); // one per destination port, plus admin; no health cluster
}
