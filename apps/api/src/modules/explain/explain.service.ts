import {
  type CompilerDestination,
  type CompilerInput,
  DNS_SNIPPET_KEY,
  type KubernetesObject,
  type PathVerdict,
  podIdentityPolicyName,
  type Reachability,
  reachability,
} from '@egress/manifests';
import type { Explain, ExplainFix, ExplainStep, Protocol } from '@egress/shared';

import type { Clock } from '../../platform/clock.ts';
import { notFound } from '../../platform/errors.ts';
import { type CompiledState, compileState, type DesiredStateCache } from './desired-cache.ts';
import type { ExplainRepository, GrantRow, ServiceRow } from './explain.repository.ts';

export interface ExplainRequest {
  service: string;
  host: string;
  port: number;
  protocol: Protocol;
}

/** Everything one answer is built from: the query, the compiled state and its evaluation, the grants. */
interface Facts {
  q: ExplainRequest;
  service: ServiceRow;
  input: CompilerInput;
  objects: KubernetesObject[];
  r: Reachability;
  destination: CompilerDestination | null;
  sensitivity: string | null;
  hostGrants: GrantRow[];
  portWide: GrantRow[];
  now: Date;
  publicUrl: string;
}

const step = (check: ExplainStep['check'], ok: boolean, detail: string): ExplainStep => ({
  check,
  ok,
  detail,
});
const policyNames = (v: PathVerdict['egress']) => [...v.allowedBy, ...v.deniedBy].join(', ') || 'none';
const live = (g: GrantRow, now: Date) => g.state === 'active' && (!g.expiresAt || g.expiresAt > now);

/** Whether the compiled DNS snippet steers `host` (hosts format: "<ip> <host>"; rewrite: "name exact <host>."). */
function steeredInDns(objects: readonly KubernetesObject[], input: CompilerInput, host: string): boolean {
  const { name, namespace } = input.settings.dnsConfigMap;
  const cm = objects.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === name && o.metadata.namespace === namespace,
  ) as { data?: Record<string, string> } | undefined;
  const snippet = cm?.data?.[DNS_SNIPPET_KEY] ?? '';
  return snippet.split('\n').some((line) => {
    const words = line.trim().split(/\s+/);
    return (
      (words.length === 2 && words[1] === host) ||
      (words[0] === 'name' && words[1] === 'exact' && words[2] === `${host}.`)
    );
  });
}

function grantsText(grants: GrantRow[], now: Date, none: string): string {
  if (grants.length === 0) return none;
  return grants
    .map((g) => {
      const expiry = g.expiresAt
        ? `${g.expiresAt <= now ? 'expired' : 'expires'} ${g.expiresAt.toISOString()}`
        : 'no expiry';
      return `grant ${g.id}: ${g.state}, ${g.approvals} of ${g.requiredApprovals} approval(s), ${expiry}`;
    })
    .join('; ');
}

function serviceSteps({ service }: Facts): ExplainStep[] {
  const labels = JSON.stringify((service.selector as { matchLabels?: unknown }).matchLabels ?? {});
  return [
    step('service', true, `${service.name} in namespace ${service.namespace}, pods matching ${labels}`),
    step(
      'identity',
      true,
      service.serviceAccount
        ? `bound to ServiceAccount ${service.serviceAccount}: admission policy ${podIdentityPolicyName(service.namespace)} refuses pods with these labels under another account`
        : 'unbound: any pod with these labels in the namespace counts as the service (bind a ServiceAccount to close that)',
    ),
  ];
}

