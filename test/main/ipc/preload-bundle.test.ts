import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TokenTrayApi } from '../../../main/contract/api.ts';
import { EVENTS, INVOKE_CHANNELS } from '../../../main/contract/ipc.ts';

const EVENT_CHANNELS = Object.keys(EVENTS);

const ROOT = join(import.meta.dirname, '../../..');
let code = '';

beforeAll(() => {
  // Built by test/global-setup.ts with the same script `npm start` uses.
  code = readFileSync(join(ROOT, 'dist/preload/preload.cjs'), 'utf8');
});

/** Runs the built preload the way a sandboxed renderer does: only `require('electron')` works. */
function loadPreload() {
  const exposed: Record<string, unknown> = {};
  const invoked: unknown[][] = [];
  const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    ipcRenderer: {
      invoke: (...args: unknown[]) => {
        invoked.push(args);
        return Promise.resolve({ ok: true, value: null });
      },
      on: (channel: string, fn: (...args: unknown[]) => void) =>
        listeners.set(channel, [...(listeners.get(channel) ?? []), fn]),
      removeListener: (channel: string, fn: unknown) =>
        listeners.set(
          channel,
          (listeners.get(channel) ?? []).filter((f) => f !== fn),
        ),
    },
  };
  const module = { exports: {} };
  runInNewContext(code, {
    module,
    exports: module.exports,
    require: (name: string) => {
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    },
  });
  return { api: exposed.tokentray as TokenTrayApi, exposed, invoked, listeners };
}

describe('the built preload', () => {
  it('is one self-contained file that requires nothing but electron', () => {
    expect([...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(code).not.toMatch(/\bimport\s/);
  });

  it('exposes named functions only, under one key', () => {
    const { exposed, api } = loadPreload();
    expect(Object.keys(exposed)).toEqual(['tokentray']);
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
    expect(Object.keys(api)).not.toContain('invoke');
    expect(Object.keys(api)).not.toContain('send');
  });

  it('maps each function to its contract channel', async () => {
    const { api, invoked } = loadPreload();
    await api.copy('p1', 'curl');
    await api.updateProfile('p1', { name: 'x' });
    await api.listProfiles();
    expect(invoked).toEqual([
      ['token:copy', 'p1', 'curl'],
      ['profiles:update', 'p1', { name: 'x' }],
      ['profiles:list'],
    ]);
    const used = new Set<string>();
    for (const fn of Object.values(api)) {
      invoked.length = 0;
      (fn as (...a: unknown[]) => unknown)('a', 'b');
      if (invoked[0]) used.add(invoked[0][0] as string);
    }
    expect([...used].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('passes event payloads to listeners without the IPC event, and unsubscribes', () => {
    const { api, listeners } = loadPreload();
    const received: unknown[][] = [];
    const off = api.onProfilesChanged((...args: unknown[]) => received.push(args));
    listeners.get('profiles:changed')?.[0]?.({ sender: 'ipc-event', ports: [] }, [{ id: 'p1' }]);
    expect(received).toEqual([[[{ id: 'p1' }]]]);
    off();
    expect(listeners.get('profiles:changed')).toEqual([]);
    api.onFocusProfile(() => undefined);
    api.onSettingsChanged(() => undefined);
    api.onStoreIssues(() => undefined);
    api.onTokenUsed(() => undefined);
    api.onTeamChanged(() => undefined);
    api.onUpdateChanged(() => undefined);
    expect([...listeners.keys()].sort()).toEqual([...EVENT_CHANNELS].sort());
  });
});
