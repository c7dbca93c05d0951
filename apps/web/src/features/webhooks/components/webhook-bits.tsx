import type { Webhook, WebhookDelivery } from '@egress/shared';

import { Badge } from '../../../components/ui/badge.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { DELIVERY_TONE } from '../webhook-format.ts';

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return enabled ? <Badge tone="green">enabled</Badge> : <Badge tone="grey">disabled</Badge>;
}

export function DeliveryStatusBadge({ status }: { status: WebhookDelivery['status'] }) {
  return <Badge tone={DELIVERY_TONE[status]}>{status}</Badge>;
}

/** The most recent attempt at a glance: its status and when. */
export function LastDelivery({ webhook }: { webhook: Webhook }) {
  if (!webhook.lastDelivery) return <span className="muted">none yet</span>;
  return (
    <span className="nowrap">
      <DeliveryStatusBadge status={webhook.lastDelivery.status} />{' '}
      <span className="small">
        <RelativeTime iso={webhook.lastDelivery.at} />
      </span>
    </span>
  );
}

/** Whether the receiver answers: red with the last error and since when while it fails. */
export function WebhookHealth({ webhook }: { webhook: Webhook }) {
  const h = webhook.health;
  if (h.state === 'failing')
    return (
      <span className="stack-tight">
        <span className="nowrap">
          <Badge tone="red" title={h.lastError ?? undefined}>
            failing
          </Badge>{' '}
          <span className="small">
            since {h.failingSince ? <RelativeTime iso={h.failingSince} /> : 'unknown'}
          </span>
        </span>
        <span className="small field-error">{h.lastError}</span>
      </span>
    );
  return <LastDelivery webhook={webhook} />;
}
