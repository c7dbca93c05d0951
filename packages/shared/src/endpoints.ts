// The REST contract as data: every endpoint the console and egressctl call, with the schemas the API
// validates it with. The typed client (api-client.ts) is built from this table, and an API test checks
// the table against the routes the app registers, both ways, so neither can drift from the other.
// Keys are the routes' operationIds. Paths are written as in OpenAPI: `{id}` is a parameter, and
// `rules:sync` is a literal colon (Fastify spells it `rules::sync`).
// One entry per endpoint, kept in one file on purpose (the whole contract in one place): longer than the
// usual limit.
/* eslint max-lines: ['warn', { max: 600, skipBlankLines: true, skipComments: true }] */
import type { z } from 'zod';

import { AuditCheckpointSchema } from './audit-chain.ts';
import { RulesSyncBodySchema } from './rules.ts';
import {
  AuditCheckpointListQuerySchema,
  AuditCheckpointListSchema,
  AuditEventSchema,
  AuditListQuerySchema,
  AuditVerifyBodySchema,
  AuditVerifySchema,
} from './schemas/audit.ts';
import {
  CreatedTokenSchema,
  CreateTokenBodySchema,
  CreateUserBodySchema,
  LoginBodySchema,
  LoginResponseSchema,
  MeSchema,
  TokenListQuerySchema,
  TokenSchema,
  UpdateUserBodySchema,
  UserSchema,
} from './schemas/auth.ts';
import {
  AcknowledgeAlertBodySchema,
  AlertListQuerySchema,
  AlertRuleSchema,
  AlertSchema,
  BlockedEgressGroupSchema,
  BlockedEgressQuerySchema,
  CreateAlertRuleBodySchema,
  UpdateAlertRuleBodySchema,
} from './schemas/blocked.ts';
import { IdParamsSchema, pageOf, PageQuerySchema } from './schemas/common.ts';
import { CoverageSchema } from './schemas/coverage.ts';
import {
  CreateDestinationBodySchema,
  DeleteDestinationQuerySchema,
  DestinationListQuerySchema,
  DestinationSchema,
  UpdateDestinationBodySchema,
} from './schemas/destinations.ts';
import {
  BulkGrantRequestBodySchema,
  BulkGrantRequestResultSchema,
  DiscoveredEgressQuerySchema,
  ImpactQuerySchema,
  ImpactSchema,
  UngrantedTrafficSchema,
} from './schemas/discovery.ts';
import { ExplainQuerySchema, ExplainSchema } from './schemas/explain.ts';
import { FlowIngestBodySchema, FlowIngestResultSchema } from './schemas/flows.ts';
import { GrantReviewSchema } from './schemas/grant-review.ts';
import {
  ApproveBodySchema,
  CancelBodySchema,
  CreateGrantBodySchema,
  GrantListQuerySchema,
  GrantSchema,
  ReasonBodySchema,
  RenewGrantBodySchema,
  RulesSyncResultSchema,
} from './schemas/grants.ts';
import {
  HealthStripSchema,
  ReapplyAcceptedSchema,
  ReapplyBodySchema,
  WebhookTestResultSchema,
} from './schemas/health.ts';
import {
  MarkSeenBodySchema,
  NotificationListQuerySchema,
  NotificationListSchema,
} from './schemas/notifications.ts';
import { AuthProvidersSchema } from './schemas/oidc.ts';
import {
  ManifestsQuerySchema,
  ManifestsResponseSchema,
  ReconcileAcceptedSchema,
  ReconcileBodySchema,
  ReconcileRunDetailSchema,
  ReconcileRunListQuerySchema,
  ReconcileRunSchema,
  ReconcileStatusReportSchema,
} from './schemas/reconcile.ts';
import {
  CreateServiceBodySchema,
  ServiceListQuerySchema,
  ServiceSchema,
  UpdateServiceBodySchema,
} from './schemas/services.ts';
import { SettingsSchema } from './schemas/settings.ts';
import { SettingsPatchSchema } from './schemas/settings-patch.ts';
import { GrantActivityQuerySchema, GrantActivitySchema, StatsSummarySchema } from './schemas/stats.ts';
import { ConnectionBatchSchema, ConnectionIngestResultSchema } from './schemas/usage.ts';
import {
  CreateWebhookBodySchema,
  DeliveryListQuerySchema,
  UpdateWebhookBodySchema,
  WebhookDeliverySchema,
  WebhookSchema,
  WebhookWithSecretSchema,
} from './schemas/webhooks.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * One endpoint. `status` is the success status; `response` its body (null: no body, 204). `text`: the
 * endpoint also answers plain text for a `format` in its query (CSV, YAML), read with the client's text().
 */
