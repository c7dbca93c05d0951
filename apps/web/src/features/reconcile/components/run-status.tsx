import type { ReconcileRun } from '@egress/shared';

import { Badge, type Tone } from '../../../components/ui/badge.tsx';

const TONE: Record<ReconcileRun['status'], Tone> = {
  queued: 'amber',
  running: 'amber',
  succeeded: 'green',
  failed: 'red',
};

export function RunStatus({ run }: { run: ReconcileRun }) {
  return (
    <Badge tone={TONE[run.status]} title={run.errors.length ? run.errors.join('\n') : undefined}>
      {run.status}
      {run.dryRun ? ' (dry run)' : ''}
    </Badge>
  );
}
