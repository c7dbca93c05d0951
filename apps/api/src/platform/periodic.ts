import type { FastifyInstance } from 'fastify';

/**
 * Runs `task` when the app is ready and then every `intervalMs` on this replica, never two at once (a
 * tick while the previous run is still going is skipped), and waits for a running one on close. A
 * failure is logged with `failure` and the next tick tries again. For sweeps that every replica may run
 * concurrently because their statements are safe to race (row locks, SKIP LOCKED).
 */
export function startPeriodicTask(app: FastifyInstance, intervalMs: number, task: () => Promise<void>, failure: string): void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = task()
      .catch((err: unknown) => app.log.error({ err }, failure))
      .finally(() => {
        running = null;
      });
  };
  app.addHook('onReady', () => {
    timer = setInterval(tick, intervalMs);
    timer.unref();
    tick();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
