// A real OpenID provider (oidc-provider) on 127.0.0.1 for the OIDC sign-in tests, and a small browser
// (fetch + a cookie jar, redirects followed by hand) that walks its login and consent pages.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import Provider from 'oidc-provider';

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
  /** Groups only at the userinfo endpoint, not in the ID token (as many providers do). */
  groupsOnlyInUserinfo?: boolean;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by login name (the subject); tests change them between sign-ins. */
  accounts: Map<string, TestAccount>;
  close(): Promise<void>;
}

/** A free port on 127.0.0.1 (closed again, so the caller can listen on it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function claimsFor(sub: string, account: TestAccount, use: 'id_token' | 'userinfo') {
  const groups = account.groupsOnlyInUserinfo && use === 'id_token' ? undefined : account.groups;
  return { sub, email: account.email, email_verified: account.email_verified, name: account.name, groups };
}

/**
 * Starts the provider with one confidential client whose only redirect URI is `redirectUri`. PKCE is
 * required; ID tokens carry the scope's claims (conformIdTokenClaims off) except where an account says
 * otherwise. Login and consent are oidc-provider's own development pages (any login, any password).
 */
export async function startOidcProvider({
  redirectUri,
  port = 0,
  accountFor,
}: {
  redirectUri: string;
  port?: number;
  accountFor?: (login: string) => TestAccount | undefined;
}): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();
  const clientId = 'egress-control';
  const clientSecret = randomBytes(24).toString('base64url');
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    findAccount: async (_ctx, sub) => {
      // accountFor: logins that describe themselves (the e2e server's "name+group+group").
      const account = accounts.get(sub) ?? accountFor?.(sub);
      return account && { accountId: sub, claims: (use) => claimsFor(sub, account, use) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [{ ...signingKey, use: 'sig', kid: 'test' }] },
    ttl: {
      AuthorizationCode: 60,
      IdToken: 600,
      AccessToken: 600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface StoredCookie {
  value: string;
  path: string;
  expires: number;
}

function defaultPath(url: URL): string {
  const dir = url.pathname.slice(0, url.pathname.lastIndexOf('/'));
  return dir === '' ? '/' : dir;
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/**
 * What the tests need of a browser: one cookie jar for 127.0.0.1 (cookies do not separate ports),
 * Path and Max-Age/Expires honoured, redirects returned to the caller rather than followed.
 */
export class Browser {
  readonly cookies = new Map<string, StoredCookie & { name: string }>();

  private store(url: URL, header: string): void {
    const [pair = '', ...attributes] = header.split(';').map((p) => p.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const cookie = { name, value: pair.slice(eq + 1), path: defaultPath(url), expires: Infinity };
    for (const attribute of attributes) {
      const [key = '', value = ''] = attribute.split('=', 2);
      if (key.toLowerCase() === 'path') cookie.path = value;
      if (key.toLowerCase() === 'max-age') cookie.expires = Date.now() + Number(value) * 1000;
      if (key.toLowerCase() === 'expires' && cookie.expires === Infinity) cookie.expires = Date.parse(value);
    }
    const key = `${name};${cookie.path}`;
    if (cookie.expires <= Date.now()) this.cookies.delete(key);
    else this.cookies.set(key, cookie);
  }

  cookieHeader(url: URL): string {
    return [...this.cookies.values()]
      .filter((c) => c.expires > Date.now() && pathMatches(url.pathname, c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** The cookie's value as the browser would send it to `url`, if any. */
  cookie(name: string, url: string): string | undefined {
    const path = new URL(url).pathname;
    return [...this.cookies.values()].find(
      (c) => c.name === name && c.expires > Date.now() && pathMatches(path, c.path),
    )?.value;
  }

  async request(
    url: string,
    init: {
      method?: 'GET' | 'POST';
      form?: Record<string, string>;
      headers?: Record<string, string>;
      body?: unknown;
    } = {},
  ): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    const res = await fetch(target, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const header of res.headers.getSetCookie()) this.store(target, header);
    return res;
  }
}

/** The Location of a redirect, resolved against the request URL. */
export function locationOf(res: Response, from: string): string {
  const location = res.headers.get('location');
  if (res.status < 300 || res.status > 399 || !location)
    throw new Error(`expected a redirect from ${from}, got ${res.status}`);
  return new URL(location, from).href;
}

/**
 * Walks the provider's pages from its authorization URL until it redirects to `callbackPrefix`, signing
 * in as `login` and consenting; returns that callback URL without requesting it. `abort` cancels at the
 * login page instead (the provider then returns error=access_denied).
 */
export async function authorizeAtProvider(
  browser: Browser,
  authorizationUrl: string,
  callbackPrefix: string,
  login: string,
  { abort = false } = {},
): Promise<string> {
  let url = authorizationUrl;
  for (let step = 0; step < 10; step++) {
    if (url.startsWith(callbackPrefix)) return url;
    const res = await browser.request(url);
    if (res.status !== 200) {
      url = locationOf(res, url);
      continue;
    }
    const page = await res.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (!prompt || !action) throw new Error(`unexpected provider page at ${url}: ${page.slice(0, 300)}`);
    if (abort) {
      url = new URL(`${new URL(action, url).pathname}/abort`, url).href;
      continue;
    }
    const form: Record<string, string> =
      prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt };
    url = locationOf(await browser.request(new URL(action, url).href, { method: 'POST', form }), url);
  }
  throw new Error(`the provider did not return to ${callbackPrefix}`);
}
