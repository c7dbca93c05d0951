// A grant's usage as the gateways saw it (GET /grants: lastUsedAt and usage). Port-wide grants use no
// gateway, so nothing is measured for them: said so, rather than "never used".
import type { Grant } from '@egress/shared';

import { RelativeTime } from '../../../components/ui/time.tsx';
import { bytes, plural } from '../../../lib/format.ts';

export function LastUsed({ grant }: { grant: Grant }) {
  if (grant.usage === undefined) return <span className="muted">not measured</span>;
  if (!grant.lastUsedAt) return <span className="muted">never</span>;
  return <RelativeTime iso={grant.lastUsedAt} />;
}

function Window({ label, traffic }: { label: string; traffic: { connections: number; bytes: number } }) {
  return (
    <span className="block">
      {label}: {plural(traffic.connections, 'connection')}, {bytes(traffic.bytes)}
    </span>
  );
}

export function UsageFigures({ grant }: { grant: Grant }) {
  if (grant.usage === undefined) return <span className="muted">port-wide: no gateway</span>;
  return (
    <span className="small">
      <Window label="24 h" traffic={grant.usage.last24h} />
      <Window label="30 d" traffic={grant.usage.last30d} />
    </span>
  );
}
