import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_VERSION } from '../../../main/contract/transfer.ts';
import { freeName, readExportFile } from '../../../main/core/transfer.ts';
import { createDesktopFixture, type DesktopFixture } from '../../support/desktop-fixture.ts';
import { API_KEY, SECRET_KEY } from '../../support/engine-fixture.ts';
import { useStartedDesktop } from '../../support/started-desktop.ts';

/** Export and import through the desktop's commands, with the real engine, files and dialogs answered. */
let t: DesktopFixture;
useStartedDesktop(
  (fixture) => {
    t = fixture;
  },
  () => t,
);

const PASSPHRASE = 'correct horse battery';

async function addTwo() {
  const base = { provider: 'baidu', apiKey: API_KEY, secretKey: SECRET_KEY, tokenUrl: t.fx.server.baiduUrl };
  const a = await t.fx.service.addProfile({ ...base, name: 'ERNIE prod', cron: '0 9 * * *', refreshMarginMs: 600_000 });
  const b = await t.fx.service.addProfile({ ...base, name: 'ERNIE test', proxy: 'direct' });
  return [a, b] as const;
}

describe('export', () => {
  it('writes settings without keys or tokens, owner-readable, and a passphrase seals the keys', async () => {
    const [a, b] = await addTwo();
    await t.fx.service.refresh(a.id);
    const plain = join(t.fx.temp.dir, 'plain.json');
    t.dialogAnswers.push(plain);
    expect(await t.desktop.handlers['profiles:export']([a.id, b.id], {})).toEqual({ path: plain, count: 2 });
    const text = readFileSync(plain, 'utf8');
    expect(statSync(plain).mode & 0o777).toBe(0o600);
    for (const secret of [API_KEY, SECRET_KEY, t.fx.server.issued[0] ?? 'x']) expect(text).not.toContain(secret);
    expect(readExportFile(text).profiles).toEqual([
      {
        name: 'ERNIE prod',
        provider: 'baidu',
        options: {},
        tokenUrl: t.fx.server.baiduUrl,
        cron: '0 9 * * *',
        refreshMarginMs: 600_000,
      },
      { name: 'ERNIE test', provider: 'baidu', options: {}, tokenUrl: t.fx.server.baiduUrl, proxy: 'direct' },
    ]);

    const sealed = join(t.fx.temp.dir, 'sealed.json');
    t.dialogAnswers.push(sealed);
    await t.desktop.handlers['profiles:export']([a.id], { passphrase: PASSPHRASE });
    const sealedText = readFileSync(sealed, 'utf8');
    expect(sealedText).not.toContain(SECRET_KEY);
    expect(readExportFile(sealedText).secrets).toMatchObject({ kdf: 'scrypt', N: 131_072, cipher: 'aes-256-gcm' });
    await expect(t.desktop.handlers['profiles:export']([a.id], { passphrase: 'short' })).rejects.toMatchObject({
      code: 'export_passphrase_short',
    });
    // Cancelling the dialog writes nothing.
    t.dialogAnswers.push(undefined);
    expect(await t.desktop.handlers['profiles:export']([a.id], {})).toEqual({ path: null, count: 0 });
  });
});

