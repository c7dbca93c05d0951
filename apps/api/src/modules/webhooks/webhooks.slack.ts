// The Slack format: an incoming-webhook message ({text, blocks}) rendered from the generic payload at
// send time. `text` is the plain fallback Slack shows in notifications; blocks carry the detail.
import type { DeliveryEvent, Grant } from '@egress/shared';

import type { AlertNotice, NotificationPayload } from './webhooks.events.ts';

interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}
type Block =
  { type: 'section'; text?: TextObject; fields?: TextObject[] } | { type: 'context'; elements: TextObject[] };

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const TITLES: Record<DeliveryEvent, { emoji: string; title: string }> = {
  'grant.requested': { emoji: ':inbox_tray:', title: 'New access request' },
  'grant.approval_needed': { emoji: ':hourglass_flowing_sand:', title: 'Approval needed' },
  'grant.approved': { emoji: ':white_check_mark:', title: 'Access approved' },
  'grant.rejected': { emoji: ':x:', title: 'Request rejected' },
  'grant.revoked': { emoji: ':no_entry:', title: 'Access revoked' },
  'grant.expired': { emoji: ':alarm_clock:', title: 'Access expired' },
  'blocked_egress.alert': { emoji: ':rotating_light:', title: 'Blocked egress alert' },
  'reconcile.drift': { emoji: ':warning:', title: 'Configuration drift put back' },
  'grant.decided': { emoji: ':envelope:', title: 'Decision on your request' },
  'webhook.test': { emoji: ':wave:', title: 'Test notification' },
  'audit.checkpoint': { emoji: ':lock:', title: 'Audit log sealed' },
};

/** Slack's mrkdwn control characters; everything user-supplied goes through this. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

const md = (text: string): TextObject => ({ type: 'mrkdwn', text: clip(text, 2900) });
const field = (label: string, value: string): TextObject => md(`*${label}*\n${value}`);
const code = (value: string) => `\`${escapeMrkdwn(value)}\``;
const link = (url: string | undefined, label: string) =>
  url ? `<${url}|${escapeMrkdwn(label)}>` : escapeMrkdwn(label);

function target(g: Grant): string {
  return g.destination === null
    ? `any public address, port ${g.port} (port-wide)`
    : `${g.destination}:${g.port}`;
}

function grantBlocks(g: Grant, headline: string, url: string | undefined): Block[] {
  const sensitivity =
    g.destination === null ? 'port-wide (2 approvals)' : (g.destinationSensitivity ?? 'unknown');
  const fields = [
    field('Service', `${code(g.service)} in ${code(g.serviceNamespace)}`),
    field('Destination', `${code(target(g))}\n${escapeMrkdwn(sensitivity)}`),
    field('State', escapeMrkdwn(g.state)),
    field('Approvals', `${g.approvals.length} of ${g.requiredApprovals}`),
    field('Requested by', escapeMrkdwn(g.requestedBy)),
  ];
  if (g.expiresAt) fields.push(field('Expires', escapeMrkdwn(g.expiresAt)));
  const blocks: Block[] = [
    { type: 'section', text: md(headline) },
    { type: 'section', fields },
    {
      type: 'section',
      text: md(`*Justification*\n>${escapeMrkdwn(clip(g.justification, 1500)).replace(/\n/g, '\n>')}`),
    },
  ];
  if (g.reason) blocks.push({ type: 'section', text: md(`*Reason*\n${escapeMrkdwn(clip(g.reason, 1500))}`) });
  if (url) blocks.push({ type: 'section', text: md(link(url, 'Open the grant in Egress Control')) });
  return blocks;
}

function alertBlocks(a: AlertNotice, headline: string, url: string | undefined): Block[] {
  const lines = a.destinations
    .slice(0, 10)
    .map((d) => `• ${code(`${d.destination}:${d.port}/${d.protocol}`)} × ${d.count}`);
  const window = a.windowStart && a.windowEnd ? `${a.windowStart} – ${a.windowEnd}` : 'unknown';
  const blocks: Block[] = [
    { type: 'section', text: md(headline) },
    {
      type: 'section',
      fields: [
        field('Rule', escapeMrkdwn(a.ruleName)),
        field(
          'Source',
          `${a.service ? code(a.service) : 'unregistered workload'}${a.sourceNamespace ? ` in ${code(a.sourceNamespace)}` : ''}`,
        ),
        field('Denied', `${a.count} (threshold ${a.threshold})`),
        field('Window', escapeMrkdwn(window)),
      ],
    },
  ];
  if (lines.length > 0) blocks.push({ type: 'section', text: md(`*Destinations*\n${lines.join('\n')}`) });
  if (url) blocks.push({ type: 'section', text: md(link(url, 'Open the alerts in Egress Control')) });
  return blocks;
}

function driftBlocks(p: NotificationPayload, headline: string): Block[] {
  const lines = (p.data.drift?.objects ?? []).slice(0, 10).map((o) => {
    const who = o.managers.length > 0 ? `by ${o.managers.map(code).join(', ')}` : 'by someone else';
    const what =
      o.change === 'deleted' ? 'deleted' : `${o.fields.map((f) => code(f.path)).join(', ')} changed`;
    return `• ${code(`${o.kind} ${o.namespace ?? ''}/${o.name}`)}: ${what} ${who}; put back`;
  });
  const blocks: Block[] = [{ type: 'section', text: md(headline) }];
  if (lines.length > 0) blocks.push({ type: 'section', text: md(lines.join('\n')) });
  if (p.links.reconcile)
    blocks.push({ type: 'section', text: md(link(p.links.reconcile, 'Open reconcile in Egress Control')) });
  return blocks;
}

function summary(p: NotificationPayload): string {
  const d = p.data.drift;
  if (d) {
    const managers = [...new Set(d.objects.flatMap((o) => o.managers))];
    return `${d.objects.length} managed object${d.objects.length === 1 ? '' : 's'} changed outside egress-control${managers.length > 0 ? ` (by ${managers.join(', ')})` : ''}`;
  }
  const g = p.data.grant;
  if (g) return `${g.service} → ${target(g)}`;
  const a = p.data.alert;
  if (a)
    return `${a.service ?? a.sourceNamespace ?? 'unknown source'}: ${a.count} denied connections (rule ${a.ruleName})`;
  return p.data.message ?? '';
}

export function renderSlack(p: NotificationPayload): SlackMessage {
  const { emoji, title } = TITLES[p.event];
  const text = `${title}: ${summary(p)}`;
  const headline = `${emoji} *${escapeMrkdwn(title)}*: ${escapeMrkdwn(summary(p))}`;
  let blocks: Block[];
  if (p.data.drift) blocks = driftBlocks(p, headline);
  else if (p.data.grant) blocks = grantBlocks(p.data.grant, headline, p.links.grant);
  else if (p.data.alert) blocks = alertBlocks(p.data.alert, headline, p.links.alert);
  else blocks = [{ type: 'section', text: md(headline) }];
  blocks.push({
    type: 'context',
    elements: [
      md(`by ${escapeMrkdwn(p.actor.label)} · ${escapeMrkdwn(p.occurredAt)} · event ${escapeMrkdwn(p.id)}`),
    ],
  });
  return { text: clip(text, 3000), blocks };
}
