import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ClipboardPort, concealedFormats, createClipboardGuard } from '../../../main/clipboard/clipboard-guard.ts';
import { recordingLogger } from '../../support/engine-fixture.ts';

type Item = Record<string, string | Blob>;

/** A system clipboard: one item at a time, text readable, as Electron 45's async API. */
function fakeClipboard(options: { refuseExtraFormats?: boolean } = {}) {
  const state = { items: [] as Item[], text: '', broken: false };
  const port: ClipboardPort<Item> = {
    async write(items) {
      if (state.broken) throw new Error('clipboard owned by another process');
      if (options.refuseExtraFormats && Object.keys(items[0] ?? {}).length > 1) throw new Error('unsupported format');
      state.items = items;
      state.text = String(items[0]?.['text/plain'] ?? '');
    },
    async writeText(text) {
      if (state.broken) throw new Error('clipboard owned by another process');
      state.items = [{ 'text/plain': text }];
      state.text = text;
    },
    async readText() {
      return state.text;
    },
    clear() {
      state.items = [];
      state.text = '';
    },
  };
  return { port, state };
}

function guardFor(platform: NodeJS.Platform, clipboard = fakeClipboard()) {
  const logs: string[] = [];
  const guard = createClipboardGuard({
    clipboard: clipboard.port,
    makeItem: (r) => r,
    platform,
    logger: recordingLogger(logs),
  });
  return { guard, ...clipboard, logs };
}

describe('the clipboard guard', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('clears the token after the delay', async () => {
    const { guard, state } = guardFor('linux');
    await guard.copy('24.abc-token', 60_000);
    expect(state.text).toBe('24.abc-token');
    await vi.advanceTimersByTimeAsync(59_000);
    expect(state.text).toBe('24.abc-token');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(state.text).toBe('');
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const { guard, state, port } = guardFor('linux');
    await guard.copy('24.abc-token', 60_000);
    await port.writeText('my own notes');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(state.text).toBe('my own notes');
  });

  it('never clears with a delay of 0, but still clears its own token on quit', async () => {
    const { guard, state } = guardFor('linux');
    await guard.copy('token-1', 0);
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(state.text).toBe('token-1');
    expect(await guard.clearIfOurs()).toBe(true);
    expect(state.text).toBe('');
  });

  it('restarts the countdown on each copy and clears only the latest token', async () => {
    const { guard, state } = guardFor('linux');
    await guard.copy('first', 60_000);
    await vi.advanceTimersByTimeAsync(50_000);
    await guard.copy('second', 60_000);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(state.text).toBe('second');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(state.text).toBe('');
  });

  it('still clears the previous token when a later copy fails', async () => {
    const { guard, state } = guardFor('linux');
    await guard.copy('first-token', 60_000);
    await vi.advanceTimersByTimeAsync(30_000);
    state.broken = true;
    await expect(guard.copy('second-token', 60_000)).rejects.toThrow();
    state.broken = false;
    expect(state.text).toBe('first-token');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(state.text).toBe('');
  });

  it('does not clear on quit what is no longer ours', async () => {
    const { guard, state, port } = guardFor('linux');
    await guard.copy('token', 60_000);
    await port.writeText('user text');
    expect(await guard.clearIfOurs()).toBe(false);
    expect(state.text).toBe('user text');
  });

  it.each([
    ['darwin', ['electron application/osclipboard;format="org.nspasteboard.ConcealedType"']],
    [
      'win32',
      [
        'electron application/osclipboard;format="ExcludeClipboardContentFromMonitorProcessing"',
        'electron application/osclipboard;format="CanIncludeInClipboardHistory"',
        'electron application/osclipboard;format="CanUploadToCloudClipboard"',
      ],
    ],
    ['linux', ['electron application/osclipboard;format="x-kde-passwordManagerHint"']],
  ] as const)('marks the copy as concealed on %s, in the same atomic write as the text', async (platform, formats) => {
    const { guard, state } = guardFor(platform);
    await guard.copy('tok', 0);
    expect(state.items).toHaveLength(1);
    expect(Object.keys(state.items[0] ?? {})).toEqual(['text/plain', ...formats]);
  });

  it('writes Windows history exclusion as a zero DWORD', async () => {
    const blob = concealedFormats('win32')['electron application/osclipboard;format="CanIncludeInClipboardHistory"'];
    expect([...new Uint8Array(await (blob as Blob).arrayBuffer())]).toEqual([0, 0, 0, 0]);
  });

  it('still copies the text when the platform refuses the extra formats', async () => {
    const { guard, state, logs } = guardFor('darwin', fakeClipboard({ refuseExtraFormats: true }));
    await guard.copy('tok', 0);
    expect(state.text).toBe('tok');
    expect(logs.join()).toContain('concealed clipboard write failed');
  });
});
