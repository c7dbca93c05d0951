export {
  KUBECONFIG_CONTEXT,
  harnessBinDir,
  startControlPlane,
  startCoreDns,
  validateCorefileSnippet,
  type ControlPlane,
  type CoreDns,
} from "./control-plane.ts";
