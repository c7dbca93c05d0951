// The benchmarks' data set: a realistic amount of data written straight into a migrated database with
// bulk SQL, from a seeded PRNG so every run builds the same shape. Used by bench/api (REST latency) and
// bench/web (console render time).
import { randomUUID } from 'node:crypto';

import { GENESIS_HASH, hashEvent } from '../../apps/api/src/platform/audit.ts';
import type { Db } from '../../apps/api/src/platform/db.ts';
import { TOKEN_PREFIX } from '../../apps/api/src/platform/identity.ts';
import { newSecret, sha256 } from '../../apps/api/src/platform/secrets.ts';
import { gatewayNameFor } from '../../packages/shared/src/gateway-name.ts';
import { prng } from './prng.ts';

export const SIZE = {
  services: 1_000,
  destinations: 300,
  grants: 20_000,
  pending: 2_000,
  engineers: 200,
  approvers: 40,
};
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const rnd = prng(20261126);
const NOW = Date.now();

export interface SeedUser {
  id: string;
  email: string;
  role: 'engineer' | 'approver' | 'viewer';
  token: string | null;
}
export interface SeedDestination {
  id: string;
  host: string;
  sensitive: boolean;
  ports: number[];
}
export type State = 'pending' | 'active' | 'rejected' | 'revoked' | 'expired';
export interface SeedGrant {
  id: string;
  service: { id: string; name: string };
  destination: SeedDestination | null;
  port: number;
  state: State;
  requiredApprovals: number;
  requester: SeedUser;
  requestedAt: Date;
  expiresAt: Date | null;
  approvals: { approver: SeedUser; at: Date }[];
  decidedAt: Date | null;
  decidedBy: SeedUser | null;
  reason: string | null;
}

const JUSTIFICATIONS = [
  'Nightly export of invoices to the accounting provider.',
  'Webhook delivery to the payment processor, required for checkout.',
  'Pulls container images and release artefacts during deploys.',
  'Sends transactional email through the provider API.',
  'Fetches exchange rates every hour for price conversion.',
  'Uploads backups to off-site object storage.',
];

/**
 * INSERT ... SELECT FROM unnest(column arrays): one statement per 5,000 rows. Prisma's createMany is
 * far slower here (about 1.6 ms a row on the reference machine), and seeding is not what is measured.
 */
export async function bulkInsert(db: Db, table: string, spec: string, rows: unknown[][]): Promise<void> {
  // spec: "column:type column:type ...", in the order of each row's values.
  const columns = spec.split(' ').map((c) => c.split(':') as [string, string]);
  const list = columns.map(([c]) => `"${c}"`).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  for (let start = 0; start < rows.length; start += 5_000) {
    const chunk = rows.slice(start, start + 5_000);
    const values = columns.map((_, i) => chunk.map((row) => row[i] ?? null));
    await db.$executeRawUnsafe(`INSERT INTO "${table}" (${list}) SELECT * FROM unnest(${arrays})`, ...values);
  }
}

async function seedUsers(db: Db) {
  const make = (role: SeedUser['role'], i: number, withToken: boolean): SeedUser => ({
    id: randomUUID(),
    email: `${role}-${String(i).padStart(3, '0')}@bench.example`,
    role,
    token: withToken ? newSecret(TOKEN_PREFIX) : null,
  });
  const engineers = Array.from({ length: SIZE.engineers }, (_, i) => make('engineer', i, false));
  const approvers = Array.from({ length: SIZE.approvers }, (_, i) => make('approver', i, true));
  const viewer = make('viewer', 0, true);
  const all = [...engineers, ...approvers, viewer];
  const now = new Date(NOW);
  await bulkInsert(
    db,
    'users',
    'id:uuid email:text name:text role:"Role" updated_at:timestamptz',
    all.map((u) => [u.id, u.email, u.email.split('@')[0], u.role, now]),
  );
  // Tokens exactly as the API issues them (and test/helpers/test-app.ts inserts them): SHA-256 of an egc_ secret.
  const tokens = all.filter((u) => u.token !== null);
  await bulkInsert(
    db,
    'api_tokens',
    'id:uuid name:text token_hash:text prefix:text role:"Role" user_id:uuid',
    tokens.map((u) => [randomUUID(), 'bench', sha256(u.token!), u.token!.slice(0, 10), u.role, u.id]),
  );
  return { engineers, approvers, viewer };
}

