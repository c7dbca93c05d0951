import type { CreateUserBodySchema, UpdateUserBodySchema, User as UserDto } from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import { isUniqueViolation, type Db, type Prisma, type Tx } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { keysetWhere, toPage, type Page } from '../../platform/pagination.ts';
import { hashPassword } from '../../platform/secrets.ts';

type Create = z.output<typeof CreateUserBodySchema>;
type Update = z.output<typeof UpdateUserBodySchema>;
type UserRow = Prisma.UserGetPayload<object>;

export function toUserDto(u: UserRow): UserDto {
  return { id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabledAt !== null, createdAt: u.createdAt.toISOString() };
}

interface Ctx {
  actor: Actor;
  requestId: string;
}

export function createUsersService({ db, audit, clock }: { db: Db; audit: AuditLog; clock: Clock }) {
  async function load(tx: Tx | Db, id: string): Promise<UserRow> {
    const row = await tx.user.findUnique({ where: { id } });
    if (!row) throw notFound('user');
    return row;
  }

  async function create(body: Create, ctx: Ctx): Promise<UserDto> {
    const passwordHash = await hashPassword(body.password);
    try {
      return await db.$transaction(async (tx) => {
        const user = toUserDto(await tx.user.create({ data: { email: body.email, name: body.name, role: body.role, passwordHash } }));
        await audit.append(tx, { actor: ctx.actor, action: 'user.created', targetType: 'user', targetId: user.id, after: user, requestId: ctx.requestId });
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('duplicate', `a user with email ${body.email} already exists`, [{ field: 'body.email', message: 'is already registered' }]);
      throw error;
    }
  }

  /** Refuses a change that would leave no enabled admin: the console would become unmanageable. */
  async function keepAnAdmin(tx: Tx, current: UserRow, body: Update): Promise<void> {
    const losesAdmin = current.role === 'admin' && ((body.role !== undefined && body.role !== 'admin') || body.disabled === true);
    if (!losesAdmin) return;
    const admins = await tx.user.count({ where: { role: 'admin', disabledAt: null, id: { not: current.id } } });
    if (admins === 0) throw new AppError('conflict', 'this is the last enabled admin; make another admin first');
  }

  async function update(id: string, body: Update, ctx: Ctx): Promise<UserDto> {
    const passwordHash = body.password ? await hashPassword(body.password) : undefined;
    return db.$transaction(async (tx) => {
      const current = await load(tx, id);
      await keepAnAdmin(tx, current, body);
      const data: Prisma.UserUpdateInput = {};
      if (body.name !== undefined) data.name = body.name;
      if (body.role !== undefined) data.role = body.role;
      if (passwordHash) data.passwordHash = passwordHash;
      if (body.disabled !== undefined) data.disabledAt = body.disabled ? (current.disabledAt ?? clock.now()) : null;
      const after = toUserDto(await tx.user.update({ where: { id }, data }));
      // A disabled user, or one whose password changed, is signed out everywhere.
      if (body.disabled === true || passwordHash) await tx.session.deleteMany({ where: { userId: id } });
      const changed = { ...body, password: body.password ? '(changed)' : undefined };
      await audit.append(tx, { actor: ctx.actor, action: 'user.updated', targetType: 'user', targetId: id, before: toUserDto(current), after: { ...after, changed }, requestId: ctx.requestId });
      return after;
    });
  }

  async function list(limit: number, cursor: string | undefined): Promise<Page<UserDto>> {
    const rows = await db.user.findMany({ where: keysetWhere('email', cursor, 'asc', String), orderBy: [{ email: 'asc' }, { id: 'asc' }], take: limit + 1 });
    return toPage(rows, limit, toUserDto, (r) => [r.email, r.id]);
  }

  return { create, update, list, get: async (id: string) => toUserDto(await load(db, id)) };
}

export type UsersService = ReturnType<typeof createUsersService>;
