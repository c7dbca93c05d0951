import { sha256Hex } from '@egress/shared';

export function compareKeys(a: string, b: string): number {
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
 * As shareCanonical, for a caller that already has the canonical text more cheaply than walking the
 * value (`text` must equal `canonicalJson(value)`; the ConfigMap of a gateway, see envoyConfig).
 */
export function shareCanonicalText<T extends object>(value: T, text: string): T {
  shared.set(Object.freeze(value), text);
  return value;
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, undefined members dropped. The same
 * value always gives the same text, however its objects were built.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return scalarJson(value);
  const known = shared.get(value);
  if (known !== undefined) return known;
  // Pieces joined once: one flat string, rather than a rope of thousands of concatenations that the
  // hash would have to flatten first.
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function scalarJson(value: unknown): string {
  if (typeof value === 'string') return value.length <= 64 ? quotedString(value) : JSON.stringify(value);
  // What JSON.stringify writes for a finite number, without the call.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const text: unknown = JSON.stringify(value);
  return typeof text === 'string' ? text : 'null';
}

function write(value: unknown, parts: string[]): void {
  if (value === null || typeof value !== 'object') {
    parts.push(scalarJson(value));
    return;
  }
  const known = shared.get(value);
  if (known !== undefined) parts.push(known);
  else if (Array.isArray(value)) writeArray(value, parts);
  else writeRecord(value as Record<string, unknown>, parts);
}

function writeArray(items: readonly unknown[], parts: string[]): void {
  parts.push('[');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(',');
    const item = items[i];
    if (item === undefined) parts.push('null');
    else write(item, parts);
  }
  parts.push(']');
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

/** Whether keys are in code-unit order already (maps the compiler sorted, and most literals): then no sort. */
function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

// Short strings repeat as much as keys do ("TCP", the gateway namespace, label values): quoted once.
const quotedStrings = new Map<string, string>();

function quotedString(value: string): string {
  let quoted = quotedStrings.get(value);
  if (quoted === undefined) {
    quoted = JSON.stringify(value);
    if (quotedStrings.size < 50_000) quotedStrings.set(value, quoted);
  }
  return quoted;
}

function writeRecord(record: Record<string, unknown>, parts: string[]): void {
  parts.push('{');
  const keys = Object.keys(record);
  // The default sort compares UTF-16 code units: the order of compareKeys, without a callback.
  if (!isSorted(keys)) keys.sort();
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) parts.push(',');
    parts.push(quotedKey(key));
    write(item, parts);
    first = false;
  }
  parts.push('}');
}

/** A copy of a string map with its keys in code-unit order (so YAML and JSON output never depend on input order). */
export function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const keys = Object.keys(record);
  if (!isSorted(keys)) keys.sort();
  for (const key of keys) out[key] = record[key] ?? '';
  return out;
}

/** `sortedRecord({ ...record, [key]: value })`, without sorting a map that is in order already. */
export function withSortedKey(
  record: Readonly<Record<string, string>>,
  key: string,
  value: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  const keys = Object.keys(record);
  if (!isSorted(keys)) keys.sort();
  let placed = false;
  for (const k of keys) {
    if (!placed && k >= key) {
      out[key] = value;
      placed = true;
    }
    if (k !== key) out[k] = record[k] ?? '';
  }
  if (!placed) out[key] = value;
  return out;
}

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
