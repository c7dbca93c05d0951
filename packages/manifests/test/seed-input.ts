// The seed scenario of the golden test (test/golden/seed.yaml): two destinations, three services, two
// destination grants and one port-wide grant, three enforced namespaces. Ids are fixed UUIDs.
import { gatewayNameFor, SettingsSchema } from '@egress/shared';

import type { CompilerInput } from '../src/index.ts';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function seedInput(): CompilerInput {
  return {
    settings: SettingsSchema.parse({
      enforcedNamespaces: ['payments', 'billing', 'crawler-ns'],
      internalCidrs: ['192.168.10.0/24'],
      // A cloud VPC resolver on a link-local address: allowed to the gateways on port 53 only.
      gatewayResolver: { cidrs: ['169.254.169.253/32'] },
    }),
    destinations: [
      {
        id: id(1),
        host: 'github.com',
        gatewayName: gatewayNameFor('github.com'),
        sensitivity: 'sensitive',
        ports: [
          { port: 22, protocol: 'TCP' },
          { port: 443, protocol: 'TCP' },
        ],
        gateway: { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
      },
      {
        id: id(2),
        host: 'api.stripe.com',
        gatewayName: gatewayNameFor('api.stripe.com'),
        sensitivity: 'standard',
        ports: [{ port: 443, protocol: 'TCP' }],
        gateway: { minReplicas: 3, maxReplicas: 10, targetCPUUtilizationPercentage: 60 },
      },
    ],
    services: [
      {
        id: id(11),
        name: 'service.github',
        namespace: 'payments',
        selector: { matchLabels: { app: 'service-github' } },
        serviceAccount: 'service-github',
      },
      {
        id: id(12),
        name: 'service.billing',
        namespace: 'billing',
        selector: { matchLabels: { app: 'billing', 'app.kubernetes.io/component': 'api' } },
        serviceAccount: 'billing-api',
      },
      {
        id: id(13),
        name: 'service.crawler',
        namespace: 'crawler-ns',
        selector: { matchLabels: { app: 'crawler' } },
      },
    ],
    grants: [
      { id: id(21), serviceId: id(11), destinationId: id(1), port: 443 },
      { id: id(22), serviceId: id(12), destinationId: id(2), port: 443 },
      { id: id(23), serviceId: id(13), destinationId: null, port: 443 },
    ],
    readiness: 'all',
  };
}
