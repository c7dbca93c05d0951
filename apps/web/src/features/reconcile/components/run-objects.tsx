import { useQuery } from '@tanstack/react-query';

import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { reconcileRunQuery } from '../api/reconcile.queries.ts';

/** The objects one run changed or failed on (unchanged ones are only counted). */
export function RunObjects({ id }: { id: string }) {
  const query = useQuery(reconcileRunQuery(id));
  if (query.isPending) return <BlockSkeleton lines={2} />;
  if (query.isError) return <p className="muted">Could not load the run: {query.error.message}</p>;
  const run = query.data;
  return (
    <div className="stack-tight">
      {run.errors.length ? (
        <ul className="errors">
          {run.errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      ) : null}
      {run.objects.length === 0 ? (
        <p className="muted small">No object changed.</p>
      ) : (
        <ul className="objects">
          {run.objects.map((o) => (
            <li key={`${o.kind}/${o.namespace ?? ''}/${o.name}`}>
              <code>{o.action}</code> {o.kind} {o.namespace ? `${o.namespace}/` : ''}
              {o.name}
              {o.error ? <span className="field-error"> {o.error}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
