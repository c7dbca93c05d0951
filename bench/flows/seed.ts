// The flows benchmark's data set, written straight into a migrated database with bulk SQL from a
// seeded PRNG (the same shape every run): 1,000 services in 25 namespaces, 300 registered
// destinations, alert rules, an ingest token and an engineer token, and ~100,000 blocked_flows rows
// spread over the retention period (for the inbox's latency).
import { randomUUID } from 'node:crypto';

import { buildMissingGroups } from '../../apps/api/src/modules/flows/flows.repository.ts';
import type { Db } from '../../apps/api/src/platform/db.ts';
import { TOKEN_PREFIX } from '../../apps/api/src/platform/identity.ts';
import { newSecret, sha256 } from '../../apps/api/src/platform/secrets.ts';
import { gatewayNameFor } from '../../packages/shared/src/gateway-name.ts';
import { prng } from '../lib/prng.ts';
import { bulkInsert } from '../lib/seed.ts';

export const SIZE = {
  services: 1_000,
  namespaces: 25,
  destinations: 300,
  unknownHosts: 2_000,
  storedRows: 100_000,
};
const DAY = 86_400_000;
const WINDOW = 300_000;
export const PORTS = [443, 443, 443, 80, 22, 5432, 6379, 8443] as const;

export interface SeedService {
  id: string;
  name: string;
  namespace: string;
  app: string;
}

export interface Seeded {
  services: SeedService[];
  knownHosts: string[];
  unknownHosts: string[];
  ingestToken: string;
  engineerToken: string;
  storedRows: number;
}

async function seedPeople(db: Db, now: Date) {
  const admin = randomUUID();
  const engineer = randomUUID();
  await bulkInsert(db, 'users', 'id:uuid email:text name:text role:"Role" updated_at:timestamptz', [
    [admin, 'admin@bench.example', 'admin', 'admin', now],
    [engineer, 'engineer@bench.example', 'engineer', 'engineer', now],
  ]);
  const ingestToken = newSecret(TOKEN_PREFIX);
  const engineerToken = newSecret(TOKEN_PREFIX);
  // As the API stores them (SHA-256 of an egc_ secret); the collector's token holds only flows.ingest.
  await db.$executeRaw`INSERT INTO api_tokens (id, name, token_hash, prefix, role, scopes, user_id) VALUES
    (${randomUUID()}::uuid, 'collector', ${sha256(ingestToken)}, ${ingestToken.slice(0, 10)}, 'viewer', ARRAY['flows.ingest'], ${admin}::uuid),
    (${randomUUID()}::uuid, 'engineer', ${sha256(engineerToken)}, ${engineerToken.slice(0, 10)}, 'engineer', ARRAY[]::text[], ${engineer}::uuid)`;
  return { ingestToken, engineerToken };
}

async function seedCatalogue(db: Db, rnd: ReturnType<typeof prng>, now: Date) {
  const services: SeedService[] = Array.from({ length: SIZE.services }, (_, i) => {
    const app = `svc-${String(i).padStart(4, '0')}`;
    return {
      id: randomUUID(),
      name: `${app}.${rnd.pick(['api', 'worker', 'cron', 'web'])}`,
      namespace: `team-${i % SIZE.namespaces}`,
      app,
    };
  });
  await bulkInsert(
    db,
    'services',
    'id:uuid name:text namespace:text selector:jsonb updated_at:timestamptz',
    services.map((s) => [s.id, s.name, s.namespace, JSON.stringify({ matchLabels: { app: s.app } }), now]),
  );
  const knownHosts = Array.from({ length: SIZE.destinations }, (_, i) => `api${i}.vendor${i % 40}.com`);
  const destinations = knownHosts.map((host) => ({ id: randomUUID(), host }));
  await bulkInsert(
    db,
    'destinations',
    'id:uuid host:text gateway_name:text sensitivity:"Sensitivity" updated_at:timestamptz',
    destinations.map((d) => [d.id, d.host, gatewayNameFor(d.host), 'standard', now]),
  );
  await bulkInsert(
    db,
    'destination_ports',
    'id:uuid destination_id:uuid port:int protocol:"Protocol"',
    destinations.map((d) => [randomUUID(), d.id, 443, 'TCP']),
  );
  // A rule for every service that never fires (its evaluation is part of every ingest) and 50 per-service rules.
  const rules = [
    [randomUUID(), 'any service', null, 1_000_000, 600, now],
    ...services.slice(0, 50).map((s) => [randomUUID(), `${s.name} denials`, s.id, 1_000_000, 300, now]),
  ];
  await bulkInsert(
    db,
    'alert_rules',
    'id:uuid name:text service_id:uuid threshold:int window_seconds:int updated_at:timestamptz',
    rules,
  );
  return { services, knownHosts, destinations };
}

/** ~100,000 windows of history over 30 days: 20,000 groups (source, destination, port) × 5 windows each. */
async function seedHistory(
  db: Db,
  rnd: ReturnType<typeof prng>,
  services: SeedService[],
  known: { id: string; host: string }[],
  unknownHosts: string[],
  nowMs: number,
): Promise<number> {
  const rows: unknown[][] = [];
  const groups = SIZE.storedRows / 5;
  for (let g = 0; g < groups; g++) {
    const unattributed = rnd.next() < 0.1;
    const service = rnd.pick(services);
    const isKnown = rnd.next() < 0.3;
    const dest = isKnown ? rnd.pick(known) : { id: null, host: rnd.pick(unknownHosts) };
    const port = 1000 + g; // distinct per group: keys never collide
    const windows = new Set<number>();
    while (windows.size < 5) windows.add(Math.floor((nowMs - rnd.next() * 30 * DAY) / WINDOW) * WINDOW);
    for (const w of windows) {
      const first = new Date(w + rnd.int(WINDOW / 2));
      rows.push([
        randomUUID(),
        unattributed ? null : service.id,
        unattributed ? `batch-${g % 40}` : service.namespace,
        `${service.app}-7d4b9c-x${g % 7}`,
        dest.host,
        dest.host,
        `203.0.${g % 250}.${(g >> 8) % 250}`,
        dest.id,
        port,
        'TCP',
        new Date(w),
        first,
        new Date(first.getTime() + rnd.int(WINDOW / 2)),
        1 + rnd.int(50),
        'generic',
      ]);
    }
  }
  await bulkInsert(
    db,
    'blocked_flows',
    'id:uuid service_id:uuid source_namespace:text source_workload:text dest_key:text dest_name:text dest_ip:text destination_id:uuid port:int protocol:"Protocol" window_start:timestamptz first_seen:timestamptz last_seen:timestamptz count:int reporter:text',
    rows,
  );
  // Loaded around the ingest path, so the inbox's groups are built here (the ingest keeps them itself).
  await buildMissingGroups(db);
  return rows.length;
}

export async function seed(db: Db, seedValue: number, nowMs: number): Promise<Seeded> {
  const rnd = prng(seedValue);
  const now = new Date(nowMs);
  const { ingestToken, engineerToken } = await seedPeople(db, now);
  const { services, knownHosts, destinations } = await seedCatalogue(db, rnd, now);
  const unknownHosts = Array.from({ length: SIZE.unknownHosts }, (_, i) => `cdn${i}.example-${i % 97}.net`);
  const storedRows = await seedHistory(db, rnd, services, destinations, unknownHosts, nowMs);
  await db.$executeRawUnsafe('VACUUM ANALYZE');
  return { services, knownHosts, unknownHosts, ingestToken, engineerToken, storedRows };
}
