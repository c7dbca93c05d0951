export {
  compile,
  compileGateways,
  createGatewayCache,
  type CompileOptions,
  type GatewayCache,
  type GatewayInput,
} from './compile.ts';
export { canonicalJson, contentHash, type Sha256Hex } from './canonical.ts';
export {
  dnsSnippet,
  hostsSnippet,
  isReady,
  isServiceAddress,
  rewriteSnippet,
  STEERED_TTL_SECONDS,
} from './dns.ts';
export {
  envoyBootstrap,
  internalPorts,
  ACCESS_LOG_VERSION,
  ADMIN_PORT,
  HEALTH_PORT,
  METRICS_PATH,
  METRICS_PORT,
  METRICS_PORT_NAME,
} from './envoy.ts';
export { gatewayPodSelector } from './gateway.ts';
export { keysFor, GATEWAY_APP, MANAGED_BY, type Keys } from './meta.ts';
export { DEFAULT_DENY_NAME, DNS_SNIPPET_KEY, podIdentityPolicyName, portPolicyName } from './names.ts';
export { PUBLIC_EXCEPT, publicAddressBlocks, type IpBlockPeer } from './public-addresses.ts';
export { objectYaml, toYaml } from './yaml.ts';
export type {
  CompilerCluster,
  CompilerDestination,
  CompilerGrant,
  CompilerInput,
  CompilerService,
  GatewayAddresses,
  GatewayScaling,
  KubernetesObject,
  ObjectMeta,
  Protocol,
} from './types.ts';
export { pathFor } from './paths.ts';
export {
  DEFAULT_PUBLIC_IP,
  evaluatePath,
  gatewayPod,
  networkPolicies,
  reachability,
  servicePod,
  type CompiledPolicy,
  type DirectionVerdict,
  type Endpoint,
  type PathVerdict,
  type Reachability,
  type ReachabilityOptions,
  type ReachabilityQuery,
  type ReachabilityVerdict,
} from './reachability.ts';
