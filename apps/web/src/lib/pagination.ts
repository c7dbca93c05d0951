// Cursor pagination kept in the URL: `cursor` is the current page, `prev` the stack of earlier pages'
// cursors ("-" stands for the first page, which has none), so a link reproduces the exact page.
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
 * `page` asks the endpoint for one page, e.g. `(p) => api.listGrants({ query: { ...filter, ...p } }, { signal })`.
 */
export async function fetchAll<T>(
  page: (position: { limit: number; cursor: string | undefined }) => Promise<Page<T>>,
  cap = 2000,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const limit = Math.min(500, cap - items.length);
    const next: Page<T> = await page({ limit, cursor: cursor ?? undefined });
    items.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor && items.length < cap);
  return { items, truncated: cursor !== null };
}

/**
 * How a paged list moves in its URL: a filter change goes back to the first page (the cursor belongs to
 * the old filter); the pager keeps the filters and sets the page. `navigate` is the route's own.
 */
export function listNavigation<S extends PageSearch>(
  navigate: (options: { search: (prev: S) => S }) => Promise<void>,
) {
  return {
    filter: (patch: Partial<S>) => void navigate({ search: (s) => firstPage({ ...s, ...patch }) }),
    page: (p: PageSearch) => void navigate({ search: (s) => ({ ...s, ...p }) }),
  };
}
