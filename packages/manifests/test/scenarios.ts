// Inputs shared by the compiler tests. Each call returns fresh objects, so a test may change them.
import { gatewayNameFor, SettingsSchema } from '@egress/shared';

import type { CompilerDestination, CompilerInput, CompilerService } from '../src/index.ts';

export const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function destination(
  n: number,
  host: string,
  ports: CompilerDestination['ports'],
  extra: Partial<CompilerDestination> = {},
): CompilerDestination {
  return {
    id: uuid(n),
    host,
    gatewayName: gatewayNameFor(host),
    sensitivity: 'standard',
    ports,
    gateway: { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
    ...extra,
  };
}

export function service(
  n: number,
  name: string,
  namespace: string,
  matchLabels: Record<string, string>,
  serviceAccount?: string,
): CompilerService {
  return {
    id: uuid(n),
    name,
    namespace,
    selector: { matchLabels },
    ...(serviceAccount === undefined ? {} : { serviceAccount }),
  };
}

/**
 * A scenario touching every branch: TCP and UDP ports, a port shared by both protocols, a destination
 * port on the admin/probe ports, a destination without grants, IPv6 cluster ranges, a public-range
 * node network, two resolvers, port-wide grants in enforced and non-enforced namespaces, a grant for
 * a port the destination does not serve, a grant of a deleted service, a very long service name, and
 * a readiness map with one gateway not ready; bound services (two in one namespace) and unbound ones.
 */
export function richInput(): CompilerInput {
  const longName = `service.${'very-long-team-name.'.repeat(5)}worker`;
  const destinations = [
    destination(
      1,
      'github.com',
      [
        { port: 22, protocol: 'TCP' },
        { port: 443, protocol: 'TCP' },
      ],
      { sensitivity: 'sensitive' },
    ),
    destination(2, 'api.stripe.com', [{ port: 443, protocol: 'TCP' }]),
    destination(3, 'dns.example.net', [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ]),
    destination(4, 'metrics.vendor.io', [
      { port: 9901, protocol: 'TCP' },
      { port: 9902, protocol: 'TCP' },
      { port: 9903, protocol: 'UDP' },
    ]),
    destination(5, 'unused.example.org', [{ port: 8443, protocol: 'TCP' }]),
  ];
  const services = [
    service(11, 'service.github', 'payments', { app: 'service-github' }, 'github-client'),
    service(
      12,
      'service.billing',
      'billing',
      { app: 'billing', 'app.kubernetes.io/component': 'api' },
      'billing-api',
    ),
    service(13, 'service.crawler', 'crawler-ns', { app: 'crawler' }),
    service(14, 'service.resolver', 'infra', { app: 'resolver' }),
    service(15, longName, 'payments', { app: 'long' }, 'long-worker'),
    service(16, 'service.metrics', 'observability', { app: 'metrics', tier: 'backend' }),
  ];
  let g = 100;
  const grant = (serviceN: number, destinationN: number | null, port: number) => ({
    id: uuid(g++),
    serviceId: uuid(serviceN),
    destinationId: destinationN === null ? null : uuid(destinationN),
    port,
  });
  return {
    settings: SettingsSchema.parse({
      enforcedNamespaces: ['payments', 'billing', 'crawler-ns'],
      podCidrs: ['10.244.0.0/16', 'fd00:10:244::/56'],
      serviceCidrs: ['10.96.0.0/12', 'fd00:10:96::/112'],
      internalCidrs: ['192.168.10.0/24', '203.0.113.0/24', '169.254.20.10/32'],
      gatewayResolver: { cidrs: ['169.254.169.253/32', '10.0.0.2/32'] },
    }),
    destinations,
    services,
    grants: [
      grant(11, 1, 443),
      grant(11, 1, 22),
      grant(12, 2, 443),
      grant(15, 2, 443),
      grant(14, 3, 53),
      grant(16, 4, 9901),
      grant(16, 4, 9903),
      grant(12, 1, 8080), // github.com does not serve 8080: opens nothing
      grant(99, 1, 443), // service 99 is not in the input (deleted): grants nothing
      grant(13, null, 443),
      grant(15, null, 443),
      grant(15, null, 8443),
      grant(16, null, 443), // observability is not enforced: no port-wide policy
    ],
    readiness: {
      [gatewayNameFor('github.com')]: true,
      [gatewayNameFor('api.stripe.com')]: false,
      [gatewayNameFor('dns.example.net')]: true,
    },
  };
}
