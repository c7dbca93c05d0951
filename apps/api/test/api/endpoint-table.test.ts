// The endpoint table in @egress/shared (which the console's and egressctl's typed client are built from)
// against the app as it is built: every table entry is a registered route with the same method, path,
// operationId and success status, taking the same kinds of input; and every /api/v1 route the app
// registers is in the table, or in its short list of documented exceptions. Either side drifting fails.
import { ENDPOINT_TABLE_EXCEPTIONS, ROUTE_POLICIES, endpoints, type EndpointDef } from '@egress/shared';
import type { HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

interface Operation {
  operationId?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}
type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

/** OpenAPI's path syntax (the table's) to Fastify's: `{id}` → `:id`, a literal colon → `::`. */
function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}|:/g, (_m, name: string | undefined) => (name ? `:${name}` : '::'));
}

/** Fastify's path syntax to OpenAPI's: `:id` → `{id}`, the `::` escape → a literal colon. */
function openApiPath(url: string): string {
  return url.replace(/::|:(\w+)/g, (_m, name: string | undefined) => (name ? `{${name}}` : ':'));
}

const table = Object.entries(endpoints as Record<string, EndpointDef>).map(([name, def]) => ({ name, def, key: `${def.method} ${def.path}` }));
const keysOf = (schema: EndpointDef['query']): string[] => (schema && 'shape' in schema ? Object.keys(schema.shape as object).sort() : []);

let t: TestApp;
let doc: OpenApiDocument;
/** Every /api/v1 route the app registered, as "METHOD /openapi/{path}". */
let registered: string[];
beforeAll(async () => {
  t = await createTestApp();
  doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json<OpenApiDocument>();
  // The app refuses to register a route without an entry in ROUTE_POLICIES (auth.plugin.ts), so the
  // policy keys the router knows are exactly the registered routes.
  registered = Object.keys(ROUTE_POLICIES)
    .map((key) => key.split(' ') as [HTTPMethods, string])
    .filter(([method, url]) => url.startsWith('/api/v1/') && t.app.hasRoute({ method, url }))
    .map(([method, url]) => `${method} ${openApiPath(url)}`);
});
afterAll(async () => t.close());

describe('the endpoint table', () => {
  it('has only registered routes, each with its method and path', () => {
    const missing = table.filter(({ def }) => !t.app.hasRoute({ method: def.method, url: fastifyPath(def.path) })).map((e) => `${e.name}: ${e.key}`);
    expect(missing).toEqual([]);
  });

  it('holds every registered /api/v1 route, apart from the documented exceptions', () => {
    expect(registered.length).toBeGreaterThan(50);
    const inTable = new Set(table.map((e) => e.key));
    const absent = registered.filter((key) => !inTable.has(key) && !(key in ENDPOINT_TABLE_EXCEPTIONS));
    expect(absent).toEqual([]);
    // An exception that is no longer a route, or is in the table after all, is stale.
    expect(Object.keys(ENDPOINT_TABLE_EXCEPTIONS).filter((key) => !registered.includes(key) || inTable.has(key))).toEqual([]);
  });

  it.each(table)('$name matches the route: operationId, success status, path parameters, query keys and body', ({ name, def }) => {
    const op = doc.paths[def.path]?.[def.method.toLowerCase()];
    expect(op, `${def.method} ${def.path} in the OpenAPI document`).toBeDefined();
    expect(op?.operationId).toBe(name);
    expect(Object.keys(op?.responses ?? {})).toContain(String(def.status));
    const inPath = (op?.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
    expect(inPath).toEqual(keysOf(def.params));
    const inQuery = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
    expect(inQuery).toEqual(keysOf(def.query));
    expect(op?.requestBody !== undefined, 'has a body').toBe(def.body !== undefined);
  });
});
