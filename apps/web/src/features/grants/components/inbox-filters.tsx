// The approver's inbox filters (issue 18): sensitivity, port-wide, team, and "waiting on me". The values
// live in the URL and go to the API as server-side filters (the inbox is paged there).
import { DebouncedSearch } from '../../../components/ui/debounced-search.tsx';
import type { InboxFilter } from '../api/grants.queries.ts';

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
    <form
      className="filters"
      role="search"
      aria-label="Filter the inbox"
      onSubmit={(e) => e.preventDefault()}
    >
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
      <label>
        Sensitivity
        <select
          value={value.sensitivity ?? ''}
          onChange={(e) =>
            onChange({ sensitivity: (e.target.value || undefined) as InboxFilter['sensitivity'] })
          }
        >
          <option value="">Any sensitivity</option>
          <option value="sensitive">Sensitive</option>
          <option value="standard">Standard</option>
        </select>
      </label>
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
    </form>
  );
}
