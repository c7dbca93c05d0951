// Many access requests with one justification (issue 15: the discovered-egress view and an observe
// destination's "would be refused" list). Each item becomes a normal pending request, with its own
// audit row (so its notifications) and the usual approvals; all of them in one transaction, so a bad
// item changes nothing. An item that already has a pending or active grant is reported, not filed twice.
import type { BulkGrantRequestBodySchema, BulkGrantRequestResult } from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditInput, AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Db, isUniqueViolation, type Tx } from '../../platform/db.ts';
import { AppError, invalid } from '../../platform/errors.ts';
import type { RequestActor } from '../../platform/identity.ts';
import { type GrantsRepository, toGrantDto } from './grants.repository.ts';
import { requiredApprovalsFor } from './grants.transitions.ts';

type Body = z.output<typeof BulkGrantRequestBodySchema>;
type Item = Body['items'][number];

interface Resolved {
  index: number;
  serviceId: string;
  destination: { id: string; sensitivity: 'standard' | 'sensitive' };
  port: number;
}

export function createBulkRequest(deps: { db: Db; repo: GrantsRepository; audit: AuditLog; clock: Clock }) {
  const { db, repo, audit, clock } = deps;

  /** Every item's service, destination and port, or a 400 naming each bad item's field (nothing written). */
  async function resolveAll(tx: Tx, items: readonly Item[]): Promise<Resolved[]> {
    const problems: { field: string; message: string }[] = [];
    const resolved: Resolved[] = [];
    const seen = new Map<string, number>();
    for (const [index, item] of items.entries()) {
      const at = `body.items.${index}`;
      const key = `${item.service}\u0000${item.destination}\u0000${item.port}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push({ field: at, message: `repeats items.${first}` });
        continue;
      }
      seen.set(key, index);
      const service = await repo.findLiveService(item.service, tx);
      if (!service)
        problems.push({ field: `${at}.service`, message: `"${item.service}" is not a registered service` });
      const destination = await repo.findLiveDestination(item.destination, tx);
      if (!destination) {
        problems.push({
          field: `${at}.destination`,
          message: `"${item.destination}" is not a registered destination`,
        });
      } else if (!destination.ports.some((p) => p.port === item.port)) {
        const ports = destination.ports.map((p) => p.port).join(', ');
        problems.push({
          field: `${at}.port`,
          message: `${item.port} is not a port of ${destination.host} (its ports: ${ports})`,
        });
      }
      if (service && destination)
        resolved.push({ index, serviceId: service.id, destination, port: item.port });
    }
    if (problems.length > 0) {
      const first = problems[0];
      throw new AppError('validation_failed', `${first?.field} ${first?.message}`, problems);
    }
    return resolved;
  }

  async function requestMany(
    body: Body,
    actor: RequestActor,
    auditActor: Actor,
    requestId: string | null,
  ): Promise<BulkGrantRequestResult> {
    const now = clock.now();
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt <= now) throw invalid('body.expiresAt', 'must be in the future');
    try {
      return await db.$transaction(async (tx) => {
        const result: BulkGrantRequestResult = { created: [], existing: [] };
        const events: AuditInput[] = [];
        for (const item of await resolveAll(tx, body.items)) {
          const open = (await repo.findOpen({ serviceId: item.serviceId }, tx)).find(
            (g) => g.destinationId === item.destination.id && g.port === item.port,
          );
          if (open) {
            result.existing.push({
              index: item.index,
              grantId: open.id,
              state: open.state as 'pending' | 'active',
            });
            continue;
          }
          const id = await repo.insert(
            {
              serviceId: item.serviceId,
              destinationId: item.destination.id,
              port: item.port,
              justification: body.justification,
              requiredApprovals: requiredApprovalsFor(item.destination),
              requestedById: actor.userId,
              requestedAt: now,
              expiresAt,
              durationSeconds: null,
              renewsGrantId: null,
              proposedHost: null,
              proposedDestination: null,
            },
            tx,
          );
          const row = await repo.findById(id, tx);
          if (row)
            events.push({
              actor: auditActor,
              action: 'grant.requested',
              targetType: 'grant',
              targetId: id,
              after: toGrantDto(row),
              requestId,
            });
          result.created.push({ index: item.index, grantId: id });
        }
        if (events.length > 0) await audit.append(tx, events);
        return result;
      });
    } catch (error) {
      // A request filed for the same item meanwhile: nothing of this batch is kept; sending it again reports it.
      if (isUniqueViolation(error))
        throw new AppError(
          'duplicate',
          'a request for one of the items was filed meanwhile; send the list again',
        );
      throw error;
    }
  }

  return { requestMany };
}

export type BulkRequest = ReturnType<typeof createBulkRequest>;
