/// <reference lib="dom" />
/**
 * Renderer benchmark, in headless Chromium, each figure beside a yardstick measured in the same run:
 *  1. gzip size of the JS + CSS the window loads at first (the virtualizer's lazy chunk apart);
 *  2. navigation to 200 profiles' first screen painted, beside the floor: 200 static divs with the
 *     same text and `content-visibility: auto` (goal: at most 100 ms and at most 2x the floor);
 *  3. 2,000 profiles: the longest task while opening, searching (typed key by key) and scrolling
 *     (goal: none over 50 ms).
 * Run: npm run bench:renderer (builds first). Prints figures; asserts nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { buildApp, launchBrowser, ROOT, serveRenderer } from '../test/support/browser-harness.ts';
import { view } from '../test/support/views.ts';

const PROFILES = 200;
const MANY = 2000;
const RUNS = 9;

buildApp();
const assets = join(ROOT, 'dist/renderer/assets');
let raw = 0;
let gzip = 0;
let lazyGzip = 0;
for (const name of readdirSync(assets).filter((n) => n.endsWith('.js') || n.endsWith('.css'))) {
  const bytes = readFileSync(join(assets, name));
  const size = gzipSync(bytes, { level: 9 }).length;
  // Chunks other than the entry are loaded on demand (the windowed list's virtualizer).
  if (name.startsWith('index-')) {
    raw += bytes.length;
    gzip += size;
  } else lazyGzip += size;
}

const now = Date.now();
const profilesOf = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    view({
      id: `p${i}`,
      name: `Profile ${i}`,
      expiresAt: now + (i + 1) * 3_600_000,
      refreshedAt: now - 60_000,
      nextRefreshAt: now + i * 3_000_000,
    }),
  );

/** A stand-in preload API answering at once, so the figure is the renderer's own work. */
const stub = (count: number) => `window.tokentray = {
  listProfiles: async () => { window.__dataAt = performance.now(); return { ok: true, value: ${JSON.stringify(profilesOf(count))} }; },
  getSettings: async () => ({ ok: true, value: { clipboardClearSeconds: 60, startAtLogin: false, language: 'en',
    notifications: { refreshFailed: true, expired: true, expiringSoon: true, recovered: true }, defaultRefreshMarginMinutes: 0, allowWeakSecretStorage: false } }),
  getEnvironment: async () => ({ ok: true, value: { platform: 'linux', locale: 'en', version: 'bench', secretProtection: { kind: 'keychain', backend: 'gnome_libsecret' }, storeIssues: [], providers: [] } }),
  updateInfo: async () => ({ ok: true, value: { state: 'idle' } }),
  onProfilesChanged: () => () => {}, onSettingsChanged: () => () => {}, onFocusProfile: () => () => {}, onStoreIssues: () => () => {},
  onUpdateChanged: () => () => {}, onTeamChanged: () => () => {}, onTokenUsed: () => () => {},
};
window.__longest = { all: 0 };
window.__phase = 'open';
new PerformanceObserver((list) => {
  for (const task of list.getEntries()) {
    window.__longest[window.__phase] = Math.max(window.__longest[window.__phase] ?? 0, task.duration);
  }
}).observe({ type: 'longtask', buffered: true });
// The first screen is painted when the cards on screen reach the bottom of the window (or all are there).
new MutationObserver((_, observer) => {
  const cards = document.querySelectorAll('tt-profile-card article');
  const last = cards[cards.length - 1];
  if (cards.length === ${count} || (last && last.getBoundingClientRect().bottom >= innerHeight)) {
    requestAnimationFrame(() => { window.__rendered = performance.now(); });
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });`;

/** The floor: the same text in 200 static divs with content-visibility, painted from navigation. */
function floorPage(sample: string): string {
  const card = `<div style="content-visibility:auto;contain-intrinsic-size:auto 170px;border:1px solid #ccc;margin:12px;padding:12px">${sample}</div>`;
  return `<!doctype html><html><body style="font-family:system-ui">${card.repeat(PROFILES)}
<script>requestAnimationFrame(() => { window.__rendered = performance.now(); });</script></body></html>`;
}

const server = await serveRenderer();
const browser = await launchBrowser();
const newPage = () => browser.newPage({ viewport: { width: 880, height: 640 } });
const rendered = (page: Page) =>
  page
    .waitForFunction(() => (window as unknown as { __rendered?: number }).__rendered !== undefined)
    .then(() =>
      page.evaluate(() => {
        const w = window as unknown as { __rendered: number; __dataAt: number };
        return { rendered: w.__rendered, dataAt: w.__dataAt };
      }),
    );

const times: number[] = [];
const renderTimes: number[] = [];
const floorTimes: number[] = [];
let sample = '';
for (let run = 0; run < RUNS; run++) {
  const page = await newPage();
  await page.addInitScript(stub(PROFILES));
  await page.goto(server.url);
  const { rendered: at, dataAt } = await rendered(page);
  times.push(at);
  renderTimes.push(at - dataAt);
  sample ||= (await page.locator('tt-profile-card').first().textContent()) ?? '';
  await page.close();
  const floor = await newPage();
  // Served as a page of its own, so both figures run from a navigation.
  await floor.route('**/floor.html', (route) =>
    route.fulfill({ contentType: 'text/html', body: floorPage(sample.replace(/[<&]/g, ' ')) }),
  );
  await floor.goto(new URL('floor.html', server.url).href);
  floorTimes.push((await rendered(floor)).rendered);
  await floor.close();
}

// 2,000 profiles: open, search key by key, scroll; the longest task in each.
const page = await newPage();
await page.addInitScript(stub(MANY));
await page.goto(server.url);
await rendered(page);
await page.waitForTimeout(1000);
const phase = (name: string) => page.evaluate((n) => ((window as unknown as { __phase: string }).__phase = n), name);
await phase('search');
await page.locator('#search').click();
await page.keyboard.type('Profile 1999', { delay: 30 });
await page.waitForTimeout(500);
await page.keyboard.press('Control+A');
await page.keyboard.press('Backspace');
await page.waitForTimeout(500);
await phase('scroll');
for (let step = 0; step < 40; step++) {
  await page.mouse.wheel(0, 1200);
  await page.waitForTimeout(25);
}
await page.waitForTimeout(500);
const longest = await page.evaluate(() => (window as unknown as { __longest: Record<string, number> }).__longest);
const cardsInDom = await page.locator('tt-profile-card').count();
await page.close();
await browser.close();
await server.close();

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const median = medianOf(times);
const floor = medianOf(floorTimes);
const task = (name: string) => `${(longest[name] ?? 0).toFixed(0)} ms`;
console.log(`TokenTray renderer benchmark (${new Date().toISOString().slice(0, 10)})`);
console.log(
  `  JS + CSS at start: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip (target <= 60 KB); loaded for long lists: ${(lazyGzip / 1024).toFixed(1)} KiB gzip`,
);
console.log(
  `  navigation to ${PROFILES} profiles' first screen painted: median ${median.toFixed(0)} ms over ${RUNS} runs (target <= 100 ms); floor (${PROFILES} static divs, content-visibility): ${floor.toFixed(0)} ms; ratio ${(median / floor).toFixed(2)} (target <= 2)`,
);
console.log(`  ${PROFILES} profiles received to first screen painted: median ${medianOf(renderTimes).toFixed(0)} ms`);
console.log(
  `  ${MANY} profiles, longest task: opening ${task('open')}, searching ${task('search')}, scrolling ${task('scroll')} (target <= 50 ms; 0 = none over 50 ms); ${cardsInDom} cards in the page after scrolling`,
);
