import type { AuditEvent, AuditVerify } from '@egress/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api, withQuery } from '../../../lib/api-client.ts';
import type { Page } from '../../../lib/pagination.ts';

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (filter: AuditFilter) => [...auditKeys.lists(), filter] as const,
  verify: () => [...auditKeys.all, 'verify'] as const,
};

export function auditListQuery(filter: AuditFilter) {
  return queryOptions({
    queryKey: auditKeys.list(filter),
    queryFn: ({ signal }) =>
      api<Page<AuditEvent>>('/api/v1/audit-events', { query: { limit: 50, ...filter }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function auditVerifyQuery() {
  return queryOptions({
    queryKey: auditKeys.verify(),
    queryFn: ({ signal }) => api<AuditVerify>('/api/v1/audit-events/verify', { signal }),
    staleTime: 30_000,
  });
}

/** The CSV export of exactly the current filter (every match, not one page); a plain same-origin link. */
export function auditCsvHref(filter: AuditFilter): string {
  const { cursor: _cursor, limit: _limit, ...rest } = filter;
  return withQuery('/api/v1/audit-events', { ...rest, format: 'csv' });
}
