// Drift as a security event. The run executor hands over the objects a real run changed; among them,
// the ones someone else had changed are written to the audit log (detected: which object, which field
// managers, which fields; healed: what the run put back) and raise a drift alert, which the webhooks
// outbox announces as "reconcile.drift" in the same transaction.
//
// Two kinds of drift reach us here:
// - modified: the kubernetes target compared the live object with the desired one field by field
//   (kube/drift.ts) and applied it with force; the result carries the fields and their field managers
//   (read from the live object's metadata.managedFields, which every list already returns: no extra
//   request).
// - deleted: the run created an object that the last real run to touch it had created or updated, and
//   that no run has deleted since: someone else deleted it. The API server keeps no field manager for a
//   deletion, so none is named (its audit log has the user).
// A run with nothing changed (the usual resync) costs nothing here: no query at all.
import { randomUUID } from 'node:crypto';

import type { DriftedObject } from '@egress/shared';
import type { FastifyBaseLogger } from 'fastify';

import { type AuditInput, type AuditLog, SYSTEM_ACTOR } from '../platform/audit.ts';
import type { Clock } from '../platform/clock.ts';
import { type Db, Prisma, type Tx } from '../platform/db.ts';
import type { ClaimedRun } from './run-queue.ts';
import type { ObjectResult } from './targets/target.ts';

/** The name drift alerts carry where denied-egress alerts carry their rule's. */
export const DRIFT_ALERT_NAME = 'configuration drift';

const keyOf = (o: { kind: string; namespace: string | null; name: string }) =>
  `${o.kind}/${o.namespace ?? ''}/${o.name}`;

function modified(o: ObjectResult): DriftedObject {
  const fields = o.driftFields ?? [];
  return {
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
    change: 'modified',
    fields,
    managers: [...new Set(fields.flatMap((f) => f.managers))].sort(),
  };
}

const deleted = (o: ObjectResult): DriftedObject => ({
  kind: o.kind,
  namespace: o.namespace,
  name: o.name,
  change: 'deleted',
  fields: [],
  managers: [],
});

/**
 * Of the objects a run created, the ones the last real run that wrote them left in place: the latest
 * recorded action on each (other runs, dry runs excluded) is created or updated, not deleted.
 */
async function deletedByOthers(db: Db, runId: string, created: ObjectResult[]): Promise<ObjectResult[]> {
  if (created.length === 0) return [];
  const keys = created.map(keyOf);
  const rows = await db.$queryRaw<{ key: string; action: string }[]>`
    SELECT DISTINCT ON (k.key) k.key, o->>'action' AS action
    FROM reconcile_runs r
    CROSS JOIN LATERAL jsonb_array_elements(r.objects) o
    CROSS JOIN LATERAL (SELECT (o->>'kind') || '/' || coalesce(o->>'namespace', '') || '/' || (o->>'name') AS key) k
    WHERE r.id <> ${runId}::uuid AND NOT r.dry_run AND r.finished_at IS NOT NULL
      AND o->>'action' IN ('created', 'updated', 'deleted')
      AND k.key IN (${Prisma.join(keys)})
    ORDER BY k.key, r.started_at DESC, r.id DESC`;
  const leftInPlace = new Set(rows.filter((r) => r.action !== 'deleted').map((r) => r.key));
  return created.filter((o) => leftInPlace.has(keyOf(o)));
}

function auditRows(run: ClaimedRun, d: DriftedObject, reason: string | undefined): AuditInput[] {
  const object = { kind: d.kind, namespace: d.namespace, name: d.name };
  const common = { actor: SYSTEM_ACTOR, targetType: 'kubernetes_object' as const, targetId: keyOf(d) };
  return [
    {
      ...common,
      action: 'reconcile.drift_detected',
      after: {
        runId: run.id,
        trigger: run.trigger,
        ...object,
        change: d.change,
        managers: d.managers,
        fields: d.fields,
        reason:
          reason ?? 'deleted outside egress-control (the API server records no field manager for a deletion)',
      },
    },
    {
      ...common,
      action: 'reconcile.drift_healed',
      after: {
        runId: run.id,
        ...object,
        // What the run put back: our values of the changed fields, the removal of fields others added,
        // or the whole object when it had been deleted.
        restored: d.fields.filter((f) => f.change === 'changed').map((f) => f.path),
        removed: d.fields.filter((f) => f.change === 'added').map((f) => f.path),
        recreated: d.change === 'deleted',
      },
    },
  ];
}

async function raiseAlert(tx: Tx, run: ClaimedRun, objects: DriftedObject[], now: Date): Promise<AuditInput> {
  const id = randomUUID();
  const first = objects[0];
  const drift = { runId: run.id, objects };
  await tx.alert.create({
    data: {
      id,
      ruleName: DRIFT_ALERT_NAME,
      sourceNamespace: first?.namespace ?? '',
      count: objects.length,
      threshold: 1,
      windowStart: now,
      windowEnd: now,
      destinations: [],
      raisedAt: now,
      kind: 'drift',
      details: drift,
    },
  });
  // The webhooks module turns this row into a "reconcile.drift" notification (kind says which).
  return {
    actor: SYSTEM_ACTOR,
    action: 'alert.raised',
    targetType: 'alert',
    targetId: id,
    after: {
      id,
      kind: 'drift',
      ruleName: DRIFT_ALERT_NAME,
      sourceNamespace: first?.namespace ?? null,
      count: objects.length,
      threshold: 1,
      windowStart: now.toISOString(),
      windowEnd: now.toISOString(),
      destinations: [],
      drift,
    },
  };
}

export function createDriftReporter({
  db,
  audit,
  clock,
  log,
}: {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  log: FastifyBaseLogger;
}) {
  /** Audits and alerts on the drift among the objects a run changed; one transaction per run. */
  async function report(run: ClaimedRun, objects: ObjectResult[]): Promise<DriftedObject[]> {
    const edited = objects.filter((o) => o.action === 'updated' && o.drift !== undefined);
    const gone = await deletedByOthers(
      db,
      run.id,
      objects.filter((o) => o.action === 'created'),
    );
    const found = [...edited.map(modified), ...gone.map(deleted)];
    if (found.length === 0) return [];
    const reasons = new Map(edited.map((o) => [keyOf(o), o.drift]));
    await db.$transaction(async (tx) => {
      const alert = await raiseAlert(tx, run, found, clock.now());
      await audit.append(tx, [...found.flatMap((d) => auditRows(run, d, reasons.get(keyOf(d)))), alert]);
    });
    log.warn(
      {
        runId: run.id,
        drift: found.map((d) => ({ object: keyOf(d), change: d.change, managers: d.managers })),
      },
      'drift: managed objects changed outside egress-control were put back (audited, alert raised)',
    );
    return found;
  }

  return { report };
}

export type DriftReporter = ReturnType<typeof createDriftReporter>;
