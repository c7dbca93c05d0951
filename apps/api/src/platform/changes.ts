import { EventEmitter } from 'node:events';

/**
 * Signals, after commit, that desired state (what the compiler renders) may have changed. The
 * reconciler subscribes (a run at once, or folded into the next one); producers call it only once their transaction has committed.
 */
export function createChanges() {
  const emitter = new EventEmitter();
  return {
    desiredStateChanged(reason: string): void {
      emitter.emit('desired-state', reason);
    },
    onDesiredStateChanged(listener: (reason: string) => void): () => void {
      emitter.on('desired-state', listener);
      return () => emitter.off('desired-state', listener);
    },
  };
}

export type Changes = ReturnType<typeof createChanges>;
