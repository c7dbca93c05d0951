// The per-destination gateway objects (except its NetworkPolicy, see gateway-policy.ts).
import type { Settings } from '@egress/shared';

import { type Sha256Hex, shareCanonical, shareCanonicalText, sortedRecord } from './canonical.ts';
import {
  CONFIG_DIR,
  CONFIG_FILE,
  envoyConfig,
  internalPorts,
  LIVE_PATH,
  METRICS_PATH,
  METRICS_PORT_NAME,
  READY_PATH,
  sortedPorts,
} from './envoy.ts';
import { baseLabels, GATEWAY_APP, type Keys, objectMeta } from './meta.ts';
import type { IpBlockPeer } from './public-addresses.ts';
import type { CompilerDestination, KubernetesObject, ObjectMeta, Protocol } from './types.ts';

/** UID and GID of the `envoy` user in the official Envoy image. */
const ENVOY_UID = 101;
/**
 * A stopping pod keeps serving this long before Envoy gets SIGTERM, while kube-proxy and the CNI stop
 * sending it new connections (Envoy itself exits at once on SIGTERM). See the README ("Rollouts").
 */
const PRE_STOP_SLEEP_SECONDS = 5;
const TERMINATION_GRACE_SECONDS = 30;

export interface GatewayContext {
  settings: Settings;
  keys: Keys;
  hash: Sha256Hex;
  /** The gateway resolver's ranges as peers (shared by every gateway NetworkPolicy): `ipBlocks(gatewayResolver.cidrs)`. */
  resolverBlocks: readonly IpBlockPeer[];
  /** The labels and annotations of the gateway being built, made once for its six objects (gatewayMeta). */
  meta?: { d: CompilerDestination; labels: Record<string, string>; annotations: Record<string, string> };
}

/** Labels selecting one gateway's pods. Independent of the label domain, because selectors are immutable. */
export function gatewayPodSelector(gatewayName: string): Record<string, string> {
  return { 'app.kubernetes.io/instance': gatewayName, 'app.kubernetes.io/name': GATEWAY_APP };
}

function gatewayLabels(d: CompilerDestination, keys: Keys): Record<string, string> {
  return {
    ...baseLabels(GATEWAY_APP, 'gateway'),
    'app.kubernetes.io/instance': d.gatewayName,
    [keys.gateway]: d.gatewayName,
  };
}

/** Metadata shared by every object of a gateway: named after it, in the gateway namespace. */
export function gatewayMeta(d: CompilerDestination, ctx: GatewayContext): ObjectMeta {
  let parts = ctx.meta;
  if (parts?.d !== d) {
    const meta = objectMeta(d.gatewayName, ctx.settings.gatewayNamespace, gatewayLabels(d, ctx.keys), {
      [ctx.keys.destination]: d.host,
    });
    // The labels are shared by the gateway's objects (frozen); the annotations are replaced when the
    // content hash is added (withContentHash), so each object ends up with its own.
    parts = ctx.meta = { d, labels: shareCanonical(meta.labels), annotations: meta.annotations };
  }
  return {
    name: d.gatewayName,
    namespace: ctx.settings.gatewayNamespace,
    labels: parts.labels,
    annotations: parts.annotations,
  };
}

/** Service and container port name, e.g. "tcp-443" (IANA service name: at most 15 characters). */
export function portName(port: number, protocol: Protocol): string {
  return `${protocol.toLowerCase()}-${port}`;
}

export function gatewayConfigMap(d: CompilerDestination, ctx: GatewayContext): KubernetesObject {
  const config = envoyConfig(d, internalPorts(d.ports));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: gatewayMeta(d, ctx),
    // Frozen, with its canonical JSON from envoyConfig: the big text is not escaped a second time.
    data: shareCanonicalText(
      { [CONFIG_FILE]: config.yaml },
      `{${JSON.stringify(CONFIG_FILE)}:${config.json}}`,
    ),
  };
}

// The parts every gateway's Envoy container has alike: built once, frozen and shared by all of them
// (their canonical JSON is computed once; see shareCanonical).
const probe = (path: string, periodSeconds: number, failureThreshold: number) =>
  shareCanonical({
    httpGet: { path, port: 'health' },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 2,
  });
