// Pieces shared by the denied-flow normalisers (flows-calico.ts, flows-hubble.ts, flows-generic.ts):
// the normalised record, and parsers for the fields every format carries in its own spelling.
import type { z } from 'zod';

import { parseHostname } from '../hostname.ts';
import type { Protocol } from '../primitives.ts';
import { parseCidr } from './settings.ts';

/** One denied connection attempt (or `count` of them), whatever format it arrived in. */
export interface DeniedFlow {
  /** When it was seen (the end of the reporting interval for formats that report intervals). */
  time: Date;
  sourceNamespace: string;
  /** The source pod's labels ({} when the record carries none). */
  sourceLabels: Record<string, string>;
  /** The source pod (or an aggregated name such as "web-7d4b9c-*"), kept as a sample. */
  sourcePod: string | null;
  /** Canonical text (IPv6 compressed, lower case). */
  destIp: string | null;
  /** Normalised like a destination host: lower case, no trailing dot, IDN as punycode. */
  destName: string | null;
  destPort: number;
  protocol: Protocol;
  /** How many denied flows the record stands for (Calico's num_flows; 1 for one event). */
  count: number;
  /** Which format and verdict the record came from: "calico", "hubble", "hubble-audit", "generic". */
  reporter: string;
}

export type NormaliseResult = { ok: true; flow: DeniedFlow } | { ok: false; reason: string };

/** The most flows one record may stand for (a larger num_flows or count is refused). */
export const MAX_RECORD_COUNT = 1_000_000;
/** The most source labels one record may carry. */
export const MAX_LABELS = 128;

/** [field path, message]: what a step of a normaliser returns instead of its value when it fails. */
export type Problem = [path: string, message: string];

export function isProblem(value: unknown): value is Problem {
  return Array.isArray(value);
}

/** Rejects a record whose verdict field says it was not denied, before anything else is read. */
export function verdictFirst(
  raw: unknown,
  field: string,
  denied: readonly string[],
  index: number,
  prefix = '',
): NormaliseResult | null {
  const value = (raw as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string' || denied.includes(value)) return null;
  const expected = denied.map((d) => `"${d}"`).join(' or ');
  return reject(index, `${prefix}${field}`, `only denied flows are counted: ${expected} (got "${value}")`);
}

export function reject(index: number, path: string, message: string): NormaliseResult {
  return { ok: false, reason: `records[${index}]${path ? `.${path}` : ''}: ${message}` };
}

/** "a.b[2].c" from a zod issue path, under `prefix` ("flow." for a wrapped Hubble record). */
function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/** The first problem zod found, as a per-record reason. */
export function zodReason(index: number, error: z.ZodError, prefix = ''): NormaliseResult {
  const issue = error.issues[0];
  const path = issue ? pathText(issue.path) : '';
  return reject(index, `${prefix}${path}`.replace(/\.$/, ''), issue?.message ?? 'is invalid');
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** RFC 3339 with any number of fractional digits (Hubble writes nanoseconds); null when it is not one. */
export function parseTimestamp(text: string): Date | null {
  if (!RFC3339.test(text)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

// Canonical dotted quad: no leading zeros, each octet at most 255. It is its own canonical text.
const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Canonical text of an IPv4 or IPv6 address, or null. */
export function parseIp(text: string): string | null {
  const trimmed = text.trim();
  // The common case without the CIDR parser: ingest reads one address per record, 5,000 per batch.
  if (DOTTED_QUAD.test(trimmed)) return trimmed;
  if (trimmed === '' || trimmed.includes('/')) return null;
  const result = parseCidr(`${trimmed}/${trimmed.includes(':') ? 128 : 32}`);
  return result.ok ? result.value.text.slice(0, result.value.text.lastIndexOf('/')) : null;
}

// A batch names the same few destinations thousands of times; parseHostname (IDN conversion and all)
// is pure, so its answers are kept. Bounded: cleared when full rather than grown without limit.
const HOSTNAME_CACHE_SIZE = 10_000;
const hostnames = new Map<string, ReturnType<typeof parseHostname>>();

/** parseHostname, remembered. */
export function parseHostnameCached(name: string): ReturnType<typeof parseHostname> {
  let parsed = hostnames.get(name);
  if (parsed === undefined) {
    if (hostnames.size >= HOSTNAME_CACHE_SIZE) hostnames.clear();
    parsed = parseHostname(name);
    hostnames.set(name, parsed);
  }
  return parsed;
}

/** The first name in the list that is a public host name, normalised; null when none is. */
export function firstPublicName(names: readonly string[] | null | undefined): string | null {
  for (const name of names ?? []) {
    const parsed = parseHostnameCached(name);
    if (parsed.ok) return parsed.value;
  }
  return null;
}

/** "k=v" strings (Calico; Hubble after its "k8s:" prefix is removed) as a label map; others are skipped. */
export function labelsFromPairs(pairs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq > 0) labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

/** Ports as every format spells them: an integer 1..65535. */
export function portProblem(port: unknown): string | null {
  if (typeof port !== 'number' || !Number.isInteger(port)) return 'must be an integer';
  return port < 1 || port > 65535 ? 'must be between 1 and 65535' : null;
}
