import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditAction, type AuditTargetType } from '@egress/shared';
import { Link } from '@tanstack/react-router';

import { DebouncedSearch } from '../../../components/ui/debounced-search.tsx';
import { FilterBar, FilterSelect } from '../../../components/ui/filter-bar.tsx';

export interface AuditSearch {
  actor?: string | undefined;
  action?: AuditAction | undefined;
  targetType?: AuditTargetType | undefined;
  targetId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function AuditFilters({
  value,
  onChange,
  filtered,
}: {
  value: AuditSearch;
  onChange: (patch: AuditSearch) => void;
  filtered: boolean;
}) {
  return (
    <FilterBar label="Filter audit events">
      <DebouncedSearch
        label="Actor"
        value={value.actor}
        onChange={(actor) => onChange({ actor })}
        placeholder="email"
      />
      <FilterSelect
        label="Action"
        value={value.action}
        onChange={(action) => onChange({ action })}
        any="Any action"
        options={AUDIT_ACTIONS}
      />
      <FilterSelect
        label="Target type"
        value={value.targetType}
        onChange={(targetType) => onChange({ targetType })}
        any="Any target"
        options={AUDIT_TARGET_TYPES}
      />
      <DebouncedSearch
        label="Target id"
        value={value.targetId}
        onChange={(targetId) => onChange({ targetId })}
      />
      <label>
        From
        <input
          type="date"
          value={value.from ?? ''}
          onChange={(e) => onChange({ from: e.target.value || undefined })}
        />
      </label>
      <label>
        To
        <input
          type="date"
          value={value.to ?? ''}
          onChange={(e) => onChange({ to: e.target.value || undefined })}
        />
      </label>
      {filtered ? (
        <Link to="/audit" search={{}} className="btn btn-link">
          Reset filters
        </Link>
      ) : null}
    </FilterBar>
  );
}
