// Waiting for the reconciler from outside: until no change is waiting on this replica, nothing runs here,
// and no run is queued or running in the database (on any replica). Woken by each finished run, and
// checked every 50 ms for runs other replicas execute.
import type { FastifyInstance } from 'fastify';

export async function settled(app: FastifyInstance, timeoutMs = 30_000): Promise<void> {
  const reconciler = app.reconciler;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { pendingChanges, running } = reconciler.activity();
    if (
      pendingChanges === 0 &&
      !running &&
      (await app.db.reconcileRun.count({ where: { status: { in: ['queued', 'running'] } } })) === 0
    )
      return;
    if (Date.now() > deadline) throw new Error(`the reconciler did not settle within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      const off = reconciler.onRunFinished(() => done());
      const timer = setTimeout(() => done(), 50);
      function done() {
        off();
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
