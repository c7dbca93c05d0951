// What a person calls an audit event's target today ("payments-api", "api.stripe.com", "payments-api →
// api.stripe.com:443"), looked up per page of events with one query per target type. Read at list time,
// never stored: the chained row keeps the id, and a rename shows the new name. null: the target is gone
// (deleted service or destination, removed webhook or rule) or its type has no name (settings, system).
import type { AuditEvent } from '@egress/shared';

import type { Db } from '../../platform/db.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Lookup = (db: Db, ids: string[]) => Promise<[string, string][]>;

const grantName = (g: { port: number; service: { name: string }; destination: { host: string } | null }) =>
  `${g.service.name} → ${g.destination?.host ?? 'any host'}:${g.port}`;

/** One query per type; soft-deleted services and destinations count as gone. */
const LOOKUPS: Record<string, Lookup> = {
  service: async (db, ids) =>
    (await db.service.findMany({ where: { id: { in: ids }, deletedAt: null }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  destination: async (db, ids) =>
    (await db.destination.findMany({ where: { id: { in: ids }, deletedAt: null }, select: { id: true, host: true } })).map((r) => [r.id, r.host]),
  grant: async (db, ids) =>
    (
      await db.grant.findMany({
        where: { id: { in: ids } },
        select: { id: true, port: true, service: { select: { name: true } }, destination: { select: { host: true } } },
      })
    ).map((r) => [r.id, grantName(r)]),
  user: async (db, ids) => (await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  token: async (db, ids) => (await db.apiToken.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  webhook: async (db, ids) => (await db.webhook.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  alert_rule: async (db, ids) => (await db.alertRule.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  alert: async (db, ids) => (await db.alert.findMany({ where: { id: { in: ids } }, select: { id: true, ruleName: true } })).map((r) => [r.id, r.ruleName]),
};

/** The events with `targetName` set: the target's current name, or null when it has none or is gone. */
export async function withTargetNames(db: Db, events: AuditEvent[]): Promise<AuditEvent[]> {
  const idsByType = new Map<string, { lookup: Lookup; ids: Set<string> }>();
  for (const e of events) {
    const lookup = LOOKUPS[e.targetType];
    if (!e.targetId || !UUID.test(e.targetId) || !lookup) continue;
    const entry = idsByType.get(e.targetType) ?? { lookup, ids: new Set<string>() };
    idsByType.set(e.targetType, { lookup, ids: entry.ids.add(e.targetId) });
  }
  const found = await Promise.all(
    [...idsByType].map(async ([type, { lookup, ids }]) => (await lookup(db, [...ids])).map(([id, name]) => [`${type}:${id}`, name] as const)),
  );
  const names = new Map(found.flat());
  return events.map((e) => ({ ...e, targetName: e.targetId ? (names.get(`${e.targetType}:${e.targetId}`) ?? null) : null }));
}
