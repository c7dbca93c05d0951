// The dashboard's numbers come from the API's aggregates, never from paging through lists in the browser;
// the inbox is paged by the API, oldest first.
import type { Grant, GrantActivity, StatsSummary } from '@egress/shared';
import { expect, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { snap } from './support/screenshots.ts';
import { APPROVER1, APPROVER2 } from './support/users.ts';

test('the dashboard shows the server aggregates without scanning lists', async ({ page, baseURL }) => {
  const seed = await apiSession(baseURL ?? '', APPROVER1);
  await seed.factories.grant({ justification: 'Dashboard spec: something pending.' });
  const summary = (await expectOk(await seed.send('GET', '/api/v1/stats/summary'))) as StatsSummary;
  const activity = (await expectOk(
    await seed.send('GET', '/api/v1/stats/grant-activity?days=30'),
  )) as GrantActivity;
  await seed.dispose();

  const calls: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) calls.push(url.pathname + url.search);
  });
  await signIn(page, APPROVER2);
  await page.goto('/');
  const value = (card: string) => page.getByRole('region', { name: card }).locator('.stat-value');
  await expect(value('Pending requests')).toHaveText(String(summary.pendingGrants));
  await expect(value('Active grants')).toHaveText(String(summary.activeGrants));
  await expect(value('Destinations')).toHaveText(String(summary.destinations));
  await expect(page.getByRole('region', { name: 'Destinations' })).toContainText(
    `${summary.sensitiveDestinations} sensitive`,
  );
  const requested = activity.days.reduce((n, d) => n + d.requested, 0);
  await expect(page.getByRole('img', { name: /Requests and decisions per day/ })).toHaveAttribute(
    'aria-label',
    new RegExp(`30 days: ${requested} requests`),
  );
  await expect(page.getByRole('link', { name: /Requests.*pending/ })).toContainText(
    String(summary.pendingGrants),
  );
  await snap(page, '00-dashboard');
  // An approver's dashboard lists no grants and counts no audit events in the browser.
  expect(calls.filter((c) => c.startsWith('/api/v1/grants'))).toEqual([]);
  expect(calls.filter((c) => c.startsWith('/api/v1/audit-events') && c.includes('action='))).toEqual([]);
});

test('the inbox lists pending requests oldest first, paged by the API', async ({ page, baseURL }) => {
  const seed = await apiSession(baseURL ?? '', APPROVER1);
  await seed.factories.grant({ justification: 'Inbox spec: an older request.' });
  await seed.factories.grant({ justification: 'Inbox spec: a newer request.' });
  const first = (await expectOk(
    await seed.send('GET', '/api/v1/grants?state=pending&order=asc&limit=1'),
  )) as { items: Grant[] };
  await seed.dispose();
  const oldest = first.items[0];
  if (!oldest) throw new Error('no pending grant');

  await signIn(page, APPROVER2);
  const list = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/grants');
  await page.goto('/requests');
  const params = new URL((await list).url()).searchParams;
  expect(Object.fromEntries(params)).toMatchObject({ state: 'pending', order: 'asc', limit: '50' });
  await expect(page.getByRole('row').nth(1)).toContainText(oldest.service);
});
