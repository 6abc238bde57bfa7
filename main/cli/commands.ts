import { ENV_SHELLS, TOKEN_FORMATS } from '../contract/local-api.ts';

/**
 * What `tokentray` accepts, in one place: the parser checks arguments against it and the
 * completion scripts are generated from it, so completion never offers what the parser refuses.
 */
export const OPTIONS = {
  'data-dir': { type: 'string' },
  url: { type: 'string' },
  'secret-file': { type: 'string' },
  format: { type: 'string' },
  shell: { type: 'string' },
  json: { type: 'boolean' },
  names: { type: 'boolean' },
  rejected: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;
export type OptionName = keyof typeof OPTIONS;

/** Options every command takes, before or after it; the first three take a value. */
export const GLOBAL_OPTIONS = ['data-dir', 'url', 'secret-file', 'help', 'version'] as const;
export const GLOBAL_VALUE_OPTIONS = ['data-dir', 'url', 'secret-file'] as const;

/** The options each command takes beyond the global ones. */
export const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  list: ['json', 'names'],
  status: ['json'],
  token: ['format', 'shell'],
  exec: [],
  refresh: ['rejected'],
  gateway: ['json'],
  completion: [],
};

/** Commands whose first argument is a profile. */
export const PROFILE_COMMANDS = ['token', 'exec', 'refresh', 'gateway'] as const;

/** The values an option with a fixed set of them takes. */
export const OPTION_VALUES: Partial<Record<OptionName, readonly string[]>> = {
  format: TOKEN_FORMATS,
  shell: ENV_SHELLS,
};
