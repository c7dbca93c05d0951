/** Placeholder rows while a table loads; announced once as "Loading". */
export function TableSkeleton({
  columns,
  rows = 6,
  label = 'Loading',
}: {
  columns: number;
  rows?: number;
  label?: string;
}) {
  return (
    <tbody aria-busy="true">
      {Array.from({ length: rows }, (_, r) => (
        <tr key={r} className="skeleton-row">
          {Array.from({ length: columns }, (_, c) => (
            <td key={c}>
              {r === 0 && c === 0 ? <span className="sr-only">{label}</span> : null}
              <span className="skeleton" />
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  );
}

export function BlockSkeleton({ lines = 3, label = 'Loading' }: { lines?: number; label?: string }) {
  return (
    <div aria-busy="true" className="block-skeleton">
      <span className="sr-only">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} className="skeleton" style={{ width: `${90 - i * 15}%` }} />
      ))}
    </div>
  );
}
