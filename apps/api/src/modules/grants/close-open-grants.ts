import type { Actor, AuditInput } from '../../platform/audit.ts';
import type { Tx } from '../../platform/db.ts';
import { selectGrants, sql, toGrantDto, toRecord } from './grants.sql.ts';

/**
 * When a service or destination is deleted, its grants end with it: active ones are revoked, pending
 * ones cancelled. Runs inside the caller's transaction and returns the audit rows (full grant before
 * and after) for the caller to append with its own.
 */
export async function closeOpenGrants(
  tx: Tx,
  where: { serviceId: string } | { destinationId: string },
  ctx: { actor: Actor; userId: string; requestId: string; reason: string; now: Date },
): Promise<AuditInput[]> {
  const target = 'serviceId' in where ? sql`g.service_id = ${where.serviceId}::uuid` : sql`g.destination_id = ${where.destinationId}::uuid`;
  const open = (await selectGrants(tx, sql`${target} AND g.state IN ('pending', 'active')`, sql`g.id`, 100_000)).map(toRecord);
  const events: AuditInput[] = [];
  for (const g of open) {
    const state = g.state === 'active' ? 'revoked' : 'cancelled';
    await tx.grant.update({ where: { id: g.id }, data: { state, decidedAt: ctx.now, decidedById: ctx.userId, reason: ctx.reason } });
    const before = toGrantDto(g);
    const after = { ...before, state, decidedAt: ctx.now.toISOString(), decidedBy: ctx.actor.label, reason: ctx.reason };
    events.push({ actor: ctx.actor, action: state === 'revoked' ? 'grant.revoked' : 'grant.cancelled', targetType: 'grant', targetId: g.id, before, after, requestId: ctx.requestId });
  }
  return events;
}