function destinationSteps(f: Facts, d: CompilerDestination): ExplainStep[] {
  const { q, r } = f;
  const served = d.ports.some((p) => p.port === q.port && p.protocol === q.protocol);
  const ports = d.ports.map((p) => `${p.port}/${p.protocol}`).join(', ');
  const inDns = steeredInDns(f.objects, f.input, q.host);
  const steps = [
    step(
      'destination',
      true,
      `${d.host}${f.sensitivity ? ` (${f.sensitivity})` : ''}, gateway ${d.gatewayName}`,
    ),
    step(
      'port',
      served,
      served
        ? `${q.port}/${q.protocol} is one of the destination's ports`
        : `${q.port}/${q.protocol} is not one of the destination's ports (${ports})`,
    ),
    step(
      'grant',
      f.hostGrants.some((g) => live(g, f.now)),
      grantsText(f.hostGrants, f.now, `no grant for ${f.service.name} → ${q.host}:${q.port}`),
    ),
    step(
      'gateway-ready',
      r.steered,
      r.steered
        ? `gateway ${d.gatewayName} is ready`
        : `gateway ${d.gatewayName} is not ready: DNS does not steer ${q.host} to it`,
    ),
    step(
      'dns-steering',
      inDns,
      inDns
        ? `the DNS snippet answers ${q.host} with the gateway`
        : `the DNS snippet has no entry for ${q.host}: the name resolves to its public addresses`,
    ),
  ];
  if (r.toGateway) {
    const ingress = r.toGateway.ingress;
    steps.push(
      step(
        'gateway-ingress',
        ingress.allowed && ingress.isolated,
        `${ingress.allowed ? 'admits' : 'does not admit'} the service's pods on ${q.port}/${q.protocol} (policies: ${policyNames(ingress)})`,
      ),
    );
  }
  if (r.upstream)
    steps.push(
      step(
        'gateway-upstream',
        r.upstream.allowed,
        `the gateway ${r.upstream.allowed ? 'may' : 'may not'} reach public addresses on ${q.port}/${q.protocol}`,
      ),
    );
  return steps;
}

function enforcementSteps(f: Facts): ExplainStep[] {
  const { r, service, q } = f;
  const isolated = r.direct.egress.isolated;
  const steps = [
    step(
      'default-deny',
      isolated,
      isolated
        ? `namespace ${service.namespace} is enforced: direct egress to public addresses is denied unless granted (policies: ${policyNames(r.direct.egress)})`
        : `namespace ${service.namespace} is not enforced: its pods reach the internet directly`,
    ),
    step(
      'port-wide',
      isolated && r.direct.allowed,
      grantsText(f.portWide, f.now, `no port-wide grant for ${service.name} on ${q.port}`),
    ),
  ];
  // The name leads to the gateway while it is steered: a port-wide grant then reaches the host by address only.
  if (isolated && r.direct.allowed && r.steered)
    steps.push(
      step(
        'port-wide',
        true,
        `while gateway ${f.destination?.gatewayName ?? ''} steers ${q.host}, the port-wide grant reaches it by address only`,
      ),
    );
  return steps;
}

function pendingFix(grants: GrantRow[], publicUrl: string): ExplainFix[] {
  const pending = grants.find((g) => g.state === 'pending');
  if (!pending) return [];
  const { id, approvals, requiredApprovals } = pending;
  return [
    {
      kind: 'pending',
      detail: `grant ${id} is waiting for approval: ${approvals} of ${requiredApprovals}`,
      grantId: id,
      approvals,
      requiredApprovals,
      link: `${publicUrl}/grants/${id}`,
    },
  ];
}

/** What would change the verdict, most specific first; nothing when allowed. */
function fixesFor(f: Facts): ExplainFix[] {
  const { r, service, q, destination: d } = f;
  if (r.verdict === 'open')
    return [
      {
        kind: 'namespace-not-enforced',
        detail: `enforce namespace ${service.namespace}: add it to the settings' enforcedNamespaces, or set enforcementMode "all"`,
      },
    ];
  if (r.verdict === 'allowed') return [];
  const fixes: ExplainFix[] = [];
  if (!d)
    fixes.push({
      kind: 'register-destination',
      detail: `ask an approver to register ${q.host} (Destinations), then request access to it`,
    });
  if (d && !r.steered && f.hostGrants.some((g) => live(g, f.now))) {
    fixes.push({
      kind: 'gateway-not-ready',
      detail: `gateway ${d.gatewayName} is not ready: check its pods in namespace ${f.input.settings.gatewayNamespace} (GET /api/v1/reconcile/status)`,
    });
  }
  fixes.push(...pendingFix(d ? f.hostGrants : f.portWide, f.publicUrl));
  if (fixes.some((x) => x.kind === 'pending' || x.kind === 'gateway-not-ready')) return fixes;
  const detail = d
    ? `request ${service.name} → ${q.host}:${q.port}`
    : `or request a port-wide grant for ${service.name} on ${q.port} (any public address)`;
  return [
    ...fixes,
    {
      kind: 'request',
      detail,
      request: { service: service.name, destination: d ? q.host : null, port: q.port },
    },
  ];
}

