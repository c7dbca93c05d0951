import { GRANT_STATES, type GrantState } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';

import { allDestinationsQuery } from '../../destinations/api/destinations.queries.ts';
import { allServicesQuery } from '../../services/api/services.queries.ts';

export interface GrantFilterValues {
  state: GrantState | 'all';
  service?: string | undefined;
  destination?: string | undefined;
  portWide?: 'true' | undefined;
}

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
  const services = useQuery(allServicesQuery());
  const destinations = useQuery(allDestinationsQuery());
  const portWide = value.portWide === 'true';
  return (
    <form className="filters" role="search" aria-label="Filter grants" onSubmit={(e) => e.preventDefault()}>
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
      <label>
        Service
        <select
          value={value.service ?? ''}
          onChange={(e) => onChange({ service: e.target.value || undefined })}
        >
          <option value="">All services</option>
          {services.data?.items.map((s) => (
            <option key={s.id} value={s.name}>
              {s.name} ({s.namespace})
            </option>
          ))}
        </select>
      </label>
      <label>
        Destination
        <select
          value={value.destination ?? ''}
          disabled={portWide}
          onChange={(e) => onChange({ destination: e.target.value || undefined })}
        >
          <option value="">All destinations</option>
          {destinations.data?.items.map((d) => (
            <option key={d.id} value={d.host}>
              {d.host}
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
    </form>
  );
}
