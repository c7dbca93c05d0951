import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditAction, type AuditTargetType } from '@egress/shared';
import { Link } from '@tanstack/react-router';

import { DebouncedSearch } from '../../../components/ui/debounced-search.tsx';

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
    <form
      className="filters"
      role="search"
      aria-label="Filter audit events"
      onSubmit={(e) => e.preventDefault()}
    >
      <DebouncedSearch
        label="Actor"
        value={value.actor}
        onChange={(actor) => onChange({ actor })}
        placeholder="email"
      />
      <label>
        Action
        <select
          value={value.action ?? ''}
          onChange={(e) => onChange({ action: (e.target.value || undefined) as AuditAction | undefined })}
        >
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        Target type
        <select
          value={value.targetType ?? ''}
          onChange={(e) =>
            onChange({ targetType: (e.target.value || undefined) as AuditTargetType | undefined })
          }
        >
          <option value="">Any target</option>
          {AUDIT_TARGET_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
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
    </form>
  );
}
