import type { EventChannel, EventPayload, InvokeArgs, InvokeChannel, InvokeResult, IpcResult } from './ipc.ts';

/**
 * The window's API (`window.tokentray`), derived from the IPC contract: each named function is
 * one channel. Plain strings, no schema library: the preload and the window import this file.
 */

/** The API name on `window`. */
export const API_KEY = 'tokentray';

/** Each function of the API and the channel it invokes; every channel has exactly one. */
export const API_METHODS = {
  listProfiles: 'profiles:list',
  addProfile: 'profiles:add',
  updateProfile: 'profiles:update',
  removeProfile: 'profiles:remove',
  refresh: 'profiles:refresh',
  testCredentials: 'profiles:test',
  copy: 'token:copy',
  reveal: 'token:reveal',
  inspect: 'token:inspect',
  getSettings: 'settings:get',
  setSettings: 'settings:set',
  getEnvironment: 'app:environment',
  tokenUses: 'token:uses',
  apiStatus: 'api:status',
  gatewayInfo: 'gateway:info',
  regenerateApiSecret: 'api:regenerate-secret',
  copyApiSecret: 'api:copy-secret',
  teamInfo: 'team:info',
  setTeamSecrets: 'team:set-secrets',
  newTeamKey: 'team:new-key',
  revealTeamKey: 'team:reveal-key',
  exportProfiles: 'profiles:export',
  openImport: 'import:open',
  unlockImport: 'import:unlock',
  applyImport: 'import:apply',
  shortcutInfo: 'shortcut:info',
  updateInfo: 'updates:info',
  checkForUpdate: 'updates:check',
  installUpdate: 'updates:install',
  networkInfo: 'network:info',
  chooseCaFile: 'network:choose-ca',
  clearCaFile: 'network:clear-ca',
} as const satisfies Record<string, InvokeChannel>;

/** Each subscription of the API and the event it listens to; every event has exactly one. */
export const API_EVENTS = {
  onProfilesChanged: 'profiles:changed',
  onSettingsChanged: 'settings:changed',
  onFocusProfile: 'window:focus-profile',
  onStoreIssues: 'store:issues',
  onTokenUsed: 'token:used',
  onTeamChanged: 'team:changed',
  onUpdateChanged: 'updates:changed',
} as const satisfies Record<string, EventChannel>;

// A channel without a function (or an event without a subscription) fails the type check here.
type Missing<All, Used> = Exclude<All, Used>;
const everyChannel: Missing<InvokeChannel, (typeof API_METHODS)[keyof typeof API_METHODS]> extends never
  ? true
  : never = true;
const everyEvent: Missing<EventChannel, (typeof API_EVENTS)[keyof typeof API_EVENTS]> extends never ? true : never =
  true;
void everyChannel;
void everyEvent;

type Unsubscribe = () => void;

/** What the preload exposes as `window.tokentray`: named functions only, no raw IPC. */
export type TokenTrayApi = {
  [M in keyof typeof API_METHODS]: (
    ...args: InvokeArgs<(typeof API_METHODS)[M]>
  ) => Promise<IpcResult<InvokeResult<(typeof API_METHODS)[M]>>>;
} & {
  [S in keyof typeof API_EVENTS]: (listener: (payload: EventPayload<(typeof API_EVENTS)[S]>) => void) => Unsubscribe;
};
