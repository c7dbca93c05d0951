/**
 * Canonical JSON: object keys sorted, no whitespace, undefined dropped. Used for the audit hash chain,
 * so the same event always hashes the same however its objects were built or read back from jsonb.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // JSON.stringify of undefined or a function is undefined at run time, whatever its type says.
    const s: unknown = JSON.stringify(value);
    return typeof s === 'string' ? s : 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The value as it will read back from a jsonb column (dates become strings, undefined disappears). */
export function asJson(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}
