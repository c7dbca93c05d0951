// Sign-in, sessions, CSRF, login throttling, disabled accounts, secret storage and the error envelope.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, PASSWORD, type TestApp, type TestUser } from '../helpers/test-app.ts';

interface ErrorBody {
  error: { code: string; message: string; details: { field: string; message: string }[]; requestId: string };
}

interface Session {
  cookie: string;
  csrfToken: string;
}

const COOKIE = 'egress_session';
const LOGIN = '/api/v1/auth/login';
const ME = '/api/v1/auth/me';
const SERVICES = '/api/v1/services';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

function login(
  email: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
  app = t.app,
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: LOGIN, payload: { email, password }, headers });
}

function sessionCookie(res: LightMyRequestResponse) {
  const cookie = res.cookies.find((c) => c.name === COOKIE);
  if (!cookie) throw new Error(`no ${COOKIE} cookie in ${JSON.stringify(res.headers['set-cookie'])}`);
  return cookie;
}

async function signIn(user: TestUser): Promise<Session> {
  const res = await login(user.email);
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: sessionCookie(res).value, csrfToken: res.json<{ csrfToken: string }>().csrfToken };
}

function withSession(
  session: Session,
  options: InjectOptions,
  csrf?: string,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { cookie: `${COOKIE}=${session.cookie}` };
  if (csrf !== undefined) headers['x-csrf-token'] = csrf;
  return t.app.inject({ ...options, headers: { ...headers, ...options.headers } });
}

const errorOf = (res: LightMyRequestResponse) => res.json<ErrorBody>().error;
const newService = (name: string) => ({
  name,
  namespace: 'payments',
  selector: { matchLabels: { app: name.replace(/\./g, '-') } },
});

describe('login', () => {
  it('returns the user and a CSRF token and sets an httpOnly, SameSite=Strict session cookie', async () => {
    const user = t.users.approver;
    const res = await login(user.email);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ user: unknown; csrfToken: string }>();
    expect(Object.keys(body).sort()).toEqual(['csrfToken', 'user']);
    expect(body.user).toEqual({ id: user.id, email: user.email, name: 'approver', role: 'approver' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const cookie = sessionCookie(res);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.value.length).toBeGreaterThanOrEqual(32);
    // Plain HTTP (the quick start) must not get a Secure cookie, or the browser would drop it.
    expect(cookie.secure).toBeFalsy();
  });

  it('ignores x-forwarded-proto when the proxy is not trusted', async () => {
    const res = await login(t.users.viewer.email, PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(res.statusCode).toBe(200);
    expect(sessionCookie(res).secure).toBeFalsy();
  });

  it('rejects a wrong password and an unknown email alike', async () => {
    const wrong = await login(t.users.engineer.email, 'not the password at all');
    const unknown = await login('nobody-here@example.com', PASSWORD);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(errorOf(wrong).code).toBe('unauthenticated');
    expect(errorOf(wrong).message).toBe(errorOf(unknown).message);
    expect(wrong.cookies.find((c) => c.name === COOKIE)).toBeUndefined();
  });

  it('audits successful and failed sign-ins', async () => {
    const user = await t.addUser('viewer', 'audited');
    await signIn(user);
    expect((await login(user.email, 'wrong password 123')).statusCode).toBe(401);
    const ok = await t.db.auditEvent.findMany({ where: { action: 'auth.login', actorId: user.id } });
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ actorType: 'user', actor: user.email, targetType: 'session' });
    const failed = await t.db.auditEvent.findMany({
      where: { action: 'auth.login_failed', actor: user.email },
    });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      actorType: 'anonymous',
      targetId: user.id,
      after: { email: user.email },
    });
  });
});

