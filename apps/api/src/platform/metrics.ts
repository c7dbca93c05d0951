import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per app instance, so tests building several apps never share counters. Modules register their own metrics in it. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'egress_' });
  const httpDuration = new Histogram({
    name: 'egress_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const auditEvents = new Counter({
    name: 'egress_audit_events_total',
    help: 'Audit events written by this instance, by action',
    labelNames: ['action'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, auditEvents };
}

export type Metrics = ReturnType<typeof createMetrics>;
