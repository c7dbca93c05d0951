// Readable reasons for objects the API server refused. The API server's own message is kept where it
// is the useful part (which field is invalid), behind our sentence saying what happened.
import type { KubeResponse } from './client.ts';

interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  details?: { causes?: StatusCause[] };
}

function statusOf(res: KubeResponse): Status {
  const body: unknown = res.body;
  return typeof body === 'object' && body !== null ? body : {};
}

const clip = (text: string, max = 400): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** Field managers and fields of a server-side apply conflict (HTTP 409 with FieldManagerConflict causes). */
export function conflictReason(res: KubeResponse): string {
  const causes = (statusOf(res).details?.causes ?? []).filter((c) => c.reason === 'FieldManagerConflict');
  const managers = [
    ...new Set(
      causes.map((c) => /conflict with "([^"]*)"/.exec(c.message ?? '')?.[1] ?? 'another field manager'),
    ),
  ];
  const fields = causes.map((c) => c.field ?? '').filter(Boolean);
  const shown = fields.slice(0, 5).join(', ') + (fields.length > 5 ? ` and ${fields.length - 5} more` : '');
  return (
    `conflict: ${shown || 'fields we set'} ${fields.length === 1 ? 'is' : 'are'} managed by ${managers.map((m) => `"${m}"`).join(', ')}; ` +
    'egress-control did not create this object and does not take it over (delete it, or label it ' +
    'app.kubernetes.io/managed-by=egress-control to hand it over)'
  );
}

/** A sentence for a failed write of one object. */
export function failureReason(action: 'apply' | 'delete' | 'repair', res: KubeResponse): string {
  const status = statusOf(res);
  const detail = status.message ? `: ${clip(status.message)}` : '';
  switch (res.status) {
    case 409:
      if (
        action === 'apply' &&
        (status.details?.causes ?? []).some((c) => c.reason === 'FieldManagerConflict')
      )
        return conflictReason(res);
      return `the object changed while being written; the next run retries${detail}`;
    case 422:
      return `rejected as invalid by the API server${detail}`;
    case 403:
      return `forbidden: the reconciler's account may not ${action === 'delete' ? 'delete' : 'create or patch'} this object (check its RBAC)${detail}`;
    case 404:
      return `not found (its namespace may be missing or terminating)${detail}`;
    case 400:
      return `refused by the API server as a bad request${detail}`;
    default:
      return `the API server answered HTTP ${res.status}${detail}`;
  }
}
