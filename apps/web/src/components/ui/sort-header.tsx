/**
 * A sortable column header: a button in the `<th>`, the order announced with aria-sort. Activating the
 * sorted column flips its direction; another column starts ascending.
 */
export function SortHeader<K extends string>({
  label,
  column,
  sort,
  onSort,
  className,
}: {
  label: string;
  column: K;
  sort: { key: K; dir: 'asc' | 'desc' };
  onSort: (next: { key: K; dir: 'asc' | 'desc' }) => void;
  className?: string;
}) {
  const active = sort.key === column;
  const next = active && sort.dir === 'asc' ? 'desc' : 'asc';
  return (
    <th
      scope="col"
      className={className}
      aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
    >
      <button type="button" className="sort-button" onClick={() => onSort({ key: column, dir: next })}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
