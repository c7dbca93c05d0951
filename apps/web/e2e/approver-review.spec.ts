// The approver's review (issue 18): the inbox filtered to "waiting on me" (and a team), a review with
// everything on one screen (who asked, what becomes reachable, denied traffic, history), the approve
// dialog that says what approving does, "Approve & next" walking the inbox, and a port-wide request that
// cannot be approved without a comment, neither from a list nor from its review.
import type { Grant } from '@egress/shared';
import { uniqueSuffix } from '@egress/shared/testing';
import { expect, type Page, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { ingestToken, postFlows } from './support/flows.ts';
import { ADMIN, APPROVER1, APPROVER2, ENGINEER } from './support/users.ts';

interface Seed {
  team: string;
  service: string;
  first: Grant;
  second: Grant;
  wide: Grant;
  own: Grant;
  firstHost: string;
}

let seed: Seed;

test.beforeAll(async ({ baseURL }) => {
  const url = baseURL ?? '';
  const tag = uniqueSuffix();
  const engineer = await apiSession(url, ENGINEER);
  const approver2 = await apiSession(url, APPROVER2);
  const approver1 = await apiSession(url, APPROVER1);
  const admin = await apiSession(url, ADMIN);
  const team = `team-review-${tag}`;
  const namespace = `review-${tag}`;
  const svc = await engineer.factories.service({
    name: `service.review-${tag}`,
    namespace,
    selector: { matchLabels: { app: `review-${tag}` } },
    serviceAccount: 'ledger-sync',
    team,
  });
  const [a, b, c] = [
    await approver2.factories.destination({ description: 'Ledger export API of the bank' }),
    await approver2.factories.destination(),
    await approver2.factories.destination(),
  ];
  const grant = (destination: string | null, port = 443, justification?: string) =>
    engineer.factories.grant({
      service: svc.name,
      destination,
      port,
      ...(justification ? { justification } : {}),
    });
  // History: the same access was asked for and rejected once, with a reason.
  const rejected = await grant(a.host);
  await expectOk(
    await approver2.send('POST', `/api/v1/grants/${rejected.id}/reject`, {
      reason: 'Use the nightly file drop instead.',
    }),
  );
  const first = await grant(a.host, 443, 'The ledger sync now calls the export API directly.');
  const second = await grant(b.host);
  const wide = await grant(null, 8443, 'The crawler fetches partner feeds on 8443 from many hosts.');
  // An approver's own request never waits on them.
  const own = await approver1.factories.grant({ service: svc.name, destination: c.host, port: 443 });
  // Evidence: the service's pods were denied on the first host three times.
  const token = await ingestToken(admin, `review-collector-${tag}`);
  const record = {
    time: new Date(Date.now() - 120_000).toISOString(),
    sourceNamespace: namespace,
    sourceLabels: { app: `review-${tag}` },
    destIP: '140.82.121.4',
    destPort: 443,
    protocol: 'TCP' as const,
    destName: a.host,
  };
  await postFlows(url, token, [record, record, record]);
  for (const s of [engineer, approver1, approver2, admin]) await s.dispose();
  seed = { team, service: svc.name, first, second, wide, own, firstHost: a.host };
});

const target = (g: Grant) => `${g.destination ?? 'any host'}:${g.port}`;
const heading = (page: Page, g: Grant) =>
  page.getByRole('heading', { level: 1, name: `${g.service} → ${target(g)}` });

test('approver: filter the inbox, review with evidence and history, approve & next, port-wide needs a comment', async ({
  page,
}) => {
  await signIn(page, APPROVER1);
  await page.goto('/requests');
  const filters = page.getByRole('search', { name: 'Filter the inbox' });
  await filters.getByLabel('Waiting on me').check();
  await filters.getByLabel('Team').fill(seed.team);
  await expect(page).toHaveURL(/waiting=true/);
  await expect(page).toHaveURL(new RegExp(`team=${seed.team}`));
  const inbox = page.getByRole('table', { name: 'Pending requests, oldest first' });
  const rows = inbox.getByRole('row').filter({ hasText: seed.service });
  // Oldest first; my own request is not waiting on me.
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText(target(seed.first));
  await expect(rows.nth(1)).toContainText(target(seed.second));
  await expect(rows.nth(2)).toContainText('port-wide · any host');
  await expect(inbox).not.toContainText(target(seed.own));
  // The port-wide row has no one-click approve: only its review.
  await expect(rows.nth(2).getByRole('button', { name: /^Approve/ })).toHaveCount(0);
  await expect(rows.nth(2).getByRole('link', { name: /^Review/ })).toBeVisible();

  // Open the first request's review.
  await rows
    .nth(0)
    .getByRole('link', { name: `grant ${seed.service} → ${target(seed.first)}`, exact: false })
    .click();
  await expect(heading(page, seed.first)).toBeVisible();
  const who = page.getByRole('region', { name: 'Who asked' });
  await expect(who).toContainText(ENGINEER.name);
  await expect(who).toContainText(seed.team);
  await expect(who).toContainText('The ledger sync now calls the export API directly.');
  const reach = page.getByRole('region', { name: 'What becomes reachable' });
  await expect(reach).toContainText('ledger-sync');
  await expect(reach).toContainText('Ledger export API of the bank');
  await expect(reach).toContainText('443 / TCP');
  const evidence = page.getByRole('region', { name: 'Evidence: denied traffic' });
  const flow = evidence.getByRole('row').filter({ hasText: seed.firstHost });
  await expect(flow).toContainText('3×');
  const history = page.getByRole('region', { name: 'History' });
  await expect(history).toContainText('Use the nightly file drop instead.');

  // Approve & next: the dialog says what approving does; the next request in the inbox opens.
  await page.getByRole('button', { name: 'Approve & next' }).click();
  const dialog = page.getByRole('dialog', { name: 'Approve request' });
  await expect(dialog).toContainText(
    'Approval 1 of 1: the grant becomes active and is enforced within a second.',
  );
  await dialog
    .getByLabel('Comment (optional)')
    .fill('Evidence matches; the export API replaces the file drop.');
  await dialog.getByRole('button', { name: 'Approve & next' }).click();
  await expect(heading(page, seed.second)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/grants/${seed.second.id}\\?`));
  const firstNow = await page.request.get(`/api/v1/grants/${seed.first.id}`);
  expect(((await firstNow.json()) as Grant).state).toBe('active');

  await page.getByRole('button', { name: 'Approve & next' }).click();
  await dialog.getByRole('button', { name: 'Approve & next' }).click();
  await expect(heading(page, seed.wide)).toBeVisible();

  // The port-wide review: the widest access is said in words, and approving needs a comment.
  await expect(page.getByRole('note')).toContainText('The widest access there is.');
  await page
    .getByRole('group', { name: 'Decision' })
    .getByRole('button', { name: 'Approve', exact: true })
    .click();
  await expect(dialog).toContainText(
    'Approval 1 of 2: one more approver is needed before it becomes active.',
  );
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(dialog.getByText('Say what you checked')).toBeVisible();
  await expect(dialog).toBeVisible();
  // Nothing was sent: the request has no approval yet. The API refuses it too, naming the field.
  const wideNow = (await (await page.request.get(`/api/v1/grants/${seed.wide.id}`)).json()) as Grant;
  expect(wideNow.approvals).toEqual([]);
  await dialog
    .getByLabel('Comment (required: port-wide)')
    .fill('Partner feeds move hosts often; reviewed the list with the crawler team.');
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('region', { name: 'Notifications' })).toContainText('1 of 2 approvals so far');

  // The breadcrumb leads back to the filtered inbox, now empty for me.
  await page
    .getByRole('navigation', { name: 'Breadcrumb' })
    .getByRole('link', { name: 'Requests inbox' })
    .click();
  await expect(page).toHaveURL(/\/requests\?.*waiting=true/);
  await expect(page.getByText('No pending request matches these filters.')).toBeVisible();
});

test('the API refuses a port-wide approval without a comment (400 naming body.comment)', async ({
  baseURL,
}) => {
  const approver2 = await apiSession(baseURL ?? '', APPROVER2);
  const res = await approver2.send('POST', `/api/v1/grants/${seed.wide.id}/approve`, {});
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body)).toContain('body.comment');
  await approver2.dispose();
});
