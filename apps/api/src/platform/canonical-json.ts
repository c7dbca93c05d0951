// Canonical JSON lives in @egress/shared (egressctl verifies exported chains with the same code).
export { canonicalJson } from '@egress/shared';

/** The value as it will read back from a jsonb column (dates become strings, undefined disappears). */
export function asJson(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}
