import { contextBridge, ipcRenderer } from 'electron';
import { buildLatchkeyApi } from './build-api';

/**
 * The sandboxed preload: exposes `window.latchkey` (typed by common/window-api.ts) and nothing else.
 * Functions are wrapped so that the page never holds ipcRenderer itself.
 */
contextBridge.exposeInMainWorld(
  'latchkey',
  buildLatchkeyApi(
    (channel, input) => ipcRenderer.invoke(channel, input),
    (channel, listener) => {
      ipcRenderer.on(channel, listener);
    },
    (channel, listener) => {
      ipcRenderer.removeListener(channel, listener);
    },
  ),
);
