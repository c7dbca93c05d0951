// While this replica leads (and only then), the target's readiness watch on the gateway namespace the
// settings name, so a gateway whose pods turn ready (or stop being ready) is known within the watch's
// latency, with no request while nothing changes (instead of a list of every gateway Deployment every
// few seconds). A settings change that moves the gateway namespace moves the watch with it.
import type { FastifyBaseLogger } from 'fastify';

import type { Readiness } from './desired-state.ts';
import type { ReadinessWatch, Scope, Target } from './targets/target.ts';

export interface ReadinessFollower {
  /** Leadership gained or lost: starts or stops the watch. */
  leading(leading: boolean): void;
  /** Settings may have changed: moves the watch if the gateway namespace did. */
  settingsChanged(): void;
  stop(): Promise<void>;
}

/** `scope` reads the current settings' scope each time (injected: the engine does not read settings itself). */
export function followReadiness(deps: {
  scope: () => Promise<Scope>;
  target: Target;
  log: FastifyBaseLogger;
  onReadiness: (readiness: Readiness) => void;
}): ReadinessFollower {
  const { scope, target, log, onReadiness } = deps;
  let leading = false;
  let current: { namespace: string; watch: ReadinessWatch } | null = null;
  /** One settings read and (re)start at a time, in order. */
  let chain: Promise<void> = Promise.resolve();

  async function sync(): Promise<void> {
    const wanted = leading ? await scope() : null;
    if (current && current.namespace !== wanted?.gatewayNamespace) {
      const stopping = current.watch;
      current = null;
      await stopping.stop();
    }
    if (wanted && !current && target.watchReadiness) {
      current = {
        namespace: wanted.gatewayNamespace,
        watch: target.watchReadiness(wanted, onReadiness, { log }),
      };
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
