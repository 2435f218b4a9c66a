// Measures /users as a person's browser gets it: bytes of wasm/JS/CSS before the page is
// interactive, time to first contentful paint and to hydration, in headless Chromium with a
// cold cache each time. Prints each run and the medians. Used for the README's table:
//   node perf/first-paint.mjs http://127.0.0.1:3200 admin@roster.test PASSWORD [runs] [path]
import { chromium } from '@playwright/test';

const [base, email, password, runsArg = '10', path = '/p/default/users'] = process.argv.slice(2);
const runs = Number(runsArg);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const context = await browser.newContext();
// Record when the users table is first in the document (as parsed, or swapped in by script),
// when Leptos marks the body hydrated (the app's first effect), and the largest paint.
await context.addInitScript(() => {
  new MutationObserver(() => {
    if (!window.__tableAt && document.querySelector('table.users-table tbody tr')) {
      window.__tableAt = performance.now();
    }
    if (document.body && document.body.dataset.hydrated && !window.__hydratedAt) {
      window.__hydratedAt = performance.now();
    }
  }).observe(document, { attributes: true, childList: true, subtree: true });
  new PerformanceObserver((list) => {
    const last = list.getEntries().at(-1);
    if (last) window.__lcp = last.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
});
const login = await context.newPage();
await login.goto(`${base}/login`);
await login.getByLabel('Email').fill(email);
await login.getByLabel('Password', { exact: true }).fill(password);
await login.getByRole('button', { name: 'Sign in' }).click();
await login.waitForURL((u) => !u.pathname.startsWith('/login'));
await login.close();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const results = [];
for (let i = 0; i < runs; i++) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto(`${base}${path}`, { waitUntil: 'commit' });
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 120_000 });
  const m = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    const assets = performance
      .getEntriesByType('resource')
      .filter((r) => /\/pkg\/.*\.(wasm|js|css)$/.test(new URL(r.name).pathname) && r.startTime < window.__hydratedAt);
    return {
      ttfb: nav.responseStart,
      html: nav.encodedBodySize,
      fcp: fcp ? fcp.startTime : NaN,
      hydrated: window.__hydratedAt,
      table: window.__tableAt ?? NaN,
      lcp: window.__lcp ?? NaN,
      bytes: assets.reduce((s, r) => s + r.encodedBodySize, 0),
      files: assets.length,
    };
  });
  results.push(m);
  console.log(`run ${i + 1}: ttfb ${m.ttfb.toFixed(0)} ms, fcp ${m.fcp.toFixed(0)} ms, table ${m.table.toFixed(0)} ms, lcp ${m.lcp.toFixed(0)} ms, hydrated ${m.hydrated.toFixed(0)} ms, ` +
    `${m.files} assets ${(m.bytes / 1000).toFixed(1)} kB, html ${(m.html / 1000).toFixed(1)} kB`);
  await page.close();
}
const pick = (k) => median(results.map((r) => r[k]));
console.log(`median of ${runs}: ttfb ${pick('ttfb').toFixed(0)} ms, first contentful paint ${pick('fcp').toFixed(0)} ms, ` +
  `table in the document ${pick('table').toFixed(0)} ms, largest contentful paint ${pick('lcp').toFixed(0)} ms, ` +
  `hydrated ${pick('hydrated').toFixed(0)} ms, assets before interactive ${(pick('bytes') / 1000).toFixed(1)} kB (as served), ` +
  `html ${(pick('html') / 1000).toFixed(1)} kB`);
await browser.close();
