// Input validation at the edge: every bad input is a 400 `validation_failed` whose details name the
// field, nothing is written, good input is normalised, bodies are strictly typed and queries coerced.
import type { Role } from '@egress/shared';
import type { Factories } from '@egress/shared/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let f: Factories;

beforeAll(async () => {
  t = await createTestApp();
  f = t.factories;
});
afterAll(async () => t.close());

type ErrorBody = {
  error: { code: string; message: string; details: { field: string; message: string }[]; requestId: string };
};

function expect400(res: LightMyRequestResponse, field?: string): void {
  expect(res.statusCode, res.body).toBe(400);
  const { error } = res.json<ErrorBody>();
  expect(error.code).toBe('validation_failed');
  expect(error.requestId).toBeTruthy();
  expect(error.details.length).toBeGreaterThan(0);
  for (const d of error.details) expect(typeof d.field).toBe('string');
  if (field !== undefined) expect(error.details.map((d) => d.field)).toContain(field);
}

/** JSON text sent as is, so values like 123 or "443" reach the server exactly as written. */
const post = (who: Role, url: string, payload: unknown) =>
  t.as(who, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
const get = (url: string) => t.as('viewer', { method: 'GET', url });
const written = async () => ({
  destinations: await t.db.destination.count(),
  services: await t.db.service.count(),
  grants: await t.db.grant.count(),
  audit: await t.db.auditEvent.count(),
});

const destination = (overrides: Record<string, unknown>) => ({
  host: 'valid.example.com',
  ports: [{ port: 443, protocol: 'TCP' }],
  sensitivity: 'standard',
  ...overrides,
});

describe('POST /destinations: host', () => {
  const label63 = 'a'.repeat(63);
  const BAD_HOSTS: [string, unknown][] = [
    ['a scheme', 'https://github.com'],
    ['a port', 'github.com:443'],
    ['a path', 'github.com/path'],
    ['an IPv4 literal', '1.2.3.4'],
    ['an IPv6 literal', '[::1]'],
    ['a wildcard', '*.github.com'],
    ['a space', 'git hub.com'],
    ['an empty label', 'github..com'],
    ['a leading dot', '.github.com'],
    ['a 64-character label', `${'a'.repeat(64)}.com`],
    ['a 254-character name', `${label63}.${label63}.${label63}.${'a'.repeat(58)}.com`],
    ['localhost', 'localhost'],
    ['a .local name', 'foo.local'],
    ['a .svc name', 'api.svc'],
    ['a cluster-internal name', 'kubernetes.default.svc.cluster.local'],
    ['a single label', 'github'],
    ['an empty string', ''],
    ['a number', 123],
    ['a Service by namespace', 'kubernetes.default'],
    ['a corporate zone', 'foo.corp'],
    ['an .internal name', 'db.internal'],
    ['a home network name', 'x.home.arpa'],
    ['the documentation TLD', 'api.example'],
  ];

  it('has a 254-character case that is exactly 254 characters', () => {
    expect(String(BAD_HOSTS[10]?.[1])).toHaveLength(254);
  });

  it.each(BAD_HOSTS)('refuses %s (%j) naming body.host and writes nothing', async (_why, host) => {
    const before = await written();
    expect400(await post('approver', '/api/v1/destinations', destination({ host })), 'body.host');
    expect(await written()).toEqual(before);
  });

  it.each([
    ['GitHub.COM.', 'github.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
  ])('normalises %s to %s', async (host, normalised) => {
    const res = await post('approver', '/api/v1/destinations', destination({ host }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ host: normalised });
    expect(await t.db.destination.count({ where: { host: normalised, deletedAt: null } })).toBe(1);
  });

  it.each([
    [
      'kubernetes.default',
      'must end in a public suffix (ICANN section of the Public Suffix List); "default" is not one',
    ],
    ['foo.corp', 'must end in a public suffix (ICANN section of the Public Suffix List); "corp" is not one'],
    ['x.home.arpa', 'must be a public name: ".arpa" names are cluster-internal or reserved'],
  ])('says why %s is no destination', async (host, message) => {
    const res = await post('approver', '/api/v1/destinations', destination({ host }));
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorBody>().error.details).toContainEqual({ field: 'body.host', message });
  });

  it('accepts a 253-character name', async () => {
    const host = `${label63}.${label63}.${label63}.${'a'.repeat(57)}.com`;
    expect(host).toHaveLength(253);
    expect((await post('approver', '/api/v1/destinations', destination({ host }))).statusCode).toBe(201);
  });
});

describe('POST /destinations: ports, sensitivity, extra fields', () => {
  const CASES: [string, Record<string, unknown>, string][] = [
    ['port 0', { ports: [{ port: 0, protocol: 'TCP' }] }, 'body.ports[0].port'],
    ['port 65536', { ports: [{ port: 65536, protocol: 'TCP' }] }, 'body.ports[0].port'],
    ['port 1.5', { ports: [{ port: 1.5, protocol: 'TCP' }] }, 'body.ports[0].port'],
    ['port "443" (a string)', { ports: [{ port: '443', protocol: 'TCP' }] }, 'body.ports[0].port'],
    [
      'a duplicate port',
      {
        ports: [
          { port: 443, protocol: 'TCP' },
          { port: 443, protocol: 'TCP' },
        ],
      },
      'body.ports[1].port',
    ],
    ['an empty port list', { ports: [] }, 'body.ports'],
    ['protocol ICMP', { ports: [{ port: 443, protocol: 'ICMP' }] }, 'body.ports[0].protocol'],
    ['sensitivity "high"', { sensitivity: 'high' }, 'body.sensitivity'],
    [
      'maxReplicas < minReplicas',
      { gateway: { minReplicas: 4, maxReplicas: 2 } },
      'body.gateway.maxReplicas',
    ],
  ];

  it.each(CASES)('refuses %s naming %s and writes nothing', async (_why, overrides, field) => {
    const before = await written();
    expect400(
      await post(
        'approver',
        '/api/v1/destinations',
        destination({ host: 'ports.example.com', ...overrides }),
      ),
      field,
    );
    expect(await written()).toEqual(before);
  });

  it('refuses an unknown extra field', async () => {
    const before = await written();
    expect400(
      await post(
        'approver',
        '/api/v1/destinations',
        destination({ host: 'extra.example.com', colour: 'blue' }),
      ),
    );
    expect(await written()).toEqual(before);
  });

  it('accepts the same port on TCP and UDP', async () => {
    const res = await post(
      'approver',
      '/api/v1/destinations',
      destination({
        host: 'dns.example.com',
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('POST /services', () => {
  const service = (overrides: Record<string, unknown>) => ({
    name: 'service.valid',
    namespace: 'apps',
    selector: { matchLabels: { app: 'x' } },
    ...overrides,
  });
  const CASES: [string, Record<string, unknown>, string][] = [
    ['namespace "Payments"', { namespace: 'Payments' }, 'body.namespace'],
    ['namespace "-abc"', { namespace: '-abc' }, 'body.namespace'],
    ['a 64-character namespace', { namespace: 'a'.repeat(64) }, 'body.namespace'],
    ['selector {}', { selector: {} }, 'body.selector.matchLabels'],
    ['selector without labels', { selector: { matchLabels: {} } }, 'body.selector.matchLabels'],
    ['label key "-x"', { selector: { matchLabels: { '-x': 'y' } } }, 'body.selector.matchLabels.-x'],
    [
      'a 64-character label value',
      { selector: { matchLabels: { app: 'v'.repeat(64) } } },
      'body.selector.matchLabels.app',
    ],
    ['name "Service Github"', { name: 'Service Github' }, 'body.name'],
  ];

  it.each(CASES)('refuses %s naming %s and writes nothing', async (_why, overrides, field) => {
    const before = await written();
    expect400(await post('engineer', '/api/v1/services', service(overrides)), field);
    expect(await written()).toEqual(before);
  });
});

describe('POST /grants', () => {
  let body: Record<string, unknown>;
  beforeAll(async () => {
    const svc = await f.service();
    const dest = await f.destination();
    body = {
      service: svc.name,
      destination: dest.host,
      port: 443,
      justification: 'A real reason for access.',
    };
  });

  it.each([
    ['port "443" (a string)', { port: '443' }, 'body.port'],
    ['an empty justification', { justification: '' }, 'body.justification'],
    ['a short justification', { justification: 'short' }, 'body.justification'],
  ])('refuses %s naming %s and writes nothing', async (_why, overrides, field) => {
    const before = await written();
    expect400(await post('engineer', '/api/v1/grants', { ...body, ...overrides }), field);
    expect(await written()).toEqual(before);
  });
});

describe('query strings', () => {
  it('coerces ?limit=10', async () => {
    for (const url of [
      '/api/v1/grants?limit=10',
      '/api/v1/services?limit=10',
      '/api/v1/destinations?limit=10',
    ]) {
      const res = await get(url);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<{ items: unknown[] }>().items.length).toBeLessThanOrEqual(10);
    }
  });

  it.each(['0', '501', 'abc', '1.5'])('refuses ?limit=%s naming query.limit', async (limit) => {
    expect400(await get(`/api/v1/grants?limit=${limit}`), 'query.limit');
    expect400(await get(`/api/v1/destinations?limit=${limit}`), 'query.limit');
  });

  it('refuses ?state=bogus naming query.state, and a forged cursor naming query.cursor', async () => {
    expect400(await get('/api/v1/grants?state=bogus'), 'query.state');
    expect400(await get('/api/v1/grants?cursor=not-a-cursor'), 'query.cursor');
  });
});
