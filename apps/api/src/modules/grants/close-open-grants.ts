import type { Actor, AuditInput } from '../../platform/audit.ts';
import type { Tx } from '../../platform/db.ts';
import { GRANT_INCLUDE, toGrantDto } from './grants.repository.ts';

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
  const open = await tx.grant.findMany({ where: { ...where, state: { in: ['pending', 'active'] } }, include: GRANT_INCLUDE });
  const events: AuditInput[] = [];
  for (const g of open) {
    const state = g.state === 'active' ? 'revoked' : 'cancelled';
    const after = await tx.grant.update({
      where: { id: g.id },
      data: { state, decidedAt: ctx.now, decidedById: ctx.userId, reason: ctx.reason },
      include: GRANT_INCLUDE,
    });
    events.push({
      actor: ctx.actor,
      action: state === 'revoked' ? 'grant.revoked' : 'grant.cancelled',
      targetType: 'grant',
      targetId: g.id,
      before: toGrantDto(g),
      after: toGrantDto(after),
      requestId: ctx.requestId,
    });
  }
  return events;
}
