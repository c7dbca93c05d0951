// What every delivery carries besides its body: event headers and an HMAC signature over the timestamp
// and the exact body bytes, so a receiver can check origin, integrity and freshness (docs/notifications.md).
import { createHmac } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const USER_AGENT = 'egress-control';

/** `v1=` + hex HMAC-SHA256 keyed with the whole secret (prefix included) over `<timestamp>.<body>`. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface DeliveryHeaderInput {
  secret: string;
  event: string;
  eventId: string;
  deliveryId: string;
  /** Unix seconds of this attempt (so a retried delivery carries a fresh timestamp and signature). */
  timestamp: number;
  body: string;
}

export function deliveryHeaders(d: DeliveryHeaderInput): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'x-egress-event': d.event,
    'x-egress-event-id': d.eventId,
    'x-egress-delivery': d.deliveryId,
    'x-egress-timestamp': String(d.timestamp),
    'x-egress-signature': signature(d.secret, d.timestamp, d.body),
  };
}
