// Cross-references inside the Envoy bootstrap that schema validation (protoc-gen-validate) cannot see.
import { gatewayNameFor } from '@egress/shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { at, find } from '../test/helpers.ts';
import { richInput } from '../test/scenarios.ts';
import { envoyConfig, envoyConfigYaml } from './envoy.ts';
import { canonicalJson, compile, type CompilerDestination, envoyBootstrap, internalPorts } from './index.ts';
import { yamlText } from './yaml.ts';

interface SocketAddress {
  protocol?: string;
  address: string;
  port_value: number;
}
interface Listener {
  name: string;
  address: { socket_address: SocketAddress };
  udp_listener_config?: object;
  filter_chains?: { filters: { name: string; typed_config: Record<string, unknown> }[] }[];
  listener_filters?: { name: string; typed_config: Record<string, unknown> }[];
}
interface Cluster {
  name: string;
  type: string;
  dns_lookup_family: string;
  upstream_connection_options?: unknown;
  load_assignment: unknown;
}
interface Bootstrap {
  admin: { address: { socket_address: SocketAddress } };
  static_resources: { listeners: Listener[]; clusters: Cluster[] };
}

const objects = compile(richInput());

function bootstrap(d: CompilerDestination): Bootstrap {
  return parse(
    at(find(objects, 'ConfigMap', 'egress-gateways', d.gatewayName), 'data', 'envoy.yaml') as string,
  ) as Bootstrap;
}

/** The cluster a listener sends to: tcp_proxy's `cluster`, or the udp_proxy matcher's route. */
function targetCluster(listener: Listener): unknown {
  const tcp = listener.filter_chains?.[0]?.filters.find((f) => f.name === 'envoy.filters.network.tcp_proxy');
  if (tcp) return tcp.typed_config.cluster;
  const udp = listener.listener_filters?.find((f) => f.name === 'envoy.filters.udp_listener.udp_proxy');
  return at(udp?.typed_config, 'matcher', 'on_no_match', 'action', 'typed_config', 'cluster');
}

describe.each(richInput().destinations.map((d) => [d.host, d] as const))(
  'Envoy bootstrap of %s',
  (_host, d) => {
    const config = bootstrap(d);
    const { listeners } = config.static_resources;
    // The destination's own listeners and clusters; the probe and metrics listeners and the admin
    // cluster are checked on their own below.
    const traffic = listeners.filter((l) => l.name !== 'health' && l.name !== 'metrics');
    const clusters = config.static_resources.clusters.filter((c) => c.name !== 'admin');

    it('binds admin to loopback only', () => {
      expect(config.admin.address.socket_address.address).toBe('127.0.0.1');
    });

    it('has one listener and one DNS cluster per destination port, for host:port', () => {
      const ports = d.ports.map((p) => `${p.protocol}/${p.port}`).sort();
      expect(
        traffic
          .map((l) => `${l.address.socket_address.protocol ?? 'TCP'}/${l.address.socket_address.port_value}`)
          .sort(),
      ).toEqual(ports);
      for (const c of clusters) {
        expect(c).toMatchObject({ type: 'LOGICAL_DNS', dns_lookup_family: 'V4_PREFERRED' });
        expect(
          at(
            c.load_assignment,
            'endpoints',
            0,
            'lb_endpoints',
            0,
            'endpoint',
            'address',
            'socket_address',
            'address',
          ),
        ).toBe(d.host);
      }
      expect(clusters).toHaveLength(d.ports.length);
    });

    it('sends every listener to a cluster that exists, on the same port', () => {
      const names = new Set(clusters.map((c) => c.name));
      for (const l of traffic) {
        const cluster = clusters.find((c) => c.name === targetCluster(l));
        expect(cluster, `${l.name} → ${String(targetCluster(l))}`).toBeDefined();
        expect(
          at(
            cluster?.load_assignment,
            'endpoints',
            0,
            'lb_endpoints',
            0,
            'endpoint',
            'address',
            'socket_address',
            'port_value',
          ),
        ).toBe(l.address.socket_address.port_value);
      }
      expect(names.size).toBe(clusters.length);
    });

    it('never binds two listeners (or admin) to one port and protocol', () => {
      const bound = [
        ...listeners.map((l) => l.address.socket_address),
        config.admin.address.socket_address,
      ].map((a) => `${a.protocol ?? 'TCP'}/${a.port_value}`);
      expect(new Set(bound).size).toBe(bound.length);
      expect(new Set(listeners.map((l) => l.name)).size).toBe(listeners.length);
    });

    it('configures UDP listeners for UDP and keepalives only on TCP clusters', () => {
      for (const l of traffic) {
        const udp = l.address.socket_address.protocol === 'UDP';
        expect(l.udp_listener_config !== undefined).toBe(udp);
        expect(
          clusters.find((c) => c.name === targetCluster(l))?.upstream_connection_options !== undefined,
        ).toBe(!udp);
      }
    });

    it('logs each connection as JSON with the source address and the outcome', () => {
      for (const l of traffic) {
        const proxy = l.filter_chains?.[0]?.filters[0]?.typed_config ?? l.listener_filters?.[0]?.typed_config;
        const format = at(proxy, 'access_log', 0, 'typed_config', 'log_format', 'json_format') as Record<
          string,
          string
        >;
        expect(format).toMatchObject({
          v: '1',
          start_time: '%START_TIME%',
          duration_ms: '%DURATION%',
          source_address: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
          source_port: '%DOWNSTREAM_REMOTE_PORT%',
          upstream_host: '%UPSTREAM_HOST%',
          bytes_sent: '%BYTES_SENT%',
          bytes_received: '%BYTES_RECEIVED%',
          response_flags: '%RESPONSE_FLAGS%',
          upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
          destination: d.host,
          gateway: d.gatewayName,
        });
      }
    });

    it('exposes only GET /stats/prometheus of the admin, on the metrics port the pod names and annotates', () => {
      const metrics = listeners.find((l) => l.name === 'metrics');
      const deployment = find(objects, 'Deployment', 'egress-gateways', d.gatewayName);
      const container = at(deployment, 'spec', 'template', 'spec', 'containers', 0);
      const port = (at(container, 'ports') as { name: string; containerPort: number }[]).find(
        (p) => p.name === 'metrics',
      );
      expect(metrics?.address.socket_address).toMatchObject({
        address: '0.0.0.0',
        port_value: port?.containerPort,
      });
      expect(at(deployment, 'spec', 'template', 'metadata', 'annotations')).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port?.containerPort),
        'prometheus.io/path': '/stats/prometheus',
      });
      const hcm = metrics?.filter_chains?.[0]?.filters[0]?.typed_config;
      // Exactly two routes: the stats path (GET only) to the admin cluster, and a 404 for everything else.
      expect(at(hcm, 'route_config', 'virtual_hosts', 0, 'routes')).toEqual([
        {
          match: {
            path: '/stats/prometheus',
            headers: [{ name: ':method', string_match: { exact: 'GET' } }],
          },
          route: { cluster: 'admin' },
        },
        { match: { prefix: '/' }, direct_response: { status: 404 } },
      ]);
      const admin = config.static_resources.clusters.find((c) => c.name === 'admin');
      expect(
        at(
          admin?.load_assignment,
          'endpoints',
          0,
          'lb_endpoints',
          0,
          'endpoint',
          'address',
          'socket_address',
        ),
      ).toEqual({
        address: '127.0.0.1',
        port_value: config.admin.address.socket_address.port_value,
      });
      // The admin stays on loopback: the metrics listener is the only way in, and it is not the admin port.
      expect(metrics?.address.socket_address.port_value).not.toBe(
        config.admin.address.socket_address.port_value,
      );
    });

    it('serves the probes on the port the Deployment probes', () => {
      const health = listeners.find((l) => l.name === 'health');
      const container = at(
        find(objects, 'Deployment', 'egress-gateways', d.gatewayName),
        'spec',
        'template',
        'spec',
        'containers',
        0,
      );
      const port = (at(container, 'ports') as { name: string; containerPort: number }[]).find(
        (p) => p.name === 'health',
      );
      expect(health?.address.socket_address).toMatchObject({
        address: '0.0.0.0',
        port_value: port?.containerPort,
      });
      expect(at(container, 'readinessProbe', 'httpGet')).toEqual({ path: '/ready', port: 'health' });
      expect(at(container, 'livenessProbe', 'httpGet')).toEqual({ path: '/live', port: 'health' });
      const filters = health?.filter_chains?.[0]?.filters[0]?.typed_config.http_filters as {
        name: string;
        typed_config: Record<string, unknown>;
      }[];
      expect(filters[0]?.typed_config).toMatchObject({
        pass_through_mode: false,
        headers: [{ name: ':path', string_match: { exact: '/ready' } }],
      });
    });
  },
);

