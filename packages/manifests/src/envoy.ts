// The Envoy bootstrap of one gateway: a static configuration (no xDS), one listener and one cluster per
// destination port, admin on loopback, a small HTTP listener for the kubelet's probes, and one that
// exposes the admin's Prometheus stats and nothing else of it.
import { canonicalJson } from './canonical.ts';
import type { CompilerDestination, Protocol } from './types.ts';
import { yamlString, yamlText } from './yaml.ts';

/** Admin interface: loopback only (reach it with `kubectl port-forward`). */
export const ADMIN_PORT = 9901;
/** Probe listener: `/ready` (health_check filter) and `/live` (direct response). */
export const HEALTH_PORT = 9902;
export const READY_PATH = '/ready';
export const LIVE_PATH = '/live';
/** Metrics listener: only `GET /stats/prometheus`, passed to the admin interface; everything else 404. */
export const METRICS_PORT = 9102;
export const METRICS_PATH = '/stats/prometheus';
/** Container port name of the metrics listener (the PodMonitor and the scrape annotations use it). */
export const METRICS_PORT_NAME = 'metrics';
/** Cluster that reaches the admin interface on loopback; only the metrics route names it. */
const ADMIN_CLUSTER = 'admin';
/**
 * Version of the access log line (its `v` field). Raise it when a field is renamed, removed or changes
 * type; adding a field keeps the version (consumers ignore fields they do not know). See
 * docs/kubernetes.md, "Gateway telemetry".
 */
export const ACCESS_LOG_VERSION = '1';
export const CONFIG_DIR = '/etc/envoy';
export const CONFIG_FILE = 'envoy.yaml';

const TYPE = 'type.googleapis.com/envoy.extensions';
const TCP_IDLE_TIMEOUT = '3600s';
const UDP_IDLE_TIMEOUT = '60s';
// Envoy's default circuit breaker allows 1024 connections per cluster; a busy gateway pod would refuse
// (response flag UO) long before its CPU makes the HPA add pods.
const MAX_CONNECTIONS = 16384;

export interface InternalPorts {
  admin: number;
  health: number;
  metrics: number;
}

/**
 * The admin, probe and metrics ports, moved up past any destination port they would collide with (a destination
 * may use 9901 or 9902 itself). Deterministic: the same port set always gives the same answer.
 */
export function internalPorts(ports: readonly { port: number }[]): InternalPorts {
  const used = new Set(ports.map((p) => p.port));
  const free = (from: number): number => {
    let port = from;
    while (used.has(port)) port++;
    used.add(port);
    return port;
  };
  const admin = free(ADMIN_PORT);
  const health = free(HEALTH_PORT);
  return { admin, health, metrics: free(METRICS_PORT) };
}

/** Listener, cluster and stat name of a destination port, e.g. "tcp_443". */
export function portKey(port: number, protocol: Protocol): string {
  return `${protocol.toLowerCase()}_${port}`;
}

/**
 * One JSON line per connection (UDP: per session), format version ACCESS_LOG_VERSION. A value that is a
 * single command operator keeps its type (numbers stay numbers); the field list and types are documented
 * in docs/kubernetes.md ("Gateway telemetry") and checked against this format by collector.test.ts.
 */
function accessLog(destination: CompilerDestination, protocol: Protocol): unknown[] {
  return [
    {
      name: 'envoy.access_loggers.stdout',
      typed_config: {
        '@type': `${TYPE}.access_loggers.stream.v3.StdoutAccessLog`,
        log_format: {
          json_format: {
            v: ACCESS_LOG_VERSION,
            start_time: '%START_TIME%',
            duration_ms: '%DURATION%',
            gateway: destination.gatewayName,
            destination: destination.host,
            protocol,
            listener_port: '%DOWNSTREAM_LOCAL_PORT%',
            source_address: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
            source_port: '%DOWNSTREAM_REMOTE_PORT%',
            upstream_host: '%UPSTREAM_HOST%',
            bytes_sent: '%BYTES_SENT%',
            bytes_received: '%BYTES_RECEIVED%',
            response_flags: '%RESPONSE_FLAGS%',
            upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
            connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
          },
        },
      },
    },
  ];
}

