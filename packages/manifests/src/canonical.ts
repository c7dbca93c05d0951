// canonicalJson itself is @egress/shared's (the audit chain hashes the same text); the helpers here keep
// the compiler's maps in the order it writes.
import { canonicalJson, isSortedKeys as isSorted, sha256Hex } from '@egress/shared';

export { canonicalJson, shareCanonical, shareCanonicalText } from '@egress/shared';

export function compareKeys(a: string, b: string): number {
  // Code-unit order, never localeCompare: the result must not depend on the machine's locale.
  return a < b ? -1 : a > b ? 1 : 0;
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
