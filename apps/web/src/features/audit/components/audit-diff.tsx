/** Before and after of one event, key by key; changed keys are marked. */
function show(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const b = asRecord(before);
  const a = asRecord(after);
  if (!b && !a) {
    return (
      <p className="muted small">
        {before === null && after === null ? (
          'No before/after recorded for this event.'
        ) : (
          <code>{show(after ?? before)}</code>
        )}
      </p>
    );
  }
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
  return (
    <table className="table diff">
      <caption className="sr-only">Before and after</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => {
          const changed = JSON.stringify(b?.[k]) !== JSON.stringify(a?.[k]);
          return (
            <tr key={k} className={changed ? 'changed' : undefined}>
              <th scope="row">
                {k}
                {changed ? <span className="sr-only"> (changed)</span> : null}
              </th>
              <td>
                <pre>{b ? show(b[k]) : '—'}</pre>
              </td>
              <td>
                <pre>{a ? show(a[k]) : '—'}</pre>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