function pathOf(r: Reachability, registered: boolean): Explain['path'] {
  if (r.route === 'gateway' || r.route === 'port-wide') return r.route;
  if (r.route === 'unisolated') return 'direct';
  return registered ? 'gateway' : 'port-wide';
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);
const liveIds = (grants: GrantRow[], now: Date) =>
  grants
    .filter((g) => live(g, now))
    .map((g) => g.id)
    .sort();

export interface ExplainDeps {
  repo: Pick<ExplainRepository, 'serviceNamed' | 'grantsOf'>;
  clock: Clock;
  publicUrl: string;
  /** The compiled state, kept between questions (the route's); without it, `input` compiled for each question. */
  cache?: Pick<DesiredStateCache, 'get' | 'invalidate'>;
  input?: () => Promise<CompilerInput>;
}

/**
 * The answer for one (service, host, port): the same compiler input the reconciler uses (snapshot,
 * readiness, gateway addresses, cluster namespaces from the target), compiled on the compiler thread,
 * evaluated by the pure reachability function; the grants table only explains the steps and fixes.
 */
export function createExplainService({ repo, clock, publicUrl, cache, input }: ExplainDeps) {
  async function compiled(head: bigint): Promise<CompiledState> {
    if (cache) return cache.get(head);
    if (!input) throw new Error('explain needs a cache or an input');
    const { readiness, gatewayAddresses, cluster, ...snapshot } = await input();
    return compileState(snapshot, { readiness, cluster, ...(gatewayAddresses ? { gatewayAddresses } : {}) });
  }

  /** Whether the state holds the service and exactly the enforced grants the grants table has for the question. */
  function agrees(state: CompiledState, f: Omit<Facts, 'r'>): boolean {
    const { service, destination, q, now } = f;
    if (!state.input.services.some((s) => s.id === service.id)) return false;
    if (
      destination &&
      !sameIds(liveIds(f.hostGrants, now), state.enforcedGrantIds(service.id, destination.id, q.port))
    )
      return false;
    return sameIds(liveIds(f.portWide, now), state.enforcedGrantIds(service.id, null, q.port));
  }

  async function facts(q: ExplainRequest, retried = false): Promise<Facts> {
    const { service, head } = await repo.serviceNamed(q.service);
    if (!service) throw notFound(`service ${q.service}`);
    const state = await compiled(head);
    const { input: compilerInput, objects } = state;
    const destination = compilerInput.destinations.find((d) => d.host === q.host) ?? null;
    const { hostGrants, portWide } = await repo.grantsOf(service.id, destination?.id ?? null, q.port);
    const now = clock.now();
    const partial: Omit<Facts, 'r'> = {
      q,
      service,
      input: compilerInput,
      objects,
      destination,
      sensitivity: destination?.sensitivity ?? null,
      hostGrants,
      portWide,
      now,
      publicUrl,
    };
    // A kept state that disagrees with the grants table about this very question is stale (a write that
    // bypassed the API, a grant expired meanwhile): compile again once rather than answer from it.
    if (cache && !retried && !agrees(state, partial)) {
      cache.invalidate();
      return facts(q, true);
    }
    const r = reachability(
      compilerInput,
      objects,
      { serviceId: service.id, host: q.host, port: q.port, protocol: q.protocol },
      {},
      state.policiesIn(service.namespace, compilerInput.settings.gatewayNamespace),
    );
    return { ...partial, r };
  }

  return {
    async explain(q: ExplainRequest): Promise<Explain> {
      const f = await facts(q);
      const { r, service, destination: d } = f;
      const steps = [
        ...serviceSteps(f),
        ...(d
          ? destinationSteps(f, d)
          : [
              step(
                'destination',
                false,
                `${q.host} is not a registered destination: no gateway serves it; only a port-wide grant reaches it`,
              ),
            ]),
        ...enforcementSteps(f),
      ];
      return {
        service: service.name,
        namespace: service.namespace,
        host: q.host,
        port: q.port,
        protocol: q.protocol,
        verdict: r.verdict,
        path: pathOf(r, !!d),
        steps,
        fixes: fixesFor(f),
      };
    },
  };
}

export type ExplainService = ReturnType<typeof createExplainService>;
