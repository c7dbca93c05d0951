// Property test of the explain engine (issue 14, item 4): for a seeded random fleet, the product's own
// reachability evaluation (packages/manifests reachability.ts) must give the same answer as an
// independent NetworkPolicy engine, cyclonus's matcher (the harness's netpol-oracle), on the policies
// the compiler emits, for every path that matters: client pod → the host's gateway pod on the port,
// gateway pod → a public address on the port, client pod → a public address on the port directly.
import { performance } from 'node:perf_hooks';

import { netpolOracle, type OracleQuery, type OracleVerdict } from '@egress/harness';
import {
  compile,
  type CompilerDestination,
  type CompilerGrant,
  type CompilerInput,
  type CompilerService,
  type KubernetesObject,
  type Protocol,
  type Reachability,
  reachability,
} from '@egress/manifests';
import { gatewayNameFor, type GrantState, SettingsSchema } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { binDir } from './helpers.ts';

const SEED = Number(process.env.EXPLAIN_ORACLE_SEED ?? 20261207);
const TRIPLES = 2_400;
const NOW = new Date('2026-12-07T04:00:00Z');
const GATEWAY_POD_IP = '10.244.200.7'; // inside the default pod range, which no public block covers
const CLIENT_POD_IP = '10.244.3.4';
const PUBLIC_IPS = ['203.0.113.10', '198.51.100.77', '8.8.4.4', '2001:db8::10'];
const PORTS = [22, 25, 53, 123, 443, 5432, 8443, 9000];

/** mulberry32: small, seedable, the same sequence everywhere. */
function prng(seed: number): {
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
} {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)]!, chance: (p) => next() < p };
}

interface FleetGrant extends CompilerGrant {
  state: GrantState;
  expiresAt: Date | null;
}

/** What reaches the compiler: as loadSnapshot (apps/api/src/reconcile/desired-state.ts) filters. */
function enforcedNow(grants: readonly FleetGrant[], now: Date): CompilerGrant[] {
  return grants
    .filter((g) => g.state === 'active' && (g.expiresAt === null || g.expiresAt > now))
    .map(({ id, serviceId, destinationId, port }) => ({ id, serviceId, destinationId, port }));
}

const uuid = (kind: number, n: number) =>
  `00000000-0000-4000-${String(8000 + kind)}-${String(n).padStart(12, '0')}`;

type Rng = ReturnType<typeof prng>;

const NAMESPACES = ['payments', 'billing', 'build', 'data', 'frontend', 'batch', 'ml'];

function makeServices(r: Rng): CompilerService[] {
  const services: CompilerService[] = [];
  for (let i = 0; i < 56; i++) {
    // The last eight share an app label (and namespace) with an earlier one and add a label: their
    // pods match the wider selector too, so they hold its grants.
    const wider = i >= 48 ? services[i % 48] : undefined;
    const app = `app-${i % 48}`;
    services.push({
      id: uuid(1, i),
      name: `service.s${i}`,
      namespace: wider?.namespace ?? r.pick(NAMESPACES),
      selector: { matchLabels: wider ? { app, tier: 'api' } : { app } },
    });
  }
  return services;
}

function makePorts(r: Rng): { port: number; protocol: Protocol }[] {
  const ports = new Map<string, { port: number; protocol: Protocol }>();
  const flip = (p: Protocol): Protocol => (p === 'TCP' ? 'UDP' : 'TCP');
  for (let k = 1 + r.int(3); k > 0; k--) {
    const port = r.pick(PORTS);
    const protocol: Protocol = r.chance(0.3) ? 'UDP' : 'TCP';
    ports.set(`${port}/${protocol}`, { port, protocol });
    // Now and then the same number over both protocols.
    if (r.chance(0.15)) ports.set(`${port}/${flip(protocol)}`, { port, protocol: flip(protocol) });
  }
  return [...ports.values()];
}

function makeDestinations(r: Rng): CompilerDestination[] {
  return Array.from({ length: 30 }, (_, i) => {
    const host = `d${i}.example.com`;
    return {
      id: uuid(2, i),
      host,
      gatewayName: gatewayNameFor(host),
      sensitivity: r.chance(0.3) ? 'sensitive' : 'standard',
      ports: makePorts(r),
      gateway: { minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 70 },
    };
  });
}

