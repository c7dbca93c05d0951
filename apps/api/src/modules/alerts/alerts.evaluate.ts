// Alert rules, evaluated after each ingest for the sources it touched. A rule fires for a subject (a
// service, or for a rule on every service also the unattributed flows of one namespace) when the
// denied flows last seen within its window add up to its threshold, and no alert of the rule for that
// subject was raised within the window: while the flows go on, it fires again once per window.
//
// The common case (nothing fires) is one statement for all subjects and rules. Each candidate is then
// decided in its own transaction under an advisory lock on (rule, subject), re-checked there, so two
// ingests evaluating at once raise one alert: the second waits for the first to commit and then sees
// its alert.
import { randomUUID } from 'node:crypto';

import type { Alert } from '@egress/shared';

import { SYSTEM_ACTOR, type AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { selectAlerts, sql } from './alerts.sql.ts';

/**
 * Who a rule is evaluated for: a service, or (serviceId null) the unattributed flows of a namespace. The
 * flows module hands these over after an ingest (wired in app.ts; modules do not import each other).
 */
export interface AlertSubject {
  serviceId: string | null;
  namespace: string;
}

/** Namespace of the (rule, subject) advisory locks: the two-key form never meets the one-key audit lock. */
const ALERT_LOCK_CLASS = 7_270_010;
const TOP_DESTINATIONS = 10;

interface Candidate {
  rule_id: string;
  service_id: string | null;
  namespace: string;
}

interface RuleRow {
  id: string;
  name: string;
  threshold: number;
  window_seconds: number;
}

/** The flows of a subject: a service's (any namespace), or the unattributed ones of a namespace. */
function subjectFlows(subject: { service_id: string | null; namespace: string }) {
  return subject.service_id !== null ? sql`f.service_id = ${subject.service_id}::uuid` : sql`f.service_id IS NULL AND f.source_namespace = ${subject.namespace}`;
}

export function createAlertEvaluator({ db, audit, clock }: { db: Db; audit: AuditLog; clock: Clock }) {
  /** Every (enabled rule, subject) pair over its threshold without a recent alert, in one statement. */
  function candidates(subjects: readonly AlertSubject[], now: Date): Promise<Candidate[]> {
    const ids = subjects.map((s) => s.serviceId);
    const namespaces = subjects.map((s) => s.namespace);
    // Its planner cost (correlated sums per rule and subject) is far above jit_above_cost, and PostgreSQL
    // then spent ~365 ms compiling a statement that runs in ~9 ms (bench/flows README). SET LOCAL keeps
    // the change to this statement and works through any pooler (PgBouncer refuses `options=-c jit=off`).
    return db.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL jit = off`;
      return tx.$queryRaw<Candidate[]>`
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
  }

  async function total(tx: Tx, c: Candidate, since: Date): Promise<number> {
    const [row] = await tx.$queryRaw<{ n: bigint | null }[]>`SELECT sum(f.count) AS n FROM blocked_flows f WHERE ${subjectFlows(c)} AND f.last_seen >= ${since}`;
    return Number(row?.n ?? 0n);
  }

  async function recentlyRaised(tx: Tx, c: Candidate, since: Date): Promise<boolean> {
    const rows = await tx.$queryRaw<unknown[]>`
      SELECT 1 FROM alerts a WHERE a.rule_id = ${c.rule_id}::uuid AND a.raised_at > ${since}
        AND a.service_id IS NOT DISTINCT FROM ${c.service_id}::uuid AND (${c.service_id}::uuid IS NOT NULL OR a.source_namespace = ${c.namespace})
      LIMIT 1`;
    return rows.length > 0;
  }

  function topDestinations(tx: Tx, c: Candidate, since: Date): Promise<Alert['destinations']> {
    return tx.$queryRaw<Alert['destinations']>`
      SELECT f.dest_key AS destination, f.port, f.protocol::text AS protocol, LEAST(sum(f.count), 2147483647)::int AS count
      FROM blocked_flows f WHERE ${subjectFlows(c)} AND f.last_seen >= ${since}
      GROUP BY f.dest_key, f.port, f.protocol
      ORDER BY sum(f.count) DESC, f.dest_key, f.port
      LIMIT ${TOP_DESTINATIONS}`;
  }

  /** Decides one candidate under its lock; true when it raised an alert. */
  async function raise(c: Candidate, requestId: string | null): Promise<boolean> {
    return db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ALERT_LOCK_CLASS}::int, hashtext(${`${c.rule_id}/${c.service_id ?? `ns:${c.namespace}`}`}))`;
      // Re-read everything after the lock: the rule may have changed, another ingest may have raised.
      const [rule] = await tx.$queryRaw<RuleRow[]>`SELECT id, name, threshold, window_seconds FROM alert_rules WHERE id = ${c.rule_id}::uuid AND enabled`;
      if (!rule) return false;
      const now = clock.now();
      const since = new Date(now.getTime() - rule.window_seconds * 1000);
      if (await recentlyRaised(tx, c, since)) return false;
      const count = await total(tx, c, since);
      if (count < rule.threshold) return false;
      const id = randomUUID();
      const destinations = await topDestinations(tx, c, since);
      await tx.$executeRaw`
        INSERT INTO alerts (id, rule_id, rule_name, service_id, source_namespace, count, threshold, window_start, window_end, destinations, raised_at)
        VALUES (${id}::uuid, ${rule.id}::uuid, ${rule.name}, ${c.service_id}::uuid, ${c.namespace}, ${Math.min(count, 2_147_483_647)}, ${rule.threshold},
                ${since}, ${now}, ${JSON.stringify(destinations)}::jsonb, ${now})`;
      const [alert] = await selectAlerts(tx, sql`a.id = ${id}::uuid`, sql`a.id`, 1);
      // The webhooks module turns this audit action into a "blocked_egress.alert" notification in this
      // same transaction: `after` carries everything a readable message needs.
      await audit.append(tx, { actor: SYSTEM_ACTOR, action: 'alert.raised', targetType: 'alert', targetId: id, after: alert, requestId });
      return true;
    });
  }

  /** Evaluates every enabled rule that applies to the subjects; returns how many alerts it raised. */
  async function evaluate(subjects: readonly AlertSubject[], requestId: string | null): Promise<number> {
    if (subjects.length === 0) return 0;
    let raised = 0;
    for (const c of await candidates(subjects, clock.now())) {
      if (await raise(c, requestId)) raised++;
    }
    return raised;
  }

  return { evaluate };
}

export type AlertEvaluator = ReturnType<typeof createAlertEvaluator>;