describe('import', () => {
  it('previews, renames on a name clash, takes keys from the passphrase, and fetches tokens', async () => {
    const [a, b] = await addTwo();
    const file = join(t.fx.temp.dir, 'move.json');
    t.dialogAnswers.push(file);
    await t.desktop.handlers['profiles:export']([a.id, b.id], { passphrase: PASSPHRASE });

    // A new computer that already has an "ERNIE prod".
    const other = await createDesktopFixture();
    try {
      await other.desktop.start();
      await other.fx.service.addProfile({ name: 'ernie PROD', provider: 'baidu', apiKey: 'k', secretKey: 's' });
      other.dialogAnswers.push(file);
      const preview = await other.desktop.handlers['import:open']();
      expect(preview).toMatchObject({ encrypted: true, unlocked: false });
      expect(preview?.entries.map((e) => [e.proposedName, e.conflict, e.hasKeys])).toEqual([
        ['ERNIE prod (2)', true, false],
        ['ERNIE test', false, false],
      ]);
      const ticket = preview?.ticket ?? '';
      await expect(other.desktop.handlers['import:unlock'](ticket, 'wrong passphrase')).rejects.toMatchObject({
        code: 'import_passphrase_wrong',
      });
      const unlocked = await other.desktop.handlers['import:unlock'](ticket, PASSPHRASE);
      expect(unlocked.entries.every((e) => e.hasKeys)).toBe(true);
      const result = await other.desktop.handlers['import:apply'](ticket, [
        { index: 0, name: 'ERNIE prod (2)' },
        { index: 1, name: 'ERNIE test' },
      ]);
      expect(result.failed).toEqual([]);
      expect(other.fx.service.listProfiles().map((v) => v.name)).toEqual([
        'ernie PROD',
        'ERNIE prod (2)',
        'ERNIE test',
      ]);
      const imported = result.added[0];
      expect(imported).toMatchObject({ cron: '0 9 * * *', refreshMarginMs: 600_000 });
      expect((await other.fx.service.refresh(imported?.id ?? '')).status).toBe('valid');
      // The ticket is spent: a second apply cannot add them twice.
      await expect(other.desktop.handlers['import:apply'](ticket, [{ index: 1, name: 'x' }])).rejects.toMatchObject({
        code: 'import_expired',
      });
    } finally {
      await other.fx.dispose();
    }
  });

  it('asks for keys a plain file lacks, refuses a taken name, and never replaces a profile', async () => {
    const [a] = await addTwo();
    const file = join(t.fx.temp.dir, 'plain.json');
    t.dialogAnswers.push(file);
    await t.desktop.handlers['profiles:export']([a.id], {});
    t.dialogAnswers.push(file);
    const preview = await t.desktop.handlers['import:open']();
    const result = await t.desktop.handlers['import:apply'](preview?.ticket ?? '', [{ index: 0, name: 'ERNIE test' }]);
    expect(result.failed).toEqual([
      { index: 0, name: 'ERNIE test', code: 'import_name_taken', messageKey: 'app.import_name_taken' },
    ]);
    t.dialogAnswers.push(file);
    const again = await t.desktop.handlers['import:open']();
    const noKeys = await t.desktop.handlers['import:apply'](again?.ticket ?? '', [{ index: 0, name: 'copy' }]);
    expect(noKeys.failed[0]).toMatchObject({ field: 'apiKey', messageKey: 'input.key_required' });
    t.dialogAnswers.push(file);
    const third = await t.desktop.handlers['import:open']();
    const typed = await t.desktop.handlers['import:apply'](third?.ticket ?? '', [
      { index: 0, name: 'copy', apiKey: API_KEY, secretKey: SECRET_KEY },
    ]);
    expect(typed.added.map((v) => v.name)).toEqual(['copy']);
    expect(t.fx.service.listProfiles()).toHaveLength(3);
  });

  it('refuses malformed files and files from a newer version, importing nothing', async () => {
    const bad = join(t.fx.temp.dir, 'bad.json');
    for (const [content, code] of [
      ['{"format":"tokentray-profiles","version":1,"profiles":"nope"}', 'import_malformed'],
      ['not json at all', 'import_malformed'],
      [
        JSON.stringify({ format: 'tokentray-profiles', version: EXPORT_VERSION + 1, profiles: [] }),
        'import_newer_version',
      ],
    ] as const) {
      writeFileSync(bad, content);
      t.dialogAnswers.push(bad);
      await expect(t.desktop.handlers['import:open']()).rejects.toMatchObject({ code });
    }
    expect(t.fx.service.listProfiles()).toEqual([]);
    expect(freeName('a', new Set(['a', 'a (2)']))).toBe('a (3)');
  });
});