describe('login behind a trusted TLS proxy', () => {
  let tls: TestApp;
  beforeAll(async () => {
    tls = await createTestApp({ env: { EGRESS_TRUST_PROXY: 'true' } });
  });
  afterAll(async () => tls.close());

  it('marks the session cookie Secure when the request arrived over HTTPS', async () => {
    const res = await login(tls.users.viewer.email, PASSWORD, { 'x-forwarded-proto': 'https' }, tls.app);
    expect(res.statusCode, res.body).toBe(200);
    expect(sessionCookie(res)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
  });
});

describe('session cookie', () => {
  let engineer: TestUser;
  let session: Session;
  beforeAll(async () => {
    engineer = await t.addUser('engineer', 'cookie');
    session = await signIn(engineer);
  });

  it('authenticates GET /auth/me without a CSRF header', async () => {
    const res = await withSession(session, { url: ME });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id: engineer.id, email: engineer.email, name: 'cookie', role: 'engineer' });
  });

  it('refuses a change without the CSRF header and writes nothing', async () => {
    const before = await t.db.service.count();
    const res = await withSession(session, {
      method: 'POST',
      url: SERVICES,
      payload: newService('csrf.missing'),
    });
    expect(res.statusCode, res.body).toBe(403);
    expect(errorOf(res).code).toBe('csrf_failed');
    expect(await t.db.service.count()).toBe(before);
  });

  it("refuses a change carrying another session's CSRF token", async () => {
    const other = await signIn(await t.addUser('engineer', 'other'));
    const before = await t.db.service.count();
    const res = await withSession(
      session,
      { method: 'POST', url: SERVICES, payload: newService('csrf.wrong') },
      other.csrfToken,
    );
    expect(res.statusCode, res.body).toBe(403);
    expect(errorOf(res).code).toBe('csrf_failed');
    expect(await t.db.service.count()).toBe(before);
  });

  it('accepts a change carrying its own CSRF token', async () => {
    const res = await withSession(
      session,
      { method: 'POST', url: SERVICES, payload: newService('csrf.right') },
      session.csrfToken,
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(await t.db.service.count({ where: { name: 'csrf.right' } })).toBe(1);
  });

  it('is not needed for bearer-token changes', async () => {
    const res = await t.as('engineer', { method: 'POST', url: SERVICES, payload: newService('csrf.bearer') });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('is stored only as a hash', async () => {
    const rows = await t.db.$queryRaw<{ row: string; token_hash: string }[]>`
      SELECT row_to_json(s)::text AS row, s.token_hash FROM sessions s WHERE s.user_id = ${engineer.id}::uuid`;
    expect(rows).toHaveLength(1);
    const [only] = rows;
    expect(only!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(only!.token_hash).not.toBe(session.cookie);
    expect(only!.row).not.toContain(session.cookie);
    expect(only!.row).not.toContain(session.csrfToken);
  });

  it('logs out (with the CSRF token), after which the cookie no longer works', async () => {
    const own = await signIn(engineer);
    expect((await withSession(own, { method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(403);
    const out = await withSession(own, { method: 'POST', url: '/api/v1/auth/logout' }, own.csrfToken);
    expect(out.statusCode, out.body).toBe(204);
    const after = await withSession(own, { url: ME });
    expect(after.statusCode).toBe(401);
    expect(errorOf(after).code).toBe('unauthenticated');
    // The other session of the same user is untouched.
    expect((await withSession(session, { url: ME })).statusCode).toBe(200);
  });
});

describe('login rate limit', () => {
  it('answers 429 to the 11th attempt for the same email and address within a minute', async () => {
    const user = await t.addUser('viewer', 'throttled');
    for (let i = 1; i <= 10; i++) {
      const res = await login(user.email, `wrong password ${i}`);
      expect(res.statusCode, `attempt ${i}: ${res.body}`).toBe(401);
    }
    // Even the right password is refused now: the guesser cannot tell it found it.
    const eleventh = await login(user.email);
    expect(eleventh.statusCode, eleventh.body).toBe(429);
    expect(errorOf(eleventh).code).toBe('rate_limited');
    expect(eleventh.cookies.find((c) => c.name === COOKIE)).toBeUndefined();
    const otherAccount = await login(t.users.engineer.email, 'wrong password 11');
    expect(otherAccount.statusCode, otherAccount.body).toBe(401);
  });
});

describe('disabled user', () => {
  it('can no longer sign in, and their session and token stop working', async () => {
    const user = await t.addUser('engineer', 'leaver');
    const session = await signIn(user);
    expect((await t.as(user, { url: ME })).statusCode).toBe(200);
    const disabled = await t.as('admin', {
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      payload: { disabled: true },
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json()).toMatchObject({ id: user.id, disabled: true });

    const relogin = await login(user.email);
    expect(relogin.statusCode).toBe(401);
    expect(errorOf(relogin).message).toBe(errorOf(await login('nobody-else@example.com')).message);
    expect((await withSession(session, { url: ME })).statusCode).toBe(401);
    expect((await t.as(user, { url: ME })).statusCode).toBe(401);
  });
});

describe('password storage', () => {
  it('stores an argon2id hash, never the password', async () => {
    const password = 'a password of good length';
    const res = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'hashed@example.com', name: 'Hashed', role: 'viewer', password },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<{ id: string }>().id;
    const [row] = await t.db.$queryRaw<{ row: string; password_hash: string }[]>`
      SELECT row_to_json(u)::text AS row, u.password_hash FROM users u WHERE u.id = ${id}::uuid`;
    expect(row!.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(row!.row).not.toContain(password);
    expect((await login('hashed@example.com', password)).statusCode).toBe(200);
  });
});

describe('security headers', () => {
  it.each([
    { name: 'a JSON response', req: () => t.app.inject({ url: '/healthz' }) },
    { name: 'a 401 response', req: () => t.app.inject({ url: ME }) },
    {
      name: 'a 403 response',
      req: () => t.as('viewer', { method: 'POST', url: SERVICES, payload: newService('headers.forbidden') }),
    },
    { name: 'a 404 response', req: () => t.app.inject({ url: '/api/v1/no-such-thing' }) },
  ])('are set on $name', async ({ req }) => {
    const res = await req();
    expect(res.headers['content-security-policy']).toEqual(expect.stringContaining("default-src 'self'"));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const framing = `${res.headers['x-frame-options'] ?? ''} ${res.headers['content-security-policy'] ?? ''}`;
    expect(framing).toMatch(/DENY|SAMEORIGIN|frame-ancestors 'none'/);
    expect(res.headers['referrer-policy']).toEqual(expect.any(String));
  });
});

describe('error envelope', () => {
  const cases: {
    name: string;
    status: number;
    code: string;
    field?: string;
    req: () => Promise<LightMyRequestResponse>;
  }[] = [
    { name: 'no credentials', status: 401, code: 'unauthenticated', req: () => t.app.inject({ url: ME }) },
    {
      name: 'a malformed Authorization header',
      status: 401,
      code: 'unauthenticated',
      req: () => t.app.inject({ url: ME, headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
    },
    {
      name: 'an unknown API token',
      status: 401,
      code: 'unauthenticated',
      req: () => t.app.inject({ url: ME, headers: { authorization: 'Bearer egc_not-a-real-token' } }),
    },
    {
      name: 'a role too low',
      status: 403,
      code: 'forbidden',
      req: () => t.as('viewer', { method: 'POST', url: SERVICES, payload: newService('envelope.forbidden') }),
    },
    {
      name: 'an unknown /api route',
      status: 404,
      code: 'not_found',
      req: () => t.as('viewer', { url: '/api/v1/no-such-thing' }),
    },
    {
      name: 'an unknown /api route, anonymous',
      status: 404,
      code: 'not_found',
      req: () => t.app.inject({ method: 'POST', url: '/api/v2/anything' }),
    },
    {
      name: 'a missing resource',
      status: 404,
      code: 'not_found',
      req: () => t.as('viewer', { url: `${SERVICES}/00000000-0000-4000-8000-000000000000` }),
    },
    {
      name: 'invalid JSON',
      status: 400,
      code: 'invalid_json',
      req: () =>
        t.as('engineer', {
          method: 'POST',
          url: SERVICES,
          headers: { 'content-type': 'application/json' },
          payload: '{"name": "broken",',
        }),
    },
    {
      name: 'a number sent as a string',
      status: 400,
      code: 'validation_failed',
      field: 'body.ports[0].port',
      req: () =>
        t.as('approver', {
          method: 'POST',
          url: '/api/v1/destinations',
          payload: {
            host: 'example.org',
            ports: [{ port: '443', protocol: 'TCP' }],
            sensitivity: 'standard',
          },
        }),
    },
  ];

  it.each(cases)('$name → $status $code with the request id', async ({ status, code, field, req }) => {
    const res = await req();
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<ErrorBody>();
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message', 'requestId']);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/\S/);
    expect(Array.isArray(body.error.details)).toBe(true);
    expect(body.error.requestId).toMatch(/\S/);
    expect(res.headers['x-request-id']).toBe(body.error.requestId);
    if (field !== undefined) expect(body.error.details.map((d) => d.field)).toContain(field);
  });

  it('uses a well-formed client request id, so a report can quote it', async () => {
    const res = await t.app.inject({ url: ME, headers: { 'x-request-id': 'pipeline-run-42' } });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).requestId).toBe('pipeline-run-42');
    expect(res.headers['x-request-id']).toBe('pipeline-run-42');
  });

  it('writes nothing for invalid JSON', async () => {
    const before = await t.db.service.count();
    const res = await t.as('engineer', {
      method: 'POST',
      url: SERVICES,
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "half.written", "namespace": ',
    });
    expect(res.statusCode).toBe(400);
    expect(await t.db.service.count()).toBe(before);
  });
});
