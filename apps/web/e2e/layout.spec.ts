// The console works at 1280×800 and stays usable at 1024 wide, with no horizontal scroll on the main lists.
// Each main page, with rows holding long names, at both sizes: the page never scrolls sideways, no
// list scrolls sideways inside it, and the page's primary action is on screen.
import { uniqueSuffix } from '@egress/shared/testing';
import { expect, type Page, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { sidewaysScroll } from './support/layout.ts';
import { snap } from './support/screenshots.ts';
import { APPROVER1, APPROVER2, ENGINEER } from './support/users.ts';

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
] as const;

interface MainPage {
  path: string;
  heading: string | RegExp;
  /** The control a person comes to this page for (an approver's view). */
  action: (page: Page) => ReturnType<Page['getByRole']>;
}

const PAGES: MainPage[] = [
  { path: '/', heading: 'Dashboard', action: (p) => p.getByRole('link', { name: 'Request access' }) },
  {
    path: '/requests',
    heading: /Requests|Inbox/,
    action: (p) => p.getByRole('button', { name: /^Approve/ }).first(),
  },
  { path: '/grants', heading: 'Grants', action: (p) => p.getByRole('button', { name: /^Revoke/ }).first() },
  {
    path: '/services',
    heading: 'Services',
    action: (p) => p.getByRole('button', { name: 'Register service' }),
  },
  {
    path: '/destinations',
    heading: 'Destinations',
    action: (p) => p.getByRole('button', { name: 'Add destination' }),
  },
  { path: '/audit', heading: 'Audit log', action: (p) => p.getByRole('link', { name: 'Export CSV' }) },
  { path: '/reconcile', heading: 'Reconcile', action: (p) => p.getByRole('button', { name: 'Run now' }) },
];

test.beforeAll(async ({ baseURL }) => {
  // Long names in every list, a pending request (inbox actions) and an active grant (revoke).
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const approver = await apiSession(baseURL ?? '', APPROVER1);
  const second = await apiSession(baseURL ?? '', APPROVER2);
  // Unique per run of this hook: Playwright runs it again in a new worker after a failed test.
  const tag = uniqueSuffix();
  const host = `api.eu-central-1.payments-settlement-provider-${tag}.example.com`;
  await approver.factories.destination({
    host,
    ports: [443, 8443, 9443, 10443].map((port) => ({ port, protocol: 'TCP' as const })),
    description: 'Layout spec: a destination with a long name and several ports.',
  });
  const service = await engineer.factories.service({
    name: `service.payments-reconciliation-nightly-batch-exporter-${tag}`,
    namespace: 'payments-settlement-batch',
    selector: { matchLabels: { app: 'payments-reconciliation-nightly-batch-exporter', tier: 'batch' } },
  });
  const justification =
    'The nightly settlement export uploads the reconciliation files to the provider over HTTPS; ' +
    'without it the finance team reconciles by hand the next morning.';
  await engineer.factories.grant({ service: service.name, destination: host, port: 8443, justification });
  const active = await engineer.factories.grant({
    service: service.name,
    destination: host,
    port: 443,
    justification,
  });
  await expectOk(
    await approver.send('POST', `/api/v1/grants/${active.id}/approve`, {
      comment: 'Reviewed in the e2e test.',
    }),
  );
  for (const s of [engineer, approver, second]) await s.dispose();
});

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    test('the main lists fit the width and keep their primary action on screen', async ({ page }) => {
      await signIn(page, APPROVER2);
      const problems: string[] = [];
      for (const p of PAGES) {
        await page.goto(p.path);
        await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
        await expect(p.action(page)).toBeInViewport();
        await page.waitForLoadState('networkidle');
        await expect(page.locator('.skeleton')).toHaveCount(0);
        for (const s of await sidewaysScroll(page)) problems.push(`${p.path}: ${s}`);
        await snap(page, `30-layout-${viewport.width}${p.path.replaceAll('/', '-')}`);
      }
      expect(problems).toEqual([]);
    });
  });
}