export interface EndpointDef {
  readonly method: HttpMethod;
  readonly path: `/api/v1/${string}`;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly status: 200 | 201 | 202 | 204;
  readonly response: z.ZodType | null;
  readonly text?: true;
}

const id = { params: IdParamsSchema } as const;

export const endpoints = {
  // auth
  login: {
    method: 'POST',
    path: '/api/v1/auth/login',
    body: LoginBodySchema,
    status: 200,
    response: LoginResponseSchema,
  },
  logout: { method: 'POST', path: '/api/v1/auth/logout', status: 204, response: null },
  me: { method: 'GET', path: '/api/v1/auth/me', status: 200, response: MeSchema },
  authProviders: {
    method: 'GET',
    path: '/api/v1/auth/providers',
    status: 200,
    response: AuthProvidersSchema,
  },

  // users and tokens
  createUser: {
    method: 'POST',
    path: '/api/v1/users',
    body: CreateUserBodySchema,
    status: 201,
    response: UserSchema,
  },
  listUsers: {
    method: 'GET',
    path: '/api/v1/users',
    query: PageQuerySchema,
    status: 200,
    response: pageOf(UserSchema),
  },
  getUser: { method: 'GET', path: '/api/v1/users/{id}', ...id, status: 200, response: UserSchema },
  updateUser: {
    method: 'PATCH',
    path: '/api/v1/users/{id}',
    ...id,
    body: UpdateUserBodySchema,
    status: 200,
    response: UserSchema,
  },
  createToken: {
    method: 'POST',
    path: '/api/v1/tokens',
    body: CreateTokenBodySchema,
    status: 201,
    response: CreatedTokenSchema,
  },
  listTokens: {
    method: 'GET',
    path: '/api/v1/tokens',
    query: TokenListQuerySchema,
    status: 200,
    response: pageOf(TokenSchema),
  },
  revokeToken: { method: 'DELETE', path: '/api/v1/tokens/{id}', ...id, status: 204, response: null },

  // services, destinations, grants
  createService: {
    method: 'POST',
    path: '/api/v1/services',
    body: CreateServiceBodySchema,
    status: 201,
    response: ServiceSchema,
  },
  listServices: {
    method: 'GET',
    path: '/api/v1/services',
    query: ServiceListQuerySchema,
    status: 200,
    response: pageOf(ServiceSchema),
  },
  getService: { method: 'GET', path: '/api/v1/services/{id}', ...id, status: 200, response: ServiceSchema },
  updateService: {
    method: 'PATCH',
    path: '/api/v1/services/{id}',
    ...id,
    body: UpdateServiceBodySchema,
    status: 200,
    response: ServiceSchema,
  },
  deleteService: { method: 'DELETE', path: '/api/v1/services/{id}', ...id, status: 204, response: null },
  syncRules: {
    method: 'POST',
    path: '/api/v1/services/{id}/rules:sync',
    ...id,
    body: RulesSyncBodySchema,
    status: 200,
    response: RulesSyncResultSchema,
  },
  createDestination: {
    method: 'POST',
    path: '/api/v1/destinations',
    body: CreateDestinationBodySchema,
    status: 201,
    response: DestinationSchema,
  },
  listDestinations: {
    method: 'GET',
    path: '/api/v1/destinations',
    query: DestinationListQuerySchema,
    status: 200,
    response: pageOf(DestinationSchema),
  },
  getDestination: {
    method: 'GET',
    path: '/api/v1/destinations/{id}',
    ...id,
    status: 200,
    response: DestinationSchema,
  },
  updateDestination: {
    method: 'PATCH',
    path: '/api/v1/destinations/{id}',
    ...id,
    body: UpdateDestinationBodySchema,
    status: 200,
    response: DestinationSchema,
  },
  deleteDestination: {
    method: 'DELETE',
    path: '/api/v1/destinations/{id}',
    ...id,
    query: DeleteDestinationQuerySchema,
    status: 204,
    response: null,
  },
  requestGrant: {
    method: 'POST',
    path: '/api/v1/grants',
    body: CreateGrantBodySchema,
    status: 201,
    response: GrantSchema,
  },
  listGrants: {
    method: 'GET',
    path: '/api/v1/grants',
    query: GrantListQuerySchema,
    status: 200,
    response: pageOf(GrantSchema),
  },
  getGrant: { method: 'GET', path: '/api/v1/grants/{id}', ...id, status: 200, response: GrantSchema },
  getGrantReview: {
    method: 'GET',
    path: '/api/v1/grants/{id}/review',
    ...id,
    status: 200,
    response: GrantReviewSchema,
  },
  approveGrant: {
    method: 'POST',
    path: '/api/v1/grants/{id}/approve',
    ...id,
    body: ApproveBodySchema,
    status: 200,
    response: GrantSchema,
  },
  rejectGrant: {
    method: 'POST',
    path: '/api/v1/grants/{id}/reject',
    ...id,
    body: ReasonBodySchema,
    status: 200,
    response: GrantSchema,
  },
  revokeGrant: {
    method: 'POST',
    path: '/api/v1/grants/{id}/revoke',
    ...id,
    body: ReasonBodySchema,
    status: 200,
    response: GrantSchema,
  },
  cancelGrant: {
    method: 'POST',
    path: '/api/v1/grants/{id}/cancel',
    ...id,
    body: CancelBodySchema,
    status: 200,
    response: GrantSchema,
  },
  requestGrants: {
    method: 'POST',
    path: '/api/v1/grants/bulk',
    body: BulkGrantRequestBodySchema,
    status: 201,
    response: BulkGrantRequestResultSchema,
  },
  listDiscoveredEgress: {
    method: 'GET',
    path: '/api/v1/discovered-egress',
    query: DiscoveredEgressQuerySchema,
    status: 200,
    response: pageOf(UngrantedTrafficSchema),
  },
  getImpact: {
    method: 'GET',
    path: '/api/v1/impact',
    query: ImpactQuerySchema,
    status: 200,
    response: ImpactSchema,
  },
  renewGrant: {
    method: 'POST',
    path: '/api/v1/grants/{id}/renew',
    ...id,
    body: RenewGrantBodySchema,
    status: 201,
    response: GrantSchema,
  },
  listMyNotifications: {
    method: 'GET',
    path: '/api/v1/me/notifications',
    query: NotificationListQuerySchema,
    status: 200,
    response: NotificationListSchema,
  },
  markNotificationsSeen: {
    method: 'POST',
    path: '/api/v1/me/notifications/seen',
    body: MarkSeenBodySchema,
    status: 204,
    response: null,
  },
  explain: {
    method: 'GET',
    path: '/api/v1/explain',
    query: ExplainQuerySchema,
    status: 200,
    response: ExplainSchema,
  },

  // settings, reconcile, coverage, stats
  getSettings: { method: 'GET', path: '/api/v1/settings', status: 200, response: SettingsSchema },
  updateSettings: {
    method: 'PATCH',
    path: '/api/v1/settings',
    body: SettingsPatchSchema,
    status: 200,
    response: SettingsSchema,
  },
  getManifests: {
    method: 'GET',
    path: '/api/v1/manifests',
    query: ManifestsQuerySchema,
    status: 200,
    response: ManifestsResponseSchema,
    text: true,
  },
  reconcile: {
    method: 'POST',
    path: '/api/v1/reconcile',
    body: ReconcileBodySchema,
    status: 202,
    response: ReconcileAcceptedSchema,
  },
  listReconcileRuns: {
    method: 'GET',
    path: '/api/v1/reconcile/runs',
    query: ReconcileRunListQuerySchema,
    status: 200,
    response: pageOf(ReconcileRunSchema),
  },
  getReconcileRun: {
    method: 'GET',
    path: '/api/v1/reconcile/runs/{id}',
    ...id,
    status: 200,
    response: ReconcileRunDetailSchema,
  },
  getReconcileStatus: {
    method: 'GET',
    path: '/api/v1/reconcile/status',
    status: 200,
    response: ReconcileStatusReportSchema,
  },
  getCoverage: { method: 'GET', path: '/api/v1/coverage', status: 200, response: CoverageSchema },
  statsSummary: { method: 'GET', path: '/api/v1/stats/summary', status: 200, response: StatsSummarySchema },
  grantActivity: {
    method: 'GET',
    path: '/api/v1/stats/grant-activity',
    query: GrantActivityQuerySchema,
    status: 200,
    response: GrantActivitySchema,
  },

  // audit
  listAuditEvents: {
    method: 'GET',
    path: '/api/v1/audit-events',
    query: AuditListQuerySchema,
    status: 200,
    response: pageOf(AuditEventSchema),
    text: true,
  },
  verifyAuditChain: {
    method: 'GET',
    path: '/api/v1/audit-events/verify',
    status: 200,
    response: AuditVerifySchema,
  },
  verifyAuditChainAgainst: {
    method: 'POST',
    path: '/api/v1/audit-events/verify',
    body: AuditVerifyBodySchema,
    status: 200,
    response: AuditVerifySchema,
  },
  listAuditCheckpoints: {
    method: 'GET',
    path: '/api/v1/audit-events/checkpoints',
    query: AuditCheckpointListQuerySchema,
    status: 200,
    response: AuditCheckpointListSchema,
  },
  sealAuditLog: {
    method: 'POST',
    path: '/api/v1/audit-events/checkpoints',
    status: 201,
    response: AuditCheckpointSchema,
  },

  // denied flows, alerts, webhooks
  ingestFlows: {
    method: 'POST',
    path: '/api/v1/flows',
    body: FlowIngestBodySchema,
    status: 200,
    response: FlowIngestResultSchema,
  },
  ingestGatewayConnections: {
    method: 'POST',
    path: '/api/v1/gateway-connections',
    body: ConnectionBatchSchema,
    status: 200,
    response: ConnectionIngestResultSchema,
  },
  listBlockedEgress: {
    method: 'GET',
    path: '/api/v1/blocked-egress',
    query: BlockedEgressQuerySchema,
    status: 200,
    response: pageOf(BlockedEgressGroupSchema),
  },
  listAlertRules: {
    method: 'GET',
    path: '/api/v1/alert-rules',
    query: PageQuerySchema,
    status: 200,
    response: pageOf(AlertRuleSchema),
  },
  createAlertRule: {
    method: 'POST',
    path: '/api/v1/alert-rules',
    body: CreateAlertRuleBodySchema,
    status: 201,
    response: AlertRuleSchema,
  },
  updateAlertRule: {
    method: 'PATCH',
    path: '/api/v1/alert-rules/{id}',
    ...id,
    body: UpdateAlertRuleBodySchema,
    status: 200,
    response: AlertRuleSchema,
  },
  deleteAlertRule: { method: 'DELETE', path: '/api/v1/alert-rules/{id}', ...id, status: 204, response: null },
  listAlerts: {
    method: 'GET',
    path: '/api/v1/alerts',
    query: AlertListQuerySchema,
    status: 200,
    response: pageOf(AlertSchema),
  },
  acknowledgeAlert: {
    method: 'POST',
    path: '/api/v1/alerts/{id}/acknowledge',
    ...id,
    body: AcknowledgeAlertBodySchema,
    status: 200,
    response: AlertSchema,
  },
  listWebhooks: {
    method: 'GET',
    path: '/api/v1/webhooks',
    query: PageQuerySchema,
    status: 200,
    response: pageOf(WebhookSchema),
  },
  createWebhook: {
    method: 'POST',
    path: '/api/v1/webhooks',
    body: CreateWebhookBodySchema,
    status: 201,
    response: WebhookWithSecretSchema,
  },
  getWebhook: { method: 'GET', path: '/api/v1/webhooks/{id}', ...id, status: 200, response: WebhookSchema },
  updateWebhook: {
    method: 'PATCH',
    path: '/api/v1/webhooks/{id}',
    ...id,
    body: UpdateWebhookBodySchema,
    status: 200,
    response: WebhookSchema,
  },
  deleteWebhook: { method: 'DELETE', path: '/api/v1/webhooks/{id}', ...id, status: 204, response: null },
  rotateWebhookSecret: {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/rotate-secret',
    ...id,
    status: 200,
    response: WebhookWithSecretSchema,
  },
  testWebhook: {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/test',
    ...id,
    status: 200,
    response: WebhookTestResultSchema,
  },
  listWebhookDeliveries: {
    method: 'GET',
    path: '/api/v1/webhooks/{id}/deliveries',
    ...id,
    query: DeliveryListQuerySchema,
    status: 200,
    response: pageOf(WebhookDeliverySchema),
  },
  retryWebhookDelivery: {
    method: 'POST',
    path: '/api/v1/webhook-deliveries/{id}/retry',
    ...id,
    status: 200,
    response: WebhookDeliverySchema,
  },
  dashboardHealth: {
    method: 'GET',
    path: '/api/v1/dashboard/health',
    status: 200,
    response: HealthStripSchema,
  },
  reapplyDrift: {
    method: 'POST',
    path: '/api/v1/drift/reapply',
    body: ReapplyBodySchema,
    status: 202,
    response: ReapplyAcceptedSchema,
  },
} as const satisfies Record<string, EndpointDef>;

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;

/**
 * /api/v1 routes that are deliberately not in the table, each with the reason. The endpoint-table API
 * test fails on any other route missing from the table.
 */
export const ENDPOINT_TABLE_EXCEPTIONS: Readonly<Record<string, string>> = {
  'GET /api/v1/openapi.json': 'the OpenAPI document itself: describes the routes, is not one of them',
  'GET /api/v1/auth/oidc/login': 'a browser navigation answered by a redirect, never called by a client',
  'GET /api/v1/auth/oidc/callback':
    'where the identity provider returns the browser; a redirect, never called by a client',
};
