import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, useBrowser, type WindowHarness } from '../support/browser-harness.ts';

const OUT = join(ROOT, 'test-results/screenshots');
const chromium = useBrowser();
beforeAll(() => {
  mkdirSync(OUT, { recursive: true });
});

/**
 * Characters the page cannot draw: every character beyond ASCII on the page (and a few Chinese
 * ones) is drawn in the page's own font and compared with an unassigned code point, which every
 * font draws as its "missing glyph" box. A machine without a CJK font draws 配置 as boxes (the
 * screenshots once showed nothing else); a symbol only emoji fonts have (🔒) is a box on many Linux
 * desktops.
 */
async function missingGlyphs(w: WindowHarness): Promise<string[]> {
  return w.page.evaluate(() => {
    const font = getComputedStyle(document.body).font;
    const draw = (text: string) => {
      const canvas = new OffscreenCanvas(48, 48);
      const context = canvas.getContext('2d');
      if (!context) return '';
      context.font = font;
      context.fillText(text, 4, 36);
      return context.getImageData(0, 0, 48, 48).data.join(',');
    };
    const missing = draw('\u0378');
    const shown = [...`${document.body.textContent}配置令牌有效设置密钥刷新`];
    const drawn = [...new Set(shown.filter((char) => (char.codePointAt(0) ?? 0) > 0x7f && char.trim() !== ''))];
    return drawn.filter((char) => draw(char) === missing);
  });
}

/** Three profiles in three states: valid, failing with a remedy, expired. */
async function populate(w: WindowHarness) {
  const { service, server: fake } = w.fx;
  const dev = await service.addProfile(w.fx.baiduInput({ name: 'ERNIE dev' }));
  const prod = await service.addProfile(w.fx.baiduInput({ name: 'ERNIE prod' }));
  const gateway = await service.addProfile(
    w.fx.baiduInput({
      name: 'Internal gateway',
      provider: 'oauth2',
      tokenUrl: fake.oauthUrl,
      options: { scope: 'read' },
    }),
  );
  await Promise.all([dev, prod, gateway].map((p) => service.refresh(p.id)));
  fake.queue({ type: 'error', error: 'invalid_client', description: 'Client authentication failed', status: 401 });
  await service.refresh(prod.id);
  await new Promise((resolve) => setTimeout(resolve, 2200));
}

describe('window screenshots', () => {
  for (const [locale, scheme] of [
    ['en-US', 'light'],
    ['en-US', 'dark'],
    ['zh-CN', 'light'],
    ['zh-CN', 'dark'],
  ] as const) {
    it(`renders several profiles in ${locale}, ${scheme}`, async () => {
      const w = await chromium.open({
        locale,
        colorScheme: scheme,
        server: { oauthLifetimeSeconds: 2 },
      });
      try {
        await populate(w);
        await w.page.reload();
        await expect.poll(() => w.page.locator('tt-profile-card').count()).toBe(3);
        await expect.poll(() => w.page.locator('tt-profile-card .badge').allTextContents()).toHaveLength(3);
        const badges = await w.page
          .locator('tt-profile-card')
          .evaluateAll((cards) => cards.map((c) => c.querySelector('article')?.dataset.state));
        expect(badges).toEqual(['valid', 'failed', 'expired']);
        if (locale === 'zh-CN') expect(await missingGlyphs(w)).toEqual([]);
        await w.page.screenshot({ path: join(OUT, `window-${locale}-${scheme}.png`), fullPage: true });
        expect(w.errors).toEqual([]);
      } finally {
        await w.close();
      }
    });
  }
});

