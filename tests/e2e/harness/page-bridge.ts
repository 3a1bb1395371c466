import { build } from 'esbuild';
import type { Frame, Page } from '@playwright/test';
import type { SessionState } from '../../../common/session-state';
import type { IpcRoute } from '../../../main/ipc/invoke-wrapper';
import type { InvokeEventLike, SenderFrameLike } from '../../../main/ipc/sender-guard';

/**
 * `window.latchkey` in plain Chromium, built by the preload's own buildLatchkeyApi (bundled for the
 * page) over a Playwright binding instead of ipcRenderer. Calls reach the real IPC routes
 * (buildIpcRoutes over createServices(...).handlers) with an event made from the calling frame's real
 * URL and position, so the sender guard judges what actually called.
 */

const INVOKE_BINDING = '__latchkeyHarnessInvoke';
const DELIVER_FUNCTION = '__latchkeyHarnessDeliver';

let bundled: Promise<string> | undefined;

/** The init script: preload/build-api.ts as an IIFE, wired to the binding and to pushed events. */
function bridgeScript(): Promise<string> {
  bundled ??= build({
    stdin: {
      contents: `
        import { buildLatchkeyApi } from './preload/build-api';
        const listeners = new Map();
        window.${DELIVER_FUNCTION} = (channel, payload) => {
          for (const listener of listeners.get(channel) ?? []) listener(undefined, payload);
        };
        const api = buildLatchkeyApi(
          (channel, input) => window.${INVOKE_BINDING}(channel, input),
          (channel, listener) => { listeners.set(channel, [...(listeners.get(channel) ?? []), listener]); },
          (channel, listener) => { listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener)); },
        );
        Object.defineProperty(window, 'latchkey', { value: api, enumerable: true });
      `,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return bundled;
}

/** Frames get stable ids for the event's (processId, routingId) pair, as Electron's frames have. */
const frameIds = new WeakMap<object, number>();
let nextFrameId = 1;

function frameLike(frame: Frame): SenderFrameLike {
  let id = frameIds.get(frame);
  if (id === undefined) {
    id = nextFrameId++;
    frameIds.set(frame, id);
  }
  return {
    url: frame.url(),
    parent: frame.parentFrame() ? { url: frame.parentFrame()!.url() } : null,
    processId: 1,
    routingId: id,
  };
}

export const HARNESS_WEB_CONTENTS_ID = 1;

export async function installBridge(page: Page, routes: readonly IpcRoute[]): Promise<void> {
  const byChannel = new Map(routes.map((route) => [route.channel, route]));
  await page.exposeBinding(INVOKE_BINDING, async (source, channel: unknown, input: unknown) => {
    const route = typeof channel === 'string' ? byChannel.get(channel) : undefined;
    if (!route) throw new Error(`no handler for ${String(channel)}`);
    const event: InvokeEventLike = {
      sender: { id: HARNESS_WEB_CONTENTS_ID, mainFrame: frameLike(source.page.mainFrame()) },
      senderFrame: frameLike(source.frame),
    };
    return route.handle(event, input);
  });
  await page.addInitScript({ content: await bridgeScript() });
}

/** What main's `webContents.send(SESSION_STATE_EVENT, state)` is for the page. */
export async function deliver(page: Page, channel: string, payload: SessionState): Promise<void> {
  if (page.isClosed()) return;
  await page
    .evaluate(
      ([name, fn, value]) =>
        (globalThis as unknown as Record<string, (c: string, v: unknown) => void>)[fn]?.(name, value),
      [channel, DELIVER_FUNCTION, payload] as const,
    )
    .catch(() => undefined);
}
