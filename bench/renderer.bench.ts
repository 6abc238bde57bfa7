/// <reference lib="dom" />
/**
 * Renderer benchmark: gzip size of the built JS + CSS, and the time from navigation to 200
 * profile cards on screen in headless Chromium. Run: npm run bench:renderer (builds first).
 * Targets: at most 60 KB gzip, at most 100 ms. Prints figures; asserts nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildApp, launchBrowser, ROOT, serveRenderer } from '../test/support/browser-harness.ts';
import { view } from '../test/support/views.ts';

const PROFILES = 200;
const RUNS = 9;

buildApp();
const assets = join(ROOT, 'dist/renderer/assets');
let raw = 0;
let gzip = 0;
for (const name of readdirSync(assets).filter((n) => n.endsWith('.js') || n.endsWith('.css'))) {
  const bytes = readFileSync(join(assets, name));
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
}

const now = Date.now();
const profiles = Array.from({ length: PROFILES }, (_, i) =>
  view({
    id: `p${i}`,
    name: `Profile ${i}`,
    expiresAt: now + (i + 1) * 3_600_000,
    refreshedAt: now - 60_000,
    nextRefreshAt: now + i * 3_000_000,
  }),
);
// A stand-in preload API answering at once, so the figure is the renderer's own work.
const stub = `window.tokentray = {
  listProfiles: async () => { window.__dataAt = performance.now(); return { ok: true, value: ${JSON.stringify(profiles)} }; },
  getSettings: async () => ({ ok: true, value: { clipboardClearSeconds: 60, startAtLogin: false, language: 'en',
    notifications: { refreshFailed: true, expired: true, expiringSoon: true, recovered: true }, defaultRefreshMarginMinutes: 0, allowWeakSecretStorage: false } }),
  getEnvironment: async () => ({ ok: true, value: { platform: 'linux', locale: 'en', version: 'bench', secretProtection: { kind: 'keychain', backend: 'gnome_libsecret' }, storeIssues: [], providers: [] } }),
  updateInfo: async () => ({ ok: true, value: { state: 'idle' } }),
  onProfilesChanged: () => () => {}, onSettingsChanged: () => () => {}, onFocusProfile: () => () => {}, onStoreIssues: () => () => {},
  onUpdateChanged: () => () => {}, onTeamChanged: () => () => {}, onTokenUsed: () => () => {},
};
new MutationObserver((_, observer) => {
  if (document.querySelectorAll('tt-profile-card article').length === ${PROFILES}) {
    requestAnimationFrame(() => { window.__rendered = performance.now(); });
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });`;

const server = await serveRenderer();
const browser = await launchBrowser();
const times: number[] = [];
const renderTimes: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const page = await browser.newPage({ viewport: { width: 880, height: 640 } });
  await page.addInitScript(stub);
  await page.goto(server.url);
  await page.waitForFunction(() => (window as unknown as { __rendered?: number }).__rendered !== undefined);
  const { rendered, dataAt } = await page.evaluate(() => {
    const w = window as unknown as { __rendered: number; __dataAt: number };
    return { rendered: w.__rendered, dataAt: w.__dataAt };
  });
  times.push(rendered);
  renderTimes.push(rendered - dataAt);
  await page.close();
}
await browser.close();
await server.close();

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const median = medianOf(times);
console.log(`TokenTray renderer benchmark (${new Date().toISOString().slice(0, 10)})`);
console.log(`  JS + CSS: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip (target <= 60 KB)`);
console.log(
  `  navigation to ${PROFILES} cards painted: median ${median.toFixed(0)} ms over ${RUNS} runs, min ${Math.min(...times).toFixed(0)} ms (target <= 100 ms)`,
);
console.log(
  `  ${PROFILES} profiles received to cards painted: median ${medianOf(renderTimes).toFixed(0)} ms (the render itself)`,
);
