// What a security review found beyond the audit log: password spraying from one address, 500s during a
// database outage, a token managing tokens above its role, and error bodies as large as the request.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/app.ts';
import { createDb, disconnectWithin } from '../../src/platform/db.ts';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { EGRESS_LOGIN_FAILURES_PER_ADDRESS: '20' } });
});
afterAll(async () => t.close());

const login = (email: string, password: string, ip = '198.51.100.7') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
  });

describe('failed sign-ins per address, across accounts', () => {
  it('refuses an address after 20 failures over 40 accounts, with one summary audit row instead of one per attempt', async () => {
    const before = await t.db.auditEvent.count();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(`sprayed-${i}@example.com`, 'Winter2026!')),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const refused = results.find((r) => r.statusCode === 429);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused?.json()).toMatchObject({ error: { code: 'rate_limited' } });

    const rows = await t.db.auditEvent.findMany({ where: { seq: { gt: BigInt(before) } } });
    expect(rows.filter((r) => r.action === 'auth.login_failed')).toHaveLength(20);
    const summaries = rows.filter((r) => r.action === 'auth.login_throttled');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.after).toMatchObject({ ip: '198.51.100.7', limit: 20 });

    // Still refused, still no new rows; the right password too, until the window ends.
    expect((await login(t.users.viewer.email, PASSWORD)).statusCode).toBe(429);
    expect(await t.db.auditEvent.count()).toBe(before + 21);
    // Another address is not affected.
    expect((await login(t.users.viewer.email, PASSWORD, '203.0.113.9')).statusCode).toBe(200);
  });

  it('does not count successful sign-ins against the address', async () => {
    // 24 successes (over 4 accounts, under the per-account limit) from one address, beyond its 20 failures.
    const roles = ['viewer', 'engineer', 'approver', 'admin'] as const;
    for (let i = 0; i < 24; i++)
      expect((await login(t.users[roles[i % 4]!].email, PASSWORD, '192.0.2.44')).statusCode).toBe(200);
  });
});

describe('tokens never manage tokens above their own role', () => {
  it("refuses a viewer-limited token revoking its owner's approver token, and hides it from its list", async () => {
    const owner = await t.addUser('approver', 'token-owner');
    const viewerToken = await t.as(owner, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'read only', role: 'viewer' },
    });
    expect(viewerToken.statusCode).toBe(201);
    const limited = viewerToken.json<{ token: string }>().token;
    const asLimited = (opts: InjectOptions) =>
      t.app.inject({ ...opts, headers: { authorization: `Bearer ${limited}` } });

    const list = await asLimited({ method: 'GET', url: '/api/v1/tokens' });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: { role: string }[] }>().items.map((i) => i.role)).toEqual(['viewer']);

    const approverTokenId = (
      await t.db.apiToken.findFirstOrThrow({ where: { userId: owner.id, role: 'approver' } })
    ).id;
    const revoke = await asLimited({ method: 'DELETE', url: `/api/v1/tokens/${approverTokenId}` });
    expect(revoke.statusCode).toBe(403);
    expect(revoke.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await t.as(owner, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);

    const mint = await asLimited({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'escalate', role: 'approver' },
    });
    expect(mint.statusCode).toBe(403);
    // Within its role it still works: it may revoke itself.
    const self = await t.db.apiToken.findFirstOrThrow({ where: { userId: owner.id, role: 'viewer' } });
    expect((await asLimited({ method: 'DELETE', url: `/api/v1/tokens/${self.id}` })).statusCode).toBe(204);
  });
});

describe('error bodies are bounded', () => {
  it('answers a login body with 60,000 unknown keys in a few kilobytes', async () => {
    const body: Record<string, string> = { email: 'x@example.com', password: 'p' };
    for (let i = 0; i < 60_000; i++) body[`k${i}`] = 'v';
    const payload = JSON.stringify(body);
    expect(payload.length).toBeGreaterThan(600_000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload,
      headers: { 'content-type': 'application/json' },
      remoteAddress: '192.0.2.77',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(8 * 1024);
    expect(res.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('lists at most the first 20 field errors', async () => {
    const rules = Array.from({ length: 100 }, () => ({ port: 0 }));
    const res = await t.as('approver', {
      method: 'POST',
      url: '/api/v1/destinations',
      payload: { host: 'bounded.example.com', ports: rules, sensitivity: 'normal' },
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json<{
      error: { message: string; details: { field: string; message: string }[] };
    }>();
    expect(error.details.length).toBeGreaterThan(0);
    expect(error.details.length).toBeLessThanOrEqual(20);
    for (const d of error.details) expect(d.message.length).toBeLessThanOrEqual(300);
  });
});

describe('a database outage', () => {
  let proxy: Server;
  const sockets = new Set<Socket>();
  let open = true;

  /** A TCP hop between the app and PostgreSQL that the test can cut, as a network outage would. */
  async function startProxy(target: URL): Promise<number> {
    proxy = createServer((client) => {
      if (!open) return client.destroy();
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    const address = proxy.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  it('answers 503 with Retry-After on routes that need the database, and recovers', async () => {
    const target = new URL(t.database.url);
    const port = await startProxy(target);
    const url = new URL(t.database.url);
    url.port = String(port);
    // The app's background loops (webhook dispatch, sweeps, reconcile queue) share this pool: give them room.
    const db = createDb(url.toString(), 5);
    const app = await buildApp({ config: t.config, db, databaseUrl: url.toString() });
    await app.ready();
    // Each request must answer within 20 s: a hang is a failure that names the request, not a test timeout.
    const get = async (path: string) => {
      const res = app.inject({
        method: 'GET',
        url: path,
        headers: { authorization: `Bearer ${t.users.viewer.token}` },
      });
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`GET ${path} did not answer within 20 s`)), 20_000);
      });
      try {
        return await Promise.race([res, hung]);
      } finally {
        clearTimeout(timer);
      }
    };
    try {
      expect((await get('/api/v1/services')).statusCode).toBe(200);

      open = false;
      for (const s of sockets) s.destroy();
      for (const path of ['/api/v1/services', '/api/v1/grants', '/api/v1/auth/me']) {
        const res = await get(path);
        expect(res.statusCode, `${path}: ${res.body}`).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.json()).toMatchObject({ error: { code: 'unavailable' } });
      }
      const failedLogin = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'someone@example.com', password: 'whatever' },
      });
      expect(failedLogin.statusCode).toBe(503);
      expect((await get('/healthz')).statusCode).toBe(200);
      expect((await get('/readyz')).statusCode).toBe(503);

      open = true;
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) status = (await get('/api/v1/services')).statusCode;
      expect(status).toBe(200);
    } finally {
      await app.close();
      // As the server does on SIGTERM: a client that died with the cut can hold the pool open for good.
      await disconnectWithin(db, 5_000);
      for (const s of sockets) s.destroy();
      proxy.close();
    }
  }, 90_000);
});
