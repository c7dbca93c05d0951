import type { AlertRule, CreateAlertRuleBodySchema, UpdateAlertRuleBodySchema } from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { keysetSql, toPage, type Page } from '../../platform/pagination.ts';
import { selectRules, sql } from './alerts.sql.ts';

type Create = z.output<typeof CreateAlertRuleBodySchema>;
type Update = z.output<typeof UpdateAlertRuleBodySchema>;

export interface RuleCtx {
  actor: Actor;
  userId: string;
  requestId: string;
}

export function createAlertRulesService({ db, audit }: { db: Db; audit: AuditLog }) {
  async function load(tx: Tx | Db, id: string): Promise<AlertRule> {
    const [rule] = await selectRules(tx, sql`r.id = ${id}::uuid`, 1);
    if (!rule) throw notFound('alert rule');
    return rule;
  }

  /** A rule names a live service (a deleted one can get no new flows), or none for every service. */
  async function serviceId(tx: Tx, name: string | null | undefined): Promise<string | null> {
    if (name == null) return null;
    const service = await tx.service.findFirst({ where: { name, deletedAt: null }, select: { id: true } });
    if (!service) throw invalid('body.service', `"${name}" is not a registered service`);
    return service.id;
  }

  /** Rules by name (then id), keyset-paginated. */
  async function list(limit: number, cursor: string | undefined): Promise<Page<AlertRule>> {
    const where = keysetSql(sql`r.name, r.id`, cursor, 'asc', (k, id) => sql`${String(k)}, ${id}::uuid`);
    const rows = await selectRules(db, where, limit + 1);
    return toPage(rows, limit, (r) => r, (r) => [r.name, r.id]);
  }

  async function create(body: Create, ctx: RuleCtx): Promise<AlertRule> {
    return db.$transaction(async (tx) => {
      const created = await tx.alertRule.create({
        data: { name: body.name, serviceId: await serviceId(tx, body.service), threshold: body.threshold, windowSeconds: body.windowSeconds, enabled: body.enabled, createdById: ctx.userId },
      });
      const rule = await load(tx, created.id);
      await audit.append(tx, { actor: ctx.actor, action: 'alert_rule.created', targetType: 'alert_rule', targetId: rule.id, after: rule, requestId: ctx.requestId });
      return rule;
    });
  }

  async function update(id: string, body: Update, ctx: RuleCtx): Promise<AlertRule> {
    return db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM alert_rules WHERE id = ${id}::uuid FOR UPDATE`;
      if (locked.length === 0) throw notFound('alert rule');
      const before = await load(tx, id);
      const data: Prisma.AlertRuleUpdateInput = {};
      if (body.name !== undefined) data.name = body.name;
      if (body.threshold !== undefined) data.threshold = body.threshold;
      if (body.windowSeconds !== undefined) data.windowSeconds = body.windowSeconds;
      if (body.enabled !== undefined) data.enabled = body.enabled;
      await tx.alertRule.update({ where: { id }, data });
      const after = await load(tx, id);
      await audit.append(tx, { actor: ctx.actor, action: 'alert_rule.updated', targetType: 'alert_rule', targetId: id, before, after, requestId: ctx.requestId });
      return after;
    });
  }

  /** Deletes the rule; its alerts stay (they carry the rule's name) with ruleId set to null. */
  async function remove(id: string, ctx: RuleCtx): Promise<void> {
    await db.$transaction(async (tx) => {
      const before = await load(tx, id);
      const deleted = await tx.alertRule.deleteMany({ where: { id } });
      if (deleted.count === 0) throw notFound('alert rule');
      await audit.append(tx, { actor: ctx.actor, action: 'alert_rule.deleted', targetType: 'alert_rule', targetId: id, before, requestId: ctx.requestId });
    });
  }

  return { list, get: (id: string) => load(db, id), create, update, remove };
}

export type AlertRulesService = ReturnType<typeof createAlertRulesService>;
