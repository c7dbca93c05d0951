// The console's finish (issue 18, item 8), as a person notices it: at 1024 px every table keeps its
// buttons on screen and host names wrap only after a dot; the graph has a sortable table of the same
// access and marks sensitive edges by more than colour, with a drawn padlock; filters apply while one
// types; errors say what to do; the tab shows a favicon and the page's name.
import { uniqueSuffix } from '@egress/shared/testing';
import { expect, type Page, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { ADMIN, APPROVER1, APPROVER2, ENGINEER, GITHUB } from './support/users.ts';

let tag: string;
let host: string;
let serviceName: string;

test.beforeAll(async ({ baseURL }) => {
  tag = uniqueSuffix();
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const approver = await apiSession(baseURL ?? '', APPROVER1);
  const second = await apiSession(baseURL ?? '', APPROVER2);
  host = `api.eu-central-1.payments-settlement-reconciliation-${tag}.example.com`;
  await approver.factories.destination({
    host,
    ports: [443, 8443].map((port) => ({ port, protocol: 'TCP' as const })),
  });
  serviceName = `service.details-nightly-settlement-exporter-${tag}`;
  await engineer.factories.service({
    name: serviceName,
    namespace: 'details',
    selector: { matchLabels: { app: `details-${tag}` } },
  });
  const justification = 'The nightly settlement export uploads files to the provider over HTTPS.';
  const active = await engineer.factories.grant({
    service: serviceName,
    destination: host,
    port: 443,
    justification,
  });
  await expectOk(await approver.send('POST', `/api/v1/grants/${active.id}/approve`, { comment: 'Checked.' }));
  await engineer.factories.grant({ service: serviceName, destination: host, port: 8443, justification });
  const sensitive = await engineer.factories.grant({
    service: serviceName,
    destination: GITHUB.host,
    port: GITHUB.port,
    justification,
  });
  await expectOk(
    await approver.send('POST', `/api/v1/grants/${sensitive.id}/approve`, { comment: 'Checked.' }),
  );
  await expectOk(
    await second.send('POST', `/api/v1/grants/${sensitive.id}/approve`, { comment: 'Checked.' }),
  );
  for (const s of [engineer, approver, second]) await s.dispose();
});

/** Buttons and button-like links in tables that stick out of their table or of the window. */
function clippedActions(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const width = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll<HTMLElement>('main table button, main table a.btn')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0) continue;
      const wrap = (el.closest('.table-wrap') ?? el.closest('table'))?.getBoundingClientRect();
      const name = `${el.textContent.trim()} (${Math.round(box.left)}–${Math.round(box.right)})`;
      if (box.right > width + 0.5) out.push(`${name} past the window (${width})`);
      else if (wrap && box.right > wrap.right + 0.5)
        out.push(`${name} past its table (${Math.round(wrap.right)})`);
    }
    return out;
  });
}

/**
 * Host names broken inside a word: every place a `.host` wraps to the next line must come right after
 * a "." or a "-". Measured per character (a Range's box), the way the text is really laid out.
 */
function hostsBrokenMidWord(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const host of document.querySelectorAll<HTMLElement>('main .host')) {
      const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
      const chars: { ch: string; top: number }[] = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (let i = 0; i < text.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          chars.push({ ch: text[i] ?? '', top: Math.round(range.getBoundingClientRect().top) });
        }
      }
      for (let i = 1; i < chars.length; i++) {
        const prev = chars[i - 1];
        const here = chars[i];
        if (prev && here && here.top > prev.top && !'.-'.includes(prev.ch))
          out.push(
            `${host.textContent} breaks after "${chars
              .slice(0, i)
              .map((c) => c.ch)
              .join('')}"`,
          );
      }
    }
    return out;
  });
}

/** How many `.host` names containing `text` take more than one line. */
function wrappedHosts(page: Page, text: string): Promise<number> {
  return page
    .locator('main .host')
    .filter({ hasText: text })
    .evaluateAll(
      (els) =>
        els.filter((el) => new Set([...el.getClientRects()].map((r) => Math.round(r.top))).size > 1).length,
    );
}

