import { z } from 'zod';

import { parseHostname } from './hostname.ts';
import { PortSchema } from './primitives.ts';
import { JustificationSchema, SourceRefSchema } from './schemas/grants.ts';

/**
 * A rule from a service repository's `manifests/egress/external/` folder, named by its file:
 * `<host>:<port>.rule` asks for a destination grant, `<port>.rule` for a port-wide grant.
 */
export interface Rule {
  destination: string | null;
  port: number;
}

export function ruleKey(rule: Rule): string {
  return rule.destination === null ? String(rule.port) : `${rule.destination}:${rule.port}`;
}

export function parseRule(text: string): { ok: true; rule: Rule } | { ok: false; error: string } {
  const raw = text.endsWith('.rule') ? text.slice(0, -'.rule'.length) : text;
  const colon = raw.lastIndexOf(':');
  const portText = colon >= 0 ? raw.slice(colon + 1) : raw;
  const port = PortSchema.safeParse(/^\d{1,5}$/.test(portText) ? Number(portText) : NaN);
  if (!port.success) return { ok: false, error: `"${text}": the port must be a number from 1 to 65535` };
  if (colon < 0) return { ok: true, rule: { destination: null, port: port.data } };
  const host = parseHostname(raw.slice(0, colon));
  if (!host.ok) return { ok: false, error: `"${text}": the host ${host.error}` };
  return { ok: true, rule: { destination: host.value, port: port.data } };
}

export const RuleSchema = z
  .string({ error: 'must be a string' })
  .max(300)
  .transform((value, ctx) => {
    const parsed = parseRule(value);
    if (parsed.ok) return parsed.rule;
    ctx.addIssue({ code: 'custom', message: parsed.error, input: value });
    return z.NEVER;
  })
  .meta({
    description: '"<host>:<port>" for a destination grant, "<port>" for a port-wide grant',
    example: 'github.com:443',
  });

export const RulesSyncBodySchema = z.strictObject({
  rules: z.array(RuleSchema).max(500, { error: 'must list at most 500 rules' }),
  prune: z.boolean({ error: 'must be a boolean' }).optional(),
  justification: JustificationSchema.optional().meta({
    description: 'Used for the requests this sync creates.',
  }),
  source: SourceRefSchema.optional(),
});
