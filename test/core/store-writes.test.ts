import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type KeyValueStore, StoreWriteError } from '../../main/core/index.ts';
import { createEngineFixture, type EngineFixture } from '../support/engine-fixture.ts';

let fx: EngineFixture;
beforeEach(async () => {
  fx = await createEngineFixture();
});
afterEach(async () => {
  await fx.dispose();
});

/** The token the store file holds for a profile, decrypted. */
async function tokenOnDisk(id: string): Promise<string | undefined> {
  const stored = JSON.parse(readFileSync(fx.temp.filePath, 'utf8')) as {
    profiles: { id: string; token?: { value: string } }[];
  };
  const value = stored.profiles.find((p) => p.id === id)?.token?.value;
  return value === undefined ? undefined : fx.cipher.decrypt(value);
}

/** The real store, counting whole-file writes. */
function countingStore(store: KeyValueStore) {
  const counted = {
    writes: 0,
    get: (key: string, fallback?: unknown) => store.get(key, fallback),
    set(key: string, value: unknown) {
      counted.writes += 1;
      store.set(key, value);
    },
    delete: (key: string) => store.delete(key),
  };
  return counted;
}

describe('writing the store', () => {
  it('has a token on disk before refresh() or getToken() hands it out', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    expect(await tokenOnDisk(id)).toBe(fx.server.issued[0]);
    await fx.service.refresh(id);
    const token = await fx.service.getToken(id);
    expect(await tokenOnDisk(id)).toBe(token);
  });

  it('has an edit on disk before it is confirmed', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    expect(readFileSync(fx.temp.filePath, 'utf8')).toContain(id);
    await fx.service.updateProfile(id, { name: 'renamed' });
    expect(readFileSync(fx.temp.filePath, 'utf8')).toContain('renamed');
    await fx.service.removeProfile(id);
    expect(readFileSync(fx.temp.filePath, 'utf8')).not.toContain(id);
  });

  it('writes changes made together once, not once each', async () => {
    const store = countingStore(fx.temp.store);
    const service = await fx.restart({ store });
    const views = await Promise.all(
      Array.from({ length: 30 }, (_, i) => service.addProfile(fx.baiduInput({ name: `p${i}` }))),
    );
    expect(store.writes).toBe(1);
    expect(JSON.parse(readFileSync(fx.temp.filePath, 'utf8')).profiles).toHaveLength(30);
    await Promise.all(views.map((v) => service.refresh(v.id)));
  });

  it('keeps working when the disk refuses a write, says so, and saves once it can again', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput({ name: 'kept' }));
    await fx.service.refresh(id);
    const seen: number[] = [];
    fx.service.onChange((views) => seen.push(views.length));
    // The settings file replaced by a directory: every write now fails with EISDIR.
    rmSync(fx.temp.filePath);
    mkdirSync(fx.temp.filePath);

    const view = await fx.service.refresh(id);
    expect(view.status).toBe('valid');
    expect(await fx.service.getToken(id)).toBe(fx.server.issued[1]);
    expect(fx.service.storeIssues()).toEqual([{ kind: 'write_failed', detail: 'EISDIR' }]);
    expect(seen.length).toBeGreaterThan(0);

    // An edit that cannot be saved is not made, and the caller hears why.
    const refused = await fx.service.addProfile(fx.baiduInput({ name: 'not saved' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreWriteError);
    expect(refused).toMatchObject({ code: 'store_write_failed', reason: 'EISDIR' });
    const renamed = await fx.service.updateProfile(id, { name: 'renamed' }).catch((e: unknown) => e);
    expect(renamed).toBeInstanceOf(StoreWriteError);
    const removed = await fx.service.removeProfile(id).catch((e: unknown) => e);
    expect(removed).toBeInstanceOf(StoreWriteError);
    expect(fx.service.listProfiles().map((v) => v.name)).toEqual(['kept']);

    // The disk works again: the retry saves the token that was only in memory.
    rmSync(fx.temp.filePath, { recursive: true });
    await vi.waitFor(() => expect(fx.service.storeIssues()).toEqual([]), { timeout: 10_000, interval: 100 });
    expect(await tokenOnDisk(id)).toBe(fx.server.issued[1]);
  });

  it('quits at once with a token request hanging, and records no failure for it', async () => {
    const service = await fx.restart({ http: { timeoutMs: 120_000 } });
    fx.server.behave({ type: 'hang' });
    const { id } = await service.addProfile(fx.baiduInput());
    await vi.waitFor(() => expect(fx.server.requests).toHaveLength(1));
    const pending = service.refresh(id).catch((e: unknown) => e);
    await service.close();
    await service.close();
    await pending;
    const saved = JSON.parse(readFileSync(fx.temp.filePath, 'utf8')).profiles[0];
    expect(saved).toMatchObject({ id, consecutiveFailures: 0 });
    expect(saved.lastError).toBeUndefined();
    await expect(service.refresh(id)).rejects.toThrow(/closed/);
  });
});
