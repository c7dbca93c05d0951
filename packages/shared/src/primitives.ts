// Shared input primitives: every API schema and web form builds on these, so a rule is stated once.
import { z } from 'zod';

import { parseHostname } from './hostname.ts';

/** A bounded, trimmed, non-empty string. */
export function text(max: number, min = 1) {
  return z
    .string()
    .trim()
    .min(min, { error: `must be at least ${min} character${min === 1 ? '' : 's'}` })
    .max(max, { error: `must be at most ${max} characters` });
}

/** A team name, as a service's owner team is written (and as webhooks filter on it): trimmed, 1 to 100 characters. */
export const TeamNameSchema = text(100);

export const UuidSchema = z.uuid({ error: 'must be a UUID' });

/** RFC 3339 timestamp with an offset; always returned in UTC ("Z"). */
export const TimestampSchema = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' });

export const HostnameSchema = z
  .string({ error: 'must be a string' })
  .max(1024, { error: 'must be at most 253 characters' })
  .transform((value, ctx) => {
    const result = parseHostname(value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.error, input: value });
    return z.NEVER;
  })
  .meta({
    description:
      'A public fully qualified DNS name; normalised to lower case, no trailing dot, IDN as punycode.',
    example: 'github.com',
  });

export const PortSchema = z
  .int({ error: 'must be an integer' })
  .min(1, { error: 'must be between 1 and 65535' })
  .max(65535, { error: 'must be between 1 and 65535' });

export const ProtocolSchema = z.enum(['TCP', 'UDP'], { error: 'must be "TCP" or "UDP"' });
export type Protocol = z.infer<typeof ProtocolSchema>;

/** A Kubernetes namespace name: a DNS-1123 label. */
export const NamespaceSchema = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(63, { error: 'must be at most 63 characters' })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    error: 'must be a DNS-1123 label: lower-case letters, digits and inner hyphens',
  });

/** A Kubernetes ServiceAccount name: a DNS-1123 subdomain of at most 253 characters. */
export const ServiceAccountNameSchema = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters' })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: 'must be a DNS-1123 subdomain: lower-case letters, digits, inner hyphens and dots',
  });

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function labelKeyProblem(key: string): string | null {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return 'label key prefix must be a DNS subdomain of at most 253 characters';
  }
  if (name.length === 0 || name.length > 63) return 'label key name must be 1 to 63 characters';
  if (!LABEL_NAME.test(name)) {
    return 'label key name must be alphanumeric with inner "-", "_" or "." characters';
  }
  return null;
}

/** A Kubernetes label key: optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
export const LabelKeySchema = z
  .string({ error: 'must be a string' })
  .max(317)
  .superRefine((key, ctx) => {
    const problem = labelKeyProblem(key);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: key });
  });

/** A Kubernetes label value: empty, or up to 63 alphanumerics with inner "-", "_" or ".". */
export const LabelValueSchema = z
  .string({ error: 'must be a string' })
  .max(63, { error: 'must be at most 63 characters' })
  .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, {
    error: 'must be empty or alphanumeric with inner "-", "_" or "." characters',
  });

/** A pod selector; at least one label so a selector never means "every pod of the namespace". */
export const SelectorSchema = z
  .object(
    {
      matchLabels: z
        .record(LabelKeySchema, LabelValueSchema)
        .refine((labels) => Object.keys(labels).length >= 1, { error: 'must contain at least one label' })
        .refine((labels) => Object.keys(labels).length <= 32, { error: 'must contain at most 32 labels' }),
    },
    { error: 'must be an object {matchLabels: {key: value}}' },
  )
  .strict();
export type Selector = z.infer<typeof SelectorSchema>;

/** A service name such as "service.github": lower-case DNS-subdomain style, at most 128 characters. */
export const ServiceNameSchema = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(128, { error: 'must be at most 128 characters' })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: 'must be lower-case letters, digits, inner hyphens and dots (e.g. service.github)',
  });

export const EmailSchema = z
  .email({ error: 'must be an email address' })
  .max(254)
  .transform((v) => v.toLowerCase());

export const PasswordSchema = z
  .string({ error: 'must be a string' })
  .min(12, { error: 'must be at least 12 characters' })
  .max(256, { error: 'must be at most 256 characters' });
