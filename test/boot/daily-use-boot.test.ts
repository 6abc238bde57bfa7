import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportResult, NetworkInfo } from '../../main/contract/ipc.ts';
import type { ImportPreview } from '../../main/contract/transfer.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { useBootBed } from '../support/headless/boot-bed.ts';
import { answerOf, type BootedApp, type BootOptions, bootApp, testProfile } from '../support/headless/boot-harness.ts';
import { makePrivateCa } from '../support/private-ca.ts';
import { startConnectProxy, type TestProxy } from '../support/proxies.ts';

/**
 * Issue 13 in the built app (dist/main under the stand-in electron): corporate networks, moving
 * profiles, the global shortcut and updates, driven through the window's preload API and the tray.
 */

let dir: string;
let server: FakeTokenServer;
let options: BootOptions;
let app: BootedApp;
let inspected: FakeTokenServer;
let corp: TestProxy;
const ca = makePrivateCa();

useBootBed(
  'tokentray-daily-',
  (bed) => {
    ({ dir, server, options } = bed);
  },
  () => app,
);
beforeAll(async () => {
  inspected = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY }, tls: ca });
  corp = await startConnectProxy();
  app = await bootApp(options);
  await app.until((s) => expect(s.windows[0]?.exposed).toEqual(['tokentray']));
});
afterAll(async () => {
  await inspected?.close();
  await corp?.close();
});

describe('corporate networks in the built app', () => {
  it('goes through the system proxy and trusts the company CA chosen in Settings', async () => {
    // The OS says: use the corporate proxy (what Chromium's resolver reads from system settings or PAC).
    await app.call('setProxyPac', `PROXY ${new URL(corp.url).host}; DIRECT`);
    const view = await answerOf<ProfileView>(
      app.api('addProfile', testProfile('inspected', 'baidu', inspected.baiduUrl)),
    );
    const refused = await answerOf<ProfileView>(app.api('refresh', view.id));
    expect(refused.error).toMatchObject({ code: 'network_error', messageKey: 'network_tls' });

    const file = join(dir, 'company-ca.pem');
    writeFileSync(file, ca.caPem);
    await app.call('answerDialogs', file);
    const info = await answerOf<NetworkInfo>(app.api('chooseCaFile'));
    expect(info).toMatchObject({ caFile: file, problem: null, subjects: ['CN=TokenTray Test Inspection CA'] });
    expect(info.systemProxy).toBe(`PROXY ${new URL(corp.url).host}; DIRECT`);
    expect((await answerOf<ProfileView>(app.api('refresh', view.id))).status).toBe('valid');
    expect(corp.tunnels).toContain(new URL(inspected.baiduUrl).host);

    // A profile set to Direct bypasses the proxy the OS names; a proxy that is gone has its own error.
    const before = corp.tunnels.length;
    await answerOf(app.api('updateProfile', view.id, { proxy: 'direct' }));
    expect((await answerOf<ProfileView>(app.api('refresh', view.id))).status).toBe('valid');
    expect(corp.tunnels).toHaveLength(before);
    await answerOf(app.api('updateProfile', view.id, { proxy: 'http://127.0.0.1:9' }));
    const gone = await answerOf<ProfileView>(app.api('refresh', view.id));
    expect(gone.error).toMatchObject({ code: 'proxy_error', messageKey: 'proxy_unreachable' });
    await answerOf(app.api('updateProfile', view.id, { proxy: 'system' }));
    // Removing the CA file takes the trust away again.
    expect(await answerOf<NetworkInfo>(app.api('clearCaFile'))).toMatchObject({ caFile: '', subjects: [] });
    expect((await answerOf<ProfileView>(app.api('refresh', view.id))).error).toMatchObject({
      messageKey: 'network_tls',
    });
    expect(await answerOf<NetworkInfo>(app.api('networkInfo'))).toMatchObject({ caFile: '', problem: null });
  });

  it('says a development run does not update itself, and looks for nothing', async () => {
    expect(await answerOf(app.api('updateInfo'))).toEqual({ state: 'unsupported', reason: 'not_packaged' });
    expect(await answerOf(app.api('checkForUpdate'))).toEqual({ state: 'unsupported', reason: 'not_packaged' });
  });
});

