// Discovered egress (paged) and the impact of an action: what recent traffic revoking a grant, enforcing
// a destination or enforcing a namespace would refuse, from denied flows and the gateways' usage.
import type {
  DiscoveredEgressQuerySchema,
  Impact,
  ImpactQuerySchema,
  UngrantedTraffic,
} from '@egress/shared';
import type { z } from 'zod';

import type { Clock } from '../../platform/clock.ts';
import { notFound } from '../../platform/errors.ts';
import { type Page, toPage } from '../../platform/pagination.ts';
import { containing, type DiscoveryRepository, type UngrantedRow } from './discovery.repository.ts';

type ListQuery = z.output<typeof DiscoveredEgressQuerySchema>;
type ImpactQuery = z.output<typeof ImpactQuerySchema>;

const DAY_MS = 86_400_000;
/** An impact list is read whole (it is a confirmation, not a browser): bounded, and says when it is cut. */
const IMPACT_LIMIT = 500;

const int = (n: bigint | null): number => Number(n === null ? 0n : n > 2_147_483_647n ? 2_147_483_647n : n);

function toTraffic(r: UngrantedRow): UngrantedTraffic {
  const sources: UngrantedTraffic['sources'] = [];
  if (r.denied > 0n) sources.push('denied');
  if (r.observed > 0n) sources.push('observed');
  return {
    serviceId: r.service_id,
    service: r.service,
    namespace: r.namespace,
    destinationId: r.destination_id,
    host: r.host,
    port: r.port,
    sources,
    deniedCount: int(r.denied),
    observedConnections: int(r.observed),
    lastSeen: r.last_seen.toISOString(),
    pendingGrantId: r.pending_grant_id,
  };
}

function summaryOf(services: readonly { serviceId: string }[], days: number, verb: string): string {
  const n = new Set(services.map((s) => s.serviceId)).size;
  const period = days === 1 ? 'the last day' : `the last ${days} days`;
  if (n === 0) return `No service ${verb} this in ${period}.`;
  return `${n} ${n === 1 ? 'service' : 'services'} ${verb} this in ${period}.`;
}

export function createDiscoveryService(deps: { repo: DiscoveryRepository; clock: Clock }) {
  const { repo, clock } = deps;

  async function list(q: ListQuery): Promise<Page<UngrantedTraffic>> {
    const now = clock.now();
    const rows = await repo.ungranted(
      {
        since: new Date(now.getTime() - q.days * DAY_MS),
        now,
        namespace: q.namespace,
        source: q.source,
        like: q.q ? containing(q.q.trim().toLowerCase()) : undefined,
        cursor: q.cursor,
      },
      q.limit,
    );
    return toPage(rows, q.limit, toTraffic, (r) => [r.last_seen.toISOString(), r.key]);
  }

  async function destinationEnforce(id: string, since: Date, now: Date, days: number) {
    const d = await repo.destination(id);
    if (!d) throw notFound('destination');
    const rows = await repo.ungranted({ since, now, destinationId: id }, IMPACT_LIMIT);
    const services = rows.slice(0, IMPACT_LIMIT).map((r) => ({ ...toTraffic(r), grantId: null }));
    const unattributed = (await repo.unattributed(id, since)).map((u) => ({
      sourceIp: u.source_ip,
      port: u.port,
      connections: int(u.connections),
      lastSeen: u.last_seen.toISOString(),
    }));
    const notes: string[] = [];
    if (d.mode === 'enforce')
      notes.push(`${d.host} is already enforced: these services are being refused now (denied flows).`);
    if (rows.length > IMPACT_LIMIT) notes.push(`Only the ${IMPACT_LIMIT} most recent are listed.`);
    return {
      services,
      unattributed,
      summary: summaryOf(services, days, 'used or tried'),
      note: notes.join(' ') || null,
    };
  }

  async function namespaceEnforce(namespace: string, since: Date, now: Date, days: number) {
    // Enforcing a namespace cuts its pods' direct connections to public addresses; gateway traffic is
    // in-cluster and unaffected. Direct connections from an open namespace are reported only as
    // collectors' denied or audit flows (Cilium policy audit mode), so those are the evidence.
    const rows = await repo.ungranted({ since, now, namespace, source: 'denied' }, IMPACT_LIMIT);
    const services = rows.slice(0, IMPACT_LIMIT).map((r) => ({ ...toTraffic(r), grantId: null }));
    return {
      services,
      unattributed: [],
      summary: summaryOf(services, days, 'tried'),
      note: 'Direct connections from a namespace that is not enforced are seen only when a collector reports them (for example Cilium in policy audit mode); without one, this list can be empty while traffic would still be refused.',
    };
  }

  async function grantRevoke(id: string, since: Date, days: number) {
    const g = await repo.grant(id);
    if (!g) throw notFound('grant');
    const usage = await repo.grantUsage(id, since);
    const used = g.state === 'active' && usage.last_seen !== null;
    const services = used
      ? [
          {
            serviceId: g.service_id,
            service: g.service,
            namespace: g.namespace,
            destinationId: g.destination_id,
            host: g.host ?? '*',
            port: g.port,
            sources: ['observed' as const],
            deniedCount: 0,
            observedConnections: int(usage.connections),
            lastSeen: (usage.last_seen ?? since).toISOString(),
            pendingGrantId: null,
            grantId: g.id,
          },
        ]
      : [];
    const notes: string[] = [];
    if (g.state !== 'active') notes.push(`The grant is ${g.state}: revoking it refuses nothing.`);
    if (g.destination_id === null)
      notes.push(
        'A port-wide grant is used directly, not through a gateway: the gateways have no usage of it to show.',
      );
    if (g.mode === 'observe')
      notes.push(
        `${g.host ?? 'The destination'} is in observe mode: its gateway keeps admitting the service after the revoke (recorded as use without a grant) until it is switched to enforce.`,
      );
    return {
      services,
      unattributed: [],
      summary: summaryOf(services, days, 'used'),
      note: notes.join(' ') || null,
    };
  }

  async function impact(q: ImpactQuery): Promise<Impact> {
    const now = clock.now();
    const since = new Date(now.getTime() - q.days * DAY_MS);
    const head = { kind: q.kind, since: since.toISOString(), days: q.days };
    // The query schema guarantees id (grant, destination) or namespace for each kind.
    switch (q.kind) {
      case 'grant-revoke':
        return { ...head, ...(await grantRevoke(q.id ?? '', since, q.days)) };
      case 'destination-enforce':
        return { ...head, ...(await destinationEnforce(q.id ?? '', since, now, q.days)) };
      case 'namespace-enforce':
        return { ...head, ...(await namespaceEnforce(q.namespace ?? '', since, now, q.days)) };
    }
  }

  return { list, impact };
}

export type DiscoveryService = ReturnType<typeof createDiscoveryService>;
