import { SettingsSchema, type Settings } from '@egress/shared';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Changes } from '../../platform/changes.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';

// All cluster settings live in one row: they are read together by every reconcile.
const KEY = 'cluster';

export async function readSettings(db: Db | Tx): Promise<Settings> {
  const row = await db.setting.findUnique({ where: { key: KEY } });
  // Stored values are re-validated on read so defaults for settings added later apply.
  return SettingsSchema.parse(row?.value ?? {});
}

export function createSettingsService({ db, audit, changes }: { db: Db; audit: AuditLog; changes: Changes }) {
  async function update(patch: Partial<Settings>, ctx: { actor: Actor; userId: string; requestId: string }): Promise<Settings> {
    const next = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(7270003)`;
      const before = await readSettings(tx);
      const merged = SettingsSchema.safeParse({ ...before, ...patch });
      if (!merged.success) {
        const details = merged.error.issues.map((i) => ({ field: `body.${i.path.join('.')}`, message: i.message }));
        throw new AppError('validation_failed', 'invalid settings', details);
      }
      await tx.setting.upsert({
        where: { key: KEY },
        create: { key: KEY, value: merged.data, updatedById: ctx.userId },
        update: { value: merged.data, updatedById: ctx.userId },
      });
      await audit.append(tx, { actor: ctx.actor, action: 'settings.updated', targetType: 'settings', targetId: KEY, before, after: merged.data, requestId: ctx.requestId });
      return merged.data;
    });
    changes.desiredStateChanged('settings updated');
    return next;
  }

  return { get: () => readSettings(db), update };
}
