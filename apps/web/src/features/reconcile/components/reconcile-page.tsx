import { can, type ReconcileRun } from '@egress/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { Fragment, useEffect, useRef, useState } from 'react';

import { DataTable } from '../../../components/ui/data-table.tsx';
import { NotAvailable } from '../../../components/ui/empty-state.tsx';
import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { Pager } from '../../../components/ui/pager.tsx';
import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { isNotFound } from '../../../lib/api-client.ts';
import { duration } from '../../../lib/format.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { useRunReconcile } from '../api/reconcile.mutations.ts';
import { reconcileKeys, reconcileRunsQuery, reconcileStatusQuery } from '../api/reconcile.queries.ts';
import { DriftSection } from './drift-table.tsx';
import { ManifestsPanel } from './manifests-panel.tsx';
import { RunObjects } from './run-objects.tsx';
import { RunStatus } from './run-status.tsx';

const route = getRouteApi('/_app/reconcile');

function RunButtons() {
  const run = useRunReconcile();
  const start = (dryRun: boolean) =>
    run.mutate(dryRun, {
      onSuccess: () =>
        showToast({
          kind: 'success',
          title: dryRun ? 'Dry run queued' : 'Reconcile queued',
          message: 'It appears in the runs below.',
        }),
    });
  return (
    <div className="header-tools">
      <button type="button" className="btn" disabled={run.isPending} onClick={() => start(true)}>
        Dry run
      </button>
      <button type="button" className="btn btn-primary" disabled={run.isPending} onClick={() => start(false)}>
        Run now
      </button>
    </div>
  );
}

function tookText(r: ReconcileRun): string {
  if (!r.finishedAt) return '…';
  const ms = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : duration(ms);
}

const COUNT_COLUMNS = ['Created', 'Updated', 'Deleted', 'Unchanged', 'Failed'];

function RunsTable({ runs }: { runs: ReconcileRun[] | undefined }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <DataTable
      caption="Reconcile runs, newest first"
      head={
        <>
          <th scope="col">Started</th>
          <th scope="col">Trigger</th>
          <th scope="col">Status</th>
          {COUNT_COLUMNS.map((c) => (
            <th key={c} scope="col" className="num">
              {c}
            </th>
          ))}
          <th scope="col">Took</th>
          <th scope="col">
            <span className="sr-only">Details</span>
          </th>
        </>
      }
      columns={10}
      skeletonRows={3}
      items={runs}
      empty={{
        title: 'No runs yet.',
        body: 'A run starts by itself after every change; approvers can also start one here.',
      }}
      row={(r) => (
        <Fragment key={r.id}>
          <tr>
            <td>
              <RelativeTime iso={r.startedAt} />
            </td>
            <td>
              {/* Clamped inside the cell: -webkit-box on the <td> itself breaks the table layout. */}
              <span className="clamp" title={r.trigger}>
                {r.trigger}
              </span>
            </td>
            <td>
              <RunStatus run={r} />
            </td>
            <td className="num">{r.counts.created}</td>
            <td className="num">{r.counts.updated}</td>
            <td className="num">{r.counts.deleted}</td>
            <td className="num">{r.counts.unchanged}</td>
            <td className={r.counts.failed ? 'num text-red' : 'num'}>{r.counts.failed}</td>
            <td>{tookText(r)}</td>
            <td>
              <button
                type="button"
                className="btn btn-small"
                aria-expanded={open === r.id}
                aria-label={`Objects of the run started ${r.startedAt}`}
                onClick={() => setOpen(open === r.id ? null : r.id)}
              >
                {open === r.id ? 'Hide' : 'Objects'}
              </button>
            </td>
          </tr>
          {open === r.id ? (
            <tr className="expanded">
              <td colSpan={10}>
                <RunObjects id={r.id} />
              </td>
            </tr>
          ) : null}
        </Fragment>
      )}
    />
  );
}

function LiveState() {
  const status = useQuery(reconcileStatusQuery());
  if (status.data) return <DriftSection report={status.data} />;
  return (
    <section aria-labelledby="drift-title">
      <h2 id="drift-title">Drift</h2>
      {status.isError ? (
        isNotFound(status.error) ? (
          <NotAvailable title="Drift is not available.">
            This server does not serve GET /api/v1/reconcile/status yet.
          </NotAvailable>
        ) : (
          <ErrorPanel error={status.error} what="the reconcile status" />
        )
      ) : (
        <BlockSkeleton lines={2} label="Loading the drift" />
      )}
    </section>
  );
}

/**
 * Reads the live state again when a run finishes while the page is open, so drift that "Run now"
 * repaired clears at once instead of at the status query's next 30 s poll. `runs` is the first page
 * (undefined while loading or on a later page); what it showed when first loaded is only remembered.
 */
function useStatusAfterRun(runs: ReconcileRun[] | undefined) {
  const queryClient = useQueryClient();
  const latest = runs?.[0];
  const finished = latest?.finishedAt ? `${latest.id}@${latest.finishedAt}` : null;
  const seen = useRef<string | null | undefined>(undefined);
  const loaded = runs !== undefined;
  useEffect(() => {
    if (!loaded) return;
    const before = seen.current;
    seen.current = finished;
    if (before === undefined || finished === null || before === finished) return;
    void queryClient.invalidateQueries({ queryKey: reconcileKeys.status() });
  }, [loaded, finished, queryClient]);
}

export function ReconcilePage() {
  const me = useMe();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const runs = useQuery(reconcileRunsQuery(search.cursor));
  const missing = runs.isError && isNotFound(runs.error);
  const latest = runs.data?.items[0];
  useStatusAfterRun(search.cursor ? undefined : runs.data?.items);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Reconcile</h1>
          <p className="muted">
            The database compiled into Kubernetes objects and applied to the target.
            {latest ? (
              <>
                {' '}
                Target <strong>{latest.target}</strong>; last run <RunStatus run={latest} />{' '}
                <RelativeTime iso={latest.startedAt} />.
              </>
            ) : null}
          </p>
        </div>
        {can(me.role, 'reconcile.run') && !missing ? <RunButtons /> : null}
      </header>
      <section aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        {missing ? (
          <NotAvailable title="Reconcile runs are not available.">
            This server does not serve GET /api/v1/reconcile/runs yet.
          </NotAvailable>
        ) : runs.isError ? (
          <ErrorPanel error={runs.error} what="reconcile runs" />
        ) : (
          <RunsTable runs={runs.data?.items} />
        )}
        <Pager
          search={search}
          data={runs.data}
          onChange={(p) => void navigate({ search: (s) => ({ ...s, ...p }) })}
        />
      </section>
      <LiveState />
      <ManifestsPanel />
    </div>
  );
}
