interface Props {
  namespace: string | undefined;
  destination: string | undefined;
  namespaces: string[];
  hosts: string[];
  onChange: (patch: { namespace?: string | undefined; destination?: string | undefined }) => void;
}

export function GraphFilters({ namespace, destination, namespaces, hosts, onChange }: Props) {
  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter the graph"
      onSubmit={(e) => e.preventDefault()}
    >
      <label>
        Namespace
        <select
          value={namespace ?? ''}
          onChange={(e) => onChange({ namespace: e.target.value || undefined })}
        >
          <option value="">All namespaces</option>
          {namespaces.map((ns) => (
            <option key={ns} value={ns}>
              {ns}
            </option>
          ))}
        </select>
      </label>
      <label>
        Destination
        <select
          value={destination ?? ''}
          onChange={(e) => onChange({ destination: e.target.value || undefined })}
        >
          <option value="">All destinations</option>
          <option value="*">Any host (port-wide)</option>
          {hosts.map((h) => (
            <option key={h} value={h}>
              {h}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
