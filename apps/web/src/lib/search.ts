// URL search params are plain strings (no JSON), so links stay readable: ?state=active&service=service.github.
// Each route declares its params with zod; a malformed value is dropped rather than failing the page.
import { z } from 'zod';

export const searchText = z.string().trim().max(500).optional().catch(undefined);

export function searchEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values).optional().catch(undefined);
}

export const pageSearchShape = { cursor: searchText, prev: searchText };

export function parseSearch(searchStr: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(searchStr));
}

export function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
