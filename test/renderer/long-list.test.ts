/// <reference lib="dom" />
import { afterEach, describe, expect, it } from 'vitest';
import { useBrowser, type WindowHarness } from '../support/browser-harness.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';

/**
 * Fifty profiles or more in the built window, over the real engine: the list is windowed (the
 * virtualizer's own chunk is loaded on demand), so only the cards near the viewport exist, and the
 * keyboard, search and copy still reach every profile.
 */
const chromium = useBrowser();
let w: WindowHarness | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const COUNT = 60;
const names = Array.from({ length: COUNT }, (_, i) => `Profile ${String(i).padStart(2, '0')}`);

describe('a long list', () => {
  it('makes only the cards near the viewport, and reaches every profile by keyboard and search', async () => {
    w = await chromium.open();
    const { page } = w;
    const chunks: string[] = [];
    page.on('request', (request) => {
      if (/assets\/(virtualize|flow)-/.test(request.url())) chunks.push(request.url());
    });
    for (const name of names) {
      await w.fx.service.addProfile({
        name,
        provider: 'baidu',
        apiKey: API_KEY,
        secretKey: SECRET_KEY,
        tokenUrl: w.fx.server.baiduUrl,
      });
    }
    await expect.poll(() => page.locator('ul.profiles.windowed').count()).toBe(1);
    await expect.poll(() => chunks.length).toBeGreaterThanOrEqual(1);
    const made = await page.locator('tt-profile-card').count();
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(COUNT / 2);
    expect(await page.locator('li[aria-setsize="60"][aria-posinset="1"]').count()).toBe(1);

    // Sorted by name, End moves to the last profile: its card is made, scrolled to and focused.
    await page.getByLabel('Sort by').selectOption('name');
    await page.locator('tt-profile-card article').first().focus();
    await page.keyboard.press('End');
    await expect
      .poll(() =>
        page.evaluate(() => document.activeElement?.closest('tt-profile-card')?.querySelector('h2')?.textContent),
      )
      .toBe('Profile 59');
    await page.keyboard.press('Enter');
    const last = w.fx.service.listProfiles().find((view) => view.name === 'Profile 59');
    await expect.poll(() => w?.clip.text).toBe(await w.fx.service.getToken(last?.id ?? ''));
    await page.keyboard.press('Home');
    await expect
      .poll(() =>
        page.evaluate(() => document.activeElement?.closest('tt-profile-card')?.querySelector('h2')?.textContent),
      )
      .toBe('Profile 00');

    // Fewer than fifty matches (every name with a 3 in it) are all drawn, unwindowed.
    await page.getByLabel('Search profiles').fill('Profile 3');
    await expect.poll(() => page.locator('tt-profile-card').count()).toBe(15);
    expect(await page.locator('ul.profiles.windowed').count()).toBe(0);
    expect(w.errors).toEqual([]);
  });
});
