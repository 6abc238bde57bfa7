import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type InvokeChannel, type InvokeHandlers } from '../../../main/contract/ipc.ts';
import { DEFAULT_SETTINGS } from '../../../main/contract/settings.ts';
import { ProfileInputError } from '../../../main/core/index.ts';
import { AppError } from '../../../main/desktop/app-error.ts';
import { createIpcGuard, isOwnPage, removeForeignListeners, type SenderEvent } from '../../../main/ipc/ipc-guard.ts';
import { PAGE_URL } from '../../../main/window/app-protocol.ts';
import { recordingLogger } from '../../support/engine-fixture.ts';
import { view } from '../../support/views.ts';

const API_STATUS = {
  endpoint: '/tmp/TokenTray/api/tokentray.sock',
  listening: true,
  tcpUrl: null,
  problem: null,
  secretFile: '/tmp/TokenTray/api/secret',
  cliPath: null,
};

const TEAM_INFO = {
  enabled: false,
  connection: null,
  problem: null,
  hasKey: false,
  hasPassword: false,
  member: 'me@host',
};

const NETWORK_INFO = { caFile: '', subjects: [], problem: null, systemProxy: 'DIRECT' };

/** An answer that fits each channel's contract. */
const ANSWERS: Record<InvokeChannel, unknown> = {
  'profiles:list': [],
  'profiles:add': view(),
  'profiles:update': view(),
  'profiles:remove': null,
  'profiles:refresh': view(),
  'profiles:test': { ok: true },
  'token:copy': { clearsInSeconds: 60 },
  'gateway:info': {
    profile: { id: 'p1', name: 'ERNIE' },
    provider: 'baidu',
    origins: ['https://aip.baidubce.com'],
    base: { socket: 'http://localhost/gw/ERNIE', tcp: null },
    snippets: [{ title: 'curl', text: 'curl …' }],
  },
  'token:reveal': { token: 't', hideAfterMs: 10_000 },
  'token:inspect': { kind: 'opaque', length: 12 },
  'settings:get': DEFAULT_SETTINGS,
  'settings:set': DEFAULT_SETTINGS,
  'app:environment': {
    platform: 'linux',
    locale: 'en',
    version: '0.1.0',
    secretProtection: { kind: 'unavailable' },
    storeIssues: [],
    providers: [],
  },
  'token:uses': { p1: [{ at: 1, via: 'cli', client: 'tokentray-cli/0.1.0 token' }] },
  'api:status': API_STATUS,
  'api:regenerate-secret': API_STATUS,
  'api:copy-secret': { clearsInSeconds: 60 },
  'team:info': TEAM_INFO,
  'team:set-secrets': TEAM_INFO,
  'team:new-key': { teamKey: 'tt-team-1.x' },
  'team:reveal-key': { teamKey: 'tt-team-1.x' },
  'profiles:export': { path: '/tmp/x.json', count: 1 },
  'import:open': null,
  'import:unlock': { ticket: 't', file: '/tmp/x.json', encrypted: true, unlocked: true, entries: [] },
  'import:apply': { added: [], failed: [] },
  'shortcut:info': { accelerator: '', registered: false, problem: null, wayland: false },
  'updates:info': { state: 'idle' },
  'updates:check': { state: 'current', checkedAt: 1 },
  'updates:install': null,
  'network:info': NETWORK_INFO,
  'network:choose-ca': NETWORK_INFO,
  'network:clear-ca': NETWORK_INFO,
};

const PAGE = PAGE_URL;
const window = { webContents: { id: 7 } };
const mainFrame = (url = PAGE) => ({ url, parent: null });
const event = (overrides: { senderId?: number; frame?: { url: string; parent: unknown } | null } = {}): SenderEvent =>
  ({
    sender: { id: overrides.senderId ?? 7 },
    senderFrame: overrides.frame === undefined ? mainFrame() : overrides.frame,
  }) as unknown as SenderEvent;