it('names the UDP listener of a destination serving 53 over both protocols apart from the TCP one', () => {
  const dns = richInput().destinations.find((d) => d.gatewayName === gatewayNameFor('dns.example.net'))!;
  expect(bootstrap(dns).static_resources.listeners.map((l) => l.name)).toEqual([
    'tcp_53',
    'udp_53',
    'health',
    'metrics',
  ]);
});

describe('envoyConfigYaml', () => {
  // It fills the two names into a per-port-set template: it must write exactly what the plain writer does.
  const base = richInput().destinations[0]!;
  const variant = (host: string, ports: CompilerDestination['ports'], id = base.id): CompilerDestination => ({
    ...base,
    id,
    host,
    gatewayName: gatewayNameFor(host),
    ports,
  });
  const tcp443 = [{ port: 443, protocol: 'TCP' as const }];
  const mixed = [
    { port: 53, protocol: 'UDP' as const },
    { port: 9901, protocol: 'TCP' as const },
    { port: 443, protocol: 'TCP' as const },
  ];

  it.each([
    ['a.example.com', tcp443],
    ['b.example.org', tcp443],
    ['xn--bcher-kva.example', mixed],
    ['1.2', tcp443],
    ['yes', mixed],
    ['c.example.net', [...mixed].reverse()],
  ] as const)('writes %s exactly as yamlText(envoyBootstrap(...)) does', (host, ports) => {
    const d = variant(host, [...ports], `id-${host}`);
    const internal = internalPorts(d.ports);
    expect(envoyConfigYaml(d, internal)).toBe(yamlText(envoyBootstrap(d, internal)));
  });
});

describe('envoyConfig', () => {
  it('gives the YAML and exactly its JSON string', () => {
    for (const d of richInput().destinations) {
      const { yaml, json } = envoyConfig(d, internalPorts(d.ports));
      expect(json).toBe(JSON.stringify(yaml));
    }
  });

  it('leaves each gateway ConfigMap with the canonical JSON of its data', () => {
    for (const cm of compile(richInput()).filter((o) => o.kind === 'ConfigMap')) {
      expect(canonicalJson(cm.data)).toBe(JSON.stringify(structuredClone(cm.data)));
    }
  });
});
