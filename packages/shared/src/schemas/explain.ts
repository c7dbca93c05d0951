// GET /api/v1/explain: "can this service reach that host on that port, and if not, what would change it?"
import { z } from 'zod';

import { HostnameSchema, PortSchema, ProtocolSchema } from '../primitives.ts';

export const ExplainQuerySchema = z.object({
  service: z
    .string({ error: 'must be a service name' })
    .trim()
    .min(1, { error: 'must be a service name' })
    .max(128, { error: 'must be at most 128 characters' }),
  host: HostnameSchema,
  port: z.coerce.number({ error: 'must be an integer' }).pipe(PortSchema),
  protocol: ProtocolSchema.default('TCP'),
});
export type ExplainQuery = z.input<typeof ExplainQuerySchema>;

export const EXPLAIN_CHECKS = [
  'service',
  'identity',
  'destination',
  'port',
  'grant',
  'gateway-ready',
  'dns-steering',
  'gateway-ingress',
  'gateway-upstream',
  'default-deny',
  'port-wide',
] as const;

export const ExplainStepSchema = z.object({
  check: z.enum(EXPLAIN_CHECKS),
  ok: z.boolean(),
  detail: z.string(),
});
export type ExplainStep = z.infer<typeof ExplainStepSchema>;

export const ExplainFixSchema = z.object({
  kind: z.enum(['request', 'pending', 'gateway-not-ready', 'namespace-not-enforced', 'register-destination']),
  detail: z.string(),
  request: z
    .object({ service: z.string(), destination: z.string().nullable(), port: z.int() })
    .optional()
    .meta({ description: 'kind "request": the body of POST /api/v1/grants, without the justification.' }),
  grantId: z.string().optional().meta({ description: 'kind "pending": the grant waiting for approvals.' }),
  approvals: z.int().optional(),
  requiredApprovals: z.int().optional(),
  link: z.string().optional().meta({ description: 'kind "pending": the console page of the grant.' }),
});
export type ExplainFix = z.infer<typeof ExplainFixSchema>;

export const ExplainSchema = z
  .object({
    service: z.string(),
    namespace: z.string(),
    host: z.string(),
    port: z.int(),
    protocol: ProtocolSchema,
    verdict: z.enum(['allowed', 'denied', 'open']).meta({
      description:
        '"open": the namespace is not enforced, so the pods reach the internet directly (nothing applies).',
    }),
    path: z.enum(['gateway', 'port-wide', 'direct']).meta({
      description:
        'Allowed: the path that admits the traffic (the host\'s gateway, or a port-wide grant). Open: "direct". Denied: the path a grant would open ("gateway" for a registered host, "port-wide" for any other).',
    }),
    steps: z.array(ExplainStepSchema),
    fixes: z.array(ExplainFixSchema),
  })
  .meta({
    id: 'Explain',
    description:
      'Whether a service can reach host:port, each check on the way, and what would change the answer.',
  });
export type Explain = z.infer<typeof ExplainSchema>;
