// Rule files in a service's repository, synced by its deploy pipeline: each rule without a pending or
// active grant becomes a request; with `prune`, active grants whose rule is gone are revoked.
import {
  type CreateGrantBodySchema,
  type Grant,
  type GrantListQuerySchema,
  type Rule,
  ruleKey,
  type RulesSyncResult,
} from '@egress/shared';
import type { z } from 'zod';

import type { Actor } from '../../platform/audit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { RequestActor } from '../../platform/identity.ts';
import type { Page } from '../../platform/pagination.ts';
import type { ServicesRepository } from './services.repository.ts';

/**
 * What the sync asks of the grants module (app.ts passes its service): requests and revocations go
 * through the grant state machine like any other, with their audit rows.
 */
export interface GrantRequests {
  list(query: z.output<typeof GrantListQuerySchema>): Promise<Page<Grant>>;
  request(
    body: z.output<typeof CreateGrantBodySchema>,
    actor: RequestActor,
    auditActor: Actor,
    requestId: string | null,
    origin?: { repository?: string | undefined; commit?: string | undefined },
  ): Promise<Grant>;
  revoke(
    id: string,
    input: {
      actor: RequestActor | null;
      auditActor: Actor;
      requestId: string | null;
      reason?: string | undefined;
    },
  ): Promise<Grant>;
}

const DEFAULT_JUSTIFICATION = 'Declared in the service repository rule files (manifests/egress/external).';

interface SyncInput {
  serviceId: string;
  rules: Rule[];
  prune: boolean;
  justification: string | undefined;
  /** The repository and commit the pipeline read the rule files from, when it named them. */
  source?: { repository?: string | undefined; commit?: string | undefined } | undefined;
  actor: RequestActor;
  auditActor: Actor;
  requestId: string;
}

/** The default justification names the source when the pipeline gave one (the approver sees where from). */
function defaultJustification(source: SyncInput['source']): string {
  if (!source?.repository && !source?.commit) return DEFAULT_JUSTIFICATION;
  const where = [source.repository, source.commit ? `at commit ${source.commit}` : undefined]
    .filter(Boolean)
    .join(' ');
  return `Declared in the rule files (manifests/egress/external) of ${where}.`;
}

function keyOf(g: Grant): string {
  return ruleKey({ destination: g.destination, port: g.port });
}

export function createRulesSync({ repo, grants }: { repo: ServicesRepository; grants: GrantRequests }) {
  async function openGrants(serviceName: string): Promise<Grant[]> {
    const out: Grant[] = [];
    for (const state of ['pending', 'active'] as const) {
      let cursor: string | undefined;
      do {
        const page = await grants.list({ state, service: serviceName, limit: 500, cursor, order: 'desc' });
        out.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return out;
  }

  async function createOne(serviceName: string, rule: Rule, input: SyncInput): Promise<Grant | 'unknown'> {
    if (rule.destination !== null) {
      if (!(await repo.destinationExists(rule.destination))) return 'unknown';
    }
    const body = {
      service: serviceName,
      destination: rule.destination,
      port: rule.port,
      justification: input.justification ?? defaultJustification(input.source),
    };
    return grants.request(body, input.actor, input.auditActor, input.requestId, input.source ?? {});
  }

  /** Requests a grant for one rule; a port the destination lacks is reported against the rule. */
  async function requestFor(
    serviceName: string,
    key: string,
    rule: Rule,
    input: SyncInput,
    result: RulesSyncResult,
  ): Promise<void> {
    try {
      const created = await createOne(serviceName, rule, input);
      if (created === 'unknown') result.unknownDestinations.push(rule.destination ?? '');
      else result.created.push(created);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'validation_failed')) throw error;
      const reason = error.details[0]?.message ?? error.message;
      throw new AppError('validation_failed', `rule ${key}: ${error.message}`, [
        { field: 'body.rules', message: `${key}: ${reason}` },
      ]);
    }
  }

  async function prune(
    existing: Iterable<Grant>,
    wanted: Map<string, Rule>,
    input: SyncInput,
  ): Promise<Grant[]> {
    const revoked: Grant[] = [];
    for (const g of existing) {
      if (g.state !== 'active' || wanted.has(keyOf(g))) continue;
      revoked.push(
        await grants.revoke(g.id, {
          actor: input.actor,
          auditActor: input.auditActor,
          requestId: input.requestId,
          reason: 'rule removed from the service rule files',
        }),
      );
    }
    return revoked;
  }

  return async function sync(input: SyncInput): Promise<RulesSyncResult> {
    const name = await repo.findLiveName(input.serviceId);
    if (name === null) throw notFound('service');
    const existing = new Map((await openGrants(name)).map((g) => [keyOf(g), g]));
    const wanted = new Map(input.rules.map((r) => [ruleKey(r), r]));
    const result: RulesSyncResult = { created: [], unchanged: [], unknownDestinations: [], revoked: [] };
    for (const [key, rule] of wanted) {
      const current = existing.get(key);
      if (current) result.unchanged.push(current);
      else await requestFor(name, key, rule, input, result);
    }
    if (input.prune) result.revoked = await prune(existing.values(), wanted, input);
    return result;
  };
}

export type RulesSync = ReturnType<typeof createRulesSync>;
