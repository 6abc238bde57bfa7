import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenService } from '../../main/core/index.ts';
import { createAesGcmCipher } from '../support/aes-gcm-cipher.ts';
import { API_KEY, createEngineFixture, type EngineFixture, SECRET_KEY } from '../support/engine-fixture.ts';

let fx: EngineFixture;
beforeEach(async () => {
  fx = await createEngineFixture();
});
afterEach(async () => {
  await fx.dispose();
});

describe('recovering from damage', () => {
  it('moves an unreadable settings file aside, reports it and starts empty', async () => {
    await fx.service.close();
    writeFileSync(fx.temp.filePath, '{"profiles": [ {"id": "half-written');
    const opened = fx.temp.open();
    expect(opened.issue?.kind).toBe('file_moved_aside');
    const kept = readdirSync(fx.temp.dir).filter((name) => name.includes('.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(fx.temp.dir, kept[0] ?? ''), 'utf8')).toContain('half-written');
    const service = createTokenService({ store: opened.store, cipher: fx.cipher });
    expect(service.listProfiles()).toEqual([]);
    await service.close();
  });

  it('sets a damaged profile aside and keeps the healthy ones', async () => {
    const good = await fx.service.addProfile(fx.baiduInput({ name: 'healthy' }));
    await fx.service.refresh(good.id);
    await fx.service.close();
    const data = JSON.parse(readFileSync(fx.temp.filePath, 'utf8'));
    data.profiles.push({ id: 'broken', name: 'half', provider: 'baidu' });
    writeFileSync(fx.temp.filePath, JSON.stringify(data));

    const service = await fx.restart();
    expect(service.listProfiles().map((v) => v.name)).toEqual(['healthy']);
    expect(service.storeIssues()).toEqual([
      { kind: 'record_unreadable', detail: 'A damaged profile "half" was set aside, not deleted.' },
    ]);
    const saved = JSON.parse(readFileSync(fx.temp.filePath, 'utf8'));
    expect(saved.quarantine[0]).toMatchObject({ reason: 'unreadable profile', data: { id: 'broken' } });
  });

  it.each([
    ['WeChat', { provider: 'wechat', options: { endpoint: 'sideways' } }],
    ['OAuth 2.0', { provider: 'oauth2', tokenUrl: 'https://auth.example/token', options: { auth: 'digest' } }],
    ['Baidu IAM', { provider: 'baidu-iam', options: { expireInSeconds: 'a day' } }],
    ['DingTalk', { provider: 'dingtalk', options: { api: 'v3' } }],
    ['Feishu', { provider: 'feishu', options: { region: 'mars', extra: true } }],
    ['a token URL that is not a URL', { provider: 'baidu', tokenUrl: 'not a url', options: {} }],
  ])('sets aside a %s record whose options its provider does not know, and keeps working', async (_label, bad) => {
    const good = await fx.service.addProfile(fx.baiduInput({ name: 'healthy' }));
    await fx.service.refresh(good.id);
    await fx.service.close();
    const data = JSON.parse(readFileSync(fx.temp.filePath, 'utf8'));
    data.profiles.push({ ...data.profiles[0], id: 'odd', name: 'odd one', tokenUrl: undefined, ...bad });
    writeFileSync(fx.temp.filePath, JSON.stringify(data));

    const service = await fx.restart();
    expect(service.listProfiles().map((v) => v.name)).toEqual(['healthy']);
    await service.checkDue();
    expect(service.storeIssues()).toEqual([
      { kind: 'record_unreadable', detail: 'A damaged profile "odd one" was set aside, not deleted.' },
    ]);
    const saved = JSON.parse(readFileSync(fx.temp.filePath, 'utf8'));
    expect(saved.quarantine[0].data).toMatchObject({ id: 'odd', ...bad });
  });

  it.each([
    ['null', 'null'],
    ['a list', '[{"id":"x"}]'],
    ['a string', '"profiles"'],
    ['a number', '42'],
  ])('reports a settings file holding %s instead of opening it as empty, and keeps it', async (shape, text) => {
    await fx.service.close();
    writeFileSync(fx.temp.filePath, text);
    const opened = fx.temp.open();
    expect(opened.issue).toMatchObject({ kind: 'file_moved_aside' });
    expect(opened.issue?.detail).toContain(`held ${shape} instead of settings`);
    const kept = readdirSync(fx.temp.dir).filter((name) => name.includes('.corrupt-'));
    expect(readFileSync(join(fx.temp.dir, kept[0] ?? ''), 'utf8')).toBe(text);
  });

  it('does not empty a store written by a newer TokenTray: it sets the profiles aside', async () => {
    await fx.service.addProfile(fx.baiduInput());
    await fx.service.close();
    const data = JSON.parse(readFileSync(fx.temp.filePath, 'utf8'));
    writeFileSync(fx.temp.filePath, JSON.stringify({ ...data, schemaVersion: 99 }));
    const service = await fx.restart();
    expect(service.storeIssues()[0]?.kind).toBe('unknown_schema');
    const saved = JSON.parse(readFileSync(fx.temp.filePath, 'utf8'));
    expect(saved.quarantine[0].data).toEqual(data.profiles);
  });

  it('marks a profile whose keys cannot be decrypted as needing keys, and keeps it', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    await fx.service.close();
    // The keychain was reset: same file, a different key.
    const service = createTokenService({ store: fx.temp.open().store, cipher: createAesGcmCipher(), now: fx.now });
    expect(await service.getToken(id)).toBeUndefined();
    const view = service.getProfile(id);
    expect(view).toMatchObject({ needsCredentials: true, error: { code: 'credentials_unreadable', retryable: false } });
    expect(view?.nextRefreshAt).toBeUndefined();
    expect(fx.server.requests).toHaveLength(1);

    const fixed = await service.updateProfile(id, { apiKey: API_KEY, secretKey: SECRET_KEY });
    expect(fixed.needsCredentials).toBe(false);
    const refreshed = await service.refresh(id);
    expect(refreshed).toMatchObject({ status: 'valid', needsCredentials: false });
    await service.close();
  });
});
