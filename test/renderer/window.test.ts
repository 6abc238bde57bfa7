/// <reference lib="dom" />
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProviderCatalogueEntry } from '../../main/contract/catalogue.ts';
import { CATALOGUE } from '../../main/core/index.ts';
import { useBrowser, type WindowHarness } from '../support/browser-harness.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import { freePort } from '../support/free-port.ts';
import { callLocalApi } from '../support/local-api.ts';
import { startRedis } from '../support/redis-server.ts';

const chromium = useBrowser();
let w: WindowHarness | undefined;

/** Adds a Baidu profile through the form, the way a user does. */
async function addBaiduProfile(h: WindowHarness, name = 'ERNIE dev') {
  const { page } = h;
  await page.getByRole('button', { name: 'Add key' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('API Key').fill(`  ${API_KEY}\n`);
  await page.getByLabel('Secret Key').fill(SECRET_KEY);
  await page.getByText('Advanced').click();
  await page.getByLabel('Token URL').fill(h.fx.server.baiduUrl);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => page.locator('tt-profile-card .badge').last().textContent()).toContain('Valid');
}

const card = (h: WindowHarness, name = 'ERNIE dev') => h.page.locator('tt-profile-card', { hasText: name });
const badge = (h: WindowHarness | undefined, name?: string) =>
  card(h as WindowHarness, name)
    .locator('.badge')
    .textContent();

describe('the status window in Chromium', () => {
  it('leads a first-time user from the empty state to a valid token', async () => {
    w = await chromium.open();
    const { page } = w;
    await expect.poll(() => page.getByRole('heading', { name: 'Keep your API tokens fresh' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Add your first key' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-name');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await addBaiduProfile(w);
    const text = await card(w).textContent();
    expect(text).toContain('Baidu AI Cloud (API Key + Secret Key)');
    expect(text).toContain('key test…0001');
    expect(await card(w).locator('tt-countdown').textContent()).toMatch(/^(29d 23h|30d)$/);
    expect(w.fx.server.requests[0]?.params.client_id).toBe(API_KEY);
  });

  it('ticks the countdown locally, second by second, for a short-lived token', async () => {
    w = await chromium.open({ server: { baiduLifetimeSeconds: 700 } });
    await addBaiduProfile(w);
    const countdown = card(w).locator('tt-countdown');
    const before = await countdown.textContent();
    expect(before).toMatch(/^11m \d+s$/);
    await expect.poll(() => countdown.textContent(), { timeout: 3000 }).not.toBe(before);
  });

  it('shows a failure with its remedy, then the recovery', async () => {
    w = await chromium.open();
    await addBaiduProfile(w);
    w.fx.server.behave({
      type: 'error',
      error: 'invalid_client',
      description: 'Client authentication failed',
      status: 401,
    });
    await card(w).getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => badge(w)).toContain('Failed');
    const problem = await card(w).locator('.problem').textContent();
    expect(problem).toContain('The Secret Key does not match the API Key.');
    expect(problem).toContain('Copy the Secret Key again from the same application in the console');
    expect(problem).toContain('The current token still works until');
    w.fx.server.behave({ type: 'ok' });
    await card(w).getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => badge(w)).toContain('Valid');
    expect(await card(w).locator('.problem').count()).toBe(0);
  });

  it('copies through the main-side handler and says when the clipboard will be cleared', async () => {
    w = await chromium.open();
    await addBaiduProfile(w);
    await card(w).getByRole('button', { name: 'Copy curl' }).click();
    await expect.poll(() => w?.clip.text ?? '').toContain(`access_token=${w.fx.server.issued[0]}`);
    expect(w.clip.text.startsWith('curl -X POST ')).toBe(true);
    await expect.poll(() => w?.page.locator('.toast').textContent()).toBe('Copied. The clipboard is cleared in 60 s.');
  });

  it("offers only the copy forms the provider's APIs accept", async () => {
    w = await chromium.open();
    await addBaiduProfile(w);
    const buttons = () =>
      card(w as WindowHarness)
        .locator('.copy-group button')
        .allTextContents();
    // Baidu's legacy API reads ?access_token= only: no header to copy.
    expect(await buttons()).toEqual(['Token', 'URL parameter', 'curl']);
    await w.fx.service.addProfile({
      name: 'Lark bot',
      provider: 'feishu',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      tokenUrl: w.fx.server.feishuUrl,
    });
    await expect
      .poll(() =>
        card(w as WindowHarness, 'Lark bot')
          .locator('.copy-group button')
          .allTextContents(),
      )
      .toEqual(['Token', 'Header', 'curl']);
  });

  it('asks for both keys again before sending them to another host', async () => {
    w = await chromium.open();
    await addBaiduProfile(w);
    await card(w).getByRole('button', { name: 'Edit' }).click();
    const { page } = w;
    await page.getByText('Advanced').click();
    await page.getByLabel('Token URL').fill('https://aip.example.net/oauth/2.0/token');
    expect(await page.locator('#h-secretKey').textContent()).toContain('the keys will be sent to another server');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.field .error').count()).toBe(2);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-apiKey');
    expect(w.fx.service.listProfiles()[0]?.tokenUrl).toBe(w.fx.server.baiduUrl);
  });

  it('says when the data cannot be saved, and stops saying it once it can', async () => {
    w = await chromium.open();
    await addBaiduProfile(w);
    rmSync(w.fx.temp.filePath);
    mkdirSync(w.fx.temp.filePath);
    await card(w).getByRole('button', { name: 'Refresh now' }).click();
    const banner = w.page.locator('.banner.store-write');
    await expect.poll(() => banner.textContent()).toContain('TokenTray cannot save its data (EISDIR)');
    rmSync(w.fx.temp.filePath, { recursive: true });
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(0);
  });

  it('reveals the token only when asked, and hides it again', async () => {
    w = await chromium.open();
    await addBaiduProfile(w);
    const token = w.fx.server.issued[0] ?? '';
    expect(await w.page.content()).not.toContain(token);
    await card(w).getByRole('button', { name: 'Reveal' }).click();
    await expect
      .poll(() =>
        card(w as WindowHarness)
          .locator('.revealed')
          .textContent(),
      )
      .toBe(token);
    await card(w).getByRole('button', { name: 'Hide' }).click();
    expect(await w.page.content()).not.toContain(token);
  });

  it('never puts a saved secret into the page, not even in the edit form', async () => {
    w = await chromium.open();
    await addBaiduProfile(w);
    await card(w).getByRole('button', { name: 'Edit' }).click();
    expect(await w.page.getByLabel('Secret Key').inputValue()).toBe('');
    expect(await w.page.getByLabel('API Key').inputValue()).toBe('');
    const html = await w.page.content();
    for (const secret of [API_KEY, SECRET_KEY]) expect(html).not.toContain(secret);
    await w.page.getByLabel('Name', { exact: true }).fill('ERNIE prod');
    await w.page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => w?.page.locator('tt-profile-card h2').textContent()).toBe('ERNIE prod');
    expect(w.fx.server.requests).toHaveLength(1);
  });

  it('tests keys before saving and explains a rejection, saving nothing', async () => {
    w = await chromium.open();
    const { page } = w;
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByLabel('Name', { exact: true }).fill('typo');
    await page.getByLabel('API Key').fill('not-a-real-key-123');
    await page.getByLabel('Secret Key').fill(SECRET_KEY);
    await page.getByText('Advanced').click();
    await page.getByLabel('Token URL').fill(w.fx.server.baiduUrl);
    await page.getByRole('button', { name: 'Test' }).click();
    await expect
      .poll(() => page.locator('.test-result').textContent())
      .toContain('The provider does not know this API Key.');
    expect(await page.locator('.test-result').textContent()).toContain('Copy the API Key again from the console');
    expect(w.fx.service.listProfiles()).toEqual([]);
  });

  it('marks missing fields inline and focuses the first', async () => {
    w = await chromium.open();
    const { page } = w;
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.field .error').count()).toBe(3);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-name');
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(w.fx.server.requests).toHaveLength(0);
  });

  it('removes a profile only after confirmation', async () => {
    w = await chromium.open();
    await addBaiduProfile(w);
    await card(w).getByRole('button', { name: 'Remove' }).click();
    await w.page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(w.fx.service.listProfiles()).toHaveLength(1);
    await card(w).getByRole('button', { name: 'Remove' }).click();
    await w.page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect
      .poll(() => w?.page.getByRole('heading', { name: 'Keep your API tokens fresh' }).isVisible())
      .toBe(true);
    expect(w.fx.service.listProfiles()).toEqual([]);
  });

  it('switches to Simplified Chinese and back from the settings', async () => {
    w = await chromium.open();
    const { page } = w;
    await page.getByRole('button', { name: 'Settings' }).click();
    expect(await page.locator('.protection').textContent()).toContain('GNOME Keyring (libsecret)');
    await page.getByLabel('Language').selectOption('zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('TokenTray');
    await expect.poll(() => page.getByRole('heading', { name: '设置' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(w.settings.get().language).toBe('zh-CN');
    await page.getByLabel('语言').selectOption('en');
    await expect.poll(() => page.getByRole('heading', { name: 'Settings' }).isVisible()).toBe(true);
  });

  it('follows a Chinese system language by default', async () => {
    w = await chromium.open({ locale: 'zh-CN' });
    await expect.poll(() => w?.page.getByRole('button', { name: '添加第一个密钥' }).isVisible()).toBe(true);
  });

  it('lets a keyboard-only user add a profile', async () => {
    w = await chromium.open();
    const { page } = w;
    await expect.poll(() => page.getByRole('button', { name: 'Add your first key' }).isVisible()).toBe(true);
    // Tab from the top of the page to "Add key" (Settings, then Add key).
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Add key');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-name');
    await page.keyboard.type('Keyboard only');
    await page.keyboard.press('Tab');
    await page.keyboard.type(API_KEY);
    await page.keyboard.press('Tab');
    await page.keyboard.type(SECRET_KEY);
    // Open "Advanced" with the keyboard and fill the token URL.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.type(w.fx.server.baiduUrl);
    await page.keyboard.press('Enter');
    await expect.poll(() => badge(w, 'Keyboard only')).toContain('Valid');
  });

  it('warns plainly when keys could only be obfuscated, and lets the user accept it', async () => {
    w = await chromium.open({
      environment: { secretProtection: { kind: 'weak', backend: 'basic_text', accepted: false } },
    });
    const { page } = w;
    await expect.poll(() => page.locator('.banner.warn').textContent()).toContain('No keyring was found');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('I understand; store keys with obfuscation only').check();
    await expect.poll(() => w?.settings.get().allowWeakSecretStorage).toBe(true);
  });

  it("names each provider's keys its own way and forces a WeChat token only after a warning", async () => {
    w = await chromium.open();
    const { page } = w;
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByLabel('Provider').selectOption('wechat');
    await page.getByLabel('Name', { exact: true }).fill('Mini program');
    await page.getByLabel('AppID').fill(API_KEY);
    await page.getByLabel('AppSecret').fill(SECRET_KEY);
    await page.getByLabel('Endpoint').selectOption('classic');
    expect(await page.locator('.field', { hasText: 'Endpoint' }).textContent()).toContain('revokes');
    await page.getByLabel('Endpoint').selectOption('stable');
    await page.getByText('Advanced').click();
    await page.getByLabel('Token URL').fill(w.fx.server.wechatStableUrl);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => badge(w, 'Mini program')).toContain('Valid');
    expect(await card(w, 'Mini program').textContent()).toContain('WeChat Official Account / Mini Program');

    await card(w, 'Mini program').getByRole('button', { name: 'Force new token' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('at most 20 times a day');
    await dialog.getByRole('button', { name: 'Force new token' }).click();
    await expect.poll(() => w?.fx.server.requests.at(-1)?.json?.force_refresh).toBe(true);
    expect(w.fx.server.revoked.size).toBe(1);
  });

  it('shows the IP WeChat refused when keys are tested, not a placeholder', async () => {
    w = await chromium.open();
    const { page } = w;
    w.fx.server.behave({
      type: 'raw',
      status: 200,
      body: JSON.stringify({
        errcode: 40164,
        errmsg: 'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist',
      }),
    });
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByLabel('Provider').selectOption('wechat');
    await page.getByLabel('Name', { exact: true }).fill('Mini program');
    await page.getByLabel('AppID').fill(API_KEY);
    await page.getByLabel('AppSecret').fill(SECRET_KEY);
    await page.getByText('Advanced').click();
    await page.getByLabel('Token URL').fill(w.fx.server.wechatStableUrl);
    await page.getByRole('button', { name: 'Test' }).click();
    await expect
      .poll(() => page.locator('.test-result').textContent())
      .toContain("The provider refused this computer's IP address 203.0.113.7.");
    expect(await page.locator('.test-result').textContent()).toContain('Add 203.0.113.7 to the IP whitelist');
    expect(await page.locator('.test-result').textContent()).not.toContain('{ip}');
  });

  it('draws a provider it has never heard of from its catalogue entry alone', async () => {
    const acme: ProviderCatalogueEntry = {
      id: 'acme',
      credentials: { apiKey: 'Tenant Key', secretKey: 'Tenant Secret' },
      keysMayContainSpaces: false,
      options: [
        { name: 'zone', kind: 'choice', choices: ['north', 'south'], default: 'south' },
        { name: 'ttl', kind: 'integer', min: 60, max: 3600, advanced: true },
      ],
      defaultTokenUrl: {
        option: 'zone',
        values: { north: 'https://n.acme.test/token', south: 'https://s.acme.test/token' },
      },
      usage: { style: 'bearer', name: 'Authorization' },
      apiOrigins: ['https://api.acme.test'],
      rejection: [{ statuses: [401] }],
      example: { method: 'GET', url: '{tokenOrigin}/' },
      forceRefresh: false,
      refreshWindowMs: null,
    };
    w = await chromium.open({ catalogue: [...CATALOGUE, acme] });
    const { page } = w;
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByLabel('Provider').selectOption('acme');
    expect(await page.getByLabel('Tenant Key').count()).toBe(1);
    expect(await page.getByLabel('Tenant Secret').count()).toBe(1);
    const zone = page.locator('#f-opt-zone');
    expect(await zone.inputValue()).toBe('south');
    expect(await zone.locator('option').evaluateAll((o) => o.map((e) => (e as HTMLOptionElement).value))).toEqual([
      'north',
      'south',
    ]);
    await page.getByText('Advanced').click();
    expect(await page.locator('#h-tokenUrl').textContent()).toContain('https://s.acme.test/token');
    await zone.selectOption('north');
    expect(await page.locator('#h-tokenUrl').textContent()).toContain('https://n.acme.test/token');
    expect(await page.locator('#f-opt-ttl').count()).toBe(1);
  });

  it('offers every provider in the picker, in both languages', async () => {
    w = await chromium.open({ locale: 'zh-CN' });
    await w.page.getByRole('button', { name: '添加密钥' }).click();
    const options = await w.page.getByLabel('服务商').locator('option').allTextContents();
    expect(options).toEqual([
      '百度智能云（API Key + Secret Key）',
      '百度智能云 IAM（Access Key，千帆 v2）',
      '微信公众号 / 小程序',
      '飞书 / Lark 自建应用',
      '钉钉应用',
      'OAuth 2.0 客户端凭据',
    ]);
  });

  it('shows who took a token lately: the window, the CLI, an API client', async () => {
    w = await chromium.open();
    await addBaiduProfile(w);
    await card(w).getByRole('button', { name: 'Copy Token' }).click();
    await callLocalApi(w.apiLocation, '/v1/profiles/ernie/token', {
      secret: true,
      headers: { 'user-agent': 'tokentray-cli/0.1.0 exec' },
    });
    const uses = card(w).locator('tt-recent-uses');
    await uses.getByText('Recent uses').click();
    await expect
      .poll(() => uses.locator('li').allTextContents(), { timeout: 5_000 })
      .toEqual([
        expect.stringMatching(/^tokentray-cli\/0\.1\.0 exec, \d+s ago$/),
        expect.stringMatching(/^this window, \d+s ago$/),
      ]);
    expect(await uses.textContent()).not.toContain(w.fx.server.issued[0]);
  });

  it('shows the local API in Settings, switches TCP on, copies and regenerates the secret', async () => {
    w = await chromium.open();
    const { page } = w;
    await page.getByRole('button', { name: 'Settings' }).click();
    const section = page.locator('tt-api-settings');
    await expect
      .poll(() => section.locator('[role=status]').textContent())
      .toContain(`Listening at ${w?.apiLocation.endpoint}`);
    const port = await freePort();
    await page.getByLabel('Port', { exact: true }).fill(String(port));
    await page.getByLabel('Port', { exact: true }).dispatchEvent('change');
    await page.getByLabel('Also listen on 127.0.0.1').check();
    await expect.poll(() => section.textContent()).toContain(`Listening at http://127.0.0.1:${port}`);
    expect(w.settings.get()).toMatchObject({ apiTcpEnabled: true, apiTcpPort: port });

    const secret = readFileSync(w.apiLocation.secretFile, 'utf8').trim();
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await expect.poll(() => w?.clip.text).toBe(secret);
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('button', { name: 'Regenerate secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Regenerate secret' }).click();
    await expect.poll(() => readFileSync(w?.apiLocation.secretFile ?? '', 'utf8').trim()).not.toBe(secret);
    await expect.poll(() => page.locator('.toast').textContent()).toContain('New secret made');
  });

  it('joins a team from Settings and shares a profile, naming who refreshed it', async () => {
    const redis = await startRedis();
    try {
      w = await chromium.open();
      const { page } = w;
      await page.getByRole('button', { name: 'Settings' }).click();
      const section = page.locator('tt-team-settings');
      await expect.poll(() => section.locator('[role=status]').textContent()).toBe('Off');
      await section.getByRole('button', { name: 'Make a new team key' }).click();
      await expect.poll(() => section.locator('.revealed code').textContent()).toMatch(/^tt-team-1\./);
      await page.getByLabel('Share tokens with my team through Redis').check();
      await page.getByLabel('Redis address').fill(redis.url);
      await page.getByRole('button', { name: 'Save and connect' }).click();
      await expect.poll(() => section.locator('[role=status]').textContent(), { timeout: 5_000 }).toBe('Connected');
      await page.getByRole('button', { name: 'Back' }).click();
      await page.getByRole('button', { name: 'Add key' }).click();
      await page.getByLabel('Name', { exact: true }).fill('ERNIE team');
      await page.getByLabel('API Key').fill(API_KEY);
      await page.getByLabel('Secret Key').fill(SECRET_KEY);
      await page.getByLabel('Share with my team').check();
      await page.getByText('Advanced').click();
      await page.getByLabel('Token URL').fill(w.fx.server.baiduUrl);
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() =>
          card(w as WindowHarness, 'ERNIE team')
            .locator('.meta.shared')
            .textContent(),
        )
        .toBe('Shared with the team · refreshed by tester@fixture');
    } finally {
      await w?.close();
      w = undefined;
      await redis.stop();
    }
  });

  it('shows what a JWT says of itself, decoded locally, and says an opaque token is opaque', async () => {
    w = await chromium.open({ server: { oauthJwt: true } });
    const { page } = w;
    await addBaiduProfile(w);
    await w.fx.service.addProfile({
      name: 'Orders API',
      provider: 'oauth2',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      tokenUrl: w.fx.server.oauthUrl,
      options: { scope: 'orders.read' },
    });
    await expect.poll(() => badge(w, 'Orders API')).toContain('Valid');
    await card(w, 'Orders API').getByRole('button', { name: 'Inspect' }).click();
    const inspector = card(w, 'Orders API').locator('tt-token-inspector');
    await expect.poll(() => inspector.textContent()).toContain('Issuer iss');
    const text = await inspector.textContent();
    expect(text).toContain('https://fake-idp.test');
    expect(text).toContain('api://orders');
    expect(text).toContain('orders.read');
    expect(text).toContain('"alg":"HS256"');
    expect(text).toContain('The signature is not checked');
    expect(await page.content()).not.toContain(w.fx.server.issued.at(-1));
    await card(w).getByRole('button', { name: 'Inspect' }).click();
    await expect
      .poll(() =>
        card(w as WindowHarness)
          .locator('tt-token-inspector')
          .textContent(),
      )
      .toMatch(/^This token is opaque \(\d+ characters\)/);
  });
});
