import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../main/core/index.ts';
import { createAesGcmCipher } from '../support/aes-gcm-cipher.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';

const CHILD = join(import.meta.dirname, '../support/durability-child.ts');
const TRIALS = 12;

let server: FakeTokenServer;
beforeAll(async () => {
  server = await startFakeTokenServer();
});
afterAll(async () => {
  await server.close();
});

/** Runs the engine in a child, kills it with SIGKILL mid-work, returns what it acknowledged and what is on disk. */
async function killedMidWork(killAfterMs: number, mode: '' | 'journal' = '') {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-kill-'));
  const key = randomBytes(32);
  const acknowledged = new Map<string, string>();
  const child = fork(CHILD, [dir, key.toString('hex'), server.baiduUrl, '4', mode], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve) => {
    child.on('message', (message: { type: string; id: string; token: string }) => {
      if (message.type === 'ready') setTimeout(() => resolve(), killAfterMs);
      if (message.type === 'acknowledged') acknowledged.set(message.id, message.token);
    });
  });
  child.kill('SIGKILL');
  await exited;
  if (mode === 'journal') {
    // What a restart reads back: the store with the journal applied over it.
    const service = createTokenService({
      store: new Conf({ cwd: dir, configName: 'config', configFileMode: 0o600 }),
      cipher: createAesGcmCipher(key),
      journalFile: join(dir, 'tokens.journal'),
      http: { timeoutMs: 1 },
    });
    const onDisk = new Map<string, string>();
    for (const view of service.listProfiles()) {
      const token = await service.getToken(view.id).catch(() => undefined);
      if (token) onDisk.set(view.id, token);
    }
    await service.close();
    rmSync(dir, { recursive: true, force: true });
    return { acknowledged, onDisk };
  }
  const stored = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
    profiles: { id: string; token?: { value: string } }[];
  };
  const cipher = createAesGcmCipher(key);
  const onDisk = new Map<string, string>();
  for (const profile of stored.profiles) {
    if (profile.token) onDisk.set(profile.id, await cipher.decrypt(profile.token.value));
  }
  rmSync(dir, { recursive: true, force: true });
  return { acknowledged, onDisk };
}

/** TRIALS kills at random moments: how many acknowledged tokens were checked, and those lost. */
async function killTrials(mode: '' | 'journal') {
  let checked = 0;
  const lost: string[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const { acknowledged, onDisk } = await killedMidWork(10 + Math.floor(Math.random() * 150), mode);
    for (const [id, token] of acknowledged) {
      checked += 1;
      // The disk may hold a newer token than the last one acknowledged, never an older one.
      const saved = onDisk.get(id);
      if (saved === undefined || server.issued.indexOf(saved) < server.issued.indexOf(token)) lost.push(token);
    }
  }
  return { checked, lost };
}

describe('durability', () => {
  it('loses no token it has handed out when the process is killed at any moment', async () => {
    const { checked, lost } = await killTrials('');
    expect(checked).toBeGreaterThan(TRIALS);
    expect(lost).toEqual([]);
  }, 60_000);

  it('loses none either when refreshes go to the journal (tokentray-server)', async () => {
    const { checked, lost } = await killTrials('journal');
    expect(checked).toBeGreaterThan(TRIALS);
    expect(lost).toEqual([]);
  }, 90_000);
});
