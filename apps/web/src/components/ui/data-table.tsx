import type { ReactNode } from 'react';

import { EmptyRow } from './empty-state.tsx';
import { TableSkeleton } from './skeleton.tsx';

export interface EmptyProps {
  title: string;
  body?: ReactNode;
  action?: ReactNode;
}

/** The rows: one item at a time, or the whole `<tbody>` when the rows share state. */
type DataTableRows<T> =
  { row: (item: T) => ReactNode; body?: never } | { body: (items: readonly T[]) => ReactNode; row?: never };

type DataTableProps<T> = DataTableRows<T> & {
  /** Read by screen readers only: what the table lists. */
  caption: ReactNode;
  /** The header cells (`<th scope="col">`), in order. */
  head: ReactNode;
  /** How many columns the header has: the skeleton and the empty row span them. */
  columns: number;
  /** `undefined` while loading. */
  items: readonly T[] | undefined;
  empty: EmptyProps;
  className?: string;
  skeletonRows?: number;
};

/** A list table: its caption and header stay put while the body is a skeleton, an empty state or the rows. */
export function DataTable<T>({
  caption,
  head,
  columns,
  items,
  row,
  body,
  empty,
  className = 'table',
  skeletonRows,
}: DataTableProps<T>) {
  return (
    <div className="table-wrap">
      <table className={className}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>{head}</tr>
        </thead>
        {!items ? (
          <TableSkeleton columns={columns} rows={skeletonRows} />
        ) : items.length === 0 ? (
          <EmptyRow columns={columns} title={empty.title} action={empty.action}>
            {empty.body}
          </EmptyRow>
        ) : row ? (
          <tbody>{items.map(row)}</tbody>
        ) : (
          body(items)
        )}
      </table>
    </div>
  );
}