describe('moving profiles in the built app', () => {
  it('exports with sealed keys through the save dialog and imports them back through the open dialog', async () => {
    const prod = await answerOf<ProfileView>(
      app.api('addProfile', testProfile('ERNIE prod', 'baidu', server.baiduUrl)),
    );
    const file = join(dir, 'moving.json');
    await app.call('answerDialogs', file);
    expect(await answerOf(app.api('exportProfiles', [prod.id], { passphrase: 'correct horse battery' }))).toEqual({
      path: file,
      count: 1,
    });
    const text = readFileSync(file, 'utf8');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(text).not.toContain(SECRET_KEY);
    expect(JSON.parse(text)).toMatchObject({ format: 'tokentray-profiles', version: 1, app: 'TokenTray 0.1.0' });
    const state = await app.state();
    expect(state.dialogs.at(-1)).toMatchObject({ kind: 'save' });

    await app.call('answerDialogs', file);
    const preview = await answerOf<ImportPreview>(app.api('openImport'));
    expect(preview.entries[0]).toMatchObject({ proposedName: 'ERNIE prod (2)', conflict: true, hasKeys: false });
    const unlocked = await answerOf<ImportPreview>(app.api('unlockImport', preview.ticket, 'correct horse battery'));
    expect(unlocked.entries[0]?.hasKeys).toBe(true);
    const result = await answerOf<ImportResult>(
      app.api('applyImport', preview.ticket, [{ index: 0, name: 'ERNIE prod (2)' }]),
    );
    expect(result.added.map((v) => v.name)).toEqual(['ERNIE prod (2)']);
    const copy = await answerOf<ProfileView>(app.api('refresh', result.added[0]?.id));
    expect(copy.status).toBe('valid');
    // A file from a newer TokenTray is refused with its own message.
    writeFileSync(file, JSON.stringify({ format: 'tokentray-profiles', version: 9, profiles: [] }));
    await app.call('answerDialogs', file);
    expect(await app.api('openImport')).toMatchObject({ ok: false, error: { code: 'import_newer_version' } });
  });
});

describe('the global shortcut in the built app', () => {
  it('registers the chosen shortcut, copies the pinned token when pressed, and refuses one another app holds', async () => {
    const views = await answerOf<ProfileView[]>(app.api('listProfiles'));
    const prod = views.find((v) => v.name === 'ERNIE prod');
    await answerOf(app.api('setSettings', { shortcut: 'CommandOrControl+Shift+T', pinnedProfileId: prod?.id }));
    expect((await app.state()).shortcuts).toEqual(['CommandOrControl+Shift+T']);
    const before = (await app.state()).notifications.length;
    expect(await app.call('pressShortcut', 'CommandOrControl+Shift+T')).toBe(true);
    const copied = await app.until((s) => expect(s.notifications.length).toBe(before + 1));
    expect(copied.notifications.at(-1)?.body).toBe('ERNIE prod: token copied; the clipboard is cleared in 60 s.');
    const token = copied.clipboard.text;
    expect(token).toMatch(/^24\./);
    await app.tray('ERNIE prod', 'Copy token');
    expect((await app.state()).clipboard.text).toBe(token);

    await app.call('takeShortcut', 'Alt+F9');
    expect(await app.api('setSettings', { shortcut: 'Alt+F9' })).toMatchObject({
      ok: false,
      error: { code: 'shortcut_taken' },
    });
    expect(await answerOf(app.api('shortcutInfo'))).toMatchObject({
      accelerator: 'CommandOrControl+Shift+T',
      registered: true,
    });
  });
});
