import { FilterBar, FilterSelect } from '../../../components/ui/filter-bar.tsx';

interface Props {
  namespace: string | undefined;
  destination: string | undefined;
  namespaces: string[];
  hosts: string[];
  onChange: (patch: { namespace?: string | undefined; destination?: string | undefined }) => void;
}

export function GraphFilters({ namespace, destination, namespaces, hosts, onChange }: Props) {
  return (
    <FilterBar label="Filter the graph">
      <FilterSelect
        label="Namespace"
        value={namespace}
        onChange={(ns) => onChange({ namespace: ns })}
        any="All namespaces"
        options={namespaces}
      />
      <FilterSelect
        label="Destination"
        value={destination}
        onChange={(host) => onChange({ destination: host })}
        any="All destinations"
        options={[{ value: '*', label: 'Any host (port-wide)' }, ...hosts]}
      />
    </FilterBar>
  );
}
