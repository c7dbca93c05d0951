// The blocked-egress inbox's filters as they live in the URL (?service=…&known=false&since=24h) and as
// the API wants them. "since" is a preset, not a timestamp: the link stays meaningful tomorrow, and the
// timestamp is computed when the request is sent, so it never becomes part of a cache key.
import type { QueryOf } from '../../lib/api-client.ts';

export const SINCE_PRESETS = ['1h', '24h', '7d'] as const;
export type SincePreset = (typeof SINCE_PRESETS)[number];

export const SINCE_LABELS: Record<SincePreset, string> = {
  '1h': 'Last hour',
  '24h': 'Last 24 h',
  '7d': 'Last 7 days',
};

const SPAN_MS: Record<SincePreset, number> = {
  '1h': 3600_000,
  '24h': 24 * 3600_000,
  '7d': 7 * 24 * 3600_000,
};

/** The API's marker for flows that no registered service matched. */
export const UNATTRIBUTED = '-';

type BlockedQuery = QueryOf<'listBlockedEgress'>;

/**
 * The API's filters (service: a name or UNATTRIBUTED; destination: part of the name or IP; known), with
 * `since` as a preset instead of the API's timestamp.
 */
export type BlockedFilter = Pick<BlockedQuery, 'service' | 'namespace' | 'destination' | 'known'> & {
  since?: SincePreset | undefined;
};

export function sinceTimestamp(preset: SincePreset, now: number): string {
  return new Date(now - SPAN_MS[preset]).toISOString();
}

/** The query string of GET /api/v1/blocked-egress for a filter, at time `now`. */
export function blockedApiQuery(filter: BlockedFilter, now: number): BlockedQuery {
  return {
    service: filter.service,
    namespace: filter.namespace,
    destination: filter.destination,
    known: filter.known,
    since: filter.since ? sinceTimestamp(filter.since, now) : undefined,
  };
}

/** Whether any filter narrows the list (the empty state then says "nothing matches", not "nothing yet"). */
export function isFiltered(filter: BlockedFilter): boolean {
  return [filter.service, filter.namespace, filter.destination, filter.known, filter.since].some(
    (v) => v !== undefined && v !== '',
  );
}

/** Only the filter's own fields: the page's search also holds the tab and the page position. */
export function pickFilter(search: BlockedFilter): BlockedFilter {
  const { service, namespace, destination, known, since } = search;
  return { service, namespace, destination, known, since };
}
