// The repository of the cluster settings row, read by the engine, the settings module and the sweeps. It
// lives in platform (not in modules/settings) because the engine and several modules read it, and
// neither may import a module.
import { type Settings, SettingsSchema } from '@egress/shared';

import type { Db, Tx } from './db.ts';

// All cluster settings live in one row: they are read together by every reconcile.
export const SETTINGS_KEY = 'cluster';

export async function readSettings(db: Db | Tx): Promise<Settings> {
  const row = await db.setting.findUnique({ where: { key: SETTINGS_KEY } });
  // Stored values are re-validated on read so defaults for settings added later apply.
  return SettingsSchema.parse(row?.value ?? {});
}

/** Serialises settings changes until the transaction ends (a read-merge-write must not interleave). */
export async function lockSettings(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(7270003)`;
}

export async function saveSettings(value: Settings, updatedById: string, tx: Tx | Db): Promise<void> {
  await tx.setting.upsert({
    where: { key: SETTINGS_KEY },
    create: { key: SETTINGS_KEY, value, updatedById },
    update: { value, updatedById },
  });
}
