import type { LoginResponse, Me } from '@egress/shared';

import type { AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { RequestActor } from '../../platform/identity.ts';
import { newSecret, sha256, verifyPassword } from '../../platform/secrets.ts';

export interface LoginContext {
  ip: string;
  userAgent: string | undefined;
  requestId: string;
}

export function createAuthService({ db, audit, clock, sessionTtlMs }: { db: Db; audit: AuditLog; clock: Clock; sessionTtlMs: number }) {
  async function login(email: string, password: string, ctx: LoginContext): Promise<LoginResponse & { sessionToken: string; expiresAt: Date }> {
    const user = await db.user.findUnique({ where: { email } });
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !ok || user.disabledAt) {
      await db.$transaction((tx) =>
        audit.append(tx, { actor: { type: 'anonymous', id: null, label: email }, action: 'auth.login_failed', targetType: 'user', targetId: user?.id ?? null, after: { email, ip: ctx.ip }, requestId: ctx.requestId }),
      );
      // One message for every cause, so it reveals nothing about which accounts exist.
      throw new AppError('unauthenticated', 'wrong email or password');
    }
    const sessionToken = newSecret();
    const csrfToken = newSecret();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + sessionTtlMs);
    await db.$transaction(async (tx) => {
      const session = await tx.session.create({
        data: { tokenHash: sha256(sessionToken), csrfTokenHash: sha256(csrfToken), userId: user.id, createdAt: now, lastSeenAt: now, expiresAt, ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 500) ?? null },
      });
      await audit.append(tx, { actor: { type: 'user', id: user.id, label: user.email }, action: 'auth.login', targetType: 'session', targetId: session.id, after: { ip: ctx.ip, expiresAt }, requestId: ctx.requestId });
    });
    // Expired sessions are kept no longer than needed.
    await db.session.deleteMany({ where: { userId: user.id, expiresAt: { lt: now } } });
    const me: Me = { id: user.id, email: user.email, name: user.name, role: user.role };
    return { user: me, csrfToken, sessionToken, expiresAt };
  }

  async function logout(actor: RequestActor, requestId: string): Promise<void> {
    if (!actor.sessionId) return; // token requests have no session to end
    const sessionId = actor.sessionId;
    await db.$transaction(async (tx) => {
      await tx.session.deleteMany({ where: { id: sessionId } });
      await audit.append(tx, { actor: { type: 'user', id: actor.userId, label: actor.email }, action: 'auth.logout', targetType: 'session', targetId: sessionId, requestId });
    });
  }

  return { login, logout };
}
