// A replica started with another secret key than the one this database's secrets were sealed with
// would fail every webhook delivery, late and quietly ("cannot decrypt the signing secret"). So the
// first start seals a known text with its key into the settings table, and every later start must
// open it: a mismatched replica refuses to start instead, naming the cause.
import type { Db } from './db.ts';
import { createSecretBox } from './secret-box.ts';

/** The settings row holding the check (the cluster settings live under another key). */
export const SECRET_KEY_CHECK = 'secretKeyCheck';
const PLAINTEXT = 'egress-control secret key check v1';

export class SecretKeyMismatchError extends Error {
  constructor() {
    super(
      "the secret key (EGRESS_SECRET_KEY, or the data folder's secret.key) is not the one this database's secrets were sealed with: " +
        'replicas sharing a database must share one key. To replace the key on purpose see docs/notifications.md#the-secret-key',
    );
    this.name = 'SecretKeyMismatchError';
  }
}

/** Records the key's check on first use; afterwards throws SecretKeyMismatchError for any other key. */
export async function verifySecretKey(db: Db, key: Buffer): Promise<'recorded' | 'matched'> {
  const box = createSecretBox(key);
  const value = JSON.stringify({ sealed: box.seal(PLAINTEXT, SECRET_KEY_CHECK) });
  const inserted = await db.$executeRaw`
    INSERT INTO settings (key, value, updated_at) VALUES (${SECRET_KEY_CHECK}, ${value}::jsonb, now()) ON CONFLICT (key) DO NOTHING`;
  if (inserted === 1) return 'recorded';
  const row = await db.setting.findUnique({ where: { key: SECRET_KEY_CHECK } });
  const sealed = (row?.value as { sealed?: unknown } | null)?.sealed;
  try {
    if (typeof sealed === 'string' && box.open(sealed, SECRET_KEY_CHECK) === PLAINTEXT) return 'matched';
  } catch {
    // Another key (or a damaged row): refused below.
  }
  throw new SecretKeyMismatchError();
}
