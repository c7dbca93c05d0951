// The lead's dashboard and deliberate role changes (issue 18), in Chromium against the real API on the
// none target. Drift raised and healed with Re-apply needs a cluster: health-strip.cluster.spec.ts.
// - An approver sees the health strip: a grant expiring within 72 hours, an active port-wide grant, a
//   webhook whose receiver refuses connections ("failing since …, ECONNREFUSED"); sign-ins are not in
//   "Recent activity".
// - An admin changes a role in a dialog: Save needs a reason, granting approver asks once more, and the
//   reason lands in the audit log.
import type { Grant, User, Webhook } from '@egress/shared';
import { uniqueSuffix } from '@egress/shared/testing';
import { expect, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { sidewaysScroll } from './support/layout.ts';
import { snap } from './support/screenshots.ts';
import { ADMIN, APPROVER1, APPROVER2, ENGINEER } from './support/users.ts';

test.describe.configure({ timeout: 120_000 });

test('an approver sees the health strip: expiring and port-wide grants, a failing webhook; no sign-ins in recent activity', async ({
  page,
  baseURL,
}) => {
  const tag = uniqueSuffix();
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const approver1 = await apiSession(baseURL ?? '', APPROVER1);
  const approver2 = await apiSession(baseURL ?? '', APPROVER2);
  const admin = await apiSession(baseURL ?? '', ADMIN);

  const host = `expiring-${tag}.example.com`;
  await approver1.factories.destination({ host });
  const svc = await engineer.factories.service({ name: `service.strip-${tag}`, namespace: 'strip' });
  const soon = await engineer.factories.grant({
    service: svc.name,
    destination: host,
    port: 443,
    expiresAt: new Date(Date.now() + 30 * 3600_000).toISOString(),
  });
  await expectOk(await approver1.send('POST', `/api/v1/grants/${soon.id}/approve`, { comment: 'Checked.' }));
  const wide = await engineer.factories.grant({ service: svc.name, destination: null, port: 5432 });
  await expectOk(await approver1.send('POST', `/api/v1/grants/${wide.id}/approve`, { comment: 'Checked.' }));
  const active = (await expectOk(
    await approver2.send('POST', `/api/v1/grants/${wide.id}/approve`, { comment: 'Checked.' }),
  )) as Grant;
  expect(active.state).toBe('active');

  // A webhook whose receiver is down: its test fails, so it is failing from now on.
  const hookName = `strip-hook-${tag}`;
  const hook = (await expectOk(
    await admin.send('POST', '/api/v1/webhooks', {
      name: hookName,
      url: 'http://127.0.0.1:9/nothing-listens',
      events: ['grant.approved'],
    }),
    201,
  )) as Webhook;
  await expectOk(await admin.send('POST', `/api/v1/webhooks/${hook.id}/test`));

  await signIn(page, APPROVER1);
  await page.goto('/');
  const strip = page.getByRole('region', { name: 'Health' });
  await expect(strip).toBeVisible();
  await expect(strip.getByRole('region', { name: 'Enforcement' })).toContainText(/\d+ of \d+ namespaces/);
  await expect(strip.getByRole('region', { name: 'Drift' })).toContainText('not observed');
  const webhooks = strip.getByRole('region', { name: 'Webhooks' });
  await expect(webhooks).toContainText(/[1-9]\d* failing/);
  await expect(webhooks.getByRole('listitem').filter({ hasText: hookName })).toContainText(
    /failing since (just now|.+ ago), ECONNREFUSED/,
  );
  const expiring = strip.getByRole('region', { name: 'Expiring in 72 h' });
  await expect(expiring.getByRole('link', { name: `${svc.name} → ${host}:443` })).toHaveAttribute(
    'href',
    `/grants/${soon.id}`,
  );
  await expect(expiring.getByRole('listitem').filter({ hasText: host })).toContainText(
    /expires in \d+ (h|d)/,
  );
  const portWide = strip.getByRole('region', { name: 'Port-wide grants' });
  await expect(portWide.getByRole('link', { name: `${svc.name} → any host:5432` })).toBeVisible();

  // Recent activity shows changes, not sign-ins (every session above signed in).
  const activity = page.getByRole('region', { name: 'Recent activity' });
  await expect(activity.getByRole('listitem').first()).toBeVisible();
  await expect(activity.getByText('auth.login')).toHaveCount(0);
  await snap(page, '60-health-strip');
  await page.setViewportSize({ width: 1024, height: 768 });
  expect(await sidewaysScroll(page)).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 800 });

  // Engineers do not get the strip (it is the approvers' view).
  await signIn(page, ENGINEER);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Health' })).toHaveCount(0);

  for (const s of [engineer, approver1, approver2, admin]) await s.dispose();
});

test('a role change is deliberate: a dialog, a required reason, a second confirmation for approver', async ({
  page,
  baseURL,
}) => {
  const admin = await apiSession(baseURL ?? '', ADMIN);
  const email = `role-change-${uniqueSuffix()}@e2e.example.com`;
  const user = (await expectOk(
    await admin.send('POST', '/api/v1/users', {
      email,
      name: 'Role Change',
      role: 'engineer',
      password: 'e2e-password-not-secret',
    }),
    201,
  )) as User;

  await signIn(page, ADMIN);
  await page.goto('/users');
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toContainText('engineer');
  // No select that commits on change.
  await expect(row.getByRole('combobox')).toHaveCount(0);
  await row.getByRole('button', { name: `Edit role of ${email}` }).click();

  const dialog = page.getByRole('dialog', { name: `Change the role of ${email}` });
  await dialog.getByLabel('Role').selectOption('approver');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('Say why the role changes; it is recorded in the audit log.')).toBeVisible();
  // Nothing changed yet.
  expect(((await expectOk(await admin.send('GET', `/api/v1/users/${user.id}`))) as User).role).toBe(
    'engineer',
  );

  await dialog.getByLabel('Reason').fill('Joins the payments approvers rota');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText(`Make ${email} an approver?`)).toBeVisible();
  await expect(dialog).toContainText('Approvers decide access requests');
  await snap(page, '61-role-change-confirm');
  expect(((await expectOk(await admin.send('GET', `/api/v1/users/${user.id}`))) as User).role).toBe(
    'engineer',
  );

  await dialog.getByRole('button', { name: 'Yes, make approver' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${email} is now approver` })).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('approver');

  // The audit log has the change with its reason.
  const audit = (await expectOk(
    await admin.send('GET', `/api/v1/audit-events?action=user.updated&targetId=${user.id}`),
  )) as { items: { before: { role: string }; after: { role: string; reason: string } }[] };
  expect(audit.items[0]).toMatchObject({
    before: { role: 'engineer' },
    after: { role: 'approver', reason: 'Joins the payments approvers rota' },
  });

  // Back to engineer: a demotion needs a reason but no second confirmation.
  await row.getByRole('button', { name: `Edit role of ${email}` }).click();
  await dialog.getByLabel('Role').selectOption('engineer');
  await dialog.getByLabel('Reason').fill('Left the rota');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${email} is now engineer` })).toBeVisible();
  await admin.dispose();
});
