import { z } from 'zod';

import { COVERAGE_REASONS } from '../coverage.ts';
import { EnforcementModeSchema } from './settings.ts';

export const CoverageReasonSchema = z.enum(COVERAGE_REASONS);

/** One sentence per reason, for the console and anyone reading the API's answer. */
export const COVERAGE_REASON_TEXT: Record<(typeof COVERAGE_REASONS)[number], string> = {
  listed: 'listed in the enforced namespaces',
  notListed: 'not in the list of enforced namespaces',
  allNamespaces: 'every namespace is enforced unless excluded',
  excluded: 'in the list of excluded namespaces',
  gatewayNamespace: 'the gateway namespace: gateways reach the destinations',
  productNamespace: 'where egress control runs: it calls the identity provider and webhook receivers',
};

export const NamespaceCoverageSchema = z.object({
  namespace: z.string(),
  enforced: z.boolean().meta({ description: 'Whether the default-deny-internet policy is written into it.' }),
  reason: CoverageReasonSchema,
  reasonText: z.string().meta({ description: 'The reason as a sentence.' }),
  services: z
    .array(z.object({ id: z.string(), name: z.string() }))
    .meta({ description: 'Services registered in the namespace.' }),
});
export type NamespaceCoverage = z.infer<typeof NamespaceCoverageSchema>;

export const CoverageSchema = z
  .object({
    mode: EnforcementModeSchema,
    source: z.enum(['cluster', 'settings']).meta({
      description:
        '"cluster": every namespace of the cluster, listed just now. "settings": the target cannot list the cluster (directory, none) or could not reach it: the namespaces the settings and registered services name.',
    }),
    note: z.string().nullable().meta({ description: 'Why the list may be incomplete, when it may be.' }),
    enforced: z.int().meta({ description: 'How many of the namespaces below are enforced.' }),
    total: z.int(),
    namespaces: z.array(NamespaceCoverageSchema).meta({ description: 'Sorted by name.' }),
  })
  .meta({ id: 'Coverage', description: 'Which namespaces get the default-deny-internet policy, and why.' });
export type Coverage = z.infer<typeof CoverageSchema>;
