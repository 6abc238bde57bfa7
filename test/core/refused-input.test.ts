import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineFixture, type EngineFixture } from '../support/engine-fixture.ts';

/** Input that should be refused is refused, and a damaged or half-written store is said, not smoothed over. */
let fx: EngineFixture;
beforeEach(async () => {
  fx = await createEngineFixture();
});
afterEach(async () => {
  await fx.dispose();
});

describe('input that is not plain data', () => {
  it('refuses provider options that carry their own __proto__ key instead of storing {}', async () => {
    const options = JSON.parse('{"__proto__": {"endpoint": "classic"}}') as Record<string, unknown>;
    await expect(fx.service.addProfile(fx.baiduInput({ options }))).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'options',
      messageKey: 'input.not_plain_data',
    });
    expect(fx.service.listProfiles()).toEqual([]);
  });

  it('refuses a Date, Map or Error as a patch instead of taking it as an empty one', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    for (const patch of [new Date(), new Map([['name', 'x']]), new Error('name')]) {
      await expect(fx.service.updateProfile(id, patch as never)).rejects.toMatchObject({
        code: 'invalid_input',
        messageKey: 'input.not_plain_data',
      });
    }
    await expect(fx.service.updateProfile(id, { options: new Map() } as never)).rejects.toMatchObject({
      field: 'options',
    });
    expect(fx.service.getProfile(id)?.name).toBe('ERNIE dev');
  });
});

describe('a store that was damaged or cut short', () => {
  it('reports a second profile with the same id as a store issue and keeps the first', async () => {
    await fx.service.addProfile(fx.baiduInput({ name: 'first' }));
    await fx.service.close();
    const data = JSON.parse(readFileSync(fx.temp.filePath, 'utf8'));
    data.profiles.push({ ...data.profiles[0], name: 'copy' });
    writeFileSync(fx.temp.filePath, JSON.stringify(data));
    const service = await fx.restart();
    expect(service.listProfiles().map((view) => view.name)).toEqual(['first']);
    expect(service.storeIssues()).toEqual([
      { kind: 'record_unreadable', detail: 'A second profile "copy" with the same id was set aside, not deleted.' },
    ]);
  });

  it('removes the temporary files a kill during a write left, and nothing else', async () => {
    await fx.service.close();
    const left = ['config.json.tmp-1765000000a1b2c3', 'config.json.4242.tmp', 'settings.json.99.tmp'];
    const kept = ['config.json.corrupt-2026-01-01', 'notes.tmp', 'config.json.tmp-nothex'];
    for (const name of [...left, ...kept]) writeFileSync(join(fx.temp.dir, name), '{}');
    fx.temp.open();
    const names = readdirSync(fx.temp.dir);
    for (const name of left) expect(names).not.toContain(name);
    for (const name of kept) expect(names).toContain(name);
    expect(names).toContain('config.json');
  });
});
