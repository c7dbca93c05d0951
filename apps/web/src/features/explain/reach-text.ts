// Words for an explain answer: what each check means, the verdict as a sentence, and the fixes as the
// console's actions. Pure, so the wording is unit-tested without a browser.
import type { Explain, ExplainFix, ExplainStep } from '@egress/shared';

import type { ReachQuestion } from './api/explain.queries.ts';

export const CHECK_LABELS: Record<ExplainStep['check'], string> = {
  service: 'Service',
  identity: 'Identity binding',
  destination: 'Destination',
  port: 'Port',
  grant: 'Grant',
  'gateway-ready': 'Gateway ready',
  'dns-steering': 'DNS steering',
  'gateway-ingress': 'Gateway admits the service',
  'gateway-upstream': 'Gateway reaches the internet',
  'default-deny': 'Namespace default deny',
  'port-wide': 'Port-wide grant',
};

export const PATH_LABELS: Record<Explain['path'], string> = {
  gateway: 'through the destination’s gateway',
  'port-wide': 'by a port-wide grant (any public address on the port)',
  direct: 'directly, nothing in between',
};

/** The verdict in one sentence, e.g. "Allowed: svc can reach api.example.com:443 through the destination’s gateway." */
export function verdictSentence(e: Explain): string {
  const target = `${e.host}:${e.port}`;
  if (e.verdict === 'allowed') return `Allowed: ${e.service} can reach ${target} ${PATH_LABELS[e.path]}.`;
  if (e.verdict === 'open')
    return `Open: ${e.service} reaches ${target} directly, because namespace ${e.namespace} is not enforced.`;
  const via = e.path === 'gateway' ? 'through its gateway' : 'by a port-wide grant';
  return `Denied: ${e.service} cannot reach ${target}. A grant would open it ${via}.`;
}

/**
 * The step a reader should look at first: on a denial the first failing check (the chain stops making
 * sense after it); otherwise none.
 */
export function firstFailure(e: Explain): ExplainStep | undefined {
  return e.verdict === 'denied' ? e.steps.find((s) => !s.ok) : undefined;
}

/** Where "Request access" goes: the request form's own prefill link (/requests/new?service=…&destination=…&port=…). */
export function requestSearch(
  fix: ExplainFix,
): { service: string; destination?: string; port: number } | null {
  if (fix.kind !== 'request' || !fix.request) return null;
  const { service, destination, port } = fix.request;
  // Port-wide: the form has no link value for "any host"; the person picks it there.
  return destination === null ? { service, port } : { service, destination, port };
}

/** A question is complete when it names a service, a host and a valid port. */
export function completeQuestion(q: Partial<ReachQuestion>): ReachQuestion | null {
  const service = q.service?.trim();
  const host = q.host?.trim().toLowerCase();
  const port = q.port;
  if (!service || !host || port === undefined || !Number.isInteger(port) || port < 1 || port > 65535)
    return null;
  return { service, host, port };
}
