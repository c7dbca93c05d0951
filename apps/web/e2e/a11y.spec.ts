// Accessibility on every page (issue 18, item 8): axe-core checks each console page with a seeded data
// set that fills its tables, and the dialogs people decide in (the request form with its errors, approve,
// reject). Zero critical and zero serious WCAG 2.2 A/AA violations; a failure prints each violation with
// the elements it found.
//
// Each page is checked once, as the admin: the console hides what a role may not do (can() over the
// role table) and the admin holds every permission, so the admin's page has every control, column and
// section the lesser roles' pages have, in the same markup. A case adds a role only where that role
// gets something the admin does not: its own data, a note or a disabled control, another layout.
//
// The pages come from the router: src/routes/titles.ts has a title for every route (the typecheck fails
// for a route without one), and the first test fails for a page that has no case below. A new page is
// therefore one entry in CASES: its route id, the permission that opens it, and where it lives.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AxeBuilder } from '@axe-core/playwright';
import {
  can,
  type CreatedToken,
  type Destination,
  type Grant,
  type Permission,
  type Service,
  type Webhook,
} from '@egress/shared';
import { uniqueSuffix } from '@egress/shared/testing';
import { expect, type Page, test } from '@playwright/test';

import { PAGE_TITLES, type PageId, pathOf } from '../src/routes/titles.ts';
import { type ApiSession, apiSession, expectOk, signInOnce } from './support/api.ts';
import { ingestToken, postFlows } from './support/flows.ts';
import { ADMIN, APPROVER1, APPROVER2, type E2eUser, ENGINEER, GITHUB, VIEWER } from './support/users.ts';

/** The WCAG 2.2 A/AA rules (axe tags), plus the one that catches a link named unlike its text. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const EXTRA_RULES = ['label-content-name-mismatch'];

/** What the seed made, for the pages that show one record. */
interface Seed {
  tag: string;
  grant: Grant;
  pending: Grant;
  service: Service;
  destination: Destination;
  webhook: Webhook;
}

interface A11yCase {
  /** The route (a key of PAGE_TITLES). */
  id: PageId;
  /** A name for the variant when one route has several (a tab, a dialog). */
  variant?: string;
  /** What opens it (`null`: signed out); every role in `roles` must hold it (checked below). */
  permission: Permission | null;
  /** The address, when it is not the route's own path (a detail page's id, a tab). */
  path?: (seed: Seed) => string;
  /** Brings the page into the state to check (opens a dialog, submits an empty form). */
  setup?: (page: Page, seed: Seed, user: E2eUser) => Promise<void>;
  /**
   * Who it is checked as. Default: the admin, who holds every permission and so sees every control,
   * column and section the page has (the other roles see a subset of the same markup). A case names
   * another role only where the page renders something the admin does not see: that role's own data
   * (my requests, my access), or a note, a disabled control or a layout that only a lesser role gets.
   */
  roles?: E2eUser[];
}

