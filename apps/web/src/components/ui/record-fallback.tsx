import type { ReactNode } from 'react';

import { isNotFound } from '../../lib/api-client.ts';
import { EmptyState } from './empty-state.tsx';
import { ErrorPanel } from './error-panel.tsx';
import { BlockSkeleton } from './skeleton.tsx';

interface RecordFallbackProps {
  /** The query's error; `null` while it loads. */
  error: unknown;
  /** The record, as in "Could not load the service." */
  what: string;
  loading: { label: string; lines: number };
  notFound: { title: string; body: ReactNode; back: ReactNode };
}

/** A page of one record before it can show it: loading, not found (with a way back), or failed. */
export function RecordFallback({ error, what, loading, notFound }: RecordFallbackProps) {
  return (
    <div className="page">
      {error === null ? (
        <BlockSkeleton lines={loading.lines} label={loading.label} />
      ) : isNotFound(error) ? (
        <EmptyState title={notFound.title} action={notFound.back}>
          {notFound.body}
        </EmptyState>
      ) : (
        <ErrorPanel error={error} what={what} />
      )}
    </div>
  );
}
