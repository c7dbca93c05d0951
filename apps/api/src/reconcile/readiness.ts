// Where the reconciler learns that gateway readiness changed between runs. A source reports the
// readiness it observes to `onReadiness` (Reconciler.readinessObserved) while this replica leads; the
// reconciler compares it with what the last run compiled with. A target may offer its own source (a
// watch); otherwise the leader polls the target's light readiness read.
import type { FastifyBaseLogger } from 'fastify';

import { createPeriodic } from '../platform/periodic.ts';
import type { Readiness } from './desired-state.ts';
import type { ReadinessSource, Scope, Target } from './targets/target.ts';

export type { ReadinessSource } from './targets/target.ts';

/** Asks the target every `everyMs`; `scope` is read each time, so a settings change is followed. */
export function pollReadiness(target: Target, scope: () => Promise<Scope>, everyMs: number, log: FastifyBaseLogger): ReadinessSource {
  let report: ((readiness: Readiness) => void) | null = null;
  const poll = createPeriodic(
    everyMs,
    async () => {
      const readiness = await target.observeReadiness(await scope());
      report?.(readiness);
    },
    (err) => log.debug({ err }, 'could not observe gateway readiness'),
  );
  return {
    start(onReadiness) {
      report = onReadiness;
      poll.start();
    },
    async stop() {
      report = null;
      await poll.stop();
    },
  };
}

/** The target's own source when it has one (a watch), else a poll of its readiness every `pollMs`. */
export function readinessSourceFor(target: Target, scope: () => Promise<Scope>, pollMs: number, log: FastifyBaseLogger): ReadinessSource {
  return target.readinessSource?.(scope) ?? pollReadiness(target, scope, pollMs, log);
}
