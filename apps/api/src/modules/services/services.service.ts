import type { CreateServiceBodySchema, Service as ServiceDto, ServiceListQuerySchema, UpdateServiceBodySchema } from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Changes } from '../../platform/changes.ts';
import type { Clock } from '../../platform/clock.ts';
import { isUniqueViolation, type Db, type Prisma, type Tx } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.ts';
import { closeOpenGrants } from '../grants/close-open-grants.ts';

type Create = z.output<typeof CreateServiceBodySchema>;
type Update = z.output<typeof UpdateServiceBodySchema>;
type ListQuery = z.output<typeof ServiceListQuerySchema>;

interface Ctx {
  actor: Actor;
  userId: string;
  requestId: string;
}

const INCLUDE = { _count: { select: { grants: { where: { state: 'active' } } } } } as const satisfies Prisma.ServiceInclude;
type Row = Prisma.ServiceGetPayload<{ include: typeof INCLUDE }>;

export function toServiceDto(s: Row): ServiceDto {
  return {
    id: s.id,
    name: s.name,
    namespace: s.namespace,
    selector: s.selector as ServiceDto['selector'],
    team: s.team,
    description: s.description,
    activeGrants: s._count.grants,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

const duplicateName = (name: string) => new AppError('duplicate', `a service named "${name}" already exists`, [{ field: 'body.name', message: 'is already taken' }]);

export function createServicesService({ db, audit, clock, changes }: { db: Db; audit: AuditLog; clock: Clock; changes: Changes }) {
  async function load(tx: Tx | Db, id: string): Promise<Row> {
    const row = await tx.service.findFirst({ where: { id, deletedAt: null }, include: INCLUDE });
    if (!row) throw notFound('service');
    return row;
  }

  async function create(body: Create, ctx: Ctx): Promise<ServiceDto> {
    try {
      const dto = await db.$transaction(async (tx) => {
        const created = await tx.service.create({
          data: { name: body.name, namespace: body.namespace, selector: body.selector, team: body.team ?? null, description: body.description ?? null, createdById: ctx.userId },
          include: INCLUDE,
        });
        const out = toServiceDto(created);
        await audit.append(tx, { actor: ctx.actor, action: 'service.created', targetType: 'service', targetId: out.id, after: out, requestId: ctx.requestId });
        return out;
      });
      return dto;
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(body.name);
      throw error;
    }
  }

  async function update(id: string, body: Update, ctx: Ctx): Promise<ServiceDto> {
    const dto = await db.$transaction(async (tx) => {
      const before = toServiceDto(await load(tx, id));
      const data: Prisma.ServiceUpdateInput = {};
      if (body.namespace !== undefined) data.namespace = body.namespace;
      if (body.selector !== undefined) data.selector = body.selector;
      if (body.team !== undefined) data.team = body.team;
      if (body.description !== undefined) data.description = body.description;
      await tx.service.update({ where: { id }, data });
      const after = toServiceDto(await load(tx, id));
      await audit.append(tx, { actor: ctx.actor, action: 'service.updated', targetType: 'service', targetId: id, before, after, requestId: ctx.requestId });
      return after;
    });
    // Namespace and selector are written into gateway policies.
    if (body.namespace !== undefined || body.selector !== undefined) changes.desiredStateChanged(`service ${id} updated`);
    return dto;
  }

  /** Soft-deletes the service; its active grants are revoked and pending ones cancelled, each audited. */
  async function remove(id: string, ctx: Ctx): Promise<void> {
    await db.$transaction(async (tx) => {
      const before = toServiceDto(await load(tx, id));
      const now = clock.now();
      const events = await closeOpenGrants(tx, { serviceId: id }, { ...ctx, reason: `service ${before.name} deleted`, now });
      await tx.service.update({ where: { id }, data: { deletedAt: now } });
      events.push({ actor: ctx.actor, action: 'service.deleted', targetType: 'service', targetId: id, before, requestId: ctx.requestId });
      await audit.append(tx, events);
    });
    changes.desiredStateChanged(`service ${id} deleted`);
  }

  async function list(q: ListQuery): Promise<Page<ServiceDto>> {
    const after = decodeCursor(q.cursor);
    const where: Prisma.ServiceWhereInput = { deletedAt: null };
    if (q.namespace) where.namespace = q.namespace;
    if (q.team) where.team = q.team;
    if (q.q) where.name = { contains: q.q.toLowerCase() };
    if (after) where.OR = [{ name: { gt: String(after.key) } }, { name: String(after.key), id: { gt: after.id } }];
    const rows = await db.service.findMany({ where, include: INCLUDE, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: q.limit + 1 });
    return toPage(rows, q.limit, toServiceDto, (r) => [r.name, r.id]);
  }

  return { create, update, remove, list, get: async (id: string) => toServiceDto(await load(db, id)) };
}
