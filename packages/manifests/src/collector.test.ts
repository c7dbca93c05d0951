// The gateway access log as the collector sees it: the format is read from the compiled gateway
// ConfigMaps (not a copy), sample lines are rendered from it, parsed the way deploy/collectors/vector.yaml
// does, and checked against the field table in docs/kubernetes.md ("Gateway telemetry"). Any drift between
// the compiler, the docs and the collector configuration fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { ConnectionLineSchema } from '@egress/shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { at, ofKind } from '../test/helpers.ts';
import { richInput } from '../test/scenarios.ts';
import { ACCESS_LOG_VERSION, compile, GATEWAY_APP } from './index.ts';

const REPO = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(fileURLToPath(new URL(path, REPO)), 'utf8');

type FieldType = 'string' | 'string?' | 'number';

/** The documented fields: the rows of the table under "Access log (format version N)". */
function documentedFields(): Map<string, FieldType> {
  const docs = read('docs/kubernetes.md');
  const start = docs.indexOf(`### Access log (format version ${ACCESS_LOG_VERSION})`);
  expect(start, 'docs/kubernetes.md documents the current format version').toBeGreaterThan(0);
  const section = docs.slice(start, docs.indexOf('\n#', start + 1));
  const fields = new Map<string, FieldType>();
  for (const m of section.matchAll(/^\| `([a-z_]+)` *\| (string\?|string|number) *\|/gm)) {
    fields.set(m[1] ?? '', (m[2] ?? '') as FieldType);
  }
  return fields;
}

const input = richInput();
const objects = compile(input);

/** Every access log format of every compiled gateway (TCP: tcp_proxy; UDP: udp_proxy). */
function compiledFormats(): Record<string, unknown>[] {
  const formats: Record<string, unknown>[] = [];
  for (const cm of ofKind(objects, 'ConfigMap').filter(
    (o) => o.metadata.labels['app.kubernetes.io/component'] === 'gateway',
  )) {
    const boot = parse(at(cm, 'data', 'envoy.yaml') as string) as unknown;
    for (const l of at(boot, 'static_resources', 'listeners') as Record<string, unknown>[]) {
      const proxy =
        at(l, 'filter_chains', 0, 'filters', 0, 'typed_config') ??
        at(l, 'listener_filters', 0, 'typed_config');
      const format = at(proxy, 'access_log', 0, 'typed_config', 'log_format', 'json_format');
      if (format !== undefined) formats.push(format as Record<string, unknown>);
    }
  }
  return formats;
}

// What Envoy writes for each command operator: an example of the value's type. A command operator the
// format uses and this table lacks fails the test: document its type first.
const EXAMPLES: Record<string, unknown> = {
  START_TIME: '2026-12-07T08:00:00.123Z',
  DURATION: 1532,
  DOWNSTREAM_LOCAL_PORT: 443,
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: '10.244.1.17',
  DOWNSTREAM_REMOTE_PORT: 51234,
  UPSTREAM_HOST: '140.82.121.4:443',
  BYTES_SENT: 48211,
  BYTES_RECEIVED: 1730,
  RESPONSE_FLAGS: '-',
  UPSTREAM_TRANSPORT_FAILURE_REASON: 'delayed connect error: 111',
  CONNECTION_TERMINATION_DETAILS: 'idle timeout',
};
// The operators whose value Envoy may not have (then null in JSON).
const MAY_BE_ABSENT = new Set([
  'UPSTREAM_HOST',
  'UPSTREAM_TRANSPORT_FAILURE_REASON',
  'CONNECTION_TERMINATION_DETAILS',
]);

/** One access log line as Envoy would write it for this format: operators replaced, literals kept. */
function render(format: Record<string, unknown>, absent: boolean): string {
  const line: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(format)) {
    const op = typeof value === 'string' ? /^%([A-Z_]+)%$/.exec(value)?.[1] : undefined;
    if (op === undefined) {
      expect(String(value), `${key}: a literal, not a string mixing text and %OPERATORS%`).not.toContain('%');
      line[key] = value;
      continue;
    }
    expect(op in EXAMPLES, `${key}: add an example value of %${op}% to EXAMPLES`).toBe(true);
    line[key] = absent && MAY_BE_ABSENT.has(op) ? null : EXAMPLES[op];
  }
  return JSON.stringify(line);
}

