import type { MessageKey } from '../contract/i18n.ts';

/** The codes of the catalog's `app` section: a misspelt one fails the type check. */
export type AppErrorCode = MessageKey extends infer K ? (K extends `app.${infer Code}` ? Code : never) : never;

/** A shell failure the user can act on: a code and its catalog key; no sentence, no secret, no stack. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly messageKey: `app.${AppErrorCode}`;
  constructor(code: AppErrorCode) {
    super(`app.${code}`);
    this.name = 'AppError';
    this.code = code;
    this.messageKey = `app.${code}`;
  }
}
