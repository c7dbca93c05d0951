// Replicas sharing a database must share the secret key that seals webhook signing secrets. The first
// start records a check sealed with its key; a start with another key refuses, naming the cause, and
// changes nothing; the right key still starts; webhooks created under it keep signing.
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { SECRET_KEY_CHECK } from '../../src/platform/secret-key-check.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

function replica(secretKey: string) {
  const config = loadConfig({ EGRESS_LOG_LEVEL: 'silent', EGRESS_TARGET: 'none', EGRESS_WEB_DIST: '/nonexistent', EGRESS_SECRET_KEY: secretKey });
  return buildApp({ config, db: t.db, databaseUrl: t.database.url });
}

describe('the secret key check', () => {
  it('refuses to start a replica with another key, and starts one with the same key', async () => {
    const before = await t.db.setting.findUnique({ where: { key: SECRET_KEY_CHECK } });
    expect(before?.value).toMatchObject({ sealed: expect.stringMatching(/^v1\./) as unknown });

    await expect(replica(randomBytes(32).toString('base64'))).rejects.toThrow(/is not the one this database's secrets were sealed with: replicas sharing a database must share one key/);
    // Refusing changed nothing: the recorded check is the first replica's.
    expect((await t.db.setting.findUnique({ where: { key: SECRET_KEY_CHECK } }))?.value).toEqual(before?.value);

    const same = await replica(t.config.secretKey?.toString('base64') ?? '');
    await same.ready();
    await same.close();
  });

  it('leaves the cluster settings alone', async () => {
    const res = await t.as('admin', { method: 'GET', url: '/api/v1/settings' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Record<string, unknown>>()).not.toHaveProperty(SECRET_KEY_CHECK);
  });
});
