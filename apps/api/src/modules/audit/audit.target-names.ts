// What a person calls an audit event's target today ("payments-api", "api.stripe.com", "payments-api →
// api.stripe.com:443"), looked up per page of events with one query per target type (the lookups are in
// audit.repository.ts). Read at list time, never stored: the chained row keeps the id, and a rename shows
// the new name. null: the target is gone
// (deleted service or destination, removed webhook or rule) or its type has no name (settings, system).
import type { AuditEvent } from '@egress/shared';

import type { AuditRepository } from './audit.repository.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The events with `targetName` set: the target's current name, or null when it has none or is gone. */
export async function withTargetNames(
  repo: Pick<AuditRepository, 'namesTargetType' | 'targetNames'>,
  events: AuditEvent[],
): Promise<AuditEvent[]> {
  const idsByType = new Map<string, Set<string>>();
  for (const e of events) {
    if (!e.targetId || !UUID.test(e.targetId) || !repo.namesTargetType(e.targetType)) continue;
    idsByType.set(e.targetType, (idsByType.get(e.targetType) ?? new Set<string>()).add(e.targetId));
  }
  const found = await Promise.all(
    [...idsByType].map(async ([type, ids]) =>
      (await repo.targetNames(type, [...ids])).map(([id, name]) => [`${type}:${id}`, name] as const),
    ),
  );
  const names = new Map(found.flat());
  return events.map((e) => ({
    ...e,
    targetName: e.targetId ? (names.get(`${e.targetType}:${e.targetId}`) ?? null) : null,
  }));
}
