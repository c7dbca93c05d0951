import {
  type BlockedEgressGroup,
  type BlockedEgressQuerySchema,
  type DeniedFlow,
  type FlowFormat,
  type FlowIngestError,
  type FlowIngestResult,
  type FlowTimeBounds,
  MAX_FLOW_ERRORS,
  normaliseFlowRecord,
} from '@egress/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import type { Page } from '../../platform/pagination.ts';
import { readSettings } from '../../platform/settings.ts';
import type { BlockedEgressRepository } from './blocked-egress.repository.ts';
import { aggregateFlows, type AlertSubject } from './flows.aggregate.ts';
import { createAttributor } from './flows.attribution.ts';
import type { FlowsRepository } from './flows.repository.ts';

type BlockedQuery = z.output<typeof BlockedEgressQuerySchema>;

/** How far ahead of the server's clock a record may be (collectors' clocks drift a little). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/** What an ingest needs from the alerts module (app.ts passes its evaluator): the rules checked for the subjects it touched. */
export interface AlertEvaluation {
  evaluate(subjects: readonly AlertSubject[], requestId: string | null): Promise<number>;
}

export interface IngestContext {
  actor: Actor;
  tokenId: string | null;
  requestId: string;
}

export interface IngestOutcome {
  result: FlowIngestResult;
  /** False when every record was rejected: nothing was stored or audited. */
  stored: boolean;
}

interface Normalised {
  flows: DeniedFlow[];
  errors: FlowIngestError[];
  rejected: number;
}

function normaliseBatch(format: FlowFormat, records: readonly unknown[], bounds: FlowTimeBounds): Normalised {
  const flows: DeniedFlow[] = [];
  const errors: FlowIngestError[] = [];
  let rejected = 0;
  records.forEach((raw, index) => {
    const result = normaliseFlowRecord(format, raw, index, bounds);
    if (result.ok) flows.push(result.flow);
    else if (++rejected <= MAX_FLOW_ERRORS) errors.push({ index, reason: result.reason });
  });
  return { flows, errors, rejected };
}

export function createFlowsService(deps: {
  db: Db;
  repo: FlowsRepository;
  blocked: BlockedEgressRepository;
  audit: AuditLog;
  clock: Clock;
  alerts: AlertEvaluation;
  log: FastifyBaseLogger;
}) {
  const { db, repo, blocked, audit, clock, alerts, log } = deps;

  /**
   * Alerts are evaluated after the flows commit, outside their transaction. A failure here must not
   * fail the ingest: the flows are stored, and a collector that retried would count them twice. The
   * next batch evaluates the same windows again, so a missed alert is raised then.
   */
  async function evaluateAlerts(subjects: readonly AlertSubject[], requestId: string): Promise<void> {
    try {
      await alerts.evaluate(subjects, requestId);
    } catch (err) {
      log.error({ err, requestId }, 'alert evaluation after ingest failed; the next ingest evaluates again');
    }
  }

  async function ingest(
    format: FlowFormat,
    records: readonly unknown[],
    ctx: IngestContext,
  ): Promise<IngestOutcome> {
    const settings = await readSettings(db);
    const now = clock.now().getTime();
    const bounds = {
      notBefore: new Date(now - settings.flowRetentionDays * DAY_MS),
      notAfter: new Date(now + MAX_CLOCK_SKEW_MS),
    };
    const { flows, errors, rejected } = normaliseBatch(format, records, bounds);
    if (flows.length === 0)
      return { result: { accepted: 0, rejected, unattributed: 0, errors }, stored: false };

    const namespaces = [...new Set(flows.map((f) => f.sourceNamespace))];
    const names = [...new Set(flows.flatMap((f) => (f.destName ? [f.destName] : [])))];
    const context = await repo.attributionContext(namespaces, names);
    const batch = aggregateFlows(
      flows,
      createAttributor(context.services),
      context.knownHosts,
      settings.flowDedupWindowSeconds * 1000,
    );
    const result: FlowIngestResult = {
      accepted: flows.length,
      rejected,
      unattributed: batch.unattributed,
      errors,
    };
    await db.$transaction(
      async (tx) => {
        await repo.upsert(tx, batch.rows);
        const after = {
          format,
          accepted: result.accepted,
          rejected,
          unattributed: result.unattributed,
          rows: batch.rows.length,
          tokenId: ctx.tokenId,
        };
        await audit.append(tx, {
          actor: ctx.actor,
          action: 'flows.ingested',
          targetType: 'flows',
          targetId: null,
          after,
          requestId: ctx.requestId,
        });
      },
      // A 5,000-record batch waits for the audit chain's lock behind other writers: allow more than the default 5 s.
      { maxWait: 10_000, timeout: 30_000 },
    );
    await evaluateAlerts(batch.subjects, ctx.requestId);
    return { result, stored: true };
  }

  /** The inbox; without `since`, everything the retention keeps. */
  async function listBlocked(q: BlockedQuery): Promise<Page<BlockedEgressGroup>> {
    const { flowRetentionDays } = await readSettings(db);
    return blocked.list(q, new Date(clock.now().getTime() - flowRetentionDays * DAY_MS));
  }

  return { ingest, listBlocked };
}

export type FlowsService = ReturnType<typeof createFlowsService>;
