// Replicas sharing a database must share the secret key that seals webhook signing secrets. The first
// start records a check sealed with its key; a start with another key refuses, naming the cause, and
// changes nothing; the right key still starts. Replacing the key on purpose (the new key plus the old
// one as EGRESS_SECRET_KEY_PREVIOUS) re-encrypts every webhook secret, audited, and the old key is
// refused from then on.
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createSecretBox } from '../../src/platform/secret-box.ts';
import { SECRET_KEY_CHECK } from '../../src/platform/secret-key-check.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

function replica(secretKey: string, previous?: string) {
  const env = {
    EGRESS_LOG_LEVEL: 'silent',
    EGRESS_TARGET: 'none',
    EGRESS_WEB_DIST: '/nonexistent',
    EGRESS_SECRET_KEY: secretKey,
  };
  const config = loadConfig(previous ? { ...env, EGRESS_SECRET_KEY_PREVIOUS: previous } : env);
  return buildApp({ config, db: t.db, databaseUrl: t.database.url });
}

describe('the secret key check', () => {
  it('refuses to start a replica with another key, and starts one with the same key', async () => {
    const before = await t.db.setting.findUnique({ where: { key: SECRET_KEY_CHECK } });
    expect(before?.value).toMatchObject({ sealed: expect.stringMatching(/^v1\./) as unknown });

    await expect(replica(randomBytes(32).toString('base64'))).rejects.toThrow(
      /is not the one this database's secrets were sealed with: replicas sharing a database must share one key/,
    );
    // Refusing changed nothing: the recorded check is the first replica's.
    expect((await t.db.setting.findUnique({ where: { key: SECRET_KEY_CHECK } }))?.value).toEqual(
      before?.value,
    );

    const same = await replica(t.config.secretKey?.toString('base64') ?? '');
    await same.ready();
    await same.close();
  });

  it('leaves the cluster settings alone', async () => {
    const res = await t.as('admin', { method: 'GET', url: '/api/v1/settings' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Record<string, unknown>>()).not.toHaveProperty(SECRET_KEY_CHECK);
  });

  it('replaces the key on purpose: every webhook secret is re-encrypted, audited, and the old key is refused afterwards', async () => {
    const created = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/webhooks',
      payload: { name: 'rotation', url: 'https://hooks.example.com/egress', events: ['grant.requested'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, secret } = created.json<{ id: string; secret: string }>();
    const oldKey = t.config.secretKey?.toString('base64') ?? '';
    const newKey = randomBytes(32).toString('base64');

    // Only the previous key that really sealed the secrets is accepted.
    await expect(replica(newKey, randomBytes(32).toString('base64'))).rejects.toThrow(
      /is not the one this database's secrets were sealed with/,
    );

    const rotated = await replica(newKey, oldKey);
    await rotated.ready();
    await rotated.close();
    const row = await t.db.webhook.findUniqueOrThrow({ where: { id } });
    expect(createSecretBox(Buffer.from(newKey, 'base64')).open(row.secretCiphertext, id)).toBe(secret);
    const audit = await t.as('admin', {
      method: 'GET',
      url: '/api/v1/audit-events?action=system.secret_key_rotated',
    });
    expect(audit.json<{ items: { actor: unknown; after: unknown }[] }>().items).toMatchObject([
      { after: { webhookSecrets: 1 } },
    ]);

    // A second start with the same pair finds the work done; the old key alone is refused.
    const again = await replica(newKey, oldKey);
    await again.ready();
    await again.close();
    expect(await t.db.auditEvent.count({ where: { action: 'system.secret_key_rotated' } })).toBe(1);
    await expect(replica(oldKey)).rejects.toThrow(/EGRESS_SECRET_KEY_PREVIOUS/);
  });
});
