import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkInfo } from '../../main/contract/ipc.ts';
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
    void server;
  });
});
