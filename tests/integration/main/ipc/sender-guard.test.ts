import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../../common/app-origin';
import { METHOD_NAMES, type MethodName } from '../../../../common/channels';
import type { InvokeEventLike } from '../../../../main/ipc/sender-guard';
import { startHarness, trustedEvent, WINDOW_ID, type Harness } from './harness';

/**
 * The sender guard in front of the real handler table: a refused caller gets FORBIDDEN from every
 * channel and nothing happens (no provider request, no state change, no metadata write, no sign-out).
 * Events are shaped like Electron's IpcMainInvokeEvent; the transport itself cannot run here.
 */
let h: Harness;
let ada: string;

beforeAll(async () => {
  h = await startHarness();
  await h.seedSession('ada');
  ada = h.idp.accounts.find((account) => account.login === 'ada')!.sub;
});
afterAll(() => h.close());

/** A plausible input per channel, so a refusal is the guard's doing, not the schema's. */
const VALID_INPUT: Record<MethodName, unknown> = {
  getSessionState: undefined,
  signIn: undefined,
  signInAnotherAccount: undefined,
  submitCallbackUrl: { url: 'http://127.0.0.1:1/callback?code=c&state=s' },
  cancelSignIn: undefined,
  reopenSignInPage: undefined,
  recheckSession: undefined,
  signOut: { everywhere: true },
  getProfile: undefined,
  getMetadata: undefined,
  updateMetadata: { patch: { country: 'XX' } },
  authorizeAccountAccess: undefined,
  getDiagnostics: undefined,
  showLogs: undefined,
};

function subFrameEvent(): InvokeEventLike {
  const main = { url: `${APP_ORIGIN}/index.html`, parent: null, processId: 4, routingId: 1 };
  const child = { url: `${APP_ORIGIN}/index.html`, parent: main, processId: 4, routingId: 2 };
  return { sender: { id: WINDOW_ID, mainFrame: main }, senderFrame: child };
}

const refusedCallers: Array<[string, () => InvokeEventLike]> = [
  ['a foreign origin', () => trustedEvent('https://evil.example/index.html')],
  ['a look-alike app:// host', () => trustedEvent('app://latchkey.evil/index.html')],
  ['a sub-frame on our origin', subFrameEvent],
  ['an unknown webContents on our origin', () => trustedEvent(`${APP_ORIGIN}/index.html`, 42)],
  ['a frame that is already gone', () => ({ sender: { id: WINDOW_ID }, senderFrame: null })],
  [
    'an event that throws when read',
    () => ({
      get sender(): never {
        throw new Error('destroyed');
      },
      senderFrame: null,
    }),
  ],
];

describe('sender guard on the real handler table', () => {
  it.each(refusedCallers)('refuses %s on every channel, and nothing happens', async (_name, makeEvent) => {
    const requestsBefore = h.idp.requestLog.length;
    const metadataBefore = h.idp.users.metadataOf(ada);
    const stateBefore = h.services.session.getState();
    const warningsBefore = h.warnings.length;
    for (const name of METHOD_NAMES) {
      const result = await h.invoke(name, VALID_INPUT[name], makeEvent());
      expect(result, name).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'This page is not allowed to talk to Latchkey.' },
      });
    }
    expect(h.idp.requestLog.length).toBe(requestsBefore);
    expect(h.idp.users.metadataOf(ada)).toEqual(metadataBefore);
    expect(h.services.session.getState()).toEqual(stateBefore);
    expect(h.opened).toEqual([]);
    // Each refusal is logged (for the person debugging), never sent to the page in detail.
    expect(h.warnings.length - warningsBefore).toBe(METHOD_NAMES.length);
  });

  it('accepts our own window: the same calls then reach the handlers', async () => {
    const state = await h.invoke('getSessionState', undefined, trustedEvent());
    expect(state).toMatchObject({ ok: true, value: { status: 'signedIn' } });
    const saved = await h.invoke('updateMetadata', VALID_INPUT.updateMetadata, trustedEvent());
    expect(saved).toMatchObject({ ok: true, value: { country: 'XX' } });
    expect(h.idp.users.metadataOf(ada)).toMatchObject({ country: 'XX' });
  });
});
