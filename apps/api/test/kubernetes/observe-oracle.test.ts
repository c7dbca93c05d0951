// Observe vs enforce mode (issue 15), by an independent NetworkPolicy engine (the harness's
// netpol-oracle, cyclonus's matcher) over the policies the compiler emits: in observe mode an ungranted
// pod, from an enforced namespace or an open one, reaches the gateway on the destination's ports (and
// nothing else of it); in enforce mode the same pod is refused and only the granted service gets in.
import { netpolOracle, type OracleQuery } from '@egress/harness';
import { compile, type CompilerInput } from '@egress/manifests';
import { gatewayNameFor, SettingsSchema } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { binDir } from './helpers.ts';

const settings = SettingsSchema.parse({ enforcementMode: 'listed', enforcedNamespaces: ['shop', 'billing'] });
const GATEWAY = gatewayNameFor('github.com');

function inputIn(mode: 'observe' | 'enforce'): CompilerInput {
  return {
    settings,
    readiness: 'all',
    services: [
      {
        id: '00000000-0000-4000-8000-0000000000a1',
        name: 'shop',
        namespace: 'shop',
        selector: { matchLabels: { app: 'shop' } },
      },
      {
        id: '00000000-0000-4000-8000-0000000000a2',
        name: 'billing',
        namespace: 'billing',
        selector: { matchLabels: { app: 'billing' } },
      },
    ],
    grants: [
      {
        id: '00000000-0000-4000-8000-0000000000b1',
        serviceId: '00000000-0000-4000-8000-0000000000a1',
        destinationId: '00000000-0000-4000-8000-0000000000c1',
        port: 443,
      },
    ],
    destinations: [
      {
        id: '00000000-0000-4000-8000-0000000000c1',
        host: 'github.com',
        gatewayName: GATEWAY,
        sensitivity: 'standard',
        ports: [
          { port: 22, protocol: 'TCP' },
          { port: 443, protocol: 'TCP' },
        ],
        gateway: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
        mode,
      },
    ],
  };
}

const namespaces = {
  shop: { labels: { 'kubernetes.io/metadata.name': 'shop' } },
  billing: { labels: { 'kubernetes.io/metadata.name': 'billing' } },
  open: { labels: { 'kubernetes.io/metadata.name': 'open' } },
  [settings.gatewayNamespace]: { labels: { 'kubernetes.io/metadata.name': settings.gatewayNamespace } },
};

async function verdicts(mode: 'observe' | 'enforce'): Promise<string[]> {
  const objects = compile(inputIn(mode));
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === GATEWAY);
  const labels = (deployment?.['spec'] as { template: { metadata: { labels: Record<string, string> } } })
    .template.metadata.labels;
  const gatewayPod = {
    internal: { namespace: settings.gatewayNamespace, podLabels: labels },
    ip: '10.244.9.9',
  };
  const ask = (namespace: string, app: string, port: number): OracleQuery => ({
    source: { namespace, podLabels: { app }, ip: '10.244.1.2' },
    destination: gatewayPod,
    port,
    protocol: 'TCP',
  });
  const cases: [string, OracleQuery][] = [
    ['granted shop → 443', ask('shop', 'shop', 443)],
    ['ungranted billing (enforced ns) → 443', ask('billing', 'billing', 443)],
    ['ungranted billing (enforced ns) → 22', ask('billing', 'billing', 22)],
    ['ungranted pod (open ns) → 443', ask('open', 'anything', 443)],
    ['ungranted billing → admin 9901', ask('billing', 'billing', 9901)],
    ['ungranted billing → metrics 9102', ask('billing', 'billing', 9102)],
    ['ungranted billing → unserved 80', ask('billing', 'billing', 80)],
  ];
  const answers = await netpolOracle(await binDir(), {
    policies: objects.filter((o) => o.kind === 'NetworkPolicy'),
    namespaces,
    queries: cases.map((c) => c[1]),
  });
  // The whole verdict: the client's egress (default-deny allows in-cluster) AND the gateway's ingress.
  return cases.map(([name], i) => `${name}: ${String(answers[i]?.allowed)}`);
}

describe('destination mode, by the NetworkPolicy oracle', () => {
  it('observe admits an ungranted pod on the destination ports only', async () => {
    expect(await verdicts('observe')).toEqual([
      'granted shop → 443: true',
      'ungranted billing (enforced ns) → 443: true',
      'ungranted billing (enforced ns) → 22: true',
      'ungranted pod (open ns) → 443: true',
      'ungranted billing → admin 9901: false',
      'ungranted billing → metrics 9102: false',
      'ungranted billing → unserved 80: false',
    ]);
  });

  it('enforce refuses the ungranted pod and admits the granted service', async () => {
    expect(await verdicts('enforce')).toEqual([
      'granted shop → 443: true',
      'ungranted billing (enforced ns) → 443: false',
      'ungranted billing (enforced ns) → 22: false',
      'ungranted pod (open ns) → 443: false',
      'ungranted billing → admin 9901: false',
      'ungranted billing → metrics 9102: false',
      'ungranted billing → unserved 80: false',
    ]);
  });
});
