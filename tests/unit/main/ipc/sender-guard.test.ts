import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../../common/app-origin';
import { checkSender, type InvokeEventLike, type SenderFrameLike } from '../../../../main/ipc/sender-guard';

/**
 * Events shaped like Electron's IpcMainInvokeEvent (sender = WebContents, senderFrame = WebFrameMain):
 * the transport cannot run here, so the guard is driven with the fields it reads.
 */
const OUR_WINDOW_ID = 7;
const trusted = { isTrustedWebContents: (id: number) => id === OUR_WINDOW_ID };

function frame(url: string, extra: Partial<SenderFrameLike> = {}): SenderFrameLike {
  return { url, parent: null, processId: 3, routingId: 1, ...extra };
}

function eventFrom(
  senderFrame: SenderFrameLike | null,
  options: { id?: number; mainFrame?: SenderFrameLike } = {},
) {
  const event: InvokeEventLike = {
    sender: { id: options.id ?? OUR_WINDOW_ID, mainFrame: options.mainFrame ?? senderFrame },
    senderFrame,
  };
  return event;
}

describe('IPC sender guard', () => {
  it("accepts our window's main frame on app://latchkey", () => {
    expect(checkSender(eventFrom(frame(`${APP_ORIGIN}/index.html`)), trusted)).toEqual({ allowed: true });
    expect(checkSender(eventFrom(frame(`${APP_ORIGIN}/`)), trusted).allowed).toBe(true);
    expect(checkSender(eventFrom(frame(`${APP_ORIGIN}/index.html#/profile?x=1`)), trusted).allowed).toBe(
      true,
    );
  });

  it('accepts the main frame when Electron hands out a different object for the same frame', () => {
    const main = frame(`${APP_ORIGIN}/index.html`);
    const sameFrameOtherObject = { ...main };
    expect(checkSender(eventFrom(sameFrameOtherObject, { mainFrame: main }), trusted).allowed).toBe(true);
  });

  it.each([
    ['a foreign https origin', 'https://evil.example/'],
    ['a look-alike host', 'app://latchkey.evil/index.html'],
    [
      'an upper-case host (Chromium lower-cases ours; anything else is not our page)',
      'app://LATCHKEY/index.html',
    ],
    ['a trailing-dot host', 'app://latchkey./index.html'],
    ['an explicit port', 'app://latchkey:443/index.html'],
    ['a percent-encoded host', 'app://latch%6bey/index.html'],
    ['a scheme-relative look-alike without a host', 'app:latchkey/index.html'],
    ['an empty host with our name in the path', 'app:///latchkey/index.html'],
    ['another app:// host', 'app://other/index.html'],
    ['http on the same host name', 'http://latchkey/index.html'],
    ['file://', 'file:///usr/share/latchkey/index.html'],
    ['the provider itself', 'http://127.0.0.1:4400/auth'],
    ['about:blank', 'about:blank'],
    ['data: URL', 'data:text/html,<p>hi</p>'],
    ['an empty URL', ''],
    ['a malformed URL', 'not a url'],
  ])('refuses %s', (_name, url) => {
    const verdict = checkSender(eventFrom(frame(url)), trusted);
    expect(verdict.allowed).toBe(false);
  });

  it('refuses a sub-frame even when it shows our own origin', () => {
    const main = frame(`${APP_ORIGIN}/index.html`);
    const child = frame(`${APP_ORIGIN}/index.html`, { parent: main, routingId: 2 });
    const verdict = checkSender(eventFrom(child, { mainFrame: main }), trusted);
    expect(verdict).toEqual({ allowed: false, reason: 'the sender is a sub-frame' });
  });

  it('refuses a top-level frame that is not the main frame of the sending webContents', () => {
    const main = frame(`${APP_ORIGIN}/index.html`);
    const other = frame(`${APP_ORIGIN}/index.html`, { routingId: 99 });
    expect(checkSender(eventFrom(other, { mainFrame: main }), trusted).allowed).toBe(false);
  });

  it("refuses a frame with the main frame's routing id in another renderer process", () => {
    // Routing ids are per process: (processId, routingId) together name a frame.
    const main = frame(`${APP_ORIGIN}/index.html`, { processId: 3, routingId: 1 });
    const elsewhere = frame(`${APP_ORIGIN}/index.html`, { processId: 4, routingId: 1 });
    expect(checkSender(eventFrom(elsewhere, { mainFrame: main }), trusted)).toEqual({
      allowed: false,
      reason: "the sender is not its window's main frame",
    });
  });

  it('refuses a frame without ids that is not the main frame object', () => {
    const main: SenderFrameLike = { url: `${APP_ORIGIN}/index.html`, parent: null };
    const copy: SenderFrameLike = { ...main };
    expect(checkSender(eventFrom(copy, { mainFrame: main }), trusted).allowed).toBe(false);
  });

  it('accepts the very main frame object even when it carries no ids', () => {
    const main: SenderFrameLike = { url: `${APP_ORIGIN}/index.html`, parent: null };
    expect(checkSender(eventFrom(main, { mainFrame: main }), trusted)).toEqual({ allowed: true });
  });

  it('refuses a copy carrying only one of the two ids (a frame is named by both)', () => {
    const onlyRouting: SenderFrameLike = { url: `${APP_ORIGIN}/index.html`, parent: null, routingId: 1 };
    const onlyProcess: SenderFrameLike = { url: `${APP_ORIGIN}/index.html`, parent: null, processId: 3 };
    expect(checkSender(eventFrom({ ...onlyRouting }, { mainFrame: onlyRouting }), trusted).allowed).toBe(
      false,
    );
    expect(checkSender(eventFrom({ ...onlyProcess }, { mainFrame: onlyProcess }), trusted).allowed).toBe(
      false,
    );
  });

  it('names a refused origin in at most 80 characters (the reason goes to the log)', () => {
    const verdict = checkSender(eventFrom(frame(`https://${'a'.repeat(300)}.example/`)), trusted);
    expect(verdict.allowed).toBe(false);
    const reason = (verdict as { reason: string }).reason;
    expect(reason).toBe(`origin ${`https://${'a'.repeat(300)}.example`.slice(0, 80)} is not Latchkey's`);
  });

  it('refuses a webContents we did not create, even on our origin', () => {
    const verdict = checkSender(eventFrom(frame(`${APP_ORIGIN}/index.html`), { id: 8 }), trusted);
    expect(verdict).toEqual({ allowed: false, reason: 'webContents 8 is not a Latchkey window' });
  });

  it('refuses when the sending frame is already gone (senderFrame null)', () => {
    expect(checkSender(eventFrom(null), trusted)).toEqual({
      allowed: false,
      reason: 'the sending frame is gone',
    });
  });

  it('refuses a frame whose parent is undefined rather than null (unknown shape, fail closed)', () => {
    const odd = { url: `${APP_ORIGIN}/index.html`, parent: undefined, processId: 3, routingId: 1 };
    expect(checkSender(eventFrom(odd), trusted).allowed).toBe(false);
  });

  it('is not inverted: across every combination exactly the trusted main frame on our origin passes', () => {
    const combos: Array<{ expected: boolean; event: InvokeEventLike }> = [];
    for (const id of [OUR_WINDOW_ID, 8]) {
      for (const url of [`${APP_ORIGIN}/index.html`, 'https://evil.example/']) {
        for (const sub of [false, true]) {
          const main = frame(url);
          const sender = sub ? frame(url, { parent: main, routingId: 2 }) : main;
          combos.push({
            expected: id === OUR_WINDOW_ID && url.startsWith(APP_ORIGIN) && !sub,
            event: eventFrom(sender, { id, mainFrame: main }),
          });
        }
      }
    }
    expect(combos.map((combo) => checkSender(combo.event, trusted).allowed)).toEqual(
      combos.map((combo) => combo.expected),
    );
    expect(combos.filter((combo) => combo.expected)).toHaveLength(1);
  });

  it('accepts an extra origin only when the policy names it (a development server)', () => {
    const dev = eventFrom(frame('http://localhost:5173/'));
    expect(checkSender(dev, trusted).allowed).toBe(false);
    const devPolicy = { ...trusted, allowedOrigins: [APP_ORIGIN, 'http://localhost:5173'] };
    expect(checkSender(dev, devPolicy).allowed).toBe(true);
    expect(checkSender(eventFrom(frame('http://localhost:5174/')), devPolicy).allowed).toBe(false);
  });
});
