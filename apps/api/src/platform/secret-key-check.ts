// A replica started with another secret key than the one this database's secrets were sealed with
// would fail every webhook delivery, late and quietly ("cannot decrypt the signing secret"). So the
// first start seals a known text with its key into the settings table, and every later start must
// open it: a mismatched replica refuses to start instead, naming the cause.
//
// Replacing the key on purpose: start with the new key in EGRESS_SECRET_KEY and the old one in
// EGRESS_SECRET_KEY_PREVIOUS. The first such start re-seals every stored secret and the check with the
// new key in one transaction (audited); later starts find the check already on the new key.
import { type AuditLog, SYSTEM_ACTOR } from './audit.ts';
import type { Db, Tx } from './db.ts';
import { createSecretBox, type SecretBox } from './secret-box.ts';

/** The settings row holding the check (the cluster settings live under another key). */
export const SECRET_KEY_CHECK = 'secretKeyCheck';
const PLAINTEXT = 'egress-control secret key check v1';
/** Serialises rotations of several replicas started together with the same pair of keys. */
const ROTATION_LOCK = 7_270_020;

export class SecretKeyMismatchError extends Error {
  constructor() {
    super(
      "the secret key (EGRESS_SECRET_KEY, or the data folder's secret.key) is not the one this database's secrets were sealed with: " +
        'replicas sharing a database must share one key. To replace the key, start with the new one in EGRESS_SECRET_KEY and the old one ' +
        'in EGRESS_SECRET_KEY_PREVIOUS (docs/notifications.md#the-secret-key)',
    );
    this.name = 'SecretKeyMismatchError';
  }
}

function opens(box: SecretBox, sealed: unknown): boolean {
  try {
    return typeof sealed === 'string' && box.open(sealed, SECRET_KEY_CHECK) === PLAINTEXT;
  } catch {
    return false; // another key, or a damaged value
  }
}

async function sealedCheck(db: Db | Tx): Promise<unknown> {
  const row = await db.setting.findUnique({ where: { key: SECRET_KEY_CHECK } });
  return (row?.value as { sealed?: unknown } | null)?.sealed;
}

const checkValue = (box: SecretBox) => JSON.stringify({ sealed: box.seal(PLAINTEXT, SECRET_KEY_CHECK) });

/** Re-seals every stored secret from `previous` to `next`, and the check; returns how many secrets. */
async function rotate(
  db: Db,
  audit: AuditLog,
  previous: SecretBox,
  next: SecretBox,
): Promise<number | 'already'> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROTATION_LOCK})`;
      const sealed = await sealedCheck(tx);
      if (opens(next, sealed)) return 'already'; // another replica rotated while we waited
      if (!opens(previous, sealed)) throw new SecretKeyMismatchError();
      const webhooks = await tx.webhook.findMany({ select: { id: true, secretCiphertext: true } });
      for (const w of webhooks) {
        const secret = previous.open(w.secretCiphertext, w.id);
        await tx.webhook.update({ where: { id: w.id }, data: { secretCiphertext: next.seal(secret, w.id) } });
      }
      await tx.$executeRaw`UPDATE settings SET value = ${checkValue(next)}::jsonb, updated_at = now() WHERE key = ${SECRET_KEY_CHECK}`;
      await audit.append(tx, {
        actor: SYSTEM_ACTOR,
        action: 'system.secret_key_rotated',
        targetType: 'system',
        targetId: null,
        after: { webhookSecrets: webhooks.length },
      });
      return webhooks.length;
    },
    { timeout: 60_000 },
  );
}

export type SecretKeyOutcome = 'recorded' | 'matched' | { rotated: number };

/**
 * Records the key's check on first use; afterwards accepts only that key, or rotates to it from
 * `previousKey`. Throws SecretKeyMismatchError otherwise, having changed nothing.
 */
export async function verifySecretKey(
  db: Db,
  audit: AuditLog,
  key: Buffer,
  previousKey?: Buffer,
): Promise<SecretKeyOutcome> {
  const box = createSecretBox(key);
  const inserted = await db.$executeRaw`
    INSERT INTO settings (key, value, updated_at) VALUES (${SECRET_KEY_CHECK}, ${checkValue(box)}::jsonb, now()) ON CONFLICT (key) DO NOTHING`;
  if (inserted === 1) return 'recorded';
  if (opens(box, await sealedCheck(db))) return 'matched';
  if (!previousKey) throw new SecretKeyMismatchError();
  const rotated = await rotate(db, audit, createSecretBox(previousKey), box);
  return rotated === 'already' ? 'matched' : { rotated };
}
