export {
  AUDIT_POLICY,
  countRequests,
  isMutating,
  parseAuditLog,
  readAuditLog,
  selectRequests,
  type AuditFilter,
  type AuditRequest,
  type RequestCounts,
} from './audit.ts';
export { KUBECONFIG_CONTEXT, harnessBinDir, startControlPlane, type ControlPlane } from './control-plane.ts';
export { startCoreDns, validateCorefileSnippet, type CoreDns } from './coredns.ts';
export {
  netpolOracle,
  type OracleDirection,
  type OracleInput,
  type OraclePod,
  type OracleQuery,
  type OracleVerdict,
} from './netpol-oracle.ts';
