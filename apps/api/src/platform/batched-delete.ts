// Retention sweeps delete in bounded batches: short statements, so a sweep never holds many locks or a
// long transaction, and a backlog (a retention just shortened) drains over a few ticks, not in one go.

/** Rows per DELETE. */
const BATCH = 5_000;
/** Batches per call. */
const MAX_BATCHES = 20;

/**
 * Runs a bounded DELETE (`deleteBatch(limit)` deletes at most `limit` rows and says how many) until it
 * deletes less than a batch, or MAX_BATCHES times; returns the rows deleted.
 */
export async function deleteInBatches(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await deleteBatch(BATCH);
    deleted += n;
    if (n < BATCH) break;
  }
  return deleted;
}
