import type { ReconcileStatusReport } from '@egress/shared';

import { DataTable } from '../../../components/ui/data-table.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';

/** Objects whose live state differs from the desired one, as the status report lists them. */
export function DriftSection({ report }: { report: ReconcileStatusReport }) {
  let body: React.ReactNode;
  if (report.error !== null) {
    body = <p className="muted">Drift is unknown: the live state could not be read ({report.error}).</p>;
  } else if (report.target === 'none') {
    body = <p className="muted">The none target renders nothing, so there is no live state to compare.</p>;
  } else if (report.drift.length === 0) {
    body = <p className="muted">No drift: the {report.target} target matches the desired state.</p>;
  } else {
    body = (
      <DataTable
        caption={`Drift: ${report.drift.length} objects differ from the desired state`}
        head={
          <>
            <th scope="col">Kind</th>
            <th scope="col">Namespace/name</th>
            <th scope="col">Reason</th>
          </>
        }
        columns={3}
        items={report.drift}
        empty={{ title: 'No drift.' }}
        row={(d) => (
          <tr key={`${d.kind}/${d.namespace ?? ''}/${d.name}`}>
            <td>{d.kind}</td>
            <td>
              <code>
                {d.namespace ? `${d.namespace}/` : ''}
                {d.name}
              </code>
            </td>
            <td>{d.reason}</td>
          </tr>
        )}
      />
    );
  }
  return (
    <section aria-labelledby="drift-title">
      <h2 id="drift-title">Drift</h2>
      <p className="muted small">
        Observed <RelativeTime iso={report.observedAt} /> on the {report.target} target.
      </p>
      {body}
    </section>
  );
}
