export { KUBECONFIG_CONTEXT, harnessBinDir, startControlPlane, type ControlPlane } from './control-plane.ts';
export { startCoreDns, validateCorefileSnippet, type CoreDns } from './coredns.ts';
