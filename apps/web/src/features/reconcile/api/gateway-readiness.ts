import type { GatewayStatus, ReconcileStatusReport } from '@egress/shared';

/**
 * What the status report says about one destination's gateway. The server reports readiness only for
 * the kubernetes target: directory and none return no gateways at all, and any target returns none when
 * the live state could not be read (`error`). Those cases are "unknown", never "not ready".
 */
export type GatewayReadiness =
  | { kind: 'loading' }
  | { kind: 'unknown'; reason: string }
  | { kind: 'observed'; gateway: GatewayStatus }
  | { kind: 'not-reported'; reason: string };

export function targetObservesReadiness(report: ReconcileStatusReport): boolean {
  return report.target === 'kubernetes' && report.error === null;
}

/** Why readiness is unknown for the whole report, or null when it was observed. */
export function readinessUnknownReason(report: ReconcileStatusReport): string | null {
  if (report.error !== null) return `the live state could not be read: ${report.error}`;
  if (report.target !== 'kubernetes') return `the ${report.target} target does not observe gateway readiness`;
  return null;
}

export function gatewayReadiness(
  report: ReconcileStatusReport | undefined,
  failed: boolean,
  destination: { gatewayName: string; host: string },
): GatewayReadiness {
  if (!report) {
    return failed
      ? { kind: 'unknown', reason: 'the reconcile status could not be loaded' }
      : { kind: 'loading' };
  }
  const unknown = readinessUnknownReason(report);
  if (unknown) return { kind: 'unknown', reason: unknown };
  const gateway = report.gateways.find(
    (g) => g.gatewayName === destination.gatewayName || g.destination === destination.host,
  );
  return gateway
    ? { kind: 'observed', gateway }
    : { kind: 'not-reported', reason: 'the reconciler reports no gateway for this destination' };
}
