// Keyset pagination: an opaque cursor holds the last row's sort key and id.
import { AppError } from './errors.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(key: string | number, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { key: string | number; id: string } | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string') {
      const [key, id] = parsed as [unknown, string];
      if (typeof key === 'string' || typeof key === 'number') return { key, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('validation_failed', 'query.cursor is not a cursor this API returned', [
    { field: 'query.cursor', message: 'is not a cursor this API returned' },
  ]);
}

/** Given limit+1 rows, returns the page and the cursor for the next one. */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, key: (r: R) => [string | number, string]): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: more && last !== undefined ? encodeCursor(...key(last)) : null,
  };
}
