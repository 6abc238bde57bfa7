/// <reference lib="dom" />
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useBrowser, type WindowHarness } from '../support/browser-harness.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';

/**
 * Issue 13 in the window, in real Chromium over the real engine: search, sort and the keyboard,
 * focus that never drops to the page, the live region, contrast, narrow windows, export and
 * import, and axe-core on every view.
 */
const chromium = useBrowser();
let w: WindowHarness | undefined;

const NAMES = ['ERNIE prod', 'ERNIE test', 'Feishu bot', 'Gateway', 'DingTalk ops', 'WeChat mini', 'Qianfan batch'];

/** Seven profiles, added through the engine; the window hears of them as main tells it. */
async function seven(h: WindowHarness) {
  for (const name of NAMES) {
    await h.fx.service.addProfile({
      name,
      provider: 'baidu',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      tokenUrl: h.fx.server.baiduUrl,
    });
  }
  await expect.poll(() => h.page.locator('tt-profile-card .badge-valid').count()).toBe(7);
}

const focused = (h: WindowHarness) =>
  h.page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const card = el?.closest('tt-profile-card');
    return {
      tag: el?.tagName.toLowerCase(),
      text: el?.matches('article') ? '' : (el?.textContent?.trim() ?? ''),
      card: card?.querySelector('h2')?.textContent ?? null,
      id: el?.id ?? '',
    };
  });

/** The Tab stops from the top of the page to the end. */
async function tabStops(h: WindowHarness): Promise<number> {
  await h.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  let stops = 0;
  const seen = new Set<unknown>();
  for (;;) {
    await h.page.keyboard.press('Tab');
    const marker = await h.page.evaluate(() => {
      const el = document.activeElement as (HTMLElement & { __stop?: number }) | null;
      if (!el || el === document.body) return null;
      el.__stop ??= Math.random();
      return el.__stop;
    });
    if (marker === null || seen.has(marker)) return stops;
    seen.add(marker);
    stops++;
  }
}

describe('search, sort and keyboard', () => {
  it('filters by name, provider and state, sorts, and moves through seven cards with one Tab stop', async () => {
    w = await chromium.open();
    const { page } = w;
    await seven(w);
    // `/` from anywhere jumps to search.
    await page.locator('h1').click();
    await page.keyboard.press('/');
    expect((await focused(w)).id).toBe('search');
    await page.keyboard.type('ernie');
    await expect.poll(() => page.locator('tt-profile-card').count()).toBe(2);
    expect(await page.locator('#search-hint').textContent()).toContain('2 of 7 shown');
    await page.getByLabel('Search profiles').fill('valid baidu');
    await expect.poll(() => page.locator('tt-profile-card').count()).toBe(7);
    await page.getByLabel('Search profiles').fill('nothing like this');
    await expect.poll(() => page.locator('.no-match').textContent()).toContain('No profile matches');
    await page.getByLabel('Search profiles').fill('');
    await page.getByLabel('Sort by').selectOption('name');
    const names = await page.locator('tt-profile-card h2').allTextContents();
    expect(names).toEqual([...NAMES].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));

    // The whole list is one Tab stop: far fewer than the 53 that seven cards used to cost.
    const stops = await tabStops(w);
    expect(stops).toBeLessThanOrEqual(22);

    // Arrows move between cards, Enter copies the current card's token, Ctrl+C too.
    await page.locator('tt-profile-card article').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect((await focused(w)).card).toBe(names[2]);
    await page.keyboard.press('Enter');
    const third = w.fx.service.listProfiles().find((v) => v.name === names[2]);
    await expect.poll(() => w?.clip.text).toBe(await w.fx.service.getToken(third?.id ?? ''));
    await page.keyboard.press('End');
    expect((await focused(w)).card).toBe(names[6]);
    await page.keyboard.press('Control+c');
    const last = w.fx.service.listProfiles().find((v) => v.name === names[6]);
    await expect.poll(() => w?.clip.text).toBe(await w.fx.service.getToken(last?.id ?? ''));
    // Tab enters the current card's buttons.
    await page.keyboard.press('Tab');
    expect(await focused(w)).toMatchObject({ card: names[6], tag: 'summary', text: 'Recent uses' });
  });
});

