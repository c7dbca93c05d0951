import type {
  CreateServiceBodySchema,
  Service as ServiceDto,
  ServiceListQuerySchema,
  UpdateServiceBodySchema,
} from '@egress/shared';
import { can, type Role } from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditInput, AuditLog } from '../../platform/audit.ts';
import { canonicalJson } from '../../platform/canonical-json.ts';
import type { Changes } from '../../platform/changes.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Db, isUniqueViolation, type Prisma, type Tx } from '../../platform/db.ts';
import { AppError, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { type Page, toPage } from '../../platform/pagination.ts';
import type { ServiceRow as Row, ServicesRepository } from './services.repository.ts';

/**
 * Ends a deleted service's pending and active grants inside its transaction and returns their audit
 * rows (the grants module's closeOpenGrants, passed in by app.ts: modules do not import each other).
 */
export type CloseServiceGrants = (
  tx: Tx,
  where: { serviceId: string },
  ctx: { actor: Actor; userId: string; requestId: string; reason: string; now: Date },
) => Promise<AuditInput[]>;

type Create = z.output<typeof CreateServiceBodySchema>;
type Update = z.output<typeof UpdateServiceBodySchema>;
type ListQuery = z.output<typeof ServiceListQuerySchema>;

interface Ctx {
  actor: Actor;
  userId: string;
  role: Role;
  requestId: string;
}

type IdentityField = 'namespace' | 'selector' | 'serviceAccount';

/** The identity fields the body would change (a field sent with its current value is no change). */
export function identityChanges(current: Pick<ServiceDto, IdentityField>, body: Update): IdentityField[] {
  const changed: IdentityField[] = [];
  if (body.namespace !== undefined && body.namespace !== current.namespace) changed.push('namespace');
  if (body.selector !== undefined && canonicalJson(body.selector) !== canonicalJson(current.selector))
    changed.push('selector');
  if (body.serviceAccount !== undefined && body.serviceAccount !== current.serviceAccount)
    changed.push('serviceAccount');
  return changed;
}

/** Whether some pod could carry both selectors: no key they share has different values. */
export function selectorsOverlap(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.entries(a).every(([k, v]) => !(k in b) || b[k] === v);
}

/**
 * The identity rule (docs/decisions.md, "Service identity is locked while grants are live"): namespace,
 * selector and ServiceAccount say which pods hold the service's access, so once a grant is pending or
 * active they are what the approvers approved, and nobody changes them; binding an unbound service
 * (null → a ServiceAccount) only narrows who holds the access and is always allowed. A bound service is
 * never unbound.
 */
function checkIdentityChange(current: ServiceDto, changed: IdentityField[], body: Update): void {
  if (changed.includes('serviceAccount') && body.serviceAccount === null) {
    throw invalid(
      'body.serviceAccount',
      `cannot be cleared: service ${current.name} is bound to ServiceAccount ${current.serviceAccount ?? ''}, and a bound service cannot be unbound`,
    );
  }
  const live = current.activeGrants + current.pendingGrants;
  const locked = changed.filter((f) => !(f === 'serviceAccount' && current.serviceAccount === null));
  if (locked.length === 0 || live === 0) return;
  const fields = locked.join(', ');
  throw new AppError(
    'conflict',
    `cannot change ${fields} of service ${current.name}: it holds ${current.activeGrants} active and ${current.pendingGrants} pending grant(s), approved for its current identity. ` +
      'To move it, register a new service with the new identity and request its grants (they need the same approvals), then have an approver delete this one; or revoke and cancel its grants first.',
    locked.map((f) => ({
      field: `body.${f}`,
      message: 'is locked while the service holds pending or active grants',
    })),
  );
}

const count = (s: Row, state: 'active' | 'pending') => s.grants.filter((g) => g.state === state).length;

export function toServiceDto(s: Row): ServiceDto {
  return {
    id: s.id,
    name: s.name,
    namespace: s.namespace,
    selector: s.selector as ServiceDto['selector'],
    serviceAccount: s.serviceAccount,
    team: s.team,
    description: s.description,
    activeGrants: count(s, 'active'),
    pendingGrants: count(s, 'pending'),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

const duplicateName = (name: string) =>
  new AppError('duplicate', `a service named "${name}" already exists`, [
    { field: 'body.name', message: 'is already taken' },
  ]);

export function createServicesService({
  db,
  repo,
  audit,
  clock,
  changes,
  closeGrants,
}: {
  db: Db;
  repo: ServicesRepository;
  audit: AuditLog;
  clock: Clock;
  changes: Changes;
  closeGrants: CloseServiceGrants;
}) {
  /**
   * Two bound services of one namespace whose selectors can match the same pod, with different
   * ServiceAccounts, would make the admission policy refuse every such pod: registering one would take
   * the other's pods down. Refused, naming the other service. Serialised per namespace by an advisory
   * lock so two concurrent registrations cannot both pass.
   */
  async function checkNoContradiction(
    tx: Tx,
    s: {
      id: string | null;
      name: string;
      namespace: string;
      selector: ServiceDto['selector'];
      serviceAccount: string;
    },
  ): Promise<void> {
    await repo.lockNamespaceIdentity(s.namespace, tx);
    const others = await repo.findBoundOthers(s.namespace, s.serviceAccount, s.id, tx);
    const clash = others.find((o) =>
      selectorsOverlap(s.selector.matchLabels, (o.selector as ServiceDto['selector']).matchLabels),
    );
    if (clash) {
      throw new AppError(
        'conflict',
        `service ${clash.name} in namespace ${s.namespace} is bound to ServiceAccount ${clash.serviceAccount ?? ''} and its selector can match the same pods; ` +
          `binding ${s.name} to ${s.serviceAccount} would make the cluster refuse those pods. Use the same ServiceAccount or selectors that cannot both match a pod.`,
        [{ field: 'body.serviceAccount', message: `contradicts service ${clash.name}` }],
      );
    }
  }

  async function lockService(tx: Tx, id: string): Promise<void> {
    if (!(await repo.lock(id, tx))) throw notFound('service');
  }

  async function load(tx: Tx | Db, id: string): Promise<Row> {
    const row = await repo.findLive(id, tx);
    if (!row) throw notFound('service');
    return row;
  }

  async function create(body: Create, ctx: Ctx): Promise<ServiceDto> {
    try {
      const dto = await db.$transaction(async (tx) => {
        if (body.serviceAccount)
          await checkNoContradiction(tx, {
            id: null,
            name: body.name,
            namespace: body.namespace,
            selector: body.selector,
            serviceAccount: body.serviceAccount,
          });
        const created = await repo.insert(
          {
            name: body.name,
            namespace: body.namespace,
            selector: body.selector,
            serviceAccount: body.serviceAccount ?? null,
            team: body.team ?? null,
            description: body.description ?? null,
            createdById: ctx.userId,
          },
          tx,
        );
        const out = toServiceDto(created);
        await audit.append(tx, {
          actor: ctx.actor,
          action: 'service.created',
          targetType: 'service',
          targetId: out.id,
          after: out,
          requestId: ctx.requestId,
        });
        return out;
      });
      // A bound service is written into its namespace's pod-identity admission policy.
      if (dto.serviceAccount !== null) changes.desiredStateChanged(`service ${dto.id} created`);
      return dto;
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(body.name);
      throw error;
    }
  }

  async function update(id: string, body: Update, ctx: Ctx): Promise<ServiceDto> {
    const result = await db.$transaction(async (tx) => {
      // The row lock serialises this check with grant requests (their insert takes a key-share lock on
      // the service row, which FOR UPDATE waits for): no grant can appear between the check and the write.
      await lockService(tx, id);
      const before = toServiceDto(await load(tx, id));
      const changed = identityChanges(before, body);
      checkIdentityChange(before, changed, body);
      const data: Prisma.ServiceUpdateInput = {};
      if (changed.includes('namespace')) data.namespace = body.namespace;
      if (changed.includes('selector')) data.selector = body.selector;
      if (changed.includes('serviceAccount')) data.serviceAccount = body.serviceAccount ?? null;
      if (body.team !== undefined) data.team = body.team;
      if (body.description !== undefined) data.description = body.description;
      await repo.update(id, data, tx);
      const after = toServiceDto(await load(tx, id));
      if (changed.length > 0 && after.serviceAccount !== null)
        await checkNoContradiction(tx, { ...after, serviceAccount: after.serviceAccount });
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'service.updated',
        targetType: 'service',
        targetId: id,
        before,
        after,
        requestId: ctx.requestId,
      });
      return { after, identityChanged: changed.length > 0 };
    });
    // Namespace, selector and ServiceAccount are written into gateway and admission policies.
    if (result.identityChanged) changes.desiredStateChanged(`service ${id} updated`);
    return result.after;
  }

  /**
   * Soft-deletes the service; its active grants are revoked and pending ones cancelled, each audited.
   * Revoking approved access is an approver's call: an engineer may delete a service only while it
   * holds no active grant (docs/decisions.md).
   */
  async function remove(id: string, ctx: Ctx): Promise<void> {
    await db.$transaction(async (tx) => {
      await lockService(tx, id);
      const before = toServiceDto(await load(tx, id));
      if (before.activeGrants > 0 && !can(ctx.role, 'services.deleteWithGrants')) {
        throw forbidden(
          `service ${before.name} holds ${before.activeGrants} active grant${before.activeGrants === 1 ? '' : 's'}: deleting it revokes approved access, which only an approver or admin may do`,
        );
      }
      const now = clock.now();
      const events = await closeGrants(
        tx,
        { serviceId: id },
        { ...ctx, reason: `service ${before.name} deleted`, now },
      );
      await repo.markDeleted(id, now, tx);
      events.push({
        actor: ctx.actor,
        action: 'service.deleted',
        targetType: 'service',
        targetId: id,
        before,
        requestId: ctx.requestId,
      });
      await audit.append(tx, events);
    });
    changes.desiredStateChanged(`service ${id} deleted`);
  }

  async function list(q: ListQuery): Promise<Page<ServiceDto>> {
    const rows = await repo.list(
      { namespace: q.namespace, team: q.team, q: q.q?.toLowerCase() },
      q.limit,
      q.cursor,
    );
    return toPage(rows, q.limit, toServiceDto, (r) => [r.name, r.id]);
  }

  return { create, update, remove, list, get: async (id: string) => toServiceDto(await load(db, id)) };
}

export type ServicesService = ReturnType<typeof createServicesService>;
