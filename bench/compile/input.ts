// Synthetic compiler input for the benchmark: deterministic (a seeded generator), sized by a scale factor.
// Relative imports: this folder is not a workspace package, so it cannot resolve package names.
import type { CompilerInput } from '../../packages/manifests/src/index.ts';
import { gatewayNameFor, SettingsSchema } from '../../packages/shared/src/index.ts';
import { prng } from '../lib/prng.ts';

const NAMESPACES_PER_1X = 250;

const id = (kind: number, n: number): string =>
  `00000000-0000-4${kind}00-8000-${String(n).padStart(12, '0')}`;

function destinations(count: number, rand: () => number): CompilerInput['destinations'] {
  const second = [
    { port: 22, protocol: 'TCP' },
    { port: 80, protocol: 'TCP' },
    { port: 5432, protocol: 'TCP' },
    { port: 8443, protocol: 'TCP' },
    { port: 53, protocol: 'UDP' },
  ] as const;
  return Array.from({ length: count }, (_, i) => {
    const host = `api-${i}.vendor-${i % 97}.example.com`;
    return {
      id: id(1, i),
      host,
      gatewayName: gatewayNameFor(host),
      sensitivity: rand() < 0.2 ? 'sensitive' : 'standard',
      ports: [{ port: 443, protocol: 'TCP' }, { ...second[Math.floor(rand() * second.length)]! }],
      gateway: { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
    };
  });
}

function services(count: number, namespaces: number): CompilerInput['services'] {
  return Array.from({ length: count }, (_, i) => ({
    id: id(2, i),
    name: `service.team-${i % 40}.worker-${i}`,
    namespace: `ns-${i % namespaces}`,
    selector: { matchLabels: { app: `worker-${i}`, 'app.kubernetes.io/part-of': `team-${i % 40}` } },
  }));
}

function grants(
  count: number,
  input: Pick<CompilerInput, 'destinations' | 'services'>,
  rand: () => number,
): CompilerInput['grants'] {
  const out: CompilerInput['grants'] = [];
  const seen = new Set<string>();
  while (out.length < count) {
    const service = input.services[Math.floor(rand() * input.services.length)]!;
    const portWide = rand() < 0.1;
    const destination = portWide ? null : input.destinations[Math.floor(rand() * input.destinations.length)]!;
    const port = destination
      ? destination.ports[Math.floor(rand() * destination.ports.length)]!.port
      : [443, 22, 8443][Math.floor(rand() * 3)]!;
    const key = `${service.id}/${destination?.id ?? '*'}/${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ id: id(3, out.length), serviceId: service.id, destinationId: destination?.id ?? null, port });
  }
  return out;
}

export function syntheticInput(scale: number): CompilerInput {
  const rand = prng(20260101 + scale).next;
  const namespaces = NAMESPACES_PER_1X * scale;
  const base = {
    destinations: destinations(1000 * scale, rand),
    services: services(5000 * scale, namespaces),
  };
  return {
    settings: SettingsSchema.parse({
      enforcedNamespaces: Array.from({ length: namespaces }, (_, i) => `ns-${i}`),
      gatewayResolver: { cidrs: ['169.254.169.253/32'] },
      internalCidrs: ['192.168.0.0/20'],
    }),
    ...base,
    grants: grants(20000 * scale, base, rand),
    readiness: 'all',
  };
}
