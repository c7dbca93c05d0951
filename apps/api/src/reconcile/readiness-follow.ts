// While this replica leads (and only then), the target's readiness watch on the gateway namespace the
// settings name, so a gateway whose pods turn ready (or stop being ready) is known within the watch's
// latency, with no request while nothing changes (instead of a list of every gateway Deployment every
// few seconds). A settings change that moves the gateway namespace moves the watch with it.
import type { FastifyBaseLogger } from 'fastify';

import type { Db } from '../platform/db.ts';
import { readSettings } from '../modules/settings/settings.service.ts';
import { scopeOf, type Readiness } from './desired-state.ts';
import type { ReadinessWatch, Target } from './targets/target.ts';

export interface ReadinessFollower {
  /** Whether the target can watch readiness at all (otherwise the reconciler polls it). */
  readonly watching: boolean;
  /** Leadership gained or lost: starts or stops the watch. */
  leading(leading: boolean): void;
  /** Settings may have changed: moves the watch if the gateway namespace did. */
  settingsChanged(): void;
  stop(): Promise<void>;
}

export function followReadiness(deps: { db: Db; target: Target; log: FastifyBaseLogger; onReadiness: (readiness: Readiness) => void }): ReadinessFollower {
  const { db, target, log, onReadiness } = deps;
  let leading = false;
  let current: { namespace: string; watch: ReadinessWatch } | null = null;
  /** One settings read and (re)start at a time, in order. */
  let chain: Promise<void> = Promise.resolve();

  async function sync(): Promise<void> {
    const wanted = leading ? scopeOf(await readSettings(db)) : null;
    if (current && current.namespace !== wanted?.gatewayNamespace) {
      const stopping = current.watch;
      current = null;
      await stopping.stop();
    }
    if (wanted && !current && target.watchReadiness) {
      current = { namespace: wanted.gatewayNamespace, watch: target.watchReadiness(wanted, onReadiness, { log }) };
    }
  }

  const queue = () => {
    chain = chain.then(sync).catch((err: unknown) => {
      // The settings could not be read (database briefly away): try again shortly while leading.
      log.error({ err }, 'could not start the gateway readiness watch; retrying in 5 s');
      setTimeout(() => {
        if (leading) queue();
      }, 5000).unref();
    });
  };

  return {
    watching: target.watchReadiness !== undefined,
    leading(now) {
      leading = now;
      queue();
    },
    settingsChanged() {
      if (leading) queue();
    },
    async stop() {
      leading = false;
      queue();
      await chain;
    },
  };
}
