// Rule files in a service's repository, synced by its deploy pipeline: each rule without a pending or
// active grant becomes a request; with `prune`, active grants whose rule is gone are revoked.
import { ruleKey, type Grant, type Rule, type RulesSyncResult } from '@egress/shared';

import type { Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { RequestActor } from '../../platform/identity.ts';
import type { GrantsService } from './grants.service.ts';

const DEFAULT_JUSTIFICATION = 'Declared in the service repository rule files (manifests/egress/external).';

interface SyncInput {
  serviceId: string;
  rules: Rule[];
  prune: boolean;
  justification: string | undefined;
  actor: RequestActor;
  auditActor: Actor;
  requestId: string;
}

function keyOf(g: Grant): string {
  return ruleKey({ destination: g.destination, port: g.port });
}

export function createRulesSync({ db, grants }: { db: Db; grants: GrantsService }) {
  async function openGrants(serviceName: string): Promise<Grant[]> {
    const out: Grant[] = [];
    for (const state of ['pending', 'active'] as const) {
      let cursor: string | undefined;
      do {
        const page = await grants.list({ state, service: serviceName, limit: 500, cursor });
        out.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return out;
  }

  async function createOne(serviceName: string, rule: Rule, input: SyncInput): Promise<Grant | 'unknown'> {
    if (rule.destination !== null) {
      const known = await db.destination.count({ where: { host: rule.destination, deletedAt: null } });
      if (known === 0) return 'unknown';
    }
    const body = { service: serviceName, destination: rule.destination, port: rule.port, justification: input.justification ?? DEFAULT_JUSTIFICATION };
    return grants.request(body, input.actor, input.auditActor, input.requestId);
  }

  return async function sync(input: SyncInput): Promise<RulesSyncResult> {
    const service = await db.service.findFirst({ where: { id: input.serviceId, deletedAt: null } });
    if (!service) throw notFound('service');
    const existing = new Map((await openGrants(service.name)).map((g) => [keyOf(g), g]));
    const wanted = new Map(input.rules.map((r) => [ruleKey(r), r]));
    const result: RulesSyncResult = { created: [], unchanged: [], unknownDestinations: [], revoked: [] };
    for (const [key, rule] of wanted) {
      const current = existing.get(key);
      if (current) {
        result.unchanged.push(current);
        continue;
      }
      try {
        const created = await createOne(service.name, rule, input);
        if (created === 'unknown') result.unknownDestinations.push(rule.destination ?? '');
        else result.created.push(created);
      } catch (error) {
        // The port is not one of the destination's: name the rule rather than a body field.
        if (error instanceof AppError && error.code === 'validation_failed') throw new AppError('validation_failed', `rule ${key}: ${error.message}`, [{ field: 'body.rules', message: `${key}: ${error.details[0]?.message ?? error.message}` }]);
        throw error;
      }
    }
    if (input.prune) {
      for (const g of existing.values()) {
        if (g.state !== 'active' || wanted.has(keyOf(g))) continue;
        result.revoked.push(await grants.revoke(g.id, { actor: input.actor, auditActor: input.auditActor, requestId: input.requestId, reason: 'rule removed from the service rule files' }));
      }
    }
    return result;
  };
}
