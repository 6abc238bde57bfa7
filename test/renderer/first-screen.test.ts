/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { useChromium } from '../support/browser-harness.ts';
import { profilesOf, windowStub } from '../support/window-stub.ts';

/**
 * How the built window opens: the first frame draws the top bar, the toolbar and a screenful of
 * cards and nothing else (no empty shell, no "Loading…" before answers that come at once); the rest
 * of the cards and the dialogs come right after it, and nothing asked for in between is lost. The
 * stand-in preload answers at once, so what the page does first is the window's own choice.
 */
const chromium = useChromium();

/**
 * Watches what each frame about to be painted holds, from the page's start: whether "Loading…" or
 * cards were ever painted and in which order, whether a top bar was painted without either, and what
 * the first frame with cards held. `atFirstCard` (page code) runs as soon as the first card exists,
 * before that frame is painted.
 */
const watcher = (atFirstCard = '') => `
window.__seen = { order: [], firstFrame: undefined, shellWithoutCards: false };
const frame = () => {
  const seen = window.__seen;
  const cards = document.querySelectorAll('tt-profile-card article');
  const loading = document.querySelector('.loading') !== null;
  if (loading && !seen.order.includes('loading')) seen.order.push('loading');
  if (document.querySelector('header.topbar') && cards.length === 0 && !loading) seen.shellWithoutCards = true;
  if (cards.length > 0 && !seen.firstFrame) {
    seen.order.push('cards');
    seen.firstFrame = { cards: cards.length, bottom: cards[cards.length - 1].getBoundingClientRect().bottom, height: innerHeight };
    return;
  }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
new MutationObserver((_, observer) => {
  if (!document.querySelector('tt-profile-card')) return;
  observer.disconnect();
  ${atFirstCard}
}).observe(document, { childList: true, subtree: true });`;

async function open(init: string[]) {
  const page = await chromium.browser().newPage({ viewport: { width: 880, height: 640 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  for (const script of init) await page.addInitScript(script);
  await page.goto(chromium.url());
  const seen = () =>
    page.evaluate(
      () =>
        (
          window as unknown as {
            __seen: {
              order: string[];
              firstFrame?: { cards: number; bottom: number; height: number };
              shellWithoutCards: boolean;
            };
          }
        ).__seen,
    );
  return { page, errors, seen };
}

describe('the window opening', () => {
  it('paints a screenful of cards first, then every card, and reaches a profile asked for in between', async () => {
    const profiles = profilesOf(20);
    // The tray asks for the last profile while only the first screen exists.
    const focusLast = `window.__focus('${profiles[19]?.id}');`;
    const { page, errors, seen } = await open([
      windowStub(profiles),
      'window.tokentray.onFocusProfile = (show) => { window.__focus = show; return () => {}; };',
      watcher(focusLast),
    ]);
    await expect.poll(async () => (await seen()).firstFrame).toBeDefined();
    const { firstFrame, order, shellWithoutCards } = await seen();
    // Enough cards to fill the window, far fewer than twenty.
    expect(firstFrame?.cards).toBeGreaterThanOrEqual(2);
    expect(firstFrame?.cards).toBeLessThan(10);
    expect(firstFrame?.bottom).toBeGreaterThanOrEqual(firstFrame?.height ?? Number.POSITIVE_INFINITY);
    expect(order).toEqual(['cards']);
    expect(shellWithoutCards).toBe(false);
    await expect.poll(() => page.locator('tt-profile-card').count()).toBe(20);
    // The card asked for before it existed is focused once it does.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('tt-profile-card')?.getAttribute('data-id')))
      .toBe(profiles[19]?.id);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens the export and removal dialogs asked for before the first frame is painted', async () => {
    const ask = `
      const app = document.querySelector('tt-app');
      app.dispatchEvent(new CustomEvent('tt-export'));`;
    const { page, errors } = await open([windowStub(profilesOf(3)), watcher(ask)]);
    await expect.poll(() => page.locator('#export-dialog[open]').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#export-dialog[open]').count()).toBe(0);
    const { page: second, errors: secondErrors } = await open([
      windowStub(profilesOf(3)),
      watcher(
        `document.querySelector('tt-app').dispatchEvent(new CustomEvent('tt-profile', { detail: { type: 'remove', id: 'p1' } }));`,
      ),
    ]);
    await expect.poll(() => second.locator('#confirm-remove[open]').count()).toBe(1);
    expect(await second.locator('#confirm-remove').textContent()).toContain('Profile 1');
    expect([...errors, ...secondErrors]).toEqual([]);
    await page.close();
    await second.close();
  });

  it('says "Loading…" only when the first answers are late, and then draws the list', async () => {
    const late = await open([windowStub(profilesOf(3), { listDelayMs: 1500 }), watcher()]);
    // What the frames showed, once a frame with cards has been painted.
    await expect.poll(async () => (await late.seen()).firstFrame, { timeout: 15_000 }).toBeDefined();
    expect((await late.seen()).order).toEqual(['loading', 'cards']);
    expect(await late.page.locator('.loading').count()).toBe(0);
    const prompt = await open([windowStub(profilesOf(3)), watcher()]);
    await expect.poll(async () => (await prompt.seen()).firstFrame).toBeDefined();
    expect((await prompt.seen()).order).toEqual(['cards']);
    expect((await prompt.seen()).shellWithoutCards).toBe(false);
    expect([...late.errors, ...prompt.errors]).toEqual([]);
    await late.page.close();
    await prompt.page.close();
  });
});
