import { type Settings, SettingsSchema } from '@egress/shared';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Changes } from '../../platform/changes.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { lockSettings, readSettings, saveSettings, SETTINGS_KEY as KEY } from '../../platform/settings.ts';

export function createSettingsService({ db, audit, changes }: { db: Db; audit: AuditLog; changes: Changes }) {
  async function update(
    patch: Partial<Settings>,
    ctx: { actor: Actor; userId: string; requestId: string },
  ): Promise<Settings> {
    const next = await db.$transaction(async (tx) => {
      await lockSettings(tx);
      const before = await readSettings(tx);
      const merged = SettingsSchema.safeParse({ ...before, ...patch });
      if (!merged.success) {
        const details = merged.error.issues.map((i) => ({
          field: `body.${i.path.join('.')}`,
          message: i.message,
        }));
        throw new AppError('validation_failed', 'invalid settings', details);
      }
      await saveSettings(merged.data, ctx.userId, tx);
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'settings.updated',
        targetType: 'settings',
        targetId: KEY,
        before,
        after: merged.data,
        requestId: ctx.requestId,
      });
      return merged.data;
    });
    changes.desiredStateChanged('settings updated');
    return next;
  }

  return { get: () => readSettings(db), update };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
