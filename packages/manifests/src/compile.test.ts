import { createHash } from 'node:crypto';

import { gatewayNameFor } from '@egress/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { at, find, ofKind, policySpec } from '../test/helpers.ts';
import { destination, richInput, service, uuid } from '../test/scenarios.ts';
import {
  compile,
  type CompilerInput,
  contentHash,
  DEFAULT_DENY_NAME,
  DNS_SNIPPET_KEY,
  isServiceAddress,
  portPolicyName,
} from './index.ts';

const NS = 'egress-gateways';
const GITHUB = gatewayNameFor('github.com');
const STRIPE = gatewayNameFor('api.stripe.com');

describe('compile: every object', () => {
  const input = richInput();
  const objects = compile(input);

  it('is labelled as managed by egress control, named, and carries its own content hash', () => {
    expect(objects.length).toBeGreaterThan(30);
    for (const o of objects) {
      expect(o.metadata.labels['app.kubernetes.io/managed-by']).toBe('egress-control');
      expect(o.metadata.labels['app.kubernetes.io/name']).toMatch(/^egress-(gateway|control)$/);
      const hash = o.metadata.annotations['egress.example.com/content-hash'];
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(contentHash(o)).toBe(hash);
    }
  });

  it('has a DNS-1123 name of at most 63 characters, and a namespace (admission policies: cluster-scoped)', () => {
    for (const o of objects.filter((o) => !o.kind.startsWith('ValidatingAdmissionPolicy'))) {
      expect(o.metadata.name.length).toBeLessThanOrEqual(63);
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(o.metadata.namespace).toMatch(/^[a-z0-9-]+$/);
    }
  });

  it('is sorted by kind, namespace and name, with no duplicates', () => {
    const keys = objects.map((o) => `${o.kind}\u0000${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives each destination its six gateway objects in the gateway namespace', () => {
    for (const d of input.destinations) {
      for (const kind of [
        'ConfigMap',
        'Deployment',
        'Service',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'NetworkPolicy',
      ]) {
        expect(find(objects, kind, NS, d.gatewayName).metadata.labels['egress.example.com/gateway']).toBe(
          d.gatewayName,
        );
      }
    }
  });
});

describe('compile: content hash', () => {
  const hashes = (input: CompilerInput) =>
    new Map(
      compile(input).map((o) => [
        `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`,
        o.metadata.annotations['egress.example.com/content-hash'],
      ]),
    );

  it('is the same for the same input, and changes only on the objects whose content changed', () => {
    const before = hashes(richInput());
    expect(hashes(richInput())).toEqual(before);
    const changed = richInput();
    changed.destinations[1]!.gateway.maxReplicas = 9; // api.stripe.com: only its HPA changes
    const after = hashes(changed);
    const differing = [...before.keys()].filter((k) => before.get(k) !== after.get(k));
    expect(differing).toEqual([`HorizontalPodAutoscaler/${NS}/${STRIPE}`]);
  });

  it('is the same with a native SHA-256 passed in', () => {
    const native = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(compile(richInput(), { sha256Hex: native })).toEqual(compile(richInput()));
  });

  it('changes when the annotated object is edited, and ignores its own annotation', () => {
    const policy = find(compile(richInput()), 'NetworkPolicy', NS, GITHUB);
    const original = contentHash(policy);
    const edited = structuredClone(policy);
    policySpec(edited).ingress = [];
    expect(contentHash(edited)).not.toBe(original);
    const rehashed = structuredClone(policy);
    rehashed.metadata.annotations['egress.example.com/content-hash'] = 'tampered';
    expect(contentHash(rehashed)).toBe(original);
  });
});

describe('compile: gateway Deployment', () => {
  const deployment = (input: CompilerInput, name = GITHUB) => find(compile(input), 'Deployment', NS, name);
  const configHash = (input: CompilerInput) =>
    at(deployment(input), 'spec', 'template', 'metadata', 'annotations', 'egress.example.com/config-hash');

  it('rolls pods when the Envoy config changes (a port is added), not when only scaling changes', () => {
    const base = configHash(richInput());
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const morePorts = richInput();
    morePorts.destinations[0]!.ports.push({ port: 9418, protocol: 'TCP' });
    expect(configHash(morePorts)).not.toBe(base);
    const scaled = richInput();
    scaled.destinations[0]!.gateway.minReplicas = 4;
    scaled.destinations[0]!.sensitivity = 'standard';
    expect(configHash(scaled)).toBe(base);
  });

  it('runs Envoy locked down: non-root, read-only, no privilege, node resolver, no token', () => {
    const spec = at(deployment(richInput()), 'spec', 'template', 'spec') as Record<string, unknown>;
    expect(spec).toMatchObject({
      dnsPolicy: 'Default',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 101 },
    });
    expect(at(spec, 'containers', 0, 'securityContext')).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(at(spec, 'containers', 0, 'args')).toEqual([
      '-c',
      '/etc/envoy/envoy.yaml',
      '--log-level',
      'warn',
      '--disable-hot-restart',
    ]);
    expect(at(deployment(richInput()), 'spec', 'replicas')).toBeUndefined();
  });

  it('lets the envoy user bind ports below 1024 only where the destination has one', () => {
    const sysctls = (name: string) =>
      at(deployment(richInput(), name), 'spec', 'template', 'spec', 'securityContext', 'sysctls');
    expect(sysctls(GITHUB)).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    expect(sysctls(gatewayNameFor('metrics.vendor.io'))).toBeUndefined();
  });

  it('probes a port that no destination port takes, even when the destination uses 9901 and 9902', () => {
    const ports = at(
      deployment(richInput(), gatewayNameFor('metrics.vendor.io')),
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'ports',
    ) as { name: string; containerPort: number }[];
    expect(ports.map((p) => p.containerPort)).toEqual([9901, 9902, 9903, 9905, 9102]);
    expect(ports.map((p) => p.name).slice(-2)).toEqual(['health', 'metrics']);
  });
});

// Every gateway policy ends with this rule: the metrics port, from namespaces labelled for scraping.
const METRICS_RULE = {
  from: [{ namespaceSelector: { matchLabels: { 'egress.example.com/metrics-scraper': 'true' } } }],
  ports: [{ port: 9102, protocol: 'TCP' }],
};

describe('compile: gateway NetworkPolicy', () => {
  it('admits only the granted services, on the granted ports the destination serves', () => {
    const spec = policySpec(find(compile(richInput()), 'NetworkPolicy', NS, GITHUB));
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } },
            podSelector: { matchLabels: { app: 'service-github' } },
          },
        ],
        ports: [
          { port: 22, protocol: 'TCP' },
          { port: 443, protocol: 'TCP' },
        ],
      },
      METRICS_RULE,
    ]);
  });

  it('admits a granted port number over every protocol the destination serves it on', () => {
    const spec = policySpec(
      find(compile(richInput()), 'NetworkPolicy', NS, gatewayNameFor('dns.example.net')),
    );
    expect(spec.ingress?.[0]?.ports).toEqual([
      { port: 53, protocol: 'TCP' },
      { port: 53, protocol: 'UDP' },
    ]);
  });

  it('denies all client ingress when the destination has no grants, but the gateway still exists', () => {
    const objects = compile(richInput());
    expect(
      policySpec(find(objects, 'NetworkPolicy', NS, gatewayNameFor('unused.example.org'))).ingress,
    ).toEqual([METRICS_RULE]);
    expect(find(objects, 'Deployment', NS, gatewayNameFor('unused.example.org'))).toBeDefined();
  });

  it('moves the metrics port past a destination that uses 9102, in the pod, its annotations and the policy', () => {
    const input = richInput();
    input.destinations.push(destination(90, 'stats.example.com', [{ port: 9102, protocol: 'TCP' }]));
    const objects = compile(input);
    const name = gatewayNameFor('stats.example.com');
    const template = at(find(objects, 'Deployment', NS, name), 'spec', 'template');
    const ports = at(template, 'spec', 'containers', 0, 'ports') as { name: string; containerPort: number }[];
    expect(ports.map((p) => `${p.name}=${p.containerPort}`)).toEqual([
      'tcp-9102=9102',
      'health=9902',
      'metrics=9103',
    ]);
    expect(at(template, 'metadata', 'annotations', 'prometheus.io/port')).toBe('9103');
    expect(policySpec(find(objects, 'NetworkPolicy', NS, name)).ingress?.at(-1)).toEqual({
      ...METRICS_RULE,
      ports: [{ port: 9103, protocol: 'TCP' }],
    });
  });

  it('drops a service whose grant is revoked (the input no longer lists it)', () => {
    const input = richInput();
    input.grants = input.grants.filter((g) => !(g.serviceId === uuid(15) && g.destinationId === uuid(2)));
    const spec = policySpec(find(compile(input), 'NetworkPolicy', NS, STRIPE));
    expect(
      spec.ingress?.map((r) => r.from?.[0]?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']),
    ).toEqual(['billing', undefined]);
    expect(spec.ingress?.at(-1)).toEqual(METRICS_RULE);
  });

  it('lets the gateway reach public addresses on its ports and the resolver on 53 only', () => {
    const spec = policySpec(find(compile(richInput()), 'NetworkPolicy', NS, GITHUB));
    expect(spec.egress?.map((r) => r.ports)).toEqual([
      [
        { port: 22, protocol: 'TCP' },
        { port: 443, protocol: 'TCP' },
      ],
      [
        { port: 53, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ],
    ]);
    expect(spec.egress?.[1]?.to).toEqual([
      { ipBlock: { cidr: '10.0.0.2/32' } },
      { ipBlock: { cidr: '169.254.169.253/32' } },
    ]);
  });

  it('never writes a public egress rule without ports (that would open every port)', () => {
    const input = richInput();
    input.destinations[0]!.ports = [];
    const spec = policySpec(find(compile(input), 'NetworkPolicy', NS, GITHUB));
    expect(spec.egress?.every((rule) => (rule.ports ?? []).length > 0)).toBe(true);
    expect(spec.egress?.some((rule) => rule.to?.some((peer) => peer.ipBlock?.cidr === '0.0.0.0/0'))).toBe(
      false,
    );
  });

  it('has no resolver rule while no resolver is configured', () => {
    const input = richInput();
    input.settings.gatewayResolver.cidrs = [];
    expect(policySpec(find(compile(input), 'NetworkPolicy', NS, GITHUB)).egress).toHaveLength(1);
  });
});

describe('compile: workload namespaces', () => {
  it('writes the default-deny policy into each enforced namespace and nowhere else', () => {
    const denies = compile(richInput()).filter((o) => o.metadata.name === DEFAULT_DENY_NAME);
    expect(denies.map((o) => o.metadata.namespace)).toEqual(['billing', 'crawler-ns', 'payments']);
    const spec = policySpec(denies[0]!);
    expect(spec).toMatchObject({ podSelector: {}, policyTypes: ['Egress'] });
    expect(spec.egress?.[0]).toEqual({ to: [{ namespaceSelector: {} }] });
  });

  it('writes port-wide policies only for services in enforced namespaces, one per port', () => {
    const input = richInput();
    const longName = input.services.find((s) => s.id === uuid(15))!.name;
    const portWide = ofKind(compile(input), 'NetworkPolicy').filter(
      (o) => o.metadata.labels['app.kubernetes.io/component'] === 'port-grant',
    );
    expect(portWide.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(
      [
        `crawler-ns/${portPolicyName('service.crawler', 443)}`,
        `payments/${portPolicyName(longName, 443)}`,
        `payments/${portPolicyName(longName, 8443)}`,
      ].sort(),
    );
    const crawler = policySpec(
      find(portWide, 'NetworkPolicy', 'crawler-ns', 'egress-port-443-service-crawler'),
    );
    expect(crawler).toMatchObject({
      podSelector: { matchLabels: { app: 'crawler' } },
      policyTypes: ['Egress'],
    });
    expect(crawler.egress?.[0]?.ports).toEqual([{ port: 443, protocol: 'TCP' }]);
  });
});

describe('compile: enforcement mode "all"', () => {
  const CLUSTER = [
    'billing',
    'crawler-ns',
    'default',
    'egress-control',
    NS,
    'infra',
    'kube-node-lease',
    'kube-public',
    'kube-system',
    'observability',
    'payments',
    'team-new',
  ];
  const allMode = (cluster: CompilerInput['cluster']) => {
    const input = richInput();
    input.settings.enforcementMode = 'all';
    input.cluster = cluster;
    return input;
  };
  const deniedIn = (input: CompilerInput) =>
    compile(input)
      .filter((o) => o.metadata.name === DEFAULT_DENY_NAME)
      .map((o) => o.metadata.namespace);

  it('writes the default-deny policy into every namespace of the cluster but the excluded, gateway and product ones', () => {
    expect(deniedIn(allMode({ namespaces: CLUSTER, productNamespace: 'egress-control' }))).toEqual([
      'billing',
      'crawler-ns',
      'default',
      'infra',
      'observability',
      'payments',
      'team-new',
    ]);
  });

  it('ignores the list of enforced namespaces, and honours an edited exclusion list', () => {
    const input = allMode({ namespaces: CLUSTER, productNamespace: null });
    input.settings.enforcedNamespaces = ['not-in-the-cluster'];
    input.settings.excludedNamespaces = ['default', 'kube-system'];
    expect(deniedIn(input)).toEqual([
      'billing',
      'crawler-ns',
      'egress-control',
      'infra',
      'kube-node-lease',
      'kube-public',
      'observability',
      'payments',
      'team-new',
    ]);
  });

  it('gives a namespace created since the last run its policy, with nothing else changed', () => {
    const before = compile(allMode({ namespaces: CLUSTER, productNamespace: 'egress-control' }));
    const after = compile(
      allMode({ namespaces: [...CLUSTER, 'created-later'], productNamespace: 'egress-control' }),
    );
    const key = (o: (typeof before)[number]) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const added = after.filter((o) => !before.some((b) => key(b) === key(o)));
    expect(added.map(key)).toEqual([`NetworkPolicy/created-later/${DEFAULT_DENY_NAME}`]);
    expect(after.filter((o) => before.some((b) => key(b) === key(o)))).toEqual(before);
  });

  it('writes port-wide policies in every enforced namespace, observability now among them', () => {
    const portWide = ofKind(
      compile(allMode({ namespaces: CLUSTER, productNamespace: null })),
      'NetworkPolicy',
    ).filter((o) => o.metadata.labels['app.kubernetes.io/component'] === 'port-grant');
    expect(portWide.map((o) => o.metadata.namespace)).toContain('observability');
  });

  it('without a cluster list (directory target) enforces the namespaces the services and settings name', () => {
    expect(deniedIn(allMode(null))).toEqual(['billing', 'crawler-ns', 'infra', 'observability', 'payments']);
  });

  it('is the list, unchanged, in mode "listed" whatever the cluster holds', () => {
    const input = richInput();
    input.cluster = { namespaces: CLUSTER, productNamespace: 'egress-control' };
    expect(deniedIn(input)).toEqual(['billing', 'crawler-ns', 'payments']);
    expect(compile(input)).toEqual(compile(richInput()));
  });
});

describe('portPolicyName', () => {
  it('is readable and stable for short names', () => {
    expect(portPolicyName('service.crawler', 443)).toBe('egress-port-443-service-crawler');
    expect(portPolicyName('my-svc.a', 22)).toBe('egress-port-22-my--svc-a');
  });

  it('stays a DNS-1123 label of at most 63 characters and distinct for long names', () => {
    const base = `service.${'x'.repeat(60)}`;
    const names = [base, `${base}a`, `${base}b`, base.replaceAll('x', 'y'), `${base}.worker`].flatMap((n) => [
      portPolicyName(n, 443),
      portPolicyName(n, 4430),
    ]);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(name).toMatch(/[a-z0-9]---[0-9a-f]{10}$/);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(portPolicyName(base, 443)).toBe(portPolicyName(base, 443));
  });

  it('never gives a cut name that an uncut name could have: only cut names have a run of three hyphens', () => {
    const oddRun = (name: string) =>
      (name.match(/-+/g) ?? []).some((run) => run.length > 1 && run.length % 2 === 1);
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?$/);
    const serviceName = fc.array(label, { minLength: 1, maxLength: 12 }).map((labels) => labels.join('.'));
    fc.assert(
      fc.property(serviceName, fc.integer({ min: 1, max: 65535 }), (name, port) => {
        const plain = `egress-port-${port}-${name.replaceAll('-', '--').replaceAll('.', '-')}`;
        const policy = portPolicyName(name, port);
        if (plain.length <= 63) {
          expect(policy).toBe(plain);
          expect(oddRun(policy)).toBe(false);
        } else {
          expect(policy.length).toBeLessThanOrEqual(63);
          expect(policy).toMatch(/[a-z0-9]---[0-9a-f]{10}$/);
          expect(oddRun(policy)).toBe(true);
        }
      }),
    );
  });
});

describe('compile: DNS rewrites', () => {
  const snippet = (input: CompilerInput) =>
    at(
      find(compile(input), 'ConfigMap', 'kube-system', 'egress-control-dns'),
      'data',
      DNS_SNIPPET_KEY,
    ) as string;

  it('rewrites only destinations whose gateway is ready, sorted by host', () => {
    const text = snippet(richInput());
    expect(text.match(/name exact (\S+)/g)).toEqual([
      'name exact dns.example.net.',
      'name exact github.com.',
    ]);
    expect(text).toContain(
      `rewrite stop {\n  name exact github.com. ${GITHUB}.egress-gateways.svc.cluster.local.\n  answer auto\n}\n`,
    );
  });

  it("rewrites every destination for readiness 'all' and none when nothing is ready", () => {
    const all = richInput();
    all.readiness = 'all';
    expect(snippet(all).match(/rewrite stop/g)).toHaveLength(5);
    const none = richInput();
    none.readiness = {};
    expect(snippet(none)).toMatch(/^#[^\n]*\n$/);
  });

  it('follows the gateway namespace and cluster domain settings', () => {
    const input = richInput();
    input.settings.gatewayNamespace = 'gw';
    input.settings.clusterDomain = 'corp.internal';
    expect(snippet(input)).toContain(`${GITHUB}.gw.svc.corp.internal.`);
  });
});

describe('compile: DNS hosts format (gateway addresses known)', () => {
  const snippet = (input: CompilerInput) =>
    at(
      find(compile(input), 'ConfigMap', 'kube-system', 'egress-control-dns'),
      'data',
      DNS_SNIPPET_KEY,
    ) as string;
  const DNS = gatewayNameFor('dns.example.net');
  const withAddresses = (addresses: Record<string, string[]>): CompilerInput => ({
    ...richInput(),
    gatewayAddresses: addresses,
  });
  const entries = (text: string) => text.split('\n').filter((l) => /^ {2}[0-9a-f:.]+ \S+$/.test(l));

  it('maps each ready destination to its Service ClusterIPs in one hosts block, sorted', () => {
    const text = snippet(
      withAddresses({ [GITHUB]: ['10.96.0.20'], [STRIPE]: ['10.96.0.30'], [DNS]: ['10.96.0.40'] }),
    );
    expect(text).toBe(
      '# Managed by egress-control: DNS answers for egress gateways (name -> gateway Service ClusterIPs). Changes here are overwritten.\n' +
        'hosts /dev/null {\n' +
        '  10.96.0.40 dns.example.net\n' +
        '  10.96.0.20 github.com\n' +
        '  ttl 5\n  reload 0\n  no_reverse\n  fallthrough\n}\n',
    );
    // stripe's gateway is not ready: not steered although its Service has an address.
    expect(text).not.toContain('api.stripe.com');
    expect(text).not.toContain('rewrite');
  });

  it('writes both families of a dual-stack Service, whatever their input order', () => {
    const a = snippet(withAddresses({ [GITHUB]: ['fd00:10:96::14', '10.96.0.20'] }));
    const b = snippet(withAddresses({ [GITHUB]: ['10.96.0.20', 'fd00:10:96::14'] }));
    expect(entries(a)).toEqual(['  10.96.0.20 github.com', '  fd00:10:96::14 github.com']);
    expect(b).toBe(a);
  });

  it('does not steer a ready gateway whose Service has no known address', () => {
    const text = snippet(withAddresses({ [DNS]: ['10.96.0.40'] }));
    expect(entries(text)).toEqual(['  10.96.0.40 dns.example.net']);
  });

  it('writes an empty hosts block (still falling through) when nothing is steered', () => {
    const none = withAddresses({ [GITHUB]: ['10.96.0.20'] });
    none.readiness = {};
    expect(entries(snippet(none))).toEqual([]);
    expect(snippet(none)).toContain(
      'hosts /dev/null {\n  ttl 5\n  reload 0\n  no_reverse\n  fallthrough\n}\n',
    );
  });

  it('drops anything that is not an IP address instead of writing it into the Corefile', () => {
    const text = snippet(
      withAddresses({
        [GITHUB]: [
          'None',
          '',
          '10.96.0.20\n}\nforward . 1.1.1.1',
          '10.096.0.1',
          'fd00::1::2',
          'FD00::1',
          '10.96.0.21',
        ],
      }),
    );
    expect(entries(text)).toEqual(['  10.96.0.21 github.com']);
    expect(text).not.toContain('forward');
  });

  it('accepts only text made of address characters (nothing can end the block)', () => {
    fc.assert(fc.property(fc.string(), (s) => !isServiceAddress(s) || /^[0-9a-f:.]+$/.test(s)));
    for (const ok of [
      '10.96.0.1',
      '0.0.0.0',
      '255.255.255.255',
      'fd00::1',
      '::1',
      '2001:db8:0:0:0:0:0:1',
      'fd00:10:96::',
    ])
      expect(isServiceAddress(ok), ok).toBe(true);
    for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', '1:2:3:4:5:6:7:8:9', 'fd00::g', ':::', 'None'])
      expect(isServiceAddress(bad), bad).toBe(false);
  });

  it('keeps the rewrite format where addresses cannot be known (directory target)', () => {
    const input = richInput();
    delete input.gatewayAddresses;
    expect(snippet(input)).toContain('rewrite stop {');
    expect(snippet(input)).not.toContain('hosts');
  });
});

describe('compile: input it cannot honour', () => {
  it('refuses two destinations with one gateway name', () => {
    const input = richInput();
    input.destinations.push(
      destination(50, 'other.example.com', [{ port: 443, protocol: 'TCP' }], { gatewayName: GITHUB }),
    );
    expect(() => compile(input)).toThrow(/share the gateway name/);
  });

  it('compiles an empty cluster to the DNS ConfigMap alone', () => {
    const input = richInput();
    input.destinations = [];
    input.services = [service(1, 'a.b', 'ns', { a: 'b' })];
    input.grants = [];
    input.settings.enforcedNamespaces = [];
    expect(compile(input).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/egress-control-dns',
    ]);
  });
});
