import type { Page } from '@playwright/test';

/** Full-page screenshots of the main pages, kept as artifacts under test-results/screenshots/. */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
