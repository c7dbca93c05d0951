// Background work of one replica. A module builds its workers; app.ts names them all in one place and
// runWorkers starts them when the app is ready and stops them when it closes.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

import { createPeriodic } from './periodic.ts';

export interface Worker {
  start(): void;
  /** Stops the loop and waits for a pass that is running. */
  stop(): Promise<void>;
}

/** Starts every worker on ready and stops them all on close (a null entry is a worker not configured). */
export function runWorkers(app: FastifyInstance, workers: Readonly<Record<string, Worker | null>>): void {
  const running = Object.values(workers).filter((w): w is Worker => w !== null);
  app.addHook('onReady', () => {
    for (const worker of running) worker.start();
  });
  app.addHook('onClose', async () => {
    await Promise.all(running.map((w) => w.stop()));
  });
}

/**
 * Runs `task` at start and then every `intervalMs`, never two at once (a tick while the previous run is
 * still going is skipped). A failure is logged with `failure` and the next tick tries again. For sweeps
 * that every replica may run concurrently because their statements are safe to race (row locks, SKIP
 * LOCKED).
 */
export function periodicWorker(options: {
  intervalMs: number;
  task: () => Promise<void>;
  log: FastifyBaseLogger;
  failure: string;
}): Worker {
  const { intervalMs, task, log, failure } = options;
  return createPeriodic(intervalMs, task, (err) => log.error({ err }, failure));
}

/**
 * A retention sweep on every replica: `sweep` deletes what is past its retention and says how many rows
 * of `rows` it deleted (logged when some were); a failure is retried on the next tick.
 */
export function retentionWorker(options: {
  intervalMs: number;
  sweep: () => Promise<number>;
  rows: string;
  log: FastifyBaseLogger;
}): Worker {
  const { intervalMs, sweep, rows, log } = options;
  return periodicWorker({
    intervalMs,
    task: async () => {
      const n = await sweep();
      if (n > 0) log.info({ deleted: n }, `deleted ${rows} past their retention`);
    },
    log,
    failure: `${rows} retention sweep failed; retrying on the next tick`,
  });
}
