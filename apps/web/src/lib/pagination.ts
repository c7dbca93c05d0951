// Cursor pagination kept in the URL: `cursor` is the current page, `prev` the stack of earlier pages'
// cursors ("-" stands for the first page, which has none), so a link reproduces the exact page.
import type { QueryValue } from './api-client.ts';
import { api } from './api-client.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageSearch {
  cursor?: string | undefined;
  prev?: string | undefined;
}

const FIRST = '-';

export function pageNumber(search: PageSearch): number {
  return search.prev ? search.prev.split(',').length + 1 : 1;
}

export function nextPageSearch(search: PageSearch, nextCursor: string): PageSearch {
  const stack = search.prev ? search.prev.split(',') : [];
  return { cursor: nextCursor, prev: [...stack, search.cursor ?? FIRST].join(',') };
}

export function previousPageSearch(search: PageSearch): PageSearch {
  const stack = search.prev ? search.prev.split(',') : [];
  const last = stack.pop();
  return {
    cursor: last === undefined || last === FIRST ? undefined : last,
    prev: stack.length ? stack.join(',') : undefined,
  };
}

/** Drops the page position, e.g. when a filter changes. */
export function firstPage<T extends PageSearch>(search: T): T {
  return { ...search, cursor: undefined, prev: undefined };
}

/**
 * Reads every page of a list up to `cap` items: for views that need a whole set (the inbox sorted oldest
 * first, counts, the graph). Bounded so that a huge table never turns into an unbounded download.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the endpoint's item type
export async function fetchAll<T>(
  path: string,
  query: Record<string, QueryValue>,
  cap = 2000,
  signal?: AbortSignal,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const limit = Math.min(500, cap - items.length);
    const page: Page<T> = await api<Page<T>>(path, { query: { ...query, limit, cursor }, signal });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < cap);
  return { items, truncated: cursor !== null };
}
