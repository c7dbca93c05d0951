// The console speaks to people, not to the schema (issue 11, item 8): settings fields carry human labels
// and help, errors name the field by that label; the dashboard's recent activity names what changed;
// a decision that went through closes its dialog and says so in a toast; the navigation column reaches
// the bottom of a long page.
import { uniqueSuffix } from '@egress/shared/testing';
import { expect, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { ADMIN, APPROVER1, APPROVER2, ENGINEER } from './support/users.ts';

/** Every settings field, by the label a person reads, with a piece of its help line. */
const SETTINGS_FIELDS: [label: string, help: RegExp][] = [
  ['Enforced namespaces', /only those listed, or all except those left open/],
  ['Namespaces to enforce', /One namespace per line/],
  ['Namespaces left open', /One namespace per line/],
  ['Gateway namespace', /Namespace where every egress gateway runs/],
  ['Envoy image', /with a tag and ideally a digest/],
  ['Gateway DNS resolvers', /resolv\.conf/],
  ['Minimum gateway pods', /Whole number, 1 to 100/],
  ['Maximum gateway pods', /at least the minimum/],
  ['Scale-up CPU target (%)', /Percent of the CPU request/],
  ['CPU request per gateway pod', /Kubernetes quantity, e\.g\. 100m/],
  ['Memory request per gateway pod', /Kubernetes quantity, e\.g\. 64Mi/],
  ['CPU limit per gateway pod', /at least the CPU request/],
  ['Memory limit per gateway pod', /at least the memory request/],
  ['Pod address ranges', /One CIDR per line/],
  ['Service address ranges', /ClusterIP range/],
  ['Other internal ranges', /nodes, control plane/],
  ['Cluster DNS domain', /cluster\.local/],
  ['CoreDNS namespace', /usually kube-system/],
  ['DNS rewrite ConfigMap', /ConfigMap CoreDNS imports/],
  ['Label prefix', /labels and annotations/],
  ['Blocked-traffic grouping window (seconds)', /10 to 86400/],
  ['Keep blocked traffic for (days)', /1 to 365/],
  ['Mode of new destinations', /Sensitive destinations always start enforced/],
  ['Keep gateway usage for (days)', /1 to 730/],
  ['Unused grants', /reapprove/],
  ['Unused for (days)', /counted from activation/],
];

test('settings: every field by its human label, with help, and errors that name the field', async ({
  page,
}) => {
  const patches: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH' && new URL(r.url()).pathname === '/api/v1/settings') patches.push(r.url());
  });
  await signIn(page, ADMIN);
  await page.goto('/settings');
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeVisible();

  for (const [label, help] of SETTINGS_FIELDS) {
    const field = page.getByLabel(label, { exact: true });
    await expect(field, label).toBeVisible();
    await expect(field, label).toHaveAccessibleDescription(help);
    await expect(page.locator('.field').filter({ has: field }).locator('.hint')).toBeVisible();
  }
  // The form has exactly these fields, and no raw schema key is shown as a name anywhere on it.
  await expect(page.locator('form.settings-form').locator('input, select, textarea')).toHaveCount(
    SETTINGS_FIELDS.length,
  );
  for (const key of ['gatewayNamespace', 'envoyImage', 'enforcedNamespaces', 'minReplicas', 'podCidrs'])
    await expect(
      page.locator('form.settings-form label, form.settings-form legend').filter({ hasText: key }),
    ).toHaveCount(0);

  // A bad value: the error names the field by its label, in words, on the field; nothing is sent.
  const namespace = page.getByLabel('Gateway namespace', { exact: true });
  await namespace.fill('Egress_Gateways');
  const maxPods = page.getByLabel('Maximum gateway pods', { exact: true });
  await maxPods.fill('1');
  await page.getByLabel('Minimum gateway pods', { exact: true }).fill('3');
  const ranges = page.getByLabel('Pod address ranges', { exact: true });
  await ranges.fill('10.244.0.0/16\n10.245.0.1/16');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(namespace).toHaveAttribute('aria-invalid', 'true');
  await expect(namespace).toHaveAccessibleDescription(
    /Gateway namespace must be a DNS-1123 label: lower-case letters, digits and inner hyphens/,
  );
  await expect(maxPods).toHaveAccessibleDescription(
    /Maximum gateway pods must be at least minimum gateway pods/,
  );
  await expect(ranges).toHaveAccessibleDescription(
    /Pod address ranges, line 2, must be the network address of the range: 10\.245\.0\.0\/16/,
  );
  await expect(
    page.locator('.field-error').filter({ hasText: /Too small|Invalid input|expected/ }),
  ).toHaveCount(0);
  expect(patches).toEqual([]);
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(namespace).toHaveValue('egress-gateways');
});

