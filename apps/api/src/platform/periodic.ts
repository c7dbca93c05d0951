/** A task run every `intervalMs` (never two at once), started and stopped by its owner. */
export interface Periodic {
  /** Runs the task now and then every `intervalMs`; a second start does nothing. */
  start(): void;
  /** Stops the ticks and waits for a task that is running. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs` once started, never two at once (a tick while the previous run is still
 * going is skipped). A failure goes to `onError` and the next tick tries again. The timer does not keep
 * the process alive.
 */
export function createPeriodic(
  intervalMs: number,
  task: () => Promise<void>,
  onError: (err: unknown) => void,
): Periodic {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = task()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
      tick();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
