import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenService, type TokenService } from '../../main/core/index.ts';
import { createAesGcmCipher } from '../support/aes-gcm-cipher.ts';
import { API_KEY, recordingLogger, SECRET_KEY } from '../support/engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { createTempStore } from '../support/temp-store.ts';

/**
 * tokentray-server's token journal over a real conf store: a refresh appends one line instead of
 * rewriting the store, a restart reads both back, the journal is folded in when it grows, and a
 * damaged or stale line can neither crash a start nor bring an older record back.
 */
const cipher = createAesGcmCipher();
let tokens: FakeTokenServer | undefined;
const temps: ReturnType<typeof createTempStore>[] = [];
const services: TokenService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  for (const temp of temps.splice(0)) temp.cleanup();
  await tokens?.close();
});

async function setUp(profiles: number) {
  tokens = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY } });
  const temp = createTempStore();
  temps.push(temp);
  const journalFile = join(temp.dir, 'tokens.journal');
  const logs: string[] = [];
  const open = () => {
    const service = createTokenService({
      store: temp.open().store,
      cipher,
      journalFile,
      logger: recordingLogger(logs),
    });
    services.push(service);
    return service;
  };
  const service = open();
  const ids: string[] = [];
  const base = { provider: 'baidu' as const, apiKey: API_KEY, secretKey: SECRET_KEY, tokenUrl: tokens.baiduUrl };
  for (let i = 0; i < profiles; i++) ids.push((await service.addProfile({ ...base, name: `p${i}` })).id);
  for (const id of ids) await service.getToken(id);
  return { temp, journalFile, open, service, ids, logs };
}

const size = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

describe('the token journal', () => {
  it('takes a refresh as one line, whatever the number of profiles, and leaves the store alone', async () => {
    const perRefresh: number[] = [];
    for (const count of [10, 200]) {
      const { temp, journalFile, service, ids } = await setUp(count);
      const store = readFileSync(temp.filePath, 'utf8');
      const before = size(journalFile);
      for (const id of ids.slice(0, 5))
        await service.refresh(id, { rejectedToken: (await service.getToken(id)) ?? '' });
      expect(readFileSync(temp.filePath, 'utf8')).toBe(store);
      const lines = readFileSync(journalFile, 'utf8').trim().split('\n').slice(-5);
      expect(lines.map((line) => (JSON.parse(line) as { r: { id: string } }).r.id)).toEqual(ids.slice(0, 5));
      perRefresh.push((size(journalFile) - before) / 5);
      for (const service of services.splice(0)) await service.close();
      await tokens?.close();
      tokens = undefined;
    }
    // Bytes per refresh do not grow with the number of profiles (within a few bytes of names).
    expect(Math.abs((perRefresh[1] ?? 0) - (perRefresh[0] ?? 0))).toBeLessThan(16);
    expect(perRefresh[0]).toBeLessThan(2_000);
  });

  it('is read back at start over the store, then folded into it', async () => {
    const { temp, journalFile, open, service, ids } = await setUp(3);
    await service.refresh(ids[1] ?? '', { rejectedToken: (await service.getToken(ids[1] ?? '')) ?? '' });
    const newest = tokens?.issued.at(-1);
    await service.close();
    expect(size(journalFile)).toBeGreaterThan(0);
    const again = open();
    expect(await again.getToken(ids[1] ?? '')).toBe(newest);
    // Folded into the store at start: the journal is empty and the store alone holds the token.
    await again.close();
    expect(size(journalFile)).toBe(0);
    expect(readFileSync(temp.filePath, 'utf8')).toContain(ids[1] ?? 'none');
    const third = open();
    expect(await third.getToken(ids[1] ?? '')).toBe(newest);
  });

  it('applies a line only over an older revision, drops a cut-short last line, and sets a damaged one aside', async () => {
    const { journalFile, open, service, ids } = await setUp(2);
    const [a = '', b = ''] = ids;
    await service.refresh(a, { rejectedToken: (await service.getToken(a)) ?? '' });
    const fresh = tokens?.issued.at(-1);
    await service.close();
    const lines = readFileSync(journalFile, 'utf8').trim().split('\n');
    const line = JSON.parse(lines.at(-1) ?? '{}') as { r: { id: string; rev: number } };
    // A stale copy of the line (an older revision, as a crash between rewriting the store and
    // emptying the journal leaves), a damaged line, and a last line cut short by a kill.
    const stale = JSON.stringify({ r: { ...line.r, rev: line.r.rev - 1, token: undefined } });
    writeFileSync(journalFile, `${lines.join('\n')}\n${stale}\n{"r": not json}\n`);
    appendFileSync(journalFile, '{"r": {"id": "cut');
    const again = open();
    expect(await again.getToken(a)).toBe(fresh);
    expect(await again.getToken(b)).toBeDefined();
    expect(again.storeIssues()).toEqual([
      { kind: 'record_unreadable', detail: 'A damaged line of the token journal was set aside, not deleted.' },
    ]);
  });

  it('folds itself into the store once it outgrows it', async () => {
    const { temp, journalFile, service, ids } = await setUp(1);
    const [id = ''] = ids;
    // 1 MiB of lines at the least: a few thousand refreshes of one profile.
    let rewrites = 0;
    let storeSize = size(temp.filePath);
    for (let i = 0; i < 2_500 && rewrites === 0; i++) {
      await service.refresh(id, { rejectedToken: (await service.getToken(id)) ?? '' });
      if (size(journalFile) < 1_000) {
        rewrites += 1;
        storeSize = size(temp.filePath);
      }
    }
    expect(rewrites).toBe(1);
    expect(storeSize).toBeGreaterThan(0);
    expect(readFileSync(temp.filePath, 'utf8')).toContain('"rev"');
  }, 120_000);
});
