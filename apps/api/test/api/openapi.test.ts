// The published OpenAPI document covers the whole protected API, and the operational endpoints need no
// credentials.
import { ROUTE_POLICIES } from '@egress/shared';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
}

interface Operation {
  operationId?: string;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Fastify's path syntax to OpenAPI's: `:id` → `{id}`, and the `::` escape → a literal colon. */
function openApiPath(url: string): string {
  return url.replace(/::|:(\w+)/g, (_m, name: string | undefined) => (name ? `{${name}}` : ':'));
}

const protectedRoutes = Object.entries(ROUTE_POLICIES)
  .filter(([, policy]) => policy !== 'public')
  .map(([key]) => {
    const [method = '', url = ''] = key.split(' ');
    return { key, method: method.toLowerCase(), path: openApiPath(url) };
  });

let t: TestApp;
let doc: OpenApiDocument;
beforeAll(async () => {
  t = await createTestApp();
  const res = await t.app.inject({ url: '/api/v1/openapi.json' });
  expect(res.statusCode, res.body).toBe(200);
  doc = res.json<OpenApiDocument>();
});
afterAll(async () => t.close());

function resolve(schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(doc.components?.schemas?.[name]);
}

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3 document served without credentials', async () => {
    const res = await t.app.inject({ url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toEqual(expect.any(String));
  });

  it.each(protectedRoutes)('documents $key', ({ method, path }) => {
    expect(Object.keys(doc.paths)).toContain(path);
    expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });

  it('gives every operation a unique operationId', () => {
    const ids = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.has(method))
        .map(([method, op]) => ({ where: `${method} ${path}`, id: op.operationId })),
    );
    expect(ids.filter((o) => !o.id).map((o) => o.where)).toEqual([]);
    expect(new Set(ids.map((o) => o.id)).size).toBe(ids.length);
  });

  it('describes the POST /api/v1/grants body from the validating schema (port is an integer)', () => {
    const body = resolve(
      doc.paths['/api/v1/grants']?.post?.requestBody?.content?.['application/json']?.schema,
    );
    expect(body?.properties).toBeDefined();
    expect(Object.keys(body!.properties!)).toEqual(
      expect.arrayContaining(['service', 'destination', 'port', 'justification']),
    );
    expect(body!.required).toEqual(
      expect.arrayContaining(['service', 'destination', 'port', 'justification']),
    );
    expect(resolve(body!.properties!.port)?.type).toBe('integer');
  });
});

describe('interactive docs', () => {
  it('GET /api/docs serves an HTML page without credentials', async () => {
    let res: LightMyRequestResponse = await t.app.inject({ url: '/api/docs' });
    for (let hops = 0; hops < 3 && res.statusCode >= 300 && res.statusCode < 400; hops++) {
      const location = res.headers.location;
      expect(location).toEqual(expect.any(String));
      res = await t.app.inject({ url: new URL(String(location), 'http://localhost/api/docs').pathname });
    }
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body.toLowerCase()).toContain('<html');
  });
});

describe('operational endpoints', () => {
  it('GET /healthz answers without credentials', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers without credentials when the database is reachable', async () => {
    const res = await t.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });

  it('GET /metrics serves Prometheus text with request durations by route', async () => {
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('# TYPE egress_http_request_duration_seconds histogram');
    expect(res.body).toMatch(
      /^egress_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]\d*$/m,
    );
  });
});