/** What the collector's remap keeps: a JSON object of the current version; null for anything else. */
function collect(line: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const object = value as Record<string, unknown>;
  return object['v'] === ACCESS_LOG_VERSION ? object : null;
}

function hasType(value: unknown, type: FieldType): boolean {
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  if (type === 'string?') return value === null || typeof value === 'string';
  return typeof value === 'string';
}

describe('gateway access log, as the collector reads it', () => {
  const documented = documentedFields();
  const formats = compiledFormats();

  it('is compiled into every gateway listener, one format for all', () => {
    // One per destination port, TCP and UDP alike (the health and metrics listeners have no access log).
    expect(formats).toHaveLength(input.destinations.reduce((n, d) => n + d.ports.length, 0));
    expect(new Set(formats.map((f) => f['protocol']))).toEqual(new Set(['TCP', 'UDP']));
    const keys = new Set(formats.map((f) => Object.keys(f).sort().join(',')));
    expect(keys.size).toBe(1);
    expect(documented.size).toBeGreaterThanOrEqual(15);
  });

  it.each([
    ['every value present', false],
    ['no upstream, no failure reason', true],
  ] as const)(
    'renders lines with every documented field of its type and nothing else (%s)',
    (_name, absent) => {
      for (const format of formats) {
        const line = collect(render(format, absent));
        expect(line, 'the collector keeps the line').not.toBeNull();
        expect(Object.keys(line ?? {}).sort()).toEqual([...documented.keys()].sort());
        for (const [field, type] of documented) {
          expect(hasType(line?.[field], type), `${field} is ${type}: ${JSON.stringify(line?.[field])}`).toBe(
            true,
          );
        }
        expect(line?.['v']).toBe(ACCESS_LOG_VERSION);
        // The API's ingest (POST /api/v1/gateway-connections) reads exactly this line.
        const parsed = ConnectionLineSchema.safeParse(line);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      }
    },
  );

  it("drops Envoy's own messages and lines of another version", () => {
    expect(
      collect('[2026-12-07 08:00:00.123][1][warning][main] [source/server/server.cc:123] some warning'),
    ).toBeNull();
    expect(collect('"just a string"')).toBeNull();
    const format = formats[0] ?? {};
    expect(collect(render({ ...format, v: '2' }, false))).toBeNull();
  });
});

describe('deploy/collectors/vector.yaml', () => {
  const config = parse(read('deploy/collectors/vector.yaml')) as unknown;

  it("reads the gateway pods' envoy container, by the labels and container name the compiler gives them", () => {
    const deployment = ofKind(objects, 'Deployment').find(
      (o) => o.metadata.labels['app.kubernetes.io/name'] === GATEWAY_APP,
    );
    expect(at(deployment, 'spec', 'template', 'metadata', 'labels', 'app.kubernetes.io/name')).toBe(
      GATEWAY_APP,
    );
    const container = at(deployment, 'spec', 'template', 'spec', 'containers', 0, 'name') as string;
    expect(at(config, 'sources', 'gateway_pods', 'type')).toBe('kubernetes_logs');
    expect(at(config, 'sources', 'gateway_pods', 'extra_label_selector')).toBe(
      `app.kubernetes.io/name=${GATEWAY_APP}`,
    );
    const remap = at(config, 'transforms', 'gateway_connections') as Record<string, unknown>;
    expect(remap['type']).toBe('remap');
    expect(remap['source']).toContain(`.kubernetes.container_name != "${container}"`);
    // The version filter names the format version the compiler writes.
    expect(remap['source']).toContain(`line.v != "${ACCESS_LOG_VERSION}"`);
    expect(remap['source']).toContain('parse_json(.message)');
  });

  it('POSTs JSON batches to the ingest route with a bearer token from the environment', () => {
    const sink = at(config, 'sinks', 'egress_control') as Record<string, unknown>;
    expect(sink['type']).toBe('http');
    expect(sink['inputs']).toEqual(['gateway_connections']);
    expect(sink['method']).toBe('post');
    expect(sink['uri']).toBe('${EGRESS_CONTROL_URL}/api/v1/gateway-connections');
    expect(at(sink, 'encoding', 'codec')).toBe('json');
    expect(at(sink, 'auth')).toEqual({ strategy: 'bearer', token: '${EGRESS_CONTROL_TOKEN}' });
  });
});
