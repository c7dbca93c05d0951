import { type AuditLog, SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { Db } from '../../platform/db.ts';
import { hashPassword, newSecret } from '../../platform/secrets.ts';
import { createAuthRepository } from './auth.repository.ts';

/**
 * On an empty database, creates the first admin. Returns the generated password when none was
 * configured, so the caller can print it once; returns null when users already exist.
 */
export async function bootstrapAdmin(
  db: Db,
  audit: AuditLog,
  email: string,
  password: string | undefined,
): Promise<{ email: string; generatedPassword: string | null } | null> {
  const repo = createAuthRepository(db);
  if ((await repo.countUsers()) > 0) return null;
  const secret = password ?? newSecret().slice(0, 24);
  const passwordHash = await hashPassword(secret);
  const created = await db.$transaction(async (tx) => {
    // Two replicas starting together: only the one that finds the table empty under the lock proceeds.
    await repo.lockUsersTable(tx);
    if ((await repo.countUsers(tx)) > 0) return false;
    const user = await repo.insertUser({ email, name: 'Administrator', role: 'admin', passwordHash }, tx);
    await audit.append(tx, {
      actor: SYSTEM_ACTOR,
      action: 'system.admin_bootstrapped',
      targetType: 'user',
      targetId: user.id,
      after: { email, role: 'admin' },
    });
    return true;
  });
  return created ? { email, generatedPassword: password ? null : secret } : null;
}
