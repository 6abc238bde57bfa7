import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../main/contract/i18n.ts';
import { buildTrayMenu, type MenuItemSpec } from '../../../main/tray/tray-menu.ts';
import { profileHealth, statusLine, trayTooltip, worstHealth } from '../../../main/tray/tray-status.ts';
import { DAY, failure, HOUR, MIN, NOW, view } from '../../support/views.ts';

const en = createTranslator('en');
const zh = createTranslator('zh-CN');
const labels = (items: MenuItemSpec[]) => items.map((item) => item.label ?? '---');

describe('tray status line', () => {
  it.each([
    ['valid', view(), 'Valid, expires in 29d 4h'],
    [
      'expiring',
      view({ status: 'expiring', expiresAt: NOW + 2 * HOUR + 5 * MIN }),
      'Valid, renewing: expires in 2h 5m',
    ],
    ['short', view({ status: 'expiring', expiresAt: NOW + 11 * MIN + 20_000 }), 'Valid, renewing: expires in 11m 20s'],
    ['expired', view({ status: 'expired', expiresAt: NOW - 3 * HOUR }), 'Expired 3h ago'],
    ['no token yet', view({ status: 'none', expiresAt: undefined }), 'No token yet'],
    ['first fetch', view({ status: 'none', refreshing: true, expiresAt: undefined }), 'Refreshing…'],
    ['keys rejected', view({ error: failure('invalid_credentials', false) }), 'Refresh failed: keys rejected'],
    [
      'wrong secret',
      view({ error: failure('invalid_credentials', false, 'invalid_credentials_secret_key') }),
      'Refresh failed: Secret Key wrong',
    ],
    [
      'keys unreadable',
      view({ needsCredentials: true, error: failure('credentials_unreadable', false) }),
      'Enter the keys again',
    ],
    ['unknown lifetime', view({ expiresAt: undefined }), 'Valid (lifetime not given by the server)'],
  ])('%s', (_label, v, expected) => {
    expect(statusLine(v, NOW, en)).toBe(expected);
  });

  it('speaks Simplified Chinese', () => {
    expect(statusLine(view(), NOW, zh)).toBe('有效，29天4小时后过期');
    expect(statusLine(view({ error: failure('network_error', true) }), NOW, zh)).toBe('刷新失败：网络不可达');
  });
});

describe('tray health', () => {
  it.each([
    [view(), 'ok'],
    [view({ status: 'expiring' }), 'warning'],
    [view({ status: 'none' }), 'warning'],
    [view({ error: failure('timeout', true) }), 'warning'],
    [view({ error: failure('not_permitted', false) }), 'error'],
    [view({ status: 'expired' }), 'error'],
    [view({ needsCredentials: true }), 'error'],
  ])('%# → %s', (v, health) => {
    expect(profileHealth(v)).toBe(health);
  });

  it('shows the worst state across profiles', () => {
    expect(worstHealth([])).toBe('ok');
    expect(worstHealth([view(), view({ status: 'expiring' })])).toBe('warning');
    expect(worstHealth([view({ status: 'expiring' }), view({ status: 'expired' }), view()])).toBe('error');
  });

  it('sums up the soonest expiry in the tooltip, or who needs attention', () => {
    const soon = view({ id: 'b', name: 'Gateway', expiresAt: NOW + 3 * HOUR });
    expect(trayTooltip([view(), soon], NOW, en)).toBe('TokenTray: Gateway expires in 3h');
    expect(trayTooltip([view(), view({ name: 'Prod', status: 'expired' })], NOW, en)).toBe(
      'TokenTray: Prod needs attention',
    );
    expect(trayTooltip([], NOW, en)).toBe('TokenTray: no profiles yet');
    expect(trayTooltip([view({ name: 'x'.repeat(300) })], NOW, en)).toHaveLength(127);
  });
});

