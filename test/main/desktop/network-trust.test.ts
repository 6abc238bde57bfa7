import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DesktopFixture } from '../../support/desktop-fixture.ts';
import { API_KEY, SECRET_KEY } from '../../support/engine-fixture.ts';
import { makePrivateCa } from '../../support/private-ca.ts';
import { useStartedDesktop } from '../../support/started-desktop.ts';

/** Settings → Network: a company CA file makes a TLS-inspected token server trusted, and only that. */
const ca = makePrivateCa();
let t: DesktopFixture;
useStartedDesktop(
  (fixture) => {
    t = fixture;
  },
  () => t,
  { server: { tls: ca }, systemProxy: 'PROXY proxy.corp.example:3128; DIRECT' },
);

describe('extra certificate authorities', () => {
  it('trusts a server signed by the chosen CA file, refuses files without certificates, and can be cleared', async () => {
    const h = t.desktop.handlers;
    const view = await t.fx.service.addProfile({
      name: 'inspected',
      provider: 'baidu',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      tokenUrl: t.fx.server.baiduUrl,
    });
    expect((await t.fx.service.refresh(view.id)).error).toMatchObject({ messageKey: 'network_tls' });

    const notPem = join(t.fx.temp.dir, 'notes.txt');
    writeFileSync(notPem, 'not a certificate');
    t.dialogAnswers.push(notPem);
    await expect(h['network:choose-ca']()).rejects.toMatchObject({ code: 'ca_file_invalid' });
    expect(t.settings.get().extraCaFile).toBe('');

    const file = join(t.fx.temp.dir, 'company-ca.pem');
    writeFileSync(file, ca.caPem);
    t.dialogAnswers.push(file);
    const info = await h['network:choose-ca']();
    expect(info).toMatchObject({ caFile: file, problem: null, systemProxy: 'PROXY proxy.corp.example:3128; DIRECT' });
    expect(info.subjects).toEqual(['CN=TokenTray Test Inspection CA']);
    expect((await t.fx.service.refresh(view.id)).status).toBe('valid');

    // Cancel changes nothing; a file gone by the next start is reported, not fatal.
    t.dialogAnswers.push(undefined);
    expect((await h['network:choose-ca']()).caFile).toBe(file);
    rmSync(file);
    await t.desktop.start();
    expect(await h['network:info']()).toMatchObject({ caFile: file, problem: 'ca_file_unreadable', subjects: [] });

    expect(await h['network:clear-ca']()).toMatchObject({ caFile: '', problem: null });
    expect((await t.fx.service.refresh(view.id)).error).toMatchObject({ messageKey: 'network_tls' });
  });
});
