// Talking to the API as a given user: sign in, keep the session cookie and CSRF token, and hand the
// shared factories (packages/shared/testing) a `send` so specs seed data the way the console would.
import type { LoginResponse } from '@egress/shared';
import { createFactories, type HttpMethod, type Send } from '@egress/shared/testing';
import { type APIRequestContext, type BrowserContext, type Page, request } from '@playwright/test';

import type { E2eUser } from './users.ts';

export interface ApiSession {
  context: APIRequestContext;
  csrfToken: string;
  send: Send;
  factories: ReturnType<typeof createFactories>;
  dispose: () => Promise<void>;
}

async function login(context: APIRequestContext, user: E2eUser): Promise<string> {
  const res = await context.post('/api/v1/auth/login', {
    data: { email: user.email, password: user.password },
  });
  if (res.status() !== 200)
    throw new Error(`sign-in of ${user.email} answered ${res.status()}: ${await res.text()}`);
  return ((await res.json()) as LoginResponse).csrfToken;
}

function sender(context: APIRequestContext, csrfToken: string): Send {
  return async (method: HttpMethod, url: string, body?: unknown) => {
    const res = await context.fetch(url, {
      method,
      headers: { 'x-csrf-token': csrfToken },
      ...(body === undefined ? {} : { data: body }),
    });
    const text = await res.text();
    return { status: res.status(), body: text ? (JSON.parse(text) as unknown) : null };
  };
}

export async function apiSession(baseURL: string, user: E2eUser): Promise<ApiSession> {
  const context = await request.newContext({ baseURL });
  const csrfToken = await login(context, user);
  const send = sender(context, csrfToken);
  return { context, csrfToken, send, factories: createFactories(send), dispose: () => context.dispose() };
}

/**
 * Signs the page's browser context in through the API (same cookie jar) and hands the CSRF token to
 * the console the way its own sign-in form does (sessionStorage), so specs skip the form.
 */
export async function signIn(page: Page, user: E2eUser): Promise<void> {
  const csrfToken = await login(page.request, user);
  await page.addInitScript((token) => window.sessionStorage.setItem('egress.csrf', token), csrfToken);
}

/** Sessions signed in by signInOnce, per user, for this worker's lifetime. */
type Cookies = Awaited<ReturnType<BrowserContext['cookies']>>;
const kept = new Map<string, { cookies: Cookies; csrfToken: string }>();

/**
 * signIn, but one sign-in per user and worker: later pages of the same user get that session's cookie
 * and CSRF token. Only for specs that never sign out, change a role or disable a user (the
 * accessibility spec): those end the kept session for every later test.
 */
export async function signInOnce(page: Page, user: E2eUser): Promise<void> {
  let session = kept.get(user.email);
  if (session) await page.context().addCookies(session.cookies);
  else {
    const csrfToken = await login(page.request, user);
    session = { cookies: await page.context().cookies(), csrfToken };
    kept.set(user.email, session);
  }
  await page.addInitScript((token) => window.sessionStorage.setItem('egress.csrf', token), session.csrfToken);
}

export async function expectOk(res: { status: number; body: unknown }, status = 200): Promise<unknown> {
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return Promise.resolve(res.body);
}
