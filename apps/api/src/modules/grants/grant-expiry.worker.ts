import type { FastifyBaseLogger } from 'fastify';

import { SYSTEM_ACTOR } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { periodicWorker, type Worker } from '../../platform/worker.ts';
import type { GrantsService } from './grants.service.ts';

const BATCH = 200;

/** Expires every active grant past its expiresAt (and cancels pending ones); returns how many it moved. */
export async function expireDueGrants(service: GrantsService): Promise<number> {
  let expired = 0;
  for (const { id } of await service.findExpirable(BATCH)) {
    try {
      await service.expire(id, {
        actor: null,
        auditActor: SYSTEM_ACTOR,
        requestId: null,
        reason: 'expiry reached',
      });
      expired++;
    } catch (error) {
      // Another replica (or a revoke) got there first: the row is no longer active. Anything else is real.
      if (!(error instanceof AppError && error.code === 'invalid_transition')) throw error;
    }
  }
  return expired;
}

/**
 * A sweep on every replica, every EGRESS_EXPIRY_INTERVAL_SECONDS: expiry needs nobody to act. Row locks
 * in the transition make concurrent sweeps safe (the loser sees a non-active grant and skips it).
 */
export function createGrantExpiryWorker(deps: {
  service: GrantsService;
  intervalMs: number;
  log: FastifyBaseLogger;
  expired: (n: number) => void;
}): Worker {
  const { service, intervalMs, log, expired } = deps;
  const task = async () => {
    const n = await expireDueGrants(service);
    if (n > 0) {
      expired(n);
      log.info({ expired: n }, 'expired grants');
    }
  };
  return periodicWorker({ intervalMs, task, log, failure: 'expiry sweep failed; retrying on the next tick' });
}