function socketAddress(address: string, port: number, protocol: Protocol): unknown {
  return { socket_address: { protocol, address, port_value: port } };
}

function tcpListener(destination: CompilerDestination, port: number): unknown {
  const key = portKey(port, 'TCP');
  return {
    name: key,
    address: socketAddress('0.0.0.0', port, 'TCP'),
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.tcp_proxy',
            typed_config: {
              '@type': `${TYPE}.filters.network.tcp_proxy.v3.TcpProxy`,
              stat_prefix: key,
              cluster: key,
              idle_timeout: TCP_IDLE_TIMEOUT,
              access_log: accessLog(destination, 'TCP'),
            },
          },
        ],
      },
    ],
  };
}

function udpListener(destination: CompilerDestination, port: number): unknown {
  const key = portKey(port, 'UDP');
  return {
    name: key,
    address: socketAddress('0.0.0.0', port, 'UDP'),
    udp_listener_config: {},
    listener_filters: [
      {
        name: 'envoy.filters.udp_listener.udp_proxy',
        typed_config: {
          '@type': `${TYPE}.filters.udp.udp_proxy.v3.UdpProxyConfig`,
          stat_prefix: key,
          idle_timeout: UDP_IDLE_TIMEOUT,
          matcher: {
            on_no_match: {
              action: {
                name: 'route',
                typed_config: { '@type': `${TYPE}.filters.udp.udp_proxy.v3.Route`, cluster: key },
              },
            },
          },
          access_log: accessLog(destination, 'UDP'),
        },
      },
    ],
  };
}

/**
 * The probe listener. `/ready` is answered by Envoy's health_check filter (not passed through): 200 while
 * the server is live, 503 once it is draining or told to fail (`POST /healthcheck/fail` on the admin
 * port). `/live` is a direct 200 from the router, so liveness only asks "does Envoy still serve HTTP"
 * and a deliberate readiness failure never gets the pod killed. Envoy starts its listeners only once its
 * clusters have finished their first DNS resolution (whatever the answer), so a pod is not ready before.
 */
