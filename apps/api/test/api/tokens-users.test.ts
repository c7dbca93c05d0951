// API tokens (shown once, stored hashed, never above their owner) and user administration.
import type { Role } from '@egress/shared';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Clock } from '../../src/platform/clock.ts';
import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';

interface CreatedToken {
  id: string;
  name: string;
  role: Role;
  expiresAt: string | null;
  token: string;
}

const TOKENS = '/api/v1/tokens';
const USERS = '/api/v1/users';
const ME = '/api/v1/auth/me';
const SERVICES = '/api/v1/services';

// Time moves only when a test moves it, so expiry is tested without sleeping.
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(async () => t.close());

let serviceCounter = 0;
const newService = () => {
  const name = `svc.tokens-${++serviceCounter}`;
  return { name, namespace: 'payments', selector: { matchLabels: { app: `tokens-${serviceCounter}` } } };
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const withToken = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
const errorOf = (res: LightMyRequestResponse) =>
  res.json<{ error: { code: string; message: string; details: { field: string }[] } }>().error;

async function createToken(as: TestUser | Role, body: object): Promise<CreatedToken> {
  const res = await t.as(as, { method: 'POST', url: TOKENS, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<CreatedToken>();
}

async function roleOf(token: string): Promise<string> {
  const res = await withToken(token, 'GET', ME);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ role: string }>().role;
}

describe('API tokens', () => {
  it("creates a token shown once, with the egc_ prefix and the creator's role by default", async () => {
    const res = await t.as('engineer', { method: 'POST', url: TOKENS, payload: { name: 'ci pipeline' } });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<CreatedToken>();
    expect(Object.keys(created).sort()).toEqual(['expiresAt', 'id', 'name', 'role', 'scopes', 'token']);
    expect(created).toMatchObject({ name: 'ci pipeline', role: 'engineer', scopes: [], expiresAt: null });
    expect(created.token).toMatch(/^egc_[A-Za-z0-9_-]{40,}$/);

    const list = await t.as('engineer', { url: TOKENS });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.token);
    const listed = list
      .json<{ items: { id: string; prefix: string; owner: string }[] }>()
      .items.find((i) => i.id === created.id);
    expect(listed).toMatchObject({ name: 'ci pipeline', role: 'engineer', owner: t.users.engineer.email });
    expect(created.token.startsWith(listed!.prefix)).toBe(true);
    expect(listed!.prefix.length).toBeLessThan(16);
  });

  it('stores only a SHA-256 hash of the token, and no audit row holds it', async () => {
    const created = await createToken('engineer', { name: 'hashed' });
    const [row] = await t.db.$queryRaw<{ row: string; token_hash: string }[]>`
      SELECT row_to_json(a)::text AS row, a.token_hash FROM api_tokens a WHERE a.id = ${created.id}::uuid`;
    expect(row!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.token_hash).not.toBe(created.token);
    expect(row!.row).not.toContain(created.token);
    const [audit] = await t.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM audit_events e WHERE strpos(row_to_json(e)::text, ${created.token}) > 0`;
    expect(audit!.n).toBe(0n);
  });

  it('authenticates as its owner', async () => {
    const created = await createToken('engineer', { name: 'works' });
    const me = await withToken(created.token, 'GET', ME);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ id: t.users.engineer.id, role: 'engineer' });
    expect((await withToken(created.token, 'POST', SERVICES, newService())).statusCode).toBe(201);
  });

  it.each(['approver', 'admin'] as const)('refuses an engineer a token with role %s', async (role) => {
    const before = await t.db.apiToken.count({ where: { userId: t.users.engineer.id } });
    const res = await t.as('engineer', {
      method: 'POST',
      url: TOKENS,
      payload: { name: `too high ${role}`, role },
    });
    expect(res.statusCode, res.body).toBe(403);
    expect(errorOf(res).code).toBe('forbidden');
    expect(await t.db.apiToken.count({ where: { userId: t.users.engineer.id } })).toBe(before);
  });

  it('limits a viewer-role token of an admin to viewer rights', async () => {
    const created = await createToken('admin', { name: 'read only', role: 'viewer' });
    expect(created.role).toBe('viewer');
    expect(await roleOf(created.token)).toBe('viewer');
    expect((await withToken(created.token, 'GET', SERVICES)).statusCode).toBe(200);
    const write = await withToken(created.token, 'POST', SERVICES, newService());
    expect(write.statusCode, write.body).toBe(403);
    expect((await withToken(created.token, 'GET', USERS)).statusCode).toBe(403);
  });

  it("acts as the lesser of its own role and its owner's current role", async () => {
    const owner = await t.addUser('engineer', 'demoted');
    const created = await createToken(owner, { name: 'deploys' });
    expect((await withToken(created.token, 'POST', SERVICES, newService())).statusCode).toBe(201);

    const demote = await t.as('admin', {
      method: 'PATCH',
      url: `${USERS}/${owner.id}`,
      payload: { role: 'viewer', reason: 'moved to a read-only rotation' },
    });
    expect(demote.statusCode, demote.body).toBe(200);
    expect(await roleOf(created.token)).toBe('viewer');
    expect((await withToken(created.token, 'POST', SERVICES, newService())).statusCode).toBe(403);

    // Promoting the owner above the token's role does not lift the token above engineer.
    expect(
      (
        await t.as('admin', {
          method: 'PATCH',
          url: `${USERS}/${owner.id}`,
          payload: { role: 'approver', reason: 'joins the approvers' },
        })
      ).statusCode,
    ).toBe(200);
    expect(await roleOf(created.token)).toBe('engineer');
    expect((await withToken(created.token, 'POST', SERVICES, newService())).statusCode).toBe(201);
    const destination = {
      host: 'tokens.example.org',
      ports: [{ port: 443, protocol: 'TCP' }],
      sensitivity: 'standard',
    };
    expect((await withToken(created.token, 'POST', '/api/v1/destinations', destination)).statusCode).toBe(
      403,
    );
  });

  it('revokes a token: 204, it stops working, is no longer listed, and a second revoke is 404', async () => {
    const created = await createToken('engineer', { name: 'short lived' });
    expect(await roleOf(created.token)).toBe('engineer');
    const del = await t.as('engineer', { method: 'DELETE', url: `${TOKENS}/${created.id}` });
    expect(del.statusCode, del.body).toBe(204);
    const after = await withToken(created.token, 'GET', ME);
    expect(after.statusCode).toBe(401);
    expect(errorOf(after).code).toBe('unauthenticated');
    const list = await t.as('engineer', { url: TOKENS });
    expect(list.json<{ items: { id: string }[] }>().items.map((i) => i.id)).not.toContain(created.id);
    expect((await t.as('engineer', { method: 'DELETE', url: `${TOKENS}/${created.id}` })).statusCode).toBe(
      404,
    );
  });

  it("hides another user's token from a non-admin (404) and leaves it working", async () => {
    const created = await createToken('viewer', { name: 'not yours' });
    const res = await t.as('engineer', { method: 'DELETE', url: `${TOKENS}/${created.id}` });
    expect(res.statusCode, res.body).toBe(404);
    expect(errorOf(res).code).toBe('not_found');
    expect(await roleOf(created.token)).toBe('viewer');
    const list = await t.as('engineer', { url: TOKENS });
    expect(list.json<{ items: { id: string }[] }>().items.map((i) => i.id)).not.toContain(created.id);
  });

  it("lets an admin revoke another user's token", async () => {
    const created = await createToken('viewer', { name: 'leaked' });
    expect((await t.as('admin', { method: 'DELETE', url: `${TOKENS}/${created.id}` })).statusCode).toBe(204);
    expect((await withToken(created.token, 'GET', ME)).statusCode).toBe(401);
  });

  it('stops working once it has expired', async () => {
    const expiresAt = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const created = await createToken('engineer', { name: 'one hour', expiresAt });
    expect(created.expiresAt).toBe(expiresAt);
    expect(await roleOf(created.token)).toBe('engineer');
    offsetMs = 2 * 3_600_000;
    try {
      const res = await withToken(created.token, 'GET', ME);
      expect(res.statusCode, res.body).toBe(401);
      expect(errorOf(res).message).toMatch(/expired/);
    } finally {
      offsetMs = 0;
    }
  });

  it('refuses an expiry in the past', async () => {
    const res = await t.as('engineer', {
      method: 'POST',
      url: TOKENS,
      payload: { name: 'stale', expiresAt: new Date(Date.now() - 1000).toISOString() },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(errorOf(res).details.map((d) => d.field)).toContain('body.expiresAt');
  });

  it('audits creation and revocation', async () => {
    const created = await createToken('engineer', { name: 'audited' });
    expect((await t.as('engineer', { method: 'DELETE', url: `${TOKENS}/${created.id}` })).statusCode).toBe(
      204,
    );
    const rows = await t.db.auditEvent.findMany({
      where: { targetType: 'token', targetId: created.id },
      orderBy: { seq: 'asc' },
    });
    expect(rows.map((r) => r.action)).toEqual(['token.created', 'token.revoked']);
    expect(rows.every((r) => r.actor === t.users.engineer.email)).toBe(true);
  });
});

describe('scoped tokens (flows.ingest)', () => {
  const FLOWS = '/api/v1/flows';
  const flow = () => ({
    format: 'generic',
    records: [
      {
        time: new Date().toISOString(),
        sourceNamespace: 'payments',
        sourcePod: 'job-1',
        destIP: '198.51.100.9',
        destPort: 443,
        protocol: 'TCP',
      },
    ],
  });

  it('lets an admin mint one: it holds the scope, shown in lists, with the least role stored', async () => {
    const created = await createToken('admin', { name: 'calico collector', scopes: ['flows.ingest'] });
    expect(created).toMatchObject({ name: 'calico collector', role: 'viewer', scopes: ['flows.ingest'] });
    const list = await t.as('admin', { url: TOKENS });
    expect(
      list.json<{ items: { id: string; scopes: string[] }[] }>().items.find((i) => i.id === created.id)
        ?.scopes,
    ).toEqual(['flows.ingest']);
    const ingest = await withToken(created.token, 'POST', FLOWS, flow());
    expect(ingest.statusCode, ingest.body).toBe(200);
    const audit = await t.db.auditEvent.findMany({
      where: { action: 'token.created', targetId: created.id },
    });
    expect(audit[0]?.after).toMatchObject({ scopes: ['flows.ingest'] });
  });

  it('can do nothing else, not even read who it belongs to', async () => {
    const { token } = await createToken('admin', { name: 'collector only', scopes: ['flows.ingest'] });
    for (const [method, url] of [
      ['GET', ME],
      ['GET', SERVICES],
      ['GET', TOKENS],
      ['POST', TOKENS],
    ] as const) {
      const res = await withToken(token, method, url, method === 'POST' ? { name: 'escalate' } : undefined);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(403);
      expect(errorOf(res).message).toBe('this API token is limited to flows.ingest and cannot be used here');
    }
  });

  it("is not held by any role's own token or session, however high", async () => {
    const res = await t.as('admin', { method: 'POST', url: FLOWS, payload: flow() });
    expect(res.statusCode, res.body).toBe(403);
    expect(errorOf(res).message).toMatch(/needs an API token created with the flows\.ingest scope/);
  });

  it.each(['engineer', 'approver'] as const)(
    'refuses %s a scoped token (it needs admin), creating nothing',
    async (role) => {
      const before = await t.db.apiToken.count();
      const res = await t.as(role, {
        method: 'POST',
        url: TOKENS,
        payload: { name: 'sneaky', scopes: ['flows.ingest'] },
      });
      expect(res.statusCode, res.body).toBe(403);
      expect(errorOf(res).message).toMatch(/needs the admin role/);
      expect(await t.db.apiToken.count()).toBe(before);
    },
  );

  it.each([
    [{ scopes: ['flows.ingest'], role: 'admin' }, 'body.role'],
    [{ scopes: ['grants.approve'] }, 'body.scopes[0]'],
    [{ scopes: [] }, 'body.scopes'],
    [{ scopes: ['flows.ingest', 'flows.ingest'] }, 'body.scopes'],
  ])('refuses %j naming the field', async (body, field) => {
    const res = await t.as('admin', {
      method: 'POST',
      url: TOKENS,
      payload: { name: 'bad scopes', ...body },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(errorOf(res).details.map((d) => d.field)).toEqual([field]);
  });

  it('stops working while its owner no longer holds admin, and works again once they do', async () => {
    const owner = await t.addUser('admin', 'collector-owner');
    const created = await createToken(owner, { name: 'owned', scopes: ['flows.ingest'] });
    expect((await withToken(created.token, 'POST', FLOWS, flow())).statusCode).toBe(200);
    const patch = (role: Role) =>
      t.as('admin', { method: 'PATCH', url: `${USERS}/${owner.id}`, payload: { role, reason: 'rotation' } });
    expect((await patch('approver')).statusCode).toBe(200);
    const refused = await withToken(created.token, 'POST', FLOWS, flow());
    expect(refused.statusCode, refused.body).toBe(401);
    expect(errorOf(refused).message).toMatch(/no longer holds the admin role its flows\.ingest scope needs/);
    expect((await patch('admin')).statusCode).toBe(200);
    expect((await withToken(created.token, 'POST', FLOWS, flow())).statusCode).toBe(200);
    // Leave one enabled admin, as the users tests below expect.
    expect((await patch('viewer')).statusCode).toBe(200);
  });
});

describe('users', () => {
  const body = (email: string, password = 'twelve chars ok') => ({
    email,
    name: 'New Person',
    role: 'engineer',
    password,
  });

  it('lets an admin create a user who can then sign in', async () => {
    const res = await t.as('admin', { method: 'POST', url: USERS, payload: body('New.Person@Example.com') });
    expect(res.statusCode, res.body).toBe(201);
    const user = res.json<{ id: string; createdAt: string }>();
    expect(Object.keys(user).sort()).toEqual(['createdAt', 'disabled', 'email', 'id', 'name', 'role']);
    expect(user).toMatchObject({
      email: 'new.person@example.com',
      name: 'New Person',
      role: 'engineer',
      disabled: false,
    });
    expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'new.person@example.com', password: 'twelve chars ok' },
    });
    expect(login.statusCode, login.body).toBe(200);
    const audit = await t.db.auditEvent.findMany({ where: { action: 'user.created', targetId: user.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: t.users.admin.email, targetType: 'user' });
  });

  it('refuses a password under 12 characters, naming body.password', async () => {
    const res = await t.as('admin', {
      method: 'POST',
      url: USERS,
      payload: body('short@example.com', 'eleven char'),
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(errorOf(res).code).toBe('validation_failed');
    expect(errorOf(res).details.map((d) => d.field)).toEqual(['body.password']);
    expect(await t.db.user.count({ where: { email: 'short@example.com' } })).toBe(0);
  });

  it('refuses a duplicate email, whatever its case, with 409', async () => {
    expect(
      (await t.as('admin', { method: 'POST', url: USERS, payload: body('twice@example.com') })).statusCode,
    ).toBe(201);
    const again = await t.as('admin', { method: 'POST', url: USERS, payload: body('Twice@Example.com') });
    expect(again.statusCode, again.body).toBe(409);
    expect(await t.db.user.count({ where: { email: 'twice@example.com' } })).toBe(1);
  });

  it.each(['viewer', 'engineer', 'approver'] as const)('refuses user creation to %s', async (role) => {
    const res = await t.as(role, { method: 'POST', url: USERS, payload: body(`by-${role}@example.com`) });
    expect(res.statusCode, res.body).toBe(403);
    expect(await t.db.user.count({ where: { email: `by-${role}@example.com` } })).toBe(0);
  });

  it('never demotes or disables the last enabled admin', async () => {
    const admin = t.users.admin;
    expect(await t.db.user.count({ where: { role: 'admin', disabledAt: null } })).toBe(1);
    for (const change of [{ role: 'approver', reason: 'stepping down' }, { disabled: true }]) {
      const res = await t.as('admin', { method: 'PATCH', url: `${USERS}/${admin.id}`, payload: change });
      expect(res.statusCode, res.body).toBe(409);
      expect(errorOf(res).code).toBe('conflict');
    }
    expect(await roleOf(admin.token)).toBe('admin');

    // With a second admin, either may be demoted: the rule is about the last one, not about oneself.
    const second = await t.as('admin', {
      method: 'POST',
      url: USERS,
      payload: { ...body('second-admin@example.com'), role: 'admin' },
    });
    expect(second.statusCode, second.body).toBe(201);
    const demote = await t.as('admin', {
      method: 'PATCH',
      url: `${USERS}/${second.json<{ id: string }>().id}`,
      payload: { role: 'viewer', reason: 'admin only for the migration' },
    });
    expect(demote.statusCode, demote.body).toBe(200);
    expect(demote.json()).toMatchObject({ role: 'viewer' });
  });

  it('a role change needs a reason: 400 naming reason and nothing changed without one; the reason is in the audit log', async () => {
    const user = await t.addUser('engineer', 'role-reason');
    const bare = await t.as('admin', {
      method: 'PATCH',
      url: `${USERS}/${user.id}`,
      payload: { role: 'approver' },
    });
    expect(bare.statusCode, bare.body).toBe(400);
    expect(errorOf(bare).details.map((d) => d.field)).toEqual(['body.reason']);
    expect(await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ role: 'engineer' });
    expect(await t.db.auditEvent.count({ where: { action: 'user.updated', targetId: user.id } })).toBe(0);

    const blank = await t.as('admin', {
      method: 'PATCH',
      url: `${USERS}/${user.id}`,
      payload: { role: 'approver', reason: '   ' },
    });
    expect(blank.statusCode, blank.body).toBe(400);
    expect(errorOf(blank).details.map((d) => d.field)).toEqual(['body.reason']);

    const ok = await t.as('admin', {
      method: 'PATCH',
      url: `${USERS}/${user.id}`,
      payload: { role: 'approver', reason: 'on call for the payments team from Monday' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ role: 'approver' });
    const row = await t.db.auditEvent.findFirstOrThrow({
      where: { action: 'user.updated', targetId: user.id },
    });
    expect(row.before).toMatchObject({ role: 'engineer' });
    expect(row.after).toMatchObject({
      role: 'approver',
      reason: 'on call for the payments team from Monday',
    });

    // Other changes (a name) need no reason.
    const rename = await t.as('admin', {
      method: 'PATCH',
      url: `${USERS}/${user.id}`,
      payload: { name: 'Renamed' },
    });
    expect(rename.statusCode, rename.body).toBe(200);
  });
});