function setup(overrides: Partial<InvokeHandlers> = {}) {
  const calls: unknown[][] = [];
  const logs: string[] = [];
  const record =
    (name: InvokeChannel) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return ANSWERS[name];
    };
  const handlers = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, record(c)])) as unknown as InvokeHandlers;
  const guard = createIpcGuard({
    handlers: { ...handlers, ...overrides },
    isTrustedSender: (e) => isOwnPage(e, window, PAGE),
    logger: recordingLogger(logs),
  });
  return { guard, calls, logs };
}

const input = { name: 'x', provider: 'baidu', apiKey: 'a', secretKey: 'b' };

describe('the IPC guard', () => {
  it('passes a valid request from our page to its handler', async () => {
    const { guard, calls } = setup();
    expect(await guard.dispatch('token:copy', event(), ['p1', 'curl'])).toEqual({
      ok: true,
      value: { clearsInSeconds: 60 },
    });
    expect(calls).toEqual([['token:copy', 'p1', 'curl']]);
  });

  it('lets only what the contract names leave main: a field a view grew by mistake is dropped', async () => {
    const leaky = { ...view(), secretKey: 'sk-should-never-leave', token: { value: 'tok' } };
    const { guard } = setup({ 'profiles:list': () => [leaky] });
    const answer = await guard.dispatch('profiles:list', event(), []);
    expect(answer).toEqual({ ok: true, value: [view()] });
    expect(JSON.stringify(answer)).not.toContain('should-never-leave');
  });

  it('refuses an answer that breaks the contract, and says nothing of it to the page', async () => {
    const { guard, logs } = setup({ 'token:reveal': () => ({ token: 42 }) as never });
    expect(await guard.dispatch('token:reveal', event(), ['p1'])).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong; the log has details.' },
    });
    expect(logs.join()).toContain('ipc answer does not match the contract');
  });

  it.each([
    ['another webContents', event({ senderId: 8 })],
    ['a subframe', event({ frame: { url: PAGE, parent: {} } })],
    ['another page', event({ frame: mainFrame('https://evil.example/') })],
    ['another file', event({ frame: mainFrame('file:///tmp/evil.html') })],
    ['another host on our scheme', event({ frame: mainFrame('app://evil/index.html') })],
    ['another path on our origin', event({ frame: mainFrame('app://tokentray/other.html') })],
    ['our path on a plain web origin', event({ frame: mainFrame('http://tokentray/index.html') })],
    ['a destroyed frame', event({ frame: null })],
  ])('refuses %s', async (_label, e) => {
    const { guard, calls, logs } = setup();
    expect(await guard.dispatch('profiles:list', e, [])).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'Request refused.' },
    });
    expect(calls).toEqual([]);
    expect(logs.join()).toContain('untrusted sender');
  });

  it('refuses unknown channels', async () => {
    const { guard } = setup();
    expect(await guard.dispatch('shell:exec', event(), ['rm -rf /'])).toMatchObject({
      ok: false,
      error: { code: 'unknown_channel' },
    });
  });

  it.each([
    ['profiles:add', [{ ...input, provider: 'x'.repeat(65) }]],
    ['profiles:add', [{ ...input, extra: 1 }]],
    ['profiles:add', []],
    ['profiles:remove', [42]],
    ['profiles:remove', ['p1', 'extra']],
    ['token:copy', ['p1', 'html']],
    ['settings:set', [{ clipboardClearSeconds: -5 }]],
    ['settings:set', [{ unknownSetting: true }]],
    ['profiles:update', ['p1', { apiKey: 7 }]],
    ['profiles:refresh', ['p1', { force: 'yes' }]],
    ['profiles:refresh', ['p1', { force: true, extra: 1 }]],
    // Not plain data: each would pass a shape check as an empty object, or lose its key silently.
    ['settings:set', [new Date()]],
    ['settings:set', [new Map([['clipboardClearSeconds', 5]])]],
    ['settings:set', [new Error('clipboardClearSeconds')]],
    ['profiles:update', ['p1', JSON.parse('{"__proto__": {"name": "x"}}')]],
  ])('refuses a malformed %s payload %j', async (channel, args) => {
    const { guard, calls } = setup();
    expect(await guard.dispatch(channel, event(), args)).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(calls).toEqual([]);
  });

  it('passes the optional force flag of a refresh', async () => {
    const { guard, calls } = setup();
    await guard.dispatch('profiles:refresh', event(), ['p1', { force: true }]);
    await guard.dispatch('profiles:refresh', event(), ['p2']);
    expect(calls).toEqual([
      ['profiles:refresh', 'p1', { force: true }],
      ['profiles:refresh', 'p2'],
    ]);
  });

  it('returns input errors with their field and catalog key', async () => {
    const { guard } = setup({
      'profiles:add': () => {
        throw new ProfileInputError('apiKey', 'key_required');
      },
    });
    expect(await guard.dispatch('profiles:add', event(), [input])).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        field: 'apiKey',
        messageKey: 'input.key_required',
        message: 'apiKey: input.key_required',
      },
    });
  });

  it('returns app errors as codes and unexpected errors without their message or stack', async () => {
    const { guard, logs } = setup({
      'token:reveal': () => {
        throw new AppError('no_token');
      },
      'profiles:list': () => {
        throw new Error('ENOENT /home/me/secret-place client_secret=abc123');
      },
    });
    expect(await guard.dispatch('token:reveal', event(), ['p1'])).toMatchObject({
      ok: false,
      error: { code: 'no_token', messageKey: 'app.no_token' },
    });
    const crash = await guard.dispatch('profiles:list', event(), []);
    expect(crash).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong; the log has details.' },
    });
    expect(JSON.stringify(crash)).not.toContain('abc123');
    expect(logs.join()).not.toContain('abc123');
  });

  it('registers every channel of the contract on ipcMain, and removes them again', async () => {
    const { guard, calls } = setup();
    const registered = new Map<string, (e: unknown, ...args: unknown[]) => Promise<unknown>>();
    const remove = guard.register({
      handle: (channel, listener) => registered.set(channel, listener as never),
      removeHandler: (channel) => registered.delete(channel),
    });
    expect([...registered.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(await registered.get('profiles:refresh')?.(event(), 'p9')).toEqual({ ok: true, value: view() });
    expect(calls).toEqual([['profiles:refresh', 'p9']]);
    remove();
    expect(registered.size).toBe(0);
  });

  it('matches scheme, host and path exactly, whatever the query or fragment', () => {
    const dev = 'http://localhost:5173/';
    expect(isOwnPage(event({ frame: mainFrame('http://localhost:5173/#/p1') }), window, dev)).toBe(true);
    expect(isOwnPage(event({ frame: mainFrame('http://localhost:5173/?x=1') }), window, dev)).toBe(true);
    expect(isOwnPage(event({ frame: mainFrame('http://localhost:5174/') }), window, dev)).toBe(false);
    expect(isOwnPage(event({ frame: mainFrame('http://localhost:5173/evil.html') }), window, dev)).toBe(false);
    expect(isOwnPage(event(), undefined, PAGE)).toBe(false);
  });

  it('compares the host of a file:// page too, not only its path', () => {
    const file = 'file:///opt/TokenTray/index.html';
    expect(isOwnPage(event({ frame: mainFrame(file) }), window, file)).toBe(true);
    expect(isOwnPage(event({ frame: mainFrame('file://evil-share/opt/TokenTray/index.html') }), window, file)).toBe(
      false,
    );
  });

  it('silences IPC listeners libraries registered behind its back', () => {
    const ipcMain = new EventEmitter();
    ipcMain.on('electron-store-get-data', () => undefined);
    ipcMain.on('__ELECTRON_LOG__', () => undefined);
    expect(removeForeignListeners(ipcMain as never).sort()).toEqual(['__ELECTRON_LOG__', 'electron-store-get-data']);
    expect(ipcMain.eventNames()).toEqual([]);
  });
});
