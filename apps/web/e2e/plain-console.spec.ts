// The console speaks to people, not to the schema (issue 11, item 8): settings fields carry human labels
// and help, errors name the field by that label; the dashboard's recent activity names what changed;
// a decision that went through closes its dialog and says so in a toast; the navigation column reaches
// the bottom of a long page.
import { expect, test } from '@playwright/test';

import { signIn } from './support/api.ts';
import { ADMIN } from './support/users.ts';

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
];

test('settings: every field by its human label, with help, and errors that name the field', async ({ page }) => {
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
    await expect(page.locator('form.settings-form label, form.settings-form legend').filter({ hasText: key })).toHaveCount(0);

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
  await expect(maxPods).toHaveAccessibleDescription(/Maximum gateway pods must be at least minimum gateway pods/);
  await expect(ranges).toHaveAccessibleDescription(
    /Pod address ranges, line 2, must be the network address of the range: 10\.245\.0\.0\/16/,
  );
  await expect(page.locator('.field-error').filter({ hasText: /Too small|Invalid input|expected/ })).toHaveCount(0);
  expect(patches).toEqual([]);
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(namespace).toHaveValue('egress-gateways');
});
