// A change-scoped run reads only the rows of the gateways some grants concern (loadGatewaySnapshot, one
// statement against the real PostgreSQL) and compiles those gateways alone (compileGateways). It must
// write exactly what the full run would: for random data sets (deleted destinations and services, every
// grant state, grants past their expiry, port-wide grants) and random sets of touched grants, the scoped
// objects equal the full compile's objects of those gateways, and a change the gateways alone cannot
// stand for (a port-wide grant, an unknown grant, a deleted destination) is refused (the full run goes).
import { randomUUID } from 'node:crypto';

import { compile, compileGateways, type KubernetesObject } from '@egress/manifests';
import { SettingsSchema } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDb, type Db } from '../../src/platform/db.ts';
import { readSettings, SETTINGS_KEY } from '../../src/platform/settings.ts';
import { loadGatewaySnapshot, loadSnapshot } from '../../src/reconcile/desired-state.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let db: Db;

/** mulberry32: the same data every run for a seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] as T };
}

interface Seeded {
  grants: { id: string; destinationId: string | null }[];
  deletedDestinations: Set<string>;
}

const NOW = new Date('2026-12-07T10:00:00Z');
const STATES = ['active', 'active', 'active', 'pending', 'revoked', 'expired', 'rejected'] as const;

type Rnd = ReturnType<typeof prng>;

/** A grant's port: one the destination serves, or (sometimes) one it does not, which opens nothing. */
function grantPort(rnd: Rnd, ports: number[] | null): number {
  if (!ports) return rnd.pick([443, 80]);
  return rnd.next() < 0.9 ? rnd.pick(ports) : 9999;
}

/** No expiry, one in the past the sweep has not marked yet, or one in the future. */
function grantExpiry(rnd: Rnd): Date | null {
  const x = rnd.next();
  if (x < 0.1) return new Date(NOW.getTime() - 60_000);
  return x < 0.2 ? new Date(NOW.getTime() + 3_600_000) : null;
}

/** 300 grants in every state, at most one open (pending or active) per service, destination and port. */
function randomGrants(
  rnd: Rnd,
  services: { id: string }[],
  destinations: { id: string }[],
  ports: Map<string, number[]>,
  userId: string,
) {
  const open = new Set<string>();
  return Array.from({ length: 300 }, () => {
    const service = rnd.pick(services);
    const d = rnd.next() < 0.1 ? null : rnd.pick(destinations);
    const port = grantPort(rnd, d ? (ports.get(d.id) ?? [443]) : null);
    let state: (typeof STATES)[number] = rnd.pick(STATES);
    const key = `${service.id}/${d?.id ?? '*'}/${port}`;
    const isOpen = state === 'active' || state === 'pending';
    if (isOpen && open.has(key)) state = 'revoked';
    else if (isOpen) open.add(key);
    return {
      id: randomUUID(),
      serviceId: service.id,
      destinationId: d?.id ?? null,
      port,
      justification: 'scoped compile test',
      state,
      requiredApprovals: 1,
      requestedById: userId,
      expiresAt: grantExpiry(rnd),
    };
  });
}

