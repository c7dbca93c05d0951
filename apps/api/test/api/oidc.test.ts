// OIDC sign-in end to end: the API listens on a real port, a real OpenID provider (oidc-provider) runs
// beside it, and a fetch-based browser with a cookie jar walks API -> provider login/consent -> callback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  authorizeAtProvider,
  Browser,
  freePort,
  locationOf,
  startOidcProvider,
  type TestAccount,
  type TestProvider,
} from '../helpers/oidc.ts';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.ts';

const LOGIN = '/api/v1/auth/oidc/login';
const CALLBACK = '/api/v1/auth/oidc/callback';
const ROLE_MAP = 'egress-admins=admin,security=approver,developers=engineer,staff=viewer';

interface AuditRow {
  action: string;
  actorType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
}

function oidcEnv(provider: TestProvider, base: string): Record<string, string> {
  return {
    EGRESS_PUBLIC_URL: base,
    EGRESS_OIDC_ISSUER: provider.issuer,
    EGRESS_OIDC_CLIENT_ID: provider.clientId,
    EGRESS_OIDC_CLIENT_SECRET: provider.clientSecret,
    EGRESS_OIDC_SCOPES: 'openid email profile groups',
    EGRESS_OIDC_ROLE_MAP: ROLE_MAP,
    EGRESS_OIDC_LABEL: 'Sign in with Acme SSO',
    EGRESS_OIDC_ALLOW_HTTP: 'true',
    EGRESS_LOGIN_RATE_LIMIT: '1000',
  };
}

let provider: TestProvider;
let t: TestApp;
let base: string;
let counter = 0;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({ redirectUri: `${base}${CALLBACK}` });
  t = await createTestApp({ env: oidcEnv(provider, base) });
  await t.app.listen({ port, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
  await provider.close();
});

/** A new person at the provider; returns the login name (the subject). */
function person(name: string, account: TestAccount): string {
  const login = `${name.toLowerCase()}-${++counter}`;
  provider.accounts.set(login, { email: `${login}@corp.example`, email_verified: true, name, ...account });
  return login;
}

/** GET /oidc/login in `browser`; returns the provider URL it redirects to. */
async function start(browser: Browser, returnTo = '/grants?state=pending'): Promise<string> {
  const res = await browser.request(`${base}${LOGIN}?returnTo=${encodeURIComponent(returnTo)}`);
  return locationOf(res, base);
}

/** Up to (not including) the callback: the URL the provider sends the browser back to. */
async function toCallback(browser: Browser, login: string, returnTo?: string): Promise<string> {
  return authorizeAtProvider(browser, await start(browser, returnTo), `${base}${CALLBACK}`, login);
}

/** The callback's redirect as a path ("/grants?..." or "/sign-in?error=..."). */
async function callback(browser: Browser, url: string): Promise<string> {
  const target = new URL(locationOf(await browser.request(url), url));
  expect(target.origin).toBe(base);
  return `${target.pathname}${target.search}`;
}

async function signIn(login: string, returnTo?: string): Promise<{ browser: Browser; landed: string }> {
  const browser = new Browser();
  const landed = await callback(browser, await toCallback(browser, login, returnTo));
  return { browser, landed };
}

async function me(
  browser: Browser,
): Promise<{ status: number; body: { id?: string; email?: string; role?: string } }> {
  const res = await browser.request(`${base}/api/v1/auth/me`);
  return { status: res.status, body: (await res.json()) as { id?: string; email?: string; role?: string } };
}

async function auditFor(filter: (row: AuditRow) => boolean): Promise<AuditRow[]> {
  const rows = await t.db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
  return (rows as AuditRow[]).filter(filter);
}

const subjectOf = (row: AuditRow) => (row.after as { subject?: string } | null)?.subject;

describe('GET /api/v1/auth/providers', () => {
  it('lists password sign-in and the configured SSO button', async () => {
    const res = await fetch(`${base}/api/v1/auth/providers`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      password: true,
      oidc: { enabled: true, label: 'Sign in with Acme SSO', loginUrl: LOGIN },
    });
  });
});

describe('starting sign-in', () => {
  it('redirects to the provider with PKCE S256, state and nonce, and binds the flow to the browser', async () => {
    const browser = new Browser();
    const res = await browser.request(`${base}${LOGIN}?returnTo=/services`);
    const url = new URL(locationOf(res, base));
    expect(url.origin).toBe(provider.issuer);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(provider.clientId);
    expect(q.get('redirect_uri')).toBe(`${base}${CALLBACK}`);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const binding = res.headers.getSetCookie().find((c) => c.startsWith('egress_oidc='));
    expect(binding).toMatch(/HttpOnly/i);
    expect(binding).toMatch(/SameSite=Lax/i);
    expect(binding).toMatch(/Path=\/api\/v1\/auth\/oidc/);
  });
});

