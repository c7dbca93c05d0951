import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';

import type { Page, PageSearch } from '../../lib/pagination.ts';
import { ErrorPanel } from './error-panel.tsx';
import { Pager } from './pager.tsx';

interface PagedListProps<T> {
  /** One page of a list endpoint, its cursor in the URL. */
  query: UseQueryResult<Page<T>>;
  /** The list, as in "Could not load destinations." */
  what: string;
  search: PageSearch;
  onPage: (page: PageSearch) => void;
  /** The table of the page's items; `undefined` while they load. */
  children: (items: T[] | undefined) => ReactNode;
}

/** A paged list: its table (or why it failed to load), then the pager. */
export function PagedList<T>({ query, what, search, onPage, children }: PagedListProps<T>) {
  return (
    <>
      {query.isError ? <ErrorPanel error={query.error} what={what} /> : children(query.data?.items)}
      <Pager search={search} data={query.data} onChange={onPage} />
    </>
  );
}
