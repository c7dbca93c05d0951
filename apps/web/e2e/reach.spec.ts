// "Can it reach?" end to end, on the real API (target "none": every gateway ready): allowed through the
// gateway with every check on that path ok; denied with the fix, whose "Request access" opens the request
// form prefilled with the service, host and port; open in a namespace that is not enforced; pending,
// linking to the request. The same panel answers on the service and destination pages.
import type { Settings } from '@egress/shared';
import { expect, type Locator, type Page, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { snap } from './support/screenshots.ts';
import { ADMIN, APPROVER1, ENGINEER, VIEWER } from './support/users.ts';

const ENFORCED = 'reach-e2e';
const OPEN = 'reach-e2e-open';
let enforcedBefore: string[] = [];

test.describe.configure({ timeout: 120_000 });

// One namespace enforced for these specs (added to the list, and taken off again afterwards).
test.beforeAll(async ({ baseURL }) => {
  const admin = await apiSession(baseURL ?? '', ADMIN);
  const settings = (await expectOk(await admin.send('GET', '/api/v1/settings'))) as Settings;
  enforcedBefore = settings.enforcedNamespaces;
  await expectOk(
    await admin.send('PATCH', '/api/v1/settings', { enforcedNamespaces: [...enforcedBefore, ENFORCED] }),
  );
  await admin.dispose();
});
test.afterAll(async ({ baseURL }) => {
  const admin = await apiSession(baseURL ?? '', ADMIN);
  await expectOk(await admin.send('PATCH', '/api/v1/settings', { enforcedNamespaces: enforcedBefore }));
  await admin.dispose();
});

/** A service in `namespace` and a registered destination on 443; with `granted`, an approved grant between them. */
async function seed(baseURL: string, namespace: string, granted: boolean) {
  const approver = await apiSession(baseURL, APPROVER1);
  const engineer = await apiSession(baseURL, ENGINEER);
  const service = await engineer.factories.service({ namespace });
  const destination = await approver.factories.destination();
  if (granted) {
    const grant = await engineer.factories.grant({
      service: service.name,
      destination: destination.host,
      port: 443,
    });
    await expectOk(
      await approver.send('POST', `/api/v1/grants/${grant.id}/approve`, { comment: 'reach e2e' }),
    );
  }
  await approver.dispose();
  await engineer.dispose();
  return { service, destination };
}

/** The announced verdict (role=status) and the chain of checks of the answer on the page. */
function answer(scope: Page | Locator) {
  return { status: scope.getByRole('status'), chain: scope.getByRole('list', { name: 'Checks, in order' }) };
}
/** The chain's entry for one check, by its label (details may mention other checks' words). */
const check = (chain: Locator, name: string) =>
  chain.getByRole('listitem').filter({ has: chain.page().getByText(name, { exact: true }) });

test('allowed: every check on the gateway path ok, from a shared link and on the destination page', async ({
  page,
  baseURL,
}) => {
  const { service, destination } = await seed(baseURL ?? '', ENFORCED, true);
  await signIn(page, VIEWER);
  await page.goto(`/reach?service=${service.name}&host=${destination.host}&port=443`);
  const { status, chain } = answer(page);
  await expect(status).toContainText(
    `Allowed: ${service.name} can reach ${destination.host}:443 through the destination’s gateway.`,
  );
  for (const name of [
    'Service',
    'Destination',
    'Grant',
    'Gateway ready',
    'DNS steering',
    'Gateway admits the service',
    'Namespace default deny',
  ])
    await expect(check(chain, name), name).toContainText('✓ ok');
  await expect(chain).not.toContainText('not ok');
  // The alternative path not taken reads as such, not as a fault.
  await expect(check(chain, 'Port-wide grant')).toContainText('not used');
  await expect(page.getByRole('heading', { name: 'What would change it' })).toHaveCount(0);
  await snap(page, '40-reach-allowed');

  await page.goto('/destinations');
  await page.getByRole('link', { name: destination.host }).click();
  const panel = page.getByRole('region', { name: 'Can it reach?' });
  const form = panel.getByRole('form', { name: `Can a service reach ${destination.host}?` });
  await form.getByLabel('Service').fill(service.name);
  await form.getByLabel('Service').press('Enter');
  await expect(answer(panel).status).toContainText('Allowed: ');
  await expect(panel.getByRole('link', { name: 'Open as a link' })).toHaveAttribute(
    'href',
    new RegExp(`/reach\\?service=${service.name.replace('.', '\\.')}`),
  );
});

test('denied: the first failing check is marked, and "Request access" opens the form prefilled', async ({
  page,
  baseURL,
}) => {
  const { service, destination } = await seed(baseURL ?? '', ENFORCED, false);
  await signIn(page, ENGINEER);
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Can it reach?' }).click();
  const form = page.getByRole('form', { name: 'Can it reach?' });
  await form.getByLabel('Service').fill(service.name);
  await form.getByLabel('Host').fill(destination.host);
  await form.getByLabel('Port').fill('443');
  await form.getByRole('button', { name: 'Check' }).click();

  // The question is in the URL, so the answer can be shared.
  await expect(page).toHaveURL(
    new RegExp(
      `/reach\\?service=${service.name.replace('.', '\\.')}&host=${destination.host.replace(/\./g, '\\.')}&port=443$`,
    ),
  );
  const { status, chain } = answer(page);
  await expect(status).toContainText(`Denied: ${service.name} cannot reach ${destination.host}:443.`);
  await expect(check(chain, 'Grant')).toContainText('✗ not ok');
  await expect(chain.locator('[aria-current="step"]')).toContainText('Grant');
  await expect(check(chain, 'Gateway admits the service')).toContainText('not ok');
  const fixes = page.getByRole('region', { name: 'What would change it' });
  await expect(fixes).toContainText('No grant: request access');
  await snap(page, '41-reach-denied');

  await fixes.getByRole('link', { name: 'Request access' }).click();
  await expect(page).toHaveURL(/\/requests\/new\?/);
  const request = page.getByRole('form', { name: 'Request access' });
  await expect(request.getByLabel('Service', { exact: true })).toHaveValue(service.name);
  await expect(request.getByLabel('Destination', { exact: true })).toHaveValue(destination.host);
  await expect(request.getByLabel('Port')).toHaveValue('443');
});

test('open: a namespace that is not enforced, explained, from the service page', async ({
  page,
  baseURL,
}) => {
  const { service, destination } = await seed(baseURL ?? '', OPEN, false);
  await signIn(page, ENGINEER);
  await page.goto(`/services?q=${service.name}`);
  await page.getByRole('link', { name: service.name }).click();
  const panel = page.getByRole('region', { name: 'Can it reach?' });
  const form = panel.getByRole('form', { name: `Can ${service.name} reach?` });
  await expect(form.getByLabel('Service')).toHaveCount(0);
  await form.getByLabel('Host').fill(destination.host);
  await form.getByLabel('Port').fill('443');
  await form.getByRole('button', { name: 'Check' }).click();

  const { status, chain } = answer(panel);
  await expect(status).toContainText(`Open: ${service.name} reaches ${destination.host}:443 directly`);
  await expect(status).toContainText(`namespace ${OPEN} is not enforced`);
  await expect(check(chain, 'Namespace default deny')).toContainText('! not enforced');
  await expect(check(chain, 'Grant')).toContainText('not used');
  await expect(check(chain, 'Namespace default deny')).toContainText(
    `namespace ${OPEN} is not enforced: its pods reach the internet directly`,
  );
  const fixes = panel.getByRole('region', { name: 'How to enforce it' });
  await expect(fixes).toContainText('Namespace not enforced: nothing limits this traffic');
  await expect(fixes).toContainText('enforcedNamespaces');
  await expect(fixes.getByRole('link', { name: 'Namespace coverage' })).toBeVisible();
  await expect(fixes.getByRole('link', { name: 'Request access' })).toHaveCount(0);
  await snap(page, '42-reach-open-service-page');
});

test('denied while pending: "1 of 2 approvals" links to the request', async ({ page, baseURL }) => {
  const approver = await apiSession(baseURL ?? '', APPROVER1);
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const service = await engineer.factories.service({ namespace: ENFORCED });
  const destination = await approver.factories.destination({ sensitivity: 'sensitive' });
  const grant = await engineer.factories.grant({
    service: service.name,
    destination: destination.host,
    port: 443,
  });
  await expectOk(
    await approver.send('POST', `/api/v1/grants/${grant.id}/approve`, { comment: 'first of two' }),
  );
  await approver.dispose();
  await engineer.dispose();

  await signIn(page, ENGINEER);
  await page.goto(`/reach?service=${service.name}&host=${destination.host}&port=443`);
  await expect(answer(page).status).toContainText('Denied:');
  const fixes = page.getByRole('region', { name: 'What would change it' });
  await expect(fixes).toContainText('Pending: 1 of 2 approvals');
  await expect(fixes.getByRole('link', { name: 'Request access' })).toHaveCount(0);
  await expect(fixes.getByRole('link', { name: 'Requests inbox' })).toHaveAttribute('href', '/requests');
  await fixes.getByRole('link', { name: 'Open the request' }).click();
  await expect(page).toHaveURL(new RegExp(`/grants/${grant.id}$`));
});
