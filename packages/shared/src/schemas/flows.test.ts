import { describe, expect, it } from 'vitest';

import { type DeniedFlow, type FlowFormat, FlowIngestBodySchema, normaliseFlowRecord } from './flows.ts';

/** A deny as Felix writes it (flowlog JSONOutput), aggregated over the pods of a deployment. */
function calicoRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    start_time: 1764136200,
    end_time: 1764136500,
    source_ip: null,
    source_name: '-',
    source_name_aggr: 'checkout-6c9f8d7b5-*',
    source_namespace: 'shop',
    nat_outgoing_ports: null,
    source_port: null,
    source_type: 'wep',
    source_labels: { labels: ['app=checkout', 'pod-template-hash=6c9f8d7b5', 'tier=backend'] },
    dest_ip: '140.82.121.4',
    dest_name: '-',
    dest_name_aggr: 'pub',
    dest_namespace: '-',
    dest_port: 443,
    dest_type: 'net',
    dest_labels: null,
    dest_service_namespace: '-',
    dest_service_name: '-',
    dest_service_port: '-',
    dest_service_port_num: null,
    dest_domains: ['api.github.com'],
    proto: 'tcp',
    action: 'deny',
    reporter: 'src',
    policies: {
      enforced_policies: ['0|__PROFILE__|__PROFILE__.kns.shop|deny|0'],
      pending_policies: [],
      transit_policies: [],
    },
    bytes_in: 0,
    bytes_out: 360,
    num_flows: 6,
    num_flows_started: 6,
    num_flows_completed: 0,
    packets_in: 0,
    packets_out: 6,
    http_requests_allowed_in: 0,
    http_requests_denied_in: 0,
    process_name: '-',
    num_process_names: 0,
    host: 'ip-10-0-1-23',
    ...overrides,
  };
}

/** One line of `hubble observe --verdict DROPPED -o json`: a pod refused on its way to the internet. */
function hubbleFlow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    time: '2026-11-26T05:50:12.123456789Z',
    uuid: '6f1c8a2e-0f4b-4a63-9d0e-8d1f4e5b7a10',
    verdict: 'DROPPED',
    drop_reason: 133,
    ethernet: { source: '8a:31:4c:9e:2b:01', destination: 'ce:1d:9f:62:aa:70' },
    IP: { source: '10.244.1.17', destination: '140.82.121.4', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 51234, destination_port: 443, flags: { SYN: true } } },
    source: {
      ID: 1234,
      identity: 48213,
      namespace: 'shop',
      labels: [
        'k8s:app=checkout',
        'k8s:io.cilium.k8s.policy.cluster=default',
        'k8s:io.kubernetes.pod.namespace=shop',
      ],
      pod_name: 'checkout-6c9f8d7b5-x2x7q',
      workloads: [{ name: 'checkout', kind: 'Deployment' }],
    },
    destination: { identity: 2, labels: ['reserved:world'] },
    Type: 'L3_L4',
    node_name: 'kind-worker',
    destination_names: ['api.github.com'],
    event_type: { type: 1, sub_type: 133 },
    traffic_direction: 'EGRESS',
    drop_reason_desc: 'POLICY_DENIED',
    Summary: 'TCP Flags: SYN',
    ...overrides,
  };
}

const wrapped = (flow: Record<string, unknown>) => ({
  flow,
  node_name: 'kind-worker',
  time: flow.time ?? '2026-11-26T05:50:12.123456789Z',
});

function genericRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    time: '2026-11-26T05:50:12Z',
    sourceNamespace: 'shop',
    sourceLabels: { app: 'checkout' },
    destIP: '140.82.121.4',
    destPort: 443,
    protocol: 'TCP',
    destName: 'API.GitHub.com.',
    ...overrides,
  };
}

function accepted(format: FlowFormat, raw: unknown): DeniedFlow {
  const result = normaliseFlowRecord(format, raw, 0);
  if (!result.ok) throw new Error(result.reason);
  return result.flow;
}

