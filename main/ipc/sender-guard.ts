import { APP_ORIGIN, originOf } from '../../common/app-origin';

/**
 * Who may call main over IPC: only the main frame of a window Latchkey created, showing Latchkey's
 * own origin. An iframe, a page navigated elsewhere, or a webContents we did not create (a devtools
 * extension, a stray window) is refused. Electron's security checklist item 17 ("Validate the sender
 * of all IPC messages"); GitHub Desktop's first guard shipped inverted, so both answers are tested.
 */

/** The parts of Electron's WebFrameMain the guard reads. */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
  readonly processId?: number;
  readonly routingId?: number;
}

/** The parts of Electron's IpcMainInvokeEvent the guard reads. */
export interface InvokeEventLike {
  readonly sender: { readonly id: number; readonly mainFrame?: SenderFrameLike | null };
  /** Null when the frame navigated or was destroyed before the message was handled (Electron ≥ 30). */
  readonly senderFrame: SenderFrameLike | null;
}

export interface SenderPolicy {
  /** True for webContents ids of windows Latchkey created (the shell keeps that set). */
  isTrustedWebContents(webContentsId: number): boolean;
  /** Origins whose pages may call; default only APP_ORIGIN. (A dev server origin, in development only.) */
  allowedOrigins?: readonly string[];
}

type SenderVerdict = { allowed: true } | { allowed: false; reason: string };

function sameFrame(a: SenderFrameLike, b: SenderFrameLike): boolean {
  if (a === b) return true;
  // Electron hands out one WebFrameMain per frame, but identity is not part of its contract:
  // (processId, routingId) identifies a frame for as long as it lives.
  return (
    a.processId !== undefined &&
    a.routingId !== undefined &&
    a.processId === b.processId &&
    a.routingId === b.routingId
  );
}

export function checkSender(event: InvokeEventLike, policy: SenderPolicy): SenderVerdict {
  const frame = event.senderFrame;
  if (!frame) return { allowed: false, reason: 'the sending frame is gone' };
  if (!policy.isTrustedWebContents(event.sender.id)) {
    return { allowed: false, reason: `webContents ${event.sender.id} is not a Latchkey window` };
  }
  if (frame.parent !== null) return { allowed: false, reason: 'the sender is a sub-frame' };
  const mainFrame = event.sender.mainFrame;
  if (!mainFrame || !sameFrame(frame, mainFrame)) {
    return { allowed: false, reason: "the sender is not its window's main frame" };
  }
  const origin = originOf(frame.url);
  const allowed = policy.allowedOrigins ?? [APP_ORIGIN];
  // Stryker disable next-line ConditionalExpression: equivalent: no allowed origin is null, so `includes` refuses a null origin too
  if (origin === null || !allowed.includes(origin)) {
    return { allowed: false, reason: `origin ${String(origin).slice(0, 80)} is not Latchkey's` };
  }
  return { allowed: true };
}