/** A random data set in a fresh schema state (everything of the previous round removed). */
async function seed(seedNumber: number): Promise<Seeded> {
  const rnd = prng(seedNumber);
  await db.$executeRawUnsafe('TRUNCATE grants, destination_ports, destinations, services CASCADE');
  const user = await db.user.upsert({
    where: { email: 'scoped@test.example' },
    create: { email: 'scoped@test.example', name: 'scoped', role: 'engineer' },
    update: {},
  });
  const services = Array.from({ length: 40 }, (_, i) => ({
    id: randomUUID(),
    name: `svc-${seedNumber}-${i}`,
    namespace: `team-${rnd.int(4)}`,
    selector: {
      matchLabels: rnd.next() < 0.3 ? { app: `a${i}`, tier: rnd.pick(['web', 'db']) } : { app: `a${i}` },
    },
    serviceAccount: rnd.next() < 0.3 ? `sa-${i}` : null,
    deletedAt: rnd.next() < 0.1 ? NOW : null,
  }));
  await db.service.createMany({ data: services });
  const destinations = Array.from({ length: 15 }, (_, i) => ({
    id: randomUUID(),
    host: `api-${i}.vendor${seedNumber}.example`,
    gatewayName: `egw-${seedNumber}-${i}`,
    sensitivity: rnd.next() < 0.3 ? ('sensitive' as const) : ('standard' as const),
    minReplicas: 1 + rnd.int(3),
    maxReplicas: 3 + rnd.int(5),
    targetCPUUtilizationPercentage: 50 + rnd.int(40),
    deletedAt: rnd.next() < 0.15 ? NOW : null,
    // Observe mode changes the gateway policy: a scoped run must carry it as the full run does.
    mode: rnd.next() < 0.3 ? ('observe' as const) : ('enforce' as const),
  }));
  await db.destination.createMany({ data: destinations });
  const ports = new Map(
    destinations.map((d) => [d.id, rnd.next() < 0.5 ? [443] : [443, rnd.pick([22, 8443, 5432])]]),
  );
  await db.destinationPort.createMany({
    data: destinations.flatMap((d) =>
      (ports.get(d.id) ?? []).map((port) => ({ destinationId: d.id, port, protocol: 'TCP' as const })),
    ),
  });
  const grants = randomGrants(rnd, services, destinations, ports, user.id);
  await db.grant.createMany({ data: grants });
  return {
    grants: grants.map((g) => ({ id: g.id, destinationId: g.destinationId })),
    deletedDestinations: new Set(destinations.filter((d) => d.deletedAt).map((d) => d.id)),
  };
}

const key = (o: KubernetesObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 4);
  const settings = SettingsSchema.parse({
    gatewayNamespace: 'egress-gw',
    enforcedNamespaces: ['team-0', 'team-1'],
    gatewayResolver: { cidrs: ['10.0.0.10/32'] },
  });
  await db.setting.create({ data: { key: SETTINGS_KEY, value: settings } });
});

afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

describe('change-scoped compile against the full compile', () => {
  it('renders the touched gateways exactly as the full compile does, for random data sets and changes', async () => {
    let compared = 0;
    let refused = 0;
    for (const seedNumber of [1, 2, 3, 4, 5]) {
      const seeded = await seed(seedNumber);
      const snapshot = await loadSnapshot(db, readSettings, NOW);
      const full = compile({ ...snapshot, readiness: {}, cluster: null });
      const byKey = new Map(full.map((o) => [key(o), o]));
      const rnd = prng(seedNumber * 7919);
      for (let round = 0; round < 12; round++) {
        const touched = Array.from({ length: 1 + rnd.int(4) }, () => rnd.pick(seeded.grants));
        const ids = [...new Set(touched.map((g) => g.id))];
        const input = await loadGatewaySnapshot(db, readSettings, ids, NOW);
        const standsFor = touched.every(
          (g) => g.destinationId !== null && !seeded.deletedDestinations.has(g.destinationId),
        );
        if (!standsFor) {
          expect(input, `round ${round} of seed ${seedNumber}`).toBeNull();
          refused++;
          continue;
        }
        expect(input).not.toBeNull();
        const scoped = compileGateways(input!);
        const gateways = new Set(input!.destinations.map((d) => d.gatewayName));
        expect(input!.destinations.map((d) => d.id).sort()).toEqual(
          [...new Set(touched.map((g) => g.destinationId))].sort(),
        );
        const expected = full.filter(
          (o) =>
            o.metadata.labels['app.kubernetes.io/component'] === 'gateway' && gateways.has(o.metadata.name),
        );
        expect(scoped.map(key)).toEqual(expected.map(key));
        for (const o of scoped) expect(o, key(o)).toEqual(byKey.get(key(o)));
        compared += scoped.length;
      }
    }
    // The data sets exercised both paths.
    expect(compared).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(5);
  });

  it('refuses a grant id that is no grant', async () => {
    await seed(9);
    expect(await loadGatewaySnapshot(db, readSettings, [randomUUID()], NOW)).toBeNull();
  });
});
