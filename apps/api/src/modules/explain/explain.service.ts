import {
  DNS_SNIPPET_KEY,
  podIdentityPolicyName,
  reachability,
  type CompilerInput,
  type KubernetesObject,
  type PathVerdict,
  type Reachability,
} from '@egress/manifests';
import type { Explain, ExplainFix, ExplainStep, Protocol } from '@egress/shared';

import type { Clock } from '../../platform/clock.ts';
import type { Db, Prisma } from '../../platform/db.ts';
import { notFound } from '../../platform/errors.ts';
import { compileDesired } from '../../reconcile/desired-state.ts';

type GrantRow = Prisma.GrantGetPayload<{ include: { approvals: true } }>;

export interface ExplainRequest {
  service: string;
  host: string;
  port: number;
  protocol: Protocol;
}

const policyNames = (v: PathVerdict['egress']) => [...v.allowedBy, ...v.deniedBy].join(', ') || 'none';

/** Whether the compiled DNS snippet steers `host` (hosts format: "  <ip> <host>"; rewrite: "name exact <host>."). */
function steeredInDns(objects: readonly KubernetesObject[], input: CompilerInput, host: string): boolean {
  const cm = objects.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === input.settings.dnsConfigMap.name && o.metadata.namespace === input.settings.dnsConfigMap.namespace,
  ) as { data?: Record<string, string> } | undefined;
  const snippet = cm?.data?.[DNS_SNIPPET_KEY] ?? '';
  return snippet.split('\n').some((line) => {
    const words = line.trim().split(/\s+/);
    return (words.length === 2 && words[1] === host) || (words[0] === 'name' && words[1] === 'exact' && words[2] === `${host}.`);
  });
}

function grantText(g: GrantRow, now: Date): string {
  const expiry = g.expiresAt ? `${g.expiresAt < now ? 'expired' : 'expires'} ${g.expiresAt.toISOString()}` : 'no expiry';
  return `grant ${g.id}: ${g.state}, ${g.approvals.length} of ${g.requiredApprovals} approval(s), ${expiry}`;
}

const live = (g: GrantRow, now: Date) => g.state === 'active' && (!g.expiresAt || g.expiresAt > now);

/**
 * The answer for one (service, host, port): the same compiler input the reconciler uses (snapshot,
 * readiness, gateway addresses, cluster namespaces from the target), compiled on the compiler thread,
 * evaluated by the pure reachability function; the grants table only explains the steps and fixes.
 */
