import type { Actor, AuditInput } from '../../platform/audit.ts';
import type { Tx } from '../../platform/db.ts';
import { type GrantsRepository, toGrantDto } from './grants.repository.ts';

export type CloseOpenGrants = ReturnType<typeof createCloseOpenGrants>;

/**
 * When a service or destination is deleted, its grants end with it: active ones are revoked, pending
 * ones cancelled. Runs inside the caller's transaction and returns the audit rows (full grant before
 * and after) for the caller to append with its own.
 */
export function createCloseOpenGrants(repo: GrantsRepository) {
  return async function closeOpenGrants(
    tx: Tx,
    where: { serviceId: string } | { destinationId: string },
    ctx: { actor: Actor; userId: string; requestId: string; reason: string; now: Date },
  ): Promise<AuditInput[]> {
    const events: AuditInput[] = [];
    for (const g of await repo.findOpen(where, tx)) {
      const state = g.state === 'active' ? 'revoked' : 'cancelled';
      await repo.decide(g.id, { state, at: ctx.now, decidedById: ctx.userId, reason: ctx.reason }, tx);
      const before = toGrantDto(g);
      const after = {
        ...before,
        state,
        decidedAt: ctx.now.toISOString(),
        decidedBy: ctx.actor.label,
        reason: ctx.reason,
      };
      events.push({
        actor: ctx.actor,
        action: state === 'revoked' ? 'grant.revoked' : 'grant.cancelled',
        targetType: 'grant',
        targetId: g.id,
        before,
        after,
        requestId: ctx.requestId,
      });
    }
    return events;
  };
}
