import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { hydrated, signIn } from './helpers';

// The wasm budget: what /users needs before it is interactive (wasm + JS + CSS, brotli) and
// what all the wasm chunks of the app together weigh (issue #13's two limits, as it words
// them; the JS glue and the stylesheet are printed beside the chunks, and the first-page limit
// counts them). The figures print on every run; the test fails past either limit. Sizes are
// those of the precompressed files the server sends (brotli quality 11).
//
// The first-page goal is 200 kB (issue #13). Today's first page is 288.4 kB (synchronous
// hydration only, one JSON reader: vendor/tachys/ROSTER.md, app/src/codec.rs), so this limit is a ratchet just above it: the
// bundle cannot grow while the rest of the cut is made. Lower it with every cut. Raised once, by
// 2 kB, for what #11 put on this very page ("Import users", "Export users", "Export selected" and
// their styles), and by 1 kB for #12's item 5 on the same page (a search left while its rows
// are on the way aborts its request: `futures::future::Abortable`, 288.3 -> 289.1 kB).
const FIRST_PAGE_BUDGET = 290_000;
const ALL_CHUNKS_BUDGET = 600_000;

const pkg = path.resolve(__dirname, '../../target/site/pkg');
const ASSET = /\.(wasm|js|css)$/;

function brotliSize(file: string): number {
  const br = `${file}.br`;
  if (fs.existsSync(br)) return fs.statSync(br).size;
  const raw = fs.readFileSync(file);
  return zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;

test('the first page fits the wasm budget, and so do all chunks together', async ({ page, context }) => {
  await signIn(page);
  // A new page in the same (signed-in) context, with a cold cache. The page's own resource
  // timings say what it asked for before Leptos marked it hydrated; chunks fetched after that
  // (the dialogs, preloaded once the page is interactive) do not count.
  const fresh = await context.newPage();
  const cdp = await context.newCDPSession(fresh);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await fresh.addInitScript(() => {
    new MutationObserver(() => {
      const w = window as unknown as { __hydratedAt?: number };
      if (!w.__hydratedAt && document.body?.dataset.hydrated) w.__hydratedAt = performance.now();
    }).observe(document, { attributes: true, subtree: true });
  });
  const served = new Map<string, string | undefined>();
  fresh.on('response', (res) => {
    const url = new URL(res.url());
    if (url.pathname.startsWith('/pkg/')) served.set(path.basename(url.pathname), res.headers()['content-encoding']);
  });
  await fresh.goto('/p/default/users');
  await hydrated(fresh);
  await expect(fresh.locator('table.users-table tbody tr').first()).toBeVisible();
  const names: string[] = await fresh.evaluate(() => {
    const at = (window as unknown as { __hydratedAt: number }).__hydratedAt;
    return performance
      .getEntriesByType('resource')
      .filter((r) => r.startTime <= at)
      .map((r) => new URL(r.name).pathname)
      .filter((p) => p.startsWith('/pkg/'))
      .map((p) => p.split('/').pop()!);
  });
  const fetched = new Map(names.filter((n) => ASSET.test(n)).map((n) => [n, served.get(n)]));

  const first = [...fetched.keys()].sort().map((name) => ({
    name,
    raw: fs.statSync(path.join(pkg, name)).size,
    brotli: brotliSize(path.join(pkg, name)),
    served: fetched.get(name),
  }));
  const all = fs
    .readdirSync(pkg)
    .filter((f) => ASSET.test(f))
    .map((name) => ({ name, raw: fs.statSync(path.join(pkg, name)).size, brotli: brotliSize(path.join(pkg, name)) }));
  const sum = (xs: { brotli: number }[]) => xs.reduce((s, x) => s + x.brotli, 0);
  const firstTotal = sum(first);
  const chunks = all.filter((f) => f.name.endsWith('.wasm'));
  const allTotal = sum(chunks);
  const rest = sum(all) - allTotal;

  console.log('wasm budget: /users before interactive');
  for (const f of first) console.log(`  ${f.name.padEnd(48)} ${kb(f.raw).padStart(10)} raw ${kb(f.brotli).padStart(10)} brotli (served ${f.served ?? 'identity'})`);
  console.log(`  total ${kb(firstTotal)} brotli of ${kb(FIRST_PAGE_BUDGET)} allowed`);
  console.log(`wasm budget: all ${chunks.length} wasm chunks ${kb(allTotal)} brotli of ${kb(ALL_CHUNKS_BUDGET)} allowed (and ${kb(rest)} of JS and CSS)`);

  // The page needs its wasm, its JS and its stylesheet, each sent precompressed with brotli.
  expect(first.some((f) => f.name.endsWith('.wasm'))).toBeTruthy();
  expect(first.some((f) => f.name.endsWith('.css'))).toBeTruthy();
  for (const f of first) expect(f.served, f.name).toBe('br');
  expect(firstTotal).toBeLessThanOrEqual(FIRST_PAGE_BUDGET);
  expect(allTotal).toBeLessThanOrEqual(ALL_CHUNKS_BUDGET);
});