const STATES: GrantState[] = ['pending', 'active', 'active', 'active', 'revoked', 'expired', 'rejected'];

function makeGrant(
  r: Rng,
  i: number,
  services: CompilerService[],
  destinations: CompilerDestination[],
): FleetGrant {
  const d = r.chance(0.15) ? null : r.pick(destinations);
  // Mostly a port the destination serves; sometimes one it does not list (opens nothing).
  const port = d && r.chance(0.85) ? r.pick(d.ports).port : r.pick(PORTS);
  const expiry = r.int(3); // none, past (active but not yet swept), future
  const hours = (expiry === 1 ? -1 : 1) * (1 + r.int(72));
  return {
    id: uuid(3, i),
    serviceId: r.pick(services).id,
    destinationId: d?.id ?? null,
    port,
    state: r.pick(STATES),
    expiresAt: expiry === 0 ? null : new Date(NOW.getTime() + hours * 3_600_000),
  };
}

function fleet(seed: number): { input: CompilerInput; grants: FleetGrant[]; namespaces: string[] } {
  const r = prng(seed);
  // Two always enforced, two never, the rest by chance.
  const enforced = NAMESPACES.filter(
    (n) => ['payments', 'billing'].includes(n) || (!['frontend', 'batch'].includes(n) && r.chance(0.5)),
  );
  const services = makeServices(r);
  const destinations = makeDestinations(r);
  const grants = Array.from({ length: 220 }, (_, i) => makeGrant(r, i, services, destinations));
  // Chance alone may leave an enforced namespace without a live port-wide grant: one each, for sure
  // (443 and 53; UDP queries on 53 must still be denied, the policy being TCP only).
  for (const ns of enforced) {
    const s = services.find((x) => x.namespace === ns);
    for (const port of s ? [443, 53] : []) {
      grants.push({
        id: uuid(3, grants.length),
        serviceId: s!.id,
        destinationId: null,
        port,
        state: 'active',
        expiresAt: null,
      });
    }
  }
  const readiness = Object.fromEntries(destinations.map((d) => [d.gatewayName, r.chance(0.85)]));
  const settings = SettingsSchema.parse({ enforcedNamespaces: enforced });
  return {
    input: { settings, destinations, services, grants: enforcedNow(grants, NOW), readiness },
    grants,
    namespaces: NAMESPACES,
  };
}

function podLabels(
  objects: readonly KubernetesObject[],
  namespace: string,
  gatewayName: string,
): Record<string, string> {
  const deployment = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.namespace === namespace && o.metadata.name === gatewayName,
  );
  const labels = (
    deployment?.spec as { template: { metadata: { labels: Record<string, string> } } } | undefined
  )?.template.metadata.labels;
  if (!labels) throw new Error(`no Deployment ${namespace}/${gatewayName}`);
  return labels;
}

interface Triple {
  service: CompilerService;
  host: string;
  port: number;
  protocol: Protocol;
  publicIp: string;
}

/** The verdict from the oracle's three paths, composed as the explain engine documents it. */
function oracleVerdict(
  steered: boolean,
  gw: OracleVerdict | null,
  up: OracleVerdict | null,
  direct: OracleVerdict,
): string {
  if (!direct.egress.isolated) return 'open';
  if (steered && gw?.allowed && up?.allowed) return 'allowed';
  return direct.allowed ? 'allowed' : 'denied';
}

function describeCase(
  t: Triple,
  ours: Reachability,
  gw: OracleVerdict | null,
  up: OracleVerdict | null,
  direct: OracleVerdict,
): string {
  return JSON.stringify({
    triple: {
      service: `${t.service.namespace}/${t.service.name}`,
      selector: t.service.selector.matchLabels,
      host: t.host,
      port: t.port,
      protocol: t.protocol,
      publicIp: t.publicIp,
    },
    ours: { verdict: ours.verdict, toGateway: ours.toGateway, upstream: ours.upstream, direct: ours.direct },
    oracle: { toGateway: gw, upstream: up, direct },
  });
}

