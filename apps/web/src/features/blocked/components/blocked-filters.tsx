import { DebouncedSearch } from '../../../components/ui/debounced-search.tsx';
import { FilterBar, FilterSelect } from '../../../components/ui/filter-bar.tsx';
import { SearchPicker } from '../../../components/ui/search-picker.tsx';
import { searchServiceOptions, serviceKeys } from '../../services/api/services.queries.ts';
import {
  type BlockedFilter,
  isFiltered,
  SINCE_LABELS,
  SINCE_PRESETS,
  UNATTRIBUTED,
} from '../blocked-filter.ts';

const KNOWN_OPTIONS = [
  { value: 'true', label: 'Known (registered)' },
  { value: 'false', label: 'Unknown (not registered)' },
] as const;

/** The inbox filters; every change goes into the URL (and back to the first page). */
export function BlockedFilters({
  filter,
  onChange,
}: {
  filter: BlockedFilter;
  onChange: (patch: Partial<BlockedFilter>) => void;
}) {
  return (
    <FilterBar label="Filter blocked egress">
      <SearchPicker
        label="Service"
        value={filter.service}
        onChange={(service) => onChange({ service })}
        queryKey={serviceKeys.all}
        search={searchServiceOptions}
        placeholder="Any service"
        fixed={[{ value: UNATTRIBUTED, label: 'Unattributed (no service)' }]}
      />
      <DebouncedSearch
        label="Namespace"
        value={filter.namespace}
        onChange={(namespace) => onChange({ namespace })}
        placeholder="exact name"
      />
      <DebouncedSearch
        label="Destination contains"
        value={filter.destination}
        onChange={(destination) => onChange({ destination })}
        placeholder="host or IP"
      />
      <FilterSelect
        label="Destination is"
        value={filter.known}
        onChange={(known) => onChange({ known })}
        any="Known or unknown"
        options={KNOWN_OPTIONS}
      />
      <FilterSelect
        label="Seen"
        value={filter.since}
        onChange={(since) => onChange({ since })}
        any="Any time (retention period)"
        options={SINCE_PRESETS.map((p) => ({ value: p, label: SINCE_LABELS[p] }))}
      />
      {isFiltered(filter) ? (
        <button
          type="button"
          className="btn btn-small"
          onClick={() =>
            onChange({
              service: undefined,
              namespace: undefined,
              destination: undefined,
              known: undefined,
              since: undefined,
            })
          }
        >
          Clear filters
        </button>
      ) : null}
    </FilterBar>
  );
}
