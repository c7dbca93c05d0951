// Opening a console session, shared by every sign-in method (password, OIDC) so a session is always
// made, audited and handed to the browser the same way.
import type { FastifyReply } from 'fastify';

import type { AuditInput, AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Tx } from '../../platform/db.ts';
import { SESSION_COOKIE } from '../../platform/identity.ts';
import { newSecret, sha256 } from '../../platform/secrets.ts';
import type { AuthRepository } from './auth.repository.ts';

export type SignInMethod = 'password' | 'oidc';

export interface LoginContext {
  ip: string;
  userAgent: string | undefined;
  requestId: string;
}

export interface OpenedSession {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

interface SessionUser {
  id: string;
  email: string;
}

export function createSessions({
  repo,
  audit,
  clock,
  sessionTtlMs,
}: {
  repo: AuthRepository;
  audit: AuditLog;
  clock: Clock;
  sessionTtlMs: number;
}) {
  /**
   * Creates the session row inside the caller's transaction and appends `auth.login` after any audit
   * events the caller passes (its own changes, e.g. a provisioned user), as the transaction's last step.
   */
  async function open(
    tx: Tx,
    user: SessionUser,
    ctx: LoginContext,
    method: SignInMethod,
    earlier: AuditInput[] = [],
  ): Promise<OpenedSession> {
    const sessionToken = newSecret();
    const csrfToken = newSecret();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + sessionTtlMs);
    const session = await repo.insertSession(
      {
        tokenHash: sha256(sessionToken),
        csrfTokenHash: sha256(csrfToken),
        userId: user.id,
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
        ip: ctx.ip,
        userAgent: ctx.userAgent?.slice(0, 500) ?? null,
      },
      tx,
    );
    await audit.append(tx, [
      ...earlier,
      {
        actor: { type: 'user', id: user.id, label: user.email },
        action: 'auth.login',
        targetType: 'session',
        targetId: session.id,
        after: { method, ip: ctx.ip, expiresAt },
        requestId: ctx.requestId,
      },
    ]);
    return { sessionToken, csrfToken, expiresAt };
  }

  /** Expired sessions are kept no longer than needed; run after the sign-in commits. */
  async function pruneExpired(userId: string): Promise<void> {
    await repo.deleteExpiredSessions(userId, clock.now());
  }

  return { open, pruneExpired };
}

export type Sessions = ReturnType<typeof createSessions>;

/** The session cookie: httpOnly, SameSite=Strict, Secure whenever the request arrived over HTTPS. */
export function setSessionCookie(reply: FastifyReply, session: OpenedSession): void {
  void reply.setCookie(SESSION_COOKIE, session.sessionToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure: 'auto',
    path: '/',
    expires: session.expiresAt,
  });
}