function healthListener(port: number): unknown {
  return {
    name: 'health',
    address: socketAddress('0.0.0.0', port, 'TCP'),
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': `${TYPE}.filters.network.http_connection_manager.v3.HttpConnectionManager`,
              stat_prefix: 'health',
              route_config: {
                name: 'health',
                virtual_hosts: [
                  {
                    name: 'health',
                    domains: ['*'],
                    routes: [
                      { match: { path: LIVE_PATH }, direct_response: { status: 200 } },
                      { match: { prefix: '/' }, direct_response: { status: 404 } },
                    ],
                  },
                ],
              },
              http_filters: [
                {
                  name: 'envoy.filters.http.health_check',
                  typed_config: {
                    '@type': `${TYPE}.filters.http.health_check.v3.HealthCheck`,
                    pass_through_mode: false,
                    headers: [{ name: ':path', string_match: { exact: READY_PATH } }],
                  },
                },
                {
                  name: 'envoy.filters.http.router',
                  typed_config: { '@type': `${TYPE}.filters.http.router.v3.Router` },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/**
 * The metrics listener: an HTTP connection manager whose only route is `GET /stats/prometheus` (exact
 * path; a query string such as `?usedonly` is the admin's own read-only filter) to the admin cluster.
 * Every other path or method gets a direct 404, so nothing of the admin interface but the Prometheus
 * text is reachable off the pod (no `/quitquitquit`, `/config_dump`, `/healthcheck/fail`, ...). The
 * admin itself stays on 127.0.0.1.
 */
function metricsListener(port: number): unknown {
  return {
    name: METRICS_PORT_NAME,
    address: socketAddress('0.0.0.0', port, 'TCP'),
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': `${TYPE}.filters.network.http_connection_manager.v3.HttpConnectionManager`,
              stat_prefix: METRICS_PORT_NAME,
              route_config: {
                name: METRICS_PORT_NAME,
                virtual_hosts: [
                  {
                    name: METRICS_PORT_NAME,
                    domains: ['*'],
                    routes: [
                      {
                        match: {
                          path: METRICS_PATH,
                          headers: [{ name: ':method', string_match: { exact: 'GET' } }],
                        },
                        route: { cluster: ADMIN_CLUSTER },
                      },
                      { match: { prefix: '/' }, direct_response: { status: 404 } },
                    ],
                  },
                ],
              },
              http_filters: [
                {
                  name: 'envoy.filters.http.router',
                  typed_config: { '@type': `${TYPE}.filters.http.router.v3.Router` },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** The admin interface as an upstream of the metrics route (loopback, fixed address: STATIC). */
function adminCluster(adminPort: number): unknown {
  return {
    name: ADMIN_CLUSTER,
    type: 'STATIC',
    connect_timeout: '1s',
    load_assignment: {
      cluster_name: ADMIN_CLUSTER,
      endpoints: [
        {
          lb_endpoints: [
            { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: adminPort } } } },
          ],
        },
      ],
    },
  };
}

/**
 * One upstream cluster for host:port.
 *
 * `LOGICAL_DNS`, not `STRICT_DNS`: a logical DNS cluster keeps one upstream host whose address is the
 * first answer of the latest resolution, as an ordinary client would connect; existing connections stay
 * where they are when the answer changes. A strict DNS cluster turns every A record into a host and load
 * balances over all of them, tracking the whole record set: meant for an in-house service whose records
 * list its members, not for a public name behind a CDN that hands out a rotating subset of thousands of
 * addresses (DNS churn would constantly drain and rebuild its host set).
 *
 * `V4_PREFERRED`: A records when there are any, AAAA otherwise. Most pod networks have no IPv6 route to
 * the internet, and `AUTO` (AAAA first) would send a dual-stack destination's traffic into that hole.
 */
function cluster(host: string, port: number, protocol: Protocol): unknown {
  const key = portKey(port, protocol);
  return {
    name: key,
    type: 'LOGICAL_DNS',
    connect_timeout: '5s',
    dns_lookup_family: 'V4_PREFERRED',
    circuit_breakers: { thresholds: [{ priority: 'DEFAULT', max_connections: MAX_CONNECTIONS }] },
    ...(protocol === 'TCP'
      ? {
          upstream_connection_options: {
            tcp_keepalive: { keepalive_probes: 3, keepalive_time: 300, keepalive_interval: 30 },
          },
        }
      : {}),
    load_assignment: {
      cluster_name: key,
      endpoints: [
        {
          lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }],
        },
      ],
    },
  };
}

/** Destination ports sorted by number, then protocol (TCP before UDP), without duplicates. */
export function sortedPorts(
  ports: readonly { port: number; protocol: Protocol }[],
): { port: number; protocol: Protocol }[] {
  const seen = new Map<string, { port: number; protocol: Protocol }>();
  for (const p of ports) seen.set(`${p.port}/${p.protocol}`, { port: p.port, protocol: p.protocol });
  return [...seen.values()].sort(
    (a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0),
  );
}

/** The Envoy v3 bootstrap of a destination's gateway, as a plain object. */
export function envoyBootstrap(
  destination: CompilerDestination,
  internal: InternalPorts,
): Record<string, unknown> {
  const ports = sortedPorts(destination.ports);
  return {
    admin: { address: socketAddress('127.0.0.1', internal.admin, 'TCP') },
    static_resources: {
      listeners: [
        ...ports.map((p) =>
          p.protocol === 'TCP' ? tcpListener(destination, p.port) : udpListener(destination, p.port),
        ),
        healthListener(internal.health),
        metricsListener(internal.metrics),
      ],
      clusters: [
        ...ports.map((p) => cluster(destination.host, p.port, p.protocol)),
        adminCluster(internal.admin),
      ],
    },
  };
}

// Bootstraps differ only in the host and gateway name wherever the ports are the same: the YAML of each
// port set is written once, with marks for the two names, and filled in per gateway (a thousand gateways
// have a handful of port sets). A mark is used only where it stands as a whole one-line scalar
// (": mark\n" or "- mark\n"), where the filled-in text is exactly what the writer would put; otherwise
// (a name inside a longer string, a name with a line break) the bootstrap is written in full.
const HOST_MARK = 'host.egress-control-template.invalid';
const GATEWAY_MARK = 'gateway.egress-control-template.invalid';
const MARKS = /(host\.egress-control-template\.invalid|gateway\.egress-control-template\.invalid)/;

/** Alternating text and marks, and the same JSON-escaped; null when a mark is not a whole scalar. */
type Template = { pieces: string[]; escaped: string[] } | null;
const templates = new Map<string, Template>();

/** A string's JSON escaping without the quotes. */
const escaped = (text: string): string => JSON.stringify(text).slice(1, -1);

function template(destination: CompilerDestination, internal: InternalPorts): Template {
  const marked = { ...destination, host: HOST_MARK, gatewayName: GATEWAY_MARK };
  const pieces = yamlText(envoyBootstrap(marked, internal)).split(MARKS);
  for (let i = 1; i < pieces.length; i += 2) {
    const before = pieces[i - 1] ?? '';
    const after = pieces[i + 1] ?? '';
    if (!(before.endsWith(': ') || before.endsWith('- ')) || !after.startsWith('\n')) return null;
  }
  return { pieces, escaped: pieces.map(escaped) };
}

/**
 * The bootstrap as YAML, and that text as a JSON string (for the ConfigMap's canonical JSON). Every
 * seam between template pieces has ASCII on one side, so escaping piece by piece equals escaping the
 * whole (no surrogate pair is cut).
 */
export function envoyConfig(
  destination: CompilerDestination,
  internal: InternalPorts,
): { yaml: string; json: string } {
  // Keyed by everything the bootstrap could read except the two names (and the id, which it must not read).
  const { id: _id, host, gatewayName, ports, ...rest } = destination;
  const portSet = sortedPorts(ports).map((p) => `${p.port}/${p.protocol}`);
  const key = `${portSet.join(',')};${internal.admin};${internal.health};${internal.metrics};${canonicalJson(rest)}`;
  let t = templates.get(key);
  if (t === undefined) {
    t = template(destination, internal);
    // Bounded, so a long-lived server that sees ever new port sets does not grow it without limit.
    if (templates.size < 1000) templates.set(key, t);
  }
  if (t === null || host.includes('\n') || gatewayName.includes('\n')) {
    const yaml = yamlText(envoyBootstrap(destination, internal));
    return { yaml, json: JSON.stringify(yaml) };
  }
  return filled(t, yamlString(host), yamlString(gatewayName));
}

/** A template with the two names (as YAML scalars) put in place of their marks. */
function filled(
  t: NonNullable<Template>,
  hostText: string,
  gatewayText: string,
): { yaml: string; json: string } {
  const hostJson = escaped(hostText);
  const gatewayJson = escaped(gatewayText);
  let yaml = '';
  let json = '"';
  for (let i = 0; i < t.pieces.length; i++) {
    const piece = t.pieces[i] ?? '';
    if (i % 2 === 0) {
      yaml += piece;
      json += t.escaped[i] ?? '';
    } else {
      const host = piece === HOST_MARK;
      yaml += host ? hostText : gatewayText;
      json += host ? hostJson : gatewayJson;
    }
  }
  return { yaml, json: `${json}"` };
}

/** The bootstrap as YAML, the content of the ConfigMap key `envoy.yaml`. */
export function envoyConfigYaml(destination: CompilerDestination, internal: InternalPorts): string {
  return envoyConfig(destination, internal).yaml;
}