describe('focus never drops to the page', () => {
  it('stays on Refresh now and Force, returns from dialogs, Back and Cancel, and moves on after a removal', async () => {
    w = await chromium.open();
    const { page } = w;
    await w.fx.service.addProfile({
      name: 'Mini program',
      provider: 'wechat',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      tokenUrl: w.fx.server.wechatStableUrl,
      options: { endpoint: 'stable' },
    });
    await w.fx.service.addProfile({
      name: 'ERNIE prod',
      provider: 'baidu',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      tokenUrl: w.fx.server.baiduUrl,
    });
    const mini = page.locator('tt-profile-card', { hasText: 'Mini program' });
    await expect.poll(() => mini.locator('.badge').textContent()).toContain('Valid');

    w.fx.server.queue({ type: 'delay', ms: 300 });
    await mini.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => mini.locator('.badge').textContent()).toContain('Refreshing');
    expect(await focused(w)).toMatchObject({ text: 'Refresh now', card: 'Mini program' });
    await expect.poll(() => mini.locator('.badge').textContent()).toContain('Valid');
    expect(await focused(w)).toMatchObject({ text: 'Refresh now', card: 'Mini program' });

    await mini.getByRole('button', { name: 'Force new token' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Force new token' }).click();
    await expect.poll(() => w?.fx.server.revoked.size).toBe(1);
    await expect
      .poll(() => focused(w as WindowHarness))
      .toMatchObject({ text: 'Force new token', card: 'Mini program' });

    await mini.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => focused(w as WindowHarness)).toMatchObject({ text: 'Remove', card: 'Mini program' });

    await mini.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => focused(w as WindowHarness)).toMatchObject({ text: 'Edit', card: 'Mini program' });

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Back' }).click();
    await expect.poll(() => focused(w as WindowHarness)).toMatchObject({ text: 'Settings' });

    await mini.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => focused(w as WindowHarness)).toMatchObject({ tag: 'article', card: 'ERNIE prod' });
  });

  it('keeps a focused button clear of the sticky top bar', async () => {
    w = await chromium.open();
    await seven(w);
    const padding = await w.page.evaluate(() => getComputedStyle(document.documentElement).scrollPaddingTop);
    const bar = await w.page.evaluate(() => document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0);
    expect(Number.parseFloat(padding)).toBeGreaterThanOrEqual(bar);
  });
});

describe('the live region', () => {
  it('says a failure with its message once, and the recovery', async () => {
    w = await chromium.open();
    const { page } = w;
    const view = await w.fx.service.addProfile({
      name: 'ERNIE prod',
      provider: 'baidu',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      tokenUrl: w.fx.server.baiduUrl,
    });
    await expect.poll(() => page.locator('tt-profile-card .badge').textContent()).toContain('Valid');
    w.fx.server.behave({ type: 'error', error: 'invalid_client', description: 'unknown client id', status: 401 });
    await w.fx.service.refresh(view.id);
    await expect
      .poll(() => page.locator('#announcer').textContent())
      .toMatch(/^ERNIE prod: refresh failed – The provider does not know this API Key/);
    expect(await page.locator('#announcer').getAttribute('aria-live')).toBe('polite');
    w.fx.server.behave({ type: 'ok' });
    await w.fx.service.refresh(view.id);
    await expect.poll(() => page.locator('#announcer').textContent()).toBe('ERNIE prod: working again, Valid');
  });
});

