import { SESSION_STATE_EVENT } from '../../common/channels';
import type { SessionState } from '../../common/session-state';
import type { SessionManager } from '../session/session-manager';
import type { Logger } from '../log';
import { toPlainData } from './plain-data';
import { APP_ORIGIN, originOf } from '../../common/app-origin';

/** The parts of Electron's WebContents a push needs. */
export interface BroadcastTarget {
  readonly id: number;
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, payload: SessionState): void;
}

interface BroadcastOptions {
  session: Pick<SessionManager, 'subscribe'>;
  /** The windows' webContents at the moment of each push (windows come and go). */
  targets: () => Iterable<BroadcastTarget>;
  isTrustedWebContents(webContentsId: number): boolean;
  allowedOrigins?: readonly string[];
  log?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Pushes every SessionState change on SESSION_STATE_EVENT to each trusted window still showing our
 * own origin; the renderer never polls. Returns the function that stops the pushes.
 */
export function startSessionStateBroadcast(options: BroadcastOptions): () => void {
  const allowed = options.allowedOrigins ?? [APP_ORIGIN];
  const log = options.log ?? console;
  return options.session.subscribe((state) => {
    let payload: SessionState;
    try {
      payload = toPlainData(state);
    } catch (error) {
      log.error(`session state is not plain data, not pushed: ${String(error)}`);
      return;
    }
    for (const target of options.targets()) {
      try {
        if (target.isDestroyed() || !options.isTrustedWebContents(target.id)) continue;
        const origin = originOf(target.getURL());
        if (origin === null || !allowed.includes(origin)) continue;
        target.send(SESSION_STATE_EVENT, payload);
      } catch (error) {
        // One closing window must not stop the others from hearing about the change.
        log.warn(`session state push to webContents ${target.id} failed: ${String(error)}`);
      }
    }
  });
}
