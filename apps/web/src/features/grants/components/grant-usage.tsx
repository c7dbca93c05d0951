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

/** The list's one usage cell, kept narrow: last use, then 24 h and 30 d as "connections · bytes". */
export function UsageCell({ grant }: { grant: Grant }) {
  if (grant.usage === undefined) return <span className="muted small">not measured</span>;
  const short = (t: { connections: number; bytes: number }) => `${t.connections} · ${bytes(t.bytes)}`;
  return (
    <span className="small">
      <span className="block">
        <LastUsed grant={grant} />
      </span>
      <span className="block muted">24 h {short(grant.usage.last24h)}</span>
      <span className="block muted">30 d {short(grant.usage.last30d)}</span>
    </span>
  );
}
