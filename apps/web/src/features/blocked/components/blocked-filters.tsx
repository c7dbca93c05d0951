import { DebouncedSearch } from '../../../components/ui/debounced-search.tsx';
import { SearchPicker } from '../../../components/ui/search-picker.tsx';
import { searchServiceOptions, serviceKeys } from '../../services/api/services.queries.ts';
import {
  type BlockedFilter,
  isFiltered,
  SINCE_LABELS,
  SINCE_PRESETS,
  type SincePreset,
  UNATTRIBUTED,
} from '../blocked-filter.ts';

const orUndefined = (v: string) => v || undefined;

/** The inbox filters; every change goes into the URL (and back to the first page). */
export function BlockedFilters({
  filter,
  onChange,
}: {
  filter: BlockedFilter;
  onChange: (patch: Partial<BlockedFilter>) => void;
}) {
  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter blocked egress"
      onSubmit={(e) => e.preventDefault()}
    >
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
      <label>
        Destination is
        <select
          value={filter.known ?? ''}
          onChange={(e) => onChange({ known: orUndefined(e.target.value) as BlockedFilter['known'] })}
        >
          <option value="">Known or unknown</option>
          <option value="true">Known (registered)</option>
          <option value="false">Unknown (not registered)</option>
        </select>
      </label>
      <label>
        Seen
        <select
          value={filter.since ?? ''}
          onChange={(e) => onChange({ since: orUndefined(e.target.value) as SincePreset | undefined })}
        >
          <option value="">Any time (retention period)</option>
          {SINCE_PRESETS.map((p) => (
            <option key={p} value={p}>
              {SINCE_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
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
    </form>
  );
}
