import type { CreateUserBodySchema, UpdateUserBodySchema, User as UserDto } from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Db, isUniqueViolation, type Prisma, type Tx } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { type Page, toPage } from '../../platform/pagination.ts';
import { hashPassword } from '../../platform/secrets.ts';
import type { UserRow, UsersRepository } from './users.repository.ts';

type Create = z.output<typeof CreateUserBodySchema>;
type Update = z.output<typeof UpdateUserBodySchema>;

export function toUserDto(u: UserRow): UserDto {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabledAt !== null,
    createdAt: u.createdAt.toISOString(),
  };
}

interface Ctx {
  actor: Actor;
  requestId: string;
}

export function createUsersService({
  db,
  repo,
  audit,
  clock,
}: {
  db: Db;
  repo: UsersRepository;
  audit: AuditLog;
  clock: Clock;
}) {
  async function load(tx: Tx | Db, id: string): Promise<UserRow> {
    const row = await repo.findById(id, tx);
    if (!row) throw notFound('user');
    return row;
  }

  async function create(body: Create, ctx: Ctx): Promise<UserDto> {
    const passwordHash = await hashPassword(body.password);
    try {
      return await db.$transaction(async (tx) => {
        const user = toUserDto(
          await repo.insert({ email: body.email, name: body.name, role: body.role, passwordHash }, tx),
        );
        await audit.append(tx, {
          actor: ctx.actor,
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          after: user,
          requestId: ctx.requestId,
        });
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('duplicate', `a user with email ${body.email} already exists`, [
          { field: 'body.email', message: 'is already registered' },
        ]);
      throw error;
    }
  }

  /** Refuses a change that would leave no enabled admin: the console would become unmanageable. */
  async function keepAnAdmin(tx: Tx, current: UserRow, body: Update): Promise<void> {
    const losesAdmin =
      current.role === 'admin' &&
      ((body.role !== undefined && body.role !== 'admin') || body.disabled === true);
    if (!losesAdmin) return;
    const admins = await repo.countOtherEnabledAdmins(current.id, tx);
    if (admins === 0)
      throw new AppError('conflict', 'this is the last enabled admin; make another admin first');
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
      if (body.disabled !== undefined)
        data.disabledAt = body.disabled ? (current.disabledAt ?? clock.now()) : null;
      const after = toUserDto(await repo.update(id, data, tx));
      // A disabled user, or one whose password changed, is signed out everywhere.
      if (body.disabled === true || passwordHash) await repo.deleteSessions(id, tx);
      const { reason, ...fields } = body;
      const changed = { ...fields, password: body.password ? '(changed)' : undefined };
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'user.updated',
        targetType: 'user',
        targetId: id,
        before: toUserDto(current),
        // The reason (required with a role change) is what the audit reader needs to judge it.
        after: { ...after, changed, reason: reason ?? null },
        requestId: ctx.requestId,
      });
      return after;
    });
  }

  async function list(limit: number, cursor: string | undefined): Promise<Page<UserDto>> {
    const rows = await repo.list(limit, cursor);
    return toPage(rows, limit, toUserDto, (r) => [r.email, r.id]);
  }

  return { create, update, list, get: async (id: string) => toUserDto(await load(db, id)) };
}

export type UsersService = ReturnType<typeof createUsersService>;
