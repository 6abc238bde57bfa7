import type { Logger } from '../core/index.ts';

/** The slice of Electron 45's clipboard this module uses. */
export interface ClipboardPort<Item> {
  write(items: Item[]): Promise<void>;
  writeText(text: string): Promise<void>;
  readText(): Promise<string>;
  clear(): void;
}

const raw = (format: string) => `electron application/osclipboard;format="${format}"`;
const DWORD_ZERO = () => new Blob([new Uint8Array(4)]);

/**
 * Extra clipboard formats that ask clipboard managers not to keep the token:
 * macOS: the nspasteboard.org ConcealedType convention (Maccy, Alfred, Raycast, Paste...);
 * Windows: the formats that keep it out of clipboard history (Win+V) and cloud sync;
 * Linux: KDE Klipper's password-manager hint. Other Linux managers have no convention.
 */
export function concealedFormats(platform: NodeJS.Platform): Record<string, Blob> {
  switch (platform) {
    case 'darwin':
      return { [raw('org.nspasteboard.ConcealedType')]: new Blob(['']) };
    case 'win32':
      return {
        [raw('ExcludeClipboardContentFromMonitorProcessing')]: DWORD_ZERO(),
        [raw('CanIncludeInClipboardHistory')]: DWORD_ZERO(),
        [raw('CanUploadToCloudClipboard')]: DWORD_ZERO(),
      };
    case 'linux':
      return { [raw('x-kde-passwordManagerHint')]: new Blob(['secret']) };
    default:
      return {};
  }
}

export interface ClipboardGuardDeps<Item> {
  clipboard: ClipboardPort<Item>;
  /** `new ClipboardItem(record)` in the app. */
  makeItem(record: Record<string, string | Blob>): Item;
  platform: NodeJS.Platform;
  logger: Logger;
}

/**
 * Writes tokens to the clipboard marked as concealed, and wipes them again after a delay or on
 * quit, but only while the clipboard still holds what we wrote: never the user's own copy.
 */
export function createClipboardGuard<Item>(deps: ClipboardGuardDeps<Item>) {
  let written: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function clearIfOurs(): Promise<boolean> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (written === undefined) return false;
    const mine = written;
    written = undefined;
    if ((await deps.clipboard.readText()) !== mine) return false;
    deps.clipboard.clear();
    return true;
  }

  return {
    /** Copies `text`; `clearAfterMs` 0 leaves it there. */
    async copy(text: string, clearAfterMs: number): Promise<void> {
      try {
        await deps.clipboard.write([deps.makeItem({ 'text/plain': text, ...concealedFormats(deps.platform) })]);
      } catch (error) {
        // A platform that refuses the extra formats still gets the text: copying must work.
        deps.logger.warn('concealed clipboard write failed, writing plain text', {
          error: error instanceof Error ? error.name : 'unknown',
        });
        // If this fails too, nothing was copied: the previous token keeps its scheduled clear.
        await deps.clipboard.writeText(text);
      }
      if (timer) clearTimeout(timer);
      timer = undefined;
      written = text;
      if (clearAfterMs > 0) {
        timer = setTimeout(() => {
          void clearIfOurs();
        }, clearAfterMs);
        timer.unref?.();
      }
    },
    clearIfOurs,
  };
}
