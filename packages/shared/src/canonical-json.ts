// Canonical JSON, once for the whole repository: the audit hash chain (API and egressctl) and the
// compiler's content hashes (@egress/manifests) hash the same text for the same value. It is written for
// speed because the compiler walks every object it emits through it; the audit chain gets the same text.

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
 * Canonical JSON: object keys sorted by code unit, no whitespace, undefined members dropped, a Date as
 * its ISO string (as JSON.stringify writes it). The same value always gives the same text, however its
 * objects were built or read back from jsonb.
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
  // JSON.stringify of undefined or a function is undefined at run time, whatever its type says.
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
  else if (value instanceof Date) parts.push(JSON.stringify(value.toISOString()));
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
export function isSortedKeys(keys: readonly string[]): boolean {
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
  // The default sort compares UTF-16 code units, without a callback.
  if (!isSortedKeys(keys)) keys.sort();
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