test('recent activity names the service, destination and grant, and the short id only once deleted', async ({
  page,
  baseURL,
}) => {
  const tag = uniqueSuffix();
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const approver = await apiSession(baseURL ?? '', APPROVER1);
  const host = `api.payments-${tag}.example.com`;
  await approver.factories.destination({ host });
  const service = await engineer.factories.service({ name: `payments-api-${tag}`, namespace: 'payments' });
  await engineer.factories.grant({ service: service.name, destination: host, port: 443 });
  const gone = await engineer.factories.service({ name: `retired-job-${tag}`, namespace: 'payments' });
  await expectOk(await engineer.send('DELETE', `/api/v1/services/${gone.id}`), 204);
  await engineer.dispose();
  await approver.dispose();

  await signIn(page, APPROVER2);
  await page.goto('/');
  const activity = page.getByRole('region', { name: 'Recent activity' });
  const line = (action: string, target: string) =>
    activity.getByRole('listitem').filter({ hasText: action }).filter({ hasText: target });
  await expect(line('service.created', `service payments-api-${tag}`)).toHaveCount(1);
  await expect(
    line('service.created', `service payments-api-${tag}`).getByRole('link', {
      name: `service payments-api-${tag}`,
    }),
  ).toHaveAttribute('href', `/services/${service.id}`);
  await expect(line('destination.created', `destination ${host}`)).toHaveCount(1);
  await expect(line('grant.requested', `grant payments-api-${tag} → ${host}:443`)).toHaveCount(1);
  // The deleted service: its events say so and keep the short id, unlinked (its page is gone).
  await expect(line('service.deleted', `deleted service ${gone.id.slice(0, 8)}`)).toHaveCount(1);
  await expect(
    line('service.created', `deleted service ${gone.id.slice(0, 8)}`).getByRole('link'),
  ).toHaveCount(0);
  // No line names a service, destination or grant by its id while the object still exists.
  await expect(activity.getByText(`service ${service.id.slice(0, 8)}`)).toHaveCount(0);
});

test('a decision that went through closes its dialog and says so in a toast; a refusal stays open', async ({
  page,
  baseURL,
}) => {
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const other = await apiSession(baseURL ?? '', APPROVER2);
  const tag = uniqueSuffix();
  const service = await engineer.factories.service({ name: `payments-api-${tag}`, namespace: 'payments' });
  const [first, second] = [await other.factories.destination(), await other.factories.destination()];
  const approved = await engineer.factories.grant({
    service: service.name,
    destination: first.host,
    port: 443,
  });
  const raced = await engineer.factories.grant({
    service: service.name,
    destination: second.host,
    port: 443,
  });
  await engineer.dispose();
  const target = (g: typeof approved) => `${g.destination ?? 'any host'}:${g.port}`;

  await signIn(page, APPROVER1);
  await page.goto(`/requests`);
  const toasts = page.getByRole('region', { name: 'Notifications' });
  const row = page.getByRole('row').filter({ hasText: target(approved) });
  await row.getByRole('button', { name: /^Approve/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Approve request' });
  await expect(dialog).toContainText(`${service.name} → ${target(approved)}`);
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  // One click: the dialog closes by itself and the toast carries the server's answer.
  await expect(dialog).toBeHidden();
  const toast = toasts
    .getByRole('status')
    .filter({ hasText: `Approved: ${service.name} → ${target(approved)}` });
  await expect(toast).toContainText('The grant is now active.');
  await expect(row).toHaveCount(0);

  // Someone else decides first: the server refuses, the dialog stays open and says so in words.
  await page
    .getByRole('row')
    .filter({ hasText: target(raced) })
    .getByRole('button', { name: /^Approve/ })
    .click();
  await expect(dialog).toBeVisible();
  await expectOk(
    await other.send('POST', `/api/v1/grants/${raced.id}/approve`, { comment: 'Reviewed in the e2e test.' }),
  );
  await other.dispose();
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText(
    'Nothing was changed. Cannot approve a grant that is active.',
  );
  await expect(dialog).toBeVisible();
  await expect(toasts.getByRole('status').filter({ hasText: target(raced) })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(dialog).toBeHidden();
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
]) {
  test(`the navigation column reaches the bottom of a long page at ${viewport.width}×${viewport.height}`, async ({
    page,
  }) => {
    await page.setViewportSize(viewport);
    await signIn(page, ADMIN);
    await page.goto('/settings');
    await expect(page.getByRole('button', { name: 'Save settings' })).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Main' });
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(pageHeight, 'the settings page is longer than two screens').toBeGreaterThan(viewport.height * 2);
    const top = await page.locator('.topbar').boundingBox();

    for (const y of [pageHeight / 2, pageHeight]) {
      await page.evaluate((to) => window.scrollTo(0, to), y);
      // Bounding boxes are relative to the viewport: the column runs from under the top bar to the
      // bottom of the window wherever the page is scrolled, and its last link stays on screen.
      const box = await nav.boundingBox();
      expect(box?.y).toBeCloseTo(top?.height ?? 0, 0);
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeCloseTo(viewport.height, 0);
      await expect(nav.getByRole('link', { name: 'Settings' })).toBeInViewport();
      // What is drawn at the bottom-left corner of the window is the navigation, not the page behind it.
      const bottomLeft = await page.evaluate(
        (h) => document.elementFromPoint(8, h - 2)?.closest('nav') !== null,
        viewport.height,
      );
      expect(bottomLeft).toBe(true);
    }
    const atBottom = await page.evaluate(() => window.scrollY + window.innerHeight);
    expect(atBottom).toBe(pageHeight);
  });
}
