import {
  type ConnectionIngestError,
  type ConnectionIngestResult,
  type ConnectionLine,
  ConnectionLineSchema,
  MAX_CONNECTION_BATCH,
  MAX_CONNECTION_ERRORS,
} from '@egress/shared';
import type { FastifyBaseLogger } from 'fastify';

import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { PodInfo } from '../../reconcile/kube/pod-index.ts';
import { connectionKey, type HourlyRow, hourOf, type ResolvedLine, rollUp } from './usage.aggregate.ts';
import { createPodAttributor } from './usage.attribution.ts';
import type { GatewayDestination, UsageRepository } from './usage.repository.ts';

/**
 * How long a line may be re-delivered and still be recognised: its dedup key is kept this long after
 * the connection started, and older lines are refused (a key swept away could not stop a second count).
 */
export const REDELIVERY_WINDOW_MS = 24 * 3_600_000;
/** How far ahead of the server's clock a line may start (gateways' clocks drift a little). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Where source addresses are looked up: the pod watch's index, or null without a cluster (target none, directory). */
export interface PodAddresses {
  ready(): boolean;
  lookup(ip: string, at: number): PodInfo | null;
}

export interface IngestOutcome {
  result: ConnectionIngestResult;
  /** False when every line was rejected: nothing was stored. */
  stored: boolean;
}

interface Checked {
  line: ConnectionLine;
  index: number;
  start: number;
}

class Rejections {
  readonly errors: ConnectionIngestError[] = [];
  count = 0;
  add(index: number, field: string, reason: string): void {
    if (++this.count <= MAX_CONNECTION_ERRORS)
      this.errors.push({ index, field: `body[${index}]${field}`, reason });
  }
}

function validate(raw: readonly unknown[], now: number, rejected: Rejections): Checked[] {
  const checked: Checked[] = [];
  raw.forEach((item, index) => {
    const parsed = ConnectionLineSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.length ? `.${issue.path.join('.')}` : '';
      return rejected.add(index, path, issue?.message ?? 'is not an access-log line');
    }
    const start = Date.parse(parsed.data.start_time);
    if (start > now + MAX_CLOCK_SKEW_MS)
      return rejected.add(index, '.start_time', "is in the future; check the gateway node's clock");
    if (start < now - REDELIVERY_WINDOW_MS)
      return rejected.add(
        index,
        '.start_time',
        'is older than the 24-hour re-delivery window; lines that old cannot be counted exactly once',
      );
    checked.push({ line: parsed.data, index, start });
  });
  return checked;
}

