// The chart's optional PodMonitor for the gateways' metrics port, rendered by the harness helm: absent by
// default, and when enabled it selects exactly the pods the compiler builds, on the port and path their
// Envoy serves the stats on. (The harness API server has no Prometheus Operator CRDs, so the object is
// checked by its fields, not applied.)
import { compile, type CompilerInput, METRICS_PATH, METRICS_PORT_NAME } from '@egress/manifests';
import { gatewayNameFor, SettingsSchema } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { renderChart } from './helpers.ts';

const REQUIRED = ['database.existingSecret=egress-db', 'secretKey.existingSecret=egress-key'];

interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    namespaceSelector: { matchNames: string[] };
    selector: { matchLabels: Record<string, string> };
    podMetricsEndpoints: { port: string; path: string; interval: string }[];
  };
}

const render = (...sets: string[]): Promise<Rendered[]> => renderChart<Rendered>(...REQUIRED, ...sets);

/** A compiled gateway Deployment in the given gateway namespace (one destination, one port). */
function gatewayDeployment(gatewayNamespace: string): {
  labels: Record<string, string>;
  ports: { name: string }[];
} {
  const settings = SettingsSchema.parse({ gatewayNamespace });
  const input: CompilerInput = {
    settings,
    services: [],
    grants: [],
    readiness: 'all',
    destinations: [
      {
        id: '00000000-0000-4000-8000-000000000001',
        host: 'github.com',
        gatewayName: gatewayNameFor('github.com'),
        sensitivity: 'standard',
        ports: [{ port: 443, protocol: 'TCP' }],
        gateway: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
      },
    ],
  };
  const d = compile(input).find((o) => o.kind === 'Deployment');
  const template = (
    d?.['spec'] as {
      template: {
        metadata: { labels: Record<string, string> };
        spec: { containers: { ports: { name: string }[] }[] };
      };
    }
  ).template;
  return { labels: template.metadata.labels, ports: template.spec.containers[0]?.ports ?? [] };
}

describe('helm chart: gateways.podMonitor', () => {
  it('renders no PodMonitor by default', async () => {
    const objects = await render();
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.kind === 'PodMonitor')).toEqual([]);
  });

  it('when enabled, scrapes the compiled gateway pods on their metrics port and path, in the gateway namespace', async () => {
    const objects = await render(
      'gateways.podMonitor.enabled=true',
      'gateways.podMonitor.labels.release=prom',
      'reconciler.gatewayNamespace=gw-edge',
    );
    const monitors = objects.filter((o) => o.kind === 'PodMonitor');
    expect(monitors).toHaveLength(1);
    const pm = monitors[0]!;
    expect(pm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(pm.metadata.namespace).toBe('egress-control');
    expect(pm.metadata.labels?.['release']).toBe('prom');
    expect(pm.spec?.namespaceSelector).toEqual({ matchNames: ['gw-edge'] });

    // The selector matches the pods the compiler builds, and names a port their container has.
    const gateway = gatewayDeployment('gw-edge');
    for (const [key, value] of Object.entries(pm.spec?.selector.matchLabels ?? {}))
      expect(gateway.labels[key], key).toBe(value);
    expect(pm.spec?.podMetricsEndpoints).toEqual([
      { port: METRICS_PORT_NAME, path: METRICS_PATH, scheme: 'http', interval: '30s', scrapeTimeout: '10s' },
    ]);
    expect(gateway.ports.map((p) => p.name)).toContain(pm.spec?.podMetricsEndpoints[0]?.port);
  });

  it('puts the PodMonitor where the operator looks when told to', async () => {
    const objects = await render(
      'gateways.podMonitor.enabled=true',
      'gateways.podMonitor.namespace=monitoring',
    );
    expect(objects.find((o) => o.kind === 'PodMonitor')?.metadata.namespace).toBe('monitoring');
  });
});
