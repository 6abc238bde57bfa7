/**
 * Sandboxed preload: bundled into one CommonJS file (a sandboxed preload cannot load app
 * modules). Exposes named functions only; the IPC event object never reaches the page.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { API_KEY, type EventMap, type InvokeMap, type IpcResult, type TokenTrayApi } from './ipc-contract.ts';

function invoke<C extends keyof InvokeMap>(channel: C, ...args: InvokeMap[C]['args']) {
  return ipcRenderer.invoke(channel, ...args) as Promise<IpcResult<InvokeMap[C]['result']>>;
}

function subscribe<C extends keyof EventMap>(channel: C, listener: (payload: EventMap[C]) => void) {
  const forward = (_event: IpcRendererEvent, payload: EventMap[C]) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

const api: TokenTrayApi = {
  listProfiles: () => invoke('profiles:list'),
  addProfile: (input) => invoke('profiles:add', input),
  updateProfile: (id, patch) => invoke('profiles:update', id, patch),
  removeProfile: (id) => invoke('profiles:remove', id),
  refresh: (id, options) => (options ? invoke('profiles:refresh', id, options) : invoke('profiles:refresh', id)),
  testCredentials: (input) => invoke('profiles:test', input),
  copy: (id, format) => invoke('token:copy', id, format),
  reveal: (id) => invoke('token:reveal', id),
  getSettings: () => invoke('settings:get'),
  setSettings: (patch) => invoke('settings:set', patch),
  getEnvironment: () => invoke('app:environment'),
  onProfilesChanged: (listener) => subscribe('profiles:changed', listener),
  onSettingsChanged: (listener) => subscribe('settings:changed', listener),
  onFocusProfile: (listener) => subscribe('window:focus-profile', listener),
  onStoreIssues: (listener) => subscribe('store:issues', listener),
};

contextBridge.exposeInMainWorld(API_KEY, api);