/** WCAG contrast of two CSS colours as the page computes them. */
function contrastIn(page: WindowHarness['page'], selector: string, property: string, against: string) {
  return page.evaluate(
    ([sel, prop, bgSel]) => {
      const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (css: string) => {
        const [r = 0, g = 0, b = 0] = rgb(css).map((v) => {
          const c = v / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const el = document.querySelector(sel) as HTMLElement;
      const pseudo = prop === 'placeholder' ? '::placeholder' : null;
      const fg = getComputedStyle(el, pseudo)[prop === 'placeholder' ? 'color' : (prop as 'color')];
      const bg = getComputedStyle(document.querySelector(bgSel) as HTMLElement).backgroundColor;
      const [a, b] = [lum(fg), lum(bg)];
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    },
    [selector, property, against] as const,
  );
}

describe('contrast and narrow windows', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`gives controls 3:1 edges and placeholders 4.5:1 (${colorScheme})`, async () => {
      w = await chromium.open({ colorScheme });
      await w.page.getByRole('button', { name: 'Add key' }).click();
      expect(await contrastIn(w.page, '#f-name', 'borderTopColor', '.panel')).toBeGreaterThanOrEqual(3);
      expect(await contrastIn(w.page, '#f-name', 'borderTopColor', '#f-name')).toBeGreaterThanOrEqual(3);
      await w.page.getByText('Advanced').click();
      expect(await contrastIn(w.page, '#f-proxy', 'placeholder', '#f-proxy')).toBeGreaterThanOrEqual(4.5);
      await w.page.getByRole('button', { name: 'Back' }).click();
      expect(await contrastIn(w.page, 'button.secondary', 'borderTopColor', 'body')).toBeGreaterThanOrEqual(3);
    });
  }

  for (const width of [320, 440]) {
    it(`never scrolls sideways at ${width} px (320 px, or 200 % zoom of the window)`, async () => {
      w = await chromium.open();
      const { page } = w;
      await page.setViewportSize({ width, height: 640 });
      await seven(w);
      const long = '/home/someone/.config/TokenTray/a-very-long-folder-name-that-goes-on/and-on/config.json';
      await page.evaluate(
        (detail) =>
          (globalThis as { __tokentrayEmit?: (c: string, p: unknown) => void }).__tokentrayEmit?.('store:issues', [
            { kind: 'file_moved_aside', detail: `The store was unreadable and moved to ${detail}.corrupt` },
          ]),
        long,
      );
      await expect.poll(() => page.locator('.banner').count()).toBeGreaterThan(0);
      const overflow = () =>
        page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      // The sort's longest choice is not cut off.
      const sortClipped = await page.evaluate(() => {
        const select = document.querySelector<HTMLSelectElement>('#sort');
        if (!select) return -1;
        // The longest choice's text, in the select's font, plus its padding and arrow (about 40 px).
        const span = document.createElement('span');
        span.style.font = getComputedStyle(select).font;
        span.style.whiteSpace = 'nowrap';
        span.textContent = [...select.options].map((o) => o.text).sort((x, y) => y.length - x.length)[0] ?? '';
        document.body.append(span);
        const needed = span.getBoundingClientRect().width + 40;
        span.remove();
        return needed - select.getBoundingClientRect().width;
      });
      expect(sortClipped).toBeLessThanOrEqual(0);
      await page.getByRole('button', { name: 'Settings' }).click();
      expect(await overflow()).toBeLessThanOrEqual(0);
      // Team inputs say what they hold.
      for (const id of ['t-url', 't-username', 't-prefix', 't-member']) {
        expect(await page.locator(`#${id}`).getAttribute('type'), id).toBe('text');
      }
      await page.getByRole('button', { name: 'Add key' }).click();
      await page.getByLabel('Provider').selectOption('oauth2');
      await page.getByText('Advanced').click();
      expect(await overflow()).toBeLessThanOrEqual(0);
    });
  }
});

describe('dialogs describe themselves', () => {
  it('points each confirmation at its warning text', async () => {
    w = await chromium.open();
    await seven(w);
    await w.page.locator('tt-profile-card').first().getByRole('button', { name: 'Remove' }).click();
    const described = await w.page.evaluate(() => {
      const dialog = document.querySelector('dialog[open]');
      const id = dialog?.getAttribute('aria-describedby') ?? '';
      return document.getElementById(id)?.textContent ?? '';
    });
    expect(described).toContain('keys and token are deleted');
  });
});

