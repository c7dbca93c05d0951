// The endpoint table in @egress/shared (which the console's and egressctl's typed client are built from)
// against the app as it is built: every table entry is a registered route with the same method, path,
// operationId and success status, taking the same kinds of input; and every /api/v1 route the app
// registers is in the table, or in its short list of documented exceptions. Either side drifting fails.
import { ENDPOINT_TABLE_EXCEPTIONS, type EndpointDef, endpoints, ROUTE_POLICIES } from '@egress/shared';
import type { HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

interface JsonSchema {
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  type?: string | string[];
  $defs?: Record<string, JsonSchema>;
}
interface Operation {
  operationId?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> } | undefined>;
}
type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

/**
 * The structure of a JSON schema: at each level its properties (a `?` marks the optional ones), arrays
 * and unions, down to `depth` levels; leaf types left out (the two documents spell nullability and
 * formats differently). References are resolved by name in `defs`.
 */
type Shape = string | Shape[] | { [key: string]: Shape };
function shape(schema: JsonSchema | undefined, defs: Record<string, JsonSchema>, depth = 4): Shape {
  if (!schema) return '-';
  if (schema.$ref) return shape(defs[schema.$ref.split('/').pop() ?? ''], defs, depth);
  const branches = (schema.anyOf ?? schema.oneOf)?.filter((b) => b.type !== 'null');
  if (branches)
    return branches.length === 1
      ? shape(branches[0], defs, depth)
      : branches.map((b) => shape(b, defs, depth));
  if (depth === 0) return '.';
  if (schema.items) return [shape(schema.items, defs, depth - 1)];
  return schema.properties ? objectShape(schema.properties, new Set(schema.required), defs, depth) : '.';
}

function objectShape(
  properties: Record<string, JsonSchema>,
  required: Set<string>,
  defs: Record<string, JsonSchema>,
  depth: number,
): Shape {
  const keys = Object.keys(properties).sort();
  return Object.fromEntries(
    keys.map((k) => [required.has(k) ? k : `${k}?`, shape(properties[k], defs, depth - 1)]),
  );
}

/** The JSON schema of a route's success answer in the OpenAPI document; for a route that also answers text, its JSON branches. */
function declaredAnswer(def: EndpointDef): JsonSchema | undefined {
  const declared =
    doc.paths[def.path]?.[def.method.toLowerCase()]?.responses?.[String(def.status)]?.content?.[
      'application/json'
    ]?.schema;
  // A route that also answers text (CSV) declares a string beside its JSON; the client reads that with text().
  return def.text && declared?.anyOf
    ? { anyOf: declared.anyOf.filter((b) => b.type !== 'string') }
    : declared;
}

/** OpenAPI's path syntax (the table's) to Fastify's: `{id}` → `:id`, a literal colon → `::`. */
function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}|:/g, (_m, name: string | undefined) => (name ? `:${name}` : '::'));
}

/** Fastify's path syntax to OpenAPI's: `:id` → `{id}`, the `::` escape → a literal colon. */
function openApiPath(url: string): string {
  return url.replace(/::|:(\w+)/g, (_m, name: string | undefined) => (name ? `{${name}}` : ':'));
}

const table = Object.entries(endpoints as Record<string, EndpointDef>).map(([name, def]) => ({
  name,
  def,
  key: `${def.method} ${def.path}`,
}));
const keysOf = (schema: EndpointDef['query']): string[] =>
  schema && 'shape' in schema ? Object.keys(schema.shape as object).sort() : [];

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
    const missing = table
      .filter(({ def }) => !t.app.hasRoute({ method: def.method, url: fastifyPath(def.path) }))
      .map((e) => `${e.name}: ${e.key}`);
    expect(missing).toEqual([]);
  });

  it('holds every registered /api/v1 route, apart from the documented exceptions', () => {
    expect(registered.length).toBeGreaterThan(50);
    const inTable = new Set(table.map((e) => e.key));
    const absent = registered.filter((key) => !inTable.has(key) && !(key in ENDPOINT_TABLE_EXCEPTIONS));
    expect(absent).toEqual([]);
    // An exception that is no longer a route, or is in the table after all, is stale.
    expect(
      Object.keys(ENDPOINT_TABLE_EXCEPTIONS).filter((key) => !registered.includes(key) || inTable.has(key)),
    ).toEqual([]);
  });

  it.each(table)(
    '$name matches the route: operationId, success status, path parameters, query keys and body',
    ({ name, def }) => {
      const op = doc.paths[def.path]?.[def.method.toLowerCase()];
      expect(op, `${def.method} ${def.path} in the OpenAPI document`).toBeDefined();
      expect(op?.operationId).toBe(name);
      expect(Object.keys(op?.responses ?? {})).toContain(String(def.status));
      const inPath = (op?.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      expect(inPath).toEqual(keysOf(def.params));
      const inQuery = (op?.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort();
      expect(inQuery).toEqual(keysOf(def.query));
      expect(op?.requestBody !== undefined, 'has a body').toBe(def.body !== undefined);
    },
  );

  it.each(table.filter((e) => e.def.response !== null))(
    '$name answers with the structure the route declares',
    ({ def }) => {
      const declared = declaredAnswer(def);
      const mine = z.toJSONSchema(def.response ?? z.null(), {
        io: 'output',
        unrepresentable: 'any',
      }) as JsonSchema;
      expect(shape(mine, mine.$defs ?? {})).toEqual(shape(declared, doc.components?.schemas ?? {}));
    },
  );
});
