// How webhooks read in the console: what each event means, where a URL points, a delivery's status.
import type { NotificationEvent, WebhookDelivery, WebhookFormat, WebhookTestResult } from '@egress/shared';

import type { Tone } from '../../components/ui/badge.tsx';

/** Every event a webhook can subscribe to, in words (exhaustive: a new event fails the type check). */
export const EVENT_DESCRIPTIONS: Record<NotificationEvent, string> = {
  'grant.requested': 'Someone requested access',
  'grant.approval_needed': 'A request is waiting for an approver',
  'grant.approved': 'A grant became active',
  'grant.rejected': 'A request was rejected',
  'grant.revoked': 'A grant was revoked',
  'grant.expired': 'A grant expired',
  'blocked_egress.alert': 'An alert rule fired on denied egress',
  'reconcile.drift': 'A managed Kubernetes object was changed outside egress-control and put back (drift)',
  'grant.decided':
    'A decision on a request (for its requester and team: each approval, rejection, revocation, expiry)',
  'audit.checkpoint': 'The audit log was sealed with a signed checkpoint (keep it outside the database)',
};

export const FORMAT_NAMES: Record<WebhookFormat, string> = { generic: 'Generic', slack: 'Slack' };

/** The format choices in the form, with what each sends. */
export const FORMAT_LABELS: Record<WebhookFormat, string> = {
  generic: 'Generic JSON (signed)',
  slack: 'Slack incoming webhook',
};

/** "hooks.slack.com" from the URL: the list shows where events go without printing path tokens. */
export function urlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export const DELIVERY_TONE: Record<WebhookDelivery['status'], Tone> = {
  pending: 'amber',
  succeeded: 'green',
  failed: 'red',
};

/** Whether a person can ask for this delivery to be sent again (the API refuses the others). */
export function canRetry(delivery: Pick<WebhookDelivery, 'status'>): boolean {
  return delivery.status === 'failed';
}

/** The receiver's answer to a test, in one line: "HTTP 200 in 34 ms", "ECONNREFUSED: … after 3 ms". */
export function testAnswer(
  r: Pick<WebhookTestResult, 'status' | 'responseStatus' | 'lastError' | 'durationMs'>,
): string {
  const time = `${r.durationMs} ms`;
  if (r.status === 'succeeded') return `HTTP ${r.responseStatus ?? '?'} in ${time}`;
  return `${r.lastError ?? (r.responseStatus ? `HTTP ${r.responseStatus}` : 'no answer')} (after ${time})`;
}
