import { GRANT_STATES, type GrantState } from '@egress/shared';
import { Link } from '@tanstack/react-router';

import { FilterBar } from '../../../components/ui/filter-bar.tsx';
import { SearchPicker } from '../../../components/ui/search-picker.tsx';
import { destinationKeys, searchDestinationOptions } from '../../destinations/api/destinations.queries.ts';
import { searchServiceOptions, serviceKeys } from '../../services/api/services.queries.ts';

export interface GrantFilterValues {
  state: GrantState | 'all';
  service?: string | undefined;
  destination?: string | undefined;
  portWide?: 'true' | undefined;
  /** Active grants no connection used for this many days (server-side: unusedForDays). */
  unused?: number | undefined;
}

const UNUSED_CHOICES = [7, 30, 60, 90];

/** State, service, destination and port-wide filters; the values live in the URL. */
export function GrantFilters({
  value,
  onChange,
  filtered,
}: {
  value: GrantFilterValues;
  onChange: (patch: Partial<GrantFilterValues>) => void;
  filtered: boolean;
}) {
  const portWide = value.portWide === 'true';
  return (
    <FilterBar label="Filter grants">
      <label>
        State
        <select
          value={value.state}
          onChange={(e) => onChange({ state: e.target.value as GrantState | 'all' })}
        >
          <option value="all">All states</option>
          {GRANT_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <SearchPicker
        label="Service"
        value={value.service}
        onChange={(service) => onChange({ service })}
        queryKey={serviceKeys.all}
        search={searchServiceOptions}
        placeholder="All services"
      />
      {portWide ? null : (
        <SearchPicker
          label="Destination"
          value={value.destination}
          onChange={(destination) => onChange({ destination })}
          queryKey={destinationKeys.all}
          search={searchDestinationOptions}
          placeholder="All destinations"
        />
      )}
      <label>
        Unused for
        <select
          value={value.unused ?? ''}
          onChange={(e) => onChange({ unused: e.target.value === '' ? undefined : Number(e.target.value) })}
        >
          <option value="">Any usage</option>
          {UNUSED_CHOICES.map((d) => (
            <option key={d} value={d}>
              {d} days or more
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={portWide}
          onChange={(e) => onChange({ portWide: e.target.checked ? 'true' : undefined })}
        />
        Port-wide only
      </label>
      {filtered ? (
        <Link to="/grants" search={{}} className="btn btn-link">
          Reset filters
        </Link>
      ) : null}
    </FilterBar>
  );
}
