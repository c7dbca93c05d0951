// Requests and decisions per UTC day. One adapter, three sources, best first:
//  1. GET /api/v1/stats/grant-activity?days=N (an aggregate the API may add; see the web README),
//  2. the audit log (approvers): grant.requested / grant.activated / grant.rejected since N days ago,
//  3. the grants list (everyone else): requestedAt and decidedAt of recent grants.
// Sources 2 and 3 read pages of at most 500 up to a bound, so the dashboard never downloads a whole table.
import type { AuditEvent, Grant } from '@egress/shared';

import { api, isNotFound } from '../../../lib/api-client.ts';
import { dayKey } from '../../../lib/format.ts';
import { fetchAll } from '../../../lib/pagination.ts';

export interface DayActivity {
  date: string;
  requested: number;
  approved: number;
  rejected: number;
}

export interface Activity {
  days: DayActivity[];
  source: 'stats' | 'audit' | 'grants';
  truncated: boolean;
}

const DAY = 24 * 3600_000;
const CAP = 5000;

export function emptyDays(days: number, now: number): DayActivity[] {
  const today = Date.parse(`${dayKey(new Date(now))}T00:00:00.000Z`);
  return Array.from({ length: days }, (_, i) => ({
    date: dayKey(new Date(today - (days - 1 - i) * DAY)),
    requested: 0,
    approved: 0,
    rejected: 0,
  }));
}

function bump(days: DayActivity[], at: string | null, field: 'requested' | 'approved' | 'rejected') {
  if (!at) return;
  const day = days.find((d) => d.date === dayKey(at));
  if (day) day[field] += 1;
}

async function fromStats(days: number, signal: AbortSignal): Promise<Activity | null> {
  try {
    const res = await api<{ days: DayActivity[] }>('/api/v1/stats/grant-activity', {
      query: { days },
      signal,
    });
    return { days: res.days, source: 'stats', truncated: false };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function fromAudit(days: number, now: number, signal: AbortSignal): Promise<Activity> {
  const result = emptyDays(days, now);
  const from = `${result[0]?.date ?? dayKey(new Date(now))}T00:00:00.000Z`;
  const actions = [
    ['grant.requested', 'requested'],
    ['grant.activated', 'approved'],
    ['grant.rejected', 'rejected'],
  ] as const;
  let truncated = false;
  for (const [action, field] of actions) {
    const page = await fetchAll<AuditEvent>('/api/v1/audit-events', { action, from }, CAP, signal);
    truncated ||= page.truncated;
    for (const e of page.items) bump(result, e.at, field);
  }
  return { days: result, source: 'audit', truncated };
}

async function fromGrants(days: number, now: number, signal: AbortSignal): Promise<Activity> {
  const result = emptyDays(days, now);
  const page = await fetchAll<Grant>('/api/v1/grants', {}, 2000, signal);
  for (const g of page.items) {
    bump(result, g.requestedAt, 'requested');
    if (g.state === 'rejected') bump(result, g.decidedAt, 'rejected');
    const last = g.approvals[g.approvals.length - 1];
    if (g.approvals.length >= g.requiredApprovals && last) bump(result, last.at, 'approved');
  }
  return { days: result, source: 'grants', truncated: page.truncated };
}

export async function fetchActivity(
  days: number,
  canReadAudit: boolean,
  signal: AbortSignal,
  now = Date.now(),
): Promise<Activity> {
  return (
    (await fromStats(days, signal)) ??
    (canReadAudit ? fromAudit(days, now, signal) : fromGrants(days, now, signal))
  );
}
