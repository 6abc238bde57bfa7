import {
  INVOKE,
  INVOKE_CHANNELS,
  type InvokeChannel,
  type InvokeHandlers,
  type IpcError,
  type IpcResult,
} from '../contract/ipc.ts';
import { impurePath } from '../contract/plain-data.ts';
import { type Logger, ProfileInputError, StoreWriteError, TransferError, UnknownProfileError } from '../core/index.ts';
import { AppError } from '../desktop/app-error.ts';
import type { IpcMain, IpcMainInvokeEvent } from '../electron-types.ts';

/** The parts of an invoke event the guard looks at. */
export type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

const fail = (code: string, message: string, extra: Partial<IpcError> = {}): IpcResult<never> => ({
  ok: false,
  error: { code, message, ...extra },
});

function isInvokeChannel(channel: string): channel is InvokeChannel {
  return (INVOKE_CHANNELS as readonly string[]).includes(channel);
}

/** Turns anything a handler throws into a value the renderer may see. */
function toIpcError(error: unknown, log: Logger, channel: string): IpcResult<never> {
  if (error instanceof ProfileInputError) {
    return fail(error.code, error.message, { messageKey: error.messageKey, field: error.field });
  }
  if (error instanceof UnknownProfileError) return fail(error.code, 'That profile no longer exists.');
  if (error instanceof StoreWriteError) {
    return fail(error.code, error.message, { messageKey: 'app.store_write_failed' });
  }
  if (error instanceof AppError) return fail(error.code, error.message, { messageKey: error.messageKey });
  if (error instanceof TransferError) return fail(error.code, error.message, { messageKey: `app.${error.code}` });
  log.error('ipc handler failed', { channel, error: error instanceof Error ? error.name : typeof error });
  return fail('internal', 'Something went wrong; the log has details.');
}

/**
 * The one gate every `ipcMain.handle` goes through: a known channel, a trusted sender, a payload
 * that validates, and errors as codes, never stack traces.
 */
export function createIpcGuard(options: {
  handlers: InvokeHandlers;
  isTrustedSender(event: SenderEvent): boolean;
  logger: Logger;
}) {
  const { handlers, logger } = options;

  async function dispatch(channel: string, event: SenderEvent, args: unknown[]): Promise<IpcResult<unknown>> {
    if (!isInvokeChannel(channel)) return fail('unknown_channel', 'Unknown request.');
    if (!options.isTrustedSender(event)) {
      logger.warn('ipc refused: untrusted sender', { channel });
      return fail('forbidden', 'Request refused.');
    }
    const schema = INVOKE[channel];
    // A Date or Map would pass as an empty object, an own __proto__ key would vanish: refused first.
    const parsed = impurePath(args) === undefined ? schema.args.safeParse(args) : { success: false as const };
    if (!parsed.success) {
      logger.warn('ipc refused: malformed payload', { channel });
      return fail('invalid_payload', 'The request was malformed.');
    }
    let value: unknown;
    try {
      // The handler's type is checked against this schema where `handlers` is written.
      const handler = handlers[channel] as (...a: unknown[]) => unknown;
      value = await handler(...(parsed.data as unknown[]));
    } catch (error) {
      return toIpcError(error, logger, channel);
    }
    // The answer is checked too, and only what its schema names leaves main: a field a view grew
    // by mistake never reaches the window.
    const answer = schema.result.safeParse(value);
    if (!answer.success) {
      logger.error('ipc answer does not match the contract', { channel });
      return fail('internal', 'Something went wrong; the log has details.');
    }
    return { ok: true, value: answer.data };
  }

  return {
    dispatch,
    /** Registers every channel on ipcMain; returns a function that removes them again. */
    register(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>): () => void {
      for (const channel of INVOKE_CHANNELS) {
        ipcMain.handle(channel, (event, ...args: unknown[]) => dispatch(channel, event, args));
      }
      return () => {
        for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
      };
    },
  };
}

/**
 * Our window, our page, our main frame. The frame's URL must have exactly the scheme, host (with
 * port) and path of the page the window loaded; only the query and fragment may differ.
 */
export function isOwnPage(
  event: SenderEvent,
  window: { webContents: { id: number } } | undefined,
  pageUrl: string,
): boolean {
  const frame = event.senderFrame;
  if (!window || !frame || event.sender.id !== window.webContents.id || frame.parent !== null) return false;
  try {
    const actual = new URL(frame.url);
    const expected = new URL(pageUrl);
    return (
      actual.protocol === expected.protocol && actual.host === expected.host && actual.pathname === expected.pathname
    );
  } catch {
    return false;
  }
}

/**
 * Removes IPC listeners that libraries registered behind the guard's back (electron-store's
 * `electron-store-get-data` is one): the guard answers with `handle` only, so after start-up
 * `ipcMain` has no `on` listener of ours. Returns the channels it silenced.
 */
export function removeForeignListeners(ipcMain: Pick<IpcMain, 'eventNames' | 'removeAllListeners'>): string[] {
  const foreign = ipcMain.eventNames().map(String);
  for (const channel of foreign) ipcMain.removeAllListeners(channel);
  return foreign;
}
