import { sha256Hex } from '@egress/shared';

function compareKeys(a: string, b: string): number {
  // Code-unit order, never localeCompare: the result must not depend on the machine's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

// Canonical text of values many objects share by reference (the public-address peers appear in every
// egress policy), computed once. Keyed by identity, so entries go when the value does.
const shared = new WeakMap<object, string>();

/** Marks a value as shared and immutable: it is frozen and its canonical text is computed once. */
export function shareCanonical<T extends object>(value: T): T {
  shared.set(Object.freeze(value), canonicalJson(value));
  return value;
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, undefined members dropped. The same
 * value always gives the same text, however its objects were built.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') {
    const text: unknown = JSON.stringify(value);
    return typeof text === 'string' ? text : 'null';
  }
  const known = shared.get(value);
  if (known !== undefined) return known;
  return Array.isArray(value) ? canonicalArray(value) : canonicalRecord(value as Record<string, unknown>);
}

function canonicalArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    out += (i === 0 ? '' : ',') + (item === undefined ? 'null' : canonicalJson(item));
  }
  return `${out}]`;
}

// Object keys repeat endlessly (a few hundred distinct ones per compile): quote each once. Bounded, so
// a long-lived server that sees ever new label keys does not grow it without limit.
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function canonicalRecord(record: Record<string, unknown>): string {
  let out = '{';
  // The default sort compares UTF-16 code units: the order of compareKeys, without a callback.
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item !== undefined) out += (out.length === 1 ? '' : ',') + quotedKey(key) + canonicalJson(item);
  }
  return `${out}}`;
}

/** A copy of a string map with its keys in code-unit order (so YAML and JSON output never depend on input order). */
export function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort(compareKeys)) out[key] = record[key] ?? '';
  return out;
}

/** Sorts by a string key (code-unit order) without mutating the input. */
export function sortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, k: key(item) }))
    .sort((a, b) => compareKeys(a.k, b.k))
    .map(({ item }) => item);
}

export { compareKeys };

const HASH_SUFFIX = '/content-hash';

/** A SHA-256 function giving lower-case hex; `sha256Hex` of @egress/shared unless the caller has a faster one. */
export type Sha256Hex = (text: string) => string;

/**
 * SHA-256 (hex) of an object's canonical JSON, leaving out its own content-hash annotation (any
 * annotation key ending in "/content-hash"), so the hash can be stored on the object it describes and
 * recomputed from the object later.
 */
export function contentHash(
  obj: { metadata?: { annotations?: Record<string, string> } },
  hash: Sha256Hex = sha256Hex,
): string {
  const annotations = obj.metadata?.annotations;
  if (!annotations || !Object.keys(annotations).some((k) => k.endsWith(HASH_SUFFIX)))
    return hash(canonicalJson(obj));
  const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !k.endsWith(HASH_SUFFIX)));
  return hash(canonicalJson({ ...obj, metadata: { ...obj.metadata, annotations: kept } }));
}
