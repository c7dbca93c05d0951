import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api, endpointUrl, type QueryOf } from '../../../lib/api-client.ts';

/** GET /api/v1/audit-events's query without the format (the list is JSON; the CSV link adds it). */
export type AuditFilter = Omit<QueryOf<'listAuditEvents'>, 'format'>;

export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (filter: AuditFilter) => [...auditKeys.lists(), filter] as const,
  verify: () => [...auditKeys.all, 'verify'] as const,
};

export function auditListQuery(filter: AuditFilter) {
  return queryOptions({
    queryKey: auditKeys.list(filter),
    queryFn: ({ signal }) => api.listAuditEvents({ query: { limit: 50, ...filter } }, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function auditVerifyQuery() {
  return queryOptions({
    queryKey: auditKeys.verify(),
    queryFn: ({ signal }) => api.verifyAuditChain(undefined, { signal }),
    staleTime: 30_000,
  });
}

/** The CSV export of exactly the current filter (every match, not one page); a plain same-origin link. */
export function auditCsvHref(filter: AuditFilter): string {
  const { cursor: _cursor, limit: _limit, ...rest } = filter;
  return endpointUrl('listAuditEvents', { query: { ...rest, format: 'csv' } });
}