test.describe('at 1024×768', () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  test('no table clips its buttons, and host names wrap only after a dot or hyphen', async ({ page }) => {
    await signIn(page, APPROVER2);
    const problems: string[] = [];
    let wrapped = 0;
    for (const path of [
      '/requests',
      `/grants?state=all&service=${serviceName}`,
      '/destinations',
      '/services',
      '/graph?view=table',
      '/tokens',
    ]) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await page.waitForLoadState('networkidle');
      await expect(page.locator('.skeleton')).toHaveCount(0);
      for (const p of await clippedActions(page)) problems.push(`${path}: ${p}`);
      for (const p of await hostsBrokenMidWord(page)) problems.push(`${path}: ${p}`);
      // The long host does wrap somewhere, so the check above looked at real line breaks.
      wrapped += await wrappedHosts(page, tag);
    }
    expect(problems).toEqual([]);
    expect(wrapped).toBeGreaterThan(0);
    // The approver's inbox buttons are really there to press.
    await page.goto('/requests');
    await expect(page.getByRole('button', { name: `Approve ${serviceName} → ` }).first()).toBeInViewport();
  });
});

test('graph: a sortable table of the same access; sensitive edges dash-dotted and labelled; a drawn padlock', async ({
  page,
}) => {
  await signIn(page, ENGINEER);
  await page.goto(`/graph?namespace=details`);
  const canvas = page.getByRole('group', { name: /^Access graph/ });
  await expect(canvas).toBeVisible();
  // Sensitive: red, and also a dash pattern and the word, so it survives greyscale and colour blindness.
  const sensitiveEdge = canvas.locator('.edge-sensitive path').first();
  await expect(sensitiveEdge).toHaveCSS('stroke-dasharray', /\d/);
  await expect(canvas.locator('.edge-sensitive .edge-label').first()).toContainText('sensitive');
  await expect(canvas.locator('.edge:not(.edge-sensitive):not(.edge-wide) path').first()).toHaveCSS(
    'stroke-dasharray',
    'none',
  );
  // The padlock is a drawn path, not an emoji a machine without emoji fonts shows as a box.
  await expect(canvas.locator('.node-sensitive .node-lock')).toHaveCount(1);
  expect(await canvas.textContent()).not.toMatch(/\p{Extended_Pictographic}/u);

  await page.getByRole('radio', { name: 'Table' }).check();
  await expect(page).toHaveURL(/view=table/);
  const table = page.getByRole('table', { name: /^Access graph as a table/ });
  // This spec's service (a failed test re-runs beforeAll in a new worker, with a new service).
  const rows = table.locator('tbody tr').filter({ hasText: serviceName });
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: GITHUB.host })).toContainText('sensitive');
  await expect(rows.filter({ hasText: host })).toContainText('443');
  const destinations = () => rows.locator('td:nth-child(3)').allTextContents();
  await table.getByRole('button', { name: /^Destination/ }).click();
  await expect(table.getByRole('columnheader', { name: /^Destination/ })).toHaveAttribute(
    'aria-sort',
    'ascending',
  );
  const ascending = await destinations();
  await table.getByRole('button', { name: /^Destination/ }).click();
  await expect(table.getByRole('columnheader', { name: /^Destination/ })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  expect(await destinations()).toEqual([...ascending].reverse());
  expect(ascending).toEqual([...ascending].sort());
});

test('filters apply while one types, into the URL, without pressing Enter', async ({ page }) => {
  await signIn(page, ENGINEER);
  await page.goto('/services');
  const table = page.getByRole('table').first();
  await expect(table.locator('tbody tr').first()).toBeVisible();
  await page.getByLabel('Name contains').pressSequentially(`exporter-${tag}`, { delay: 20 });
  await expect(page).toHaveURL(new RegExp(`q=exporter-${tag}`));
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table.locator('tbody tr')).toContainText(serviceName);
});

test('a decision left without its reason says what to write, not what the schema wants', async ({ page }) => {
  await signIn(page, APPROVER1);
  await page.goto('/requests');
  await page
    .getByRole('button', { name: `Reject ${serviceName} → ` })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: 'Reject request' });
  await dialog.getByRole('button', { name: 'Reject' }).click();
  const reason = dialog.getByLabel('Reason');
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(reason).toHaveAccessibleDescription('Tell the requester why; they will see this.');
  await expect(dialog).not.toContainText('must be');
  await expect(dialog).not.toContainText('character');
});

test('the tab shows a favicon and names the page', async ({ page, request }) => {
  await signIn(page, ADMIN);
  await page.goto('/settings');
  await expect(page).toHaveTitle('Settings · Egress Control');
  await page.goto(`/destinations?q=${tag}`);
  await expect(page).toHaveTitle('Destinations · Egress Control');
  await page.goto('/no-such-page');
  await expect(page).toHaveTitle('Page not found · Egress Control');
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toBe('/favicon.svg');
  const icon = await request.get(href ?? '');
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  expect(await icon.text()).toContain('<svg');
});
