/**
 * Sandboxed preload: bundled into one CommonJS file (a sandboxed preload cannot load app
 * modules). Exposes the named functions of the contract only (api.ts derives them from the IPC
 * schemas); the IPC event object never reaches the page.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { API_EVENTS, API_KEY, API_METHODS, type TokenTrayApi } from './contract/api.ts';

const api: Record<string, unknown> = {};
for (const [name, channel] of Object.entries(API_METHODS)) {
  api[name] = (...args: unknown[]) => ipcRenderer.invoke(channel, ...args);
}
for (const [name, channel] of Object.entries(API_EVENTS)) {
  api[name] = (listener: (payload: unknown) => void) => {
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  };
}

contextBridge.exposeInMainWorld(API_KEY, api as TokenTrayApi);
