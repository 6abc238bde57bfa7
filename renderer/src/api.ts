import type { TokenTrayApi } from '../../main/contract/api.ts';
import type { MessageKey, Translator } from '../../main/contract/i18n.ts';
import type { IpcError, IpcResult } from '../../main/contract/ipc.ts';

declare global {
  interface Window {
    tokentray: TokenTrayApi;
  }
}

/** The preload's API: the window's only way to reach main. */
export const api = (): TokenTrayApi => window.tokentray;

/** A failed call as an Error the UI can show: the catalog key when main gave one. */
export class ApiError extends Error {
  readonly code: string;
  readonly messageKey: string | undefined;
  readonly field: string | undefined;
  constructor(error: IpcError) {
    super(error.message);
    this.code = error.code;
    this.messageKey = error.messageKey;
    this.field = error.field;
  }
}

export async function unwrap<T>(pending: Promise<IpcResult<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}

/** What to tell the user about a failed call: main's catalog key, or a generic sentence. */
export function failureText(error: unknown, tr: Translator): string {
  // Keys come from main, which takes them from the same typed catalog.
  const key = error instanceof ApiError ? (error.messageKey as MessageKey | undefined) : undefined;
  return tr.t(key ?? 'ui.error_generic');
}