describe('tray menu', () => {
  const base = { now: NOW, tr: en, startAtLogin: false, platform: 'linux' as const };

  it("puts a single profile at the top level with the copy formats its provider's APIs accept", () => {
    const menu = buildTrayMenu({ ...base, views: [view()] });
    expect(labels(menu)).toEqual([
      'ERNIE dev: Valid, expires in 29d 4h',
      'Copy token',
      'Copy as URL parameter',
      'Copy as curl example',
      'Refresh now',
      '---',
      'Open TokenTray',
      'Start at login',
      '---',
      'Quit TokenTray',
    ]);
    expect(menu[0]?.enabled).toBe(false);
    expect(menu.slice(1, 4).map((item) => item.action)).toEqual([
      { type: 'copy', profileId: 'p1', format: 'raw' },
      { type: 'copy', profileId: 'p1', format: 'url' },
      { type: 'copy', profileId: 'p1', format: 'curl' },
    ]);
  });

  it('offers a header, not a URL parameter, for providers that read the token from a header', () => {
    const feishu = view({ provider: 'feishu', usage: { style: 'bearer', name: 'Authorization' } });
    expect(labels(buildTrayMenu({ ...base, views: [feishu] })).slice(1, 4)).toEqual([
      'Copy token',
      'Copy as Authorization header',
      'Copy as curl example',
    ]);
  });

  it('adds a PowerShell line on Windows and says which shells the curl line is for', () => {
    const menu = buildTrayMenu({ ...base, platform: 'win32', views: [view()] });
    expect(labels(menu).slice(1, 5)).toEqual([
      'Copy token',
      'Copy as URL parameter',
      'Copy as curl example (bash, zsh)',
      'Copy as PowerShell example',
    ]);
    expect(menu[4]?.action).toEqual({ type: 'copy', profileId: 'p1', format: 'powershell' });
  });

  it('gives several profiles a submenu each, labelled with their state', () => {
    const menu = buildTrayMenu({
      ...base,
      views: [view(), view({ id: 'p2', name: 'Prod', status: 'expired', expiresAt: NOW - DAY })],
    });
    expect(labels(menu).slice(0, 2)).toEqual(['ERNIE dev — Valid, expires in 29d 4h', 'Prod — Expired 1d ago']);
    expect(menu[1]?.submenu?.[4]).toMatchObject({ label: 'Refresh now', action: { type: 'refresh', profileId: 'p2' } });
  });

  it('keeps fifty profiles or more from being a wall: pinned and recent first, the rest by name in groups', () => {
    const many = Array.from({ length: 120 }, (_, i) =>
      view({ id: `p${i}`, name: `Profile ${String(i).padStart(3, '0')}` }),
    );
    many[7] = view({ id: 'p7', name: 'Profile 007', error: failure('invalid_credentials', false) });
    const menu = buildTrayMenu({ ...base, views: many, pinnedId: 'p42', recentIds: ['p42', 'p3', 'gone', 'p99'] });
    // Pinned, then recently used (an id no longer there is skipped), then attention and everything.
    expect(labels(menu).slice(0, 6)).toEqual([
      'Profile 042 — Valid, expires in 29d 4h',
      'Profile 003 — Valid, expires in 29d 4h',
      'Profile 099 — Valid, expires in 29d 4h',
      '---',
      'Needs attention (1)',
      'All profiles (120)',
    ]);
    expect(menu[0]?.submenu?.[1]?.action).toEqual({ type: 'copy', profileId: 'p42', format: 'raw' });
    expect(labels(menu[4]?.submenu ?? [])).toEqual(['Profile 007 — Refresh failed: keys rejected']);
    const groups = menu[5]?.submenu ?? [];
    expect(labels(groups)).toEqual([
      'Profile 000 … Profile 049',
      'Profile 050 … Profile 099',
      'Profile 100 … Profile 119',
    ]);
    expect(groups.flatMap((group) => group.submenu ?? [])).toHaveLength(120);
    // Under fifty nothing changes: a submenu each, in the engine's order.
    const fewer = buildTrayMenu({ ...base, views: many.slice(0, 49), pinnedId: 'p42', recentIds: ['p3'] });
    expect(labels(fewer)[0]).toBe('Profile 000 — Valid, expires in 29d 4h');
    expect(fewer.filter((item) => item.type === 'submenu')).toHaveLength(49);
    // The top is at most ten profiles, and Chinese labels too.
    const recent = many.map((v) => v.id);
    const zhMenu = buildTrayMenu({ ...base, tr: zh, views: many, recentIds: recent });
    expect(zhMenu.findIndex((item) => item.type === 'separator')).toBe(10);
    expect(labels(zhMenu)).toContain('全部配置（120）');
  });

  it('leads to adding a key when there is none', () => {
    const menu = buildTrayMenu({ ...base, views: [] });
    expect(labels(menu).slice(0, 2)).toEqual(['No profiles yet', 'Add a key…']);
    expect(menu[1]?.action).toEqual({ type: 'open' });
  });

  it('disables copying when the keys must be entered again, and refresh while refreshing', () => {
    const menu = buildTrayMenu({ ...base, views: [view({ needsCredentials: true, refreshing: true })] });
    expect(menu.slice(1, 5).map((item) => item.enabled)).toEqual([false, false, false, false]);
  });

  it('names the header each provider reads the token from', () => {
    const dingtalk = view({
      provider: 'dingtalk',
      tokenUrl: 'https://api.dingtalk.com/v1.0/oauth2/accessToken',
      usage: { style: 'header', name: 'x-acs-dingtalk-access-token' },
    });
    expect(buildTrayMenu({ ...base, views: [dingtalk] })[2]?.label).toBe('Copy as x-acs-dingtalk-access-token header');
  });

  it('ticks "Start at login" when it is on', () => {
    const menu = buildTrayMenu({ ...base, views: [], startAtLogin: true });
    expect(menu.find((item) => item.type === 'checkbox')).toMatchObject({
      checked: true,
      action: { type: 'toggle-login' },
    });
  });

  it('keeps "&" in profile names literal on Windows', () => {
    const menu = buildTrayMenu({ ...base, platform: 'win32', views: [view({ name: 'R&D' })] });
    expect(menu[0]?.label).toBe('R&&D: Valid, expires in 29d 4h');
    expect(buildTrayMenu({ ...base, views: [view({ name: 'R&D' })] })[0]?.label).toBe('R&D: Valid, expires in 29d 4h');
  });

  it('speaks Simplified Chinese', () => {
    expect(labels(buildTrayMenu({ ...base, tr: zh, views: [view()] })).slice(1, 5)).toEqual([
      '复制令牌',
      '复制为 URL 参数',
      '复制为 curl 示例',
      '立即刷新',
    ]);
  });
});