describe('export and import in the window', () => {
  it('exports with sealed keys and imports them back, renaming the clash', async () => {
    w = await chromium.open();
    const { page } = w;
    await seven(w);
    const file = join(w.fx.temp.dir, 'profiles.json');
    w.dialogAnswers.push(file);
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export profiles' });
    await dialog.getByLabel('Gateway').uncheck();
    await dialog.getByLabel('Include the keys').check();
    await dialog.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
    // A mismatch is tied to the second field, which takes the focus.
    await dialog.getByLabel('Passphrase again').fill('correct horse batter');
    await dialog.getByRole('button', { name: 'Export' }).click();
    await expect.poll(() => page.locator('#x-pass2').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#x-pass2').getAttribute('aria-describedby')).toBe('x-problem');
    await expect.poll(() => focused(w as WindowHarness)).toMatchObject({ id: 'x-pass2' });
    await dialog.getByLabel('Passphrase again').fill('correct horse battery');
    await dialog.getByRole('button', { name: 'Export' }).click();
    await expect.poll(() => page.locator('.toast').textContent()).toContain(`Exported 6 profile(s) to ${file}`);
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET_KEY);
    // Focus goes back to the button that opened it.
    await expect.poll(() => focused(w as WindowHarness)).toMatchObject({ text: 'Export…' });

    w.dialogAnswers.push(file);
    await page.getByRole('button', { name: 'Import…' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Import profiles' }).isVisible()).toBe(true);
    // The sealed file's screen opens on its passphrase; once unlocked, on its title.
    await expect.poll(() => focused(w as WindowHarness)).toMatchObject({ id: 'i-pass' });
    await page.locator('#i-pass').fill('wrong passphrase');
    await page.getByRole('button', { name: 'Unlock keys' }).click();
    await expect.poll(() => page.locator('[role=alert]').first().textContent()).toContain('does not open the keys');
    await page.locator('#i-pass').fill('correct horse battery');
    await page.getByRole('button', { name: 'Unlock keys' }).click();
    await expect.poll(() => page.getByText('Keys included.').count()).toBe(6);
    await expect.poll(() => focused(w as WindowHarness)).toMatchObject({ id: 'import-title' });
    expect(await page.locator('#i-0-name').inputValue()).toBe('ERNIE prod (2)');
    await page.locator('#i-1-include').uncheck();
    await page.getByRole('button', { name: 'Import 5' }).click();
    await expect.poll(() => page.locator('.toast').textContent()).toContain('Imported 5 profile(s).');
    await expect.poll(() => w?.fx.service.listProfiles().length).toBe(12);
    expect(w.fx.service.listProfiles().map((v) => v.name)).toContain('ERNIE prod (2)');

    // Cancel goes back to the list's Import… button, though the list was drawn anew.
    w.dialogAnswers.push(file);
    await page.getByRole('button', { name: 'Import…' }).click();
    await expect
      .poll(() => focused(w as WindowHarness))
      .toMatchObject({ id: expect.stringMatching(/^(i-pass|import-title)$/) });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => focused(w as WindowHarness)).toMatchObject({ text: 'Import…' });
  });
});

describe('axe-core on every view', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const locale of ['en-US', 'zh-CN']) {
      it(`finds nothing on list, form, settings, inspector, export and import (${locale}, ${colorScheme})`, async () => {
        w = await chromium.open({ colorScheme, locale });
        const { page } = w;
        const zh = locale === 'zh-CN';
        const check = async (view: string) =>
          expect({ view, violations: await axeViolations(page) }).toEqual({ view, violations: [] });
        await check('empty');
        await seven(w);
        await check('list');
        await page
          .locator('tt-profile-card')
          .first()
          .getByRole('button', { name: zh ? '查看内容' : 'Inspect' })
          .click();
        await expect.poll(() => page.locator('tt-token-inspector').textContent()).not.toBe('');
        await check('inspector');
        await page.getByRole('button', { name: zh ? '导出…' : 'Export…' }).click();
        await check('export dialog');
        await page.keyboard.press('Escape');
        const file = join(w.fx.temp.dir, 'axe.json');
        writeFileSync(
          file,
          JSON.stringify({
            format: 'tokentray-profiles',
            version: 1,
            exportedAt: '2026-11-30T00:00:00Z',
            profiles: [
              { name: 'ERNIE prod', provider: 'baidu' },
              { name: 'Legacy', provider: 'acme' },
            ],
          }),
        );
        w.dialogAnswers.push(file);
        await page.getByRole('button', { name: zh ? '导入…' : 'Import…' }).click();
        await expect.poll(() => page.locator('tt-import-view').count()).toBe(1);
        await check('import preview');
        await page.locator('[data-nav="settings"]').click();
        await expect.poll(() => page.locator('tt-network-settings fieldset').count()).toBe(1);
        await check('settings');
        await page.locator('[data-nav="add"]').click();
        await page.locator('.advanced summary').click();
        await check('form');
        // The check itself bites: an unlabelled field is found.
        await page.evaluate(() => document.querySelector('main')?.append(document.createElement('input')));
        expect((await axeViolations(page)).join()).toContain('label');
      });
    }
  }
});

