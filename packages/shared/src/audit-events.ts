import { z } from 'zod';

/** Every audit action, one typed union. */
export const AUDIT_ACTIONS = [
  'system.admin_bootstrapped',
  'system.secret_key_rotated',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'user.created',
  'user.updated',
  'token.created',
  'token.revoked',
  'service.created',
  'service.updated',
  'service.deleted',
  'destination.created',
  'destination.updated',
  'destination.deleted',
  'grant.requested',
  'grant.approved',
  'grant.activated',
  'grant.rejected',
  'grant.cancelled',
  'grant.revoked',
  'grant.expired',
  'settings.updated',
  'user.provisioned',
  'flows.ingested',
  'alert_rule.created',
  'alert_rule.updated',
  'alert_rule.deleted',
  'alert.raised',
  'alert.acknowledged',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.secret_rotated',
  'webhook.delivery_failed',
  // An admin sealed the audit log on demand (POST /audit-events/checkpoints).
  'audit.checkpointed',
  // One summary row per address and window once its failed sign-ins hit the limit (instead of one each).
  'auth.login_throttled',
  // A destination switched between observe and enforce (before/after name the mode; issue 15).
  'destination.mode_changed',
  // Drift (issue 18): a reconcile run found a managed object edited or deleted outside egress-control,
  // and put back what it had applied; an approver asked for a run to re-apply the desired state.
  'reconcile.drift_detected',
  'reconcile.drift_healed',
  'reconcile.reapply_requested',
  // Issue 18: an active grant handed over to its approved renewal (same transaction, no gap).
  'grant.renewed',
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

export const AUDIT_TARGET_TYPES = [
  'system',
  'user',
  'session',
  'token',
  'service',
  'destination',
  'grant',
  'settings',
  'flows',
  'alert_rule',
  'alert',
  'webhook',
  // A live Kubernetes object we manage, id "Kind/namespace/name" (namespace empty when cluster-scoped).
  'kubernetes_object',
  'reconcile_run',
] as const;
export const AuditTargetTypeSchema = z.enum(AUDIT_TARGET_TYPES);
export type AuditTargetType = z.infer<typeof AuditTargetTypeSchema>;

export const ACTOR_TYPES = ['user', 'token', 'system', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];