/** The fleet has what the issue asks for (guards against a generator that drifts into a corner). */
function expectRichFleet(
  input: CompilerInput,
  grants: readonly FleetGrant[],
  namespaces: readonly string[],
): void {
  const enforced = new Set(input.settings.enforcedNamespaces);
  const namespaceOf = (serviceId: string) => input.services.find((s) => s.id === serviceId)?.namespace ?? '';
  expect(input.services.length).toBeGreaterThanOrEqual(50);
  expect(input.destinations.length).toBe(30);
  expect(namespaces.filter((n) => enforced.has(n)).length).toBeGreaterThanOrEqual(2);
  expect(namespaces.filter((n) => !enforced.has(n)).length).toBeGreaterThanOrEqual(2);
  expect(new Set(input.destinations.map((d) => d.sensitivity))).toEqual(new Set(['standard', 'sensitive']));
  expect(input.destinations.some((d) => d.ports.some((p) => p.protocol === 'UDP'))).toBe(true);
  for (const state of ['pending', 'active', 'revoked', 'expired'] as const) {
    expect(grants.some((g) => g.state === state)).toBe(true);
  }
  expect(grants.some((g) => g.state === 'active' && g.expiresAt !== null && g.expiresAt <= NOW)).toBe(true);
  expect(input.grants.some((g) => g.destinationId === null && enforced.has(namespaceOf(g.serviceId)))).toBe(
    true,
  );
  expect(input.grants.length).toBeLessThan(grants.length);
}

/** A triple that follows a live destination grant (else few triples would hit one); random protocol. */
function grantTriple(r: Rng, input: CompilerInput, g: CompilerGrant): Triple {
  const service = input.services.find((s) => s.id === g.serviceId)!;
  const d = input.destinations.find((x) => x.id === g.destinationId)!;
  const protocol: Protocol = r.chance(0.8) ? 'TCP' : 'UDP';
  return { service, host: d.host, port: g.port, protocol, publicIp: r.pick(PUBLIC_IPS) };
}

/** Any service; mostly a destination's host, else an unknown one (leaning to port-wide grants' ports). */
function randomTriple(r: Rng, input: CompilerInput, portWide: readonly CompilerGrant[]): Triple {
  const service = r.pick(input.services);
  const d = r.chance(0.85) ? r.pick(input.destinations) : null;
  const served = d && r.chance(0.7) ? r.pick(d.ports) : null;
  const otherPort = r.chance(0.4) ? r.pick(portWide).port : r.pick(PORTS);
  const otherProtocol: Protocol = r.chance(0.3) ? 'UDP' : 'TCP';
  return {
    service,
    host: d ? d.host : `unknown-${r.int(5)}.example.net`,
    port: served ? served.port : otherPort,
    protocol: served ? served.protocol : otherProtocol,
    publicIp: r.pick(PUBLIC_IPS),
  };
}

function makeTriples(r: Rng, input: CompilerInput): Triple[] {
  const destinationGrants = input.grants.filter((g) => g.destinationId !== null);
  const portWide = input.grants.filter((g) => g.destinationId === null);
  return Array.from({ length: TRIPLES }, () =>
    r.chance(0.33) ? grantTriple(r, input, r.pick(destinationGrants)) : randomTriple(r, input, portWide),
  );
}

interface Asked {
  gw: number | null;
  up: number | null;
  direct: number;
}

/** Three oracle queries per triple (the gateway ones only when the host is a destination). */
function oracleQueries(
  input: CompilerInput,
  objects: readonly KubernetesObject[],
  triples: readonly Triple[],
): { queries: OracleQuery[]; asked: Asked[] } {
  const gwNs = input.settings.gatewayNamespace;
  const queries: OracleQuery[] = [];
  const ask = (q: OracleQuery) => queries.push(q) - 1;
  const asked = triples.map((t): Asked => {
    const { port, protocol } = t;
    const client = {
      namespace: t.service.namespace,
      podLabels: t.service.selector.matchLabels,
      ip: CLIENT_POD_IP,
    };
    const direct = ask({ source: client, destination: { ip: t.publicIp }, port, protocol });
    const d = input.destinations.find((x) => x.host === t.host);
    if (!d) return { gw: null, up: null, direct };
    const gateway = { namespace: gwNs, podLabels: podLabels(objects, gwNs, d.gatewayName) };
    return {
      gw: ask({ source: client, destination: { internal: gateway, ip: GATEWAY_POD_IP }, port, protocol }),
      up: ask({
        source: { ...gateway, ip: GATEWAY_POD_IP },
        destination: { ip: t.publicIp },
        port,
        protocol,
      }),
      direct,
    };
  });
  return { queries, asked };
}

