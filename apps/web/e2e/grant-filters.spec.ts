// The grants list's service and destination filters search the server as one types (one small page of
// suggestions) rather than loading the whole catalogue into a select: opening the list downloads no
// service or destination catalogue, typing asks for `?q=`, picking a suggestion filters the list
// through the URL, and clearing the field removes the filter.
import { uniqueSuffix } from '@egress/shared/testing';
import { expect, test } from '@playwright/test';

import { apiSession, signIn } from './support/api.ts';
import { APPROVER1, ENGINEER } from './support/users.ts';

test('grants list: the service filter suggests from a server search and filters through the URL', async ({
  page,
  baseURL,
}) => {
  const tag = uniqueSuffix();
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const approver = await apiSession(baseURL ?? '', APPROVER1);
  const host = `filters-${tag}.example.com`;
  await approver.factories.destination({ host });
  const names = ['alpha', 'beta'].map((n) => `service.filter-${tag}-${n}`);
  for (const [i, name] of names.entries()) {
    await engineer.factories.service({
      name,
      namespace: 'filters',
      selector: { matchLabels: { app: `f${i}` } },
    });
    await engineer.factories.grant({ service: name, destination: host, port: 443 });
  }
  await engineer.dispose();
  await approver.dispose();

  const catalogueReads: string[] = [];
  const searches: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!/^\/api\/v1\/(services|destinations)$/.test(url.pathname)) return;
    const q = url.searchParams.get('q');
    if (q) searches.push(q);
    // A picker asks for one small page (20); the old selects paged through everything, 500 at a time.
    if (Number(url.searchParams.get('limit') ?? 50) > 20) catalogueReads.push(url.pathname + url.search);
  });

  await signIn(page, APPROVER1);
  await page.goto(`/grants?state=all&destination=${host}`);
  const table = page.getByRole('table', { name: 'Grants' });
  await expect(table.locator('tbody > tr')).toHaveCount(2);

  const filters = page.getByRole('search', { name: 'Filter grants' });
  const service = filters.getByLabel('Service');
  await service.click();
  await service.pressSequentially(`filter-${tag}`);
  // The suggestions come from the server's search, both services of this spec and nothing else.
  const suggestions = page.locator(`datalist#${await service.getAttribute('list')} option`);
  await expect
    .poll(async () =>
      (await suggestions.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).sort(),
    )
    .toEqual(names);
  expect(searches).toContain(`filter-${tag}`);

  // Choosing a suggestion fills the field with its value (what Chromium does on a click): applied at once.
  await service.fill(names[1] ?? '');
  await expect(page).toHaveURL(
    new RegExp(`service=${encodeURIComponent(names[1] ?? '').replace(/\./g, '\\.')}`),
  );
  await expect(table.locator('tbody > tr')).toHaveCount(1);
  await expect(table.locator('tbody > tr').first()).toContainText(names[1] ?? '');

  await service.fill('');
  await expect(page).not.toHaveURL(/service=/);
  await expect(table.locator('tbody > tr')).toHaveCount(2);
  // Neither filter ever read the whole catalogue.
  expect(catalogueReads).toEqual([]);
});
