/// <reference lib="dom" />
/**
 * Renderer benchmark, in headless Chromium, each figure beside a yardstick measured in the same run:
 *  1. gzip size of the JS + CSS the window loads at first (the virtualizer's lazy chunk apart);
 *  2. navigation to 200 profiles' first screen painted, beside two floors: 200 static divs with the
 *     same text and `content-visibility: auto` (goal: at most 100 ms and at most 2x that floor), and a
 *     page whose only script asks the same stand-in preload for the profiles and paints nothing (what
 *     any window drawn by script pays); the same at 3, 20 and 2,000 profiles, and ICU's first
 *     Intl.DateTimeFormat in a fresh page;
 *  3. 2,000 profiles: the longest task while opening, searching (typed key by key) and scrolling
 *     (goal: none over 50 ms).
 * Each page says when its first screen is painted on the console, so nothing of the harness runs in
 * the page while it loads. Run: npm run bench:renderer (builds first). Prints figures; asserts nothing.
 * `npm run bench:renderer -- --compare DIR` measures another build's dist/renderer (an older commit's,
 * built in a worktree) in the same runs, interleaved, for before/after figures on a noisy machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildApp, launchBrowser, ROOT, serveRenderer } from '../test/support/browser-harness.ts';
import { profilesOf, windowStub } from '../test/support/window-stub.ts';

const PROFILES = 200;
const MANY = 2000;
const COUNTS = [3, 20, PROFILES, MANY];
const RUNS = 15;

const { compare } = parseArgs({ options: { compare: { type: 'string' } } }).values;

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

/** The stand-in preload (answering at once), the long-task counter and the first-screen signal. */
const stub = (count: number) => `${windowStub(profilesOf(count))}
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
    requestAnimationFrame(() => { window.__rendered = performance.now(); console.debug('painted ' + window.__rendered + ' ' + window.__dataAt); });
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });`;

const painted =
  "requestAnimationFrame(() => console.debug('painted ' + performance.now() + ' ' + (window.__dataAt ?? 0)));";

/** The floor: the same text in 200 static divs with content-visibility, painted from navigation. */
function floorPage(sample: string): string {
  const card = `<div style="content-visibility:auto;contain-intrinsic-size:auto 170px;border:1px solid #ccc;margin:12px;padding:12px">${sample}</div>`;
  return `<!doctype html><html><body style="font-family:system-ui">${card.repeat(PROFILES)}
<script src="floor.js"></script></body></html>`;
}

/** The script floor: the window's own head (CSP, stylesheet), one module that asks for the profiles and paints nothing. */
function scriptFloorPage(index: string): string {
  return index.replace(
    /<script type="module"[^>]*><\/script>/,
    '<script type="module" src="./script-floor.js"></script>',
  );
}

const server = await serveRenderer();
const other = compare ? await serveRenderer(resolve(compare)) : undefined;
const browser = await launchBrowser();
const index = readFileSync(join(ROOT, 'dist/renderer/index.html'), 'utf8');
const newPage = () => browser.newPage({ viewport: { width: 880, height: 640 } });
const at = (name: string) => new URL(name, server.url).href;
const ICU_PROBE =
  'const t = performance.now(); new Intl.DateTimeFormat(navigator.language, { dateStyle: "medium", timeStyle: "short" }).format(0); console.debug("painted " + (performance.now() - t) + " 0");';

/** Opens a page and waits for it to say its first screen is painted: when, and when it asked for the data. */
async function paint(url: string, options: { profiles?: number; body?: Record<string, string>; keep?: boolean } = {}) {
  const page = await newPage();
  if (options.profiles !== undefined) await page.addInitScript(stub(options.profiles));
  for (const [name, body] of Object.entries(options.body ?? {})) {
    const contentType = name.endsWith('.html') ? 'text/html' : 'text/javascript';
    await page.route(`**/${name}`, (route) => route.fulfill({ contentType, body }));
  }
  const said = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('painted '), timeout: 60_000 });
  await page.goto(url, { waitUntil: 'commit' });
  const [painted = Number.NaN, dataAt = Number.NaN] = (await said).text().split(' ').slice(1).map(Number);
  if (!options.keep) await page.close();
  return { page, painted, dataAt };
}

