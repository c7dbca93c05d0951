import type { Sensitivity } from '@egress/shared';

import { Badge, LockIcon } from '../../../components/ui/badge.tsx';

export function SensitivityBadge({ sensitivity }: { sensitivity: Sensitivity }) {
  if (sensitivity === 'standard') return <span className="muted small">standard</span>;
  return (
    <Badge tone="red" title="Sensitive destination: grants need two approvals">
      <LockIcon /> sensitive
    </Badge>
  );
}