interface OraclePaths {
  gw: OracleVerdict | null;
  up: OracleVerdict | null;
  direct: OracleVerdict;
}

function pathsOf(at: Asked, verdicts: readonly OracleVerdict[]): OraclePaths {
  const pick = (i: number | null) => (i === null ? null : verdicts[i]!);
  return { gw: pick(at.gw), up: pick(at.up), direct: verdicts[at.direct]! };
}

const allowed = (v: { allowed: boolean } | null) => (v ? v.allowed : null);

/** Whether our answer equals the oracle's, verdict and every path; the expected verdict for the tally. */
function compare(
  input: CompilerInput,
  t: Triple,
  mine: Reachability,
  o: OraclePaths,
): { same: boolean; expected: string; detail: string } {
  const d = input.destinations.find((x) => x.host === t.host);
  const steered = d !== undefined && input.readiness !== 'all' && input.readiness[d.gatewayName] === true;
  const expected = oracleVerdict(steered, o.gw, o.up, o.direct);
  const same =
    mine.verdict === expected &&
    mine.direct.allowed === o.direct.allowed &&
    mine.direct.egress.isolated === o.direct.egress.isolated &&
    allowed(mine.toGateway) === allowed(o.gw) &&
    allowed(mine.upstream) === allowed(o.up);
  return { same, expected, detail: same ? '' : describeCase(t, mine, o.gw, o.up, o.direct) };
}

describe('explain agrees with an independent NetworkPolicy engine (cyclonus)', () => {
  it(`on ${TRIPLES} random (service, host, port) triples over a seeded fleet`, async () => {
    const bins = await binDir();
    console.log(`explain-oracle: seed ${SEED} (set EXPLAIN_ORACLE_SEED to replay another)`);
    const { input, grants, namespaces } = fleet(SEED);
    expectRichFleet(input, grants, namespaces);

    let start = performance.now();
    const objects = compile(input);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const compileMs = performance.now() - start;
    const triples = makeTriples(prng(SEED ^ 0x5eed), input);

    start = performance.now();
    const options = { gatewayPodIp: GATEWAY_POD_IP };
    const ours = triples.map((t) =>
      reachability(
        input,
        objects,
        { serviceId: t.service.id, host: t.host, port: t.port, protocol: t.protocol },
        { ...options, publicIp: t.publicIp },
      ),
    );
    const oursMs = performance.now() - start;

    const { queries, asked } = oracleQueries(input, objects, triples);
    const nsLabels = Object.fromEntries(
      [...namespaces, input.settings.gatewayNamespace].map((n) => [
        n,
        { labels: { 'kubernetes.io/metadata.name': n } },
      ]),
    );
    start = performance.now();
    const verdicts = await netpolOracle(bins, { policies, namespaces: nsLabels, queries });
    const oracleMs = performance.now() - start;

    const disagreements: string[] = [];
    const tally: Record<string, number> = {};
    triples.forEach((t, i) => {
      const mine = ours[i]!;
      const { same, expected, detail } = compare(input, t, mine, pathsOf(asked[i]!, verdicts));
      const kind = mine.route ? `${expected}:${mine.route}` : expected;
      tally[kind] = (tally[kind] ?? 0) + 1;
      if (!same) disagreements.push(detail);
    });
    const agree = TRIPLES - disagreements.length;

    console.log(
      `explain-oracle: ${agree}/${TRIPLES} agree (${queries.length} oracle queries over ${policies.length} NetworkPolicies; ` +
        `${input.services.length} services, ${input.destinations.length} destinations, ${input.grants.length}/${grants.length} grants enforced)\n` +
        `explain-oracle: verdicts ${JSON.stringify(tally)}\n` +
        `explain-oracle: compile ${compileMs.toFixed(0)} ms, explain ${oursMs.toFixed(0)} ms, oracle ${oracleMs.toFixed(0)} ms`,
    );
    for (const c of disagreements.slice(0, 5)) console.log(`explain-oracle: DISAGREE ${c}`);
    // Every verdict kind occurs, so agreement is not agreement on one constant answer.
    for (const kind of ['allowed:gateway', 'allowed:port-wide', 'denied', 'open:unisolated']) {
      expect(tally[kind] ?? 0).toBeGreaterThan(20);
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
    expect(agree).toBe(TRIPLES);
  }, 120_000);
});