function reason(format: FlowFormat, raw: unknown, index = 3): string {
  const result = normaliseFlowRecord(format, raw, index);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.flow)}`);
  return result.reason;
}

describe('Calico flow logs', () => {
  it('reads a denied, source-reported flow log entry', () => {
    expect(accepted('calico', calicoRecord())).toEqual({
      time: new Date(1764136500 * 1000),
      sourceNamespace: 'shop',
      sourceLabels: { app: 'checkout', 'pod-template-hash': '6c9f8d7b5', tier: 'backend' },
      sourcePod: 'checkout-6c9f8d7b5-*',
      destIp: '140.82.121.4',
      destName: 'api.github.com',
      destPort: 443,
      protocol: 'TCP',
      count: 6,
      reporter: 'calico',
    });
  });

  it('prefers the pod name when it was not aggregated, and canonicalises IPv6', () => {
    const flow = accepted(
      'calico',
      calicoRecord({
        source_name: 'checkout-6c9f8d7b5-x2x7q',
        dest_ip: '2606:50C0:8000:0:0:0:0:153',
        dest_domains: null,
        proto: 'udp',
        dest_port: 53,
      }),
    );
    expect(flow).toMatchObject({
      sourcePod: 'checkout-6c9f8d7b5-x2x7q',
      destIp: '2606:50c0:8000::153',
      destName: null,
      protocol: 'UDP',
      destPort: 53,
    });
  });

  it('skips cluster-internal domains and falls back to the address', () => {
    const flow = accepted(
      'calico',
      calicoRecord({ dest_domains: ['payments.shop.svc.cluster.local', 'Objects.GitHubUserContent.com'] }),
    );
    expect(flow.destName).toBe('objects.githubusercontent.com');
    expect(accepted('calico', calicoRecord({ dest_domains: ['redis.svc'] })).destName).toBeNull();
  });

  it('counts a record as at least one flow, and takes RFC 3339 times', () => {
    expect(accepted('calico', calicoRecord({ num_flows: 0 })).count).toBe(1);
    expect(accepted('calico', calicoRecord({ end_time: '2026-11-26T05:55:00Z' })).time.toISOString()).toBe(
      '2026-11-26T05:55:00.000Z',
    );
  });

  it.each([
    [
      { action: 'allow', dest_port: null },
      'records[3].action: only denied flows are counted: "deny" (got "allow")',
    ],
    [
      { reporter: 'dst' },
      'records[3].reporter: only flows reported by the source ("src") are egress (got "dst")',
    ],
    [
      { source_type: 'hep', source_namespace: '-' },
      'records[3].source_type: the source must be a workload endpoint ("wep"), not "hep"',
    ],
    [{ source_namespace: '-' }, 'records[3].source_namespace: must be the namespace of the source pod'],
    [{ proto: 'icmp', dest_port: null }, 'records[3].proto: only TCP and UDP flows are counted (got "icmp")'],
    [{ dest_port: null }, 'records[3].dest_port: must be an integer'],
    [{ dest_port: 70000 }, 'records[3].dest_port: must be between 1 and 65535'],
    [
      { dest_ip: null, dest_domains: null },
      'records[3].dest_ip: required when dest_domains names no public host',
    ],
    [{ dest_ip: '140.82.121' }, 'records[3].dest_ip: must be an IPv4 or IPv6 address'],
    [{ num_flows: -1 }, 'records[3].num_flows: must not be negative'],
    [
      { end_time: 'yesterday' },
      'records[3].end_time: must be a UNIX time in seconds or an RFC 3339 timestamp',
    ],
  ])('rejects %o with a reason naming the field', (overrides, expected) => {
    expect(reason('calico', calicoRecord(overrides))).toBe(expected);
  });

  it('rejects a record that is not an object', () => {
    expect(reason('calico', 'deny shop/checkout 140.82.121.4:443')).toBe(
      'records[3]: must be a Calico flow log object',
    );
  });
});

describe('Hubble flows', () => {
  it('reads a `hubble observe -o json` line', () => {
    expect(accepted('hubble', wrapped(hubbleFlow()))).toEqual({
      time: new Date('2026-11-26T05:50:12.123Z'),
      sourceNamespace: 'shop',
      sourceLabels: {
        app: 'checkout',
        'io.cilium.k8s.policy.cluster': 'default',
        'io.kubernetes.pod.namespace': 'shop',
      },
      sourcePod: 'checkout-6c9f8d7b5-x2x7q',
      destIp: '140.82.121.4',
      destName: 'api.github.com',
      destPort: 443,
      protocol: 'TCP',
      count: 1,
      reporter: 'hubble',
    });
  });

  it('reads a bare Flow object, UDP, and the numeric drop reason when the description is missing', () => {
    const flow = accepted(
      'hubble',
      hubbleFlow({
        l4: { UDP: { source_port: 40000, destination_port: 123 } },
        drop_reason_desc: undefined,
        destination_names: undefined,
      }),
    );
    expect(flow).toMatchObject({ protocol: 'UDP', destPort: 123, destName: null });
  });

  it('counts AUDIT verdicts (policy audit mode), marked as such', () => {
    expect(
      accepted(
        'hubble',
        hubbleFlow({ verdict: 'AUDIT', drop_reason: undefined, drop_reason_desc: undefined }),
      ).reporter,
    ).toBe('hubble-audit');
  });

  it('takes the time of the wrapper when the flow has none', () => {
    const { time: _time, ...flow } = hubbleFlow();
    expect(accepted('hubble', { flow, time: '2026-11-26T06:00:00Z' }).time.toISOString()).toBe(
      '2026-11-26T06:00:00.000Z',
    );
  });

  it.each([
    [
      { verdict: 'FORWARDED', source: {} },
      'records[3].flow.verdict: only denied flows are counted: "DROPPED" or "AUDIT" (got "FORWARDED")',
    ],
    [
      { drop_reason_desc: 'SERVICE_BACKEND_NOT_FOUND' },
      'records[3].flow.drop_reason_desc: only drops by network policy are counted (got "SERVICE_BACKEND_NOT_FOUND")',
    ],
    [
      { drop_reason_desc: undefined, drop_reason: 130 },
      'records[3].flow.drop_reason: only drops by network policy (133, 181) are counted (got 130)',
    ],
    [
      { traffic_direction: 'INGRESS' },
      'records[3].flow.traffic_direction: only EGRESS flows are counted (got "INGRESS")',
    ],
    [{ l4: { ICMPv4: { type: 8 } } }, 'records[3].flow.l4: only TCP and UDP flows are counted'],
    [{ l4: { TCP: { source_port: 1 } } }, 'records[3].flow.l4.TCP.destination_port: must be an integer'],
    [
      { source: { labels: ['reserved:host'] } },
      'records[3].flow.source.namespace: must be the namespace of the source pod',
    ],
    [
      { IP: { source: '10.0.0.1', destination: 'github.com' } },
      'records[3].flow.IP.destination: must be an IPv4 or IPv6 address',
    ],
    [{ time: '26/11/2026 05:50' }, 'records[3].flow.time: must be an RFC 3339 timestamp'],
  ])('rejects %o with a reason naming the field', (overrides, expected) => {
    expect(reason('hubble', wrapped(hubbleFlow(overrides)))).toBe(expected);
  });

  it('names fields without the "flow." prefix for a bare flow', () => {
    expect(reason('hubble', hubbleFlow({ traffic_direction: 'INGRESS' }))).toBe(
      'records[3].traffic_direction: only EGRESS flows are counted (got "INGRESS")',
    );
  });
});

describe('generic records', () => {
  it('reads a record and normalises the destination name like a destination host', () => {
    expect(accepted('generic', genericRecord({ count: 4 }))).toEqual({
      time: new Date('2026-11-26T05:50:12Z'),
      sourceNamespace: 'shop',
      sourceLabels: { app: 'checkout' },
      sourcePod: null,
      destIp: '140.82.121.4',
      destName: 'api.github.com',
      destPort: 443,
      protocol: 'TCP',
      count: 4,
      reporter: 'generic',
    });
  });

  it('accepts a pod without labels, a lower-case protocol and no name', () => {
    const { sourceLabels: _labels, destName: _name, ...rest } = genericRecord();
    expect(
      accepted('generic', { ...rest, sourcePod: 'checkout-6c9f8d7b5-x2x7q', protocol: 'udp' }),
    ).toMatchObject({
      sourcePod: 'checkout-6c9f8d7b5-x2x7q',
      sourceLabels: {},
      protocol: 'UDP',
      destName: null,
    });
  });

  it.each([
    [{ destPort: 0 }, 'records[3].destPort: must be between 1 and 65535'],
    [{ destPort: '443' }, 'records[3].destPort: must be an integer'],
    [{ destIP: '999.1.1.1' }, 'records[3].destIP: must be an IPv4 or IPv6 address'],
    [
      { destName: 'payments.shop.svc' },
      'records[3].destName: must be a public name: ".svc" names are cluster-internal or reserved',
    ],
    [{ protocol: 'ICMP' }, 'records[3].protocol: must be "TCP" or "UDP"'],
    [
      { sourceNamespace: 'Shop' },
      'records[3].sourceNamespace: must be a DNS-1123 label: lower-case letters, digits and inner hyphens',
    ],
    [{ sourceLabels: {} }, 'records[3].sourceLabels: give sourceLabels or sourcePod to say which pod it was'],
    [{ time: '2026-11-26 05:50' }, 'records[3].time: must be an RFC 3339 timestamp'],
    [{ count: 0 }, 'records[3].count: must be between 1 and 1000000'],
  ])('rejects %o with a reason naming the field', (overrides, expected) => {
    expect(reason('generic', genericRecord(overrides))).toBe(expected);
  });

  it('refuses unknown fields (a typo would otherwise be dropped silently)', () => {
    expect(reason('generic', genericRecord({ destPorts: 443 }))).toMatch(/^records\[3\]: /);
  });
});

describe('time bounds', () => {
  const bounds = { notBefore: new Date('2026-10-27T06:00:00Z'), notAfter: new Date('2026-11-26T06:05:00Z') };

  it.each([
    [
      'calico',
      calicoRecord({ end_time: Date.parse('2026-11-26T07:00:00Z') / 1000 }),
      "records[3].end_time: is in the future (after 2026-11-26T06:05:00.000Z); check the collector's clock",
    ],
    [
      'hubble',
      wrapped(hubbleFlow({ time: '2026-10-01T00:00:00Z' })),
      'records[3].flow.time: is older than the retention period (before 2026-10-27T06:00:00.000Z)',
    ],
    [
      'generic',
      genericRecord({ time: '2026-10-26T23:59:59Z' }),
      'records[3].time: is older than the retention period (before 2026-10-27T06:00:00.000Z)',
    ],
  ] as const)('rejects a %s record outside them, naming its time field', (format, raw, expected) => {
    const result = normaliseFlowRecord(format, raw, 3, bounds);
    expect(result.ok ? 'accepted' : result.reason).toBe(expected);
  });

  it('accepts a record inside them', () => {
    expect(normaliseFlowRecord('generic', genericRecord(), 0, bounds).ok).toBe(true);
  });
});

describe('the ingest envelope', () => {
  it.each([
    ['an unknown format', { format: 'vpc', records: [{}] }, 'format'],
    ['no records', { format: 'generic', records: [] }, 'records'],
    ['5,001 records', { format: 'generic', records: new Array(5001).fill({}) }, 'records'],
    ['records that are not an array', { format: 'generic', records: {} }, 'records'],
    ['an unknown field', { format: 'generic', records: [{}], extra: true }, ''],
  ])('refuses %s', (_what, body, field) => {
    const result = FlowIngestBodySchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(field);
  });

  it('accepts 5,000 records of any shape (each record is checked on its own)', () => {
    expect(
      FlowIngestBodySchema.safeParse({ format: 'calico', records: new Array(5000).fill(1) }).success,
    ).toBe(true);
  });
});
