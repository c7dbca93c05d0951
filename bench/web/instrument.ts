// What runs inside the page: a MutationObserver that notes when the view's data is on screen, and the
// page's own Resource Timing entries for its API calls. Kept as plain JavaScript text (not a function
// handed to Playwright): tsx's transform may add helpers to a function that do not exist in the page.
// No change to the console is needed; the selectors are the ones people and the e2e specs rely on.

export interface Scenario {
  name: 'dashboard' | 'grants' | 'grants-next';
  /** Path + query patterns of the API responses this view's data comes from. */
  relevant: string[];
}

export const INSTRUMENT = `
(() => {
  const text = (el) => (el ? el.textContent.replace(/\\s+/g, ' ').trim() : '');
  const dataRows = () =>
    [...document.querySelectorAll('main table tbody tr')].filter(
      (tr) => !tr.classList.contains('skeleton-row') && tr.querySelector('td a'),
    );
  // A row's identity: where its links go (its text changes as relative times and actions fill in).
  const rowKey = (tr) => [...tr.querySelectorAll('a')].map((a) => a.getAttribute('href')).join(' ');
  const views = {
    // Cards (server aggregates), the 30-day chart and recent activity all on screen.
    dashboard: () => {
      const active = document.querySelector('section[aria-label="Active grants"] .stat-value');
      const chart = document.querySelector('[role="img"][aria-label*="per day"]');
      const activity = document.querySelectorAll('ul.activity li');
      if (!active || !/^\\d+$/.test(text(active)) || !chart || activity.length === 0) return null;
      return 'active ' + text(active) + '; chart "' + chart.getAttribute('aria-label') + '"; ' + activity.length + ' recent events';
    },
    grants: () => {
      const rows = dataRows();
      return rows.length ? rows.length + ' rows, first "' + text(rows[0]).slice(0, 60) + '"' : null;
    },
    // The next page replaced the first (placeholder data keeps the old rows until then).
    'grants-next': () => {
      const rows = dataRows();
      if (!rows.length || rowKey(rows[0]) === bench.baseline) return null;
      return rows.length + ' rows, first "' + text(rows[0]).slice(0, 60) + '"';
    },
  };
  const bench = {
    name: location.pathname === '/' ? 'dashboard' : location.pathname === '/grants' ? 'grants' : null,
    baseline: null,
    rendered: null,
    frame: null,
    shown: null,
    arm(name) {
      const rows = dataRows();
      this.baseline = rows.length ? rowKey(rows[0]) : null;
      Object.assign(this, { name, rendered: null, frame: null, shown: null });
    },
    result() {
      const calls = performance
        .getEntriesByType('resource')
        .filter((e) => new URL(e.name).pathname.startsWith('/api/'))
        .map((e) => {
          const u = new URL(e.name);
          return {
            path: u.pathname + u.search,
            ms: e.responseEnd - e.startTime,
            encoded: e.encodedBodySize,
            decoded: e.decodedBodySize,
            end: e.responseEnd,
          };
        });
      return { frame: this.frame, shown: this.shown, navigationStart: 0, calls };
    },
  };
  window.__bench = bench;
  const check = () => {
    if (!bench.name || bench.rendered !== null) return;
    const shown = views[bench.name]();
    if (shown === null) return;
    bench.rendered = performance.now();
    bench.shown = shown;
    // The frame that paints this DOM.
    requestAnimationFrame(() => {
      bench.frame = performance.now();
    });
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
})();
`;
