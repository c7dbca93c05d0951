// Namespace coverage: the dashboard's "N of M namespaces enforced" card, the list behind it, the
// enforcement mode in the settings form; and the public-suffix rule for hosts, judged in the browser.
import type { Coverage } from '@egress/shared';
import { expect, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { snap } from './support/screenshots.ts';
import { ADMIN, APPROVER1, VIEWER } from './support/users.ts';

test('the dashboard counts the enforced namespaces and links to the list of which and why', async ({
  page,
  baseURL,
}) => {
  const admin = await apiSession(baseURL ?? '', ADMIN);
  const service = await admin.factories.service({ namespace: 'coverage-shop' });
  await expectOk(
    await admin.send('PATCH', '/api/v1/settings', { enforcedNamespaces: ['coverage-payments'] }),
  );
  const coverage = (await expectOk(await admin.send('GET', '/api/v1/coverage'))) as Coverage;
  await admin.dispose();

  await signIn(page, VIEWER);
  await page.goto('/');
  const card = page.getByRole('region', { name: 'Namespaces enforced' });
  await expect(card.locator('.stat-value')).toHaveText(`${coverage.enforced} of ${coverage.total}`);
  await expect(card).toContainText(`${coverage.enforced} of ${coverage.total} namespaces enforced`);
  await card.getByRole('link', { name: 'See which and why' }).click();

  await expect(page).toHaveURL(/\/coverage$/);
  await expect(page.getByRole('heading', { name: 'Namespace coverage' })).toBeVisible();
  // The e2e server runs the "none" target: the page says the list is what the settings name.
  await expect(page.getByRole('note')).toContainText('has no cluster to list');
  const table = page.getByRole('table', { name: 'Namespaces and their enforcement' });
  const shop = table.getByRole('row', { name: /coverage-shop/ });
  await expect(shop).toContainText('open');
  await expect(shop).toContainText('not in the list of enforced namespaces');
  await expect(shop.getByRole('link', { name: service.name })).toBeVisible();
  const payments = table.getByRole('row', { name: /coverage-payments/ });
  await expect(payments).toContainText('enforced');
  await expect(payments).toContainText('listed in the enforced namespaces');
  await snap(page, '30-coverage');
});

test('an admin switches to "every namespace" in the settings and the coverage follows', async ({
  page,
  baseURL,
}) => {
  await signIn(page, ADMIN);
  await page.goto('/settings');
  const mode = page.getByRole('combobox', { name: 'Enforced namespaces', exact: true });
  await expect(mode).toHaveValue('listed');
  await mode.selectOption({ label: 'Every namespace except those left open' });
  await page
    .getByRole('textbox', { name: 'Namespaces left open', exact: true })
    .fill('kube-system\ncoverage-shop');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved')).toBeVisible();

  try {
    await page.goto('/coverage');
    const table = page.getByRole('table', { name: 'Namespaces and their enforcement' });
    await expect(table.getByRole('row', { name: /coverage-shop/ })).toContainText(
      'in the list of excluded namespaces',
    );
    await expect(table.getByRole('row', { name: /coverage-payments/ })).toContainText(
      'every namespace is enforced unless excluded',
    );
    await expect(table.getByRole('row', { name: /egress-gateways/ })).toContainText('the gateway namespace');
  } finally {
    // Other specs share this server: put the default mode back.
    const admin = await apiSession(baseURL ?? '', ADMIN);
    await expectOk(
      await admin.send('PATCH', '/api/v1/settings', {
        enforcementMode: 'listed',
        excludedNamespaces: ['kube-node-lease', 'kube-public', 'kube-system'],
      }),
    );
    await admin.dispose();
  }
});

test('a cluster-internal host is refused in the browser with the reason, before any request', async ({
  page,
}) => {
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/destinations') posts.push(r.url());
  });
  await signIn(page, APPROVER1);
  await page.goto('/destinations');
  await page.getByRole('button', { name: 'Add destination' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a destination' });
  await dialog.getByLabel('Host').fill('kubernetes.default');
  await dialog.getByRole('button', { name: 'Add destination' }).click();
  await expect(
    dialog.getByText(
      'must end in a public suffix (ICANN section of the Public Suffix List); "default" is not one',
    ),
  ).toBeVisible();
  await dialog.getByLabel('Host').fill('api.example.co.uk');
  await expect(dialog.getByText('is not one')).toHaveCount(0);
  expect(posts).toEqual([]);
});
