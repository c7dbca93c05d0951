// Keyset pagination: an opaque cursor holds the last row's sort key and id.
import { Prisma } from './db.ts';
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
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (r: R) => T,
  key: (r: R) => [string | number, string],
): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: more && last !== undefined ? encodeCursor(...key(last)) : null,
  };
}

export type SortOrder = 'asc' | 'desc';

/** Prisma's filter for the rows after a keyset cursor on (field, id). */
export type KeysetWhere<K extends string, V> = {
  OR: (Record<K, { gt: V } | { lt: V }> | (Record<K, V> & { id: { gt: string } | { lt: string } }))[];
};

/**
 * The Prisma `where` part for the page after `cursor`, in a list ordered by `field` then `id`, both in
 * `order`; empty without a cursor. `key` turns the cursor's key back into the column's type.
 */
export function keysetWhere<K extends string, V>(
  field: K,
  cursor: string | undefined,
  order: SortOrder,
  key: (k: string | number) => V,
): Partial<KeysetWhere<K, V>> {
  const after = decodeCursor(cursor);
  if (!after) return {};
  const k = key(after.key);
  const past = order === 'asc' ? { gt: k } : { lt: k };
  const pastId = order === 'asc' ? { gt: after.id } : { lt: after.id };
  // The computed key loses its literal type; the shape is the one KeysetWhere states.
  return { OR: [{ [field]: past }, { [field]: k, id: pastId }] } as KeysetWhere<K, V>;
}

/**
 * The Prisma `where` part for the page after `cursor` in a list ordered by a unique key alone (the
 * audit log's seq): no tie to break on id, so a single comparison the key's index answers.
 */
export function keysetUniqueWhere<K extends string, V>(
  field: K,
  cursor: string | undefined,
  order: SortOrder,
  key: (k: string | number) => V,
): Partial<Record<K, { gt: V } | { lt: V }>> {
  const after = decodeCursor(cursor);
  if (!after) return {};
  const k = key(after.key);
  // The computed key loses its literal type; the shape is the one the signature states.
  return { [field]: order === 'asc' ? { gt: k } : { lt: k } } as Record<K, { gt: V } | { lt: V }>;
}

/**
 * The SQL condition for the page after `cursor`: a row comparison such as `(g.requested_at, g.id) <
 * ($1, $2)`, which PostgreSQL answers with an index range scan however deep the page; TRUE without a
 * cursor. `columns` lists the sort key and the id; `values` renders the cursor's key and id, cast to
 * their columns' types.
 */
export function keysetSql(
  columns: Prisma.Sql,
  cursor: string | undefined,
  order: SortOrder,
  values: (key: string | number, id: string) => Prisma.Sql,
): Prisma.Sql {
  const after = decodeCursor(cursor);
  if (!after) return Prisma.sql`TRUE`;
  return Prisma.sql`(${columns}) ${Prisma.raw(order === 'asc' ? '>' : '<')} (${values(after.key, after.id)})`;
}
