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

import { type AuditLog, SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import type { AlertCandidate, AlertsRepository } from './alerts.repository.ts';

/**
 * Who a rule is evaluated for: a service, or (serviceId null) the unattributed flows of a namespace. The
 * flows module hands these over after an ingest (wired in app.ts; modules do not import each other).
 */
export interface AlertSubject {
  serviceId: string | null;
  namespace: string;
}

const TOP_DESTINATIONS = 10;

export function createAlertEvaluator({
  db,
  repo,
  audit,
  clock,
}: {
  db: Db;
  repo: AlertsRepository;
  audit: AuditLog;
  clock: Clock;
}) {
  /** Decides one candidate under its lock; true when it raised an alert. */
  async function raise(c: AlertCandidate, requestId: string | null): Promise<boolean> {
    return db.$transaction(async (tx) => {
      await repo.lockSubject(c, tx);
      // Re-read everything after the lock: the rule may have changed, another ingest may have raised.
      const rule = await repo.enabledRule(c.rule_id, tx);
      if (!rule) return false;
      const now = clock.now();
      const since = new Date(now.getTime() - rule.window_seconds * 1000);
      if (await repo.recentlyRaised(c, since, tx)) return false;
      const count = await repo.total(c, since, tx);
      if (count < rule.threshold) return false;
      const id = randomUUID();
      const destinations = await repo.topDestinations(c, since, TOP_DESTINATIONS, tx);
      const alert = await repo.insertAlert({ id, rule, subject: c, count, since, now, destinations }, tx);
      // The webhooks module turns this audit action into a "blocked_egress.alert" notification in this
      // same transaction: `after` carries everything a readable message needs.
      await audit.append(tx, {
        actor: SYSTEM_ACTOR,
        action: 'alert.raised',
        targetType: 'alert',
        targetId: id,
        after: alert,
        requestId,
      });
      return true;
    });
  }

  /** Evaluates every enabled rule that applies to the subjects; returns how many alerts it raised. */
  async function evaluate(subjects: readonly AlertSubject[], requestId: string | null): Promise<number> {
    if (subjects.length === 0) return 0;
    let raised = 0;
    for (const c of await repo.candidates(subjects, clock.now())) {
      if (await raise(c, requestId)) raised++;
    }
    return raised;
  }

  return { evaluate };
}

export type AlertEvaluator = ReturnType<typeof createAlertEvaluator>;
