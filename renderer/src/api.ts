import type { IpcResult, TokenTrayApi } from '../../main/ipc-contract.ts';

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
  constructor(error: { code: string; message: string; messageKey?: string; field?: string }) {
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
