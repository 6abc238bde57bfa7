import en from '../assets/locales/en.json' with { type: 'json' };

export type AppErrorKey = keyof typeof en.app;

/** A shell failure the user can act on: a code, a catalog key, no secrets, no stack. */
export class AppError extends Error {
  readonly code: AppErrorKey;
  readonly messageKey: string;
  constructor(code: AppErrorKey) {
    super(en.app[code]);
    this.name = 'AppError';
    this.code = code;
    this.messageKey = `app.${code}`;
  }
}
