// The reconcile benchmarks' fleet: 300 destinations (20 % sensitive, one or two TCP ports), 1,000
// services in 20 enforced namespaces, 3,000 active grants (5 % port-wide) and 50 pending grants on
// standard destinations (plus 200 for run.ts's burst), written with bulk SQL from a seeded random generator (same data every run).
// Used by run.ts (cold apply, no-op resync, approve -> policy) and idle.ts (apiserver requests at rest).
import { randomUUID } from 'node:crypto';

import type { Db } from '../../apps/api/src/platform/db.ts';
import { TOKEN_PREFIX } from '../../apps/api/src/platform/identity.ts';
import { newSecret, sha256 } from '../../apps/api/src/platform/secrets.ts';
import { gatewayNameFor } from '../../packages/shared/src/gateway-name.ts';
import { SettingsSchema } from '../../packages/shared/src/schemas/settings.ts';
import { prng } from '../lib/prng.ts';
import { bulkInsert } from '../lib/seed.ts';

export const SIZE = {
  destinations: 300,
  services: 1_000,
  grants: 3_000,
  namespaces: 20,
  approvals: 50,
  burst: 200,
};

export interface Pending {
  id: string;
  gateway: string;
  app: string;
}

export interface Seeded {
  approverToken: string;
  /** Pending standard grants to approve one at a time: id, the destination's gateway and the service's pod label. */
  pending: Pending[];
  /** Pending standard grants approved all at once (run.ts's burst). */
  burst: Pending[];
  /** The destinations: host, gateway name, sensitivity and TCP ports. */
  destinations: FleetDestination[];
  /** The gateway namespace of the seeded settings. */
  gatewayNamespace: string;
}

export interface FleetDestination {
  host: string;
  gateway: string;
  sensitive: boolean;
  ports: number[];
}

/** The fleet's destinations, the first draws of the generator (so other tools can build the same 300 without a database). */
export function fleetDestinations(rnd = prng(20261126)): FleetDestination[] {
  const vendors = [
    'stripe',
    'github',
    'sendgrid',
    'datadog',
    'twilio',
    'okta',
    'slack',
    'aws',
    'cloudflare',
    'pagerduty',
  ];
  return Array.from({ length: SIZE.destinations }, (_, i) => {
    const host = `${rnd.pick(['api', 'hooks', 'files', 'auth', 'ingest'])}-${i}.${rnd.pick(vendors)}.com`;
    return {
      host,
      gateway: gatewayNameFor(host),
      sensitive: rnd.next() < 0.2,
      ports: rnd.next() < 0.6 ? [443] : [443, rnd.pick([22, 5432, 8443, 9200])],
    };
  });
}

export async function seedFleet(db: Db): Promise<Seeded> {
  const rnd = prng(20261126);
  const now = new Date();
  const engineer = randomUUID();
  const approver = randomUUID();
  const approverToken = newSecret(TOKEN_PREFIX);
  await bulkInsert(db, 'users', 'id:uuid email:text name:text role:"Role" updated_at:timestamptz', [
    [engineer, 'engineer@bench.example', 'engineer', 'engineer', now],
    [approver, 'approver@bench.example', 'approver', 'approver', now],
  ]);
  await bulkInsert(
    db,
    'api_tokens',
    'id:uuid name:text token_hash:text prefix:text role:"Role" user_id:uuid',
    [[randomUUID(), 'bench', sha256(approverToken), approverToken.slice(0, 10), 'approver', approver]],
  );
  const namespaces = Array.from({ length: SIZE.namespaces }, (_, i) => `team-${String(i).padStart(2, '0')}`);
  const settings = SettingsSchema.parse({
    gatewayNamespace: 'egress-gateways',
    enforcedNamespaces: namespaces,
    gatewayResolver: { cidrs: ['10.0.0.10/32'] },
  });
  await db.setting.create({ data: { key: 'cluster', value: settings as object } });

  const services = Array.from({ length: SIZE.services }, (_, i) => ({
    id: randomUUID(),
    name: `svc-${String(i).padStart(4, '0')}.api`,
    app: `svc-${i}`,
    namespace: namespaces[i % namespaces.length] ?? '',
  }));
  await bulkInsert(
    db,
    'services',
    'id:uuid name:text namespace:text selector:jsonb updated_at:timestamptz',
    services.map((s) => [s.id, s.name, s.namespace, JSON.stringify({ matchLabels: { app: s.app } }), now]),
  );
  const destinations = fleetDestinations(rnd).map((d) => ({ ...d, id: randomUUID() }));
  await bulkInsert(
    db,
    'destinations',
    'id:uuid host:text gateway_name:text sensitivity:"Sensitivity" updated_at:timestamptz',
    destinations.map((d) => [d.id, d.host, d.gateway, d.sensitive ? 'sensitive' : 'standard', now]),
  );
  await bulkInsert(
    db,
    'destination_ports',
    'id:uuid destination_id:uuid port:int protocol:"Protocol"',
    destinations.flatMap((d) => d.ports.map((p) => [randomUUID(), d.id, p, 'TCP'])),
  );

  // 3,000 active grants (5 % port-wide), then pending ones on pairs not granted yet.
  const taken = new Set<string>();
  const rows: unknown[][] = [];
  const pending: Pending[] = [];
  const add = (
    state: 'active' | 'pending',
    service: (typeof services)[number],
    d: (typeof destinations)[number] | null,
    port: number,
  ): string => {
    const id = randomUUID();
    rows.push([
      id,
      service.id,
      d?.id,
      port,
      'Benchmark grant.',
      state,
      d === null || d.sensitive ? 2 : 1,
      engineer,
      now,
      state === 'active' ? now : null,
      state === 'active' ? approver : null,
      now,
    ]);
    return id;
  };
  while (rows.length < SIZE.grants) {
    const service = rnd.pick(services);
    const d = rnd.next() < 0.05 ? null : rnd.pick(destinations);
    const port = d ? rnd.pick(d.ports) : rnd.pick([443, 80]);
    const key = `${service.id}/${d?.id ?? '*'}/${port}`;
    if (taken.has(key)) continue;
    taken.add(key);
    add('active', service, d, port);
  }
  while (pending.length < SIZE.approvals + SIZE.burst) {
    const service = rnd.pick(services);
    const d = rnd.pick(destinations.filter((x) => !x.sensitive));
    const key = `${service.id}/${d.id}/443`;
    if (taken.has(key)) continue;
    taken.add(key);
    pending.push({ id: add('pending', service, d, 443), gateway: d.gateway, app: service.app });
  }
  await bulkInsert(
    db,
    'grants',
    'id:uuid service_id:uuid destination_id:uuid port:int justification:text state:"GrantState" required_approvals:int requested_by_id:uuid requested_at:timestamptz decided_at:timestamptz decided_by_id:uuid updated_at:timestamptz',
    rows,
  );
  return {
    approverToken,
    pending: pending.slice(0, SIZE.approvals),
    burst: pending.slice(SIZE.approvals),
    destinations,
    gatewayNamespace: settings.gatewayNamespace,
  };
}
