// Maps a server 400's `details[].field` ("body.port", "body.selector.matchLabels") back onto form fields.
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';

import { isApiError } from './api-client.ts';

/** "body.ports[1].port" -> "ports.1.port" (react-hook-form's path syntax). */
export function formPathOf(field: string): string {
  return field
    .replace(/^(body|query|params)\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '');
}

/**
 * Puts each server field error on the matching form field; returns true when at least one matched, so
 * the caller knows whether the message still needs a toast or a form-level error.
 */
export function applyServerErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly string[],
  rename: Record<string, string> = {},
): boolean {
  if (!isApiError(error) || error.status !== 400) return false;
  let matched = false;
  for (const detail of error.details) {
    const path = formPathOf(detail.field);
    const target = rename[path] ?? fields.find((f) => path === f || path.startsWith(`${f}.`));
    if (!target) continue;
    setError(target as Path<T>, { type: 'server', message: detail.message }, { shouldFocus: !matched });
    matched = true;
  }
  return matched;
}