const READINESS_PROBE = probe(READY_PATH, 5, 2);
const LIVENESS_PROBE = probe(LIVE_PATH, 10, 3);
// Pods are replaced on every config change, never hot-restarted: no shared memory region needed.
const ARGS = shareCanonical([
  '-c',
  `${CONFIG_DIR}/${CONFIG_FILE}`,
  '--log-level',
  'warn',
  '--disable-hot-restart',
]);
const LIFECYCLE = shareCanonical({ preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } });
const CONTAINER_SECURITY = shareCanonical({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsGroup: ENVOY_UID,
  runAsNonRoot: true,
  runAsUser: ENVOY_UID,
  seccompProfile: { type: 'RuntimeDefault' },
});
const VOLUME_MOUNTS = shareCanonical([
  { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
  { name: 'tmp', mountPath: '/tmp' },
]);
const STRATEGY = shareCanonical({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });

function envoyContainer(d: CompilerDestination, settings: Settings): Record<string, unknown> {
  const { health, metrics } = internalPorts(d.ports);
  return {
    name: 'envoy',
    image: settings.envoyImage,
    imagePullPolicy: 'IfNotPresent',
    args: ARGS,
    ports: [
      ...sortedPorts(d.ports).map((p) => ({
        name: portName(p.port, p.protocol),
        containerPort: p.port,
        protocol: p.protocol,
      })),
      { name: 'health', containerPort: health, protocol: 'TCP' },
      { name: METRICS_PORT_NAME, containerPort: metrics, protocol: 'TCP' },
    ],
    readinessProbe: READINESS_PROBE,
    livenessProbe: LIVENESS_PROBE,
    lifecycle: LIFECYCLE,
    resources: {
      requests: {
        cpu: settings.gatewayResources.requests.cpu,
        memory: settings.gatewayResources.requests.memory,
      },
      limits: { cpu: settings.gatewayResources.limits.cpu, memory: settings.gatewayResources.limits.memory },
    },
    securityContext: CONTAINER_SECURITY,
    volumeMounts: VOLUME_MOUNTS,
  };
}

function podSecurityContext(d: CompilerDestination): Record<string, unknown> {
  // Ports below 1024 need privilege; this namespaced ("safe") sysctl lets the non-root envoy user bind them.
  const lowPort = d.ports.some((p) => p.port < 1024);
  return {
    runAsGroup: ENVOY_UID,
    runAsNonRoot: true,
    runAsUser: ENVOY_UID,
    seccompProfile: { type: 'RuntimeDefault' },
    ...(lowPort ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
  };
}

function spread(selector: Record<string, string>): unknown[] {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
  }));
}

/**
 * The config hash (rolls the pods) and the conventional Prometheus scrape annotations: the port is a
 * number there (annotation-based discovery does not resolve port names).
 */
function podAnnotations(
  d: CompilerDestination,
  configHashKey: string,
  configHash: string,
): Record<string, string> {
  return sortedRecord({
    [configHashKey]: configHash,
    'prometheus.io/scrape': 'true',
    'prometheus.io/port': String(internalPorts(d.ports).metrics),
    'prometheus.io/path': METRICS_PATH,
  });
}

/**
 * No `replicas`: the HPA owns the count. Were it applied, every reconcile would reset the Deployment to
 * that number and fight the autoscaler; the HPA raises a new Deployment to `minReplicas` on its own.
 *
 * The pod template's config-hash annotation is the ConfigMap's content hash (the ConfigMap must already
 * carry it): the ConfigMap holds nothing but the Envoy config and labels naming the gateway, so the hash
 * changes exactly when the config does, and the changed template rolls the pods.
 */
export function gatewayDeployment(
  d: CompilerDestination,
  ctx: GatewayContext,
  configMap: KubernetesObject,
): KubernetesObject {
  const selector = gatewayPodSelector(d.gatewayName);
  const podLabels = { ...selector, [ctx.keys.gateway]: d.gatewayName };
  const configHash = configMap.metadata.annotations[ctx.keys.contentHash];
  if (configHash === undefined)
    throw new Error('the ConfigMap must be hashed before its Deployment is built');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: gatewayMeta(d, ctx),
    spec: {
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      strategy: STRATEGY,
      template: {
        metadata: {
          labels: sortedRecord(podLabels),
          annotations: podAnnotations(d, ctx.keys.configHash, configHash),
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          dnsPolicy: 'Default',
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          securityContext: podSecurityContext(d),
          topologySpreadConstraints: spread(selector),
          containers: [envoyContainer(d, ctx.settings)],
          volumes: [
            { name: 'config', configMap: { name: d.gatewayName } },
            { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
          ],
        },
      },
    },
  };
}

export function gatewayService(d: CompilerDestination, ctx: GatewayContext): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: gatewayMeta(d, ctx),
    spec: {
      type: 'ClusterIP',
      selector: gatewayPodSelector(d.gatewayName),
      ports: sortedPorts(d.ports).map((p) => ({
        name: portName(p.port, p.protocol),
        port: p.port,
        targetPort: p.port,
        protocol: p.protocol,
      })),
    },
  };
}

export function gatewayAutoscaler(d: CompilerDestination, ctx: GatewayContext): KubernetesObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: gatewayMeta(d, ctx),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: d.gatewayName },
      minReplicas: d.gateway.minReplicas,
      maxReplicas: Math.max(d.gateway.minReplicas, d.gateway.maxReplicas),
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: d.gateway.targetCPUUtilizationPercentage },
          },
        },
      ],
    },
  };
}

/**
 * `maxUnavailable: 1` rather than `minAvailable: 1`: voluntary evictions (node drains) take one gateway
 * pod at a time whatever the HPA scaled to, and a gateway scaled to a single pod never blocks a drain
 * forever. `AlwaysAllow` lets a pod that is not ready be evicted, so a broken pod cannot block drains.
 */
export function gatewayDisruptionBudget(d: CompilerDestination, ctx: GatewayContext): KubernetesObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: gatewayMeta(d, ctx),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: gatewayPodSelector(d.gatewayName) },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