async function seedCatalogue(db: Db) {
  const now = new Date(NOW);
  const teams = Array.from({ length: 25 }, (_, i) => `team-${i}`);
  const services = Array.from({ length: SIZE.services }, (_, i) => ({
    id: randomUUID(),
    name: `svc-${String(i).padStart(4, '0')}.${rnd.pick(['api', 'worker', 'cron', 'web'])}`,
  }));
  await bulkInsert(
    db,
    'services',
    'id:uuid name:text namespace:text selector:jsonb team:text updated_at:timestamptz',
    services.map((s) => [
      s.id,
      s.name,
      rnd.pick(teams),
      JSON.stringify({ matchLabels: { app: s.name.replace('.', '-') } }),
      rnd.pick(teams),
      now,
    ]),
  );
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
  const destinations: SeedDestination[] = Array.from({ length: SIZE.destinations }, (_, i) => ({
    id: randomUUID(),
    host: `${rnd.pick(['api', 'hooks', 'files', 'auth', 'ingest'])}-${i}.${rnd.pick(vendors)}.com`,
    sensitive: rnd.next() < 0.2,
    ports: rnd.next() < 0.6 ? [443] : [443, rnd.pick([22, 5432, 8443, 9200])],
  }));
  await bulkInsert(
    db,
    'destinations',
    'id:uuid host:text gateway_name:text sensitivity:"Sensitivity" updated_at:timestamptz',
    destinations.map((d) => [
      d.id,
      d.host,
      gatewayNameFor(d.host),
      d.sensitive ? 'sensitive' : 'standard',
      now,
    ]),
  );
  await bulkInsert(
    db,
    'destination_ports',
    'id:uuid destination_id:uuid port:int protocol:"Protocol"',
    destinations.flatMap((d) => d.ports.map((p) => [randomUUID(), d.id, p, 'TCP'])),
  );
  return { services, destinations };
}

/** Distinct approvers; never the requester (engineers request, approvers decide). */
function approvalsFor(approvers: SeedUser[], count: number, from: Date) {
  const start = rnd.int(approvers.length);
  return Array.from({ length: count }, (_, k) => ({
    approver: approvers[(start + k * 7) % approvers.length]!,
    at: new Date(from.getTime() + (k + 1) * (1 + rnd.int(10)) * HOUR),
  }));
}

function stateFor(index: number): State {
  if (index < SIZE.pending) return 'pending';
  const r = rnd.next();
  return r < 0.8 ? 'active' : r < 0.88 ? 'rejected' : r < 0.95 ? 'revoked' : 'expired';
}

function pickTarget(services: { id: string; name: string }[], destinations: SeedDestination[]) {
  const service = rnd.pick(services);
  const destination = rnd.next() < 0.03 ? null : rnd.pick(destinations);
  const port = destination ? rnd.pick(destination.ports) : rnd.pick([443, 80, 22]);
  return { service, destination, port, key: `${service.id}/${destination?.id ?? '*'}/${port}` };
}

/** Approvals a grant in this state has collected: half the two-approval pending ones have one already. */
function approvalCount(state: State, required: number): number {
  if (state === 'pending') return required === 2 && rnd.next() < 0.5 ? 1 : 0;
  return state === 'rejected' ? 0 : required;
}

function planGrants(
  services: { id: string; name: string }[],
  destinations: SeedDestination[],
  engineers: SeedUser[],
  approvers: SeedUser[],
): SeedGrant[] {
  const open = new Set<string>();
  const grants: SeedGrant[] = [];
  while (grants.length < SIZE.grants) {
    const { service, destination, port, key } = pickTarget(services, destinations);
    const state = stateFor(grants.length);
    const isOpen = state === 'pending' || state === 'active';
    // At most one pending or active grant per (service, destination, port), as the database insists.
    if (isOpen && open.has(key)) continue;
    if (isOpen) open.add(key);
    const requiredApprovals = destination === null || destination.sensitive ? 2 : 1;
    // Pending requests are recent (older than their seeded approval); decided ones spread over a year.
    const requestedAt = new Date(
      NOW - (state === 'pending' ? DAY + rnd.int(13 * DAY) : 14 * DAY + rnd.int(351 * DAY)),
    );
    const approvals = approvalsFor(approvers, approvalCount(state, requiredApprovals), requestedAt);
    const grant: SeedGrant = {
      id: randomUUID(),
      service,
      destination,
      port,
      state,
      requiredApprovals,
      requester: rnd.pick(engineers),
      requestedAt,
      expiresAt: null,
      approvals,
      decidedAt: null,
      decidedBy: null,
      reason: null,
    };
    decide(grant, approvers);
    grants.push(grant);
  }
  return grants;
}

function decide(g: SeedGrant, approvers: SeedUser[]): void {
  const lastApproval = g.approvals[g.approvals.length - 1];
  const later = (d: Date, days: number) =>
    new Date(Math.min(NOW - HOUR, d.getTime() + (1 + rnd.int(days)) * DAY));
  switch (g.state) {
    case 'pending':
      // A requested expiry lies in the future (approving a request whose expiry has passed is a 409).
      g.expiresAt = rnd.next() < 0.3 ? new Date(NOW + (30 + rnd.int(300)) * DAY) : null;
      return;
    case 'active':
      g.expiresAt = rnd.next() < 0.3 ? new Date(NOW + (1 + rnd.int(365)) * DAY) : null;
      [g.decidedAt, g.decidedBy] = [lastApproval!.at, lastApproval!.approver];
      return;
    case 'rejected':
      [g.decidedAt, g.decidedBy, g.reason] = [
        later(g.requestedAt, 3),
        rnd.pick(approvers),
        'Use the shared egress proxy instead.',
      ];
      return;
    case 'revoked':
      [g.decidedAt, g.decidedBy, g.reason] = [
        later(lastApproval!.at, 200),
        rnd.pick(approvers),
        'The integration was retired.',
      ];
      return;
    case 'expired':
      g.expiresAt = later(lastApproval!.at, 100);
      g.decidedAt = g.expiresAt;
      return;
  }
}

