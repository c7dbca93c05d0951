// The approver's inbox filters (issue 18): sensitivity, port-wide, team, and "waiting on me". The values
// live in the URL and go to the API as server-side filters (the inbox is paged there).
import { DebouncedSearch } from '../../../components/ui/debounced-search.tsx';
import { FilterBar, FilterSelect } from '../../../components/ui/filter-bar.tsx';
import type { InboxFilter } from '../api/grants.queries.ts';

const SENSITIVITY_OPTIONS = [
  { value: 'sensitive', label: 'Sensitive' },
  { value: 'standard', label: 'Standard' },
] as const;

export function InboxFilters({
  value,
  onChange,
  canDecide,
}: {
  value: InboxFilter;
  onChange: (patch: Partial<InboxFilter>) => void;
  canDecide: boolean;
}) {
  return (
    <FilterBar label="Filter the inbox">
      {canDecide ? (
        <label className="check">
          <input
            type="checkbox"
            checked={value.waiting === 'true'}
            onChange={(e) => onChange({ waiting: e.target.checked ? 'true' : undefined })}
          />
          Waiting on me
        </label>
      ) : null}
      <FilterSelect
        label="Sensitivity"
        value={value.sensitivity}
        onChange={(sensitivity) => onChange({ sensitivity })}
        any="Any sensitivity"
        options={SENSITIVITY_OPTIONS}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={value.portWide === 'true'}
          onChange={(e) => onChange({ portWide: e.target.checked ? 'true' : undefined })}
        />
        Port-wide only
      </label>
      <DebouncedSearch
        label="Team"
        value={value.team}
        onChange={(team) => onChange({ team })}
        placeholder="Any team"
      />
    </FilterBar>
  );
}
