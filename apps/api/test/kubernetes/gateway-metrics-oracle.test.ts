// Who reaches a gateway's metrics port, by an independent NetworkPolicy engine (the harness's
// netpol-oracle, cyclonus's matcher) over the policies the compiler emits: pods of a namespace labelled
// <label domain>/metrics-scraper=true reach the metrics port and nothing else of the gateway; a granted
// client reaches its granted port but not the metrics port; an unlabelled namespace reaches neither.
import { netpolOracle, type OracleQuery } from '@egress/harness';
import { compile, type CompilerInput, keysFor } from '@egress/manifests';
import { gatewayNameFor, SettingsSchema } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { binDir } from './helpers.ts';

const settings = SettingsSchema.parse({ enforcementMode: 'listed', enforcedNamespaces: ['shop'] });
const GATEWAY = gatewayNameFor('github.com');
const input: CompilerInput = {
  settings,
  readiness: 'all',
  services: [
    {
      id: '00000000-0000-4000-8000-0000000000a1',
      name: 'shop',
      namespace: 'shop',
      selector: { matchLabels: { app: 'shop' } },
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
      ports: [{ port: 443, protocol: 'TCP' }],
      gateway: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
    },
  ],
};

describe('gateway metrics port, by the NetworkPolicy oracle', () => {
  it('is reachable only from namespaces labelled for scraping, and only that port', async () => {
    const objects = compile(input);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === GATEWAY);
    const template = (
      deployment?.['spec'] as {
        template: {
          metadata: { labels: Record<string, string> };
          spec: { containers: { ports: { name: string; containerPort: number }[] }[] };
        };
      }
    ).template;
    const port = (name: string) =>
      template.spec.containers[0]?.ports.find((p) => p.name === name)?.containerPort ?? 0;
    const metrics = port('metrics');
    expect(metrics).toBe(9102);
    const gatewayPod = {
      internal: { namespace: settings.gatewayNamespace, podLabels: template.metadata.labels },
      ip: '10.244.9.9',
    };
    const scraperLabel = keysFor(settings).metricsScraper;
    const namespaces = {
      monitoring: { labels: { 'kubernetes.io/metadata.name': 'monitoring', [scraperLabel]: 'true' } },
      other: { labels: { 'kubernetes.io/metadata.name': 'other' } },
      shop: { labels: { 'kubernetes.io/metadata.name': 'shop' } },
      [settings.gatewayNamespace]: { labels: { 'kubernetes.io/metadata.name': settings.gatewayNamespace } },
    };
    const ask = (namespace: string, labels: Record<string, string>, p: number): OracleQuery => ({
      source: { namespace, podLabels: labels, ip: '10.244.1.2' },
      destination: gatewayPod,
      port: p,
      protocol: 'TCP',
    });
    const cases: [string, OracleQuery, boolean][] = [
      ['scraper → metrics', ask('monitoring', { app: 'prometheus' }, metrics), true],
      ['scraper → destination port 443', ask('monitoring', { app: 'prometheus' }, 443), false],
      ['scraper → admin 9901', ask('monitoring', { app: 'prometheus' }, 9901), false],
      ['granted client → 443', ask('shop', { app: 'shop' }, 443), true],
      ['granted client → metrics', ask('shop', { app: 'shop' }, metrics), false],
      ['unlabelled namespace → metrics', ask('other', { app: 'prometheus' }, metrics), false],
    ];
    const verdicts = await netpolOracle(await binDir(), {
      policies,
      namespaces,
      queries: cases.map((c) => c[1]),
    });
    // The gateway's ingress decides each case (shop's egress to the gateway is allowed by its port policy
    // for 443, and a scraper's namespace is not enforced); compare the whole verdict's answer too.
    expect(cases.map(([name], i) => `${name}: ${String(verdicts[i]?.ingress.allowed)}`)).toEqual(
      cases.map(([name, , allowed]) => `${name}: ${String(allowed)}`),
    );
    expect(verdicts[0]?.allowed).toBe(true);
    expect(verdicts[3]?.allowed).toBe(true);
  });
});