const CASES: A11yCase[] = [
  { id: '/sign-in', permission: null },
  // An engineer's dashboard is laid out differently: "my requests" first.
  { id: '/_app/', permission: 'grants.read', roles: [ADMIN, ENGINEER] },
  { id: '/_app/requests', permission: 'grants.read' },
  {
    id: '/_app/requests',
    variant: 'my requests',
    permission: 'grants.request',
    // The engineer's own requests (a Cancel action on the pending ones); the admin has filed none, so
    // the tab's empty state. (/requests opens on this tab for an engineer.)
    roles: [ENGINEER, ADMIN],
    path: () => '/requests?view=mine',
  },
  {
    id: '/_app/requests',
    variant: 'approve dialog',
    permission: 'grants.decide',
    setup: async (page, seed) => {
      await page
        .getByRole('button', { name: `Approve ${seed.pending.service} → ` })
        .first()
        .click();
      await expect(page.getByRole('dialog', { name: 'Approve request' })).toBeVisible();
    },
  },
  {
    id: '/_app/requests',
    variant: 'reject dialog with an error',
    permission: 'grants.decide',
    setup: async (page, seed) => {
      await page
        .getByRole('button', { name: `Reject ${seed.pending.service} → ` })
        .first()
        .click();
      const dialog = page.getByRole('dialog', { name: 'Reject request' });
      await dialog.getByRole('button', { name: 'Reject' }).click();
      await expect(dialog.locator('.field-error')).toBeVisible();
    },
  },
  { id: '/_app/requests/new', permission: 'grants.request' },
  // The engineer's own grants (renew, request again); the admin's page is the empty state.
  { id: '/_app/my-access', permission: 'grants.request', roles: [ENGINEER, ADMIN] },
  {
    id: '/_app/requests/new',
    variant: 'form errors',
    permission: 'grants.request',
    roles: [ENGINEER],
    setup: async (page) => {
      await page.getByRole('button', { name: 'Send request' }).click();
      await expect(page.locator('.field-error').first()).toBeVisible();
    },
  },
  {
    id: '/_app/requests/new',
    variant: 'prefilled',
    permission: 'grants.request',
    roles: [ENGINEER],
    path: (s) => `/requests/new?service=${s.service.name}&destination=${s.destination.host}&port=8443`,
  },
  { id: '/_app/grants', permission: 'grants.read', path: () => '/grants?state=all' },
  {
    id: '/_app/grants',
    variant: 'revoke dialog',
    permission: 'grants.decide',
    roles: [APPROVER1],
    setup: async (page) => {
      await page
        .getByRole('button', { name: /^Revoke / })
        .first()
        .click();
      await expect(page.getByRole('dialog', { name: 'Revoke grant' })).toBeVisible();
    },
  },
  { id: '/_app/grants/$grantId', permission: 'grants.read', path: (s) => `/grants/${s.grant.id}` },
  {
    id: '/_app/grants/$grantId',
    variant: 'pending',
    permission: 'grants.read',
    roles: [APPROVER1],
    path: (s) => `/grants/${s.pending.id}`,
  },
  { id: '/_app/services', permission: 'services.read' },
  {
    id: '/_app/services',
    variant: 'register dialog',
    permission: 'services.write',
    roles: [ENGINEER],
    setup: async (page) => {
      await page.getByRole('button', { name: 'Register service' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
    },
  },
  {
    id: '/_app/services/$serviceId',
    permission: 'services.read',
    // The service holds an active grant: the engineer's Delete is disabled, with a note saying who may.
    roles: [ADMIN, ENGINEER],
    path: (s) => `/services/${s.service.id}`,
  },
  { id: '/_app/destinations', permission: 'destinations.read' },
  {
    id: '/_app/destinations',
    variant: 'add dialog',
    permission: 'destinations.write',
    roles: [APPROVER1],
    setup: async (page) => {
      await page.getByRole('button', { name: 'Add destination' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
    },
  },
  {
    id: '/_app/destinations/$destinationId',
    permission: 'destinations.read',
    path: (s) => `/destinations/${s.destination.id}`,
  },
  { id: '/_app/graph', permission: 'grants.read' },
  {
    id: '/_app/graph',
    variant: 'as a table',
    permission: 'grants.read',
    roles: [VIEWER],
    setup: async (page) => {
      await page.getByRole('radio', { name: 'Table' }).check();
      await expect(page.getByRole('table', { name: /^Access graph as a table/ })).toBeVisible();
    },
  },
  { id: '/_app/blocked', permission: 'blocked.read' },
  { id: '/_app/discovery', permission: 'discovery.read' },
  {
    id: '/_app/blocked',
    variant: 'alerts tab',
    permission: 'alerts.read',
    // Acknowledge buttons for the admin; for the engineer a note on who acknowledges instead.
    roles: [ADMIN, ENGINEER],
    path: () => '/blocked?tab=alerts&alerts=all',
  },
  {
    id: '/_app/blocked',
    variant: 'rules tab',
    permission: 'alertRules.read',
    path: () => '/blocked?tab=rules',
  },
  {
    id: '/_app/reach',
    permission: 'explain.read',
    path: (s) => `/reach?service=${s.service.name}&host=${s.destination.host}&port=443`,
  },
  { id: '/_app/audit', permission: 'audit.read' },
  { id: '/_app/reconcile', permission: 'reconcile.read' },
  { id: '/_app/coverage', permission: 'coverage.read' },
  { id: '/_app/users', permission: 'users.read' },
  { id: '/_app/tokens', permission: 'tokens.manage' },
  { id: '/_app/webhooks', permission: 'webhooks.read' },
  {
    id: '/_app/webhooks/$webhookId',
    permission: 'webhooks.read',
    path: (s) => `/webhooks/${s.webhook.id}`,
  },
  { id: '/_app/settings', permission: 'settings.read' },
];

let seed: Seed;

/** A fleet small enough to seed fast and varied enough to fill every table and badge. */
async function seedFleet(baseURL: string): Promise<Seed> {
  const tag = uniqueSuffix();
  const admin = await apiSession(baseURL, ADMIN);
  const engineer = await apiSession(baseURL, ENGINEER);
  const approver = await apiSession(baseURL, APPROVER1);
  const second = await apiSession(baseURL, APPROVER2);
  const sessions: ApiSession[] = [admin, engineer, approver, second];
  try {
    const destination = await approver.factories.destination({
      host: `api.eu-central-1.payments-settlement-${tag}.example.com`,
      ports: [443, 8443].map((port) => ({ port, protocol: 'TCP' as const })),
      description: 'Settlement files for the payments team.',
    });
    const other = await approver.factories.destination({ host: `hooks-${tag}.example.org` });
    const service = await engineer.factories.service({
      name: `service.settlement-exporter-${tag}`,
      namespace: 'payments',
      selector: { matchLabels: { app: `settlement-${tag}`, tier: 'batch' } },
      team: 'payments',
    });
    const ci = await engineer.factories.service({
      name: `service.ci-runner-${tag}`,
      namespace: 'ci',
      selector: { matchLabels: { app: `runner-${tag}` } },
    });
    const justification = 'The nightly settlement export uploads files to the provider over HTTPS.';
    const grantOf = (s: Service, host: string | null, port: number) =>
      engineer.factories.grant({ service: s.name, destination: host, port, justification });
    const decide = async (g: Grant, as: ApiSession, verb: string, body: unknown = {}) =>
      expectOk(await as.send('POST', `/api/v1/grants/${g.id}/${verb}`, body));

    // Active (one approval, and a sensitive one with two), pending, port-wide pending, rejected,
    // revoked, cancelled.
    const grant = await grantOf(service, destination.host, 443);
    await decide(grant, approver, 'approve', { comment: 'Matches the settlement runbook.' });
    const sensitive = await grantOf(ci, GITHUB.host, GITHUB.port);
    await decide(sensitive, approver, 'approve', { comment: 'Checked with the CI owners.' });
    await decide(sensitive, second, 'approve', { comment: 'Second look: fine.' });
    const pending = await grantOf(service, destination.host, 8443);
    await grantOf(ci, null, 22);
    await decide(await grantOf(ci, other.host, 443), approver, 'reject', { reason: 'Use the proxy.' });
    const revoked = await grantOf(service, other.host, 443);
    await decide(revoked, approver, 'approve');
    await decide(revoked, approver, 'revoke', { reason: 'No longer needed.' });
    await decide(await grantOf(ci, destination.host, 8443), engineer, 'cancel');

    // Denied flows (blocked egress, an alert), an alert rule, a webhook, a token.
    await expectOk(
      await approver.send('POST', '/api/v1/alert-rules', {
        name: `a11y-${tag}`,
        service: service.name,
        threshold: 1,
        windowSeconds: 3600,
      }),
      201,
    );
    const collector = await ingestToken(admin, `a11y-collector-${tag}`);
    const now = new Date().toISOString();
    await postFlows(
      baseURL,
      collector,
      [`unknown-${tag}.example.net`, other.host].map((destName, i) => ({
        time: now,
        sourceNamespace: 'payments',
        sourceLabels: { app: `settlement-${tag}`, tier: 'batch' },
        sourcePod: `settlement-${tag}-7f9c5d-x2k4q`,
        destIP: `203.0.113.${10 + i}`,
        destPort: 443,
        protocol: 'TCP',
        destName,
        count: 3,
      })),
    );
    const webhook = (await expectOk(
      await admin.send('POST', '/api/v1/webhooks', {
        name: `a11y-${tag}`,
        url: 'http://127.0.0.1:9/a11y',
        events: ['grant.approved'],
      }),
      201,
    )) as Webhook;
    (await expectOk(
      await engineer.send('POST', '/api/v1/tokens', { name: `a11y-pipeline-${tag}` }),
      201,
    )) as CreatedToken;
    return { tag, grant, pending, service, destination, webhook };
  } finally {
    for (const s of sessions) await s.dispose();
  }
}

/** Waits until the page shows data: its heading, no skeleton, nothing loading. */
async function settled(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.waitForLoadState('networkidle');
  await expect(page.locator('[aria-busy="true"], .skeleton')).toHaveCount(0);
}

type Violations = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'];

/** One line per violation and one per element, so a failure reads without opening the report. */
function describeViolations(violations: Violations): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => `    - ${n.target.join(' ')}\n      ${n.failureSummary?.replaceAll('\n', '\n      ')}`)
        .join('\n');
      const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : '';
      return `[${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} elements)\n  ${v.helpUrl}\n${nodes}${more}`;
    })
    .join('\n');
}