export function createUsageService(deps: {
  db: Db;
  repo: UsageRepository;
  clock: Clock;
  pods: PodAddresses | null;
  log: FastifyBaseLogger;
}) {
  const { db, repo, clock, pods, log } = deps;

  /** Lines whose gateway serves a live destination of that host, with it. */
  async function withDestinations(checked: Checked[], rejected: Rejections) {
    const gateways = [...new Set(checked.map((c) => c.line.gateway))];
    const byGateway = new Map<string, GatewayDestination>(
      (await repo.destinationsByGateway(gateways)).map((d) => [d.gatewayName, d]),
    );
    const kept: (Checked & { destination: GatewayDestination })[] = [];
    for (const c of checked) {
      const destination = byGateway.get(c.line.gateway);
      if (!destination)
        rejected.add(
          c.index,
          '.gateway',
          `"${c.line.gateway}" is not the gateway of a registered destination`,
        );
      else if (destination.host !== c.line.destination.toLowerCase())
        rejected.add(
          c.index,
          '.destination',
          `gateway "${c.line.gateway}" serves ${destination.host}, not "${c.line.destination}"`,
        );
      else kept.push({ ...c, destination });
    }
    return kept;
  }

  async function resolve(lines: (Checked & { destination: GatewayDestination })[]): Promise<ResolvedLine[]> {
    const found = lines.map((c) => pods?.lookup(c.line.source_address, c.start) ?? null);
    const namespaces = [...new Set(found.flatMap((p) => (p ? [p.namespace] : [])))];
    const destinationIds = [...new Set(lines.map((c) => c.destination.id))];
    const [services, grants] = await Promise.all([
      repo.servicesIn(namespaces),
      repo.activeGrants(destinationIds),
    ]);
    const attribute = createPodAttributor(services);
    const grantOf = new Map(grants.map((g) => [`${g.serviceId}|${g.destinationId}|${g.port}`, g.id]));
    return lines.map((c, i) => {
      const pod = found[i] ?? null;
      const service = pod ? attribute(pod) : null;
      return {
        line: c.line,
        start: c.start,
        destinationId: c.destination.id,
        serviceId: service?.id ?? null,
        namespace: pod?.namespace ?? null,
        grantId: service
          ? (grantOf.get(`${service.id}|${c.destination.id}|${c.line.listener_port}`) ?? null)
          : null,
      };
    });
  }

  /**
   * The grants' last use, after the counts are committed: it only narrows the "unused" filter, so a
   * failure here is logged and left to the next batch rather than failing one that was counted.
   */
  async function markGrantsUsed(hourly: readonly HourlyRow[]): Promise<void> {
    const last = new Map<string, Date>();
    for (const row of hourly) {
      if (row.grantId === null) continue;
      const seen = last.get(row.grantId);
      if (!seen || row.lastSeen > seen) last.set(row.grantId, row.lastSeen);
    }
    try {
      await repo.markGrantsUsed(last);
    } catch (err) {
      log.error({ err }, "could not record the grants' last use; the next batch will");
    }
  }

  /**
   * Validates each line on its own: a bad line is reported (index, field, reason) and not counted, the
   * good ones are; nothing is stored when none is good. Every good line's connection is counted once,
   * however often it is delivered (the dedup keys are written in the same transaction as the counts).
   */
  async function ingest(raw: readonly unknown[]): Promise<IngestOutcome> {
    if (raw.length > MAX_CONNECTION_BATCH)
      throw new AppError(
        'payload_too_large',
        `at most ${MAX_CONNECTION_BATCH} lines per request; got ${raw.length}`,
        [
          {
            field: 'body',
            message: `must hold at most ${MAX_CONNECTION_BATCH} lines (got ${raw.length}); send smaller batches`,
          },
        ],
      );
    // Attributing before the first list would file every source as a bare address, for good.
    if (pods && !pods.ready())
      throw new AppError('unavailable', 'the pod address index is still loading; retry shortly');
    const rejected = new Rejections();
    const lines = await withDestinations(validate(raw, clock.now().getTime(), rejected), rejected);
    const empty = {
      accepted: 0,
      duplicates: 0,
      rejected: rejected.count,
      unattributed: 0,
      errors: rejected.errors,
    };
    if (lines.length === 0) return { result: empty, stored: false };

    const resolved = await resolve(lines);
    const keys = new Map<string, ResolvedLine>();
    for (const r of resolved) {
      const key = connectionKey(r.line).toString('hex');
      if (!keys.has(key)) keys.set(key, r);
    }
    const sorted = [...keys.keys()].sort();
    const fresh = await db.$transaction(async (tx) => {
      const isNew = await repo.markSeen(
        tx,
        sorted,
        sorted.map((k) => new Date(hourOf(keys.get(k)?.start ?? 0))),
      );
      const counted = sorted.filter((k) => isNew.has(k)).map((k) => keys.get(k) as ResolvedLine);
      const hourly = rollUp(counted);
      await repo.upsertHourly(tx, hourly);
      return { counted, hourly };
    });
    await markGrantsUsed(fresh.hourly);
    return {
      result: {
        accepted: fresh.counted.length,
        duplicates: resolved.length - fresh.counted.length,
        rejected: rejected.count,
        unattributed: fresh.counted.filter((r) => r.serviceId === null).length,
        errors: rejected.errors,
      },
      stored: true,
    };
  }

  return { ingest };
}

export type UsageService = ReturnType<typeof createUsageService>;