// The floor shows the text of the app's first card, read once before measuring.
const first = await paint(server.url, { profiles: PROFILES, keep: true });
const sample = ((await first.page.locator('tt-profile-card').first().textContent()) ?? '').replace(/[<&]/g, ' ');
await first.page.close();

const times = new Map<number, number[]>(COUNTS.map((count) => [count, []]));
const otherTimes = new Map<number, number[]>(COUNTS.map((count) => [count, []]));
const renderTimes: number[] = [];
const floorTimes: number[] = [];
const scriptFloorTimes: number[] = [];
const icuTimes: number[] = [];
for (let run = 0; run < RUNS; run++) {
  for (const count of COUNTS) {
    const app = await paint(server.url, { profiles: count });
    times.get(count)?.push(app.painted);
    if (count === PROFILES) renderTimes.push(app.painted - app.dataAt);
    if (other) otherTimes.get(count)?.push((await paint(other.url, { profiles: count })).painted);
  }
  // Each yardstick is a page of its own, so every figure runs from a navigation.
  floorTimes.push(
    (await paint(at('floor.html'), { body: { 'floor.html': floorPage(sample), 'floor.js': painted } })).painted,
  );
  const scriptFloor = {
    'script-floor.html': scriptFloorPage(index),
    'script-floor.js': `window.tokentray.listProfiles().then(() => { ${painted} });`,
  };
  scriptFloorTimes.push((await paint(at('script-floor.html'), { profiles: PROFILES, body: scriptFloor })).painted);
  icuTimes.push(
    (await paint(at('icu.html'), { body: { 'icu.html': '<script src="icu.js"></script>', 'icu.js': ICU_PROBE } }))
      .painted,
  );
}

// 2,000 profiles: open, search key by key, scroll; the longest task in each.
const { page } = await paint(server.url, { profiles: MANY, keep: true });
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
await other?.close();

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const median = medianOf(times.get(PROFILES) ?? []);
const floor = medianOf(floorTimes);
const scriptFloor = medianOf(scriptFloorTimes);
const task = (name: string) => `${(longest[name] ?? 0).toFixed(0)} ms`;
const ms = (value: number) => `${value.toFixed(0)} ms`;
console.log(`TokenTray renderer benchmark (${new Date().toISOString().slice(0, 10)}), medians of ${RUNS} runs`);
console.log(
  `  JS + CSS at start: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip (target <= 60 KB); loaded for long lists: ${(lazyGzip / 1024).toFixed(1)} KiB gzip`,
);
console.log(
  `  navigation to ${PROFILES} profiles' first screen painted: ${ms(median)} (target <= 100 ms); floor (${PROFILES} static divs, content-visibility): ${ms(floor)}; ratio ${(median / floor).toFixed(2)} (target <= 2)`,
);
console.log(
  `  script floor (the window's head, one module asking for the profiles, nothing drawn): ${ms(scriptFloor)} = ${(scriptFloor / floor).toFixed(2)}x the floor; the window costs ${ms(median - scriptFloor)} more`,
);
console.log(
  `  first screen painted by number of profiles: ${COUNTS.map((count) => `${count}: ${ms(medianOf(times.get(count) ?? []))}`).join(', ')}`,
);
if (compare) {
  const then = medianOf(otherTimes.get(PROFILES) ?? []);
  console.log(
    `  compared build (${compare}): ${PROFILES} profiles ${ms(then)} = ${(then / floor).toFixed(2)}x the floor; by number of profiles: ${COUNTS.map((count) => `${count}: ${ms(medianOf(otherTimes.get(count) ?? []))}`).join(', ')}`,
  );
}
console.log(`  ${PROFILES} profiles received to first screen painted: ${ms(medianOf(renderTimes))}`);
console.log(`  a fresh page's first Intl.DateTimeFormat (ICU's set-up): ${medianOf(icuTimes).toFixed(1)} ms`);
console.log(
  `  ${MANY} profiles, longest task: opening ${task('open')}, searching ${task('search')}, scrolling ${task('scroll')} (target <= 50 ms; 0 = none over 50 ms); ${cardsInDom} cards in the page after scrolling`,
);
