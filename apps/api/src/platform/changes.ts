import { EventEmitter } from 'node:events';

/**
 * What a change touched, when its producer can say so precisely: one grant whose state changed. The
 * reconciler then writes only that grant's gateway (a change-scoped run) instead of the whole desired
 * state. `widens`: the change adds access (an approval coming into force); false when it removes some
 * (revoke, expiry), which is never held back to fold a burst.
 */
export interface ChangeHint {
  grant: string;
  widens: boolean;
}

/**
 * Signals, after commit, that desired state (what the compiler renders) may have changed. The
 * reconciler subscribes (a run at once, or folded into the next one); producers call it only once their transaction has committed.
 */
export function createChanges() {
  const emitter = new EventEmitter();
  return {
    desiredStateChanged(reason: string, hint?: ChangeHint): void {
      emitter.emit('desired-state', reason, hint);
    },
    onDesiredStateChanged(listener: (reason: string, hint?: ChangeHint) => void): () => void {
      emitter.on('desired-state', listener);
      return () => emitter.off('desired-state', listener);
    },
  };
}

export type Changes = ReturnType<typeof createChanges>;
