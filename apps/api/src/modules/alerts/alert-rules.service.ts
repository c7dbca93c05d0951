import type { AlertRule, CreateAlertRuleBodySchema, UpdateAlertRuleBodySchema } from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import type { Page } from '../../platform/pagination.ts';
import type { AlertsRepository } from './alerts.repository.ts';

type Create = z.output<typeof CreateAlertRuleBodySchema>;
type Update = z.output<typeof UpdateAlertRuleBodySchema>;

export interface RuleCtx {
  actor: Actor;
  userId: string;
  requestId: string;
}

export function createAlertRulesService({
  db,
  repo,
  audit,
}: {
  db: Db;
  repo: AlertsRepository;
  audit: AuditLog;
}) {
  async function load(tx: Tx | Db, id: string): Promise<AlertRule> {
    const rule = await repo.findRule(id, tx);
    if (!rule) throw notFound('alert rule');
    return rule;
  }

  /** A rule names a live service (a deleted one can get no new flows), or none for every service. */
  async function serviceId(tx: Tx, name: string | null | undefined): Promise<string | null> {
    if (name == null) return null;
    const id = await repo.liveServiceId(name, tx);
    if (id === null) throw invalid('body.service', `"${name}" is not a registered service`);
    return id;
  }

  /** Rules by name (then id), keyset-paginated. */
  function list(limit: number, cursor: string | undefined): Promise<Page<AlertRule>> {
    return repo.listRules(limit, cursor);
  }

  async function create(body: Create, ctx: RuleCtx): Promise<AlertRule> {
    return db.$transaction(async (tx) => {
      const data = {
        name: body.name,
        serviceId: await serviceId(tx, body.service),
        threshold: body.threshold,
        windowSeconds: body.windowSeconds,
        enabled: body.enabled,
        createdById: ctx.userId,
      };
      const rule = await load(tx, await repo.insertRule(data, tx));
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'alert_rule.created',
        targetType: 'alert_rule',
        targetId: rule.id,
        after: rule,
        requestId: ctx.requestId,
      });
      return rule;
    });
  }

  async function update(id: string, body: Update, ctx: RuleCtx): Promise<AlertRule> {
    return db.$transaction(async (tx) => {
      if (!(await repo.lockRule(id, tx))) throw notFound('alert rule');
      const before = await load(tx, id);
      const data: Prisma.AlertRuleUpdateInput = {};
      if (body.name !== undefined) data.name = body.name;
      if (body.threshold !== undefined) data.threshold = body.threshold;
      if (body.windowSeconds !== undefined) data.windowSeconds = body.windowSeconds;
      if (body.enabled !== undefined) data.enabled = body.enabled;
      await repo.updateRule(id, data, tx);
      const after = await load(tx, id);
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'alert_rule.updated',
        targetType: 'alert_rule',
        targetId: id,
        before,
        after,
        requestId: ctx.requestId,
      });
      return after;
    });
  }

  /** Deletes the rule; its alerts stay (they carry the rule's name) with ruleId set to null. */
  async function remove(id: string, ctx: RuleCtx): Promise<void> {
    await db.$transaction(async (tx) => {
      const before = await load(tx, id);
      if (!(await repo.deleteRule(id, tx))) throw notFound('alert rule');
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'alert_rule.deleted',
        targetType: 'alert_rule',
        targetId: id,
        before,
        requestId: ctx.requestId,
      });
    });
  }

  return { list, get: (id: string) => load(db, id), create, update, remove };
}

export type AlertRulesService = ReturnType<typeof createAlertRulesService>;