async function seedGrants(db: Db, grants: SeedGrant[]): Promise<void> {
  const now = new Date(NOW);
  await bulkInsert(
    db,
    'grants',
    'id:uuid service_id:uuid destination_id:uuid port:int justification:text state:"GrantState" required_approvals:int requested_by_id:uuid requested_at:timestamptz expires_at:timestamptz decided_at:timestamptz decided_by_id:uuid reason:text updated_at:timestamptz',
    grants.map((g) => [
      g.id,
      g.service.id,
      g.destination?.id,
      g.port,
      rnd.pick(JUSTIFICATIONS),
      g.state,
      g.requiredApprovals,
      g.requester.id,
      g.requestedAt,
      g.expiresAt,
      g.decidedAt,
      g.decidedBy?.id,
      g.reason,
      now,
    ]),
  );
  const approvals = grants.flatMap((g) =>
    g.approvals.map((a) => [
      randomUUID(),
      g.id,
      a.approver.id,
      a.at,
      rnd.next() < 0.3 ? 'Looks fine.' : null,
    ]),
  );
  await bulkInsert(
    db,
    'grant_approvals',
    'id:uuid grant_id:uuid approver_id:uuid at:timestamptz comment:text',
    approvals,
  );
}

/** The audit history these grants would have left, as a valid hash chain, so appends start from a real tail. */
async function seedAudit(db: Db, grants: SeedGrant[]): Promise<number> {
  const events = grants.flatMap((g) => {
    const base = {
      targetId: g.id,
      service: g.service.name,
      destination: g.destination?.host ?? null,
      port: g.port,
    };
    const list = [
      { ...base, at: g.requestedAt, actor: g.requester, action: 'grant.requested', state: 'pending' },
    ];
    for (const a of g.approvals)
      list.push({ ...base, at: a.at, actor: a.approver, action: 'grant.approved', state: 'pending' });
    if (g.state === 'active')
      list.push({
        ...base,
        at: g.decidedAt!,
        actor: g.decidedBy!,
        action: 'grant.activated',
        state: 'active',
      });
    else if (g.decidedAt)
      list.push({
        ...base,
        at: g.decidedAt,
        actor: g.decidedBy ?? g.requester,
        action: `grant.${g.state}`,
        state: g.state,
      });
    return list;
  });
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  let prevHash = GENESIS_HASH;
  const rows = events.map((e, i) => {
    const after = { service: e.service, destination: e.destination, port: e.port, state: e.state };
    const fields = {
      seq: BigInt(i + 1),
      at: e.at,
      actorType: 'token',
      actorId: e.actor.id,
      actor: e.actor.email,
      action: e.action,
      targetType: 'grant',
      targetId: e.targetId,
      before: null,
      after,
      requestId: null,
      prevHash,
    };
    const hash = hashEvent(fields);
    const row = [
      String(fields.seq),
      randomUUID(),
      e.at,
      'token',
      e.actor.id,
      e.actor.email,
      e.action,
      'grant',
      e.targetId,
      JSON.stringify(after),
      prevHash,
      hash,
    ];
    prevHash = hash;
    return row;
  });
  await bulkInsert(
    db,
    'audit_events',
    'seq:bigint id:uuid at:timestamptz actor_type:text actor_id:text actor:text action:text target_type:text target_id:text after:jsonb prev_hash:text hash:text',
    rows,
  );
  return rows.length;
}

/**
 * Users (engineers, approvers with API tokens, a viewer), 1,000 services, 300 destinations, 20,000 grants
 * with their approvals and the audit chain they would have left; then VACUUM ANALYZE.
 */
export async function seed(db: Db) {
  const { engineers, approvers, viewer } = await seedUsers(db);
  const { services, destinations } = await seedCatalogue(db);
  const grants = planGrants(services, destinations, engineers, approvers);
  await seedGrants(db, grants);
  const auditEvents = await seedAudit(db, grants);
  await db.$executeRawUnsafe('VACUUM ANALYZE');
  const byState = grants.reduce<Record<string, number>>(
    (acc, g) => ({ ...acc, [g.state]: (acc[g.state] ?? 0) + 1 }),
    {},
  );
  const summary = `${SIZE.services} services, ${SIZE.destinations} destinations (${destinations.filter((d) => d.sensitive).length} sensitive), ${grants.length} grants (${Object.entries(
    byState,
  )
    .map(([s, n]) => `${n} ${s}`)
    .join(
      ', ',
    )}), ${engineers.length + approvers.length + 1} users, ${approvers.length + 1} API tokens, ${auditEvents} audit events`;
  // Newest first, so the approvals walk the same pages a person would.
  const pending = grants
    .filter((g) => g.state === 'pending')
    .sort((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime());
  return { approvers, viewer, pending, summary };
}
