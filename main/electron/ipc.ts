import { ipcMain, type BrowserWindow, type IpcMain } from 'electron';
import type { HandlerTable } from '../../common/contract';
import { buildIpcRoutes } from '../ipc/invoke-wrapper';
import type { SenderPolicy } from '../ipc/sender-guard';
import { startSessionStateBroadcast } from '../ipc/state-broadcast';
import type { Logger } from '../log';
import type { SessionManager } from '../session/session-manager';

/**
 * The Electron transport of the contract, and nothing else: every channel goes through the one
 * wrapper in main/ipc/invoke-wrapper.ts (sender guard, input schema, error codes) and every push
 * through main/ipc/state-broadcast.ts, both tested without Electron. The rules live in main/ipc/;
 * only this file of the IPC layer imports `electron`.
 */

interface RegisterIpcOptions extends SenderPolicy {
  handlers: HandlerTable;
  log?: Pick<Logger, 'warn' | 'error'>;
  /** Defaults to Electron's ipcMain. */
  ipc?: Pick<IpcMain, 'handle' | 'removeHandler'>;
}

/** Registers every contract channel; returns the function that removes them all again. */
export function registerIpcHandlers(options: RegisterIpcOptions): () => void {
  const ipc = options.ipc ?? ipcMain;
  const routes = buildIpcRoutes(options.handlers, options, options.log);
  for (const route of routes)
    ipc.handle(route.channel, (event, input: unknown) => route.handle(event, input));
  return () => {
    for (const route of routes) ipc.removeHandler(route.channel);
  };
}

interface BroadcastSessionStateOptions extends SenderPolicy {
  /** The state changes to push: createServices's `stateUpdates`, decorated as the handlers answer. */
  session: Pick<SessionManager, 'subscribe'>;
  /** The app's windows at push time, e.g. `() => BrowserWindow.getAllWindows()`. */
  windows: () => readonly BrowserWindow[];
  log?: Pick<Logger, 'warn' | 'error'>;
}

/** Pushes every SessionState change to each trusted window on our origin; returns the unsubscribe. */
export function broadcastSessionState(options: BroadcastSessionStateOptions): () => void {
  return startSessionStateBroadcast({
    session: options.session,
    targets: () => options.windows().flatMap((window) => (window.isDestroyed() ? [] : [window.webContents])),
    isTrustedWebContents: options.isTrustedWebContents,
    allowedOrigins: options.allowedOrigins,
    log: options.log,
  });
}
