// Every statement on alerts and alert rules. Both are read as the API returns them, with one statement
// each (joined to the service's name and the acknowledging user's email). Each method takes an optional
// transaction.
import type { Alert, AlertRule } from '@egress/shared';

import { type Db, Prisma, type Tx } from '../../platform/db.ts';
import { keysetSql, type Page, toPage } from '../../platform/pagination.ts';

const sql = Prisma.sql;

/** Namespace of the (rule, subject) advisory locks: the two-key form never meets the one-key audit lock. */
const ALERT_LOCK_CLASS = 7_270_010;

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
  kind: Alert['kind'];
  details: Alert['drift'];
}

function toAlertDto(r: AlertRow): Alert {
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
    kind: r.kind,
    drift: r.kind === 'drift' ? r.details : null,
  };
}

/** `where` and `order` refer to the alerts table only (alias a). */
async function selectAlerts(
  tx: Tx | Db,
  where: Prisma.Sql,
  order: Prisma.Sql,
  limit: number,
): Promise<Alert[]> {
  const rows = await tx.$queryRaw<AlertRow[]>`
    SELECT a.id, a.rule_id, a.rule_name, a.service_id, s.name AS service, a.source_namespace, a.count, a.threshold,
           a.window_start, a.window_end, a.destinations, a.raised_at, a.acknowledged_at, u.email AS acknowledged_by, a.comment,
           a.kind, a.details
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

async function selectRules(tx: Tx | Db, where: Prisma.Sql, limit: number): Promise<AlertRule[]> {
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

/** A rule and subject pair over its threshold without a recent alert: worth deciding under its lock. */
export interface AlertCandidate {
  rule_id: string;
  service_id: string | null;
  namespace: string;
}

export interface RuleForEvaluation {
  id: string;
  name: string;
  threshold: number;
  window_seconds: number;
}

const STATE = {
  open: sql`a.acknowledged_at IS NULL`,
  acknowledged: sql`a.acknowledged_at IS NOT NULL`,
  all: sql`TRUE`,
} as const;

/** The flows of a subject: a service's (any namespace), or the unattributed ones of a namespace. */
function subjectFlows(subject: { service_id: string | null; namespace: string }) {
  return subject.service_id !== null
    ? sql`f.service_id = ${subject.service_id}::uuid`
    : sql`f.service_id IS NULL AND f.source_namespace = ${subject.namespace}`;
}

export function createAlertsRepository(db: Db) {
  const alertById = async (id: string, tx: Tx | Db): Promise<Alert | null> =>
    (await selectAlerts(tx, sql`a.id = ${id}::uuid`, sql`a.id`, 1))[0] ?? null;
  const ruleById = async (id: string, tx: Tx | Db): Promise<AlertRule | null> =>
    (await selectRules(tx, sql`r.id = ${id}::uuid`, 1))[0] ?? null;

  return {
    /** Newest first; keyset on (raised_at, id) as a row comparison, like the other lists. */
    async listAlerts(q: {
      state: keyof typeof STATE;
      limit: number;
      cursor?: string | undefined;
    }): Promise<Page<Alert>> {
      const conditions = [
        STATE[q.state],
        keysetSql(
          sql`a.raised_at, a.id`,
          q.cursor,
          'desc',
          (k, id) => sql`${new Date(k)}::timestamptz, ${id}::uuid`,
        ),
      ];
      const rows = await selectAlerts(
        db,
        Prisma.join(conditions, ' AND '),
        sql`a.raised_at DESC, a.id DESC`,
        q.limit + 1,
      );
      return toPage(
        rows,
        q.limit,
        (a) => a,
        (a) => [a.raisedAt, a.id],
      );
    },
    findAlert: (id: string, tx: Tx | Db = db) => alertById(id, tx),
    /** Locks the alert row until the transaction ends; false when it does not exist. */
    async lockAlert(id: string, tx: Tx): Promise<boolean> {
      return (
        (await tx.$queryRaw<unknown[]>`SELECT 1 FROM alerts WHERE id = ${id}::uuid FOR UPDATE`).length > 0
      );
    },
    async acknowledge(
      id: string,
      ack: { at: Date; userId: string; comment: string | null },
      tx: Tx | Db = db,
    ): Promise<void> {
      await tx.$executeRaw`UPDATE alerts SET acknowledged_at = ${ack.at}, acknowledged_by_id = ${ack.userId}::uuid, comment = ${ack.comment} WHERE id = ${id}::uuid`;
    },

    /** Rules by name (then id), keyset-paginated. */
    async listRules(limit: number, cursor: string | undefined): Promise<Page<AlertRule>> {
      const rows = await selectRules(
        db,
        keysetSql(sql`r.name, r.id`, cursor, 'asc', (k, id) => sql`${String(k)}, ${id}::uuid`),
        limit + 1,
      );
      return toPage(
        rows,
        limit,
        (r) => r,
        (r) => [r.name, r.id],
      );
    },
    findRule: (id: string, tx: Tx | Db = db) => ruleById(id, tx),
    async lockRule(id: string, tx: Tx): Promise<boolean> {
      return (
        (await tx.$queryRaw<unknown[]>`SELECT 1 FROM alert_rules WHERE id = ${id}::uuid FOR UPDATE`).length >
        0
      );
    },
    /** The id of the live service of that name, or null. */
    async liveServiceId(name: string, tx: Tx | Db = db): Promise<string | null> {
      return (
        (await tx.service.findFirst({ where: { name, deletedAt: null }, select: { id: true } }))?.id ?? null
      );
    },
    async insertRule(rule: Prisma.AlertRuleUncheckedCreateInput, tx: Tx | Db = db): Promise<string> {
      return (await tx.alertRule.create({ data: rule, select: { id: true } })).id;
    },
    async updateRule(id: string, data: Prisma.AlertRuleUpdateInput, tx: Tx | Db = db): Promise<void> {
      await tx.alertRule.update({ where: { id }, data });
    },
    /** False when there was no such rule. */
    async deleteRule(id: string, tx: Tx | Db = db): Promise<boolean> {
      return (await tx.alertRule.deleteMany({ where: { id } })).count > 0;
    },

    /** Every (enabled rule, subject) pair over its threshold without a recent alert, in one statement. */
    candidates(
      subjects: readonly { serviceId: string | null; namespace: string }[],
      now: Date,
    ): Promise<AlertCandidate[]> {
      const ids = subjects.map((s) => s.serviceId);
      const namespaces = subjects.map((s) => s.namespace);
      // Its planner cost (correlated sums per rule and subject) is far above jit_above_cost, and PostgreSQL
      // then spent ~365 ms compiling a statement that runs in ~9 ms (bench/flows README). SET LOCAL keeps
      // the change to this statement and works through any pooler (PgBouncer refuses `options=-c jit=off`).
      return db.$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL jit = off`;
        return tx.$queryRaw<AlertCandidate[]>`
        WITH subjects AS (SELECT * FROM unnest(${ids}::uuid[], ${namespaces}::text[]) AS s(service_id, namespace)),
        pairs AS (
          SELECT r.id AS rule_id, r.threshold, s.service_id, s.namespace, ${now}::timestamptz - make_interval(secs => r.window_seconds) AS since
          FROM alert_rules r JOIN subjects s ON r.service_id = s.service_id OR (r.service_id IS NULL)
          WHERE r.enabled)
        SELECT p.rule_id, p.service_id, p.namespace
        FROM pairs p
        WHERE CASE WHEN p.service_id IS NOT NULL
                   THEN (SELECT COALESCE(sum(f.count), 0) FROM blocked_flows f WHERE f.service_id = p.service_id AND f.last_seen >= p.since)
                   ELSE (SELECT COALESCE(sum(f.count), 0) FROM blocked_flows f WHERE f.service_id IS NULL AND f.source_namespace = p.namespace AND f.last_seen >= p.since)
              END >= p.threshold
          AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.rule_id = p.rule_id AND a.raised_at > p.since
                            AND a.service_id IS NOT DISTINCT FROM p.service_id AND (p.service_id IS NOT NULL OR a.source_namespace = p.namespace))`;
      });
    },

    /** Serialises the decisions on one (rule, subject) until the transaction ends. */
    async lockSubject(c: AlertCandidate, tx: Tx): Promise<void> {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ALERT_LOCK_CLASS}::int, hashtext(${`${c.rule_id}/${c.service_id ?? `ns:${c.namespace}`}`}))`;
    },
    async enabledRule(id: string, tx: Tx | Db = db): Promise<RuleForEvaluation | null> {
      const [rule] = await tx.$queryRaw<
        RuleForEvaluation[]
      >`SELECT id, name, threshold, window_seconds FROM alert_rules WHERE id = ${id}::uuid AND enabled`;
      return rule ?? null;
    },
    /** Denied flows of the subject last seen since `since`. */
    async total(c: AlertCandidate, since: Date, tx: Tx | Db = db): Promise<number> {
      const [row] = await tx.$queryRaw<
        { n: bigint | null }[]
      >`SELECT sum(f.count) AS n FROM blocked_flows f WHERE ${subjectFlows(c)} AND f.last_seen >= ${since}`;
      return Number(row?.n ?? 0n);
    },
    async recentlyRaised(c: AlertCandidate, since: Date, tx: Tx | Db = db): Promise<boolean> {
      const rows = await tx.$queryRaw<unknown[]>`
        SELECT 1 FROM alerts a WHERE a.rule_id = ${c.rule_id}::uuid AND a.raised_at > ${since}
          AND a.service_id IS NOT DISTINCT FROM ${c.service_id}::uuid AND (${c.service_id}::uuid IS NOT NULL OR a.source_namespace = ${c.namespace})
        LIMIT 1`;
      return rows.length > 0;
    },
    topDestinations(
      c: AlertCandidate,
      since: Date,
      limit: number,
      tx: Tx | Db = db,
    ): Promise<Alert['destinations']> {
      return tx.$queryRaw<Alert['destinations']>`
        SELECT f.dest_key AS destination, f.port, f.protocol::text AS protocol, LEAST(sum(f.count), 2147483647)::int AS count
        FROM blocked_flows f WHERE ${subjectFlows(c)} AND f.last_seen >= ${since}
        GROUP BY f.dest_key, f.port, f.protocol
        ORDER BY sum(f.count) DESC, f.dest_key, f.port
        LIMIT ${limit}`;
    },
    /** Stores a raised alert and returns it as the API shows it. */
    async insertAlert(
      a: {
        id: string;
        rule: RuleForEvaluation;
        subject: AlertCandidate;
        count: number;
        since: Date;
        now: Date;
        destinations: Alert['destinations'];
      },
      tx: Tx,
    ): Promise<Alert | null> {
      await tx.$executeRaw`
        INSERT INTO alerts (id, rule_id, rule_name, service_id, source_namespace, count, threshold, window_start, window_end, destinations, raised_at)
        VALUES (${a.id}::uuid, ${a.rule.id}::uuid, ${a.rule.name}, ${a.subject.service_id}::uuid, ${a.subject.namespace}, ${Math.min(a.count, 2_147_483_647)}, ${a.rule.threshold},
                ${a.since}, ${a.now}, ${JSON.stringify(a.destinations)}::jsonb, ${a.now})`;
      return alertById(a.id, tx);
    },
  };
}

export type AlertsRepository = ReturnType<typeof createAlertsRepository>;