export function createExplainService({ db, input, clock, publicUrl }: { db: Db; input: () => Promise<CompilerInput>; clock: Clock; publicUrl: string }) {
  async function grantsFor(serviceId: string, destinationId: string | null, port: number): Promise<GrantRow[]> {
    // Pending and active ones, and the most recent decided one (rejected, revoked, expired...) to say why.
    const open = await db.grant.findMany({ where: { serviceId, destinationId, port, state: { in: ['pending', 'active'] } }, include: { approvals: true }, orderBy: { requestedAt: 'desc' } });
    const last = await db.grant.findFirst({ where: { serviceId, destinationId, port, state: { notIn: ['pending', 'active'] } }, include: { approvals: true }, orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }] });
    return last ? [...open, last] : open;
  }

  return {
    async explain(q: ExplainRequest): Promise<Explain> {
      const service = await db.service.findFirst({ where: { name: q.service, deletedAt: null } });
      if (!service) throw notFound(`service ${q.service}`);
      const compilerInput = await input();
      const { readiness, gatewayAddresses, cluster, ...snapshot } = compilerInput;
      const objects = await compileDesired(snapshot, readiness, { ...(gatewayAddresses ? { addresses: gatewayAddresses } : {}), cluster });
      const r = reachability(compilerInput, objects, { serviceId: service.id, host: q.host, port: q.port, protocol: q.protocol });
      const destination = compilerInput.destinations.find((d) => d.host === q.host) ?? null;
      const destRow = destination ? await db.destination.findUnique({ where: { id: destination.id } }) : null;
      const now = clock.now();
      const [hostGrants, portWide] = await Promise.all([
        destination ? grantsFor(service.id, destination.id, q.port) : Promise.resolve([]),
        grantsFor(service.id, null, q.port),
      ]);
      const steps: ExplainStep[] = [];
      const fixes: ExplainFix[] = [];
      const step = (check: ExplainStep['check'], ok: boolean, detail: string) => steps.push({ check, ok, detail });

      step('service', true, `${service.name} in namespace ${service.namespace}, pods matching ${JSON.stringify((service.selector as { matchLabels?: unknown }).matchLabels ?? {})}`);
      step(
        'identity',
        true,
        service.serviceAccount
          ? `bound to ServiceAccount ${service.serviceAccount}: admission policy ${podIdentityPolicyName(service.namespace)} refuses pods with these labels under another account`
          : 'unbound: any pod with these labels in the namespace counts as the service (bind a ServiceAccount to close that)',
      );
      if (!destination) {
        step('destination', false, `${q.host} is not a registered destination: no gateway serves it`);
        if (r.verdict === 'denied') fixes.push({ kind: 'register-destination', detail: `ask an approver to register ${q.host} (Destinations), then request access to it` });
      } else {
        const served = destination.ports.some((p) => p.port === q.port && p.protocol === q.protocol);
        step('destination', true, `${destination.host}${destRow ? ` (${destRow.sensitivity})` : ''}, gateway ${destination.gatewayName}`);
        step('port', served, served ? `${q.port}/${q.protocol} is one of the destination's ports` : `${q.port}/${q.protocol} is not one of the destination's ports (${destination.ports.map((p) => `${p.port}/${p.protocol}`).join(', ')})`);
        const liveGrant = hostGrants.find((g) => live(g, now));
        step('grant', !!liveGrant, hostGrants.length ? hostGrants.map((g) => grantText(g, now)).join('; ') : `no grant for ${service.name} → ${q.host}:${q.port}`);
        const ready = r.steered;
        step('gateway-ready', ready, ready ? `gateway ${destination.gatewayName} is ready` : `gateway ${destination.gatewayName} is not ready: DNS does not steer ${q.host} to it`);
        const inDns = steeredInDns(objects, compilerInput, q.host);
        step('dns-steering', inDns, inDns ? `the DNS snippet answers ${q.host} with the gateway` : `the DNS snippet has no entry for ${q.host}: the name resolves to its public addresses`);
        if (r.toGateway) step('gateway-ingress', r.toGateway.ingress.allowed && r.toGateway.ingress.isolated, `${r.toGateway.ingress.allowed ? 'admits' : 'does not admit'} the service's pods on ${q.port}/${q.protocol} (policies: ${policyNames(r.toGateway.ingress)})`);
        if (r.upstream) step('gateway-upstream', r.upstream.allowed, `the gateway ${r.upstream.allowed ? 'may' : 'may not'} reach public addresses on ${q.port}/${q.protocol}`);
        if (!ready && liveGrant) fixes.push({ kind: 'gateway-not-ready', detail: `gateway ${destination.gatewayName} is not ready: check its pods in namespace ${compilerInput.settings.gatewayNamespace} (GET /api/v1/reconcile/status)` });
        pendingFix(hostGrants, fixes);
      }
      const isolated = r.direct.egress.isolated;
      step('default-deny', isolated, isolated ? `namespace ${service.namespace} is enforced: direct egress to public addresses is denied unless granted (policies: ${policyNames(r.direct.egress)})` : `namespace ${service.namespace} is not enforced: its pods reach the internet directly`);
      const pwLive = portWide.find((g) => live(g, now));
      step('port-wide', r.route === 'port-wide' || (isolated && r.direct.allowed), portWide.length ? portWide.map((g) => grantText(g, now)).join('; ') : `no port-wide grant for ${service.name} on ${q.port}`);
      if (pwLive && r.steered && r.route === 'port-wide') step('port-wide', true, `a port-wide grant reaches ${q.host} by address only while its gateway steers the name`);
      if (!destination) pendingFix(portWide, fixes);

      if (r.verdict === 'open') {
        fixes.push({ kind: 'namespace-not-enforced', detail: `enforce namespace ${service.namespace}: add it to the settings' enforcedNamespaces, or set enforcementMode "all"` });
      } else if (r.verdict === 'denied' && !fixes.some((f) => f.kind === 'pending' || f.kind === 'gateway-not-ready')) {
        const ask = destination ? q.host : null;
        fixes.push({ kind: 'request', detail: destination ? `request ${service.name} → ${q.host}:${q.port}` : `or request a port-wide grant for ${service.name} on ${q.port} (any public address)`, request: { service: service.name, destination: ask, port: q.port } });
      }
      return { service: service.name, namespace: service.namespace, host: q.host, port: q.port, protocol: q.protocol, verdict: r.verdict, path: pathOf(r, !!destination), steps, fixes };

      function pendingFix(grants: GrantRow[], out: ExplainFix[]) {
        const pending = grants.find((g) => g.state === 'pending');
        if (!pending) return;
        out.push({
          kind: 'pending',
          detail: `grant ${pending.id} is waiting for approval: ${pending.approvals.length} of ${pending.requiredApprovals}`,
          grantId: pending.id,
          approvals: pending.approvals.length,
          requiredApprovals: pending.requiredApprovals,
          link: `${publicUrl}/grants/${pending.id}`,
        });
      }
    },
  };
}

function pathOf(r: Reachability, registered: boolean): Explain['path'] {
  if (r.route === 'gateway' || r.route === 'port-wide') return r.route;
  if (r.route === 'unisolated') return 'direct';
  return registered ? 'gateway' : 'port-wide';
}
