import type { Me } from '@egress/shared';

import type { AuditLog } from '../../platform/audit.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { RequestActor } from '../../platform/identity.ts';
import { verifyPassword } from '../../platform/secrets.ts';
import type { AuthRepository } from './auth.repository.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { LoginContext, OpenedSession, Sessions } from './sessions.ts';

export function createAuthService({
  db,
  repo,
  audit,
  sessions,
}: {
  db: Db;
  repo: AuthRepository;
  audit: AuditLog;
  sessions: Sessions;
}) {
  async function login(
    email: string,
    password: string,
    ctx: LoginContext,
  ): Promise<{ user: Me } & OpenedSession> {
    const user = await repo.findUserByEmail(email);
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !ok || user.disabledAt) {
      await db.$transaction((tx) =>
        audit.append(tx, {
          actor: { type: 'anonymous', id: null, label: email },
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: user?.id ?? null,
          after: { method: 'password', email, ip: ctx.ip },
          requestId: ctx.requestId,
        }),
      );
      // One message for every cause, so it reveals nothing about which accounts exist.
      throw new AppError('unauthenticated', 'wrong email or password');
    }
    const session = await db.$transaction((tx) => sessions.open(tx, user, ctx, 'password'));
    await sessions.pruneExpired(user.id);
    const me: Me = { id: user.id, email: user.email, name: user.name, role: user.role };
    return { user: me, ...session };
  }

  async function logout(actor: RequestActor, requestId: string): Promise<void> {
    if (!actor.sessionId) return; // token requests have no session to end
    const sessionId = actor.sessionId;
    await db.$transaction(async (tx) => {
      await repo.deleteSession(sessionId, tx);
      await audit.append(tx, {
        actor: { type: 'user', id: actor.userId, label: actor.email },
        action: 'auth.logout',
        targetType: 'session',
        targetId: sessionId,
        requestId,
      });
    });
  }

  /** Once per address and window: one summary audit row instead of one per refused attempt. */
  async function throttled(
    ip: string,
    throttle: LoginThrottle,
    limit: number,
    requestId: string,
  ): Promise<void> {
    const first = throttle.firstRefusal(ip);
    if (!first) return;
    await db.$transaction((tx) =>
      audit.append(tx, {
        actor: { type: 'anonymous', id: null, label: ip },
        action: 'auth.login_throttled',
        targetType: 'system',
        targetId: null,
        after: { ip, limit, windowEndsAt: first.windowEndsAt.toISOString() },
        requestId,
      }),
    );
  }

  return { login, logout, throttled };
}

export type AuthService = ReturnType<typeof createAuthService>;
