// Least privilege in the database: the server's runtime role works the app normally but cannot rewrite
// the audit log behind its triggers. Roles are cluster-wide and the test server is shared, so this file
// names its role after its own test database and drops it afterwards.
import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/app.ts';
import { createDb } from '../../src/platform/db.ts';
import { runtimeRoleWarnings, setupRuntimeRole, withCredentials } from '../../src/platform/db-roles.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let role: string;
let runtimeUrl: string;
const password = randomBytes(18).toString('base64url');

beforeAll(async () => {
  t = await createTestApp();
  role = `${t.database.name}_app`;
  // Twice at once, as two replicas (or two test files) starting together would.
  await Promise.all([
    setupRuntimeRole(t.database.url, role, password),
    setupRuntimeRole(t.database.url, role, password),
  ]);
  runtimeUrl = withCredentials(t.database.url, role, password);
});
afterAll(async () => {
  await t.close(); // drops the database, and with it the role's grants there
  const c = new pg.Client({ connectionString: t.database.url.replace(/\/[^/?]+(\?|$)/, '/postgres$1') });
  await c.connect();
  await c.query(`DROP ROLE IF EXISTS "${role}"`);
  await c.end();
});

async function asRuntime(statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: runtimeUrl });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

describe('the runtime database role', () => {
  it('runs the app: changes are made and audited', async () => {
    const db = createDb(runtimeUrl, 2);
    const app = await buildApp({ config: t.config, db, databaseUrl: runtimeUrl });
    await app.ready();
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/services',
        headers: { authorization: `Bearer ${t.users.engineer.token}` },
        payload: {
          name: 'service.least-privilege',
          namespace: 'apps',
          selector: { matchLabels: { app: 'lp' } },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      const sealed = await app.inject({
        method: 'POST',
        url: '/api/v1/audit-events/checkpoints',
        headers: { authorization: `Bearer ${t.users.admin.token}` },
      });
      expect(sealed.statusCode, sealed.body).toBe(201);
      const verify = await app.inject({
        method: 'GET',
        url: '/api/v1/audit-events/verify',
        headers: { authorization: `Bearer ${t.users.approver.token}` },
      });
      expect(verify.json()).toMatchObject({ valid: true });
    } finally {
      await app.close();
      await db.$disconnect();
    }
  });

  it('is refused UPDATE, DELETE, TRUNCATE, ALTER TABLE and session_replication_role on the audit log', async () => {
    await expect(asRuntime(`UPDATE audit_events SET actor = 'mallory' WHERE seq = 1`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(asRuntime('DELETE FROM audit_events')).rejects.toThrow(/permission denied/);
    await expect(asRuntime('TRUNCATE audit_events')).rejects.toThrow(/permission denied/);
    await expect(asRuntime('DELETE FROM audit_checkpoints')).rejects.toThrow(/permission denied/);
    await expect(asRuntime('ALTER TABLE audit_events DISABLE TRIGGER USER')).rejects.toThrow(/must be owner/);
    await expect(asRuntime('ALTER TABLE audit_events DROP COLUMN hash')).rejects.toThrow(/must be owner/);
    await expect(asRuntime('SET session_replication_role = replica')).rejects.toThrow(/permission denied/);
    await expect(asRuntime('CREATE TABLE sneaky (id int)')).rejects.toThrow(/permission denied/);
    await expect(asRuntime(`ALTER ROLE "${role}" SUPERUSER`)).rejects.toThrow(
      /permission denied|must be superuser/,
    );
    expect(await runtimeRoleWarnings(runtimeUrl)).toEqual([]);
  });

  it('is what start-up checks: a superuser or table owner as the runtime role is warned about', async () => {
    const warnings = await runtimeRoleWarnings(t.database.url);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is a superuser: it can disable the audit log's triggers/);
  });
});