const rolesFor = (c: A11yCase): (E2eUser | null)[] => (c.permission === null ? [null] : (c.roles ?? [ADMIN]));

test.describe.configure({ timeout: 90_000 });
// A failing case restarts the worker and its beforeAll: the fleet is seeded once per run (one server,
// one E2E_PORT) and read back from this file afterwards, so every case sees the same data.
const SEED_FILE = join(tmpdir(), `egress-a11y-seed-${process.env.E2E_PORT ?? 'local'}-${process.ppid}.json`);
// A trace per failing case is most of a case's time here; the printed violations say what failed.
test.use({ trace: 'off' });

test('every page of the router has an accessibility case', () => {
  const covered = new Set(CASES.map((c) => c.id));
  const missing = (Object.keys(PAGE_TITLES) as PageId[]).filter((id) => !covered.has(id));
  expect(missing, 'pages without a case in CASES of e2e/a11y.spec.ts').toEqual([]);
});

test('every case is checked as roles that may open its page', () => {
  const wrong = CASES.flatMap((c) =>
    (c.roles ?? [])
      .filter((u) => c.permission === null || !can(u.role, c.permission))
      .map((u) => `${pathOf(c.id)}${c.variant ? ` (${c.variant})` : ''} as ${u.role}`),
  );
  expect(wrong, 'roles in CASES that lack the case permission').toEqual([]);
});