describe('a mapped user', () => {
  it('is provisioned with the mapped role, lands on the page they asked for, and can make changes', async () => {
    const login = person('Alice', { groups: ['developers', 'unrelated'] });
    const { browser, landed } = await signIn(login, '/grants?state=pending');
    expect(landed).toBe('/grants?state=pending');
    const who = await me(browser);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ email: `${login}@corp.example`, name: 'Alice', role: 'engineer' });
    // The console picks the CSRF token up from the short-lived readable cookie and sends it on changes.
    const csrf = browser.cookie('egress_csrf', `${base}/`);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const created = await browser.request(`${base}/api/v1/services`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrf ?? '' },
      body: { name: `svc-${login}`, namespace: 'payments', selector: { matchLabels: { app: login } } },
    });
    expect(created.status, await created.text()).toBe(201);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: `${login}@corp.example` } });
    expect(user).toMatchObject({
      oidcIssuer: provider.issuer,
      oidcSubject: login,
      passwordHash: null,
      role: 'engineer',
    });
    const events = await auditFor((r) => r.targetId === user.id);
    expect(events.map((e) => e.action)).toEqual(['user.provisioned']);
    const logins = await t.db.auditEvent.findMany({ where: { action: 'auth.login', actorId: user.id } });
    expect(logins).toHaveLength(1);
    expect(logins[0]?.after).toMatchObject({ method: 'oidc' });
  });

  it('gets the highest role of all its mapped groups', async () => {
    const { browser } = await signIn(person('Boss', { groups: ['staff', 'egress-admins', 'developers'] }));
    expect((await me(browser)).body.role).toBe('admin');
  });

  it('is mapped from userinfo when the ID token carries no groups', async () => {
    const { browser } = await signIn(person('Uma', { groups: ['security'], groupsOnlyInUserinfo: true }));
    expect((await me(browser)).body.role).toBe('approver');
  });

  it('gets a new role when its groups change at the provider, audited as user.updated', async () => {
    const login = person('Carol', { groups: ['staff'] });
    const first = await signIn(login);
    expect((await me(first.browser)).body.role).toBe('viewer');
    provider.accounts.set(login, { ...provider.accounts.get(login), groups: ['security'] });
    const second = await signIn(login);
    const again = await me(second.browser);
    expect(again.body).toMatchObject({ id: (await me(first.browser)).body.id, role: 'approver' });
    const updates = await auditFor((r) => r.action === 'user.updated' && r.targetId === again.body.id);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      actorType: 'system',
      before: { role: 'viewer' },
      after: { role: 'approver' },
    });
    expect(await t.db.user.count({ where: { oidcSubject: login } })).toBe(1);
  });
});

