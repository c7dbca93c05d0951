// Paging through a list longer than one page (the console asks for 50 a page): Next shows the
// following rows, the URL keeps the filters and gains the cursor (a link reproduces the page),
// Previous comes back to the first rows.
import { uniqueSuffix } from '@egress/shared/testing';
import { expect, type Locator, type Page, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { snap } from './support/screenshots.ts';
import { APPROVER1, ENGINEER } from './support/users.ts';

const PAGE_SIZE = 50;
const SEEDED = PAGE_SIZE + 5;

/** Text of each data row's first `cells` cells (the header row has none). */
async function rowKeys(table: Locator, cells = 2): Promise<string[]> {
  const rows = table.locator('tbody > tr');
  const n = await rows.count();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const texts = await rows.nth(i).locator('td').allInnerTexts();
    out.push(texts.slice(0, cells).join(' | '));
  }
  return out;
}

async function pager(page: Page) {
  const nav = page.getByRole('navigation', { name: 'Pagination' });
  return {
    nav,
    next: nav.getByRole('button', { name: 'Next page' }),
    previous: nav.getByRole('button', { name: 'Previous page' }),
  };
}

test.describe.configure({ timeout: 120_000 });

test('grants list: Next and Previous page through the API cursor, filters kept in the URL', async ({
  page,
  baseURL,
}) => {
  const tag = uniqueSuffix();
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const approver = await apiSession(baseURL ?? '', APPROVER1);
  const host = `pager-${tag}.example.com`;
  await approver.factories.destination({ host });
  // One request per service, created one after the other so "newest first" is well defined, and
  // cancelled at once: the list pages through them by state, and other specs' inbox stays short.
  for (let i = 1; i <= SEEDED; i++) {
    const name = `service.pager-${tag}-${String(i).padStart(3, '0')}`;
    await engineer.factories.service({
      name,
      namespace: 'pager',
      selector: { matchLabels: { app: `p${i}` } },
    });
    const grant = await engineer.factories.grant({ service: name, destination: host, port: 443 });
    await expectOk(await engineer.send('POST', `/api/v1/grants/${grant.id}/cancel`, {}));
  }
  await engineer.dispose();
  await approver.dispose();

  await signIn(page, APPROVER1);
  await page.goto(`/grants?state=cancelled&destination=${host}`);
  const table = page.getByRole('table', { name: 'Grants' });
  const { nav, next, previous } = await pager(page);
  await expect(table.locator('tbody > tr')).toHaveCount(PAGE_SIZE);
  await expect(nav).toContainText('Page 1');
  await expect(previous).toBeDisabled();
  // Newest first: the last service seeded heads the first page.
  await expect(table.locator('tbody > tr').first()).toContainText(
    `pager-${tag}-${String(SEEDED).padStart(3, '0')}`,
  );
  const first = await rowKeys(table);

  await next.click();
  await expect(nav).toContainText('Page 2');
  await expect(table.locator('tbody > tr')).toHaveCount(SEEDED - PAGE_SIZE);
  await expect(table.locator('tbody > tr').first()).toContainText(
    `pager-${tag}-${String(SEEDED - PAGE_SIZE).padStart(3, '0')}`,
  );
  const second = await rowKeys(table);
  expect(second.filter((k) => first.includes(k))).toEqual([]);
  await expect(next).toBeDisabled();
  const url = new URL(page.url());
  expect(url.searchParams.get('state')).toBe('cancelled');
  expect(url.searchParams.get('destination')).toBe(host);
  expect(url.searchParams.get('cursor')).toBeTruthy();
  await snap(page, '20-grants-page-2');

  // The URL alone reproduces page 2 (a shared link).
  await page.reload();
  await expect(table.locator('tbody > tr')).toHaveCount(SEEDED - PAGE_SIZE);
  expect(await rowKeys(table)).toEqual(second);

  await previous.click();
  await expect(nav).toContainText('Page 1');
  await expect(table.locator('tbody > tr')).toHaveCount(PAGE_SIZE);
  await expect(table.locator('tbody > tr').first()).toContainText(
    `pager-${tag}-${String(SEEDED).padStart(3, '0')}`,
  );
  expect(await rowKeys(table)).toEqual(first);
  const back = new URL(page.url());
  expect(back.searchParams.get('cursor')).toBeNull();
  expect(back.searchParams.get('state')).toBe('cancelled');
  expect(back.searchParams.get('destination')).toBe(host);
});

test('audit log: Next and Previous keep the action filter and return to the newest events', async ({
  page,
  baseURL,
}) => {
  const tag = uniqueSuffix();
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  let newestName = '';
  for (let i = 1; i <= SEEDED; i++) {
    const created = await engineer.factories.service({
      name: `service.audit-pager-${tag}-${i}`,
      namespace: 'pager',
      selector: { matchLabels: { app: `a${i}` } },
    });
    newestName = created.name;
  }
  await engineer.dispose();

  await signIn(page, APPROVER1);
  await page.goto('/audit?action=service.created');
  const table = page.getByRole('table', { name: 'Audit events, newest first' });
  const { nav, next, previous } = await pager(page);
  await expect(table.locator('tbody > tr')).toHaveCount(PAGE_SIZE);
  const seqs = async () => (await rowKeys(table, 1)).map(Number);
  const first = await seqs();
  expect(first).toEqual([...first].sort((a, b) => b - a));
  await expect(table.locator('tbody > tr').first()).toContainText(newestName);
  const topSeq = table.locator('tbody > tr').first().locator('td').first();

  await next.click();
  await expect(nav).toContainText('Page 2');
  // The previous page stays on screen until the next one arrives: wait for the rows to change.
  await expect(topSeq).not.toHaveText(String(first[0]));
  const second = await seqs();
  expect(second.length).toBeGreaterThan(0);
  // Strictly older than everything on page 1, and every row still a service.created event.
  expect(Math.max(...second)).toBeLessThan(Math.min(...first));
  for (const row of await table.locator('tbody > tr').all())
    await expect(row).toContainText('service.created');
  const url = new URL(page.url());
  expect(url.searchParams.get('action')).toBe('service.created');
  expect(url.searchParams.get('cursor')).toBeTruthy();
  await snap(page, '21-audit-page-2');

  await previous.click();
  await expect(nav).toContainText('Page 1');
  await expect(previous).toBeDisabled();
  await expect(topSeq).toHaveText(String(first[0]));
  expect(await seqs()).toEqual(first);
  expect(new URL(page.url()).searchParams.get('action')).toBe('service.created');
});