test.describe('axe-core, WCAG 2.2 A/AA', () => {
  test.beforeAll(async ({ baseURL }) => {
    if (existsSync(SEED_FILE)) {
      seed = JSON.parse(readFileSync(SEED_FILE, 'utf8')) as Seed;
      return;
    }
    seed = await seedFleet(baseURL ?? '');
    writeFileSync(SEED_FILE, JSON.stringify(seed));
  });

  for (const c of CASES) {
    for (const user of rolesFor(c)) {
      const name = `${pathOf(c.id)}${c.variant ? ` (${c.variant})` : ''} as ${user?.role ?? 'signed out'}`;
      test(name, async ({ page }) => {
        if (user) await signInOnce(page, user);
        await page.goto(c.path ? c.path(seed) : pathOf(c.id));
        await settled(page);
        await expect(page).toHaveTitle(`${PAGE_TITLES[c.id]} · Egress Control`);
        if (c.setup) {
          await c.setup(page, seed, user ?? ADMIN);
          await page.waitForLoadState('networkidle');
        }
        const results = await new AxeBuilder({ page })
          .withTags(TAGS)
          .options({ rules: Object.fromEntries(EXTRA_RULES.map((r) => [r, { enabled: true }])) })
          .analyze();
        const bad = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
        const count = (impact: string) =>
          bad.filter((v) => v.impact === impact).reduce((n, v) => n + v.nodes.length, 0);
        // One line per case, so a run shows the whole picture (also when it passes).
        console.log(`a11y ${name}: ${count('critical')} critical, ${count('serious')} serious`);
        if (bad.length > 0) console.log(describeViolations(bad));
        expect(
          bad.map((v) => `${v.impact} ${v.id} (${v.nodes.length})`),
          `axe violations on ${name}:\n${describeViolations(bad)}`,
        ).toEqual([]);
      });
    }
  }
});
