import { useQuery } from '@tanstack/react-query';

import { Badge } from '../../../components/ui/badge.tsx';
import { gatewayReadiness } from '../api/gateway-readiness.ts';
import { reconcileStatusQuery } from '../api/reconcile.queries.ts';

/**
 * Ready/desired replicas of a destination's gateway, from the shared reconcile status query.
 * `long` spells out why readiness is unknown (detail page); otherwise the reason is a tooltip.
 */
export function GatewayReadinessText({
  gatewayName,
  host,
  long = false,
}: {
  gatewayName: string;
  host: string;
  long?: boolean;
}) {
  const status = useQuery(reconcileStatusQuery());
  const r = gatewayReadiness(status.data, status.isError, { gatewayName, host });
  switch (r.kind) {
    case 'loading':
      return <span className="skeleton skeleton-num" aria-label="Loading gateway readiness" />;
    case 'unknown':
    case 'not-reported':
      return (
        <span title={r.reason}>
          <Badge tone="grey">ready: unknown</Badge>
          {long ? <span className="muted small"> ({r.reason})</span> : null}
        </span>
      );
    case 'observed': {
      const g = r.gateway;
      const label = `${g.readyReplicas}/${g.desiredReplicas} replicas ready`;
      return (
        <Badge tone={!g.ready ? 'red' : g.readyReplicas < g.desiredReplicas ? 'amber' : 'green'}>
          {g.ready ? label : `${label}: not ready`}
        </Badge>
      );
    }
  }
}