describe('Chinese screenshots', () => {
  it('have a font with Chinese glyphs on this machine', () => {
    const fonts = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
    expect(fonts.stdout.trim(), 'no font answers fc-list :lang=zh: install fonts-wqy-microhei').not.toBe('');
  });

  it('render the settings and the profile form in Chinese, every character drawn', async () => {
    const w = await chromium.open({ locale: 'zh-CN' });
    try {
      await w.fx.service.addProfile(w.fx.baiduInput({ name: '文心一言 开发' }));
      await expect.poll(() => w.page.locator('tt-profile-card .badge-valid').count()).toBe(1);
      await w.page.getByRole('button', { name: '设置', exact: true }).click();
      await expect.poll(() => w.page.getByRole('button', { name: '返回' }).count()).toBe(1);
      expect(await missingGlyphs(w)).toEqual([]);
      await w.page.screenshot({ path: join(OUT, 'settings-zh-CN-light.png'), fullPage: true });
      await w.page.getByRole('button', { name: '返回' }).click();
      await w.page.getByRole('button', { name: '添加密钥', exact: true }).click();
      await w.page.getByLabel('名称', { exact: true }).fill('飞书机器人');
      expect(await missingGlyphs(w)).toEqual([]);
      await w.page.screenshot({ path: join(OUT, 'form-zh-CN-light.png'), fullPage: true });
      expect(w.errors).toEqual([]);
    } finally {
      await w.close();
    }
  });
});

describe('first-run screenshots', () => {
  it('renders the empty state and the add form', async () => {
    const w = await chromium.open();
    try {
      await expect.poll(() => w.page.getByRole('button', { name: 'Add your first key' }).isVisible()).toBe(true);
      await w.page.screenshot({ path: join(OUT, 'first-run-en-US-light.png') });
      await w.page.getByRole('button', { name: 'Add your first key' }).click();
      await w.page.getByLabel('Name', { exact: true }).fill('ERNIE dev');
      await w.page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => w.page.locator('.field .error').count()).toBe(2);
      await w.page.screenshot({ path: join(OUT, 'add-form-en-US-light.png') });
      expect(w.errors).toEqual([]);
    } finally {
      await w.close();
    }
  });
});

describe('daily-use screenshots', () => {
  it('renders search over seven profiles, and an import preview', async () => {
    const w = await chromium.open();
    try {
      const names = [
        'ERNIE prod',
        'ERNIE test',
        'Feishu bot',
        'Gateway',
        'DingTalk ops',
        'WeChat mini',
        'Qianfan batch',
      ];
      for (const name of names) await w.fx.service.addProfile(w.fx.baiduInput({ name }));
      await expect.poll(() => w.page.locator('tt-profile-card .badge-valid').count()).toBe(7);
      await w.page.getByLabel('Search profiles').fill('ernie');
      await expect.poll(() => w.page.locator('tt-profile-card').count()).toBe(2);
      await w.page.screenshot({ path: join(OUT, 'search-en-US-light.png') });
      await w.page.getByLabel('Search profiles').fill('');
      const file = join(w.fx.temp.dir, 'shot.json');
      w.dialogAnswers.push(file);
      await w.page.getByRole('button', { name: 'Export…' }).click();
      await w.page.getByLabel('Include the keys').check();
      await w.page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
      await w.page.getByLabel('Passphrase again').fill('correct horse battery');
      await w.page.getByRole('dialog').getByRole('button', { name: 'Export' }).click();
      await expect.poll(() => w.page.locator('.toast').textContent()).toContain('Exported 7');
      w.dialogAnswers.push(file);
      await w.page.getByRole('button', { name: 'Import…' }).click();
      await expect.poll(() => w.page.locator('tt-import-view').count()).toBe(1);
      await w.page.locator('#i-pass').fill('correct horse battery');
      await w.page.getByRole('button', { name: 'Unlock keys' }).click();
      await expect.poll(() => w.page.getByText('Keys included.').count()).toBe(7);
      // The export's message would cover the preview in the picture.
      await w.page.locator('.toast').evaluate((toast) => toast.replaceChildren());
      await w.page.screenshot({ path: join(OUT, 'import-en-US-light.png') });
      expect(w.errors).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
