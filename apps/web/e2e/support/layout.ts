import type { Page } from '@playwright/test';

/**
 * What scrolls sideways: the page, or any box inside the main area except code blocks (a <pre> keeps
 * its lines by design). Empty when the layout fits (the console's rule: no horizontal scroll at 1024 wide).
 */
export function sidewaysScroll(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push(`page: ${root.scrollWidth} > ${root.clientWidth}`);
    for (const el of document.querySelectorAll('main *:not(pre)')) {
      const overflow = getComputedStyle(el).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1)
        out.push(`${el.tagName.toLowerCase()}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  });
}
