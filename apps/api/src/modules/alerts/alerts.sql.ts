// Alerts and alert rules as the API returns them, read with one statement each (joined to the
// service's name and the acknowledging user's email).
import type { Alert, AlertRule } from '@egress/shared';

import { Prisma, type Db, type Tx } from '../../platform/db.ts';

export const sql = Prisma.sql;
export const join = Prisma.join;

interface AlertRow {
  id: string;
  rule_id: string | null;
  rule_name: string;
  service_id: string | null;
  service: string | null;
  source_namespace: string;
  count: number;
  threshold: number;
  window_start: Date;
  window_end: Date;
  destinations: Alert['destinations'];
  raised_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  comment: string | null;
}

export function toAlertDto(r: AlertRow): Alert {
  return {
    id: r.id,
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    serviceId: r.service_id,
    service: r.service,
    sourceNamespace: r.source_namespace,
    count: r.count,
    threshold: r.threshold,
    windowStart: r.window_start.toISOString(),
    windowEnd: r.window_end.toISOString(),
    destinations: r.destinations,
    raisedAt: r.raised_at.toISOString(),
    acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: r.acknowledged_by,
    comment: r.comment,
  };
}

/** `where` and `order` refer to the alerts table only (alias a). */
export async function selectAlerts(tx: Tx | Db, where: Prisma.Sql, order: Prisma.Sql, limit: number): Promise<Alert[]> {
  const rows = await tx.$queryRaw<AlertRow[]>`
    SELECT a.id, a.rule_id, a.rule_name, a.service_id, s.name AS service, a.source_namespace, a.count, a.threshold,
           a.window_start, a.window_end, a.destinations, a.raised_at, a.acknowledged_at, u.email AS acknowledged_by, a.comment
    FROM alerts a
    LEFT JOIN services s ON s.id = a.service_id
    LEFT JOIN users u ON u.id = a.acknowledged_by_id
    WHERE ${where}
    ORDER BY ${order}
    LIMIT ${limit}`;
  return rows.map(toAlertDto);
}

interface RuleRow {
  id: string;
  name: string;
  service_id: string | null;
  service: string | null;
  threshold: number;
  window_seconds: number;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

export async function selectRules(tx: Tx | Db, where: Prisma.Sql, limit: number): Promise<AlertRule[]> {
  const rows = await tx.$queryRaw<RuleRow[]>`
    SELECT r.id, r.name, r.service_id, s.name AS service, r.threshold, r.window_seconds, r.enabled, r.created_at, r.updated_at
    FROM alert_rules r LEFT JOIN services s ON s.id = r.service_id
    WHERE ${where}
    ORDER BY r.name, r.id
    LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    serviceId: r.service_id,
    service: r.service,
    threshold: r.threshold,
    windowSeconds: r.window_seconds,
    enabled: r.enabled,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}