describe('the global shortcut in the window', () => {
  it('records a shortcut from a key press, pins a profile from its card, and says when a shortcut is taken', async () => {
    w = await chromium.open();
    const { page } = w;
    await seven(w);
    await page
      .locator('tt-profile-card', { has: page.getByRole('heading', { name: 'Gateway', exact: true }) })
      .getByRole('button', { name: 'Pin for shortcut' })
      .click();
    await expect.poll(() => w?.settings.get().pinnedProfileId).toBe(w.fx.service.listProfiles()[3]?.id);
    expect(
      await page
        .locator('tt-profile-card', { has: page.getByRole('heading', { name: 'Gateway', exact: true }) })
        .locator('[data-action="pin"]')
        .getAttribute('aria-pressed'),
    ).toBe('true');
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => page.locator('tt-shortcut-settings').textContent()).toContain('Pinned profile: Gateway');
    await page.getByLabel('Press the new shortcut').press('Control+Shift+KeyT');
    await expect.poll(() => w?.settings.get().shortcut).toBe('CommandOrControl+Shift+T');
    expect([...w.shortcutState.held.keys()]).toEqual(['CommandOrControl+Shift+T']);
    await expect.poll(() => page.locator('#s-shortcut-state').textContent()).toContain('CommandOrControl+Shift+T');
    w.shortcutState.taken.push('Alt+F9');
    await page.getByLabel('Press the new shortcut').press('Alt+F9');
    await expect.poll(() => page.locator('.toast').textContent()).toContain('Another application already uses');
    expect(w.settings.get().shortcut).toBe('CommandOrControl+Shift+T');
    await page.getByRole('button', { name: 'Turn off' }).click();
    await expect.poll(() => w?.shortcutState.held.size).toBe(0);
    // The button removed itself: focus is on the recorder, not on the page.
    await expect.poll(() => focused(w as WindowHarness)).toMatchObject({ id: 's-shortcut' });
  });
});

describe('updates in the window', () => {
  it('shows a banner once an update is downloaded, and restarts into it only when asked', async () => {
    const { EventEmitter } = await import('node:events');
    const emitter = new EventEmitter();
    const installs: unknown[] = [];
    const port = Object.assign(emitter, {
      checkForUpdates: async () => {
        emitter.emit('update-available', { version: '0.2.0' });
        setTimeout(() => emitter.emit('update-downloaded', { version: '0.2.0' }), 300);
      },
      quitAndInstall: (...args: unknown[]) => void installs.push(args),
    });
    w = await chromium.open({ updater: { block: null, load: async () => port as never } });
    const { page } = w;
    const banner = page.getByRole('region', { name: 'Updates' });
    await expect.poll(() => banner.textContent()).toContain('TokenTray 0.2.0 is ready to install.');
    expect(installs).toEqual([]);
    await page.getByRole('button', { name: 'Settings' }).click();
    expect(await page.locator('#s-update-state').textContent()).toContain('0.2.0 is downloaded');
    await banner.getByRole('button', { name: 'Restart and update' }).click();
    await expect.poll(() => installs).toEqual([[false, true]]);
    expect({ violations: await axeViolations(page) }).toEqual({ violations: [] });
  });
});

describe('the gateway in the window', () => {
  it('shows a profile’s gateway base URL, origins and snippets when asked, and never the secret', async () => {
    w = await chromium.open();
    const { page } = w;
    await seven(w);
    const card = page.locator('tt-profile-card', { hasText: 'ERNIE prod' });
    await card.getByText('Gateway', { exact: true }).click();
    await expect.poll(() => card.locator('.gateway').textContent()).toContain('https://aip.baidubce.com');
    const text = (await card.locator('.gateway').textContent()) ?? '';
    expect(text).toContain('http://localhost/gw/ERNIE%20prod');
    expect(text).toContain('curl --unix-socket');
    expect(text).not.toContain(readFileSync(w.apiLocation.secretFile, 'utf8').trim());
    expect(await axeViolations(page)).toEqual([]);
  });
});