describe('refusals', () => {
  it('refuses a user in no mapped group: no session, no account, audited with the groups seen', async () => {
    const login = person('Mallory', { groups: ['marketing'] });
    const { browser, landed } = await signIn(login);
    expect(landed).toBe('/sign-in?error=sso_no_role');
    expect(browser.cookie('egress_session', `${base}/`)).toBeUndefined();
    expect((await me(browser)).status).toBe(401);
    expect(await t.db.user.count({ where: { email: `${login}@corp.example` } })).toBe(0);
    const failed = await auditFor((r) => r.action === 'auth.login_failed' && subjectOf(r) === login);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.after).toMatchObject({
      method: 'oidc',
      reason: 'no_mapped_group',
      groups: ['marketing'],
    });
  });

  it('refuses a disabled user', async () => {
    const login = person('Dora', { groups: ['developers'] });
    await signIn(login);
    const user = await t.db.user.findFirstOrThrow({ where: { oidcSubject: login } });
    const disabled = await t.as('admin', {
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      payload: { disabled: true },
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
    const { browser, landed } = await signIn(login);
    expect(landed).toBe('/sign-in?error=sso_disabled');
    expect((await me(browser)).status).toBe(401);
  });

  it('reports a cancel at the provider', async () => {
    const browser = new Browser();
    const url = await authorizeAtProvider(browser, await start(browser), `${base}${CALLBACK}`, 'nobody', {
      abort: true,
    });
    expect(new URL(url).searchParams.get('error')).toBe('access_denied');
    expect(await callback(browser, url)).toBe('/sign-in?error=sso_denied');
  });

  it('refuses a tampered state', async () => {
    const browser = new Browser();
    const url = new URL(await toCallback(browser, person('Tess', { groups: ['staff'] })));
    url.searchParams.set('state', 'x'.repeat(43));
    expect(await callback(browser, url.href)).toBe('/sign-in?error=sso_invalid_state');
    expect((await me(browser)).status).toBe(401);
  });

  it('refuses a callback in a browser that did not start the flow, and the right browser still completes it', async () => {
    const victimOrAttacker = new Browser();
    const login = person('Bob', { groups: ['staff'] });
    const url = await toCallback(victimOrAttacker, login);
    const other = new Browser();
    expect(await callback(other, url)).toBe('/sign-in?error=sso_invalid_state');
    expect((await me(other)).status).toBe(401);
    const failed = await auditFor(
      (r) =>
        r.action === 'auth.login_failed' && (r.after as { reason?: string }).reason === 'binding_mismatch',
    );
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(await callback(victimOrAttacker, url)).toBe('/grants?state=pending');
    expect((await me(victimOrAttacker)).body.role).toBe('viewer');
  });

  it('refuses a replayed callback', async () => {
    const browser = new Browser();
    const url = await toCallback(browser, person('Rita', { groups: ['staff'] }));
    expect(await callback(browser, url)).toBe('/grants?state=pending');
    const sessions = await t.db.session.count();
    expect(await callback(browser, url)).toBe('/sign-in?error=sso_invalid_state');
    expect(await t.db.session.count()).toBe(sessions);
  });

  it('returns only to same-origin console paths', async () => {
    for (const target of [
      'https://evil.example/phish',
      '//evil.example/x',
      '/\\evil.example',
      '/api/v1/tokens',
    ]) {
      const { landed } = await signIn(person('Otto', { groups: ['staff'] }), target);
      expect(landed, target).toBe('/');
    }
  });
});

describe('existing local accounts', () => {
  it('are not taken over by an SSO identity with the same email, and keep signing in with their password', async () => {
    const local = await t.addUser('viewer', 'local');
    const login = `conflict-${++counter}`;
    provider.accounts.set(login, { email: local.email, email_verified: true, groups: ['egress-admins'] });
    const { browser, landed } = await signIn(login);
    expect(landed).toBe('/sign-in?error=sso_account_conflict');
    expect((await me(browser)).status).toBe(401);
    expect(await t.db.user.findUniqueOrThrow({ where: { id: local.id } })).toMatchObject({
      role: 'viewer',
      oidcSubject: null,
    });
    const password = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: local.email, password: PASSWORD }),
    });
    expect(password.status).toBe(200);
  });

  it('link a password-less account when the provider has verified the email', async () => {
    const email = `sso-only-${++counter}@corp.example`;
    const existing = await t.db.user.create({
      data: { email, name: 'Pat', role: 'viewer', passwordHash: null },
    });
    const unverified = `pat-unverified-${counter}`;
    provider.accounts.set(unverified, { email, email_verified: false, groups: ['developers'] });
    expect((await signIn(unverified)).landed).toBe('/sign-in?error=sso_account_conflict');
    const verified = `pat-${counter}`;
    provider.accounts.set(verified, { email, email_verified: true, groups: ['developers'] });
    const { browser } = await signIn(verified);
    expect((await me(browser)).body).toMatchObject({ id: existing.id, role: 'engineer' });
    expect(await t.db.user.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({
      oidcIssuer: provider.issuer,
      oidcSubject: verified,
    });
  });

  it('password sign-in still works with OIDC configured', async () => {
    const user = await t.addUser('approver', 'pw');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('when the provider is down at start', () => {
  let late: TestApp;
  let lateProvider: TestProvider | undefined;
  let lateBase: string;
  let issuerPort: number;
  beforeAll(async () => {
    issuerPort = await freePort();
    const appPort = await freePort();
    lateBase = `http://127.0.0.1:${appPort}`;
    const env = oidcEnv(
      {
        issuer: `http://127.0.0.1:${issuerPort}`,
        clientId: 'egress-control',
        clientSecret: 'unused',
        accounts: new Map(),
        close: async () => undefined,
      },
      lateBase,
    );
    late = await createTestApp({ env });
    await late.app.listen({ port: appPort, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await late.close();
    await lateProvider?.close();
  });

  it('starts, lists SSO, explains the failure, and signs in once the provider is back', async () => {
    const providers = await late.app.inject({ url: '/api/v1/auth/providers' });
    expect(providers.json()).toMatchObject({ oidc: { enabled: true } });
    const browser = new Browser();
    const down = await browser.request(`${lateBase}${LOGIN}`);
    expect(locationOf(down, lateBase)).toBe(`${lateBase}/sign-in?error=sso_unavailable`);
    lateProvider = await startOidcProvider({ redirectUri: `${lateBase}${CALLBACK}`, port: issuerPort });
    const up = await browser.request(`${lateBase}${LOGIN}`);
    expect(locationOf(up, lateBase).startsWith(`http://127.0.0.1:${issuerPort}/`)).toBe(true);
  });
});

describe('without OIDC configured', () => {
  let plain: TestApp;
  beforeAll(async () => {
    plain = await createTestApp();
  });
  afterAll(async () => plain.close());

  it('offers password sign-in only and sends SSO attempts back to sign-in', async () => {
    expect((await plain.app.inject({ url: '/api/v1/auth/providers' })).json()).toEqual({
      password: true,
      oidc: null,
    });
    const res = await plain.app.inject({ url: LOGIN });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/sign-in?error=sso_not_configured');
  });
});
